import { HouseholdScoreRuleSchema, QuestionnaireSchema } from './programs';
import { Type, type Static } from '@sinclair/typebox';
import { DecimalInteger, ROW_ID } from './decimal-integer';
import { literalUnion } from './literal-union';
import { EventModeSchema } from './modes';

/** An auditee's status in the roster; the plan's eligibility filters on it. */
export const AUDITEE_STATUSES = ['在岗', '请假', '出差', '离岗'] as const;
export type AuditeeStatus = (typeof AUDITEE_STATUSES)[number];
export const AuditeeStatusSchema = literalUnion(AUDITEE_STATUSES);
/** At work: the status a plan draws from unless told otherwise. */
export const ON_DUTY: AuditeeStatus = '在岗';

/** Whether a contact agreed to be called on air (a plan may draw only those who did). */
export const CONSENT_VALUES = ['同意', '不同意', '未知'] as const;
export type Consent = (typeof CONSENT_VALUES)[number];
const ConsentSchema = literalUnion(CONSENT_VALUES);

/** An auditee's gender as the roster gives it ('' when the roster leaves it out). */
export const GENDERS = ['男', '女', ''] as const;
export type Gender = (typeof GENDERS)[number];
const GenderSchema = literalUnion(GENDERS);

/** What a roster file holds, told by its header. */
export const FILE_KINDS = ['grid', 'auditees', 'contacts', 'visits'] as const;
export type FileKind = (typeof FILE_KINDS)[number];

/**
 * A visit log entry (走访记录/民情台账): a cadre's recorded visit to a contact, or a need (诉求)
 * the contact raised and what the cadre says was done. The caller checks it on the phone.
 */
export const VISIT_KINDS = ['走访', '诉求'] as const;
export type VisitKind = (typeof VISIT_KINDS)[number];
export const VisitKindSchema = literalUnion(VISIT_KINDS);

/** Where the cadre says a need stands; a plain visit may leave it empty (then 已解决: nothing was asked). */
export const VISIT_STATUSES = ['已解决', '办理中', '未解决'] as const;
export type VisitStatus = (typeof VISIT_STATUSES)[number];
export const VisitStatusSchema = literalUnion(VISIT_STATUSES);
/** The status a need counts as resolved with, in the masked summary. */
export const RESOLVED: VisitStatus = '已解决';

/**
 * One immutable, hashed version of a program's visit log, checked against the roster version
 * named (its contact numbers exist there). Kept apart from the roster: roster hashes and the
 * bundles sealed on them stay what they were.
 */
export const VisitLogVersionSchema = Type.Object({
  id: Type.Integer(),
  programCode: Type.String(),
  seq: Type.Integer(),
  rosterVersionId: Type.Integer(),
  createdAt: Type.String(),
  createdBy: Type.String(),
  sources: Type.Array(Type.String()),
  entryCount: Type.Integer(),
  /** How many distinct contacts the entries are about. */
  contactCount: Type.Integer(),
  hash: Type.String(),
});
export type VisitLogVersionDto = Static<typeof VisitLogVersionSchema>;

/**
 * HTTP contract of the registry: programs, roster versions, grid browsing, search, import.
 * Response schemas double as a privacy guard: fastify serialises only the declared fields.
 */
export const ProgramSchema = Type.Object({
  code: Type.String(),
  name: Type.String(),
  /** The owning department (单位). */
  department: Type.String(),
  auditeeLabel: Type.String(),
  contactLabel: Type.String(),
  unitLabel: Type.String(),
  sortOrder: Type.Integer(),
  /** The current version: its questionnaire and rule are what an event sealed now carries. */
  version: Type.Integer(),
  questionnaire: QuestionnaireSchema,
  householdScoreRule: HouseholdScoreRuleSchema,
});
export type ProgramDto = Static<typeof ProgramSchema>;

export const RosterVersionSchema = Type.Object({
  id: Type.Integer(),
  programCode: Type.String(),
  seq: Type.Integer(),
  createdAt: Type.String(),
  createdBy: Type.String(),
  sources: Type.Array(Type.String()),
  auditeeCount: Type.Integer(),
  contactCount: Type.Integer(),
  hash: Type.String(),
});
export type RosterVersionDto = Static<typeof RosterVersionSchema>;

/**
 * What can be wrong with an import, file by file and row by row (docs/data-format.md, Refusals).
 * File-level: the file cannot be read or its header is wrong. Row-level: one row (and column) of it.
 */
export const IMPORT_PROBLEM_CODES = [
  'FILE_TOO_LARGE',
  'NOT_CSV_OR_XLSX',
  'LEGACY_XLS',
  'MALFORMED_CSV',
  'MALFORMED_XLSX',
  'XLSX_BOMB',
  'MALFORMED_TEXT',
  'EMPTY_FILE',
  'UNKNOWN_FILE_KIND',
  'DUPLICATE_FILE_KIND',
  'MISSING_COLUMN',
  'DUPLICATE_COLUMN',
  'TOO_MANY_ROWS',
  'MISSING_ROSTER_FILES',
  'MISSING_FIELD',
  'REFUSED_CHARACTER',
  'CELL_TOO_LONG',
  'INVALID_NUMBER',
  'DUPLICATE_NUMBER',
  'MALFORMED_PHONE',
  'INVALID_STATUS',
  'INVALID_CONSENT',
  'INVALID_GENDER',
  'UNKNOWN_GRID_UNIT',
  'DUPLICATE_GRID_UNIT',
  'DANGLING_AUDITEE',
  'INVALID_DATE',
  'INVALID_VISIT_KIND',
  'INVALID_VISIT_STATUS',
  'UNKNOWN_CONTACT',
] as const;
export type ImportProblemCode = (typeof IMPORT_PROBLEM_CODES)[number];
export const ImportProblemCodeSchema = literalUnion(IMPORT_PROBLEM_CODES);

export const IMPORT_PROBLEM_LABEL: Record<ImportProblemCode, string> = {
  FILE_TOO_LARGE: '文件过大',
  NOT_CSV_OR_XLSX: '不是 CSV 或 XLSX 表格',
  LEGACY_XLS: '旧版 .xls 文件',
  MALFORMED_CSV: 'CSV 格式错误',
  MALFORMED_XLSX: 'XLSX 文件损坏',
  XLSX_BOMB: '疑似压缩炸弹',
  MALFORMED_TEXT: '文字无法解码',
  EMPTY_FILE: '空文件',
  UNKNOWN_FILE_KIND: '无法识别的表头',
  DUPLICATE_FILE_KIND: '同类文件重复',
  MISSING_COLUMN: '缺少必需的列',
  DUPLICATE_COLUMN: '列重复',
  TOO_MANY_ROWS: '行数超过上限',
  MISSING_ROSTER_FILES: '缺少名单文件',
  MISSING_FIELD: '缺少必填项',
  REFUSED_CHARACTER: '含有不允许的字符',
  CELL_TOO_LONG: '内容过长',
  INVALID_NUMBER: '编号不合规',
  DUPLICATE_NUMBER: '编号重复',
  MALFORMED_PHONE: '手机号格式不正确',
  INVALID_STATUS: '状态无法识别',
  INVALID_CONSENT: '同意上镜无法识别',
  INVALID_GENDER: '性别无法识别',
  UNKNOWN_GRID_UNIT: '网格中没有该单位',
  DUPLICATE_GRID_UNIT: '网格单位重复',
  DANGLING_AUDITEE: '联系的编号不存在',
  INVALID_DATE: '日期不合规',
  INVALID_VISIT_KIND: '记录类别无法识别',
  INVALID_VISIT_STATUS: '办理状态无法识别',
  UNKNOWN_CONTACT: '名册中没有该联系对象',
};

export const ImportProblemSchema = Type.Object({
  file: Type.String(),
  row: Type.Optional(Type.Integer()),
  column: Type.Optional(Type.String()),
  code: ImportProblemCodeSchema,
  message: Type.String(),
});
export type ImportProblem = Static<typeof ImportProblemSchema>;

/** `details` of an IMPORT_INVALID error. */
export const ImportRejectionSchema = Type.Object({
  problems: Type.Array(ImportProblemSchema),
  totalProblems: Type.Integer(),
});
export type ImportRejection = Static<typeof ImportRejectionSchema>;

export const IMPORT_OUTCOMES = ['created', 'unchanged', 'grid-updated', 'visits-updated'] as const;

/** What became of a visit log file in an import: a new version, or the same as the latest. */
export const VISIT_LOG_OUTCOMES = ['created', 'unchanged'] as const;

export const ImportResultSchema = Type.Object({
  /**
   * created: a new roster version; unchanged: identical to the latest; grid-updated: only the
   * grid; visits-updated: only a new visit log version (the roster stays as it was).
   */
  status: literalUnion(IMPORT_OUTCOMES),
  version: Type.Optional(RosterVersionSchema),
  /** When the import brought a visit log file. */
  visitLog: Type.Optional(Type.Object({ status: literalUnion(VISIT_LOG_OUTCOMES), version: VisitLogVersionSchema })),
  files: Type.Array(
    Type.Object({
      name: Type.String(),
      kind: literalUnion(FILE_KINDS),
      /** How the file was read, as shown (e.g. UTF-8, GB18030, XLSX). */
      encoding: Type.String(),
      rows: Type.Integer(),
      ignoredColumns: Type.Array(Type.String()),
    }),
  ),
});
export type ImportResult = Static<typeof ImportResultSchema>;

export const GRID_LEVELS = ['county', 'town', 'area', 'village'] as const;
export const GridLevelSchema = literalUnion(GRID_LEVELS);

export const GridNodeSchema = Type.Object({
  name: Type.String(),
  leader: Type.String(),
  leaderPost: Type.String(),
  auditees: Type.Integer(),
  contacts: Type.Integer(),
  children: Type.Integer(),
});
export type GridNode = Static<typeof GridNodeSchema>;

export const AuditeeSummarySchema = Type.Object({
  number: Type.String(),
  name: Type.String(),
  gender: GenderSchema,
  unit: Type.String(),
  industry: Type.String(),
  post: Type.String(),
  town: Type.String(),
  area: Type.String(),
  village: Type.String(),
  phoneMasked: Type.String(),
  status: AuditeeStatusSchema,
  contacts: Type.Integer(),
});
export type AuditeeSummary = Static<typeof AuditeeSummarySchema>;

export const ContactSummarySchema = Type.Object({
  number: Type.String(),
  name: Type.String(),
  town: Type.String(),
  area: Type.String(),
  village: Type.String(),
  phoneMasked: Type.String(),
  auditeeNumber: Type.String(),
  consent: ConsentSchema,
});
export type ContactSummary = Static<typeof ContactSummarySchema>;

export const GridQuerySchema = Type.Object({
  town: Type.Optional(Type.String({ maxLength: 64 })),
  area: Type.Optional(Type.String({ maxLength: 64 })),
  village: Type.Optional(Type.String({ maxLength: 64 })),
  version: Type.Optional(DecimalInteger(ROW_ID)),
});
export type GridQuery = Static<typeof GridQuerySchema>;

/** One level of the grid: the children of the given path, or the village's auditees. */
export const GridViewSchema = Type.Object({
  version: RosterVersionSchema,
  level: GridLevelSchema,
  path: Type.Array(Type.String()),
  totals: Type.Object({ auditees: Type.Integer(), contacts: Type.Integer() }),
  children: Type.Array(GridNodeSchema),
  auditees: Type.Array(AuditeeSummarySchema),
});
export type GridView = Static<typeof GridViewSchema>;

/** One closed round in an auditee's audit history (rehearsals never count). */
export const AuditHistoryEntrySchema = Type.Object({
  auditedOn: Type.String(),
  eventId: Type.String(),
  eventTitle: Type.String(),
  mode: EventModeSchema,
  householdsSampled: Type.Integer(),
  householdsConfirmed: Type.Integer(),
  satisfactionRateHundredths: Type.Union([Type.Integer(), Type.Null()]),
  judgesHundredths: Type.Union([Type.Integer(), Type.Null()]),
  combinedHundredths: Type.Union([Type.Integer(), Type.Null()]),
  tier: Type.Union([Type.String(), Type.Null()]),
  /** Cadres drawn before this one in that round and replaced (递补). */
  replacedBefore: Type.Integer(),
});
export type AuditHistoryEntry = Static<typeof AuditHistoryEntrySchema>;

export const AuditeeDetailSchema = Type.Object({
  version: RosterVersionSchema,
  auditee: AuditeeSummarySchema,
  contacts: Type.Array(ContactSummarySchema),
  history: Type.Array(AuditHistoryEntrySchema),
});
export type AuditeeDetail = Static<typeof AuditeeDetailSchema>;

/** How many cadres and how many households one page of search results holds. */
export const SEARCH_PAGE_SIZE = 50;

export const SearchQuerySchema = Type.Object({
  q: Type.String({ minLength: 1, maxLength: 64 }),
  version: Type.Optional(DecimalInteger(ROW_ID)),
  /** 1-based; the same page of both lists. */
  page: Type.Optional(DecimalInteger({ minimum: 1, maximum: 100_000 })),
});

/** One page of matches, with the totals, so a search is never silently cut short. */
export const SearchResultSchema = Type.Object({
  version: RosterVersionSchema,
  auditees: Type.Array(AuditeeSummarySchema),
  contacts: Type.Array(ContactSummarySchema),
  page: Type.Integer({ minimum: 1 }),
  pageSize: Type.Integer({ minimum: 1 }),
  auditeesTotal: Type.Integer({ minimum: 0 }),
  contactsTotal: Type.Integer({ minimum: 0 }),
});
export type SearchResult = Static<typeof SearchResultSchema>;

/** The roster version a registry read asks for (absent: the latest). */
export const VersionQuerySchema = Type.Object({ version: Type.Optional(DecimalInteger(ROW_ID)) });

export const ProgramParamsSchema = Type.Object({ program: Type.String({ maxLength: 64 }) });
export const AuditeeParamsSchema = Type.Object({
  program: Type.String({ maxLength: 64 }),
  number: Type.String({ maxLength: 64 }),
});

/** What a plan can filter on in a roster version, with how many auditees each holds. */
export const RosterFacetsSchema = Type.Object({
  versionId: Type.Integer(),
  towns: Type.Array(
    Type.Object({
      name: Type.String(),
      count: Type.Integer(),
      areas: Type.Array(Type.Object({ name: Type.String(), count: Type.Integer() })),
    }),
  ),
  units: Type.Array(Type.Object({ name: Type.String(), count: Type.Integer() })),
  industries: Type.Array(Type.Object({ name: Type.String(), count: Type.Integer() })),
});
export type RosterFacets = Static<typeof RosterFacetsSchema>;
