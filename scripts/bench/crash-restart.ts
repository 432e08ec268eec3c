/**
 * Back on air after a crash, for `npm run bench -- crash`: the real `npm start` (scripts/start.mjs,
 * the supervisor) on a sealed event, its server process killed with SIGKILL (the supervisor is
 * left alone), timed from the kill until a new programme-output socket, trying to connect every
 * 20 ms, has its first snapshot: process start, database, listen and the socket's handshake
 * included. The baseline is the start before this one, the server run from source through tsx,
 * started again at once by this process after the same kills.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { io } from 'socket.io-client';
import type { SocketAuth } from '../../server/protocol/show';
import { NpmStart } from '../../tests/helpers/server-process';
import { buildIfStale } from '../build-if-stale.mjs';
import { prepare } from '../chaos';
import { freePort } from '../redis-server.mjs';
import { below, judged, median, type BenchRecord } from './record';

const ROOT = join(import.meta.dirname, '..', '..');
const KILLS = 5;
const POLL_MS = 20;
/** Between kills: the server settles (its deferred schemas compile a second after listening). */
const SETTLE_MS = 1500;
const OUTPUT_LINK = /\/overlay\?event=([^&\s]+)&key=([^&\s]+)/u;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One connection attempt as a programme output: true once its first snapshot arrives, false if refused or dropped. */
function firstSnapshot(base: string, auth: SocketAuth): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = io(base, { auth, transports: ['websocket'], reconnection: false, forceNew: true, timeout: 5000 });
    const done = (onAir: boolean) => {
      socket.removeAllListeners();
      socket.disconnect();
      resolve(onAir);
    };
    socket.once('show:snapshot', () => done(true));
    socket.once('connect_error', () => done(false));
    socket.once('disconnect', () => done(false));
  });
}

/** Kills the server with SIGKILL and times until an output has its snapshot again. */
async function killAndTime(kill: () => void, base: string, auth: SocketAuth): Promise<number> {
  const killed = performance.now();
  kill();
  while (!(await firstSnapshot(base, auth))) await sleep(POLL_MS);
  return performance.now() - killed;
}

function outputAuth(banner: string): SocketAuth {
  const link = OUTPUT_LINK.exec(banner);
  if (!link) throw new Error(`no output link in the banner:\n${banner}`);
  return { eventId: link[1] as string, role: 'overlay', key: decodeURIComponent(link[2] as string) };
}

/** The supervisor's restarts: npm start on its own database and port. */
async function underNpmStart(dbPath: string): Promise<number[]> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const npmStart = NpmStart.run({ PORT: String(port), CHOUCHA_DB: dbPath, CHOUCHA_DEMO: '0', CHOUCHA_LOG: '0' });
  try {
    await npmStart.until(/Ctrl\+C/u);
    const auth = outputAuth(npmStart.output);
    const times: number[] = [];
    for (let kill = 1; kill <= KILLS; kill += 1) {
      await sleep(SETTLE_MS);
      const pid = npmStart.serverPid();
      if (pid === null) throw new Error(`no server under npm start:\n${npmStart.output}`);
      times.push(await killAndTime(() => process.kill(pid, 'SIGKILL'), base, auth));
      await npmStart.until(new RegExp(`已立即重启（第 ${kill} 次`, 'u'));
    }
    return times;
  } finally {
    npmStart.child.kill('SIGTERM');
    await npmStart.exited;
  }
}

/** The same kills against `node --import tsx server/main.ts`, started again here the moment it exits. */
async function fromSource(dbPath: string): Promise<number[]> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env = { ...process.env, PORT: String(port), CHOUCHA_DB: dbPath, CHOUCHA_DEMO: '0', CHOUCHA_LOG: '0' };
  let stopping = false;
  let banner = '';
  let server: ChildProcess;
  const run = (): ChildProcess => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'server', 'main.ts')], { cwd: ROOT, env });
    child.stdout?.on('data', (chunk: Buffer) => (banner += chunk.toString()));
    child.once('exit', () => {
      if (!stopping) server = run();
    });
    return child;
  };
  server = run();
  try {
    while (!banner.includes('Ctrl+C')) await sleep(10);
    const auth = outputAuth(banner);
    const times: number[] = [];
    for (let kill = 0; kill < KILLS; kill += 1) {
      await sleep(SETTLE_MS);
      times.push(await killAndTime(() => server.kill('SIGKILL'), base, auth));
    }
    return times;
  } finally {
    stopping = true;
    await new Promise((resolve) => {
      server.once('exit', resolve);
      server.kill('SIGTERM');
    });
  }
}

export async function benchCrashRestart(records: BenchRecord[], work: string): Promise<void> {
  buildIfStale({ quiet: true });
  const sealed = join(work, 'crash-sealed.db');
  await prepare(sealed, 'choucha crash bench');
  // Each start on its own copy, so both restart the same file; the keys folder beside it is shared.
  const compiledDb = join(work, 'crash-compiled.db');
  const sourceDb = join(work, 'crash-source.db');
  copyFileSync(sealed, compiledDb);
  copyFileSync(sealed, sourceDb);
  const compiled = await underNpmStart(compiledDb);
  const source = await fromSource(sourceDb);
  // Each kill's figure goes to the console: the table's row names stay short.
  const shown = (times: number[]) => times.map((t) => t.toFixed(0)).join(', ');
  console.log(`crash: ${KILLS} kills under npm start ${shown(compiled)} ms; via tsx ${shown(source)} ms`);
  const name = `crash → back on air under npm start: kill -9 → a new output's first snapshot, ${KILLS} kills`;
  records.push({
    name: `${name}, median`,
    value: median(compiled),
    unit: 'ms',
    baseline: { name: 'via tsx', value: median(source) },
    ratio: median(compiled) / median(source),
  });
  records.push(
    judged(
      {
        name: `${name}, worst`,
        value: Math.max(...compiled),
        unit: 'ms',
        baseline: { name: 'via tsx', value: Math.max(...source) },
        ratio: Math.max(...compiled) / Math.max(...source),
      },
      below(1000, '< 1 s, process start included'),
    ),
  );
}
