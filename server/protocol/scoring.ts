import { Type, type Static } from '@sinclair/typebox';
import { literalUnion } from './literal-union';
import type { Satisfaction } from './round';

/** What the trimmed mean drops from: the judges' totals, or each criterion separately. */
export const TRIM_ON = ['totals', 'criteria'] as const;
export const TRIM_ON_LABEL: Record<(typeof TRIM_ON)[number], string> = { totals: '总分', criteria: '各分项分别去分' };

/** A seat that should have scored but did not: left out, or given the others' average. */
export const MISSING_SCORE_RULES = ['exclude', 'othersAverage'] as const;
export const MISSING_SCORE_LABEL: Record<(typeof MISSING_SCORE_RULES)[number], string> = {
  exclude: '不计入',
  othersAverage: '按其他评委平均分计',
};

/** The satisfaction answers that earn points (不了解 never does), in the form's order. */
export const SCORED_ANSWERS = ['满意', '基本满意', '不满意'] as const satisfies readonly Satisfaction[];
export const ScoredAnswerSchema = literalUnion(SCORED_ANSWERS);

/**
 * Which rule gave the judges' score: trimmed (at least `trim.fromJudges` scores), three judges'
 * closest two, three evenly spread scores (both gaps equal: all three count, their mean is the
 * middle score), or the plain mean (no trimming declared, or a panel too small to trim).
 */
export const JUDGES_RULES = ['trimmed', 'closestTwo', 'evenGaps', 'mean'] as const;
export const JudgesRuleSchema = literalUnion(JUDGES_RULES);
export type JudgesRule = (typeof JUDGES_RULES)[number];
export const JUDGES_RULE_LABEL: Record<JudgesRule, string> = {
  trimmed: '去掉最高分和最低分后平均',
  closestTwo: '三位评委：取最接近的两个分数平均',
  evenGaps: '三位评委：三个分数间距相等，取中间分数',
  mean: '全部评委平均',
};

/**
 * The scoring rules, declared in the plan before sealing: part of the plan's hash and of the
 * bundle, so nobody can change how scores count once the show is announced. Integers only (the
 * plan is canonical JSON): points and thresholds in hundredths, weights in percent.
 */
const Label = (maxLength: number) => Type.String({ minLength: 1, maxLength });

export const CriterionSchema = Type.Object(
  {
    name: Label(20),
    /** Full marks of the criterion, in hundredths (40 points = 4000). */
    maxHundredths: Type.Integer({ minimum: 100, maximum: 10_000 }),
    /** The smallest step a judge can give, in hundredths (1 point = 100, half a point = 50). */
    stepHundredths: Type.Integer({ minimum: 1, maximum: 1000 }),
  },
  { additionalProperties: false },
);
export type Criterion = Static<typeof CriterionSchema>;

export const ScoringRulesSchema = Type.Object(
  {
    /** One criterion (总分) for a single overall score, or a rubric whose full marks add up. */
    criteria: Type.Array(CriterionSchema, { minItems: 1, maxItems: 10 }),
    trim: Type.Object(
      {
        /** How many highest and how many lowest are dropped (0 = plain mean). */
        perSide: Type.Integer({ minimum: 0, maximum: 3 }),
        /** Smallest panel that is trimmed; smaller panels: 3 judges the closest two, 2 the mean. */
        fromJudges: Type.Integer({ minimum: 3, maximum: 30 }),
        /** Trim the judges' totals, or each criterion separately and then add up. */
        on: literalUnion(TRIM_ON),
      },
      { additionalProperties: false },
    ),
    /** Fewer scores than this: no judges' score for the round (评委人数不足). */
    minJudges: Type.Integer({ minimum: 1, maximum: 30 }),
    /** A seat that should have scored but did not: left out, or given the others' average. */
    missing: literalUnion(MISSING_SCORE_RULES),
    /** Points per satisfaction answer (不了解 is never counted). */
    satisfactionPoints: Type.Object(
      {
        满意: Type.Integer({ minimum: 0, maximum: 100 }),
        基本满意: Type.Integer({ minimum: 0, maximum: 100 }),
        不满意: Type.Integer({ minimum: 0, maximum: 100 }),
      },
      { additionalProperties: false },
    ),
    /** Weights of the judges' score and the households' score, in percent, adding up to 100. */
    weights: Type.Object(
      {
        judges: Type.Integer({ minimum: 0, maximum: 100 }),
        households: Type.Integer({ minimum: 0, maximum: 100 }),
      },
      { additionalProperties: false },
    ),
    /** From the best down; the first whose minimum (hundredths) the combined score reaches. */
    tiers: Type.Array(
      Type.Object(
        { label: Label(10), minHundredths: Type.Integer({ minimum: 0, maximum: 10_000 }) },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 10 },
    ),
    /** A score this far from the panel's median (hundredths) is flagged to the supervisor only. */
    outlierHundredths: Type.Integer({ minimum: 0, maximum: 10_000 }),
  },
  { additionalProperties: false },
);
export type ScoringRules = Static<typeof ScoringRulesSchema>;

/** The rules a county starts from: one overall score out of 100, the familiar trimmed mean. */
export const DEFAULT_SCORING_RULES: ScoringRules = {
  criteria: [{ name: '总分', maxHundredths: 10_000, stepHundredths: 10 }],
  trim: { perSide: 1, fromJudges: 4, on: 'totals' },
  minJudges: 3,
  missing: 'exclude',
  satisfactionPoints: { 满意: 100, 基本满意: 75, 不满意: 55 },
  weights: { judges: 60, households: 40 },
  tiers: [
    { label: '优秀', minHundredths: 9000 },
    { label: '良好', minHundredths: 8000 },
    { label: '合格', minHundredths: 6000 },
    { label: '不合格', minHundredths: 0 },
  ],
  outlierHundredths: 1000,
};

/** A rubric as counties use it: 工作实绩 40, 群众评价 30, 现场答辩 30. */
export const RUBRIC_EXAMPLE: ScoringRules['criteria'] = [
  { name: '工作实绩', maxHundredths: 4000, stepHundredths: 50 },
  { name: '群众评价', maxHundredths: 3000, stepHundredths: 50 },
  { name: '现场答辩', maxHundredths: 3000, stepHundredths: 50 },
];

/** What is wrong with rules that the schema alone cannot say (Chinese, for the console). */
export function scoringRulesProblems(rules: ScoringRules): string[] {
  const problems: string[] = [];
  if (rules.weights.judges + rules.weights.households !== 100) problems.push('评委与群众权重之和须为 100%');
  const total = rules.criteria.reduce((sum, c) => sum + c.maxHundredths, 0);
  if (total > 10_000) problems.push('各评分项满分之和不能超过 100 分');
  for (const c of rules.criteria) {
    if (c.maxHundredths % c.stepHundredths !== 0) problems.push(`评分项「${c.name}」的满分须是步长的整数倍`);
  }
  if (new Set(rules.criteria.map((c) => c.name)).size !== rules.criteria.length) problems.push('评分项名称不能重复');
  for (let i = 1; i < rules.tiers.length; i += 1) {
    if (
      (rules.tiers[i] as { minHundredths: number }).minHundredths >=
      (rules.tiers[i - 1] as { minHundredths: number }).minHundredths
    )
      problems.push('等次须从高到低排列，门槛依次降低');
  }
  if (rules.tiers.at(-1)?.minHundredths !== 0) problems.push('最低等次的门槛须为 0，任何分数都有等次');
  if (rules.trim.fromJudges <= 2 * rules.trim.perSide) problems.push('去掉最高最低分后至少要留下一个分数');
  return problems;
}
