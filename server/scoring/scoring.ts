/**
 * Scoring as pure integer arithmetic in hundredths (92.35 is 9235): judges' aggregation, the
 * households' satisfaction, the combined round score and its tier, and the announcement read on
 * air. The same numbers feed the announcement, the overlay and the record, so anyone can
 * recompute them from the published scores.
 */

import type { ScoringRules } from '../protocol/scoring';
export { DEFAULT_SCORING_RULES, type ScoringRules } from '../protocol/scoring';

export interface SeatScore {
  seat: number;
  /** The seat's total, in hundredths (the sum of its items). */
  hundredths: number;
  /** Per criterion, in the rules' order, in hundredths (a single overall score: one item). */
  items?: number[];
}

/** Rounds a non-negative ratio of integers to the nearest integer, halves up. */
export function roundDiv(numerator: number, denominator: number): number {
  return Math.floor((2 * numerator + denominator) / (2 * denominator));
}

/** 92.5, 90, 87.67: a score as read aloud. */
export function formatScore(hundredths: number): string {
  const whole = Math.floor(hundredths / 100);
  const fraction = hundredths % 100;
  if (fraction === 0) return String(whole);
  return fraction % 10 === 0 ? `${whole}.${fraction / 10}` : `${whole}.${String(fraction).padStart(2, '0')}`;
}

/** Always two decimals: the final score as stated (rounded to 2 decimals). */
export function formatFinal(hundredths: number): string {
  return `${Math.floor(hundredths / 100)}.${String(hundredths % 100).padStart(2, '0')}`;
}

/** Points with two decimals for tables and reports; a dash when there is no value. */
export function formatPoints(hundredths: number | null | undefined): string {
  return hundredths === null || hundredths === undefined ? '—' : formatFinal(hundredths);
}

/** A rate in hundredths of a percent (8500 = 85.00%); a dash when there is no value. */
export function formatPercent(hundredths: number | null | undefined): string {
  return hundredths === null || hundredths === undefined ? '—' : `${formatFinal(hundredths)}%`;
}

const CHINESE_COUNT = ['零', '一', '两', '三'];

interface Value {
  seat: number;
  value: number;
}

interface Trimmed {
  kept: Value[];
  high: Value[];
  low: Value[];
  mean: number;
  /** 'trimmed' | 'closest-two' | 'mean': which rule applied. */
  rule: 'trimmed' | 'closest-two' | 'mean';
}

/** One list of values by the panel rules: trimmed mean, 3 judges the closest two, else the mean. */
function trimmedMean(values: readonly Value[], perSide: number, fromJudges: number): Trimmed {
  // Sort by value, then seat, so ties are settled the same way everywhere.
  const sorted = [...values].sort((a, b) => a.value - b.value || a.seat - b.seat);
  const mean = (list: Value[]) =>
    roundDiv(
      list.reduce((sum, v) => sum + v.value, 0),
      list.length,
    );
  if (perSide > 0 && sorted.length >= fromJudges && sorted.length > 2 * perSide) {
    const low = sorted.slice(0, perSide);
    // Among equal highest values the lowest seat number is dropped.
    const rest = sorted.slice(perSide);
    const high = [...rest].sort((a, b) => b.value - a.value || a.seat - b.seat).slice(0, perSide);
    const kept = rest.filter((v) => !high.includes(v));
    return { kept, high, low, mean: mean(kept), rule: 'trimmed' };
  }
  if (perSide > 0 && sorted.length === 3) {
    const [a, b, c] = sorted as [Value, Value, Value];
    const lowGap = b.value - a.value;
    const highGap = c.value - b.value;
    // Equal gaps: the three are evenly spread and their mean is the middle value.
    const kept = lowGap < highGap ? [a, b] : highGap < lowGap ? [b, c] : [a, b, c];
    return {
      kept,
      high: kept.includes(c) ? [] : [c],
      low: kept.includes(a) ? [] : [a],
      mean: mean(kept),
      rule: 'closest-two',
    };
  }
  return { kept: sorted, high: [], low: [], mean: mean(sorted), rule: 'mean' };
}

export interface JudgesAggregate {
  /** Seats whose scores count (after any trimming of totals). */
  counted: number[];
  /** Seats dropped as highest and as lowest (on totals; per criterion, see `criteria`). */
  droppedHigh: number[];
  droppedLow: number[];
  /** Seats that did not score and were given the others' average (rules.missing). */
  filled: number[];
  /** Per criterion when the rules trim per criterion: each criterion's mean and its dropped seats. */
  criteria: { name: string; meanHundredths: number; droppedHigh: number[]; droppedLow: number[] }[];
  /** How the result was reached, in words. */
  method: string;
  finalHundredths: number;
  /** 去掉一个最高分 X，去掉一个最低分 Y，最后得分 Z (or the wording of the rule that applied). */
  announcement: string;
}

export type JudgesOutcome = { ok: true; aggregate: JudgesAggregate } | { ok: false; reason: string };

const itemsOf = (score: SeatScore) => score.items ?? [score.hundredths];

/**
 * The judges' score of a round under the declared rules. `expectedSeats` are the seats that should
 * score (not recused); with `missing: 'othersAverage'` each missing one gets the others' average.
 */
export function judgesOutcome(
  scores: readonly SeatScore[],
  rules: ScoringRules,
  expectedSeats: readonly number[] = [],
): JudgesOutcome {
  if (scores.length < rules.minJudges) {
    return { ok: false, reason: `评委人数不足：${scores.length} 人评分，规则要求至少 ${rules.minJudges} 人` };
  }
  const criteriaCount = rules.criteria.length;
  const filled: number[] = [];
  let all = [...scores];
  if (rules.missing === 'othersAverage') {
    const missing = expectedSeats.filter((seat) => !scores.some((s) => s.seat === seat));
    const averages = Array.from({ length: criteriaCount }, (_, i) =>
      roundDiv(
        scores.reduce((sum, s) => sum + (itemsOf(s)[i] ?? 0), 0),
        scores.length,
      ),
    );
    for (const seat of missing) {
      filled.push(seat);
      all.push({ seat, hundredths: averages.reduce((a, b) => a + b, 0), items: averages });
    }
    all = all.sort((a, b) => a.seat - b.seat);
  }
  const { perSide, fromJudges, on } = rules.trim;
  const count = CHINESE_COUNT[perSide] ?? String(perSide);
  const filledNote = filled.length > 0 ? `（${filled.join('、')} 号席未评分，按其他评委平均计）` : '';
  if (on === 'criteria' && criteriaCount > 1) {
    const perCriterion = rules.criteria.map((criterion, i) => {
      const trimmed = trimmedMean(
        all.map((s) => ({ seat: s.seat, value: itemsOf(s)[i] ?? 0 })),
        perSide,
        fromJudges,
      );
      return {
        name: criterion.name,
        meanHundredths: trimmed.mean,
        droppedHigh: trimmed.high.map((v) => v.seat),
        droppedLow: trimmed.low.map((v) => v.seat),
        rule: trimmed.rule,
      };
    });
    const finalHundredths = perCriterion.reduce((sum, c) => sum + c.meanHundredths, 0);
    const trimmedAll = perCriterion.every((c) => c.rule === 'trimmed');
    return {
      ok: true,
      aggregate: {
        counted: all.map((s) => s.seat),
        droppedHigh: [],
        droppedLow: [],
        filled,
        criteria: perCriterion.map(({ rule: _rule, ...c }) => c),
        method: trimmedAll
          ? `各评分项分别去掉最高分和最低分各 ${perSide} 个后取平均，再相加`
          : '各评分项分别取平均，再相加',
        finalHundredths,
        announcement: `${trimmedAll ? `各评分项分别去掉${count}个最高分、${count}个最低分，` : ''}${perCriterion
          .map((c) => `${c.name} ${formatFinal(c.meanHundredths)}`)
          .join('，')}，最后得分 ${formatFinal(finalHundredths)}${filledNote}`,
      },
    };
  }
  const trimmed = trimmedMean(
    all.map((s) => ({ seat: s.seat, value: s.hundredths })),
    perSide,
    fromJudges,
  );
  const finalHundredths = trimmed.mean;
  const list = (values: Value[]) => values.map((v) => formatScore(v.value)).join('、');
  const base = {
    counted: trimmed.kept.map((v) => v.seat).sort((a, b) => a - b),
    droppedHigh: trimmed.high.map((v) => v.seat),
    droppedLow: trimmed.low.map((v) => v.seat),
    filled,
    criteria: [],
    finalHundredths,
  };
  if (trimmed.rule === 'trimmed') {
    return {
      ok: true,
      aggregate: {
        ...base,
        method: `去掉最高分和最低分各 ${perSide} 个后取平均`,
        announcement: `去掉${count}个最高分 ${list(trimmed.high)}，去掉${count}个最低分 ${list(trimmed.low)}，最后得分 ${formatFinal(finalHundredths)}${filledNote}`,
      },
    };
  }
  if (trimmed.rule === 'closest-two') {
    return {
      ok: true,
      aggregate: {
        ...base,
        method: '三位评委：取最接近的两个分数的平均',
        announcement: `取最接近的两个分数平均，最后得分 ${formatFinal(finalHundredths)}${filledNote}`,
      },
    };
  }
  return {
    ok: true,
    aggregate: {
      ...base,
      method: '取全部评委分数的平均',
      announcement: `${all.length} 位评委平均，最后得分 ${formatFinal(finalHundredths)}${filledNote}`,
    },
  };
}

/** The judges' aggregate, or null when there is none (no scores, or fewer than the rules require). */
export function aggregateJudges(
  scores: readonly SeatScore[],
  rules: ScoringRules,
  expectedSeats: readonly number[] = [],
): JudgesAggregate | null {
  if (scores.length === 0) return null;
  const outcome = judgesOutcome(scores, rules, expectedSeats);
  return outcome.ok ? outcome.aggregate : null;
}

/** Scores far from the panel's median (by the declared distance): flagged to the supervisor only. */
export function outliers(scores: readonly SeatScore[], rules: ScoringRules): number[] {
  if (scores.length < 3 || rules.outlierHundredths === 0) return [];
  const sorted = scores.map((s) => s.hundredths).sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median =
    sorted.length % 2 ? (sorted[mid] as number) : roundDiv((sorted[mid - 1] as number) + (sorted[mid] as number), 2);
  return scores.filter((s) => Math.abs(s.hundredths - median) > rules.outlierHundredths).map((s) => s.seat);
}

/** Answers counted as satisfied in the satisfaction rate. */
export const SATISFIED_ANSWERS = ['满意', '基本满意'];

export interface HouseholdAnswer {
  /** 属实 / 不符 / 未联系上, or null while pending. */
  outcome: string | null;
  satisfaction: string | null;
  /** Replaced households are not part of the sample. */
  replaced: boolean;
}

export interface SatisfactionSummary {
  /** Households in the sample (replaced ones excluded). */
  sampled: number;
  /** Reached on the phone. */
  reached: number;
  /** Answers that count (不了解 does not). */
  counted: number;
  satisfied: number;
  /** Work confirmed (属实) among those reached. */
  confirmed: number;
  /** satisfied / counted, in hundredths of a percent; null when nothing counts. */
  satisfactionRateHundredths: number | null;
  /** reached / sampled, in hundredths of a percent. */
  responseRateHundredths: number | null;
  /** Mean points of the counted answers, in hundredths; null when nothing counts. */
  scoreHundredths: number | null;
}

export function householdSatisfaction(answers: readonly HouseholdAnswer[], rules: ScoringRules): SatisfactionSummary {
  const sample = answers.filter((a) => !a.replaced && a.outcome !== null);
  const reached = sample.filter((a) => a.outcome !== '未联系上');
  const points = rules.satisfactionPoints as Record<string, number>;
  const counted = reached.filter((a) => a.satisfaction !== null && a.satisfaction in points);
  const satisfied = counted.filter((a) => SATISFIED_ANSWERS.includes(a.satisfaction as string)).length;
  const total = counted.reduce((sum, a) => sum + (points[a.satisfaction as string] as number), 0);
  return {
    sampled: sample.length,
    reached: reached.length,
    counted: counted.length,
    satisfied,
    confirmed: reached.filter((a) => a.outcome === '属实').length,
    satisfactionRateHundredths: counted.length > 0 ? roundDiv(satisfied * 10_000, counted.length) : null,
    responseRateHundredths: sample.length > 0 ? roundDiv(reached.length * 10_000, sample.length) : null,
    scoreHundredths: counted.length > 0 ? roundDiv(total * 100, counted.length) : null,
  };
}

export interface RoundScore {
  judges: JudgesAggregate | null;
  households: SatisfactionSummary;
  /** Weighted combination; with only one part available, that part alone. */
  combinedHundredths: number | null;
  tier: string | null;
}

export function tierOf(hundredths: number, rules: ScoringRules): string {
  return rules.tiers.find((t) => hundredths >= t.minHundredths)?.label ?? (rules.tiers.at(-1)?.label as string);
}

export function scoreRound(
  judgeScores: readonly SeatScore[],
  answers: readonly HouseholdAnswer[],
  rules: ScoringRules,
  expectedSeats: readonly number[] = [],
): RoundScore {
  const judges = aggregateJudges(judgeScores, rules, expectedSeats);
  const households = householdSatisfaction(answers, rules);
  let combined: number | null = null;
  if (judges && households.scoreHundredths !== null) {
    combined = roundDiv(
      judges.finalHundredths * rules.weights.judges + households.scoreHundredths * rules.weights.households,
      100,
    );
  } else if (judges) combined = judges.finalHundredths;
  else if (households.scoreHundredths !== null) combined = households.scoreHundredths;
  return { judges, households, combinedHundredths: combined, tier: combined === null ? null : tierOf(combined, rules) };
}
