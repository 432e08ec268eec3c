import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { loadDemoCounty } from '../server/demo/load-demo';
import { defaultPlan } from '../server/draw-engine/default-plan';
import type { AuditeeDetail } from '../server/protocol/registry';
import { loginCookie, testApp } from './helpers/test-app';
import { ScriptedShow } from './helpers/show-script';
import { verifyBundle, type DrawBundle } from '../server/verify/bundle';
import {
  buildPool,
  poolHash,
  publishedHistory,
  type EligibilityAuditee,
  type EligibilityContact,
} from '../server/draw-engine/eligibility';

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

  it('samples by declared ratios per risk tier, read from the history, and the roster alone rebuilds the pool', async () => {
    // Three cadres of the town fell short in a check on 2026-06-20 (not a show of this app: default rules).
    const shortfall = app.services.db
      .prepare(
        `SELECT number FROM auditees WHERE version_id = (SELECT MAX(id) FROM roster_versions
         WHERE program_code = 'cadre-household') AND town = '城关街道' AND status = '在岗' ORDER BY number LIMIT 3 OFFSET 20`,
      )
      .pluck()
      .all() as string[];
    const insert = app.services.db.prepare(
      `INSERT INTO audit_history (program_code, auditee_number, audited_on, event_id, mode, result)
       VALUES ('cadre-household', ?, '2026-06-20', 'X-202606', 'routine', ?)`,
    );
    const failed = { tier: '不合格', households: { sampled: 3, reached: 3, counted: 3, confirmed: 1, satisfied: 0 } };
    for (const number of shortfall) insert.run(number, JSON.stringify(failed));

    const riskPlan = {
      ...plan('2026-07-01'),
      auditees: {
        mode: 'ratios' as const,
        by: 'risk' as const,
        count: 3,
        ratios: [
          { stratum: '高风险', percent: 34 },
          { stratum: '中风险', percent: 33 },
          { stratum: '低风险', percent: 33 },
        ],
      },
    };
    const preview = app.services.draws.preview(riskPlan);
    expect(preview.problem).toBeUndefined();
    expect(preview.strata.map((s) => [s.stratum, s.quota])).toEqual([
      ['高风险', 1],
      ['中风险', 1],
      ['低风险', 1],
    ]);

    const check = await run({ title: '七月风险分层抽查', plan: riskPlan, eventDate: '2026-07-01', mode: 'routine' });
    expect(check.snapshot.rounds).toHaveLength(3);
    // The bulletin published before the draw states the ratios, the whole quotas and what each tier means.
    const bulletin = await app.inject({ method: 'GET', url: `/events/${check.event.id}/bulletin` });
    expect(bulletin.body).toContain('按风险等级比例抽取 3 人（高风险 34%，中风险 33%，低风险 33%）：高风险 1 人');
    expect(bulletin.body).toContain('中风险：从未被抽查');
    const response = await app.inject({ method: 'GET', url: `/api/draws/${check.snapshot.draw.drawId}/bundle` });
    const bundle = response.json<DrawBundle>();
    expect(verifyBundle(bundle).checks.filter((c) => !c.ok)).toEqual([]);

    // Each pooled cadre's tier, recomputed here from the raw history rows: the latest audit decides.
    const latest = new Map<string, { on: string; short: boolean }>();
    // (The history as it stood at sealing: not the rows this check wrote when it closed.)
    for (const row of historyRows().filter((r) => r.audited_on <= '2026-07-01' && r.event_id !== check.event.id)) {
      const record = JSON.parse(row.result) as {
        tier: string | null;
        households: { reached: number; confirmed: number };
      };
      const short = record.tier === '不合格' || record.households.confirmed < record.households.reached;
      const seen = latest.get(row.auditee_number);
      if (!seen || row.audited_on > seen.on) latest.set(row.auditee_number, { on: row.audited_on, short });
      else if (row.audited_on === seen.on && short) seen.short = true;
    }
    for (const auditee of bundle.pool.auditees) {
      const history = latest.get(auditee.number);
      expect(auditee.stratum, auditee.number).toBe(history ? (history.short ? '高风险' : '低风险') : '中风险');
    }
    for (const number of shortfall) {
      expect(bundle.pool.auditees.find((a) => a.number === number)?.stratum).toBe('高风险');
    }
    const stages = bundle.auditeeStages ?? [];
    expect(stages.map((s) => [s.stratum, s.selections.length])).toEqual([
      ['高风险', 1],
      ['中风险', 1],
      ['低风险', 1],
    ]);
    for (const stage of stages) {
      for (const pick of stage.selections) {
        expect(bundle.pool.auditees.find((a) => a.number === pick.number)?.stratum).toBe(stage.stratum);
      }
    }

    // The history is not public: what the bundle publishes, with the roster rows, gives the same pool.
    const versionId = bundle.roster.versionId;
    const auditees = app.services.db
      .prepare('SELECT number, unit, industry, town, area, village, status FROM auditees WHERE version_id = ?')
      .all(versionId) as EligibilityAuditee[];
    const contacts = app.services.db
      .prepare('SELECT number, auditee_number AS auditeeNumber, phone, consent FROM contacts WHERE version_id = ?')
      .all(versionId) as EligibilityContact[];
    const rebuilt = buildPool(bundle.plan, auditees, contacts, publishedHistory(bundle.plan, bundle.pool)).pool;
    expect(poolHash(rebuilt)).toBe(bundle.poolHash);
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
