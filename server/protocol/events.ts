import { Type, type Static } from '@sinclair/typebox';
import { DrawPlanSchema, NotaryCommitmentSchema } from './draw';
import { literalUnion } from './literal-union';
import { EventModeSchema } from './modes';

/**
 * Events (抽查活动): how they are declared (mode, plan, timings, judges), where they stand, the
 * county's settings for the public site, and what the public site lists of each.
 */
export { EVENT_MODES, EVENT_MODE_LABEL, EventModeSchema, type EventMode } from './modes';

const judgeFields = {
  seat: Type.Integer({ minimum: 1, maximum: 30 }),
  name: Type.String({ minLength: 1, maxLength: 32 }),
  /** Auditee numbers this judge must not score (回避). */
  recusals: Type.Array(Type.String({ maxLength: 32 }), { maxItems: 100 }),
};
/** 4–6 digits, printed on the seat's join sheet. */
const PinSchema = Type.String({ pattern: '^[0-9]{4,6}$' });

/** A judge as stored: with the seat's PIN. */
export const JudgeSettingSchema = Type.Object({ ...judgeFields, pin: PinSchema }, { additionalProperties: false });
export type JudgeSetting = Static<typeof JudgeSettingSchema>;

/**
 * A judge as the event editor sends it. PINs are never read back (only the operator's seat list
 * and printable sheet carry them), so the editor sends a PIN only when one is typed: left out, the
 * seat keeps the PIN it has.
 */
export const JudgeSettingBodySchema = Type.Object(
  { ...judgeFields, pin: Type.Optional(PinSchema) },
  { additionalProperties: false },
);
export type JudgeSettingBody = Static<typeof JudgeSettingBodySchema>;

/** A judge as staff read an event back: no PIN. */
export const JudgeViewSchema = Type.Object(judgeFields);
export type JudgeView = Static<typeof JudgeViewSchema>;

const settingsFields = {
  plan: DrawPlanSchema,
  reportMinutes: Type.Integer({ minimum: 1, maximum: 30 }),
  rollSeconds: Type.Integer({ minimum: 2, maximum: 20 }),
};
export const EventSettingsSchema = Type.Object(
  { ...settingsFields, judges: Type.Optional(Type.Array(JudgeSettingSchema, { maxItems: 30 })) },
  { additionalProperties: false },
);
export type EventSettings = Static<typeof EventSettingsSchema>;
export const EventSettingsBodySchema = Type.Object(
  { ...settingsFields, judges: Type.Optional(Type.Array(JudgeSettingBodySchema, { maxItems: 30 })) },
  { additionalProperties: false },
);
export const EventSettingsViewSchema = Type.Object({
  ...settingsFields,
  judges: Type.Optional(Type.Array(JudgeViewSchema, { maxItems: 30 })),
});
export type EventSettingsView = Static<typeof EventSettingsViewSchema>;

export const CreateEventBodySchema = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 100 }),
    eventDate: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }),
    venue: Type.String({ maxLength: 100 }),
    mode: EventModeSchema,
    settings: EventSettingsBodySchema,
  },
  { additionalProperties: false },
);
export type CreateEventBody = Static<typeof CreateEventBodySchema>;

/** Where an event stands; `damaged`: its stored log or frozen draw fails its checks, nothing runs until it is looked at. */
export const EVENT_STATUSES = ['draft', 'sealed', 'live', 'closed', 'abandoned', 'damaged'] as const;
export type EventStatus = (typeof EVENT_STATUSES)[number];
export const EventStatusSchema = literalUnion(EVENT_STATUSES);
export const EVENT_STATUS_LABEL: Record<EventStatus, string> = {
  draft: '草稿',
  sealed: '已封存',
  live: '直播中',
  closed: '已结束',
  abandoned: '已作废',
  damaged: '数据校验失败',
};
/** How the public site names the statuses it lists (drafts and damaged events are never public). */
export const PUBLIC_STATUS_LABEL: Record<EventStatus, string> = {
  ...EVENT_STATUS_LABEL,
  sealed: '已公告，待进行',
  live: '正在进行',
};

export const EventSummarySchema = Type.Object({
  id: Type.String(),
  title: Type.String(),
  eventDate: Type.String(),
  venue: Type.String(),
  mode: EventModeSchema,
  programCode: Type.String(),
  rehearsal: Type.Boolean(),
  rehearsalOf: Type.Union([Type.String(), Type.Null()]),
  status: EventStatusSchema,
  drawId: Type.Union([Type.String(), Type.Null()]),
  settings: EventSettingsViewSchema,
  /** The notary's commitment registered from their own device (before sealing; public once sealed). */
  notaryCommitment: Type.Union([Type.String(), Type.Null()]),
});
export type EventSummary = Static<typeof EventSummarySchema>;

/** How the public site names auditees: in full, or masked like households (张*三). */
export const PUBLIC_NAMES = ['full', 'masked'] as const;
export type PublicNames = (typeof PUBLIC_NAMES)[number];
export const PublicNamesSchema = literalUnion(PUBLIC_NAMES);

export const CountySettingsSchema = Type.Object(
  { publicAuditeeNames: PublicNamesSchema },
  { additionalProperties: false },
);
export type CountySettings = Static<typeof CountySettingsSchema>;

/** A sealed, live or closed event as the public site lists it: its announcement, never names. */
export const PublicEventSchema = Type.Object({
  id: Type.String(),
  title: Type.String(),
  eventDate: Type.String(),
  venue: Type.String(),
  mode: EventModeSchema,
  status: EventStatusSchema,
  drawId: Type.String(),
  scope: Type.String(),
  poolSize: Type.Integer(),
  plannedRounds: Type.Integer(),
  rosterHash: Type.String(),
  planHash: Type.String(),
  poolHash: Type.String(),
  commitment: Type.String(),
  /** The notary's commitment as sealed (null: a single-party draw); simulated in a rehearsal. */
  notary: Type.Union([NotaryCommitmentSchema, Type.Null()]),
});
export type PublicEvent = Static<typeof PublicEventSchema>;
