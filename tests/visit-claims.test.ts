import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { loadDemoCounty } from '../server/demo/load-demo';
import { csvSourceFromBuffer } from '../server/registry/import/import-files';
import { importRoster } from '../server/registry/import/roster-import';
import { latestVersion } from '../server/registry/roster-repository';
import { claimsOf, latestVisitLog } from '../server/registry/visit-log';
import { csvLine, UTF8_BOM } from '../server/registry/export/csv-writer';
import { verifyBundle } from '../server/verify/bundle';
import { ScriptedShow } from './helpers/show-script';
import { DEMO_PLAN } from './helpers/draw-fixture';
import { ShowClient } from './helpers/show-client';
import { loginCookie, testApp } from './helpers/test-app';

/**
 * The visit log (走访记录) the draw pins: staff see each drawn household's claims, to check them
 * on the phone; the overlay and the public sockets get only the counts, and the bundle only the
 * log's hash and counts. Every household of the roster gets claims here, one naming a neighbour
 * (a private person), so a leak would show.
 */
const PRIVATE = '邻居孙秘密';

let app: FastifyInstance;
let close: () => Promise<void>;
let dir: string;
let numbers: string[] = [];
let base: string;
let show: ScriptedShow;
const clients: ShowClient[] = [];

beforeAll(async () => {
  ({ app, close, dir } = await testApp());
  const db = app.services.db;
  await loadDemoCounty(db, { now: '2026-11-01T00:00:00.000Z', cadres: 200, teachers: 10 });
  const roster = latestVersion(db, 'cadre-household');
  numbers = db
    .prepare('SELECT number FROM contacts WHERE version_id = ? ORDER BY number')
    .pluck()
    .all(roster?.id) as string[];
  let csv = UTF8_BOM + csvLine(['户编号', '日期', '类别', '诉求内容', '办理情况', '办理状态']);
  numbers.forEach((number, i) => {
    csv += csvLine([number, '2026-03-05', '走访', '了解生产生活情况', '', '']);
    csv += csvLine([number, '2026-04-10', '诉求', `帮${PRIVATE}申请低保`, `已为${PRIVATE}报送材料`, '已解决']);
    if (i % 2 === 0) csv += csvLine([number, '2026-06-01', '诉求', '路灯不亮', '已报村委会', '办理中']);
  });
  const imported = await importRoster(db, [csvSourceFromBuffer('走访记录.csv', Buffer.from(csv, 'utf8'))], {
    programCode: 'cadre-household',
    actor: 'tester',
    now: '2026-11-01T00:00:00.000Z',
  });
  expect(imported.status).toBe('visits-updated');
  base = await app.listen({ host: '127.0.0.1', port: 0 });
  show = await ScriptedShow.create(app, base, { rollSeconds: 2 });
  await show.open();
  await show.entropyAndReveal();
  await show.run({ type: 'drawAuditee' });
  await show.run({ type: 'presentAuditee' });
  await show.run({ type: 'startReport' });
  await show.run({ type: 'endReport' });
  await show.run({ type: 'drawHouseholds' });
});
afterAll(async () => {
  for (const c of clients) c.close();
  show?.close();
  await close?.();
});

describe('claims of the pinned visit log', () => {
  it('pins the latest visit log at the seal, by version, hash and counts', () => {
    const log = latestVisitLog(app.services.db, 'cadre-household');
    const bundle = app.services.shows.bundle(show.snapshot.draw.drawId);
    expect(bundle.roster.visitLog).toEqual({
      versionId: log?.id,
      hash: log?.hash,
      entryCount: log?.entryCount,
      contactCount: log?.contactCount,
    });
    expect(log?.seq).toBe(2); // the demo's own log, then this test's
    // The bundle names the log, never its texts; and it still verifies.
    const text = JSON.stringify(bundle);
    expect(text).not.toContain(PRIVATE);
    expect(text).not.toContain('路灯');
    expect(verifyBundle(bundle).ok).toBe(true);
    // The independent Python verifier (docs/reference) reads the seal's roster whole: it agrees.
    const path = join(dir, 'bundle.json');
    writeFileSync(path, text);
    const python = spawnSync(
      'python3',
      [join(import.meta.dirname, '..', 'docs', 'reference', 'verify_draw.py'), path],
      {
        encoding: 'utf8',
      },
    );
    expect(python.stdout).toMatch(/ALL CHECKS PASSED/u);
  });

  it('gives staff every claim of each drawn household, oldest first', () => {
    const households = show.round.households;
    expect(households.length).toBeGreaterThanOrEqual(4);
    const pinned = app.services.shows.bundle(show.snapshot.draw.drawId).roster.visitLog?.versionId as number;
    for (const h of households) {
      expect(h.claims).toEqual(claimsOf(app.services.db, pinned, h.number));
      expect(h.claims[0]).toEqual({
        date: '2026-03-05',
        kind: '走访',
        asked: '了解生产生活情况',
        done: '',
        status: null,
      });
      expect(h.claims[1]).toMatchObject({ kind: '诉求', asked: `帮${PRIVATE}申请低保`, status: '已解决' });
      const needs = h.claims.filter((c) => c.kind === '诉求').length;
      expect(h.claimSummary).toEqual({ visits: 1, needs, resolved: 1 });
    }
    // Every second household of the roster was given a second need (see beforeAll).
    for (const h of households) expect(h.claimSummary.needs).toBe(numbers.indexOf(h.number) % 2 === 0 ? 2 : 1);
  });

  it('gives the overlay and the public socket only the counts', async () => {
    const revision = show.snapshot.revision;
    const overlay = await ShowClient.connect(base, { eventId: show.event.id, role: 'overlay', key: show.overlayKey });
    const viewer = await ShowClient.connect(base, { eventId: show.event.id, role: 'public' });
    clients.push(overlay, viewer);
    const staffHouseholds = show.round.households;
    for (const client of [overlay, viewer]) {
      const snapshot = await client.until(revision);
      const households = snapshot.rounds.at(-1)?.households ?? [];
      expect(households.map((h) => h.number)).toEqual(staffHouseholds.map((h) => h.number));
      for (const [i, h] of households.entries()) {
        expect(h.claims).toEqual([]);
        expect(h.claimSummary).toEqual(staffHouseholds[i]?.claimSummary);
      }
      const text = JSON.stringify(client.snapshots);
      expect(text).not.toContain(PRIVATE);
      expect(text).not.toContain('了解生产生活情况');
      expect(text).not.toContain('路灯');
    }
  });

  it('names the pinned log by hash and counts on the printed record and the public bulletin, never its texts', async () => {
    const log = latestVisitLog(app.services.db, 'cadre-household');
    const cookie = await loginCookie(app);
    const record = await app.inject({ method: 'GET', url: `/events/${show.event.id}/record`, headers: { cookie } });
    const bulletin = await app.inject({ method: 'GET', url: `/events/${show.event.id}/bulletin` });
    for (const page of [record, bulletin]) {
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain(log?.hash);
      expect(page.body).toContain(`${log?.entryCount} 条记录，涉及 ${log?.contactCount} 个联系对象`);
      expect(page.body).not.toContain(PRIVATE);
      expect(page.body).not.toContain('路灯');
    }
    // The public snapshot names it the same way, for the live page and the verifier.
    expect(show.snapshot.draw.visitLog).toEqual({
      hash: log?.hash,
      entryCount: log?.entryCount,
      contactCount: log?.contactCount,
    });
  });

  it('leaves the visit log out of a seal whose program has none, so such seals keep their earlier shape', () => {
    const { drawId } = app.services.draws.seal(
      { title: '教师联系家长抽查', plan: { ...DEMO_PLAN, programCode: 'teacher-parent' } },
      'operator',
    );
    const bundle = app.services.draws.bundle(drawId);
    expect(Object.keys(bundle.roster).sort()).toEqual(['auditeeCount', 'contactCount', 'hash', 'versionId']);
    expect(Object.keys(bundle.log[0]?.payload as { roster: object }).includes('roster')).toBe(true);
    expect(Object.keys((bundle.log[0]?.payload as { roster: object }).roster)).not.toContain('visitLog');
  });
});
