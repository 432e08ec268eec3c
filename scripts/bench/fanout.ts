/**
 * Public viewers at county scale, for `npm run bench -- fanout`: the server runs in a process of its
 * own (its CPU read from /proc apart from the clients'), once alone and once with two fan-out
 * processes behind a real redis-server; light viewer processes (public-viewers.ts) watch the show.
 * Each configuration measures, in the same run:
 * - step → viewer: the wall time from the operator sending a step to each viewer holding it;
 * - the operator's command ack with no viewer connected, with the viewers connected, and while
 *   hostile public sockets flood the server with `show:sync` and reconnections;
 * - the server's CPU (every server process, Redis included) per viewer per step, and its memory
 *   per viewer.
 * The join limit per address is lifted (the viewers share 127.0.0.1; in the county they come from
 * as many phones), so the flood is not shed by it either: it is the load the limits would refuse.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setPriority } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'redis';
import { io, type Socket } from 'socket.io-client';
import { buildApp } from '../../server/app';
import type { CommandAck } from '../../server/protocol/show';
import { startRedisServer, type StartedRedis } from '../redis-server.mjs';
import { judged, percentile, type BenchRecord } from './record';
import { reportingShow, sessionCookie } from './reporting-show';

const ROOT = join(import.meta.dirname, '..', '..');
const PASSWORD = 'bench-operator-pass';
/** Viewers per client process: a process of light clients keeps up with 5,000 on one core's share. */
const VIEWERS_PER_CLIENT = 5000;
/** Steps timed per configuration, at a brisk desk's pace (a real show has seconds between steps). */
const STEPS = 40;
const STEP_SPACING_MS = 700;
/** After the last step, how long a late arrival still counts (later: missed). */
const ARRIVAL_GRACE_MS = 5000;
/** Commands timed with no viewer connected, and under the flood. */
const IDLE_COMMANDS = 60;
const FLOOD_COMMANDS = 60;
const FLOOD_SOCKETS = 300;

interface Configuration {
  label: string;
  /** Fan-out processes (0: the primary serves its viewers itself). */
  processes: number;
  viewers: number;
  flood: boolean;
}

const CONFIGURATIONS: Configuration[] = [
  { label: '1 process', processes: 0, viewers: 10_000, flood: true },
  { label: '2 fan-outs + primary', processes: 2, viewers: 10_000, flood: true },
  { label: '2 fan-outs + primary', processes: 2, viewers: 20_000, flood: false },
];

interface Measured {
  configuration: Configuration;
  delivery: number[];
  missed: number;
  dropped: number;
  ackIdle: number[];
  ackViewers: number[];
  ackFlood: number[];
  cpuMicrosPerViewerStep: number;
  bytesPerViewer: number;
  redisBytesPerStep: number | null;
  /** The public snapshot each viewer is sent per step (JSON bytes, before websocket framing). */
  snapshotBytes: number;
}

const wallNow = (): number => performance.timeOrigin + performance.now();
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** User + system CPU time of a process so far, in µs (from /proc; clock ticks are 100 a second here). */
function cpuMicros(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/u.exec(status)?.[1] ?? 0) * 1024;
}

const total = (pids: number[], read: (pid: number) => number) => pids.reduce((sum, pid) => sum + read(pid), 0);

/** One IPC answer of a client process, by its type. */
function reply<T>(child: ChildProcess, type: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: { type: string }) => {
      if (message.type !== type) return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(message as T);
    };
    const onExit = (code: number | null) => reject(new Error(`client process exited (${code}) before ${type}`));
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

/**
 * A process of viewers (or of flooders). They stand for phones elsewhere in the county, so they
 * run at the lowest priority: the machine's CPU goes to the server first, as it would were the
 * phones not on it. Their own slowness only adds to the latencies they measure.
 */
function clients(mode: 'viewers' | 'flood', wsBase: string, eventId: string, count: number): ChildProcess {
  const child = fork(join(ROOT, 'scripts', 'bench', 'public-viewers.ts'), [mode, wsBase, eventId, String(count)], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  if (child.pid !== undefined) setPriority(child.pid, 19);
  return child;
}

function startServer(
  dbPath: string,
  processes: number,
  redis: StartedRedis | null,
): Promise<{ child: ChildProcess; base: string; pids: number[] }> {
  const args = [dbPath, PASSWORD, ...(redis && processes > 0 ? [String(processes), redis.url] : [])];
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'scripts', 'bench', 'fanout-server.ts'), ...args],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let out = '';
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`bench server exited (${code})`)));
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve({ child, ...(JSON.parse(line) as { base: string; pids: number[] }) });
    });
  });
}

/** The operator's desk: a staff socket that sends pause/resume of the report timer and times each ack. */
class Desk {
  private revision = 0;
  private sent = 0;
  constructor(private readonly socket: Socket) {}

  static async open(base: string, eventId: string): Promise<Desk> {
    const cookie = await sessionCookie(base, 'operator', PASSWORD);
    const socket = io(base, {
      auth: { eventId, role: 'staff', label: 'bench desk' },
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      extraHeaders: { cookie },
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    const desk = new Desk(socket);
    const current = (await socket.timeout(30_000).emitWithAck('show:sync')) as { revision: number };
    desk.revision = current.revision;
    return desk;
  }

  /** One step: its ack time, and the revision it made with the wall time it was sent at. */
  async step(): Promise<{ ackMs: number; revision: number; sentAt: number }> {
    const command = this.sent % 2 === 0 ? ({ type: 'pauseReport' } as const) : ({ type: 'resumeReport' } as const);
    this.sent += 1;
    const sentAt = wallNow();
    const ack = (await this.socket.timeout(30_000).emitWithAck('show:command', {
      revision: this.revision,
      idempotencyKey: `fanout-bench-${this.revision}`,
      command,
    })) as CommandAck;
    const ackMs = wallNow() - sentAt;
    if (!ack.ok) throw new Error(`${command.type}: ${ack.error.code}`);
    this.revision = ack.revision;
    return { ackMs, revision: ack.revision, sentAt };
  }

  async steps(count: number, spacingMs: number): Promise<{ ackMs: number; revision: number; sentAt: number }[]> {
    const done = [];
    for (let i = 0; i < count; i += 1) {
      const started = wallNow();
      done.push(await this.step());
      await pause(Math.max(0, spacingMs - (wallNow() - started)));
    }
    return done;
  }

  close(): void {
    this.socket.disconnect();
  }
}

async function redisStats(url: string): Promise<{ inputBytes: number; outputBytes: number }> {
  const client = createClient({ url });
  await client.connect();
  const info = await client.info('stats');
  await client.close();
  const field = (name: string) => Number(new RegExp(`${name}:(\\d+)`, 'u').exec(info)?.[1] ?? 0);
  return { inputBytes: field('total_net_input_bytes'), outputBytes: field('total_net_output_bytes') };
}

async function measure(configuration: Configuration, work: string, redis: StartedRedis): Promise<Measured> {
  const dbPath = join(work, `fanout-${configuration.processes}-${configuration.viewers}.db`);
  const setup = await buildApp({ dbPath, initialPasswords: { operator: PASSWORD } });
  const { eventId } = await reportingShow(setup, 'fanout bench');
  const snapshotBytes = Buffer.byteLength(JSON.stringify(setup.services.shows.snapshot(eventId, 'public')));
  await setup.close();

  const server = await startServer(dbPath, configuration.processes, configuration.processes > 0 ? redis : null);
  const serverPids = [...server.pids, ...(configuration.processes > 0 && redis.pid ? [redis.pid] : [])];
  const wsBase = server.base.replace('http', 'ws');
  const desk = await Desk.open(server.base, eventId);
  const viewerProcesses: ChildProcess[] = [];
  try {
    // Warm the command path, then time it with nobody watching.
    await desk.steps(5, 50);
    const ackIdle = (await desk.steps(IDLE_COMMANDS, 200)).map((s) => s.ackMs);

    const rssBefore = total(server.pids, rssBytes);
    for (let left = configuration.viewers; left > 0; left -= VIEWERS_PER_CLIENT) {
      viewerProcesses.push(clients('viewers', wsBase, eventId, Math.min(VIEWERS_PER_CLIENT, left)));
    }
    await Promise.all(viewerProcesses.map((child) => reply(child, 'ready')));
    await pause(2000);
    const bytesPerViewer = (total(server.pids, rssBytes) - rssBefore) / configuration.viewers;

    const cpuBefore = total(serverPids, cpuMicros);
    const redisBefore = configuration.processes > 0 ? await redisStats(redis.url) : null;
    const steps = await desk.steps(STEPS, STEP_SPACING_MS);
    await pause(ARRIVAL_GRACE_MS);
    const cpu = total(serverPids, cpuMicros) - cpuBefore;
    const redisAfter = configuration.processes > 0 ? await redisStats(redis.url) : null;
    const sent = steps.map((s) => [s.revision, s.sentAt]);
    const collected = await Promise.all(
      viewerProcesses.map((child) => {
        const answer = reply<{ latencies: number[]; missed: number; dropped: number }>(child, 'collected');
        child.send({ type: 'collect', sent });
        return answer;
      }),
    );

    let ackFlood: number[] = [];
    if (configuration.flood) {
      const flood = clients('flood', wsBase, eventId, FLOOD_SOCKETS);
      await reply(flood, 'ready');
      await pause(1000);
      ackFlood = (await desk.steps(FLOOD_COMMANDS, 250)).map((s) => s.ackMs);
      const closed = reply(flood, 'closed');
      flood.send({ type: 'close' });
      await closed;
    }
    return {
      configuration,
      snapshotBytes,
      delivery: collected.flatMap((c) => c.latencies),
      missed: collected.reduce((sum, c) => sum + c.missed, 0),
      dropped: collected.reduce((sum, c) => sum + c.dropped, 0),
      ackIdle,
      ackViewers: steps.map((s) => s.ackMs),
      ackFlood,
      cpuMicrosPerViewerStep: cpu / (configuration.viewers * STEPS),
      bytesPerViewer,
      redisBytesPerStep:
        redisBefore && redisAfter
          ? (redisAfter.inputBytes + redisAfter.outputBytes - redisBefore.inputBytes - redisBefore.outputBytes) / STEPS
          : null,
    };
  } finally {
    desk.close();
    await Promise.all(
      viewerProcesses.map(async (child) => {
        if (child.exitCode !== null) return;
        const closed = reply(child, 'closed').catch(() => undefined);
        child.send({ type: 'close' });
        await closed;
      }),
    );
    const exited = new Promise((resolve) => server.child.once('exit', resolve));
    server.child.kill('SIGTERM');
    await exited;
  }
}

const thousands = (n: number) => n.toLocaleString('en');

export async function benchFanout(records: BenchRecord[], work: string): Promise<void> {
  const redis = await startRedisServer({ install: false });
  const results: Measured[] = [];
  try {
    for (const configuration of CONFIGURATIONS) results.push(await measure(configuration, work, redis));
  } finally {
    await redis.stop();
  }
  const first = results[0];
  if (first)
    records.push({
      name: 'public snapshot sent to each viewer per step (JSON)',
      value: first.snapshotBytes / 1024,
      unit: 'KiB',
    });
  for (const result of results) {
    const { label, viewers, flood, processes } = result.configuration;
    const where = `${thousands(viewers)} viewers, ${label}`;
    records.push({ name: `public step → viewer, ${where}, p50`, value: percentile(result.delivery, 50), unit: 'ms' });
    const p99 = percentile(result.delivery, 99);
    const p99Record: BenchRecord = { name: `public step → viewer, ${where}, p99`, value: p99, unit: 'ms' };
    records.push(viewers >= 20_000 ? judged(p99Record, { text: '≤ 1 s', test: (r) => r.value <= 1000 }) : p99Record);
    records.push(
      judged(
        {
          name: `public steps missed, ${where} (${STEPS} steps; ${result.dropped} sockets dropped)`,
          value: result.missed,
          unit: '',
        },
        { text: '0', test: (r) => r.value === 0 },
      ),
    );
    const idleP99 = percentile(result.ackIdle, 99);
    records.push({
      name: `operator ack, ${label}, no viewers, p50`,
      value: percentile(result.ackIdle, 50),
      unit: 'ms',
    });
    records.push({ name: `operator ack, ${label}, no viewers, p99`, value: idleP99, unit: 'ms' });
    const withViewers = percentile(result.ackViewers, 99);
    records.push({
      name: `operator ack, ${where} connected, p50`,
      value: percentile(result.ackViewers, 50),
      unit: 'ms',
    });
    const ackRecord: BenchRecord = {
      name: `operator ack, ${where} connected, p99`,
      value: withViewers,
      unit: 'ms',
      baseline: { name: 'no viewers p99', value: idleP99 },
      ratio: withViewers / idleP99,
    };
    const ackGoal = {
      text: '≤ 50 ms and ≤ 1.5× idle',
      test: (r: BenchRecord) => r.value <= 50 && (r.ratio ?? Infinity) <= 1.5,
    };
    records.push(processes > 0 && viewers === 10_000 ? judged(ackRecord, ackGoal) : ackRecord);
    if (flood) {
      const floodP99 = percentile(result.ackFlood, 99);
      records.push({
        name: `operator ack, ${label}, ${FLOOD_SOCKETS} public sockets flooding, p50`,
        value: percentile(result.ackFlood, 50),
        unit: 'ms',
      });
      const floodRecord: BenchRecord = {
        name: `operator ack, ${label}, ${FLOOD_SOCKETS} public sockets flooding, p99`,
        value: floodP99,
        unit: 'ms',
        baseline: { name: 'no viewers p99', value: idleP99 },
        ratio: floodP99 / idleP99,
      };
      records.push(processes > 0 ? judged(floodRecord, { text: '≤ 50 ms', test: (r) => r.value <= 50 }) : floodRecord);
    }
    records.push({
      name: `server CPU per viewer per step, ${where} (every server process${processes > 0 ? ', Redis included' : ''})`,
      value: result.cpuMicrosPerViewerStep,
      unit: 'µs',
    });
    records.push({ name: `server memory per viewer, ${where}`, value: result.bytesPerViewer / 1024, unit: 'KiB' });
    if (result.redisBytesPerStep !== null) {
      records.push({
        name: `Redis traffic per step, ${where} (in + out)`,
        value: result.redisBytesPerStep / 1024,
        unit: 'KiB',
      });
    }
  }
}
