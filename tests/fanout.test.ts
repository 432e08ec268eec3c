import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io, type Socket } from 'socket.io-client';
import type { FastifyInstance } from 'fastify';
import { loadDemoCounty } from '../server/demo/load-demo';
import { PUBLIC_AUDIENCE_QUERY, type FanoutStatus } from '../server/protocol/fanout';
import type { ClientToServerEvents, ServerToClientEvents, ShowSnapshot } from '../server/protocol/show';
import { REALTIME_LIMITS } from '../server/live/socket-limits';
import { startRedisServer, type StartedRedis } from '../scripts/redis-server.mjs';
import { ScriptedShow } from './helpers/show-script';
import { ShowClient } from './helpers/show-client';
import { testApp } from './helpers/test-app';
import { reportViewers } from '../server/fanout/viewer-report';

/**
 * Public fan-out against a real redis-server and two real fan-out processes: viewers connect to the
 * primary's address, are handed to a fan-out, and follow the show there; faults of a fan-out or of
 * Redis cost them a reconnect, never a step.
 */
type ViewerSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

class Viewer {
  readonly revisions: number[] = [];
  readonly socket: ViewerSocket;
  reconnects = 0;
  constructor(base: string, eventId: string) {
    this.socket = io(base, {
      auth: { eventId, role: 'public' },
      query: PUBLIC_AUDIENCE_QUERY,
      transports: ['websocket'],
      forceNew: true,
      reconnectionDelay: 50,
      reconnectionDelayMax: 300,
    });
    this.socket.on('show:snapshot', (snapshot: ShowSnapshot) => this.revisions.push(snapshot.revision));
    this.socket.io.on('reconnect', () => (this.reconnects += 1));
  }
  get latest(): number {
    return this.revisions.at(-1) ?? -1;
  }
}

async function until(what: string, condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  for (const started = Date.now(); !condition();) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Each viewer saw the show's revisions in order, none twice, none skipped from its first on. */
function inOrder(viewer: Viewer): boolean {
  return viewer.revisions.every((revision, i) => i === 0 || revision === (viewer.revisions[i - 1] ?? 0) + 1);
}

let redis: StartedRedis;
let app: FastifyInstance;
let close: () => Promise<void>;
let dir: string;
let base: string;
let show: ScriptedShow;
let desk: ShowClient;
let fanoutStatus: FanoutStatus | null = null;
const viewers: Viewer[] = [];
const VIEWERS = 24;
/** What npm start's console would print: every change at once, and with the real 10 s window. */
const consoleLines: string[] = [];
const throttledLines: string[] = [];

beforeAll(async () => {
  redis = await startRedisServer();
  ({ app, close, dir } = await testApp({
    // A hung process is replaced after 1.5 s here (5 s in production), so the test stays short.
    fanout: { processes: 2, redisUrl: redis.url, hungMs: 1500 },
    // Two dozen viewers from one address, as many phones behind one NAT.
    socketLimits: { ...REALTIME_LIMITS, joins: { ...REALTIME_LIMITS.joins, public: { burst: 1000, perSecond: 1000 } } },
  }));
  await loadDemoCounty(app.services.db, { now: '2026-11-01T00:00:00.000Z', cadres: 200, teachers: 10 });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
  show = await ScriptedShow.create(app, base, { judges: 3 });
  desk = show.staff;
  desk.socket.on('show:fanout', (status) => (fanoutStatus = status));
  const fanout = app.services.fanout;
  if (!fanout) throw new Error('fan-out not started');
  await until('both fan-outs ready', () => fanout.pool.processes().every((p) => p.ready));
  reportViewers(fanout, (line) => consoleLines.push(line), { everyMs: 0 });
  reportViewers(fanout, (line) => throttledLines.push(line));
}, 60_000);

afterAll(async () => {
  for (const viewer of viewers) viewer.socket.disconnect();
  show?.close();
  await close?.();
  await redis?.stop();
});

describe('public viewers on two fan-out processes', () => {
  it('spreads viewers over both processes and delivers every step to each, in order', async () => {
    for (let i = 0; i < VIEWERS; i += 1) viewers.push(new Viewer(base, show.event.id));
    const start = desk.latest.revision;
    await until('every viewer has the current snapshot', () => viewers.every((v) => v.latest === start));
    await show.open();
    await show.entropyAndReveal();
    const final = desk.latest.revision;
    expect(final).toBeGreaterThan(start + 2);
    await until('every viewer at the final revision', () => viewers.every((v) => v.latest === final));
    for (const viewer of viewers) {
      expect(viewer.revisions[0]).toBe(start);
      expect(inOrder(viewer)).toBe(true);
    }
    // Each process reports its own viewers; the desk sees both and the sum.
    await until(
      'the desk hears both processes',
      () => (fanoutStatus?.processes ?? []).filter((p) => p.state === 'up' && p.viewers > 0).length === 2,
    );
    expect(fanoutStatus?.mode).toBe('fanout');
    expect(fanoutStatus?.redis).toBe('up');
    expect(fanoutStatus?.processes.reduce((sum, p) => sum + p.viewers, 0)).toBe(VIEWERS);
    await until('the desk counts every viewer', () => desk.viewers === VIEWERS);
  }, 60_000);

  it('prints each process and its viewers on the console when they change, at most every 10 s', async () => {
    const line = /^公众观看：fanout-1 (\d+) 人 · fanout-2 (\d+) 人 · Redis 已连接$/u;
    await until('a console line counting every viewer', () =>
      consoleLines.some((text) => {
        const counts = line.exec(text);
        return counts !== null && Number(counts[1]) + Number(counts[2]) === VIEWERS && Number(counts[1]) > 0;
      }),
    );
    expect(consoleLines.length).toBeGreaterThan(1);
    // The counts changed many times within these seconds: the 10 s window printed none yet.
    expect(throttledLines).toEqual([]);
  });

  it('serves no viewer from the primary, and the fan-outs hold no database', async () => {
    // A public socket that skips the hand-off is refused by the primary, with its code.
    const direct = io(base, {
      auth: { eventId: show.event.id, role: 'public' },
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
    });
    const refusal = await new Promise<unknown>((resolve) =>
      direct.once('connect_error', (error) => resolve((error as { data?: unknown }).data)),
    );
    direct.disconnect();
    expect(refusal).toMatchObject({ error: { code: 'FANOUT_PUBLIC_ELSEWHERE' } });
    for (const { pid } of app.services.fanout?.pool.processes() ?? []) {
      if (pid === null) throw new Error('a fan-out without a process');
      const files = readdirSync(`/proc/${pid}/fd`).map((fd) => {
        try {
          return readlinkSync(`/proc/${pid}/fd/${fd}`);
        } catch {
          return '';
        }
      });
      expect(files.filter((file) => file.startsWith(dir))).toEqual([]);
      // Not even SQLite's library is loaded in a fan-out.
      expect(readFileSync(`/proc/${pid}/maps`, 'utf8')).not.toContain('better_sqlite3');
    }
  });

  it('survives kill -9 of a fan-out: its viewers reconnect to the other and end on the final revision', async () => {
    const pool = app.services.fanout?.pool;
    const victim = pool?.processes()[0];
    if (!victim?.pid) throw new Error('no fan-out to kill');
    process.kill(victim.pid, 'SIGKILL');
    // The show goes on meanwhile (show.run throws on a refusal).
    for (const visible of [true, false, true]) await show.run({ type: 'setBug', visible });
    const final = desk.latest.revision;
    await until('every viewer at the final revision after the kill', () => viewers.every((v) => v.latest === final));
    expect(viewers.some((v) => v.reconnects > 0)).toBe(true);
    for (const viewer of viewers) expect(viewer.revisions.at(-1)).toBe(final);
    // The pool started the process again.
    await until('the killed fan-out restarted', () => {
      const again = pool?.processes()[0];
      return again?.ready === true && again.pid !== victim.pid;
    });
  }, 60_000);

  it('replaces a hung fan-out (SIGSTOP): its viewers reconnect and end on the final revision', async () => {
    const pool = app.services.fanout?.pool;
    const hung = pool?.processes()[1];
    if (!hung?.pid) throw new Error('no fan-out to stop');
    const reconnects = viewers.reduce((sum, v) => sum + v.reconnects, 0);
    process.kill(hung.pid, 'SIGSTOP');
    for (const visible of [false, true]) await show.run({ type: 'setBug', visible });
    const final = desk.latest.revision;
    await until('every viewer at the final revision after the hang', () => viewers.every((v) => v.latest === final));
    expect(viewers.reduce((sum, v) => sum + v.reconnects, 0)).toBeGreaterThan(reconnects);
    await until('the hung fan-out replaced', () => {
      const again = pool?.processes()[1];
      return again?.ready === true && again.pid !== hung.pid;
    });
  }, 60_000);

  it('survives kill -9 and restart of Redis: the show goes on, viewers resync, the desk saw the outage', async () => {
    redis.child.kill('SIGKILL');
    const downAt = Date.now();
    await until('the desk sees Redis down', () => fanoutStatus?.redis === 'down');
    // Every command during the outage is accepted: the show never waits on public viewing.
    for (const visible of [false, true, false]) await show.run({ type: 'setBug', visible });
    // Unheard while Redis is away, the fan-outs turn lost on the desk without a report to say so.
    await until('the desk sees the fan-outs lost', () => {
      const processes = fanoutStatus?.processes ?? [];
      return processes.length === 2 && processes.every((p) => p.state === 'lost');
    });
    // Longer than the redis client's 5 s command timeout: the publishes queued meanwhile are given up, and nothing else.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, 6000 - (Date.now() - downAt))));
    await show.run({ type: 'setBug', visible: true });
    const final = desk.latest.revision;
    redis = await startRedisServer({ port: redis.port });
    await until('the desk sees Redis back', () => fanoutStatus?.redis === 'up');
    await until('every viewer at the final revision after Redis came back', () =>
      viewers.every((v) => v.latest === final),
    );
    for (const viewer of viewers) expect(viewer.revisions.at(-1)).toBe(final);
  }, 60_000);
});
