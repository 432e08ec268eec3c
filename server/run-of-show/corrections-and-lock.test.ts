import { describe, expect, it } from 'vitest';
import { FIXED_ENTROPY, FIXED_SECRET, sealedFixture } from '../draw-engine/test-fixtures';
import { describeLogEntry } from './log-text';
import { outlook } from './outlook';
import { initialShow, transition, type ShowCommand, type ShowState } from './run-of-show';
import { T0, current, run, situations } from './test-situations';

const firstHousehold = (state: ShowState) => current(state)?.households[0]?.number ?? 'none';
type CorrectOutcome = Extract<ShowCommand, { type: 'correctOutcome' }>;
const correct = (
  state: ShowState,
  by: 'operator' | 'supervisor',
  extra: Partial<CorrectOutcome> = {},
): CorrectOutcome => ({
  type: 'correctOutcome',
  at: T0 + 1,
  household: firstHousehold(state),
  outcome: '不符',
  satisfaction: '不满意',
  reason: '回拨核实：户主说明未上门',
  by,
  ...extra,
});

describe('correcting a household finding', () => {
  const all = situations();

  it('lets the operator correct during the calls and the judging, keeping both versions', () => {
    for (const name of ['callsDone', 'judging'] as const) {
      const state = all[name] as ShowState;
      const before = current(state)?.households[0];
      const after = run(state, correct(state, 'operator'));
      const round = current(after);
      expect(round?.households[0]).toMatchObject({ outcome: '不符', satisfaction: '不满意' });
      expect(round?.outcomeCorrections).toEqual([
        {
          household: before?.number,
          from: { outcome: before?.outcome, satisfaction: before?.satisfaction },
          to: { outcome: '不符', satisfaction: '不满意' },
          reason: '回拨核实：户主说明未上门',
          by: 'operator',
          at: T0 + 1,
        },
      ]);
    }
  });

  it('lets the operator correct until the scores are revealed, and only the supervisor after', () => {
    const locked = all.judgingLocked as ShowState;
    expect(transition(locked, correct(locked, 'operator')).ok).toBe(true);
    for (const name of ['scoresRevealed', 'result'] as const) {
      const state = all[name] as ShowState;
      expect(transition(state, correct(state, 'operator'))).toMatchObject({
        ok: false,
        code: 'SHOW_WRONG_STEP',
        message: '本轮结果已公布：核实结果只能由监督员更正，并写明原因',
      });
      const corrected = transition(state, correct(state, 'supervisor'));
      expect(corrected.ok).toBe(true);
      // The published result is recomputed from the corrected finding.
      if (corrected.ok) expect(current(corrected.state)?.households[0]?.outcome).toBe('不符');
      expect(outlook(state, 'operator').open).not.toContain('correctOutcome');
      expect(outlook(state, 'supervisor').open).toContain('correctOutcome');
    }
    const closed = all.closed as ShowState;
    expect(transition(closed, correct(closed, 'supervisor'))).toMatchObject({ ok: false, code: 'SHOW_CLOSED' });
  });

  it('in a check without judges, lets only the supervisor correct once the round is finished', () => {
    let state = initialShow(sealedFixture(), { rehearsal: false, reportMinutes: 5, judges: [] });
    state = run(
      state,
      { type: 'open', at: T0 },
      { type: 'lockEntropy', at: T0, entropy: FIXED_ENTROPY },
      { type: 'reveal', at: T0, secret: FIXED_SECRET },
      { type: 'drawAuditee', at: T0 },
      { type: 'presentAuditee', at: T0 },
      { type: 'drawHouseholds', at: T0 },
    );
    for (const h of current(state)?.households ?? []) {
      state = run(state, { type: 'recordOutcome', at: T0, household: h.number, outcome: '属实', satisfaction: '满意' });
    }
    state = run(state, { type: 'finishRound', at: T0 });
    expect(transition(state, correct(state, 'operator'))).toMatchObject({ ok: false, code: 'SHOW_WRONG_STEP' });
    expect(transition(state, correct(state, 'supervisor')).ok).toBe(true);
  });

  it('refuses a correction without a reason, to the same finding, or of a household not yet recorded', () => {
    const state = all.callsDone as ShowState;
    expect(transition(state, correct(state, 'operator', { reason: ' ' }))).toMatchObject({ code: 'SHOW_BAD_VALUE' });
    const same = current(state)?.households[0];
    expect(
      transition(
        state,
        correct(state, 'operator', { outcome: same?.outcome ?? '属实', satisfaction: same?.satisfaction }),
      ),
    ).toMatchObject({ code: 'SHOW_BAD_VALUE' });
    const pending = all.households as ShowState;
    expect(transition(pending, correct(pending, 'operator'))).toMatchObject({ code: 'SHOW_BAD_VALUE' });
    expect(transition(state, correct(state, 'operator', { satisfaction: null }))).toMatchObject({
      code: 'SHOW_BAD_VALUE',
    });
  });

  it('describes the correction in the log with who made it and why', () => {
    expect(
      describeLogEntry('correctOutcome', {
        household: '0001',
        outcome: '不符',
        satisfaction: '不满意',
        reason: '回拨核实',
        by: 'supervisor',
      }),
    ).toBe('监督员更正户 0001：不符，不满意（原因：回拨核实）');
  });
});

describe('locking the scores with a seat missing', () => {
  const all = situations();
  const scoreSeat = (state: ShowState, seat: number) => {
    const round = current(state);
    return run(state, {
      type: 'submitScore',
      at: T0,
      seat,
      round: round?.index ?? 0,
      auditeeNumber: round?.auditeeNumber ?? '',
      hundredths: 8000,
      submissionId: `s-${seat}`,
    });
  };

  it('is refused unless every seat without a score is named, and then accepted and logged', () => {
    const oneScored = scoreSeat(all.judging as ShowState, 1);
    expect(transition(oneScored, { type: 'lockJudging', at: T0, without: [] })).toMatchObject({
      ok: false,
      code: 'SHOW_SEATS_MISSING',
      message: '2 号评委尚未提交评分：确认不等其评分后才能锁定',
    });
    expect(transition(oneScored, { type: 'lockJudging', at: T0, without: [2] }).ok).toBe(true);
    expect(describeLogEntry('lockJudging', { without: [2] })).toBe('锁定评分（经确认，不等 2 号评委）');
    const both = scoreSeat(oneScored, 2);
    expect(transition(both, { type: 'lockJudging', at: T0, without: [] }).ok).toBe(true);
    expect(transition(both, { type: 'lockJudging', at: T0, without: [9] })).toMatchObject({ code: 'SHOW_BAD_VALUE' });
  });

  it('replays logs written before the desk named missing seats, which locked without a list', () => {
    expect(transition(all.judging as ShowState, { type: 'lockJudging', at: T0 }).ok).toBe(true);
  });
});
