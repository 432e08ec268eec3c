import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../server/app';
import { loadDemoCounty } from '../server/demo/load-demo';
import { findChainBreak } from '../server/draw-engine/log-chain';
import { readLog, SHOW_LOG } from '../server/store/log-store';
import type { ErrorBody } from '../server/protocol/errors';
import { ScriptedShow } from './helpers/show-script';
import { ShowClient } from './helpers/show-client';
import { loginCookie, OPERATOR_PASSWORD, SUPERVISOR_PASSWORD } from './helpers/test-app';
import { tempDir } from './helpers/roster-fixture';

/**
 * Storage faults: the database file held by another process, the disk full, a damaged or edited
 * log row. Each gets a clear typed error, the step does not take effect, and nothing is silently
 * damaged: what the server holds in memory is what the file holds, and the chain still verifies.
 */
const ROOT = join(import.meta.dirname, '..');
const dir = tempDir('choucha-faults-');
const dbPath = join(dir, 'choucha.db');
let app: FastifyInstance;
let base: string;
let show: ScriptedShow;

const build = () =>
  buildApp({ dbPath, initialPasswords: { operator: OPERATOR_PASSWORD, supervisor: SUPERVISOR_PASSWORD } });

beforeAll(async () => {
  app = await build();
  await loadDemoCounty(app.services.db, { now: '2026-11-01T00:00:00.000Z', cadres: 120, teachers: 10 });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
  show = await ScriptedShow.create(app, base, { rollSeconds: 2 });
  await show.open();
  await show.entropyAndReveal();
  await show.run({ type: 'drawAuditee' });
  await show.run({ type: 'presentAuditee' });
  await show.run({ type: 'startReport' });
});
afterAll(async () => {
  show?.close();
  await app?.close();
});

/** The show as the file holds it: entries and whether the chain verifies. */
function fileLog(eventId: string) {
  const db = new Database(dbPath, { readonly: true });
  try {
    const log = readLog(db, SHOW_LOG, eventId);
    return { length: log.length, broken: findChainBreak(log) };
  } finally {
    db.close();
  }
}

describe('storage faults', () => {
  it('answers STORE_BUSY while another program holds the file, applies nothing, and works once it lets go', async () => {
    const cookie = await loginCookie(app);
    const holder = spawn(
      process.execPath,
      [
        '-e',
        `const db = new (require('better-sqlite3'))(process.argv[1]);
         db.exec('BEGIN EXCLUSIVE'); db.prepare('SELECT count(*) FROM events').get();
         process.stdout.write('locked\\n'); setTimeout(() => { db.exec('ROLLBACK'); process.exit(0); }, 7000);`,
        dbPath,
      ],
      { cwd: ROOT },
    );
    await new Promise<void>((resolve, reject) => {
      holder.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('locked') && resolve());
      holder.once('exit', (code) => reject(new Error(`holder exited ${code}`)));
    });
    const revision = show.snapshot.revision;
    const ack = await show.staff.send({ type: 'extendReport', seconds: 30 });
    expect(ack.ok).toBe(false);
    if (!ack.ok) {
      expect(ack.error.code).toBe('STORE_BUSY');
      expect(ack.error.message).toMatch(/其他程序占用.*未生效/u);
    }
    const settings = await app.inject({
      method: 'PUT',
      url: '/api/settings',
      headers: { cookie },
      payload: { publicAuditeeNames: 'masked' },
    });
    expect(settings.statusCode).toBe(503);
    expect(settings.json<ErrorBody>().error.code).toBe('STORE_BUSY');
    expect((await show.staff.socket.timeout(5000).emitWithAck('show:sync')).revision).toBe(revision);
    await new Promise((resolve) => holder.once('exit', resolve));
    expect(fileLog(show.event.id).length).toBe(revision);
    const retry = await show.staff.send({ type: 'extendReport', seconds: 30 });
    expect(retry).toMatchObject({ ok: true, revision: revision + 1 });
  }, 30_000);

  it('answers STORE_FULL when the disk fills, keeps memory equal to the file, and carries on when there is room', async () => {
    const db = app.services.db;
    const pages = db.pragma('page_count', { simple: true }) as number;
    db.pragma(`max_page_count = ${pages}`);
    let failure: string | null = null;
    for (let i = 0; i < 300 && failure === null; i += 1) {
      const ack = await show.staff.send({ type: 'extendReport', seconds: 30 });
      if (ack.ok) await show.staff.until(ack.revision);
      else failure = ack.error.code;
    }
    expect(failure).toBe('STORE_FULL');
    const held = ((await show.staff.socket.timeout(5000).emitWithAck('show:sync')) as { revision: number }).revision;
    const inFile = fileLog(show.event.id);
    expect(inFile.length).toBe(held);
    expect(inFile.broken).toBeNull();
    db.pragma('max_page_count = 1073741823');
    const after = await show.staff.send({ type: 'extendReport', seconds: 30 });
    expect(after).toMatchObject({ ok: true, revision: held + 1 });
    await show.staff.until(held + 1);
  }, 60_000);

  it('refuses to run a show whose stored log was edited or damaged, says which entry, and writes nothing', async () => {
    const eventId = show.event.id;
    show.close();
    await app.close();
    const raw = new Database(dbPath);
    // The app's triggers refuse edits; someone with the file in hand drops them first.
    for (const trigger of raw
      .prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'")
      .pluck()
      .all() as string[]) {
      raw.exec(`DROP TRIGGER "${trigger}"`);
    }
    const digest = () =>
      createHash('sha256')
        .update(JSON.stringify(raw.prepare('SELECT * FROM show_log ORDER BY event_id, seq').raw().all()))
        .digest('hex');
    // Someone "corrects" the report's length in the file: the payload no longer matches its hash.
    const target = raw
      .prepare("SELECT seq FROM show_log WHERE event_id = ? AND type = 'extendReport' ORDER BY seq LIMIT 1")
      .pluck()
      .get(eventId) as number;
    raw
      .prepare("UPDATE show_log SET payload = replace(payload, '30', '3000') WHERE event_id = ? AND seq = ?")
      .run(eventId, target);
    const before = digest();

    app = await build();
    base = await app.listen({ host: '127.0.0.1', port: 0 });
    expect(app.services.events.integrityProblems()).toEqual([
      expect.objectContaining({ eventId, message: expect.stringContaining(`第 ${target} 条哈希链校验失败`) }),
    ]);
    const snapshot = await app.inject({ method: 'GET', url: `/api/events/${eventId}/snapshot` });
    expect(snapshot.statusCode).toBe(500);
    expect(snapshot.json<ErrorBody>().error).toMatchObject({ code: 'STORE_CORRUPT' });
    const refused = await ShowClient.connect(base, { eventId, role: 'public' }).then(
      () => null,
      (error: { body?: ErrorBody }) => error.body?.error.code,
    );
    expect(refused).toBe('STORE_CORRUPT');
    // The public list leaves the damaged event out instead of failing as a whole.
    expect((await app.inject({ method: 'GET', url: '/api/public/events' })).statusCode).toBe(200);
    expect(digest()).toBe(before); // refusing wrote nothing

    // A row that is not even JSON any more.
    raw.prepare('UPDATE show_log SET payload = \'{"type":\' WHERE event_id = ? AND seq = ?').run(eventId, target);
    const damaged = digest();
    await app.close();
    app = await build();
    expect(app.services.events.integrityProblems()[0]?.message).toMatch(/无法读取/u);
    expect(app.services.events.listEvents().find((e) => e.id === eventId)?.status).toBe('damaged');
    expect(digest()).toBe(damaged);

    // A frozen pool edited after sealing (a cadre slipped out of the draw) is caught by its hash.
    const drawId = show.snapshot.draw.drawId;
    const pool = JSON.parse(raw.prepare('SELECT pool FROM draws WHERE id = ?').pluck().get(drawId) as string) as {
      auditees: unknown[];
    };
    pool.auditees.splice(1, 1);
    raw.prepare('UPDATE draws SET pool = ? WHERE id = ?').run(JSON.stringify(pool), drawId);
    await app.close();
    app = await build();
    expect(() => app.services.draws.bundle(drawId)).toThrow(/哈希不符/u);
    raw.close();
  }, 60_000);
});
