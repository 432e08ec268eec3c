import { Type, type Static } from '@sinclair/typebox';
import { ScoringRulesSchema } from './scoring';

/**
 * The draw contract: the plan declared before any randomness exists, the reason codes of
 * replacements, and the shapes the draw API answers with. The plan is hashed (RFC 8785
 * canonical JSON, see docs/verification.md), so every field here is part of the promise.
 */
const StatusSchema = Type.Union([
  Type.Literal('在岗'),
  Type.Literal('请假'),
  Type.Literal('出差'),
  Type.Literal('离岗'),
]);
const Text = (maxLength: number) => Type.String({ minLength: 1, maxLength });

export const StratifyBySchema = Type.Union([
  Type.Literal('town'),
  Type.Literal('area'),
  Type.Literal('unit'),
  Type.Literal('industry'),
]);
export type StratifyBy = Static<typeof StratifyBySchema>;

export const DrawPlanSchema = Type.Object(
  {
    version: Type.Literal(1),
    programCode: Text(64),
    /** The day of the draw (YYYY-MM-DD); the cool-down counts back from it. */
    eventDate: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }),
    eligibility: Type.Object(
      {
        /** Grid path prefixes ([乡镇], [乡镇, 工作片] or [乡镇, 工作片, 村]); empty = the whole county. */
        grid: Type.Array(Type.Array(Text(32), { minItems: 1, maxItems: 3 }), { maxItems: 1000 }),
        units: Type.Array(Text(64), { maxItems: 1000 }),
        industries: Type.Array(Text(32), { maxItems: 100 }),
        statuses: Type.Array(StatusSchema, { minItems: 1, maxItems: 4 }),
        /** Exclude auditees audited within this many days before eventDate (0 = no cool-down). */
        coolDownDays: Type.Integer({ minimum: 0, maximum: 3650 }),
        avoid: Type.Array(Type.Object({ number: Text(32), reason: Text(200) }, { additionalProperties: false }), {
          maxItems: 1000,
        }),
        contactsRequirePhone: Type.Boolean(),
        contactsRequireConsent: Type.Boolean(),
        /** Only these auditees (a 回头看 of the cadres that need re-checking); absent = no such limit. */
        only: Type.Optional(Type.Array(Text(32), { minItems: 1, maxItems: 10_000 })),
      },
      { additionalProperties: false },
    ),
    auditees: Type.Union([
      Type.Object(
        { mode: Type.Literal('total'), count: Type.Integer({ minimum: 1, maximum: 1000 }) },
        { additionalProperties: false },
      ),
      Type.Object(
        {
          mode: Type.Literal('strata'),
          by: StratifyBySchema,
          quotas: Type.Array(
            Type.Object(
              { stratum: Text(100), count: Type.Integer({ minimum: 1, maximum: 1000 }) },
              { additionalProperties: false },
            ),
            { minItems: 1, maxItems: 200 },
          ),
        },
        { additionalProperties: false },
      ),
    ]),
    contactsPerAuditee: Type.Integer({ minimum: 1, maximum: 50 }),
    /** How the round is scored (judges, households, tiers); absent = DEFAULT_SCORING_RULES. */
    scoring: Type.Optional(ScoringRulesSchema),
    replacementCaps: Type.Object(
      {
        auditees: Type.Integer({ minimum: 0, maximum: 1000 }),
        contactsPerAuditee: Type.Integer({ minimum: 0, maximum: 100 }),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
export type DrawPlan = Static<typeof DrawPlanSchema>;

export const AUDITEE_REPLACEMENT_REASONS = {
  LEAVE: '请假',
  TRIP: '出差',
  RECUSAL: '回避',
  OTHER: '其他',
} as const;
export const CONTACT_REPLACEMENT_REASONS = {
  NO_ANSWER: '未接通',
  REFUSED: '拒绝',
  WRONG_NUMBER: '号码错误',
  NO_CONSENT: '不同意上镜',
  RECUSAL: '回避',
  OTHER: '其他',
} as const;
export type AuditeeReplacementReason = keyof typeof AUDITEE_REPLACEMENT_REASONS;
export type ContactReplacementReason = keyof typeof CONTACT_REPLACEMENT_REASONS;

export const AuditeeReasonSchema = Type.Union(
  Object.keys(AUDITEE_REPLACEMENT_REASONS).map((code) => Type.Literal(code)) as [ReturnType<typeof Type.Literal>],
);
export const ContactReasonSchema = Type.Union(
  Object.keys(CONTACT_REPLACEMENT_REASONS).map((code) => Type.Literal(code)) as [ReturnType<typeof Type.Literal>],
);

/** Public entropy: digits rolled on air (dice, balls), at least 20 of them. */
export const ENTROPY_PATTERN = /^[0-9]{20,200}$/u;

const SelectionSchema = Type.Object({
  number: Type.String(),
  position: Type.Integer(),
  replaced: Type.Optional(Type.Object({ reason: Type.String(), by: Type.Union([Type.String(), Type.Null()]) })),
});

/** What anyone may see of a draw: numbers and hashes, never names or phones. */
export const DrawViewSchema = Type.Object({
  drawId: Type.String(),
  title: Type.String(),
  programCode: Type.String(),
  createdAt: Type.String(),
  status: Type.Union([
    Type.Literal('sealed'),
    Type.Literal('entropy-locked'),
    Type.Literal('revealed'),
    Type.Literal('drawing'),
  ]),
  roster: Type.Object({
    versionId: Type.Integer(),
    hash: Type.String(),
    auditeeCount: Type.Integer(),
    contactCount: Type.Integer(),
  }),
  plan: DrawPlanSchema,
  planHash: Type.String(),
  poolHash: Type.String(),
  poolSize: Type.Integer(),
  strata: Type.Array(Type.Object({ stratum: Type.String(), size: Type.Integer(), quota: Type.Integer() })),
  commitment: Type.String(),
  entropy: Type.Union([Type.String(), Type.Null()]),
  secret: Type.Union([Type.String(), Type.Null()]),
  seed: Type.Union([Type.String(), Type.Null()]),
  auditeeStages: Type.Union([
    Type.Array(Type.Object({ stratum: Type.String(), quota: Type.Integer(), selections: Type.Array(SelectionSchema) })),
    Type.Null(),
  ]),
  contactStages: Type.Array(Type.Object({ auditeeNumber: Type.String(), selections: Type.Array(SelectionSchema) })),
  replacements: Type.Object({ auditees: Type.Integer(), contacts: Type.Integer() }),
  logLength: Type.Integer(),
  logHead: Type.String(),
});
export type DrawView = Static<typeof DrawViewSchema>;

export const SealDrawBodySchema = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 100 }),
    plan: DrawPlanSchema,
    rosterVersionId: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  { additionalProperties: false },
);
export type SealDrawBody = Static<typeof SealDrawBodySchema>;

export const PoolPreviewSchema = Type.Object({
  rosterVersionId: Type.Integer(),
  rosterHash: Type.String(),
  poolSize: Type.Integer(),
  excluded: Type.Object({
    filter: Type.Integer(),
    status: Type.Integer(),
    avoidance: Type.Integer(),
    coolDown: Type.Integer(),
  }),
  strata: Type.Array(Type.Object({ stratum: Type.String(), size: Type.Integer(), quota: Type.Integer() })),
  contactsShort: Type.Integer(),
  problem: Type.Optional(Type.Object({ code: Type.String(), message: Type.String() })),
});
export type PoolPreview = Static<typeof PoolPreviewSchema>;

export const DrawCommandBodySchema = Type.Union([
  Type.Object(
    { type: Type.Literal('lockEntropy'), entropy: Type.String({ maxLength: 400 }) },
    { additionalProperties: false },
  ),
  Type.Object({ type: Type.Literal('reveal') }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('drawAuditees') }, { additionalProperties: false }),
  Type.Object(
    { type: Type.Literal('replaceAuditee'), number: Type.String({ maxLength: 32 }), reason: AuditeeReasonSchema },
    { additionalProperties: false },
  ),
  Type.Object(
    { type: Type.Literal('drawContacts'), auditeeNumber: Type.String({ maxLength: 32 }) },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      type: Type.Literal('replaceContact'),
      auditeeNumber: Type.String({ maxLength: 32 }),
      contactNumber: Type.String({ maxLength: 32 }),
      reason: ContactReasonSchema,
    },
    { additionalProperties: false },
  ),
]);
export type DrawCommandBody = Static<typeof DrawCommandBodySchema>;

export const DrawListItemSchema = Type.Object({
  drawId: Type.String(),
  title: Type.String(),
  programCode: Type.String(),
  createdAt: Type.String(),
  status: Type.String(),
  poolSize: Type.Integer(),
});
export type DrawListItem = Static<typeof DrawListItemSchema>;

/** How many auditees a plan draws: its count, or the sum of its quotas (the show's rounds). */
export function plannedAuditees(plan: DrawPlan): number {
  return plan.auditees.mode === 'total'
    ? plan.auditees.count
    : plan.auditees.quotas.reduce((sum, quota) => sum + quota.count, 0);
}
