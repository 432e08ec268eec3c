/**
 * Scoring as pure integer arithmetic in hundredths (92.35 is 9235): judges' aggregation, the
 * households' satisfaction, the combined round score and its tier, and the sentences read on
 * air. The same numbers feed the announcement, the overlay and the record, and every number
 * that enters the combined score is part of the result, so anyone can redo the sum.
 */

import { SCORED_ANSWERS, type ScoringRules } from '../protocol/scoring';
import { formatFinal, roundDiv } from './format';
import { judgesOutcome, type JudgesAggregate, type SeatScore } from './judges';
export { DEFAULT_SCORING_RULES, type ScoringRules } from '../protocol/scoring';
export { formatFinal, formatPercent, formatPoints, formatScore, roundDiv } from './format';
export {
  aggregateJudges,
  judgesOutcome,
  outliers,
  type CriterionResult,
  type JudgesAggregate,
  type JudgesOutcome,
  type SeatScore,
} from './judges';

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
  /** Reached but not counted: 不了解, or no answer given. */
  uncounted: number;
  /** Each answer that earns points, in the form's order: how many gave it and its points (plan's rule). */
  answers: { answer: (typeof SCORED_ANSWERS)[number]; count: number; points: number }[];
  /** The points of the counted answers added up (whole points): scoreHundredths = pointsTotal / counted. */
  pointsTotal: number;
  /** satisfied / counted, in hundredths of a percent; null when nothing counts. */
  satisfactionRateHundredths: number | null;
  /** reached / sampled, in hundredths of a percent. */
  responseRateHundredths: number | null;
  /** Mean points of the counted answers, in hundredths; null when nothing counts. */
  scoreHundredths: number | null;
  /** (满意 2 户×100 + 基本满意 1 户×75 + 不满意 0 户×55) ÷ 3 户 = 91.67; null when nothing counts. */
  formula: string | null;
}

export function householdSatisfaction(answers: readonly HouseholdAnswer[], rules: ScoringRules): SatisfactionSummary {
  const sample = answers.filter((a) => !a.replaced && a.outcome !== null);
  const reached = sample.filter((a) => a.outcome !== '未联系上');
  const byAnswer = SCORED_ANSWERS.map((answer) => ({
    answer,
    count: reached.filter((a) => a.satisfaction === answer).length,
    points: rules.satisfactionPoints[answer],
  }));
  const counted = byAnswer.reduce((sum, a) => sum + a.count, 0);
  const satisfied = byAnswer.filter((a) => SATISFIED_ANSWERS.includes(a.answer)).reduce((sum, a) => sum + a.count, 0);
  const total = byAnswer.reduce((sum, a) => sum + a.count * a.points, 0);
  const scoreHundredths = counted > 0 ? roundDiv(total * 100, counted) : null;
  return {
    sampled: sample.length,
    reached: reached.length,
    counted,
    satisfied,
    confirmed: reached.filter((a) => a.outcome === '属实').length,
    uncounted: reached.length - counted,
    answers: byAnswer,
    pointsTotal: total,
    satisfactionRateHundredths: counted > 0 ? roundDiv(satisfied * 10_000, counted) : null,
    responseRateHundredths: sample.length > 0 ? roundDiv(reached.length * 10_000, sample.length) : null,
    scoreHundredths,
    formula:
      scoreHundredths === null
        ? null
        : `(${byAnswer.map((a) => `${a.answer} ${a.count} 户×${a.points}`).join(' + ')}) ÷ ${counted} 户 = ${formatFinal(scoreHundredths)}`,
  };
}

/** How the combined score was reached from its two parts. */
export interface Combination {
  /** The weights applied, in percent: the plan's, or 100 for the only part there is. */
  judgesWeight: number;
  householdsWeight: number;
  /** 88.75 × 60% + 76.67 × 40% = 83.92, or the one part taken alone. */
  formula: string;
}

export interface RoundScore {
  judges: JudgesAggregate | null;
  /** Why there is no judges' score although judges scored (评委人数不足…); null otherwise. */
  judgesShortfall: string | null;
  households: SatisfactionSummary;
  /** Weighted combination, rounded half up to hundredths once; with only one part available, that part alone. */
  combinedHundredths: number | null;
  combination: Combination | null;
  tier: string | null;
}

export function tierOf(hundredths: number, rules: ScoringRules): string {
  return rules.tiers.find((t) => hundredths >= t.minHundredths)?.label ?? (rules.tiers.at(-1)?.label as string);
}

function combine(judges: number | null, households: number | null, rules: ScoringRules) {
  const { judges: wj, households: wh } = rules.weights;
  if (judges !== null && households !== null) {
    const combined = roundDiv(judges * wj + households * wh, 100);
    return {
      combined,
      combination: {
        judgesWeight: wj,
        householdsWeight: wh,
        formula: `${formatFinal(judges)} × ${wj}% + ${formatFinal(households)} × ${wh}% = ${formatFinal(combined)}`,
      },
    };
  }
  if (judges !== null) {
    const formula = `无群众评价得分，取评委得分 ${formatFinal(judges)}`;
    return { combined: judges, combination: { judgesWeight: 100, householdsWeight: 0, formula } };
  }
  if (households !== null) {
    const formula = `无评委得分，取群众评价得分 ${formatFinal(households)}`;
    return { combined: households, combination: { judgesWeight: 0, householdsWeight: 100, formula } };
  }
  return { combined: null, combination: null };
}

export function scoreRound(
  judgeScores: readonly SeatScore[],
  answers: readonly HouseholdAnswer[],
  rules: ScoringRules,
  expectedSeats: readonly number[] = [],
): RoundScore {
  const outcome = judgeScores.length === 0 ? null : judgesOutcome(judgeScores, rules, expectedSeats);
  const judges = outcome?.ok ? outcome.aggregate : null;
  const households = householdSatisfaction(answers, rules);
  const { combined, combination } = combine(judges?.finalHundredths ?? null, households.scoreHundredths, rules);
  return {
    judges,
    judgesShortfall: outcome && !outcome.ok ? outcome.reason : null,
    households,
    combinedHundredths: combined,
    combination,
    tier: combined === null ? null : tierOf(combined, rules),
  };
}
