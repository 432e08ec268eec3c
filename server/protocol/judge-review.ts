import { Type, type Static } from '@sinclair/typebox';
import { literalUnion } from './literal-union';
import type { ReportDimension } from './reports';

/**
 * The judges' report (评委评分质量评估): how far each judge's scores stand from the rest of the
 * panel, in the spirit of FIG's Judge Evaluation Program. Supervisors only, never on air or on the
 * public site. Scores and deviations in hundredths of a point; marking scores in hundredths
 * (100 = the panel's typical spread). docs/judges-report.md defines every figure.
 */

/** The groupings a judge's bias is looked for in: the cadre's unit and the grid's 乡镇. */
export const BIAS_DIMENSIONS = ['unit', 'town'] as const satisfies readonly ReportDimension[];
export type BiasDimension = (typeof BIAS_DIMENSIONS)[number];

/** What a flag says: consistently high or low for one unit or 乡镇, or far from the panel overall. */
export const JUDGE_FLAG_KINDS = ['high', 'low', 'marking'] as const;
export type JudgeFlagKind = (typeof JUDGE_FLAG_KINDS)[number];
export const JUDGE_FLAG_LABEL: Record<JudgeFlagKind, string> = {
  high: '持续偏高',
  low: '持续偏低',
  marking: '偏离度异常',
};

/** How a judge's score of a round stood in the panel's trimming. */
export const TRIM_MARKS = ['high', 'low', 'kept'] as const;
export type TrimMark = (typeof TRIM_MARKS)[number];
export const TRIM_MARK_LABEL: Record<TrimMark, string> = {
  high: '被去掉（最高）',
  low: '被去掉（最低）',
  kept: '计入',
};

/**
 * The thresholds of the report: parameters of the pure core, declared here once so the page, the
 * export and the worked example say the same numbers.
 */
export const JudgeReviewRulesSchema = Type.Object({
  /** The reference drops this many of the other judges' highest and lowest scores… */
  referenceTrimPerSide: Type.Integer(),
  /** …when at least this many others scored (fewer: their plain mean). */
  referenceTrimFrom: Type.Integer(),
  /** The smallest panel spread (MAD) a deviation is divided by, so a unanimous panel divides by 1 point. */
  spreadFloorHundredths: Type.Integer(),
  /** A bias flag needs at least this many rounds of the judge in that unit or 乡镇… */
  minRounds: Type.Integer(),
  /** …a mean signed deviation there at least this large (hundredths), and as far from the judge's mean elsewhere… */
  biasHundredths: Type.Integer(),
  /** …with at least this share of those rounds on the same side (percent). */
  sameSidePercent: Type.Integer(),
  /** A marking score at least this high (hundredths) over at least `minRounds` rounds is flagged. */
  markingFlagHundredths: Type.Integer(),
});
export type JudgeReviewRules = Static<typeof JudgeReviewRulesSchema>;

export const DEFAULT_JUDGE_REVIEW_RULES: JudgeReviewRules = {
  referenceTrimPerSide: 1,
  referenceTrimFrom: 4,
  spreadFloorHundredths: 100,
  minRounds: 3,
  biasHundredths: 300,
  sameSidePercent: 80,
  markingFlagHundredths: 250,
};

export const JudgeReviewQuerySchema = Type.Object(
  {
    /** Inclusive dates (YYYY-MM-DD) of the events. */
    from: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }),
    to: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }),
    /** One event only (its report); absent = every closed event of the period. */
    event: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9-]{1,40}$' })),
  },
  { additionalProperties: false },
);
export type JudgeReviewQuery = Static<typeof JudgeReviewQuerySchema>;

const Hundredths = Type.Integer();
const MaybeHundredths = Type.Union([Type.Integer(), Type.Null()]);

export const JudgeFlagSchema = Type.Object({
  kind: literalUnion(JUDGE_FLAG_KINDS),
  /** The unit or 乡镇 of a high/low flag; null for a marking flag. */
  dimension: Type.Union([literalUnion(BIAS_DIMENSIONS), Type.Null()]),
  group: Type.Union([Type.String(), Type.Null()]),
  rounds: Type.Integer(),
  /** Mean signed deviation in that group (high/low) or the marking score (marking). */
  valueHundredths: Hundredths,
  /** The judge's mean signed deviation outside the group (null: no round outside it, or a marking flag). */
  elsewhereHundredths: MaybeHundredths,
  /** In words, for the page and the export. */
  text: Type.String(),
});
export type JudgeFlag = Static<typeof JudgeFlagSchema>;

export const JudgeGroupFigureSchema = Type.Object({
  dimension: literalUnion(BIAS_DIMENSIONS),
  group: Type.String(),
  rounds: Type.Integer(),
  meanDeviationHundredths: Hundredths,
  /** Rounds whose deviation is on the side of the mean (above for a positive mean, below for a negative). */
  sameSide: Type.Integer(),
});
export type JudgeGroupFigure = Static<typeof JudgeGroupFigureSchema>;

export const JudgeFiguresSchema = Type.Object({
  /** Judges are the same person across events by name. */
  judge: Type.String(),
  /** The seats the judge held, as 活动 · 席位. */
  seats: Type.Array(Type.Object({ eventId: Type.String(), seat: Type.Integer() })),
  /** Rounds the judge scored (whose scores were revealed). */
  rounds: Type.Integer(),
  /** Mean of (judge's score − reference), hundredths: positive = scores above the others. */
  meanDeviationHundredths: MaybeHundredths,
  /** Mean of |deviation| ÷ the round's spread, in hundredths (100 = one spread). */
  markingHundredths: MaybeHundredths,
  trimmedHigh: Type.Integer(),
  trimmedLow: Type.Integer(),
  rechecks: Type.Integer(),
  corrections: Type.Integer(),
  /** Rounds the judge sat out because of a declared conflict (回避), as declared. */
  recusals: Type.Integer(),
  groups: Type.Array(JudgeGroupFigureSchema),
  flags: Type.Array(JudgeFlagSchema),
});
export type JudgeFigures = Static<typeof JudgeFiguresSchema>;

/** One judge's score of one round, with the figures it gave. */
export const JudgeReviewRowSchema = Type.Object({
  eventId: Type.String(),
  eventTitle: Type.String(),
  eventDate: Type.String(),
  /** 1-based, as printed. */
  round: Type.Integer(),
  auditeeNumber: Type.String(),
  unit: Type.String(),
  town: Type.String(),
  seat: Type.Integer(),
  judge: Type.String(),
  scoreHundredths: Hundredths,
  /** The other judges' trimmed mean. */
  referenceHundredths: Hundredths,
  deviationHundredths: Hundredths,
  /** The round's panel spread (MAD, floored). */
  spreadHundredths: Hundredths,
  /** |deviation| ÷ spread, hundredths. */
  markingHundredths: Hundredths,
  trim: literalUnion(TRIM_MARKS),
  recheck: Type.Boolean(),
  corrected: Type.Boolean(),
});
export type JudgeReviewRow = Static<typeof JudgeReviewRowSchema>;

export const JudgeReviewSchema = Type.Object({
  query: JudgeReviewQuerySchema,
  rules: JudgeReviewRulesSchema,
  events: Type.Array(Type.Object({ id: Type.String(), title: Type.String(), eventDate: Type.String() })),
  /** Rounds with revealed scores. */
  rounds: Type.Integer(),
  judges: Type.Array(JudgeFiguresSchema),
  rows: Type.Array(JudgeReviewRowSchema),
});
export type JudgeReview = Static<typeof JudgeReviewSchema>;
