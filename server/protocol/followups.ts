import { literalUnion } from './literal-union';
import { Type, type Static } from '@sinclair/typebox';
import { MultilineText } from './text-in-values';

/** Where a rectification (整改) stands; 已核验 once a 回头看 or an inspector has confirmed it. */
export const RECTIFICATION_STATUSES = ['待整改', '整改中', '已整改', '已核验'] as const;
export type RectificationStatus = (typeof RECTIFICATION_STATUSES)[number];
const StatusSchema = literalUnion(RECTIFICATION_STATUSES);
const Date = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });

/** A closed round below its threshold (lowest tier, or work reported 不符) with no rectification yet. */
export const FollowupCandidateSchema = Type.Object({
  auditeeNumber: Type.String(),
  name: Type.String(),
  unit: Type.String(),
  eventId: Type.String(),
  eventTitle: Type.String(),
  auditedOn: Type.String(),
  tier: Type.Union([Type.String(), Type.Null()]),
  combinedHundredths: Type.Union([Type.Integer(), Type.Null()]),
  reasons: Type.Array(Type.String()),
});
export type FollowupCandidate = Static<typeof FollowupCandidateSchema>;

export const RectificationSchema = Type.Object({
  id: Type.Integer(),
  auditeeNumber: Type.String(),
  name: Type.String(),
  unit: Type.String(),
  eventId: Type.String(),
  eventTitle: Type.String(),
  item: Type.String(),
  owner: Type.String(),
  deadline: Type.String(),
  status: StatusSchema,
  note: Type.String(),
  /** Past its deadline and not yet put right. */
  overdue: Type.Boolean(),
  updatedAt: Type.String(),
});
export type Rectification = Static<typeof RectificationSchema>;

export const FollowupsSchema = Type.Object({
  candidates: Type.Array(FollowupCandidateSchema),
  items: Type.Array(RectificationSchema),
});
export type Followups = Static<typeof FollowupsSchema>;

export const CreateRectificationBodySchema = Type.Object(
  {
    program: Type.String({ maxLength: 64 }),
    auditeeNumber: Type.String({ minLength: 1, maxLength: 32 }),
    eventId: Type.String({ minLength: 1, maxLength: 40 }),
    item: Type.String({ minLength: 2, maxLength: 300 }),
    owner: Type.String({ minLength: 1, maxLength: 40 }),
    deadline: Date,
  },
  { additionalProperties: false },
);
export type CreateRectificationBody = Static<typeof CreateRectificationBodySchema>;

export const UpdateRectificationBodySchema = Type.Object(
  { status: StatusSchema, note: MultilineText({ maxLength: 300 }) },
  { additionalProperties: false },
);
export type UpdateRectificationBody = Static<typeof UpdateRectificationBodySchema>;

/** A 回头看: a draft event whose plan draws only from the cadres with open rectifications. */
export const RecheckBodySchema = Type.Object(
  {
    program: Type.String({ maxLength: 64 }),
    title: Type.String({ minLength: 1, maxLength: 100 }),
    eventDate: Date,
    count: Type.Integer({ minimum: 1, maximum: 1000 }),
  },
  { additionalProperties: false },
);
export type RecheckBody = Static<typeof RecheckBodySchema>;
