import { describe, expect, it } from 'vitest';
import { describeQuotas, planQuotas, plannedAuditees, type DrawPlan } from '../protocol/draw';
import { applyDrawCommand, type DrawCommand, type DrawState } from '../draw-engine/ceremony';
import {
  buildPool,
  PlanError,
  poolHash,
  publishedHistory,
  riskTiers,
  type AuditRecord,
} from '../draw-engine/eligibility';
import { buildBundle, sealedState, verifyBundle } from '../verify/bundle';
import { appendEntry, type LogEntry } from '../draw-engine/log-chain';
import { planHash } from '../draw-engine/eligibility';
import { commitmentOf } from '../draw-engine/seed';
import { basePlan, FIXED_ENTROPY, FIXED_SECRET, syntheticRoster } from '../draw-engine/test-fixtures';

const ratios = (count: number, percents: number[], by: 'risk' | 'town' = 'risk'): DrawPlan =>
  basePlan({
    auditees: {
      mode: 'ratios',
      by,
      count,
      ratios: percents.map((percent, i) => ({
        stratum: by === 'risk' ? (['高风险', '中风险', '低风险'][i] as string) : `层${i}`,
        percent,
      })),
    },
  });

// History of the synthetic county: 00001–00010 fell short last time, 00011–00020 and 00030 passed, the rest
// were never audited.
const history: AuditRecord[] = [
  ...Array.from({ length: 10 }, (_, i) => ({
    auditeeNumber: String(i + 1).padStart(5, '0'),
    auditedOn: '2026-05-10',
    needsRecheck: true,
  })),
  ...Array.from({ length: 10 }, (_, i) => ({
    auditeeNumber: String(i + 11).padStart(5, '0'),
    auditedOn: '2026-06-10',
    needsRecheck: false,
  })),
  { auditeeNumber: '00030', auditedOn: '2026-11-01', needsRecheck: false },
];

describe('declared ratios', () => {
  it('become whole quotas by the largest remainder, ties to the stratum declared first', () => {
    const cases: [number, number[], number[]][] = [
      [10, [50, 30, 20], [5, 3, 2]],
      [3, [50, 30, 20], [1, 1, 1]],
      [7, [34, 33, 33], [3, 2, 2]],
      [2, [50, 50], [1, 1]],
      [1, [50, 50], [1, 0]],
      [1, [40, 60], [0, 1]],
      [5, [100], [5]],
      [11, [60, 25, 15], [6, 3, 2]],
    ];
    for (const [count, percents, expected] of cases) {
      const plan = ratios(count, percents, 'town');
      expect(
        planQuotas(plan).map((q) => q.count),
        `${count} × ${percents.join('/')}`,
      ).toEqual(expected);
      expect(plannedAuditees(plan)).toBe(count);
    }
  });

  it('must add up to 100%', () => {
    const { auditees, contacts } = syntheticRoster();
    expect(() => buildPool(ratios(5, [50, 30, 30]), auditees, contacts, history)).toThrow(/100%/u);
  });

  it('are described in words for the bulletin', () => {
    expect(describeQuotas(ratios(10, [50, 30, 20]))).toBe(
      '按风险等级比例抽取 10 人（高风险 50%，中风险 30%，低风险 20%）：高风险 5 人，中风险 3 人，低风险 2 人',
    );
  });
});

describe('risk tiers', () => {
  it('follow the latest audit on or before the event date; a day with any shortfall is high risk', () => {
    const tiers = riskTiers(
      [
        { auditeeNumber: 'A', auditedOn: '2026-01-01', needsRecheck: true },
        { auditeeNumber: 'A', auditedOn: '2026-03-01', needsRecheck: false },
        { auditeeNumber: 'B', auditedOn: '2026-03-01', needsRecheck: false },
        { auditeeNumber: 'B', auditedOn: '2026-03-01', needsRecheck: true },
        { auditeeNumber: 'C', auditedOn: '2026-03-01', needsRecheck: true },
        { auditeeNumber: 'C', auditedOn: '2026-12-30', needsRecheck: false },
        { auditeeNumber: 'D', auditedOn: '2026-12-30', needsRecheck: true },
      ],
      '2026-11-26',
    );
    expect(Object.fromEntries(tiers)).toEqual({ A: '低风险', B: '高风险', C: '高风险' });
  });

  it('stratify the pool: the never-audited are 中风险, and the tiers are published in the pool', () => {
    const { auditees, contacts } = syntheticRoster();
    const report = buildPool(ratios(10, [50, 30, 20]), auditees, contacts, history);
    const tierOf = new Map(report.pool.auditees.map((a) => [a.number, a.stratum]));
    expect(tierOf.get('00001')).toBe('高风险');
    expect(tierOf.get('00011')).toBe('低风险');
    expect(tierOf.get('00030')).toBe('低风险');
    expect(tierOf.get('00040')).toBe('中风险');
    // 00008 has left: not eligible under the default statuses.
    expect(report.strata).toEqual([
      { stratum: '高风险', size: 9, quota: 5 },
      { stratum: '中风险', size: 39, quota: 3 },
      { stratum: '低风险', size: 11, quota: 2 },
    ]);
  });

  it('refuses a tier that does not exist and a quota a tier cannot fill', () => {
    const { auditees, contacts } = syntheticRoster();
    const unknown = basePlan({
      auditees: { mode: 'strata', by: 'risk', quotas: [{ stratum: '极高风险', count: 1 }] },
    });
    expect(() => buildPool(unknown, auditees, contacts, history)).toThrow(PlanError);
    expect(() => buildPool(unknown, auditees, contacts, history)).toThrow(/极高风险/u);
    try {
      buildPool(ratios(20, [50, 30, 20]), auditees, contacts, history);
      expect.unreachable();
    } catch (error) {
      expect((error as PlanError).code).toBe('PLAN_QUOTA_EXCEEDS_STRATUM');
    }
  });

  it('are rebuilt from what the bundle publishes: the same pool from the roster alone', () => {
    const { auditees, contacts } = syntheticRoster();
    for (const coolDownDays of [0, 30, 150]) {
      const plan = { ...ratios(10, [50, 30, 20]), eligibility: { ...basePlan().eligibility, coolDownDays } };
      const { pool } = buildPool(plan, auditees, contacts, history);
      expect(pool.coolDownExcluded).toEqual(coolDownDays >= 30 ? ['00030'] : []);
      const rebuilt = buildPool(plan, auditees, contacts, publishedHistory(plan, pool)).pool;
      expect(poolHash(rebuilt), `cool-down ${coolDownDays}`).toBe(poolHash(pool));
    }
  });

  it('draw each tier from its own stage, and the bundle verifies', () => {
    const { auditees, contacts } = syntheticRoster();
    const plan = ratios(10, [50, 30, 20]);
    const { pool } = buildPool(plan, auditees, contacts, history);
    const seal = {
      drawId: 'draw-risk-0001',
      programCode: plan.programCode,
      roster: { versionId: 1, hash: 'f'.repeat(64), auditeeCount: auditees.length, contactCount: contacts.length },
      planHash: planHash(plan),
      poolHash: poolHash(pool),
      commitment: commitmentOf(FIXED_SECRET),
    };
    let state: DrawState = sealedState(seal, plan, pool, '');
    const at = '2026-11-26T08:00:00.000Z';
    const log: LogEntry[] = [appendEntry(undefined, { at, actor: 'operator', type: 'seal', payload: seal })];
    const commands: DrawCommand[] = [
      { type: 'lockEntropy', entropy: FIXED_ENTROPY },
      { type: 'reveal', secret: FIXED_SECRET },
      { type: 'drawAuditees' },
    ];
    for (const command of commands) {
      const result = applyDrawCommand(state, command);
      if (!result.ok) throw new Error(result.message);
      state = result.state;
      const { type, ...payload } = command;
      log.push(appendEntry(log.at(-1), { at, actor: 'operator', type, payload }));
    }
    const stages = state.auditeeStages ?? [];
    expect(stages.map((s) => [s.stratum, s.selections.length])).toEqual([
      ['高风险', 5],
      ['中风险', 3],
      ['低风险', 2],
    ]);
    const tierOf = new Map(pool.auditees.map((a) => [a.number, a.stratum]));
    for (const stage of stages) for (const s of stage.selections) expect(tierOf.get(s.number)).toBe(stage.stratum);
    const report = verifyBundle(buildBundle(state, log));
    expect(report.checks.filter((c) => !c.ok)).toEqual([]);
  });
});
