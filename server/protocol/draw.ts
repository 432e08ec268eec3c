import { Type, type Static } from '@sinclair/typebox';
import { ScoringRulesSchema } from './scoring';
import { literalUnion } from './literal-union';
import { PlanProgramSchema } from './programs';
import { AuditeeStatusSchema as StatusSchema } from './registry';

/**
 * The draw contract: the plan declared before any randomness exists, the reason codes of
 * replacements, and the shapes the draw API answers with. The plan is hashed (RFC 8785
 * canonical JSON, see docs/verification.md), so every field here is part of the promise.
 */
const Text = (maxLength: number) => Type.String({ minLength: 1, maxLength });

/** What a stratified plan divides the pool by. */
export const STRATIFY_BY = ['town', 'area', 'unit', 'industry', 'risk'] as const;
export const StratifyBySchema = literalUnion(STRATIFY_BY);
export type StratifyBy = Static<typeof StratifyBySchema>;

export const STRATIFY_BY_LABEL: Record<StratifyBy, string> = {
  town: '乡镇',
  area: '工作片',
  unit: '单位',
  industry: '行业',
  risk: '风险等级',
};

/**
 * Risk tiers, read from the audit history at sealing (docs/verification.md, "Risk tiers"): the
 * latest audit on or before the event date decides. The tier of every pooled auditee is published
 * in the pool, since the history itself is not public.
 */
export const RISK_TIERS = ['高风险', '中风险', '低风险'] as const;
export type RiskTier = (typeof RISK_TIERS)[number];
export const RISK_TIER_MEANING: Record<RiskTier, string> = {
  高风险: '最近一次抽查未达标（最低等次或有住户反映不符）',
  中风险: '从未被抽查',
  低风险: '最近一次抽查达标',
};

/**
 * Who holds a committed secret of the seed (docs/verification.md, "Seeds"): with `required`, the
 * notary (公证/监督) commits a secret of their own before sealing and reveals it after the public
 * entropy, so neither the server nor the notary alone can predict or steer the seed; `none` is a
 * single-party draw (routine and special checks without a notary), labelled so everywhere.
 * Absent: a plan written before this rule, single-party.
 */
export const NOTARY_RULES = ['required', 'none'] as const;
export const NotaryRuleSchema = literalUnion(NOTARY_RULES);
export type NotaryRule = Static<typeof NotaryRuleSchema>;
export const NOTARY_RULE_LABEL: Record<NotaryRule, string> = {
  required: '双方密钥：服务器与公证员各持一份承诺过的密钥',
  none: '单方密钥：不设公证员，仅服务器密钥',
};

/** 32 bytes as 64 lowercase hex digits: a secret, or its commitment (SHA-256 of the bytes). */
const Hex32 = () => Type.String({ pattern: '^[0-9a-f]{64}$' });
export const CommitmentSchema = Hex32();
export const SecretSchema = Hex32();

export const DrawPlanSchema = Type.Object(
  {
    version: Type.Literal(1),
    /** Whether a notary's secret joins the seed; absent = single-party (plans before format 2). */
    notary: Type.Optional(NotaryRuleSchema),
    programCode: Text(64),
    /**
     * The program's version as sealed: its definition's hash, questionnaire and household-score
     * rule (filled in by the server at sealing). Absent = the built-in behaviour.
     */
    program: Type.Optional(PlanProgramSchema),
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
      Type.Object(
        {
          /** Declared ratios: `count` shared among strata by percent (largest remainder, see planQuotas). */
          mode: Type.Literal('ratios'),
          by: StratifyBySchema,
          count: Type.Integer({ minimum: 1, maximum: 1000 }),
          ratios: Type.Array(
            Type.Object(
              { stratum: Text(100), percent: Type.Integer({ minimum: 1, maximum: 100 }) },
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

/** Why a drawn auditee is replaced by the next alternate (递补), by code, with its label. */
export const AUDITEE_REPLACEMENT_REASON_CODES = ['LEAVE', 'TRIP', 'RECUSAL', 'OTHER'] as const;
export type AuditeeReplacementReason = (typeof AUDITEE_REPLACEMENT_REASON_CODES)[number];
export const AuditeeReasonSchema = literalUnion(AUDITEE_REPLACEMENT_REASON_CODES);
export const AUDITEE_REPLACEMENT_REASONS: Record<AuditeeReplacementReason, string> = {
  LEAVE: '请假',
  TRIP: '出差',
  RECUSAL: '回避',
  OTHER: '其他',
};

/** Why a drawn household is replaced by the next alternate, by code, with its label. */
export const CONTACT_REPLACEMENT_REASON_CODES = [
  'NO_ANSWER',
  'REFUSED',
  'WRONG_NUMBER',
  'NO_CONSENT',
  'RECUSAL',
  'OTHER',
] as const;
export type ContactReplacementReason = (typeof CONTACT_REPLACEMENT_REASON_CODES)[number];
export const ContactReasonSchema = literalUnion(CONTACT_REPLACEMENT_REASON_CODES);
export const CONTACT_REPLACEMENT_REASONS: Record<ContactReplacementReason, string> = {
  NO_ANSWER: '未接通',
  REFUSED: '拒绝',
  WRONG_NUMBER: '号码错误',
  NO_CONSENT: '不同意上镜',
  RECUSAL: '回避',
  OTHER: '其他',
};

/** Public entropy: digits rolled on air (dice, balls), at least 20 of them. */
export const ENTROPY_PATTERN = /^[0-9]{20,200}$/u;

/** The notary's committed secret as sealed: its commitment, and whether a rehearsal simulated it. */
export const NotaryCommitmentSchema = Type.Object({ commitment: Type.String(), simulated: Type.Boolean() });

/**
 * A signed head of the county's public log (RFC 6962 style; docs/verification.md, "The public log"):
 * the tree's size and root at a moment, signed with the county's Ed25519 key.
 */
export const SignedTreeHeadSchema = Type.Object({
  treeSize: Type.Integer({ minimum: 0 }),
  rootHash: Type.String(),
  timestamp: Type.String(),
  keyId: Type.String(),
  signature: Type.String(),
});
export type SignedTreeHead = Static<typeof SignedTreeHeadSchema>;

const SelectionSchema = Type.Object({
  number: Type.String(),
  position: Type.Integer(),
  replaced: Type.Optional(
    Type.Object({
      reason: Type.Union([AuditeeReasonSchema, ContactReasonSchema]),
      by: Type.Union([Type.String(), Type.Null()]),
    }),
  ),
});

/** What anyone may see of a draw: numbers and hashes, never names or phones. */
/**
 * Where a sealed draw stands: sealed, entropy locked, the server's secret revealed while the
 * notary's is awaited, seed fixed, drawing under way, or abandoned (作废: never drawn again).
 */
export const DRAW_STATUSES = [
  'sealed',
  'entropy-locked',
  'awaiting-notary',
  'revealed',
  'drawing',
  'abandoned',
] as const;
export type DrawStatus = (typeof DRAW_STATUSES)[number];
export const DRAW_STATUS_LABEL: Record<DrawStatus, string> = {
  sealed: '已封存',
  'entropy-locked': '已锁定公开随机数',
  'awaiting-notary': '待公证员公开密钥',
  revealed: '种子已确定',
  drawing: '抽取中',
  abandoned: '已作废',
};
const DrawStatusSchema = literalUnion(DRAW_STATUSES);

export const DrawViewSchema = Type.Object({
  drawId: Type.String(),
  title: Type.String(),
  programCode: Type.String(),
  createdAt: Type.String(),
  status: DrawStatusSchema,
  roster: Type.Object({
    versionId: Type.Integer(),
    hash: Type.String(),
    auditeeCount: Type.Integer(),
    contactCount: Type.Integer(),
    /** The visit log pinned with the roster (hash and counts only), when the program has one. */
    visitLog: Type.Optional(
      Type.Object({
        versionId: Type.Integer(),
        hash: Type.String(),
        entryCount: Type.Integer(),
        contactCount: Type.Integer(),
      }),
    ),
  }),
  plan: DrawPlanSchema,
  planHash: Type.String(),
  poolHash: Type.String(),
  poolSize: Type.Integer(),
  strata: Type.Array(Type.Object({ stratum: Type.String(), size: Type.Integer(), quota: Type.Integer() })),
  commitment: Type.String(),
  /** Format of the seal record: 2 binds the notary, the show and the public log. */
  sealVersion: Type.Union([Type.Literal(1), Type.Literal(2)]),
  sealHash: Type.String(),
  notary: Type.Union([NotaryCommitmentSchema, Type.Null()]),
  notarySecret: Type.Union([Type.String(), Type.Null()]),
  abandoned: Type.Union([Type.Object({ reason: Type.String() }), Type.Null()]),
  /** The public log's head signed right after the seal record was appended (printed on the bulletin). */
  sealTreeHead: Type.Union([SignedTreeHeadSchema, Type.Null()]),
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
    /** The notary's commitment, made on their own device; required when the plan says `notary: 'required'`. */
    notaryCommitment: Type.Optional(CommitmentSchema),
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
  /** Every stratum of the pool by the plan's `by`, with its size (also when the quotas are not valid yet). */
  stratumSizes: Type.Array(Type.Object({ stratum: Type.String(), size: Type.Integer() })),
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
  /** The notary's own secret, read from their file or typed from their printed words, after the server's. */
  Type.Object({ type: Type.Literal('revealNotary'), secret: SecretSchema }, { additionalProperties: false }),
  /** Abandons the draw (作废), with the reason: it stays in the public log as abandoned. */
  Type.Object(
    { type: Type.Literal('abandon'), reason: Type.String({ minLength: 2, maxLength: 200 }) },
    { additionalProperties: false },
  ),
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
  status: DrawStatusSchema,
  poolSize: Type.Integer(),
});
export type DrawListItem = Static<typeof DrawListItemSchema>;

/**
 * The quota of each stratum, in the plan's order. Declared ratios become whole numbers by the
 * largest-remainder method: each stratum gets ⌊count × percent / 100⌋, then the seats left go one
 * each to the largest remainders, ties to the stratum declared first. Integer arithmetic only.
 */
export function planQuotas(plan: DrawPlan): { stratum: string; count: number }[] {
  const auditees = plan.auditees;
  if (auditees.mode === 'total') return [{ stratum: '', count: auditees.count }];
  if (auditees.mode === 'strata') return auditees.quotas.map(({ stratum, count }) => ({ stratum, count }));
  const shares = auditees.ratios.map(({ stratum, percent }, order) => ({
    stratum,
    count: Math.floor((auditees.count * percent) / 100),
    remainder: (auditees.count * percent) % 100,
    order,
  }));
  let left = auditees.count - shares.reduce((sum, s) => sum + s.count, 0);
  for (const share of [...shares].sort((a, b) => b.remainder - a.remainder || a.order - b.order)) {
    if (left <= 0) break;
    share.count += 1;
    left -= 1;
  }
  return shares.map(({ stratum, count }) => ({ stratum, count }));
}

/** Whether the plan's strata are risk tiers (read from the audit history at sealing). */
export function stratifiesByRisk(plan: DrawPlan): boolean {
  return plan.auditees.mode !== 'total' && plan.auditees.by === 'risk';
}

/** How many auditees a plan draws: the sum of its quotas (the show's rounds). */
export function plannedAuditees(plan: DrawPlan): number {
  return planQuotas(plan).reduce((sum, quota) => sum + quota.count, 0);
}

/** The plan's count in words, for bulletins and summaries. */
export function describeQuotas(plan: DrawPlan): string {
  const auditees = plan.auditees;
  if (auditees.mode === 'total') return `抽取 ${auditees.count} 人`;
  const by = STRATIFY_BY_LABEL[auditees.by];
  const quotas = planQuotas(plan)
    .map((q) => `${q.stratum} ${q.count} 人`)
    .join('，');
  if (auditees.mode === 'strata') return `按${by}分层抽取：${quotas}`;
  const ratios = auditees.ratios.map((r) => `${r.stratum} ${r.percent}%`).join('，');
  return `按${by}比例抽取 ${auditees.count} 人（${ratios}）：${quotas}`;
}

/** A plan's scope in words: which part of the county, which units and industries (the bulletin, the snapshot). */
export function scopeOf(plan: DrawPlan): string {
  const rule = plan.eligibility;
  const parts = [
    rule.only ? `回头看：限 ${rule.only.length} 名需复查人员` : '',
    rule.grid.length === 0 ? '全县' : rule.grid.map((path) => path.join(' / ')).join('、'),
    rule.units.length > 0 ? `单位：${rule.units.join('、')}` : '',
    rule.industries.length > 0 ? `行业：${rule.industries.join('、')}` : '',
    `人员状态：${rule.statuses.join('、')}`,
    rule.coolDownDays > 0 ? `近 ${rule.coolDownDays} 天内已被抽查的不再抽取` : '',
    rule.avoid.length > 0 ? `回避 ${rule.avoid.length} 人` : '',
  ];
  return parts.filter(Boolean).join('；');
}
