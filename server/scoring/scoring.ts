/**
 * Scoring as pure integer arithmetic in hundredths (92.35 is 9235): judges' aggregation, the
 * households' satisfaction, the combined round score and its tier, and the sentences read on
 * air. The same numbers feed the announcement, the overlay and the record, and every number
 * that enters the combined score is part of the result, so anyone can redo the sum.
 */

import { SCORED_ANSWERS, type ScoringRules } from '../protocol/scoring';
import type { HouseholdScoreRule, Questionnaire } from '../protocol/programs';
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
  /** The chosen option's index per question of the plan's questionnaire, in order; null or absent: none. */
  answers?: readonly number[] | null;
}

/** The plan's questionnaire and household-score rule (planQuestionnaire gives the built-in ones). */
export interface HouseholdScoring {
  questionnaire: Questionnaire;
  householdScoreRule: HouseholdScoreRule;
}

/** The built-in behaviour: no questionnaire, the satisfaction answer's points alone. */
export const SATISFACTION_ONLY: HouseholdScoring = {
  questionnaire: { questions: [] },
  householdScoreRule: 'satisfaction',
};

/** The questionnaire rule's figures of a round's households (present only under that rule). */
export interface QuestionnaireSummary {
  /** The most one household can earn: each question's best option plus the best satisfaction answer. */
  possiblePoints: number;
  /** The points the counted households earned: their options' and their satisfaction answers' points. */
  earnedTotal: number;
  /** How many counted households chose each option, question by question. */
  questions: { options: { count: number; points: number }[] }[];
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
  /**
   * Under the questionnaire rule only (so results under the satisfaction rule are as before):
   * scoreHundredths = earnedTotal × 10000 ÷ (counted × possiblePoints), rounded half up.
   */
  questionnaire?: QuestionnaireSummary;
}

/** The most points one household can earn under the questionnaire rule. */
export function possibleHouseholdPoints(questionnaire: Questionnaire, rules: ScoringRules): number {
  const best = (points: number[]) => points.reduce((a, b) => Math.max(a, b), 0);
  return (
    questionnaire.questions.reduce((sum, q) => sum + best(q.options.map((o) => o.points)), 0) +
    best(SCORED_ANSWERS.map((a) => rules.satisfactionPoints[a]))
  );
}

/** A household's answers as option points, or null when they do not fit the questionnaire. */
function answerPoints(answers: readonly number[] | null | undefined, questionnaire: Questionnaire): number[] | null {
  if (!answers || answers.length !== questionnaire.questions.length) return null;
  const points = answers.map((choice, i) => questionnaire.questions[i]?.options[choice]?.points);
  return points.every((p) => p !== undefined) ? (points as number[]) : null;
}

/**
 * One household's points under the questionnaire rule, or null when it does not count (not
 * recorded, replaced, not reached, 不了解, or answers that do not fit the questionnaire).
 */
export function householdPoints(
  answer: HouseholdAnswer,
  rules: ScoringRules,
  scoring: HouseholdScoring,
): number | null {
  if (answer.replaced || answer.outcome === null || answer.outcome === '未联系上') return null;
  const scored = SCORED_ANSWERS.find((a) => a === answer.satisfaction);
  if (scored === undefined) return null;
  const options = answerPoints(answer.answers, scoring.questionnaire);
  if (options === null) return null;
  return options.reduce((sum, p) => sum + p, 0) + rules.satisfactionPoints[scored];
}

/**
 * One household's own score in hundredths (shown beside it on the desk, the record and exports),
 * or null when it does not count. Satisfaction rule: the satisfaction answer's points × 100.
 * Questionnaire rule: its points × 10000 ÷ the possible points, rounded half up.
 */
export function householdScoreHundredths(
  answer: HouseholdAnswer,
  rules: ScoringRules,
  scoring: HouseholdScoring,
): number | null {
  if (scoring.householdScoreRule === 'satisfaction') {
    if (answer.replaced || answer.outcome === null || answer.outcome === '未联系上') return null;
    const scored = SCORED_ANSWERS.find((a) => a === answer.satisfaction);
    return scored === undefined ? null : rules.satisfactionPoints[scored] * 100;
  }
  const points = householdPoints(answer, rules, scoring);
  const possible = possibleHouseholdPoints(scoring.questionnaire, rules);
  return points === null || possible === 0 ? null : roundDiv(points * 10_000, possible);
}

export function householdSatisfaction(
  answers: readonly HouseholdAnswer[],
  rules: ScoringRules,
  scoring: HouseholdScoring = SATISFACTION_ONLY,
): SatisfactionSummary {
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
  const base = {
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
  };
  if (scoring.householdScoreRule === 'questionnaire') return questionnaireSummary(base, reached, rules, scoring);
  const scoreHundredths = counted > 0 ? roundDiv(total * 100, counted) : null;
  return {
    ...base,
    scoreHundredths,
    formula:
      scoreHundredths === null
        ? null
        : `(${byAnswer.map((a) => `${a.answer} ${a.count} 户×${a.points}`).join(' + ')}) ÷ ${counted} 户 = ${formatFinal(scoreHundredths)}`,
  };
}

/**
 * The questionnaire rule: the households that count are those reached whose satisfaction answer
 * earns points and whose answers fit the questionnaire; the households' score is the points they
 * earned as a percentage of what they could have earned, one rounding, half up, in hundredths.
 */
function questionnaireSummary(
  base: Omit<SatisfactionSummary, 'scoreHundredths' | 'formula' | 'questionnaire'>,
  reached: readonly HouseholdAnswer[],
  rules: ScoringRules,
  scoring: HouseholdScoring,
): SatisfactionSummary {
  const counting = reached.filter((a) => householdPoints(a, rules, scoring) !== null);
  const possiblePoints = possibleHouseholdPoints(scoring.questionnaire, rules);
  const earnedTotal = counting.reduce((sum, a) => sum + (householdPoints(a, rules, scoring) ?? 0), 0);
  const questions = scoring.questionnaire.questions.map((q, i) => ({
    options: q.options.map((o, choice) => ({
      count: counting.filter((a) => a.answers?.[i] === choice).length,
      points: o.points,
    })),
  }));
  const counted = counting.length;
  const satisfied = counting.filter((a) => SATISFIED_ANSWERS.includes(a.satisfaction ?? '')).length;
  const scoreHundredths =
    counted > 0 && possiblePoints > 0 ? roundDiv(earnedTotal * 10_000, counted * possiblePoints) : null;
  return {
    ...base,
    counted,
    satisfied,
    uncounted: base.reached - counted,
    satisfactionRateHundredths: counted > 0 ? roundDiv(satisfied * 10_000, counted) : null,
    scoreHundredths,
    formula:
      scoreHundredths === null
        ? null
        : `${earnedTotal} 分 ÷ (${counted} 户 × 满分 ${possiblePoints} 分) × 100 = ${formatFinal(scoreHundredths)}`,
    questionnaire: { possiblePoints, earnedTotal, questions },
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
  scoring: HouseholdScoring = SATISFACTION_ONLY,
): RoundScore {
  const outcome = judgeScores.length === 0 ? null : judgesOutcome(judgeScores, rules, expectedSeats);
  const judges = outcome?.ok ? outcome.aggregate : null;
  const households = householdSatisfaction(answers, rules, scoring);
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
