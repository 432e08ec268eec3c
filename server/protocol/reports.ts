import { literalUnion } from './literal-union';
import { EventModeSchema } from './modes';
import { RECTIFICATION_STATUSES } from './followups';
import { Type, type Static } from '@sinclair/typebox';

/** What a report groups by: the grid's levels, the unit, or the industry. */
export const REPORT_DIMENSIONS = ['town', 'area', 'village', 'unit', 'industry'] as const;
export type ReportDimension = (typeof REPORT_DIMENSIONS)[number];
export const REPORT_DIMENSION_LABEL: Record<ReportDimension, string> = {
  town: '乡镇',
  area: '工作片',
  village: '村',
  unit: '单位',
  industry: '行业',
};

export const ReportQuerySchema = Type.Object(
  {
    program: Type.String({ maxLength: 64 }),
    by: literalUnion(REPORT_DIMENSIONS),
    /** Inclusive dates (YYYY-MM-DD). */
    from: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }),
    to: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }),
    /** Only one kind of audit (televised, special, routine); absent = all. */
    mode: Type.Optional(EventModeSchema),
    /** Only one event's rounds (the 通报 of an event). */
    event: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9-]{1,40}$' })),
  },
  { additionalProperties: false },
);
export type ReportQuery = Static<typeof ReportQuerySchema>;

const Rate = Type.Union([Type.Integer(), Type.Null()]);

/** Figures of one group (or of the whole county): rates in hundredths of a percent, scores in hundredths. */
export const ReportFiguresSchema = Type.Object({
  audited: Type.Integer(),
  households: Type.Integer(),
  reached: Type.Integer(),
  confirmed: Type.Integer(),
  counted: Type.Integer(),
  satisfied: Type.Integer(),
  /** 属实率: confirmed / reached. */
  verifiedRate: Rate,
  /** 满意率: satisfied / counted (n = counted). */
  satisfactionRate: Rate,
  /** 应答率: reached / households. */
  responseRate: Rate,
  averageJudges: Rate,
  averageCombined: Rate,
  tiers: Type.Record(Type.String(), Type.Integer()),
});
export type ReportFigures = Static<typeof ReportFiguresSchema>;

export const ReportSchema = Type.Object({
  query: ReportQuerySchema,
  total: ReportFiguresSchema,
  /** Ranked by average combined score (then satisfaction), best first. */
  groups: Type.Array(Type.Intersect([Type.Object({ name: Type.String(), rank: Type.Integer() }), ReportFiguresSchema])),
  /** By month (YYYY-MM), oldest first. */
  months: Type.Array(Type.Intersect([Type.Object({ month: Type.String() }), ReportFiguresSchema])),
});
export type Report = Static<typeof ReportSchema>;

/**
 * The county view (县级总览): every program's figures over a period, its departments (单位 owning
 * programs) and the ranking of units across programs, with the 整改 of the period's rounds.
 */
export const CountyReportQuerySchema = Type.Object(
  {
    from: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }),
    to: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }),
    mode: Type.Optional(EventModeSchema),
  },
  { additionalProperties: false },
);
export type CountyReportQuery = Static<typeof CountyReportQuerySchema>;

/** Rectifications (整改) of a period's rounds: how many stand at each status, and how many are overdue. */
export const RectificationCountsSchema = Type.Object({
  total: Type.Integer(),
  byStatus: Type.Record(literalUnion(RECTIFICATION_STATUSES), Type.Integer()),
  /** Past the deadline and not yet put right (待整改 or 整改中). */
  overdue: Type.Integer(),
});
export type RectificationCounts = Static<typeof RectificationCountsSchema>;

export const CountyProgramSchema = Type.Object({
  code: Type.String(),
  name: Type.String(),
  /** The owning department (单位); the program's name until programs declare one. */
  department: Type.String(),
});
export type CountyProgram = Static<typeof CountyProgramSchema>;

export const CountyReportSchema = Type.Object({
  query: CountyReportQuerySchema,
  /** Every program shown (as visible to the account), in the registry's order, with or without audits. */
  programs: Type.Array(
    Type.Object({
      program: CountyProgramSchema,
      figures: ReportFiguresSchema,
      rectifications: RectificationCountsSchema,
    }),
  ),
  /** Programs grouped by department, in the order of their first program. */
  departments: Type.Array(
    Type.Object({
      department: Type.String(),
      programs: Type.Array(Type.String()),
      figures: ReportFiguresSchema,
      rectifications: RectificationCountsSchema,
    }),
  ),
  /** Units across programs (unit + program), ranked by average combined score, then satisfaction. */
  units: Type.Array(
    Type.Object({
      rank: Type.Integer(),
      unit: Type.String(),
      program: CountyProgramSchema,
      figures: ReportFiguresSchema,
    }),
  ),
  total: ReportFiguresSchema,
  rectifications: RectificationCountsSchema,
});
export type CountyReport = Static<typeof CountyReportSchema>;
