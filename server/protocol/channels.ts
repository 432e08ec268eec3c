import { Type, type Static } from '@sinclair/typebox';
import { DecimalInteger } from './decimal-integer';
import { literalUnion } from './literal-union';
import { GraphicSchema } from './round';

/**
 * The installation's outputs (output channels, the venue's judges' seats) follow one event at a
 * time: the live event or its rehearsal. The operator switches it; every output and tablet moves.
 */
export const FollowViewSchema = Type.Object({
  /** The event followed, or null before the operator chose one. */
  eventId: Type.Union([Type.String(), Type.Null()]),
  title: Type.Union([Type.String(), Type.Null()]),
  rehearsal: Type.Boolean(),
  changedAt: Type.Union([Type.String(), Type.Null()]),
  changedBy: Type.Union([Type.String(), Type.Null()]),
});
export type FollowView = Static<typeof FollowViewSchema>;

export const FollowBodySchema = Type.Object(
  { eventId: Type.String({ pattern: '^[A-Za-z0-9-]{1,40}$' }) },
  { additionalProperties: false },
);
export type FollowBody = Static<typeof FollowBodySchema>;

/** What a channel shows: the program (on air), or the cued graphics (a preview monitor). */
export const CHANNEL_KINDS = ['program', 'preview'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];
export const ChannelKindSchema = literalUnion(CHANNEL_KINDS);
export const CHANNEL_KIND_LABEL: Record<ChannelKind, string> = { program: '节目', preview: '预览' };

/** What is behind the graphics: nothing (alpha, for a keyer) or a green key colour. */
export const CHANNEL_BACKGROUNDS = ['none', 'green'] as const;
export type ChannelBackground = (typeof CHANNEL_BACKGROUNDS)[number];
export const ChannelBackgroundSchema = literalUnion(CHANNEL_BACKGROUNDS);
export const CHANNEL_BACKGROUND_LABEL: Record<ChannelBackground, string> = { none: '透明', green: '绿底' };

const ChannelName = Type.String({ minLength: 1, maxLength: 24 });
export const CHANNEL_ID_PATTERN = '^[A-Za-z0-9-]{1,40}$';

/** One output channel as the operator sees it: its permanent path carries its key. */
export const ChannelViewSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  kind: ChannelKindSchema,
  background: ChannelBackgroundSchema,
  key: Type.String(),
  position: Type.Integer(),
  created: Type.String(),
  /** `/overlay?channel=<id>&key=<key>`, to be put behind the public address. */
  path: Type.String(),
});
export type ChannelView = Static<typeof ChannelViewSchema>;

export const ChannelCreateBodySchema = Type.Object(
  { name: ChannelName, kind: ChannelKindSchema, background: ChannelBackgroundSchema },
  { additionalProperties: false },
);
export type ChannelCreateBody = Static<typeof ChannelCreateBodySchema>;

export const ChannelUpdateBodySchema = Type.Object(
  {
    name: Type.Optional(ChannelName),
    kind: Type.Optional(ChannelKindSchema),
    background: Type.Optional(ChannelBackgroundSchema),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type ChannelUpdateBody = Static<typeof ChannelUpdateBodySchema>;

export const ChannelParamsSchema = Type.Object({ channelId: Type.String({ pattern: CHANNEL_ID_PATTERN }) });

/**
 * What an output reports of itself every few seconds (`output:stats`): the frame it renders
 * (CSS pixels × device pixel ratio), the frame rate it measured with requestAnimationFrame, the
 * revision it draws and the graphics on screen.
 */
export const OutputStatsSchema = Type.Object(
  {
    width: Type.Integer({ minimum: 0, maximum: 16384 }),
    height: Type.Integer({ minimum: 0, maximum: 16384 }),
    pixelRatio: Type.Number({ minimum: 0, maximum: 16 }),
    fps: Type.Number({ minimum: 0, maximum: 1000 }),
    revision: Type.Integer({ minimum: -1 }),
    graphics: Type.Array(GraphicSchema, { maxItems: 12 }),
  },
  { additionalProperties: false },
);
export type OutputStats = Static<typeof OutputStatsSchema>;

/** One output connected on a channel, for the monitor. */
export const ChannelConnectionSchema = Type.Object({
  socketId: Type.String(),
  connectedAt: Type.Number(),
  rttMs: Type.Union([Type.Number(), Type.Null()]),
  /** The event the output is showing now (null: standby). */
  eventId: Type.Union([Type.String(), Type.Null()]),
  stats: Type.Union([OutputStatsSchema, Type.Null()]),
  /** Server time of the last report. */
  reportedAt: Type.Union([Type.Number(), Type.Null()]),
});
export type ChannelConnection = Static<typeof ChannelConnectionSchema>;

export const ChannelMonitorRowSchema = Type.Object({
  channel: ChannelViewSchema,
  connections: Type.Array(ChannelConnectionSchema),
});
export type ChannelMonitorRow = Static<typeof ChannelMonitorRowSchema>;

/** The channels page: what is followed, every channel with its connected outputs. */
export const ChannelsViewSchema = Type.Object({
  follow: FollowViewSchema,
  /** The origin the permanent links are built on (the configured public address). */
  publicUrl: Type.String(),
  channels: Type.Array(ChannelMonitorRowSchema),
});
export type ChannelsView = Static<typeof ChannelsViewSchema>;

/** A channel's settings as its output applies them (sent on connect, after a change and on every switch). */
export const ChannelNoticeSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  kind: ChannelKindSchema,
  background: ChannelBackgroundSchema,
  /** The event the output now shows; null: nothing followed (standby). */
  eventId: Type.Union([Type.String(), Type.Null()]),
});
export type ChannelNotice = Static<typeof ChannelNoticeSchema>;

/** A venue seat's number (the same range as an event's seats). */
export const VENUE_SEAT = { minimum: 1, maximum: 30 } as const;

/**
 * Where a venue seat's tablet stands: scoring as that seat of the followed event (`bound`),
 * nothing followed (`standby`), the followed event has no such seat (`no-seat`), or the event's
 * seat is held by a tablet that joined it by the event's own link (`taken`).
 */
export const VENUE_BINDINGS = ['bound', 'standby', 'no-seat', 'taken'] as const;
export type VenueBinding = (typeof VENUE_BINDINGS)[number];
export const VenueBindingSchema = literalUnion(VENUE_BINDINGS);
export const VENUE_BINDING_LABEL: Record<VenueBinding, string> = {
  bound: '已接入本场',
  standby: '待命：尚未选择跟随的场次',
  'no-seat': '本场没有这个席位',
  taken: '本场该席位已由另一台设备加入',
};

/** The operator's view of a venue seat (the sheet prints it). */
export const VenueSeatViewSchema = Type.Object({
  seat: Type.Integer(),
  pin: Type.String(),
  joinPath: Type.String(),
  joined: Type.Boolean(),
  binding: VenueBindingSchema,
  /** The followed event's judge at this seat, if it has one. */
  name: Type.Union([Type.String(), Type.Null()]),
});
export type VenueSeatView = Static<typeof VenueSeatViewSchema>;

/** What a venue seat's tablet is told: which event and judge it now scores as. */
export const VenueSeatNoticeSchema = Type.Object({
  seat: Type.Integer(),
  binding: VenueBindingSchema,
  eventId: Type.Union([Type.String(), Type.Null()]),
  title: Type.Union([Type.String(), Type.Null()]),
  rehearsal: Type.Boolean(),
  name: Type.Union([Type.String(), Type.Null()]),
});
export type VenueSeatNotice = Static<typeof VenueSeatNoticeSchema>;

export const VenueJoinBodySchema = Type.Object(
  {
    seat: Type.Integer(VENUE_SEAT),
    token: Type.String({ maxLength: 64 }),
    pin: Type.String({ maxLength: 6 }),
    deviceId: Type.String({ minLength: 8, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' }),
  },
  { additionalProperties: false },
);
export type VenueJoinBody = Static<typeof VenueJoinBodySchema>;

export const VenueJoinResultSchema = Type.Object({ venueKey: Type.String(), seat: Type.Integer() });
export type VenueJoinResult = Static<typeof VenueJoinResultSchema>;

/** The venue seat link's query: it opens the seat's card (what the sheet prints), never a score. */
export const VenueSeatLinkQuerySchema = Type.Object(
  { seat: DecimalInteger(VENUE_SEAT), token: Type.String({ maxLength: 64 }) },
  { additionalProperties: false },
);
export type VenueSeatLinkQuery = Static<typeof VenueSeatLinkQuerySchema>;

export const VenueSeatParamsSchema = Type.Object({ seat: DecimalInteger(VENUE_SEAT) });
