import { describe, expect, it } from 'vitest';
import { basePlan, FIXED_ENTROPY, FIXED_SECRET, sealedFixture } from '../draw-engine/test-fixtures';
import type { PlanProgram } from '../protocol/programs';
import { initialShow, transition, type ShowCommand, type ShowState } from './run-of-show';
import { current, run, T0 } from './test-situations';
import { roundScore } from './round-score';
import { publishedRounds } from '../verify/show-section';

import { HOME_VISIT_QUESTIONNAIRE } from '../scoring/test-fixtures';

/** A plan whose program asks three questions and scores households by them. */
const PROGRAM: PlanProgram = {
  version: 2,
  hash: 'c'.repeat(64),
  householdScoreRule: 'questionnaire',
  questionnaire: HOME_VISIT_QUESTIONNAIRE,
};

function callsOpen(program: PlanProgram | undefined): ShowState {
  const sealed = initialShow(sealedFixture(basePlan(program ? { program } : {})), {
    rehearsal: false,
    reportMinutes: 5,
    judges: [],
  });
  return run(
    sealed,
    { type: 'open', at: T0 },
    { type: 'lockEntropy', at: T0, entropy: FIXED_ENTROPY },
    { type: 'reveal', at: T0, secret: FIXED_SECRET },
    { type: 'drawAuditee', at: T0 },
    { type: 'presentAuditee', at: T0 },
    { type: 'startReport', at: T0 },
    { type: 'endReport', at: T0 + 1000 },
    { type: 'drawHouseholds', at: T0 },
  );
}

const households = (state: ShowState) => current(state)?.households.map((h) => h.number) ?? [];
const record = (
  household: string,
  answers?: number[],
  outcome: '属实' | '不符' | '未联系上' = '属实',
): ShowCommand => ({
  type: 'recordOutcome',
  at: T0,
  household,
  outcome,
  satisfaction: outcome === '未联系上' ? null : '满意',
  ...(answers ? { answers } : {}),
});
const refusal = (state: ShowState, command: ShowCommand) => {
  const result = transition(state, command);
  return result.ok ? 'accepted' : result.code;
};

describe('answers to the questionnaire', () => {
  it('a reached household needs one valid answer per question; an unreached one none', () => {
    const state = callsOpen(PROGRAM);
    const [first = ''] = households(state);
    expect(refusal(state, record(first))).toBe('SHOW_ANSWERS_MISSING');
    expect(refusal(state, record(first, [0, 0]))).toBe('SHOW_ANSWERS_MISMATCH');
    expect(refusal(state, record(first, [0, 0, 0, 0]))).toBe('SHOW_ANSWERS_MISMATCH');
    expect(refusal(state, record(first, [2, 0, 0]))).toBe('SHOW_ANSWERS_MISMATCH'); // 是否上门 has two options
    expect(refusal(state, record(first, [0, 0, 0], '未联系上'))).toBe('SHOW_ANSWERS_NOT_EXPECTED');
    expect(refusal(state, record(first, undefined, '未联系上'))).toBe('accepted');
    const recorded = run(state, record(first, [1, 2, 1]));
    expect(current(recorded)?.households[0]).toMatchObject({ outcome: '属实', answers: [1, 2, 1] });
  });

  it('a plan without a questionnaire takes no answers, and records as before', () => {
    const state = callsOpen(undefined);
    const [first = ''] = households(state);
    expect(refusal(state, record(first, [0]))).toBe('SHOW_ANSWERS_NOT_EXPECTED');
    expect(current(run(state, record(first)))?.households[0]).toMatchObject({ answers: null, satisfaction: '满意' });
  });

  it('the round result follows the points, a correction of answers alone is one, and bundles publish them', () => {
    let state = callsOpen(PROGRAM);
    const numbers = households(state);
    const answers = [
      [0, 0, 0], // 80 + 满意 100 = 180
      [0, 1, 1], // 55 + 100 = 155
      [1, 2, 2], // 0 + 100 = 100
    ];
    numbers.forEach((number, i) => {
      state = run(state, i < answers.length ? record(number, answers[i]) : record(number, undefined, '未联系上'));
    });
    state = run(state, { type: 'finishRound', at: T0 });
    const round = current(state);
    if (!round) throw new Error('no round');
    // 435 × 10000 ÷ (3 × 180) = 8055.6 → 8056
    expect(roundScore(state, round)?.households).toMatchObject({ counted: 3, scoreHundredths: 8056 });
    expect(roundScore(state, round)?.combinedHundredths).toBe(8056);

    const [first = ''] = numbers;
    const correct = (answers: number[]): ShowCommand => ({
      type: 'correctOutcome',
      at: T0,
      household: first,
      outcome: '属实',
      satisfaction: '满意',
      answers,
      reason: '回放录音核对',
      by: 'supervisor',
    });
    expect(refusal(state, correct([0, 0, 0]))).toBe('SHOW_BAD_VALUE'); // the same finding
    expect(refusal(state, correct([0, 0]))).toBe('SHOW_ANSWERS_MISMATCH');
    const corrected = run(state, correct([0, 0, 2]));
    const after = current(corrected);
    // 405 × 10000 ÷ 540 = 7500
    expect(after && roundScore(corrected, after)?.households.scoreHundredths).toBe(7500);
    expect(after?.outcomeCorrections[0]).toMatchObject({
      from: { outcome: '属实', satisfaction: '满意', answers: [0, 0, 0] },
      to: { outcome: '属实', satisfaction: '满意', answers: [0, 0, 2] },
    });
    const [published] = publishedRounds(corrected, []);
    expect(published?.households.slice(0, 4)).toEqual([
      { number: first, outcome: '属实', satisfaction: '满意', replaced: false, answers: [0, 0, 2] },
      expect.objectContaining({ answers: [0, 1, 1] }),
      expect.objectContaining({ answers: [1, 2, 2] }),
      { number: numbers[3], outcome: '未联系上', satisfaction: null, replaced: false },
    ]);
  });
});
