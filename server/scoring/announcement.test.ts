import { describe, expect, it } from 'vitest';
import { aggregateJudges, DEFAULT_SCORING_RULES as rules, type ScoringRules } from './scoring';
import { RUBRIC_EXAMPLE } from '../protocol/scoring';

/**
 * The sentence read on air, one fixed vector per branch of the panel rules: it must state the
 * rule that was applied and numbers that give the final score.
 */
const seats = (...values: number[]) => values.map((v, i) => ({ seat: i + 1, hundredths: Math.round(v * 100) }));
const few = { ...rules, minJudges: 1 };
const rubricOf = (rows: number[][]) =>
  rows.map((row, i) => ({
    seat: i + 1,
    items: row.map((v) => v * 100),
    hundredths: row.reduce((a, b) => a + b, 0) * 100,
  }));
const rubric = (trim: Partial<ScoringRules['trim']> = {}): ScoringRules => ({
  ...rules,
  criteria: RUBRIC_EXAMPLE,
  trim: { perSide: 1, fromJudges: 4, on: 'criteria', ...trim },
});

describe('the announcement for every panel', () => {
  it('1 judge: the score itself', () => {
    expect(aggregateJudges(seats(85), few)).toMatchObject({
      rule: 'mean',
      announcement: '1 位评委评分 85，最后得分 85.00',
    });
  });
  it('2 judges: the mean, saying the panel is too small to trim', () => {
    expect(aggregateJudges(seats(85, 90), few)).toMatchObject({
      rule: 'mean',
      finalHundredths: 8750,
      announcement: '2 位评委平均（不足 4 位，不去分），最后得分 87.50',
    });
  });
  it('3 judges, distinct gaps: names the closest two and the one left out (low and high side)', () => {
    expect(aggregateJudges(seats(70, 88, 90), rules)).toMatchObject({
      rule: 'closestTwo',
      counted: [2, 3],
      droppedLow: [1],
      finalHundredths: 8900,
      announcement: '取最接近的两个分数 88、90 平均（70 相差最远，不计入），最后得分 89.00',
    });
    expect(aggregateJudges(seats(83, 88, 80), rules)).toMatchObject({
      rule: 'closestTwo',
      counted: [1, 3],
      droppedHigh: [2],
      finalHundredths: 8150,
      announcement: '取最接近的两个分数 80、83 平均（88 相差最远，不计入），最后得分 81.50',
    });
    // Two equal scores are the closest pair.
    expect(aggregateJudges(seats(80, 90, 80), rules)?.announcement).toBe(
      '取最接近的两个分数 80、80 平均（90 相差最远，不计入），最后得分 80.00',
    );
  });
  it('3 judges, two equal gaps (83/88/78): all three count, the middle score, said as such', () => {
    const result = aggregateJudges(seats(83, 88, 78), rules);
    expect(result).toMatchObject({
      rule: 'evenGaps',
      counted: [1, 2, 3],
      droppedHigh: [],
      droppedLow: [],
      finalHundredths: 8300,
      method: '三位评委：三个分数间距相等，取中间分数（即三者平均）',
      announcement: '三个分数 78、83、88 间距相等（各差 5），取中间分数 83，最后得分 83.00',
    });
    // The middle is the mean of the three: (78 + 83 + 88) / 3 = 83 exactly, whatever the gap.
    expect(aggregateJudges(seats(89.5, 80.5, 85), rules)).toMatchObject({
      finalHundredths: 8500,
      announcement: '三个分数 80.5、85、89.5 间距相等（各差 4.5），取中间分数 85，最后得分 85.00',
    });
    expect(aggregateJudges(seats(80, 80, 80), rules)?.announcement).toBe('三个分数均为 80，最后得分 80.00');
  });
  it('4+ judges: one or two dropped per side', () => {
    expect(aggregateJudges(seats(80, 90, 70, 100), rules)).toMatchObject({
      rule: 'trimmed',
      announcement: '去掉一个最高分 100，去掉一个最低分 70，最后得分 85.00',
    });
    expect(
      aggregateJudges(seats(60, 70, 80, 90, 100, 75, 85), { ...rules, trim: { ...rules.trim, perSide: 2 } })
        ?.announcement,
    ).toBe('去掉两个最高分 100、90，去掉两个最低分 60、70，最后得分 80.00');
  });
  it('a panel below the trimming size, and rules that trim nothing: the plain mean', () => {
    expect(aggregateJudges(seats(80, 90, 70, 100), { ...rules, trim: { ...rules.trim, fromJudges: 5 } })).toMatchObject(
      { rule: 'mean', announcement: '4 位评委平均（不足 5 位，不去分），最后得分 85.00' },
    );
    expect(
      aggregateJudges(seats(60, 70, 80, 90, 100), { ...rules, trim: { ...rules.trim, perSide: 0 } }),
    ).toMatchObject({ rule: 'mean', announcement: '5 位评委平均，最后得分 80.00' });
    // perSide 0 with three judges: no closest two either.
    expect(aggregateJudges(seats(70, 88, 90), { ...rules, trim: { ...rules.trim, perSide: 0 } })?.announcement).toBe(
      '3 位评委平均，最后得分 82.67',
    );
  });
  it('per criterion: trimmed, three judges (closest two, one criterion evenly spread), plain mean', () => {
    const five = rubricOf([
      [36, 25, 27],
      [38, 28, 24],
      [30, 27, 29],
      [35, 22, 26],
      [39, 29, 20],
    ]);
    expect(aggregateJudges(five, rubric())).toMatchObject({
      rule: 'trimmed',
      announcement:
        '各评分项分别去掉一个最高分、一个最低分，工作实绩 36.33，群众评价 26.67，现场答辩 25.67，最后得分 88.67',
    });
    // 工作实绩 30 36 38 → 36, 38 → 37; 群众评价 25 27 28 → 27, 28 → 27.5; 现场答辩 24 27 30: even → 27.
    const three = rubricOf([
      [36, 25, 27],
      [38, 28, 24],
      [30, 27, 30],
    ]);
    const result = aggregateJudges(three, rubric());
    expect(result?.criteria.map((c) => [c.rule, c.meanHundredths])).toEqual([
      ['closestTwo', 3700],
      ['closestTwo', 2750],
      ['evenGaps', 2700],
    ]);
    expect(result).toMatchObject({
      rule: 'closestTwo',
      finalHundredths: 9150,
      announcement:
        '各评分项分别取最接近的两个分数平均（间距相等取中间分数），工作实绩 37.00，群众评价 27.50，现场答辩 27.00，最后得分 91.50',
    });
    expect(aggregateJudges(three, rubric({ perSide: 0 }))).toMatchObject({
      rule: 'mean',
      announcement: '各评分项分别取 3 位评委平均，工作实绩 34.67，群众评价 26.67，现场答辩 27.00，最后得分 88.34',
    });
  });
  it('missing seats: given the others’ average, or left out, and said either way', () => {
    expect(
      aggregateJudges(seats(80, 90, 70, 100), { ...rules, missing: 'othersAverage' }, [1, 2, 3, 4, 5]),
    ).toMatchObject({
      filled: [5],
      excluded: [],
      announcement: '去掉一个最高分 100，去掉一个最低分 70，最后得分 85.00（5 号席未评分，按其他评委平均计）',
    });
    expect(aggregateJudges(seats(80, 90, 70, 100), rules, [1, 2, 3, 4, 5, 6])).toMatchObject({
      filled: [],
      excluded: [5, 6],
      announcement: '去掉一个最高分 100，去掉一个最低分 70，最后得分 85.00（5、6 号席未评分，不计入）',
    });
    // Three of five left: the three-judge rule, with the two missing seats named.
    expect(aggregateJudges(seats(83, 88, 78), rules, [1, 2, 3, 4, 5])?.announcement).toBe(
      '三个分数 78、83、88 间距相等（各差 5），取中间分数 83，最后得分 83.00（4、5 号席未评分，不计入）',
    );
  });
  it('fewer than the minimum: no aggregate (the reason is in the round’s judgesShortfall)', () => {
    expect(aggregateJudges(seats(85, 90), rules)).toBeNull();
  });
});
