/**
 * The fault campaign: a scripted show against a real server process that is killed with SIGKILL at
 * chosen points of the run-of-show (after a step was acknowledged, or while a step is in flight),
 * restarted each time and finished by the same clients reconnecting (the desk, the judges' tablets
 * and public viewers, through fan-out processes with `--fanout N`: each viewer must hold every
 * step). Compared with an uninterrupted run of the same inputs: nothing acknowledged is lost, nothing is applied twice,
 * the final state and bundle are the same (times and hashes aside), and the log's chain verifies.
 *
 *   npm run chaos                 # the long campaign (every step of the show, at least 20 kills)
 *   npm run chaos -- --kills 8    # fewer
 *   npm run chaos -- --fanout 2   # public viewers on 2 fan-out processes behind a redis-server
 *
 * `npm test` runs a short campaign through the same code (tests/chaos.test.ts).
 */
import type { ChildProcess } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { buildApp } from '../server/app';
import { canonicalJson } from '../server/draw-engine/canonical-json';
import { loadDemoCounty } from '../server/demo/load-demo';
import { defaultPlan } from '../server/draw-engine/default-plan';
import { verifyBundle, type DrawBundle } from '../server/verify/bundle';
import { findChainBreak } from '../server/draw-engine/log-chain';
import { readLog, SHOW_LOG } from '../server/store/log-store';
import type { RandomBytes } from '../server/runtime';
import type { CommandAck, JudgeSubmission, ShowCommandBody, ShowSnapshot } from '../server/protocol/show';
import { rolesFor } from '../server/protocol/show-commands';
import { PUBLIC_AUDIENCE_QUERY } from '../server/protocol/fanout';
import { nextAction } from '../console-ui/src/lib/next-action';
import { ShowClient } from '../tests/helpers/show-client';
import { startMain } from '../tests/helpers/server-process';
import { startRedisServer } from './redis-server.mjs';

const PASSWORD = 'chaos-operator-pass';
const SUPERVISOR_PASSWORD = `${PASSWORD}-s`;
const DICE = '31415926535897932384626433';
const SEATS = 5;
/** Public live pages watching the show throughout. */
const VIEWERS = 4;

/** Random bytes from a seed (SHA-256 in counter mode): the sealed event is the same in every run. */
function seededRandom(seed: string): RandomBytes {
  let counter = 0;
  return (size) => {
    const out = Buffer.alloc(size);
    for (let filled = 0; filled < size; counter += 1) {
      filled += createHash('sha256').update(`${seed}:${counter}`).digest().copy(out, filled);
    }
    return out;
  };
}

/** A sealed event on a small county: two rounds, five judges, two households per cadre (`npm run bench -- crash` starts from it too). */
export async function prepare(dbPath: string, seed: string): Promise<string> {
  const app = await buildApp({
    dbPath,
    random: seededRandom(seed),
    initialPasswords: { operator: PASSWORD, supervisor: SUPERVISOR_PASSWORD },
  });
  try {
    await loadDemoCounty(app.services.db, { now: '2026-11-01T00:00:00.000Z', cadres: 200, teachers: 10 });
    const events = app.services.events;
    const event = events.createEvent(
      {
        title: '故障演练：干部作风电视抽查',
        eventDate: '2026-11-26',
        venue: '演播厅',
        mode: 'televised',
        settings: {
          plan: {
            ...defaultPlan('2026-11-26'),
            auditees: { mode: 'total', count: 2 },
            contactsPerAuditee: 2,
            replacementCaps: { auditees: 1, contactsPerAuditee: 2 },
          },
          reportMinutes: 5,
          rollSeconds: 2,
          judges: Array.from({ length: SEATS }, (_, i) => ({
            seat: i + 1,
            name: `评委${i + 1}`,
            pin: `${i + 1}`.repeat(4),
            recusals: [],
          })),
        },
      },
      'operator',
    );
    return events.sealEvent(event.id, 'operator').id;
  } finally {
    await app.close();
  }
}

/** One step of the scripted show: a desk command, or a judge's score. */
type Step =
  { kind: 'command'; command: ShowCommandBody } | { kind: 'score'; seat: number; submission: JudgeSubmission };

/** What the show needs next, decided from the staff snapshot alone (the same inputs in every run). */
function nextStep(snapshot: ShowSnapshot): Step | null {
  const round = snapshot.rounds.at(-1);
  if (round?.step === 'households') {
    const household = round.households.find((h) => h.replaced === null && h.outcome === null);
    if (household) {
      // The first household of the first round does not answer and is replaced; the rest answer.
      const first = round.index === 0 && round.households[0]?.number === household.number;
      if (first && household.callStatus !== '未接通') {
        return {
          kind: 'command',
          command: { type: 'setCallStatus', household: household.number, callStatus: '未接通' },
        };
      }
      if (first)
        return {
          kind: 'command',
          command: { type: 'replaceHousehold', household: household.number, reason: 'NO_ANSWER' },
        };
      return {
        kind: 'command',
        command: { type: 'recordOutcome', household: household.number, outcome: '属实', satisfaction: '满意' },
      };
    }
  }
  if (round?.step === 'judging' && round.judging.submitted < round.judging.expected) {
    const seat = round.judging.seats.find((s) => !s.submitted && !s.recused);
    if (seat) {
      return {
        kind: 'score',
        seat: seat.seat,
        submission: {
          submissionId: `r${round.index}s${seat.seat}chaos`,
          round: round.index,
          auditeeNumber: round.auditee.number,
          items: [80 + seat.seat * 2 + round.index],
        },
      };
    }
  }
  const action = nextAction(snapshot, { entropy: DICE, now: Number.POSITIVE_INFINITY });
  return action ? { kind: 'command', command: action.command } : null;
}

/** Whether a process is still running (an exited child nobody reaped yet is a zombie: not running). */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Public fan-out for the campaign: this many processes on this Redis (none: one process). */
interface FanoutSetting {
  processes: number;
  redisUrl: string;
}

/** Every server this campaign started: a run that fails must not leave one serving (and its fan-outs respawning). */
const runningServers = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of runningServers) if (child.exitCode === null) child.kill('SIGKILL');
});

class ServerProcess {
  private child: ChildProcess | null = null;
  /** The fan-out processes the running server started (from its banner). */
  private fanoutPids: number[] = [];
  base = '';
  constructor(
    private readonly dbPath: string,
    private readonly fanout: FanoutSetting | null,
  ) {}

  async start(): Promise<number> {
    const started = performance.now();
    const fanoutEnv: Record<string, string> = this.fanout
      ? { CHOUCHA_FANOUT: String(this.fanout.processes), REDIS_URL: this.fanout.redisUrl }
      : {};
    const server = await startMain(
      { PORT: '0', CHOUCHA_DB: this.dbPath, CHOUCHA_DEMO: '0', CHOUCHA_LOG: '0', ...fanoutEnv },
      60_000,
    );
    this.child = server.child;
    runningServers.add(server.child);
    server.child.once('exit', () => runningServers.delete(server.child));
    this.base = server.base;
    this.fanoutPids = [...server.output.matchAll(/fanout-\d+：pid (\d+)/gu)].map((m) => Number(m[1]));
    if (this.fanout && this.fanoutPids.length !== this.fanout.processes)
      throw new Error(`expected ${this.fanout.processes} fan-out processes in the banner:\n${server.output}`);
    return performance.now() - started;
  }

  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    await new Promise((resolve) => {
      child.once('exit', resolve);
      child.kill('SIGKILL');
    });
    this.child = null;
    // A killed primary's fan-outs follow it (their IPC channel closes): none may serve a stale show.
    for (let waited = 0; this.fanoutPids.some(running); waited += 20) {
      if (waited > 5000) throw new Error(`fan-out processes outlived their primary: ${this.fanoutPids.join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

/** The desk and the judges' tablets, reconnecting to whatever server is running. */
class Clients {
  staff: ShowClient | null = null;
  /** The notary's console: the dice are theirs to lock. */
  notary: ShowClient | null = null;
  judges = new Map<number, ShowClient>();
  /** Public live pages (through the fan-outs when they are on): each must follow every step. */
  viewers: ShowClient[] = [];
  private judgeKeys = new Map<number, string>();
  private cookie = '';

  constructor(
    private readonly server: ServerProcess,
    private readonly eventId: string,
    private readonly seatLinks: Map<number, { token: string; pin: string }>,
  ) {}

  private async login(username: string, password: string): Promise<string> {
    const login = await fetch(`${this.server.base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    if (!login.ok) throw new Error(`login: ${await login.text()}`);
    return (login.headers.get('set-cookie') ?? '').split(';')[0] as string;
  }

  async connect(): Promise<void> {
    this.close();
    const base = this.server.base;
    this.cookie = await this.login('operator', PASSWORD);
    this.staff = await ShowClient.connect(
      base,
      { eventId: this.eventId, role: 'staff', label: '故障演练操作台' },
      this.cookie,
    );
    this.notary = await ShowClient.connect(
      base,
      { eventId: this.eventId, role: 'staff', label: '故障演练监督员' },
      await this.login('supervisor', SUPERVISOR_PASSWORD),
    );
    for (const [seat, link] of this.seatLinks) {
      // A tablet joins once; its key is stored (hashed) by the server and survives restarts.
      let key = this.judgeKeys.get(seat);
      if (!key) {
        const joined = await fetch(`${base}/api/judges/join`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            eventId: this.eventId,
            seat,
            token: link.token,
            pin: link.pin,
            deviceId: `chaos-tablet-${seat}`,
          }),
        });
        if (!joined.ok) throw new Error(`seat ${seat}: ${await joined.text()}`);
        key = ((await joined.json()) as { judgeKey: string }).judgeKey;
        this.judgeKeys.set(seat, key);
      }
      this.judges.set(seat, await ShowClient.connect(base, { eventId: this.eventId, role: 'judge', key }));
    }
    this.viewers = await Promise.all(
      Array.from({ length: VIEWERS }, () =>
        ShowClient.connect(base, { eventId: this.eventId, role: 'public' }, undefined, {}, PUBLIC_AUDIENCE_QUERY),
      ),
    );
  }

  /** Every public viewer holds this revision (or a later one): none is left on a stale step. */
  async viewersAt(revision: number): Promise<void> {
    await Promise.all(this.viewers.map((viewer) => viewer.until(revision)));
  }

  get snapshot(): ShowSnapshot {
    if (!this.staff) throw new Error('not connected');
    return this.staff.latest;
  }

  /** Sends a step with the given idempotency key and revision; resolves with the ack. */
  send(step: Step, key: string, revision: number): Promise<CommandAck> {
    if (step.kind === 'command') {
      const sender = rolesFor(step.command.type).includes('operator') ? this.staff : this.notary;
      return (sender as ShowClient).send(step.command, { key, revision });
    }
    const judge = this.judges.get(step.seat) as ShowClient;
    return judge.socket.timeout(5000).emitWithAck('judge:submit', step.submission);
  }

  close(): void {
    this.staff?.close();
    this.notary?.close();
    this.notary = null;
    for (const judge of this.judges.values()) judge.close();
    this.judges.clear();
    for (const viewer of this.viewers) viewer.close();
    this.viewers = [];
    this.staff = null;
  }
}

/**
 * Fields that carry wall-clock time or hashes over it: they differ between any two runs (the public
 * log's heads, proofs and final record too: they are signed and hashed over times; and the log
 * stamp on the programme, a short log hash), and the links at the server's origin (a restarted
 * server listens on another port).
 */
const TIME_KEYS =
  /^(at|serverTime|startsAt|landsAt|settlesAt|runningSince|revealedAt|elapsedMs|hash|prevHash|logHead|createdAt|connectedAt|exportedAt|timestamp|rootHash|signature|inclusion|sealInclusion|consistency|drawLogHead|showLogHead|programLog|links)$/u;

export function timeless(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(timeless);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key]) => !TIME_KEYS.test(key))
        .map(([key, v]) => [key, timeless(v)]),
    );
  }
  return value;
}

/** The first path where two values differ, for a readable failure. */
function firstDifference(a: unknown, b: unknown, path = '$'): string | null {
  if (a === b || (a !== undefined && b !== undefined && canonicalJson(a) === canonicalJson(b))) return null;
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const found = firstDifference(
        (a as Record<string, unknown>)[key],
        (b as Record<string, unknown>)[key],
        `${path}.${key}`,
      );
      if (found) return found;
    }
  }
  return `${path}: ${JSON.stringify(a)?.slice(0, 120)} ≠ ${JSON.stringify(b)?.slice(0, 120)}`;
}

interface RunOutcome {
  steps: number;
  faults: { step: number; mode: 'after-ack' | 'in-flight'; restartMs: number }[];
  final: { snapshot: unknown; log: unknown; bundle: unknown };
  chainBreak: string | null;
  bundleVerified: boolean;
}

/** Runs the scripted show to its close, killing the server before the steps listed (by index). */
async function runShow(
  dbPath: string,
  eventId: string,
  killBefore: Map<number, 'after-ack' | 'in-flight'>,
  report: (line: string) => void,
  fanout: FanoutSetting | null,
): Promise<RunOutcome> {
  const server = new ServerProcess(dbPath, fanout);
  const seatLinks = seatLinksOf(dbPath, eventId);
  await server.start();
  const clients = new Clients(server, eventId, seatLinks);
  await clients.connect();
  const faults: RunOutcome['faults'] = [];
  let acknowledged = clients.snapshot.revision;
  let step = 0;
  for (;;) {
    const snapshot = clients.snapshot;
    const next = nextStep(snapshot);
    if (!next) break;
    const key = next.kind === 'score' ? next.submission.submissionId : randomUUID().replace(/-/gu, '');
    const mode = killBefore.get(step);
    let ack: CommandAck;
    if (mode === 'in-flight') {
      // Sent, then the server dies at once: it may or may not have written the step.
      void clients.send(next, key, snapshot.revision).catch(() => undefined);
      await server.kill();
      clients.close();
      const restartMs = await server.start();
      await clients.connect();
      faults.push({ step, mode, restartMs });
      const revision = clients.snapshot.revision;
      if (revision < acknowledged)
        throw new Error(`step ${step}: acknowledged revision ${acknowledged} lost (now ${revision})`);
      // The same key again: applied once either way (a repeat gets the first answer).
      ack = await clients.send(next, key, snapshot.revision);
    } else {
      if (mode === 'after-ack') {
        const before = JSON.stringify(timeless(snapshot));
        await server.kill();
        clients.close();
        const restartMs = await server.start();
        await clients.connect();
        faults.push({ step, mode, restartMs });
        if (clients.snapshot.revision !== acknowledged) {
          throw new Error(
            `step ${step}: revision ${clients.snapshot.revision} after restart, ${acknowledged} acknowledged`,
          );
        }
        const after = JSON.stringify(timeless(clients.snapshot));
        if (after !== before)
          throw new Error(
            `step ${step}: state changed across the restart: ${firstDifference(JSON.parse(before), JSON.parse(after))}`,
          );
      }
      ack = await clients.send(next, key, clients.snapshot.revision);
    }
    if (!ack.ok)
      throw new Error(
        `step ${step} (${next.kind === 'command' ? next.command.type : `score ${next.seat}`}): ${ack.error.code} ${ack.error.message}`,
      );
    if (ack.revision !== acknowledged + 1) {
      throw new Error(`step ${step}: revision ${ack.revision}, expected ${acknowledged + 1} (applied twice or lost)`);
    }
    acknowledged = ack.revision;
    await (clients.staff as ShowClient).until(acknowledged);
    await clients.viewersAt(acknowledged);
    step += 1;
    if (mode) {
      const where =
        step === 1
          ? '封存之后、开播之前'
          : `第 ${step} 步${mode === 'in-flight' ? '发送途中' : '之前（上一步已确认）'}`;
      report(`  故障 ${faults.length}：${where}强制结束服务器，重启 ${faults.at(-1)?.restartMs.toFixed(0)} ms，已恢复`);
    }
  }
  const snapshot = timeless(clients.snapshot);
  const drawId = clients.snapshot.draw.drawId;
  const bundle = (await (await fetch(`${server.base}/api/draws/${drawId}/bundle`)).json()) as DrawBundle;
  clients.close();
  await server.kill();

  const db = new Database(dbPath, { readonly: true });
  try {
    const log = readLog(db, SHOW_LOG, eventId);
    const broken = findChainBreak(log);
    return {
      steps: step,
      faults,
      final: { snapshot, log: timeless(log.map(({ idempotencyKey: _k, ...e }) => e)), bundle: timeless(bundle) },
      chainBreak: broken ? `${broken.seq}: ${broken.problem}` : null,
      bundleVerified: verifyBundle(bundle).ok,
    };
  } finally {
    db.close();
  }
}

function seatLinksOf(dbPath: string, eventId: string): Map<number, { token: string; pin: string }> {
  const db = new Database(dbPath, { readonly: true });
  try {
    const settings = JSON.parse(
      db.prepare('SELECT settings FROM events WHERE id = ?').pluck().get(eventId) as string,
    ) as {
      judges: { seat: number; pin: string }[];
    };
    const tokens = db.prepare('SELECT seat, token FROM judge_seats WHERE event_id = ?').all(eventId) as {
      seat: number;
      token: string;
    }[];
    return new Map(
      tokens.map(({ seat, token }) => [seat, { token, pin: settings.judges.find((j) => j.seat === seat)?.pin ?? '' }]),
    );
  } finally {
    db.close();
  }
}

export interface ChaosReport {
  steps: number;
  injected: number;
  survived: number;
  sameAsUninterrupted: boolean;
  difference: string | null;
  chainVerified: boolean;
  bundleVerified: boolean;
  restartMs: number[];
}

/**
 * The campaign: prepares one sealed event, runs it once without faults, then again from the same
 * sealed file with `kills` hard kills spread over the run-of-show (half after an acknowledged
 * step, half with a step in flight), and compares.
 */
export async function runChaos(options: {
  kills: number;
  seed?: string;
  report?: (line: string) => void;
  /** Public viewers on this many fan-out processes, behind a redis-server the campaign starts. */
  fanout?: number;
}): Promise<ChaosReport> {
  const report = options.report ?? (() => undefined);
  const dir = mkdtempSync(join(tmpdir(), 'choucha-chaos-'));
  const redis = options.fanout ? await startRedisServer() : null;
  const fanout = redis && options.fanout ? { processes: options.fanout, redisUrl: redis.url } : null;
  try {
    const sealed = join(dir, 'sealed.db');
    const eventId = await prepare(sealed, options.seed ?? 'choucha chaos v1');
    const referencePath = join(dir, 'reference.db');
    const chaosPath = join(dir, 'chaos.db');
    copyFileSync(sealed, referencePath);
    copyFileSync(sealed, chaosPath);

    report('不中断运行一遍（对照）…');
    const reference = await runShow(referencePath, eventId, new Map(), report, fanout);
    const points = new Map<number, 'after-ack' | 'in-flight'>();
    const kills = Math.min(options.kills, reference.steps * 2);
    // Spread over every step from the first (just after sealing) to the close.
    for (let i = 0; i < kills; i += 1) {
      const at = Math.min(reference.steps - 1, Math.floor((i * reference.steps) / Math.min(kills, reference.steps)));
      const mode = i % 2 === 0 ? 'after-ack' : 'in-flight';
      if (!points.has(at)) points.set(at, mode);
      else if (!points.has(at + 1) && at + 1 < reference.steps) points.set(at + 1, mode);
    }
    report(`带故障运行（共 ${reference.steps} 步，在 ${points.size} 处强制结束服务器）…`);
    const chaos = await runShow(chaosPath, eventId, points, report, fanout);
    const difference =
      firstDifference(reference.final.snapshot, chaos.final.snapshot) ??
      firstDifference(reference.final.log, chaos.final.log) ??
      firstDifference(reference.final.bundle, chaos.final.bundle);
    return {
      steps: chaos.steps,
      injected: points.size,
      survived: chaos.faults.length,
      sameAsUninterrupted: difference === null,
      difference,
      chainVerified: chaos.chainBreak === null && reference.chainBreak === null,
      bundleVerified: chaos.bundleVerified && reference.bundleVerified,
      restartMs: chaos.faults.map((f) => f.restartMs),
    };
  } finally {
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const killsArg = process.argv.indexOf('--kills');
  const kills = killsArg > 0 ? Number(process.argv[killsArg + 1]) : 40;
  const fanoutArg = process.argv.indexOf('--fanout');
  const fanout = fanoutArg > 0 ? Number(process.argv[fanoutArg + 1]) : 0;
  console.log(`choucha 故障演练（kill -9）${fanout > 0 ? `：公众观看由 ${fanout} 个分发进程服务` : ''}`);
  const result = await runChaos({ kills, fanout, report: (line) => console.log(line) });
  const restart = [...result.restartMs].sort((a, b) => a - b);
  console.log(`
共 ${result.steps} 步，注入故障 ${result.injected} 次，恢复 ${result.survived} 次
与不中断运行的最终状态、日志和验证包一致：${result.sameAsUninterrupted ? '是' : `否（${result.difference}）`}
事件日志哈希链校验：${result.chainVerified ? '通过' : '失败'}；验证包校验：${result.bundleVerified ? '通过' : '失败'}
重启用时（含进程启动）：中位 ${restart[Math.floor(restart.length / 2)]?.toFixed(0)} ms，最长 ${restart.at(-1)?.toFixed(0)} ms`);
  const ok =
    result.survived === result.injected && result.sameAsUninterrupted && result.chainVerified && result.bundleVerified;
  process.exit(ok ? 0 : 1);
}
