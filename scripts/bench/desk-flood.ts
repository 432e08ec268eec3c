/**
 * The desk under a public flood, for `npm run bench`: the operator's command round trip (p50, p99)
 * idle, while 3 public sockets send `show:sync` at their limit, and while they send as fast as they
 * can (the limiter refuses, drops them, and they come back). The server runs here with its real
 * limits; the operator and the flooders run in child processes of their own.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { buildApp } from '../../server/app';
import { reportingShow, sessionCookie } from './reporting-show';
import { judged, percentile, type BenchRecord } from './record';

const ROOT = join(import.meta.dirname, '..', '..');
/** Commands per phase and block: the phases take turns, so a busy moment of the machine is shared. */
const COMMANDS = 60;
const BLOCKS = 3;
/** After a full-speed flood its address is in debt (REALTIME_LIMITS.dropPenalty): the next block waits it out. */
const DEBT_MS = 12_000;
const FLOODERS = '3';

interface Trip {
  p50: number;
  p99: number;
  times: number[];
}
interface FloodCounts {
  served: number;
  refused: number;
  dropped: number;
  joinsRefused: number;
}

function percentiles(times: number[]): Trip {
  return { p50: percentile(times, 50), p99: percentile(times, 99), times };
}

const child = (args: string[]): ChildProcess =>
  spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', 'bench', 'desk-flood-clients.ts'), ...args], {
    cwd: ROOT,
  });

/** The child's output lines as they come, and its last line once it exits (an error if it fails). */
function lines(process: ChildProcess): { next: (line: string) => Promise<void>; done: Promise<string> } {
  let out = '';
  let err = '';
  const waiting: { line: string; resolve: () => void }[] = [];
  process.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    for (const w of [...waiting]) if (out.split('\n').includes(w.line)) w.resolve();
  });
  process.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const done = new Promise<string>((resolve, reject) =>
    process.on('close', (code) =>
      code === 0 ? resolve(out.trim().split('\n').pop() as string) : reject(new Error(err)),
    ),
  );
  return { next: (line) => new Promise((resolve) => waiting.push({ line, resolve })), done };
}

export async function benchDeskFlood(records: BenchRecord[], work: string): Promise<void> {
  const password = 'bench-operator-pass';
  const app = await buildApp({ dbPath: join(work, 'desk-flood.db'), initialPasswords: { operator: password } });
  const { eventId } = await reportingShow(app, 'desk flood');
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  const cookie = await sessionCookie(base, 'operator', password);
  const operator = async (): Promise<Trip> =>
    JSON.parse(await lines(child(['operator', base, eventId, cookie, String(COMMANDS)])).done) as Trip;
  const underFlood = async (pace: 'limit' | 'max'): Promise<{ trip: Trip; flood: FloodCounts }> => {
    const flooders = child(['flood', base, eventId, FLOODERS, pace]);
    const output = lines(flooders);
    await output.next('ready');
    const trip = await operator();
    flooders.kill('SIGTERM');
    return { trip, flood: JSON.parse(await output.done) as FloodCounts };
  };

  try {
    const runs = { idle: [] as number[], limit: [] as number[], max: [] as number[] };
    const floods = { limit: [] as FloodCounts[], max: [] as FloodCounts[] };
    for (let block = 0; block < BLOCKS; block += 1) {
      if (block > 0) await new Promise((r) => setTimeout(r, DEBT_MS));
      runs.idle.push(...(await operator()).times);
      for (const pace of ['limit', 'max'] as const) {
        const { trip, flood } = await underFlood(pace);
        runs[pace].push(...trip.times);
        floods[pace].push(flood);
      }
    }
    const sum = (counts: FloodCounts[]): FloodCounts => ({
      served: counts.reduce((a, c) => a + c.served, 0),
      refused: counts.reduce((a, c) => a + c.refused, 0),
      dropped: counts.reduce((a, c) => a + c.dropped, 0),
      joinsRefused: counts.reduce((a, c) => a + c.joinsRefused, 0),
    });
    const idle = percentiles(runs.idle);
    const atLimit = { trip: percentiles(runs.limit), flood: sum(floods.limit) };
    const flat = { trip: percentiles(runs.max), flood: sum(floods.max) };
    const name = (what: string, p: 50 | 99) => `operator's command round trip, ${what}, p${p}`;
    for (const p of [50, 99] as const) {
      records.push({ name: name('idle', p), value: idle[`p${p}`], unit: 'ms' });
    }
    for (const [what, run] of [
      ['3 public sockets sending show:sync at their limit', atLimit],
      ['3 public sockets sending show:sync as fast as they can', flat],
    ] as const) {
      records.push({ name: name(what, 50), value: run.trip.p50, unit: 'ms' });
      records.push(
        judged(
          {
            name: name(what, 99),
            value: run.trip.p99,
            unit: 'ms',
            baseline: { name: 'idle p99', value: idle.p99 },
            ratio: run.trip.p99 / idle.p99,
          },
          { text: '≤ 2× idle and < 50 ms', test: (r) => (r.ratio ?? Infinity) <= 2 && r.value < 50 },
        ),
      );
      const { served, refused, dropped, joinsRefused } = run.flood;
      records.push({
        name: `… the flood: syncs served ${served}, refused ${refused}; sockets dropped ${dropped}, reconnects refused ${joinsRefused}`,
        value: refused + joinsRefused,
        unit: 'refusals',
      });
    }
  } finally {
    await app.close();
  }
}
