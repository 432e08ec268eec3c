import { describe, expect, it } from 'vitest';
import { activeSelections } from '../draw-engine/ceremony';
import {
  AUDITEE_REPLACEMENT_REASONS,
  CONTACT_REPLACEMENT_REASONS,
  type AuditeeReplacementReason,
  type ContactReplacementReason,
} from '../protocol/draw';
import { buildPool } from '../draw-engine/eligibility';
import { stageOrder } from '../draw-engine/order';
import { stageSeed } from '../draw-engine/seed';
import {
  basePlan,
  ceremonyRefusal,
  FIXED_ENTROPY,
  FIXED_SECRET,
  runCeremony,
  sealedFixture,
  syntheticRoster,
} from '../draw-engine/test-fixtures';

const run = runCeremony;
const refusal = ceremonyRefusal;

const revealed = (state = sealedFixture()) =>
  run(state, { type: 'lockEntropy', entropy: FIXED_ENTROPY }, { type: 'reveal', secret: FIXED_SECRET });

describe('the draw ceremony', () => {
  it('needs public entropy of at least 20 digits, locked once', () => {
    const sealed = sealedFixture();
    expect(refusal(sealed, { type: 'lockEntropy', entropy: '1234' })).toBe('DRAW_ENTROPY_INVALID');
    expect(refusal(sealed, { type: 'lockEntropy', entropy: '1234567890abcdefghij' })).toBe('DRAW_ENTROPY_INVALID');
    const locked = run(sealed, { type: 'lockEntropy', entropy: '3141 5926 5358 9793 2384' });
    expect(locked.entropy).toBe('31415926535897932384');
    expect(refusal(locked, { type: 'lockEntropy', entropy: FIXED_ENTROPY })).toBe('DRAW_ENTROPY_LOCKED');
  });

  it('reveals the secret only after the entropy, and only the committed one', () => {
    const sealed = sealedFixture();
    expect(refusal(sealed, { type: 'reveal', secret: FIXED_SECRET })).toBe('DRAW_ENTROPY_MISSING');
    const locked = run(sealed, { type: 'lockEntropy', entropy: FIXED_ENTROPY });
    expect(refusal(locked, { type: 'reveal', secret: 'b2'.repeat(32) })).toBe('DRAW_SECRET_MISMATCH');
    expect(refusal(locked, { type: 'reveal', secret: 'not-hex' })).toBe('DRAW_SECRET_MISMATCH');
    const done = run(locked, { type: 'reveal', secret: FIXED_SECRET });
    expect(done.seed).toMatch(/^[0-9a-f]{64}$/u);
    expect(refusal(done, { type: 'reveal', secret: FIXED_SECRET })).toBe('DRAW_ALREADY_REVEALED');
  });

  it('draws nothing before the seed exists, and each stage only once', () => {
    expect(refusal(sealedFixture(), { type: 'drawAuditees' })).toBe('DRAW_NOT_REVEALED');
    const drawn = run(revealed(), { type: 'drawAuditees' });
    expect(refusal(drawn, { type: 'drawAuditees' })).toBe('DRAW_STAGE_EXECUTED');
    const first = activeSelections(drawn.auditeeStages?.[0]?.selections ?? [])[0]?.number as string;
    const withContacts = run(drawn, { type: 'drawContacts', auditeeNumber: first });
    expect(refusal(withContacts, { type: 'drawContacts', auditeeNumber: first })).toBe('DRAW_STAGE_EXECUTED');
  });

  it('selects the first K of the published order', () => {
    const drawn = run(revealed(), { type: 'drawAuditees' });
    const stage = drawn.auditeeStages?.[0];
    expect(stage?.selections.map((s) => s.number)).toEqual(stage?.order.slice(0, 3));
    expect(stage?.order).toHaveLength(drawn.pool.auditees.length);
  });

  it('replaces with the next alternate in order, with a reason, up to the cap', () => {
    let state = run(revealed(), { type: 'drawAuditees' });
    const order = state.auditeeStages?.[0]?.order as string[];
    state = run(state, { type: 'replaceAuditee', number: order[1] as string, reason: 'LEAVE' });
    state = run(state, { type: 'replaceAuditee', number: order[3] as string, reason: 'RECUSAL' });
    state = run(state, { type: 'replaceAuditee', number: order[0] as string, reason: 'TRIP' });
    const selections = state.auditeeStages?.[0]?.selections ?? [];
    // Drawing 3 and replacing 3 touches exactly the first 6 of the order: 5 then 5 = 10.
    expect(selections.map((s) => s.number)).toEqual(order.slice(0, 6));
    expect(activeSelections(selections).map((s) => s.number)).toEqual([order[2], order[4], order[5]]);
    expect(selections[1]?.replaced).toEqual({ reason: 'LEAVE', by: order[3] });
    expect(refusal(state, { type: 'replaceAuditee', number: order[2] as string, reason: 'OTHER' })).toBe(
      'DRAW_REPLACEMENT_CAP',
    );
    expect(refusal(state, { type: 'replaceAuditee', number: order[1] as string, reason: 'OTHER' })).toBe(
      'DRAW_REPLACEMENT_CAP',
    );
  });

  it('refuses unknown reasons and numbers that are not current picks', () => {
    const state = run(revealed(), { type: 'drawAuditees' });
    const order = state.auditeeStages?.[0]?.order as string[];
    // A reason outside the list, as a forged log or bundle could carry it (JSON gives it no type).
    const bored: AuditeeReplacementReason = JSON.parse('"BORED"');
    expect(refusal(state, { type: 'replaceAuditee', number: order[0] as string, reason: bored })).toBe(
      'DRAW_REASON_INVALID',
    );
    expect(refusal(state, { type: 'replaceAuditee', number: order[10] as string, reason: 'LEAVE' })).toBe(
      'DRAW_NOT_SELECTED',
    );
    expect(refusal(state, { type: 'drawContacts', auditeeNumber: order[10] as string })).toBe('DRAW_NOT_SELECTED');
  });

  it('draws households per auditee, independent of which other auditees were drawn first', () => {
    const state = run(revealed(), { type: 'drawAuditees' });
    const [a, b] = activeSelections(state.auditeeStages?.[0]?.selections ?? []).map((s) => s.number) as [
      string,
      string,
    ];
    const aFirst = run(state, { type: 'drawContacts', auditeeNumber: a }, { type: 'drawContacts', auditeeNumber: b });
    const bFirst = run(state, { type: 'drawContacts', auditeeNumber: b }, { type: 'drawContacts', auditeeNumber: a });
    const stageA1 = aFirst.contactStages.find((s) => s.auditeeNumber === a);
    const stageA2 = bFirst.contactStages.find((s) => s.auditeeNumber === a);
    expect(stageA1).toEqual(stageA2);
    expect(stageA1?.order).toEqual(
      stageOrder(
        stageSeed(state.seed as string, 'contacts', a),
        state.pool.auditees.find((x) => x.number === a)?.contacts ?? [],
      ),
    );
    expect(stageA1?.selections).toHaveLength(5);
  });

  it('excludes contacts without a phone or consent from the household order', () => {
    const state = run(revealed(), { type: 'drawAuditees' });
    const a = state.auditeeStages?.[0]?.selections[0]?.number as string;
    const drawn = run(state, { type: 'drawContacts', auditeeNumber: a });
    const order = drawn.contactStages[0]?.order ?? [];
    expect(order).toHaveLength(10);
    expect(order).not.toContain(`${a}-11`);
    expect(order).not.toContain(`${a}-12`);
  });

  it('replaces households with reasons, up to the per-auditee cap', () => {
    let state = run(revealed(), { type: 'drawAuditees' });
    const a = state.auditeeStages?.[0]?.selections[0]?.number as string;
    state = run(state, { type: 'drawContacts', auditeeNumber: a });
    const order = state.contactStages[0]?.order as string[];
    for (const [i, reason] of (['NO_ANSWER', 'REFUSED', 'WRONG_NUMBER', 'NO_CONSENT'] as const).entries()) {
      state = run(state, { type: 'replaceContact', auditeeNumber: a, contactNumber: order[i] as string, reason });
    }
    expect(state.contactStages[0]?.selections.map((s) => s.number)).toEqual(order.slice(0, 9));
    expect(
      refusal(state, { type: 'replaceContact', auditeeNumber: a, contactNumber: order[4] as string, reason: 'OTHER' }),
    ).toBe('DRAW_REPLACEMENT_CAP');
  });

  it('accepts every declared reason code, and records it', () => {
    for (const reason of Object.keys(AUDITEE_REPLACEMENT_REASONS) as AuditeeReplacementReason[]) {
      const state = run(revealed(), { type: 'drawAuditees' });
      const first = state.auditeeStages?.[0]?.selections[0]?.number as string;
      const after = run(state, { type: 'replaceAuditee', number: first, reason });
      expect(after.auditeeStages?.[0]?.selections[0]?.replaced?.reason).toBe(reason);
    }
    for (const reason of Object.keys(CONTACT_REPLACEMENT_REASONS) as ContactReplacementReason[]) {
      let state = run(revealed(), { type: 'drawAuditees' });
      const a = state.auditeeStages?.[0]?.selections[0]?.number as string;
      state = run(state, { type: 'drawContacts', auditeeNumber: a });
      const contact = state.contactStages[0]?.selections[0]?.number as string;
      const after = run(state, { type: 'replaceContact', auditeeNumber: a, contactNumber: contact, reason });
      expect(after.contactStages[0]?.selections[0]?.replaced?.reason).toBe(reason);
    }
  });

  it('fills stratified quotas from each stratum’s own order', () => {
    const plan = basePlan({
      auditees: {
        mode: 'strata',
        by: 'town',
        quotas: [
          { stratum: '城关街道', count: 1 },
          { stratum: '高庄镇', count: 2 },
        ],
      },
    });
    const state = run(revealed(sealedFixture(plan)), { type: 'drawAuditees' });
    const stages = state.auditeeStages ?? [];
    expect(stages.map((s) => [s.stratum, s.selections.length])).toEqual([
      ['城关街道', 1],
      ['高庄镇', 2],
    ]);
    const towns = new Map(syntheticRoster().auditees.map((a) => [a.number, a.town]));
    for (const stage of stages) for (const number of stage.order) expect(towns.get(number)).toBe(stage.stratum);
  });
});

describe('eligibility', () => {
  const { auditees, contacts } = syntheticRoster();

  it('keeps only the listed statuses, grid, units and industries', () => {
    const report = buildPool(
      basePlan({
        eligibility: { ...basePlan().eligibility, grid: [['许家湖镇']], units: ['县财政局'], statuses: ['在岗'] },
      }),
      auditees,
      contacts,
      [],
    );
    for (const a of report.pool.auditees) {
      const row = auditees.find((x) => x.number === a.number);
      expect(row?.town).toBe('许家湖镇');
      expect(row?.unit).toBe('县财政局');
    }
    expect(report.pool.auditees.length).toBe(10);
    expect(report.excluded.filter + report.excluded.status + report.pool.auditees.length).toBe(60);
  });

  it('leaves out the avoided and those audited within the cool-down, and lists the cool-down ones', () => {
    const plan = basePlan({
      eligibility: {
        ...basePlan().eligibility,
        coolDownDays: 30,
        avoid: [{ number: '00002', reason: '与评委有亲属关系' }],
      },
    });
    const report = buildPool(plan, auditees, contacts, [
      { auditeeNumber: '00003', auditedOn: '2026-11-10' },
      { auditeeNumber: '00004', auditedOn: '2026-10-01' },
      { auditeeNumber: '00005', auditedOn: '2026-12-01' },
    ]);
    const numbers = report.pool.auditees.map((a) => a.number);
    expect(numbers).not.toContain('00002');
    expect(numbers).not.toContain('00003');
    expect(numbers).toContain('00004');
    expect(numbers).toContain('00005');
    expect(report.pool.coolDownExcluded).toEqual(['00003']);
    expect(report.excluded).toMatchObject({ avoidance: 1, coolDown: 1 });
  });

  it('gives the same pool whatever the roster row order', () => {
    const plan = basePlan();
    expect(buildPool(plan, [...auditees].reverse(), [...contacts].reverse(), [])).toEqual(
      buildPool(plan, auditees, contacts, []),
    );
  });

  it('refuses quotas the pool cannot fill', () => {
    expect(() => buildPool(basePlan({ auditees: { mode: 'total', count: 100 } }), auditees, contacts, [])).toThrow(
      /少于要抽取/u,
    );
    expect(() =>
      buildPool(
        basePlan({ auditees: { mode: 'strata', by: 'town', quotas: [{ stratum: '不存在镇', count: 1 }] } }),
        auditees,
        contacts,
        [],
      ),
    ).toThrow(/没有可抽取的人员/u);
  });
});
