import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { loadDemoCounty } from '../server/demo/load-demo';
import { defaultPlan } from '../server/draw/default-plan';
import type { AuditeeDetail } from '../server/protocol/registry';
import { loginCookie, testApp } from './helpers/test-app';
import { ScriptedShow } from './helpers/show-script';
import { verifyBundle } from '../server/draw/bundle';

/**
 * Audit history: every round of a closed show is recorded against its auditee (rehearsals never
 * count), the console's auditee page shows it, and the draw's cool-down reads it.
 */
let app: FastifyInstance;
let close: () => Promise<void>;
let base: string;
let cookie: string;
const shows: ScriptedShow[] = [];
const TOWN = [['城关街道']];

const plan = (eventDate: string, coolDownDays = 0) =>
  defaultPlan(eventDate, {
    eligibility: { ...defaultPlan(eventDate).eligibility, grid: TOWN, coolDownDays },
    auditees: { mode: 'total', count: 2 },
    contactsPerAuditee: 2,
  });

const historyRows = () =>
  app.services.db.prepare('SELECT * FROM audit_history ORDER BY id').all() as {
    auditee_number: string;
    audited_on: string;
    event_id: string;
    mode: string;
    result: string;
  }[];

async function run(options: Parameters<typeof ScriptedShow.create>[2]): Promise<ScriptedShow> {
  const show = await ScriptedShow.create(app, base, { rollSeconds: 2, ...options });
  shows.push(show);
  await show.runToClose();
  return show;
}

beforeAll(async () => {
  ({ app, close } = await testApp());
  await loadDemoCounty(app.services.db, { now: '2026-01-01T00:00:00.000Z', cadres: 300, teachers: 10 });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
  cookie = await loginCookie(app);
});
afterAll(async () => {
  for (const show of shows) show.close();
  await close?.();
});

describe('audit history', () => {
  let first: ScriptedShow;
  let second: ScriptedShow;

  it('records each round of a closed show against its auditee, with the round’s results', async () => {
    first = await run({ title: '第一季度抽查', plan: plan('2026-03-10'), eventDate: '2026-03-10' });
    const rows = historyRows();
    expect(rows).toHaveLength(2);
    const snapshot = first.snapshot;
    for (const [i, round] of snapshot.rounds.entries()) {
      const row = rows[i] as (typeof rows)[number];
      expect(row.auditee_number).toBe(round.auditee.number);
      expect(row.audited_on).toBe('2026-03-10');
      expect(row.event_id).toBe(first.event.id);
      const record = JSON.parse(row.result) as Record<string, unknown>;
      expect(record.combinedHundredths).toBe(round.score?.combinedHundredths);
      expect(record.tier).toBe(round.score?.tier);
      expect(record.judgesHundredths).toBe(round.score?.judges?.finalHundredths);
      expect(record.satisfactionRateHundredths).toBe(round.score?.households.satisfactionRateHundredths);
      expect((record.households as { replaced: number }).replaced).toBe(1);
    }
  });

  it('adds nothing for a rehearsal', async () => {
    await run({ title: '演练', plan: plan('2026-04-01'), eventDate: '2026-04-01', rehearsal: true });
    expect(shows.at(-1)?.snapshot.rehearsal).toBe(true);
    expect(shows.at(-1)?.snapshot.status).toBe('closed');
    expect(historyRows()).toHaveLength(2);
  });

  it('excludes cadres audited within the cool-down from a later plan, and accumulates a second show', async () => {
    const audited = first.snapshot.rounds.map((r) => r.auditee.number);
    const withCoolDown = app.services.draws.preview(plan('2026-05-01', 90));
    const without = app.services.draws.preview(plan('2026-05-01', 0));
    expect(withCoolDown.excluded.coolDown).toBe(2);
    expect(withCoolDown.poolSize).toBe(without.poolSize - 2);
    // 2026-03-10 is 52 days before 2026-05-01: a 30-day cool-down no longer excludes them.
    expect(app.services.draws.preview(plan('2026-05-01', 30)).excluded.coolDown).toBe(0);

    second = await run({ title: '第二季度抽查', plan: plan('2026-05-01', 90), eventDate: '2026-05-01' });
    const drawn = second.snapshot.rounds.map((r) => r.auditee.number);
    for (const number of drawn) expect(audited).not.toContain(number);
    expect(historyRows()).toHaveLength(4);
  });

  it('records a routine check without judges or report, whose bundle verifies', async () => {
    const check = await run({
      title: '十一月日常抽查',
      plan: plan('2026-06-15'),
      eventDate: '2026-06-15',
      mode: 'routine',
    });
    expect(check.snapshot.judgeSeats).toBe(0);
    expect(check.snapshot.status).toBe('closed');
    const rows = historyRows().filter((r) => r.event_id === check.event.id);
    expect(rows.map((r) => r.mode)).toEqual(['routine', 'routine']);
    for (const [i, row] of rows.entries()) {
      const record = JSON.parse(row.result) as { judgesHundredths: unknown; combinedHundredths: number };
      expect(record.judgesHundredths).toBeNull();
      // Without judges the round's score is the households' score alone.
      expect(record.combinedHundredths).toBe(check.snapshot.rounds[i]?.score?.households.scoreHundredths);
    }
    expect(historyRows()).toHaveLength(6);
    const bundle = await app.inject({ method: 'GET', url: `/api/draws/${check.snapshot.draw.drawId}/bundle` });
    const report = verifyBundle(bundle.json());
    expect(report.checks.filter((c) => !c.ok)).toEqual([]);
  });

  it('shows an auditee’s history on the console’s auditee page, newest first', async () => {
    const number = first.snapshot.rounds[0]?.auditee.number as string;
    const response = await app.inject({
      method: 'GET',
      url: `/api/programs/cadre-household/auditees/${number}`,
      headers: { cookie },
    });
    const detail = response.json<AuditeeDetail>();
    // Later checks may draw the same cadre again (the routine check has no cool-down): every row counts.
    const own = historyRows().filter((r) => r.auditee_number === number);
    expect(detail.history).toHaveLength(own.length);
    expect(detail.history.map((h) => h.auditedOn)).toEqual(
      own
        .map((r) => r.audited_on)
        .sort()
        .reverse(),
    );
    expect(detail.history.find((h) => h.eventTitle === '第一季度抽查')).toMatchObject({
      auditedOn: '2026-03-10',
      mode: 'televised',
      combinedHundredths: first.snapshot.rounds[0]?.score?.combinedHundredths,
    });
    // Any other cadre: as many entries as history rows name them (most: none).
    const other = await app.inject({
      method: 'GET',
      url: '/api/programs/cadre-household/auditees/00001',
      headers: { cookie },
    });
    const expected = historyRows().filter((r) => r.auditee_number === '00001').length;
    expect(other.json<AuditeeDetail>().history).toHaveLength(expected);
  });
});
