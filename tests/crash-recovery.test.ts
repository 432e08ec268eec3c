import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../server/app';
import { loadDemoCounty } from '../server/demo/load-demo';
import { openDatabase } from '../server/store/db';
import { findChainBreak } from '../server/draw/log-chain';
import { readLog, SHOW_LOG } from '../server/store/log-store';
import { verifyBundle } from '../server/draw/bundle';
import type { ShowCommandBody } from '../server/protocol/show';
import { DEMO_PLAN } from './helpers/draw-fixture';
import { tempDir } from './helpers/roster-fixture';
import { ShowClient } from './helpers/show-client';
import { OPERATOR_PASSWORD, SUPERVISOR_PASSWORD } from './helpers/test-app';

const ROOT = join(import.meta.dirname, '..');
const dir = tempDir('choucha-crash-');
const dbPath = join(dir, 'choucha.db');
let eventId = '';
let server: ChildProcess | undefined;

beforeAll(async () => {
  const app = await buildApp({
    dbPath,
    initialPasswords: { operator: OPERATOR_PASSWORD, supervisor: SUPERVISOR_PASSWORD },
  });
  await loadDemoCounty(app.services.db, { now: '2026-11-01T00:00:00.000Z', cadres: 200, teachers: 10 });
  const event = app.services.shows.createEvent(
    {
      title: '崩溃恢复测试',
      eventDate: '2026-11-26',
      venue: '演播厅',
      mode: 'televised',
      settings: {
        plan: { ...DEMO_PLAN, auditees: { mode: 'total', count: 1 }, contactsPerAuditee: 2 },
        reportMinutes: 5,
        rollSeconds: 4,
      },
    },
    'operator',
  );
  eventId = app.services.shows.sealEvent(event.id, 'operator').id;
  await app.close();
});

afterAll(() => {
  server?.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** Starts server/main.ts on the prepared database and waits for its URL. */
function startServer(): Promise<string> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'server', 'main.ts')], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', CHOUCHA_DB: dbPath, CHOUCHA_DEMO: '0' },
  });
  server = child;
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start:\n${output}`)), 60_000);
    child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
    child.stdout?.on('data', (c: Buffer) => {
      output += c.toString();
      const match = /操作台：(http:\/\/127\.0\.0\.1:\d+)\/console/u.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1] as string);
      }
    });
  });
}

async function killHard(): Promise<void> {
  const child = server;
  if (!child) return;
  await new Promise((resolve) => {
    child.once('exit', resolve);
    child.kill('SIGKILL');
  });
}

async function staffClient(base: string): Promise<ShowClient> {
  const login = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'operator', password: OPERATOR_PASSWORD }),
  });
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] as string;
  return ShowClient.connect(base, { eventId, role: 'staff' }, cookie);
}

const SCRIPT: ShowCommandBody[] = [
  { type: 'open' },
  { type: 'lockEntropy', entropy: '62415336124566123452' },
  { type: 'reveal' },
  { type: 'drawAuditee' },
  { type: 'presentAuditee' },
  { type: 'startReport' },
  { type: 'endReport' },
  { type: 'drawHouseholds' },
];

describe('kill -9 at any moment, restart: nothing acknowledged is lost, nothing applied twice', () => {
  it('survives three hard kills during a scripted show and finishes it', async () => {
    let acknowledged = 0;
    let next = 0;
    let beforeKill: unknown = null;
    const comparable = (snapshot: { serverTime: number }) => ({ ...snapshot, serverTime: 0 });
    for (const killAfter of [2, 5, 8]) {
      const base = await startServer();
      const desk = await staffClient(base);
      expect(desk.latest.revision).toBe(acknowledged); // the restarted server has every acknowledged step
      if (beforeKill) expect(comparable(desk.latest)).toEqual(beforeKill); // …and exactly the same state
      while (next < killAfter) {
        const ack = await desk.send(SCRIPT[next] as ShowCommandBody);
        if (!ack.ok) throw new Error(`${SCRIPT[next]?.type}: ${ack.error.code}`);
        acknowledged = ack.revision;
        next += 1;
      }
      beforeKill = comparable(await desk.until(acknowledged));
      desk.close();
      await killHard();
    }
    const base = await startServer();
    const desk = await staffClient(base);
    expect(desk.latest.revision).toBe(acknowledged);
    expect(comparable(desk.latest)).toEqual(beforeKill);
    for (const h of desk.latest.rounds[0]?.households ?? []) {
      const ack = await desk.send({
        type: 'recordOutcome',
        household: h.number,
        outcome: '属实',
        satisfaction: '满意',
      });
      expect(ack.ok).toBe(true);
      await desk.until(acknowledged + 1);
      acknowledged += 1;
    }
    for (const type of ['openJudging', 'lockJudging', 'revealScores', 'showResult', 'close'] as const) {
      const ack = await desk.send({ type });
      expect(ack).toMatchObject({ ok: true, revision: acknowledged + 1 });
      acknowledged += 1;
      await desk.until(acknowledged);
    }
    desk.close();
    await killHard();

    const db = openDatabase(dbPath);
    try {
      const log = readLog(db, SHOW_LOG, eventId);
      expect(log).toHaveLength(acknowledged);
      expect(findChainBreak(log)).toBeNull();
      expect(log.map((e) => e.type).slice(0, SCRIPT.length)).toEqual(SCRIPT.map((c) => c.type));
    } finally {
      db.close();
    }
    const app = await buildApp({ dbPath });
    try {
      const drawId = app.services.shows.event(eventId).drawId as string;
      expect(verifyBundle(app.services.draws.bundle(drawId)).ok).toBe(true);
      expect(app.services.shows.snapshot(eventId, 'public').status).toBe('closed');
    } finally {
      await app.close();
    }
  }, 120_000);
});
