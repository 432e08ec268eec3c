import { describe, expect, it } from 'vitest';
import {
  aggregateJudges,
  DEFAULT_SCORING_RULES as rules,
  formatFinal,
  formatScore,
  householdSatisfaction,
  judgesOutcome,
  outliers,
  roundDiv,
  scoreRound,
  tierOf,
  type HouseholdAnswer,
} from './scoring';
import { RUBRIC_EXAMPLE, scoringRulesProblems } from '../protocol/scoring';

const seats = (...values: number[]) => values.map((v, i) => ({ seat: i + 1, hundredths: Math.round(v * 100) }));

describe('numbers as read aloud', () => {
  it('formats scores and finals', () => {
    expect(formatScore(9500)).toBe('95');
    expect(formatScore(9250)).toBe('92.5');
    expect(formatScore(8767)).toBe('87.67');
    expect(formatScore(8705)).toBe('87.05');
    expect(formatFinal(9000)).toBe('90.00');
    expect(formatFinal(8705)).toBe('87.05');
  });
  it('rounds halves up', () => {
    expect(roundDiv(1, 2)).toBe(1);
    expect(roundDiv(5, 3)).toBe(2);
    expect(roundDiv(4, 3)).toBe(1);
    expect(roundDiv(0, 7)).toBe(0);
  });
});

describe('judges', () => {
  it('drops one highest and one lowest of seven and averages the rest (worked example)', () => {
    // 88 92 85 90 95 87 91 → drop 95 (seat 5) and 85 (seat 3); (88+92+90+87+91)/5 = 89.6
    const result = aggregateJudges(seats(88, 92, 85, 90, 95, 87, 91), rules);
    expect(result?.droppedHigh).toEqual([5]);
    expect(result?.droppedLow).toEqual([3]);
    expect(result?.counted).toEqual([1, 2, 4, 6, 7]);
    expect(result?.finalHundredths).toBe(8960);
    expect(result?.announcement).toBe('去掉一个最高分 95，去掉一个最低分 85，最后得分 89.60');
  });
  it('a tie drops only one copy, the lowest seat number', () => {
    // 90 95 95 80 80 → drop 95 (seat 2) and 80 (seat 4); (90+95+80)/3 = 88.33
    const result = aggregateJudges(seats(90, 95, 95, 80, 80), rules);
    expect(result?.droppedHigh).toEqual([2]);
    expect(result?.droppedLow).toEqual([4]);
    expect(result?.finalHundredths).toBe(8833);
  });
  it('all equal: still drops one of each and keeps the value', () => {
    const result = aggregateJudges(seats(90, 90, 90, 90), rules);
    // The lowest seat goes as the lowest score; of the rest, the lowest seat goes as the highest.
    expect(result?.droppedLow).toEqual([1]);
    expect(result?.droppedHigh).toEqual([2]);
    expect(result?.finalHundredths).toBe(9000);
  });
  it('rounds the mean to two decimals, halves up', () => {
    // 80.01 80.02 → mean 80.015 → 80.02
    expect(aggregateJudges(seats(80.01, 80.02), { ...rules, minJudges: 1 })?.finalHundredths).toBe(8002);
  });
  it('drops two of each when the rules say so', () => {
    const result = aggregateJudges(seats(60, 70, 80, 90, 100, 75, 85), {
      ...rules,
      trim: { ...rules.trim, perSide: 2 },
    });
    expect(result?.droppedHigh.sort()).toEqual([4, 5]);
    expect(result?.droppedLow.sort()).toEqual([1, 2]);
    expect(result?.finalHundredths).toBe(8000);
    expect(result?.announcement).toBe('去掉两个最高分 100、90，去掉两个最低分 60、70，最后得分 80.00');
  });
  it('three judges: mean of the closest two; evenly spread: the middle', () => {
    expect(aggregateJudges(seats(70, 88, 90), rules)).toMatchObject({
      counted: [2, 3],
      droppedLow: [1],
      droppedHigh: [],
      finalHundredths: 8900,
    });
    expect(aggregateJudges(seats(70, 72, 90), rules)?.finalHundredths).toBe(7100);
    expect(aggregateJudges(seats(70, 80, 90), rules)?.finalHundredths).toBe(8000);
  });
  it('two judges or one: the mean, when the rules accept so few; none: nothing', () => {
    const few = { ...rules, minJudges: 1 };
    expect(aggregateJudges(seats(85, 90), few)?.finalHundredths).toBe(8750);
    expect(aggregateJudges(seats(85), few)?.announcement).toBe('1 位评委评分 85，最后得分 85.00');
    expect(aggregateJudges([], few)).toBeNull();
  });
  it('fewer judges than the rules require: no judges’ score, with the reason', () => {
    expect(judgesOutcome(seats(85, 90), rules)).toEqual({
      ok: false,
      reason: '评委人数不足：2 人评分，规则要求至少 3 人',
    });
  });
  it('a missing seat gets the others’ average when the rules say so, and trimming counts it', () => {
    // Seats 1–4 scored 80 90 70 100; seat 5 did not: it gets 85. Drop 100 and 70: (80+90+85)/3 = 85.
    const result = aggregateJudges(seats(80, 90, 70, 100), { ...rules, missing: 'othersAverage' }, [1, 2, 3, 4, 5]);
    expect(result?.filled).toEqual([5]);
    expect(result?.counted).toEqual([1, 2, 5]);
    expect(result?.finalHundredths).toBe(8500);
    expect(result?.announcement).toBe(
      '去掉一个最高分 100，去掉一个最低分 70，最后得分 85.00（5 号席未评分，按其他评委平均计）',
    );
    // Left out instead: 80 90 70 100 → drop 100 and 70 → 85 as well, but from four seats.
    expect(aggregateJudges(seats(80, 90, 70, 100), rules, [1, 2, 3, 4, 5])?.counted).toEqual([1, 2]);
  });
  it('plain mean when the rules trim nothing', () => {
    expect(
      aggregateJudges(seats(60, 70, 80, 90, 100), { ...rules, trim: { ...rules.trim, perSide: 0 } }),
    ).toMatchObject({
      finalHundredths: 8000,
      droppedHigh: [],
      droppedLow: [],
    });
  });
  it('a rubric trimmed per criterion: each criterion drops its own highest and lowest, then they add up (worked example)', () => {
    const rubric = { ...rules, criteria: RUBRIC_EXAMPLE, trim: { perSide: 1, fromJudges: 4, on: 'criteria' as const } };
    // 工作实绩 /40, 群众评价 /30, 现场答辩 /30, five judges.
    const items = [
      [36, 25, 27],
      [38, 28, 24],
      [30, 27, 29],
      [35, 22, 26],
      [39, 29, 20],
    ];
    const scores = items.map((row, i) => ({
      seat: i + 1,
      items: row.map((v) => v * 100),
      hundredths: row.reduce((a, b) => a + b, 0) * 100,
    }));
    const result = aggregateJudges(scores, rubric);
    // 工作实绩: drop 39 and 30 → (36+38+35)/3 = 36.33; 群众评价: drop 29 and 22 → (25+28+27)/3 = 26.67;
    // 现场答辩: drop 29 and 20 → (27+24+26)/3 = 25.67; total 88.67.
    expect(result?.criteria).toEqual([
      { name: '工作实绩', meanHundredths: 3633, droppedHigh: [5], droppedLow: [3], rule: 'trimmed' },
      { name: '群众评价', meanHundredths: 2667, droppedHigh: [5], droppedLow: [4], rule: 'trimmed' },
      { name: '现场答辩', meanHundredths: 2567, droppedHigh: [3], droppedLow: [5], rule: 'trimmed' },
    ]);
    expect(result?.finalHundredths).toBe(8867);
    expect(result?.announcement).toBe(
      '各评分项分别去掉一个最高分、一个最低分，工作实绩 36.33，群众评价 26.67，现场答辩 25.67，最后得分 88.67',
    );
    // The same rubric trimmed on totals: totals 88 90 86 83 88 → drop 90 (seat 2) and 83 (seat 4) → 87.33.
    const onTotals = aggregateJudges(scores, { ...rubric, trim: { ...rubric.trim, on: 'totals' } });
    expect(onTotals).toMatchObject({ droppedHigh: [2], droppedLow: [4], finalHundredths: 8733 });
  });
  it('flags scores far from the median to the supervisor', () => {
    expect(outliers(seats(88, 90, 91, 70, 89), rules)).toEqual([4]);
    expect(outliers(seats(88, 90), rules)).toEqual([]);
  });
  it('does not depend on the order the scores arrived in', () => {
    const values = seats(88, 92, 85, 90, 95, 87, 91);
    expect(aggregateJudges([...values].reverse(), rules)).toEqual(aggregateJudges(values, rules));
  });
});

describe('households', () => {
  const answer = (outcome: string | null, satisfaction: string | null, replaced = false): HouseholdAnswer => ({
    outcome,
    satisfaction,
    replaced,
  });
  it('maps 满意 100, 基本满意 75, 不满意 55 and leaves 不了解 and the unreached out', () => {
    const summary = householdSatisfaction(
      [
        answer('属实', '满意'),
        answer('属实', '基本满意'),
        answer('不符', '不满意'),
        answer('属实', '不了解'),
        answer('未联系上', null),
        answer('属实', '满意', true),
      ],
      rules,
    );
    expect(summary).toEqual({
      sampled: 5,
      reached: 4,
      counted: 3,
      satisfied: 2,
      confirmed: 3,
      uncounted: 1,
      answers: [
        { answer: '满意', count: 1, points: 100 },
        { answer: '基本满意', count: 1, points: 75 },
        { answer: '不满意', count: 1, points: 55 },
      ],
      pointsTotal: 230,
      satisfactionRateHundredths: 6667,
      responseRateHundredths: 8000,
      // (100 + 75 + 55) / 3 = 76.67
      scoreHundredths: 7667,
      formula: '(满意 1 户×100 + 基本满意 1 户×75 + 不满意 1 户×55) ÷ 3 户 = 76.67',
    });
  });
  it('nothing counted: no rate and no score', () => {
    expect(householdSatisfaction([answer('未联系上', null)], rules)).toMatchObject({
      satisfactionRateHundredths: null,
      scoreHundredths: null,
      responseRateHundredths: 0,
    });
  });
});

describe('the round', () => {
  it('combines judges 60% and households 40%, then finds the tier', () => {
    const result = scoreRound(
      seats(88, 92, 85, 90, 95, 87, 91),
      [
        { outcome: '属实', satisfaction: '满意', replaced: false },
        { outcome: '属实', satisfaction: '基本满意', replaced: false },
      ],
      rules,
    );
    // households (100 + 75) / 2 = 87.5; 89.6 × 0.6 + 87.5 × 0.4 = 53.76 + 35 = 88.76
    expect(result.combinedHundredths).toBe(8876);
    expect(result.tier).toBe('良好');
    expect(result.combination).toEqual({
      judgesWeight: 60,
      householdsWeight: 40,
      formula: '89.60 × 60% + 87.50 × 40% = 88.76',
    });
  });
  it('the figures on air redo the sum: 88.75 × 60% + 76.67 × 40% = 83.918 → 83.92', () => {
    const pair = scoreRound(
      seats(88.75),
      ['满意', '基本满意', '不满意', '不了解'].map((satisfaction) => ({
        outcome: '属实',
        satisfaction,
        replaced: false,
      })),
      { ...rules, minJudges: 1 },
    );
    expect(pair.households.scoreHundredths).toBe(7667);
    expect(pair.combinedHundredths).toBe(8392);
    expect(pair.combination?.formula).toBe('88.75 × 60% + 76.67 × 40% = 83.92');
  });
  it('one part missing: the other alone', () => {
    expect(scoreRound(seats(91), [], { ...rules, minJudges: 1 })).toMatchObject({
      combinedHundredths: 9100,
      tier: '优秀',
    });
    expect(scoreRound([], [{ outcome: '属实', satisfaction: '不满意', replaced: false }], rules)).toMatchObject({
      combinedHundredths: 5500,
      tier: '不合格',
    });
    expect(scoreRound([], [], rules)).toMatchObject({ combinedHundredths: null, combination: null, tier: null });
    expect(scoreRound(seats(91), [], { ...rules, minJudges: 1 }).combination).toEqual({
      judgesWeight: 100,
      householdsWeight: 0,
      formula: '无群众评价得分，取评委得分 91.00',
    });
    expect(
      scoreRound([], [{ outcome: '属实', satisfaction: '不满意', replaced: false }], rules).combination?.formula,
    ).toBe('无评委得分，取群众评价得分 55.00');
  });
  it('too few judges: no judges’ score, the reason kept, the households alone', () => {
    const result = scoreRound(seats(85, 90), [{ outcome: '属实', satisfaction: '满意', replaced: false }], rules);
    expect(result).toMatchObject({
      judges: null,
      judgesShortfall: '评委人数不足：2 人评分，规则要求至少 3 人',
      combinedHundredths: 10_000,
    });
    expect(scoreRound(seats(85, 90, 80), [], rules).judgesShortfall).toBeNull();
  });
  it('tiers by threshold, inclusive', () => {
    expect(tierOf(9000, rules)).toBe('优秀');
    expect(tierOf(8999, rules)).toBe('良好');
    expect(tierOf(6000, rules)).toBe('合格');
    expect(tierOf(5999, rules)).toBe('不合格');
  });
});

describe('rules themselves', () => {
  it('accepts the defaults and names what is wrong with bad rules', () => {
    expect(scoringRulesProblems(rules)).toEqual([]);
    expect(scoringRulesProblems({ ...rules, criteria: RUBRIC_EXAMPLE })).toEqual([]);
    expect(
      scoringRulesProblems({
        ...rules,
        weights: { judges: 50, households: 40 },
        criteria: [
          { name: '甲', maxHundredths: 6000, stepHundredths: 700 },
          { name: '甲', maxHundredths: 6000, stepHundredths: 100 },
        ],
        tiers: [
          { label: '合格', minHundredths: 6000 },
          { label: '优秀', minHundredths: 9000 },
        ],
        trim: { perSide: 2, fromJudges: 4, on: 'totals' },
      }),
    ).toEqual([
      '评委与群众权重之和须为 100%',
      '各评分项满分之和不能超过 100 分',
      '评分项「甲」的满分须是步长的整数倍',
      '评分项名称不能重复',
      '等次须从高到低排列，门槛依次降低',
      '最低等次的门槛须为 0，任何分数都有等次',
      '去掉最高最低分后至少要留下一个分数',
    ]);
  });
});
