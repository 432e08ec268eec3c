/**
 * The judges' score of a round and the sentence read on air, in hundredths. Every branch of the
 * panel rules has its own wording, so what is announced is always what was computed: trimmed,
 * three judges' closest two, three evenly spread scores, or the plain mean.
 */

import type { JudgesRule, ScoringRules } from '../protocol/scoring';
import { formatFinal, formatScore, roundDiv } from './format';

export interface SeatScore {
  seat: number;
  /** The seat's total, in hundredths (the sum of its items). */
  hundredths: number;
  /** Per criterion, in the rules' order, in hundredths (a single overall score: one item). */
  items?: number[];
}

const CHINESE_COUNT = ['零', '一', '两', '三'];

interface Value {
  seat: number;
  value: number;
}

interface Trimmed {
  /** Sorted by value, then seat. */
  sorted: Value[];
  kept: Value[];
  high: Value[];
  low: Value[];
  mean: number;
  rule: JudgesRule;
}

const meanOf = (list: readonly Value[]) =>
  roundDiv(
    list.reduce((sum, v) => sum + v.value, 0),
    list.length,
  );

/** One list of values by the panel rules: trimmed mean, 3 judges the closest two, else the mean. */
function trimmedMean(values: readonly Value[], perSide: number, fromJudges: number): Trimmed {
  // Sort by value, then seat, so ties are settled the same way everywhere.
  const sorted = [...values].sort((a, b) => a.value - b.value || a.seat - b.seat);
  if (perSide > 0 && sorted.length >= fromJudges && sorted.length > 2 * perSide) {
    const low = sorted.slice(0, perSide);
    // Among equal highest values the lowest seat number is dropped.
    const rest = sorted.slice(perSide);
    const high = [...rest].sort((a, b) => b.value - a.value || a.seat - b.seat).slice(0, perSide);
    const kept = rest.filter((v) => !high.includes(v));
    return { sorted, kept, high, low, mean: meanOf(kept), rule: 'trimmed' };
  }
  if (perSide > 0 && sorted.length === 3) {
    const [a, b, c] = sorted as [Value, Value, Value];
    const lowGap = b.value - a.value;
    const highGap = c.value - b.value;
    // Equal gaps: no score is closer to the middle than the other, so none is dropped. The mean of
    // three evenly spread scores is exactly the middle one (a + b + c = 3b), so nothing is rounded.
    if (lowGap === highGap) return { sorted, kept: sorted, high: [], low: [], mean: b.value, rule: 'evenGaps' };
    const kept = lowGap < highGap ? [a, b] : [b, c];
    return {
      sorted,
      kept,
      high: lowGap < highGap ? [c] : [],
      low: lowGap < highGap ? [] : [a],
      mean: meanOf(kept),
      rule: 'closestTwo',
    };
  }
  return { sorted, kept: sorted, high: [], low: [], mean: meanOf(sorted), rule: 'mean' };
}

export interface CriterionResult {
  name: string;
  meanHundredths: number;
  droppedHigh: number[];
  droppedLow: number[];
  rule: JudgesRule;
}

export interface JudgesAggregate {
  /** Seats whose scores count (after any trimming of totals). */
  counted: number[];
  /** Seats dropped as highest and as lowest (on totals; per criterion, see `criteria`). */
  droppedHigh: number[];
  droppedLow: number[];
  /** Seats that did not score and were given the others' average (rules.missing). */
  filled: number[];
  /** Seats that should have scored, did not, and were left out (rules.missing 'exclude'). */
  excluded: number[];
  /** Per criterion when the rules trim per criterion: each criterion's mean and its dropped seats. */
  criteria: CriterionResult[];
  /** Which rule applied (per criterion: trimmed or mean when all agree, else closestTwo/evenGaps). */
  rule: JudgesRule;
  /** How the result was reached, in words. */
  method: string;
  finalHundredths: number;
  /** 去掉一个最高分 X，去掉一个最低分 Y，最后得分 Z (or the wording of the rule that applied). */
  announcement: string;
}

export type JudgesOutcome = { ok: true; aggregate: JudgesAggregate } | { ok: false; reason: string };

const itemsOf = (score: SeatScore) => score.items ?? [score.hundredths];
const list = (values: readonly Value[]) => values.map((v) => formatScore(v.value)).join('、');

/** Why a panel was not trimmed, said after "N 位评委平均". */
function untrimmedWhy(rules: ScoringRules): string {
  return rules.trim.perSide > 0 ? `（不足 ${rules.trim.fromJudges} 位，不去分）` : '';
}

/** The sentence for one list of totals, by the rule that applied. */
function totalsAnnouncement(t: Trimmed, rules: ScoringRules, final: string): string {
  const count = CHINESE_COUNT[rules.trim.perSide] ?? String(rules.trim.perSide);
  switch (t.rule) {
    case 'trimmed':
      return `去掉${count}个最高分 ${list(t.high)}，去掉${count}个最低分 ${list(t.low)}，最后得分 ${final}`;
    case 'closestTwo':
      return `取最接近的两个分数 ${list(t.kept)} 平均（${list([...t.high, ...t.low])} 相差最远，不计入），最后得分 ${final}`;
    case 'evenGaps': {
      const [a, b, c] = t.sorted as [Value, Value, Value];
      if (a.value === c.value) return `三个分数均为 ${formatScore(b.value)}，最后得分 ${final}`;
      return `三个分数 ${list(t.sorted)} 间距相等（各差 ${formatScore(b.value - a.value)}），取中间分数 ${formatScore(b.value)}，最后得分 ${final}`;
    }
    case 'mean':
      return t.sorted.length === 1
        ? `1 位评委评分 ${list(t.sorted)}，最后得分 ${final}`
        : `${t.sorted.length} 位评委平均${untrimmedWhy(rules)}，最后得分 ${final}`;
  }
}

/** The rule of a per-criterion result: one word for the sentence, though 3 judges may differ by criterion. */
function criteriaRule(rules: readonly JudgesRule[]): JudgesRule {
  if (rules.every((r) => r === 'trimmed')) return 'trimmed';
  if (rules.every((r) => r === 'mean')) return 'mean';
  return rules.every((r) => r === 'evenGaps') ? 'evenGaps' : 'closestTwo';
}

function criteriaWording(rule: JudgesRule, judges: number, rules: ScoringRules): { method: string; lead: string } {
  const perSide = rules.trim.perSide;
  const count = CHINESE_COUNT[perSide] ?? String(perSide);
  switch (rule) {
    case 'trimmed':
      return {
        method: `各评分项分别去掉最高分和最低分各 ${perSide} 个后取平均，再相加`,
        lead: `各评分项分别去掉${count}个最高分、${count}个最低分，`,
      };
    case 'closestTwo':
    case 'evenGaps':
      return {
        method: '三位评委：各评分项分别取最接近的两个分数平均（间距相等取中间分数），再相加',
        lead: '各评分项分别取最接近的两个分数平均（间距相等取中间分数），',
      };
    case 'mean':
      return {
        method: '各评分项分别取平均，再相加',
        lead: `各评分项分别取 ${judges} 位评委平均${untrimmedWhy(rules)}，`,
      };
  }
}

const TOTALS_METHOD: Record<JudgesRule, (rules: ScoringRules) => string> = {
  trimmed: (rules) => `去掉最高分和最低分各 ${rules.trim.perSide} 个后取平均`,
  closestTwo: () => '三位评委：取最接近的两个分数的平均',
  evenGaps: () => '三位评委：三个分数间距相等，取中间分数（即三者平均）',
  mean: () => '取全部评委分数的平均',
};

/**
 * The judges' score of a round under the declared rules. `expectedSeats` are the seats that should
 * score (not recused); with `missing: 'othersAverage'` each missing one gets the others' average,
 * with `'exclude'` it is left out; either way the announcement names it.
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
  const missing = expectedSeats.filter((seat) => !scores.some((s) => s.seat === seat)).sort((a, b) => a - b);
  const filled: number[] = [];
  let all = [...scores];
  if (rules.missing === 'othersAverage') {
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
  const excluded = rules.missing === 'exclude' ? missing : [];
  const note =
    filled.length > 0
      ? `（${filled.join('、')} 号席未评分，按其他评委平均计）`
      : excluded.length > 0
        ? `（${excluded.join('、')} 号席未评分，不计入）`
        : '';
  const { perSide, fromJudges, on } = rules.trim;
  if (on === 'criteria' && criteriaCount > 1) {
    const criteria: CriterionResult[] = rules.criteria.map((criterion, i) => {
      const t = trimmedMean(
        all.map((s) => ({ seat: s.seat, value: itemsOf(s)[i] ?? 0 })),
        perSide,
        fromJudges,
      );
      return {
        name: criterion.name,
        meanHundredths: t.mean,
        droppedHigh: t.high.map((v) => v.seat),
        droppedLow: t.low.map((v) => v.seat),
        rule: t.rule,
      };
    });
    const finalHundredths = criteria.reduce((sum, c) => sum + c.meanHundredths, 0);
    const rule = criteriaRule(criteria.map((c) => c.rule));
    const { method, lead } = criteriaWording(rule, all.length, rules);
    const means = criteria.map((c) => `${c.name} ${formatFinal(c.meanHundredths)}`).join('，');
    return {
      ok: true,
      aggregate: {
        counted: all.map((s) => s.seat),
        droppedHigh: [],
        droppedLow: [],
        filled,
        excluded,
        criteria,
        rule,
        method,
        finalHundredths,
        announcement: `${lead}${means}，最后得分 ${formatFinal(finalHundredths)}${note}`,
      },
    };
  }
  const t = trimmedMean(
    all.map((s) => ({ seat: s.seat, value: s.hundredths })),
    perSide,
    fromJudges,
  );
  return {
    ok: true,
    aggregate: {
      counted: t.kept.map((v) => v.seat).sort((a, b) => a - b),
      droppedHigh: t.high.map((v) => v.seat),
      droppedLow: t.low.map((v) => v.seat),
      filled,
      excluded,
      criteria: [],
      rule: t.rule,
      method: TOTALS_METHOD[t.rule](rules),
      finalHundredths: t.mean,
      announcement: `${totalsAnnouncement(t, rules, formatFinal(t.mean))}${note}`,
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
