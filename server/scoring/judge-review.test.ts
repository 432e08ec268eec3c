import { describe, expect, it } from 'vitest';
import { DEFAULT_JUDGE_REVIEW_RULES as RULES } from '../protocol/judge-review';
import { BIASED_UNIT, biasedPanel, PANEL } from '../../tests/helpers/biased-panel';
import { judgeFigures, median, referenceOf, reviewRows, signedRoundDiv, spreadOf } from './judge-review';

const report = () => {
  const rounds = biasedPanel();
  const rows = reviewRows(rounds, RULES);
  return { rows, judges: judgeFigures(rounds, rows, RULES) };
};

describe('judges’ report: the figures', () => {
  it('takes the reference from the other judges, dropping their highest and lowest from four up', () => {
    expect(referenceOf([8500, 8550, 8600, 8400], RULES)).toBe(8525);
    // Three others are not trimmed: their plain mean, rounded half up.
    expect(referenceOf([8500, 8550, 8601], RULES)).toBe(8550);
    expect(referenceOf([8000, 8001], RULES)).toBe(8001);
  });

  it('measures the spread as the median absolute deviation from the median, floored at one point', () => {
    expect(median([9250, 8500, 8550, 8600, 8400])).toBe(8550);
    expect(median([1, 2, 3, 4])).toBe(3);
    expect(spreadOf([8500, 8550, 9250, 8600, 8400], RULES)).toBe(100);
    expect(spreadOf([7000, 8000, 9000, 8500, 7500], RULES)).toBe(500);
  });

  it('rounds signed means half away from zero, so a low mean mirrors a high one', () => {
    expect(signedRoundDiv(3, 2)).toBe(2);
    expect(signedRoundDiv(-3, 2)).toBe(-2);
    expect(signedRoundDiv(-1, 4)).toBe(0);
  });

  it('gives each score its reference, deviation, spread, marking and trim, round by round', () => {
    const { rows } = report();
    expect(rows).toHaveLength(8 * 5 - 1);
    expect(rows.slice(0, 5).map((r) => [r.seat, r.deviationHundredths, r.markingHundredths, r.trim])).toEqual([
      [1, -75, 75, 'kept'],
      [2, 0, 0, 'kept'],
      [3, 725, 725, 'high'],
      [4, 75, 75, 'kept'],
      [5, -175, 175, 'low'],
    ]);
    expect(rows[2]).toMatchObject({ scoreHundredths: 9250, referenceHundredths: 8525, spreadHundredths: 100 });
  });
});

describe('judges’ report: a panel with one judge biased +8 for one unit', () => {
  it('flags 张代表 as consistently high for 县水利局, and for nothing else of unit or 乡镇', () => {
    const judge = report().judges.find((j) => j.judge === '张代表');
    const unitFlags = judge?.flags.filter((f) => f.kind !== 'marking');
    expect(unitFlags).toEqual([
      expect.objectContaining({ kind: 'high', dimension: 'unit', group: BIASED_UNIT, rounds: 4, valueHundredths: 794 }),
    ]);
    expect(unitFlags?.[0]?.elsewhereHundredths).toBe(-6);
    // Their 乡镇 figures are +3.94 in each: the bias follows the unit, not the grid.
    expect(judge?.groups.filter((g) => g.dimension === 'town').map((g) => g.meanDeviationHundredths)).toEqual([
      394, 394,
    ]);
  });

  it('flags 张代表’s marking score as far above the panel’s, and flags no one else at all', () => {
    const { judges } = report();
    expect(judges.map((j) => j.judge)).toEqual(PANEL);
    expect(judges.find((j) => j.judge === '张代表')?.flags.map((f) => f.kind)).toEqual(['high', 'marking']);
    expect(judges.find((j) => j.judge === '张代表')?.markingHundredths).toBe(413);
    for (const judge of judges.filter((j) => j.judge !== '张代表')) {
      expect(judge.flags, judge.judge).toEqual([]);
      expect(judge.markingHundredths, judge.judge).toBeLessThan(RULES.markingFlagHundredths);
    }
  });

  it('counts who was trimmed, the rechecks asked, the corrections and the recusals kept', () => {
    const byName = Object.fromEntries(report().judges.map((j) => [j.judge, j]));
    expect(byName['张代表']).toMatchObject({ rounds: 8, trimmedHigh: 4, trimmedLow: 0, meanDeviationHundredths: 394 });
    expect(byName['李政协']).toMatchObject({ rechecks: 1, corrections: 0 });
    expect(byName['刘专家']).toMatchObject({ corrections: 1, rechecks: 0 });
    expect(byName['陈群众']).toMatchObject({ rounds: 7, recusals: 1 });
    expect(byName['王人大']?.seats).toEqual([
      { eventId: 'E-SPRING', seat: 1 },
      { eventId: 'E-AUTUMN', seat: 1 },
    ]);
  });

  it('flags a judge consistently low as well, and needs the minimum number of rounds', () => {
    const lowered = biasedPanel().map((round) => ({
      ...round,
      scores: round.scores.map((s) => (s.seat === 3 ? { ...s, hundredths: s.hundredths - 1600 } : s)),
    }));
    const low = judgeFigures(lowered, reviewRows(lowered, RULES), RULES).find((j) => j.judge === '张代表');
    // −16 everywhere and +8 for 县水利局: −8 there, −16 elsewhere; what stands out is being low overall.
    expect(low?.flags.map((f) => [f.kind, f.group])).toContainEqual(['low', '县农业农村局']);
    const short = biasedPanel().slice(0, 4);
    const two = judgeFigures(short, reviewRows(short, RULES), { ...RULES, minRounds: 3 }).find(
      (j) => j.judge === '张代表',
    );
    // Two rounds per unit: no bias flag yet, though the marking score already stands out.
    expect(two?.flags.map((f) => f.kind)).toEqual(['marking']);
  });
});
