import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../server/app';
import { loadDemoCounty } from '../server/demo/load-demo';
import type { DrawView, SignedTreeHead } from '../server/protocol/draw';
import { verifyBundle, type DrawBundle } from '../server/verify/bundle';
import type { BulletinExpectations } from '../server/verify/bulletin-checks';
import { leafHash, treeRoot, verifyConsistency, verifyInclusion } from '../server/verify/merkle';
import { leafBytes, publicLeafHash, treeHeadMessage, type PublicLogLeaf } from '../server/verify/public-log';
import { createPrivateKey, sign } from 'node:crypto';
import { forgeBundle, grind } from './helpers/bundle-forgery';
import { DICE, ScriptedShow } from './helpers/show-script';
import { DEMO_PLAN } from './helpers/draw-fixture';
import { loginCookie, SUPERVISOR_PASSWORD, testApp } from './helpers/test-app';
import { tsxCommand } from './helpers/tsx-cli';

/**
 * Format-2 bundles against the verifier (`verifyBundle`, `npm run verify`) and the standard-library
 * Python reference (docs/reference/verify_draw.py), with the bundles coming from real shows on a
 * real server: a forged bundle is caught once the bulletin is given, every single-field change is
 * refused, the database alone does not hold the secret, the entropy is the notary's, and the
 * public log's proofs hold until the log is rewritten.
 */
const ROOT = join(import.meta.dirname, '..');
const PYTHON = join(ROOT, 'docs', 'reference', 'verify_draw.py');
const work = mkdtempSync(join(tmpdir(), 'choucha-bundle-v2-'));

let app: FastifyInstance;
let dir: string;
let close: () => Promise<void>;
let base: string;
/** A whole show, closed, with a notary: the bundle every mutation starts from. */
let closed: DrawBundle;
let closedView: DrawView;
/** A second show, stopped after its first auditee is drawn: the bundle the forger starts from. */
let running: DrawBundle;
let runningView: DrawView;
let runningShow: ScriptedShow;
const shows: ScriptedShow[] = [];

async function bundleOf(drawId: string): Promise<DrawBundle> {
  return JSON.parse((await app.inject({ url: `/api/draws/${drawId}/bundle` })).body) as DrawBundle;
}
async function viewOf(drawId: string): Promise<DrawView> {
  return (await app.inject({ url: `/api/draws/${drawId}` })).json<DrawView>();
}

/** What the bulletin printed for a draw: both commitments, the seal's tree head, the key. */
function bulletinOf(view: DrawView, bundle: DrawBundle): { flags: string[]; expected: BulletinExpectations } {
  const head = view.sealTreeHead as SignedTreeHead;
  const commitments = [bundle.commitment, ...(bundle.notary ? [bundle.notary.commitment] : [])];
  const keyId = bundle.publicLog?.keyId ?? '';
  return {
    flags: [
      ...commitments.flatMap((c) => ['--bulletin-commitment', c]),
      '--tree-head',
      `${head.treeSize}:${head.rootHash}`,
      '--key-id',
      keyId,
    ],
    expected: { commitments, treeHead: { treeSize: head.treeSize, rootHash: head.rootHash }, keyId },
  };
}

let fileCount = 0;
function save(bundle: unknown): string {
  fileCount += 1;
  const path = join(work, `bundle-${fileCount}.json`);
  writeFileSync(path, JSON.stringify(bundle));
  return path;
}

function python(bundle: unknown, flags: string[] = []): { status: number | null; stdout: string } {
  const result = spawnSync('python3', [PYTHON, save(bundle), ...flags], { encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout + result.stderr };
}

/** `npm run verify` itself (tsx scripts/verify.ts), run as a citizen would; resolves its exit code and output. */
function cli(bundle: unknown, flags: string[] = []): Promise<{ status: number | null; stdout: string }> {
  const path = save(bundle);
  return new Promise((resolve) => {
    const [command, args] = tsxCommand('scripts/verify.ts', [path, ...flags]);
    const child = spawn(command, args, { cwd: ROOT });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', (status) => resolve({ status, stdout: out }));
  });
}

/** Runs many promises two at a time (the machine has two cores). */
async function twoAtATime<T>(jobs: (() => Promise<T>)[]): Promise<T[]> {
  const results: T[] = new Array(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next;
      next += 1;
      results[i] = await (jobs[i] as () => Promise<T>)();
    }
  };
  await Promise.all([worker(), worker()]);
  return results;
}

beforeAll(async () => {
  ({ app, dir, close } = await testApp());
  await loadDemoCounty(app.services.db, { now: '2026-11-01T00:00:00.000Z', cadres: 60, teachers: 10 });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
  const whole = await ScriptedShow.create(app, base, { notary: true, rollSeconds: 2, recusals: { 2: ['00001'] } });
  shows.push(whole);
  await whole.runToClose();
  closed = await bundleOf(whole.snapshot.draw.drawId);
  closedView = await viewOf(whole.snapshot.draw.drawId);
  runningShow = await ScriptedShow.create(app, base, { notary: true, rollSeconds: 2 });
  shows.push(runningShow);
}, 60_000);

afterAll(async () => {
  for (const show of shows) show.close();
  await close();
  // The bundles written for the verifiers: 35 MB a run, left in /tmp otherwise.
  rmSync(work, { recursive: true, force: true });
});

describe('format-2 bundles: forgeries, single-field changes, the secret at rest, the public log', () => {
  it('a real closed v2 show verifies in TypeScript, `npm run verify` and Python, with and without the bulletin', async () => {
    const report = verifyBundle(closed);
    expect(report.checks.filter((c) => !c.ok)).toEqual([]);
    expect(report.parties).toBe('two-party');
    expect(report.eyeChecks).toHaveLength(4);
    const { flags, expected } = bulletinOf(closedView, closed);
    const given = verifyBundle(closed, expected);
    expect(given.ok).toBe(true);
    expect(given.checks.map((c) => c.id)).toEqual(
      expect.arrayContaining(['bulletin-commitment', 'bulletin-tree-head', 'bulletin-key', 'seal-hash']),
    );
    // Only the digits on air are left to compare by eye once the bulletin was given.
    expect(given.eyeChecks).toEqual([expect.stringContaining(DICE)]);
    const [bare, withBulletin] = await twoAtATime([() => cli(closed), () => cli(closed, flags)]);
    expect(bare?.status).toBe(0);
    expect(bare?.stdout).toMatch(/双方密钥/u);
    expect(bare?.stdout).toMatch(/║ 请亲眼核对/u);
    expect(bare?.stdout).toMatch(/║ · 承诺值/u);
    expect(withBulletin?.status).toBe(0);
    expect(withBulletin?.stdout).toMatch(/✓ 承诺值与事先公布的公告一致/u);
    expect(withBulletin?.stdout).toMatch(/✓ 公开日志树头与公告一致/u);
    expect(withBulletin?.stdout).not.toMatch(/║ · 承诺值/u);
    const py = python(closed, flags);
    expect(py.stdout).toMatch(/ALL CHECKS PASSED/u);
    expect(py.stdout).toMatch(/OK {3}public log: consistency/u);
    expect(py.stdout).toMatch(/OK {3}bulletin: printed tree head is the bundle's/u);
    expect(py.status).toBe(0);
    // Another county's key (or a key swapped after the bulletin) is refused by both.
    const otherKey = 'ab'.repeat(32);
    expect(
      verifyBundle(closed, { keyId: otherKey })
        .checks.filter((c) => !c.ok)
        .map((c) => c.id),
    ).toEqual(['bulletin-key']);
    const pyKey = python(closed, ['--key-id', otherKey]);
    expect(pyKey.status).toBe(1);
    expect(pyKey.stdout).toMatch(/FAIL bulletin: printed key fingerprint/u);
  }, 60_000);

  it("refuses the operator's lockEntropy over the socket, HTTP and the service; a wrong notary secret changes nothing", async () => {
    const drawId = runningShow.snapshot.draw.drawId;
    await runningShow.run({ type: 'open' });
    const byOperator = await runningShow.staff.send({ type: 'lockEntropy', entropy: DICE });
    expect(byOperator).toMatchObject({ ok: false, error: { code: 'AUTH_FORBIDDEN' } });
    const operator = await loginCookie(app);
    const http = await app.inject({
      method: 'POST',
      url: `/api/draws/${drawId}/commands`,
      headers: { cookie: operator },
      payload: { type: 'lockEntropy', entropy: DICE },
    });
    expect(http.statusCode).toBe(403);
    expect(http.json()).toMatchObject({ error: { code: 'AUTH_FORBIDDEN' } });
    expect((await viewOf(drawId)).entropy).toBeNull();
    // A draw sealed without a show: the route refuses the operator, and below it the format-2
    // ceremony itself refuses digits not typed by the supervisor.
    const single = app.services.draws.seal({ title: '单方抽取', plan: DEMO_PLAN }, 'operator');
    expect(single.sealVersion).toBe(2);
    const direct = await app.inject({
      method: 'POST',
      url: `/api/draws/${single.drawId}/commands`,
      headers: { cookie: operator },
      payload: { type: 'lockEntropy', entropy: DICE },
    });
    expect(direct.statusCode).toBe(403);
    expect(() =>
      app.services.draws.command(single.drawId, { type: 'lockEntropy', entropy: DICE }, 'operator', 'operator'),
    ).toThrow(/监督员/u);
    expect((await viewOf(single.drawId)).entropy).toBeNull();
    const bySupervisor = await app.inject({
      method: 'POST',
      url: `/api/draws/${single.drawId}/commands`,
      headers: { cookie: await loginCookie(app, 'supervisor', SUPERVISOR_PASSWORD) },
      payload: { type: 'lockEntropy', entropy: DICE },
    });
    expect(bySupervisor.statusCode).toBe(200);
    expect(bySupervisor.json<DrawView>().entropy).toBe(DICE);

    await runningShow.run({ type: 'lockEntropy', entropy: DICE });
    await runningShow.run({ type: 'reveal' });
    const before = await bundleOf(drawId);
    const supervisor = await runningShow.supervisor();
    await supervisor.until(runningShow.staff.latest.revision);
    const wrong = await supervisor.send({ type: 'revealNotary', secret: 'ab'.repeat(32) });
    // The show refuses it with the ceremony's own code (DRAW_NOTARY_MISMATCH) as the reason.
    expect(wrong.ok).toBe(false);
    expect(JSON.stringify(wrong)).toMatch(/DRAW_NOTARY_MISMATCH/u);
    const after = await bundleOf(drawId);
    expect(after.log).toEqual(before.log);
    expect(after.show?.log).toEqual(before.show?.log);
    expect(after.notarySecret).toBeNull();
    expect(after.seed).toBeNull();
    expect((await viewOf(drawId)).status).toBe('awaiting-notary');

    await runningShow.run({ type: 'revealNotary', secret: runningShow.notarySecret as string });
    await runningShow.run({ type: 'drawAuditee' });
    running = await bundleOf(drawId);
    runningView = await viewOf(drawId);
    expect(verifyBundle(running).ok).toBe(true);
  }, 30_000);

  it('a forged bundle (new secret, ground digits, both logs and the public log re-hashed and re-signed) is caught by the bulletin', async () => {
    const realFirst = running.auditeeStages?.[0]?.selections[0]?.number;
    const target = running.pool.auditees.find((a) => a.number !== realFirst)?.number as string;
    const forgery = grind(running, target, 2);
    const rewrite = {
      leaves: app.services.publicLog.leaves(0, 1_000).map((row) => row.leaf),
      keyDir: join(dir, 'keys'),
    };
    const forged = forgeBundle(running, forgery, { mode: 'rewrite', rewrite });
    expect(forgery.tries).toBeLessThan(5_000);
    expect(forged.auditeeStages?.[0]?.selections[0]?.number).toBe(target);
    expect(forged.show?.rounds[0]?.auditeeNumber).toBe(target);
    // Self-certifying: on its own the forgery passes every check, as the issue found.
    expect(verifyBundle(forged).checks.filter((c) => !c.ok)).toEqual([]);
    expect(python(forged).status).toBe(0);

    const { flags, expected } = bulletinOf(runningView, running);
    const commitmentFlags = flags.slice(0, 4);
    const headFlags = flags.slice(4, 6);
    const failed = (e: BulletinExpectations) =>
      verifyBundle(forged, e)
        .checks.filter((c) => !c.ok)
        .map((c) => c.id);
    expect(failed({ commitments: expected.commitments ?? [] })).toEqual(['bulletin-commitment']);
    expect(failed({ treeHead: expected.treeHead ?? { rootHash: '' } })).toEqual(['bulletin-tree-head']);
    const [cliCommitment, cliHead] = await twoAtATime([
      () => cli(forged, commitmentFlags),
      () => cli(forged, headFlags),
    ]);
    expect(cliCommitment?.status).toBe(1);
    expect(cliCommitment?.stdout).toMatch(/✗ 承诺值与事先公布的公告一致/u);
    expect(cliHead?.status).toBe(1);
    expect(cliHead?.stdout).toMatch(/✗ 公开日志树头与公告一致/u);
    const pyCommitment = python(forged, commitmentFlags);
    expect(pyCommitment.status).toBe(1);
    expect(pyCommitment.stdout).toMatch(/FAIL bulletin: printed commitments are the sealed ones/u);
    const pyHead = python(forged, headFlags);
    expect(pyHead.status).toBe(1);
    expect(pyHead.stdout).toMatch(/FAIL bulletin: printed tree head is the bundle's/u);
    // The real bundle passes the very same bulletin.
    expect(verifyBundle(running, expected).ok).toBe(true);
    expect(python(running, flags).status).toBe(0);
  }, 60_000);

  it('a forgery keeping the real public log, dropping it, or downgraded to format 1 fails', async () => {
    const realFirst = running.auditeeStages?.[0]?.selections[0]?.number;
    const target = running.pool.auditees.find((a) => a.number !== realFirst)?.number as string;
    const { flags, expected } = bulletinOf(runningView, running);
    const failedIds = (bundle: DrawBundle, e: BulletinExpectations = {}) =>
      verifyBundle(bundle, e)
        .checks.filter((c) => !c.ok)
        .map((c) => c.id);

    const v2 = grind(running, target, 2);
    const kept = forgeBundle(running, v2, { mode: 'keep' });
    expect(failedIds(kept)).toEqual(['public-log-seal']);
    // The printed head is the real one, so it "matches": the seal leaf is what gives the forgery away.
    expect(failedIds(kept, { treeHead: expected.treeHead ?? { rootHash: '' } })).toEqual(['public-log-seal']);
    expect(python(kept).stdout).toMatch(/FAIL public log: its seal leaf is this bundle's seal record/u);

    const dropped = forgeBundle(running, v2, { mode: 'drop' });
    expect(failedIds(dropped)).toEqual(['public-log']);
    expect(python(dropped).stdout).toMatch(/FAIL public log: proofs present/u);

    const v1 = grind(running, target, 1);
    const downgraded = forgeBundle(running, v1, { mode: 'drop' });
    expect(downgraded.version).toBe(1);
    expect(downgraded.auditeeStages?.[0]?.selections[0]?.number).toBe(target);
    expect(failedIds(downgraded)).toEqual([]);
    expect(failedIds(downgraded, { treeHead: expected.treeHead ?? { rootHash: '' } })).toEqual(['bulletin-tree-head']);
    expect(failedIds(downgraded, { commitments: expected.commitments ?? [] })).toEqual(['bulletin-commitment']);
    const [cliHead, cliCommitment] = await twoAtATime([
      () => cli(downgraded, flags.slice(4, 6)),
      () => cli(downgraded, flags.slice(0, 4)),
    ]);
    expect(cliHead?.status).toBe(1);
    expect(cliCommitment?.status).toBe(1);
    expect(python(downgraded).status).toBe(0);
    expect(python(downgraded, flags.slice(4, 6)).status).toBe(1);
    expect(python(downgraded, flags.slice(0, 4)).status).toBe(1);
  }, 60_000);
});

/** A path into the bundle's JSON, as keys and indices. */
type Path = (string | number)[];

/**
 * Indices tried in an array: every entry of both logs (each entry type is its own shape), and of
 * other long arrays (the pool's 60 cadres, their households, the orders) both ends and the middle,
 * every element there being alike in shape and hashed alike.
 */
/**
 * Which items of an array get their values changed: all of a short one; of a log, the first and last
 * entry of every entry type (every payload shape, both ends of the chain); of another long one, its
 * ends and middle. The whole run stays a few seconds (npm test has a 15-minute budget).
 */
function sampled(items: readonly unknown[], key: string | number | undefined): number[] {
  const length = items.length;
  if (key === 'log') {
    const byType = new Map<unknown, number[]>();
    for (const [i, item] of items.entries()) {
      const type = typeof item === 'object' && item !== null && 'type' in item ? item.type : i;
      byType.set(type, [...(byType.get(type) ?? []), i]);
    }
    const picked = [...byType.values()].flatMap((at) => [at[0] as number, at.at(-1) as number]);
    return [...new Set([0, length - 1, ...picked])].sort((a, b) => a - b);
  }
  return length <= 12
    ? [...Array(length).keys()]
    : [...new Set([0, 1, 2, Math.floor(length / 2), length - 2, length - 1])];
}

/** The result's sentences (show-section.ts WORDING): words about the figures, deliberately never compared. */
const WORDING = new Set(['announcement', 'method', 'formula', 'judgesShortfall']);
/**
 * Deliberately excluded: the result's sentences, and a log entry's `idempotencyKey` (the key a
 * console sent so a retried command is not applied twice: transport, outside the entry's hash by
 * design, docs/verification.md; changing it changes nothing the entry says).
 */
const excluded = (path: Path): boolean =>
  (path[0] === 'show' && path[1] === 'rounds' && path.some((key) => typeof key === 'string' && WORDING.has(key))) ||
  path.at(-1) === 'idempotencyKey';

function leafPaths(value: unknown, path: Path = []): Path[] {
  if (Array.isArray(value)) return sampled(value, path.at(-1)).flatMap((i) => leafPaths(value[i], [...path, i]));
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([key, child]) => leafPaths(child, [...path, key]));
  }
  return excluded(path) ? [] : [path];
}

/** One value changed as a forger would: a hex digit, a digit, a flag, a number, a word. */
function changed(value: unknown): unknown {
  if (typeof value === 'boolean') return !value;
  if (typeof value === 'number') return value + 1;
  if (value === null) return 'x';
  const text = String(value);
  if (/^[0-9a-f]+$/u.test(text) && text.length > 0) return text.slice(0, -1) + (text.endsWith('0') ? '1' : '0');
  return `${text}x`;
}

function withChange(bundle: DrawBundle, path: Path, change: (value: unknown) => unknown = changed): unknown {
  const copy: unknown = structuredClone(bundle);
  let parent: unknown = copy;
  for (const key of path.slice(0, -1)) parent = Reflect.get(parent as object, key);
  const last = path.at(-1) as string | number;
  Reflect.set(parent as object, last, change(Reflect.get(parent as object, last)));
  return copy;
}

function without(bundle: DrawBundle, path: Path): unknown {
  const copy: unknown = structuredClone(bundle);
  let parent: unknown = copy;
  for (const key of path.slice(0, -1)) parent = Reflect.get(parent as object, key);
  const last = path.at(-1) as string | number;
  if (Array.isArray(parent)) parent.splice(Number(last), 1);
  else Reflect.deleteProperty(parent as object, last);
  return copy;
}

/** The Python reference on many bundles in one process: '1' per line where a check failed. */
/**
 * Runs the Python reference over many bundles in one process; resolves, per bundle, whether it was
 * refused. Asynchronous, so the TypeScript verifier can check the same bundles on the other core.
 */
function pythonRejects(bundles: unknown[]): Promise<boolean[]> {
  fileCount += 1;
  const file = join(work, `many-${fileCount}.jsonl`);
  writeFileSync(file, bundles.map((b) => JSON.stringify(b)).join('\n'));
  const driver = [
    'import json, sys',
    `sys.path.insert(0, ${JSON.stringify(join(ROOT, 'docs', 'reference'))})`,
    'import verify_draw',
    'class Quiet(verify_draw.Report):',
    '    def check(self, label, ok):',
    '        if not ok: self.failures.append(label)',
    '        return ok',
    `for line in open(${JSON.stringify(file)}, encoding="utf-8"):`,
    '    report = Quiet()',
    '    verify_draw.verify_bundle(json.loads(line), report)',
    '    print("1" if report.failures else "0")',
  ].join('\n');
  return new Promise((resolve, reject) => {
    const child = spawn('python3', ['-c', driver]);
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (status) => {
      if (status !== 0) reject(new Error(err));
      else
        resolve(
          out
            .trim()
            .split('\n')
            .map((line) => line === '1'),
        );
    });
  });
}

describe('every single-field change to a v2 bundle is refused', () => {
  /** The named fields, each also run through `npm run verify` itself. */
  const named: Path[] = [
    ['show', 'rehearsal'],
    ['show', 'eventId'],
    ['show', 'judges', 1, 'recusals', 0],
    ['show', 'judges', 0, 'seat'],
    ['show', 'mode'],
    ['show', 'rollSeconds'],
    ['notary', 'commitment'],
    ['notary', 'simulated'],
    ['notarySecret'],
    ['sealHash'],
    ['secret'],
    ['entropy'],
    ['auditeeStages', 0, 'order', 0],
    ['auditeeStages', 0, 'selections', 0, 'number'],
    ['contactStages', 0, 'selections', 0, 'replaced', 'reason'],
    ['replacements', 'contacts'],
    ['log', 2, 'actor'],
    ['show', 'log', 1, 'payload', 'by'],
    ['publicLog', 'leaves', 0, 'inclusion', 0],
    ['publicLog', 'treeHead', 'signature'],
    ['publicLog', 'treeHead', 'treeSize'],
  ];
  /** Structural changes: parts removed, a recusal added. */
  const structural: [string, () => unknown][] = [
    ['show removed', () => without(closed, ['show'])],
    ['publicLog removed', () => without(closed, ['publicLog'])],
    ['notary removed', () => without(closed, ['notary'])],
    ['the final leaf removed', () => without(closed, ['publicLog', 'leaves', 1])],
    ['a draw-log entry removed', () => without(closed, ['log', 5])],
    ['a show-log entry removed', () => without(closed, ['show', 'log', 30])],
    ['a round removed', () => without(closed, ['show', 'rounds', 1])],
    ['a recusal added', () => withChange(closed, ['show', 'judges', 0, 'recusals'], () => ['00002'])],
    ['a recusal removed', () => withChange(closed, ['show', 'judges', 1, 'recusals'], () => [])],
    ['the notary made simulated and its secret dropped', () => withChange(closed, ['notary'], () => null)],
  ];

  it('the named fields, by verifyBundle, `npm run verify` and Python', async () => {
    for (const path of named) expect(leafPaths(closed).map((p) => p.join('.'))).toContain(path.join('.'));
    const bundles = named.map((path) => withChange(closed, path));
    const python = pythonRejects(bundles);
    for (const [i, bundle] of bundles.entries()) {
      expect(verifyBundle(bundle).ok, named[i]?.join('.')).toBe(false);
    }
    expect(await python).toEqual(bundles.map(() => true));
    // `npm run verify` starts a whole tsx process (seconds each): the issue's own list goes through it
    // (rehearsal, event, recusals; the show's removal below); the rest, through the same module above.
    const throughCli = [0, 1, 2];
    const runs = await twoAtATime(throughCli.map((i) => () => cli(bundles[i])));
    for (const [k, run] of runs.entries()) {
      expect(run.status, `npm run verify on ${named[throughCli[k] as number]?.join('.')}`).toBe(1);
      expect(run.stdout).toMatch(/验证未通过/u);
    }
  }, 120_000);

  it('removals and structural changes, by verifyBundle, `npm run verify` and Python', async () => {
    const bundles = structural.map(([, make]) => make());
    const python = pythonRejects(bundles);
    for (const [i, bundle] of bundles.entries()) {
      expect(verifyBundle(bundle).ok, structural[i]?.[0]).toBe(false);
    }
    expect(await python).toEqual(bundles.map(() => true));
    const run = await cli(bundles[0]);
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/✗ 封存时载明的直播部分完整/u);
  }, 60_000);

  it('every leaf value of the whole bundle (long arrays sampled; only the result sentences excluded), by verifyBundle and Python', async () => {
    const paths = leafPaths(closed);
    expect(paths.length).toBeGreaterThan(300);
    const bundles = paths.map((path) => withChange(closed, path));
    // Python on one core while TypeScript checks the same bundles on the other.
    const python = pythonRejects(bundles);
    const tsAccepted = paths.filter((_, i) => verifyBundle(bundles[i]).ok).map((p) => p.join('.'));
    expect(tsAccepted).toEqual([]);
    const rejected = await python;
    const pyAccepted = paths.filter((_, i) => !rejected[i]).map((p) => p.join('.'));
    expect(pyAccepted).toEqual([]);
  }, 300_000);
});

describe('the secret at rest and the public log', () => {
  it('the seed cannot be computed from the database file alone before the reveal (the .db and -wal read)', async () => {
    const show = await ScriptedShow.create(app, base, { notary: true, rollSeconds: 2, title: '封存后读数据库文件' });
    shows.push(show);
    const db = join(dir, 'choucha.db');
    const atRest = () =>
      Buffer.concat([readFileSync(db), existsSync(`${db}-wal`) ? readFileSync(`${db}-wal`) : Buffer.alloc(0)]);
    const sealedBytes = atRest();
    expect(existsSync(`${db}-wal`)).toBe(true);
    await show.open();
    await show.entropyAndReveal();
    const secret = (await viewOf(show.snapshot.draw.drawId)).secret as string;
    expect(secret).toMatch(/^[0-9a-f]{64}$/u);
    const raw = Buffer.from(secret, 'hex');
    // Sealed: neither the secret's hex (either case) nor its 32 raw bytes are anywhere in the files.
    expect(sealedBytes.includes(secret)).toBe(false);
    expect(sealedBytes.includes(secret.toUpperCase())).toBe(false);
    expect(sealedBytes.includes(raw)).toBe(false);
    expect(sealedBytes.includes(show.notarySecret as string)).toBe(false);
    // Control: once revealed it is in the log, so the search above would have found it.
    expect(atRest().includes(secret)).toBe(true);
  }, 30_000);

  it("the server's inclusion and consistency proofs verify, in TypeScript and in the Python reference", async () => {
    const { head, publicKey } = (await app.inject({ url: '/api/public-log/head' })).json<{
      head: SignedTreeHead;
      publicKey: string;
    }>();
    const leaves = (await app.inject({ url: '/api/public-log/leaves' })).json<
      { index: number; leaf: PublicLogLeaf; leafHash: string }[]
    >();
    expect(leaves.length).toBe(head.treeSize);
    expect(head.treeSize).toBeGreaterThanOrEqual(5);
    const cases: { leafHash: string; index: number; size: number; proof: string[]; root: string }[] = [];
    const heads: SignedTreeHead[] = [];
    for (const { index, leaf, leafHash: stored } of leaves) {
      expect(publicLeafHash(leaf)).toBe(stored);
      expect(leafHash(leafBytes(leaf))).toBe(stored);
      const { proof } = (
        await app.inject({ url: `/api/public-log/proof/inclusion?index=${index}&size=${head.treeSize}` })
      ).json<{ proof: string[] }>();
      expect(verifyInclusion(stored, index, head.treeSize, proof, head.rootHash)).toBe(true);
      cases.push({ leafHash: stored, index, size: head.treeSize, proof, root: head.rootHash });
    }
    const consistency: { from: SignedTreeHead; proof: string[] }[] = [];
    for (let size = 1; size < head.treeSize; size += 1) {
      const earlier = (await app.inject({ url: `/api/public-log/heads/${size}` })).json<SignedTreeHead>();
      const { proof } = (
        await app.inject({ url: `/api/public-log/proof/consistency?from=${size}&to=${head.treeSize}` })
      ).json<{ proof: string[] }>();
      expect(verifyConsistency(size, head.treeSize, earlier.rootHash, head.rootHash, proof)).toBe(true);
      expect(earlier.rootHash).toBe(treeRoot(leaves.slice(0, size).map((l) => l.leafHash)));
      heads.push(earlier);
      consistency.push({ from: earlier, proof });
    }
    const file = join(work, 'proofs.json');
    writeFileSync(file, JSON.stringify({ head, publicKey, cases, consistency, heads: [...heads, head] }));
    const driver = [
      'import json, sys',
      `sys.path.insert(0, ${JSON.stringify(join(ROOT, 'docs', 'reference'))})`,
      'import transparency_ref as t, verify_draw as v, verify_public_log as p',
      `d = json.load(open(${JSON.stringify(file)}))`,
      'h = d["head"]',
      'ok = all(t.verify_inclusion(c["leafHash"], c["index"], c["size"], c["proof"], c["root"]) for c in d["cases"])',
      'ok = ok and all(t.verify_consistency(c["from"]["treeSize"], h["treeSize"], c["from"]["rootHash"], h["rootHash"], c["proof"]) for c in d["consistency"])',
      'ok = ok and all(p.head_signed(x, d["publicKey"], v.length_prefixed) for x in d["heads"])',
      'print("OK" if ok else "FAIL")',
    ].join('\n');
    expect(spawnSync('python3', ['-c', driver], { encoding: 'utf8' }).stdout.trim()).toBe('OK');
  }, 30_000);

  it('a public log rewritten after the fact (triggers dropped, a leaf changed, heads re-signed with the key file) fails consistency against an earlier head', async () => {
    const earlier = closedView.sealTreeHead as SignedTreeHead;
    const copy = join(work, 'rewritten.db');
    app.services.db.exec(`VACUUM INTO '${copy}'`);
    const db = new Database(copy);
    for (const trigger of ['leaves_no_update', 'leaves_no_delete', 'heads_no_update', 'heads_no_delete']) {
      db.exec(`DROP TRIGGER public_log_${trigger}`);
    }
    const rows = db.prepare('SELECT leaf_index, leaf FROM public_log_leaves ORDER BY leaf_index').all() as {
      leaf_index: number;
      leaf: string;
    }[];
    const leaves = rows.map((row) => JSON.parse(row.leaf) as PublicLogLeaf);
    // The first draw's seal record, quietly retitled: everything after it is kept.
    const first = leaves[0] as PublicLogLeaf;
    leaves[0] = { ...first, ...(first.kind === 'seal' ? { title: `${first.title}（改）` } : {}) };
    const hashes = leaves.map(publicLeafHash);
    db.prepare('UPDATE public_log_leaves SET leaf = ?, leaf_hash = ? WHERE leaf_index = 0').run(
      JSON.stringify(leaves[0]),
      hashes[0],
    );
    const key = createPrivateKey(readFileSync(join(dir, 'keys', 'public-log-signing.pem'), 'utf8'));
    db.exec('DELETE FROM public_log_heads');
    const insert = db.prepare(
      'INSERT INTO public_log_heads (tree_size, root_hash, timestamp, key_id, signature) VALUES (?, ?, ?, ?, ?)',
    );
    for (let size = 1; size <= hashes.length; size += 1) {
      const unsigned = { treeSize: size, rootHash: treeRoot(hashes.slice(0, size)), timestamp: earlier.timestamp };
      insert.run(
        size,
        unsigned.rootHash,
        unsigned.timestamp,
        earlier.keyId,
        sign(null, treeHeadMessage(unsigned), key).toString('hex'),
      );
    }
    db.close();
    const rewritten = await buildApp({ dbPath: copy, keyDir: join(dir, 'keys') });
    try {
      const { head } = (await rewritten.inject({ url: '/api/public-log/head' })).json<{ head: SignedTreeHead }>();
      expect(head.treeSize).toBe(hashes.length);
      // Well signed by the county's own key: the signature alone cannot tell.
      expect(
        (await rewritten.inject({ url: '/api/public-log/proof/consistency?from=1&to=' + head.treeSize })).statusCode,
      ).toBe(200);
      const { proof } = (
        await rewritten.inject({
          url: `/api/public-log/proof/consistency?from=${earlier.treeSize}&to=${head.treeSize}`,
        })
      ).json<{ proof: string[] }>();
      // Against the head a monitor (or the bulletin) kept from before, the rewritten log fails.
      expect(verifyConsistency(earlier.treeSize, head.treeSize, earlier.rootHash, head.rootHash, proof)).toBe(false);
      // …while the rewriter's own earlier head agrees with itself: only a head kept from before catches it.
      const own = (await rewritten.inject({ url: `/api/public-log/heads/${earlier.treeSize}` })).json<SignedTreeHead>();
      expect(verifyConsistency(earlier.treeSize, head.treeSize, own.rootHash, head.rootHash, proof)).toBe(true);
      const py = spawnSync(
        'python3',
        [
          '-c',
          [
            'import json, sys',
            `sys.path.insert(0, ${JSON.stringify(join(ROOT, 'docs', 'reference'))})`,
            'import transparency_ref as t',
            `a = json.loads(${JSON.stringify(JSON.stringify([earlier.treeSize, head.treeSize, earlier.rootHash, head.rootHash, proof]))})`,
            'print(t.verify_consistency(*a))',
          ].join('\n'),
        ],
        { encoding: 'utf8' },
      );
      expect(py.stdout.trim()).toBe('False');
      // And the real bundle of that draw, checked against the rewritten log's head, is refused.
      expect(verifyBundle(closed, { treeHead: { rootHash: head.rootHash } }).ok).toBe(false);
    } finally {
      await rewritten.close();
    }
  }, 30_000);
});

describe('a rehearsal with a simulated notary, abandoned', () => {
  it('verifies as simulated and abandoned in TypeScript and Python, and a flipped field is refused by both', async () => {
    const show = await ScriptedShow.create(app, base, {
      notary: true,
      rehearsal: true,
      rollSeconds: 2,
      title: '演练后作废',
    });
    shows.push(show);
    await show.open();
    await show.entropyAndReveal();
    await show.run({ type: 'drawAuditee' });
    // The seed is fixed: only the supervisor may abandon now.
    await show.runAsSupervisor({ type: 'abandon', reason: '演练中途停止' });
    const bundle = await bundleOf(show.snapshot.draw.drawId);
    const report = verifyBundle(bundle);
    expect(report.checks.filter((c) => !c.ok)).toEqual([]);
    expect(report).toMatchObject({ parties: 'simulated', outcome: 'abandoned', rehearsal: true });
    expect(bundle.notary?.simulated).toBe(true);
    expect(bundle.abandoned).toEqual({ reason: '演练中途停止' });
    const py = python(bundle);
    expect(py.stdout).toMatch(/OK {3}notary's commitment \(simulated\)/u);
    expect(py.stdout).toMatch(/OK {3}public log: final leaf agrees/u);
    expect(py.status).toBe(0);
    const flips: Path[] = [['show', 'rehearsal'], ['notary', 'simulated'], ['abandoned', 'reason'], ['notarySecret']];
    const changedBundles = flips.map((path) => withChange(bundle, path));
    for (const changedBundle of changedBundles) expect(verifyBundle(changedBundle).ok).toBe(false);
    expect(await pythonRejects(changedBundles)).toEqual([true, true, true, true]);
  }, 30_000);
});

describe('an abandoned draw, as the command-line verifiers say it', () => {
  it('npm run verify and the Python reference say 作废 with the reason, not a result', async () => {
    const show = await ScriptedShow.create(app, base, { notary: true, rollSeconds: 2, title: '公证员无法公开' });
    shows.push(show);
    await show.open();
    await show.entropyAndReveal();
    await show.run({ type: 'drawAuditee' });
    await show.runAsSupervisor({ type: 'abandon', reason: '公证员密钥文件遗失' });
    const bundle = await bundleOf(show.snapshot.draw.drawId);
    const ts = await cli(bundle);
    expect(ts.status).toBe(0);
    expect(ts.stdout).toContain('结论：全部检查通过。已作废：记录完整可复核，但本次抽取不计');
    expect(ts.stdout).not.toContain('本次抽取可复算，未被改动');
    const py = python(bundle);
    expect(py.status).toBe(0);
    expect(py.stdout).toContain('OUTCOME: ABANDONED (作废), reason: 公证员密钥文件遗失');
  }, 30_000);
});
