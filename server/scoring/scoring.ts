/**
 * Scoring as pure integer arithmetic in hundredths (92.35 is 9235): judges' aggregation, the
 * households' satisfaction, the combined round score and its tier, and the announcement read on
 * air. The same numbers feed the announcement, the overlay and the record, so anyone can
 * recompute them from the published scores.
 */

export interface ScoringRules {
  /** How many highest and how many lowest scores are dropped once the panel is large enough. */
  trimEachSide: number;
  /** Smallest panel that is trimmed; smaller panels use the small-panel rules (2: mean; 3: mean of the closest two). */
  trimFromJudges: number;
  /** Points per satisfaction answer; answers not listed (不了解) are not counted. */
  satisfactionPoints: Record<string, number>;
  /** Answers counted as satisfied for the satisfaction rate. */
  satisfiedAnswers: string[];
  /** Weights of the judges' score and the households' score, in percent, summing to 100. */
  weights: { judges: number; households: number };
  /** Tiers from the best down: the first whose minimum the combined score reaches (in hundredths). */
  tiers: { label: string; minHundredths: number }[];
}

export const DEFAULT_SCORING_RULES: ScoringRules = {
  trimEachSide: 1,
  trimFromJudges: 4,
  satisfactionPoints: { 满意: 100, 基本满意: 75, 不满意: 55 },
  satisfiedAnswers: ['满意', '基本满意'],
  weights: { judges: 60, households: 40 },
  tiers: [
    { label: '优秀', minHundredths: 9000 },
    { label: '良好', minHundredths: 8000 },
    { label: '合格', minHundredths: 6000 },
    { label: '不合格', minHundredths: 0 },
  ],
};

export interface SeatScore {
  seat: number;
  hundredths: number;
}

export interface JudgesAggregate {
  /** Seats whose scores were averaged. */
  counted: number[];
  /** Seats dropped as highest and as lowest (a tie drops one copy: the lowest seat number). */
  droppedHigh: number[];
  droppedLow: number[];
  /** How the result was reached, in words. */
  method: string;
  finalHundredths: number;
  /** 去掉一个最高分 X，去掉一个最低分 Y，最后得分 Z (or the plain wording when nothing was dropped). */
  announcement: string;
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

const CHINESE_COUNT = ['零', '一', '两', '三', '四', '五'];

export function aggregateJudges(scores: readonly SeatScore[], rules: ScoringRules): JudgesAggregate | null {
  if (scores.length === 0) return null;
  // Sort by value, then seat, so ties are settled the same way everywhere.
  const sorted = [...scores].sort((a, b) => a.hundredths - b.hundredths || a.seat - b.seat);
  const mean = (list: SeatScore[]) =>
    roundDiv(
      list.reduce((sum, s) => sum + s.hundredths, 0),
      list.length,
    );
  if (sorted.length >= rules.trimFromJudges && sorted.length > 2 * rules.trimEachSide) {
    const k = rules.trimEachSide;
    const low = sorted.slice(0, k);
    // Among equal highest scores the lowest seat number is dropped: take the top k by value, seat ascending.
    const rest = sorted.slice(k);
    const byHighThenSeat = [...rest].sort((a, b) => b.hundredths - a.hundredths || a.seat - b.seat);
    const high = byHighThenSeat.slice(0, k);
    const kept = rest.filter((s) => !high.includes(s));
    const finalHundredths = mean(kept);
    const count = CHINESE_COUNT[k] ?? String(k);
    const highText = high.map((s) => formatScore(s.hundredths)).join('、');
    const lowText = low.map((s) => formatScore(s.hundredths)).join('、');
    return {
      counted: kept.map((s) => s.seat).sort((a, b) => a - b),
      droppedHigh: high.map((s) => s.seat),
      droppedLow: low.map((s) => s.seat),
      method: `去掉最高分和最低分各 ${k} 个后取平均`,
      finalHundredths,
      announcement: `去掉${count}个最高分 ${highText}，去掉${count}个最低分 ${lowText}，最后得分 ${formatFinal(finalHundredths)}`,
    };
  }
  if (sorted.length === 3) {
    const [a, b, c] = sorted as [SeatScore, SeatScore, SeatScore];
    const lowGap = b.hundredths - a.hundredths;
    const highGap = c.hundredths - b.hundredths;
    // Equal gaps: the three are evenly spread and their mean is the middle score.
    const kept = lowGap < highGap ? [a, b] : highGap < lowGap ? [b, c] : [a, b, c];
    const finalHundredths = mean(kept);
    return {
      counted: kept.map((s) => s.seat).sort((x, y) => x - y),
      droppedHigh: kept.includes(c) ? [] : [c.seat],
      droppedLow: kept.includes(a) ? [] : [a.seat],
      method: '三位评委：取最接近的两个分数的平均',
      finalHundredths,
      announcement: `取最接近的两个分数平均，最后得分 ${formatFinal(finalHundredths)}`,
    };
  }
  const finalHundredths = mean(sorted);
  return {
    counted: sorted.map((s) => s.seat).sort((a, b) => a - b),
    droppedHigh: [],
    droppedLow: [],
    method: '取全部评委分数的平均',
    finalHundredths,
    announcement: `${sorted.length} 位评委平均，最后得分 ${formatFinal(finalHundredths)}`,
  };
}

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
  const counted = reached.filter((a) => a.satisfaction !== null && a.satisfaction in rules.satisfactionPoints);
  const satisfied = counted.filter((a) => rules.satisfiedAnswers.includes(a.satisfaction as string)).length;
  const points = counted.reduce((sum, a) => sum + (rules.satisfactionPoints[a.satisfaction as string] as number), 0);
  return {
    sampled: sample.length,
    reached: reached.length,
    counted: counted.length,
    satisfied,
    confirmed: reached.filter((a) => a.outcome === '属实').length,
    satisfactionRateHundredths: counted.length > 0 ? roundDiv(satisfied * 10_000, counted.length) : null,
    responseRateHundredths: sample.length > 0 ? roundDiv(reached.length * 10_000, sample.length) : null,
    scoreHundredths: counted.length > 0 ? roundDiv(points * 100, counted.length) : null,
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
): RoundScore {
  const judges = aggregateJudges(judgeScores, rules);
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
