import { literalUnion } from './literal-union';
import { EventModeSchema } from './modes';
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
