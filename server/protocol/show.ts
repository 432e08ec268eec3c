import { Type, type Static, type TLiteral, type TUnion } from '@sinclair/typebox';
import { AuditeeReasonSchema, ContactReasonSchema, DrawPlanSchema } from './draw';
import { ScoringRulesSchema } from './scoring';
import type { ErrorBody } from './errors';

/**
 * The show contract: events (抽查活动), the commands a console sends, the snapshot every client
 * renders, and the socket events. Server and UIs import it; payloads are validated from these
 * schemas on the server.
 */
export const EventModeSchema = Type.Union([
  Type.Literal('televised'),
  Type.Literal('special'),
  Type.Literal('routine'),
]);
export const EVENT_MODE_LABEL = { televised: '电视集中抽查', special: '专项抽查', routine: '日常抽查' } as const;

export const JudgeSettingSchema = Type.Object(
  {
    seat: Type.Integer({ minimum: 1, maximum: 30 }),
    name: Type.String({ minLength: 1, maxLength: 32 }),
    /** 4–6 digits, printed on the seat's join sheet. */
    pin: Type.String({ pattern: '^[0-9]{4,6}$' }),
    /** Auditee numbers this judge must not score (回避). */
    recusals: Type.Array(Type.String({ maxLength: 32 }), { maxItems: 100 }),
  },
  { additionalProperties: false },
);
export type JudgeSetting = Static<typeof JudgeSettingSchema>;

export const EventSettingsSchema = Type.Object(
  {
    plan: DrawPlanSchema,
    reportMinutes: Type.Integer({ minimum: 1, maximum: 30 }),
    rollSeconds: Type.Integer({ minimum: 2, maximum: 20 }),
    judges: Type.Optional(Type.Array(JudgeSettingSchema, { maxItems: 30 })),
  },
  { additionalProperties: false },
);
export type EventSettings = Static<typeof EventSettingsSchema>;

export const CreateEventBodySchema = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 100 }),
    eventDate: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }),
    venue: Type.String({ maxLength: 100 }),
    mode: EventModeSchema,
    settings: EventSettingsSchema,
  },
  { additionalProperties: false },
);
export type CreateEventBody = Static<typeof CreateEventBodySchema>;

export const EventStatusSchema = Type.Union([
  Type.Literal('draft'),
  Type.Literal('sealed'),
  Type.Literal('live'),
  Type.Literal('closed'),
  /** The stored log or frozen draw fails its checks: nothing runs until it is looked at. */
  Type.Literal('damaged'),
]);
export type EventStatus = Static<typeof EventStatusSchema>;
export const EVENT_STATUS_LABEL: Record<EventStatus, string> = {
  draft: '草稿',
  sealed: '已封存',
  live: '直播中',
  closed: '已结束',
  damaged: '数据校验失败',
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
  settings: EventSettingsSchema,
});
export type EventSummary = Static<typeof EventSummarySchema>;

/**
 * The judges' reveal, in server time from the reveal: each seat's score appears in turn, then the
 * highest and lowest are struck through, then the final score. Every output shows the same moment.
 */
export const REVEAL_TIMING = { leadMs: 800, perSeatMs: 700, strikeMs: 900, finalMs: 900 } as const;

/** The steps of a round, in order (the run-of-show's state machine moves through them). */
export const ROUND_STEPS = [
  'drawing',
  'presented',
  'reporting',
  'reported',
  'households',
  'judging',
  'judging-locked',
  'scores-revealed',
  'result',
] as const;
export type RoundStep = (typeof ROUND_STEPS)[number];
export const ROUND_STEP_LABEL: Record<RoundStep, string> = {
  drawing: '抽取人员',
  presented: '人员到场',
  reporting: '述职计时中',
  reported: '述职结束',
  households: '电话核实',
  judging: '评委评分中',
  'judging-locked': '评分已锁定',
  'scores-revealed': '已公布评分',
  result: '本轮结果',
};

/** The graphics of the broadcast overlay, one per step of the run-of-show. */
export const GRAPHICS = [
  'opening',
  'entropy',
  'roll',
  'auditee',
  'countdown',
  'households',
  'judges',
  'result',
  'summary',
] as const;
export type Graphic = (typeof GRAPHICS)[number];
export const GraphicSchema = Type.Union(GRAPHICS.map((g) => Type.Literal(g))) as unknown as TUnion<TLiteral<Graphic>[]>;

export const GRAPHIC_LABEL: Record<Graphic, string> = {
  opening: '开场卡',
  entropy: '公开随机数',
  roll: '摇号',
  auditee: '人员字幕条',
  countdown: '述职倒计时',
  households: '入户核实',
  judges: '评委评分',
  result: '本轮结果',
  summary: '本场汇总',
};

const GraphicCueSchema = Type.Object({
  graphic: GraphicSchema,
  round: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]),
});

/** Operators' commands; the server adds the time. Irreversible ones are listed in run-of-show.ts. */
export const ShowCommandBodySchema = Type.Union([
  Type.Object({ type: Type.Literal('open') }, { additionalProperties: false }),
  Type.Object(
    { type: Type.Literal('lockEntropy'), entropy: Type.String({ maxLength: 400 }) },
    { additionalProperties: false },
  ),
  Type.Object({ type: Type.Literal('reveal') }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('drawAuditee') }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('presentAuditee') }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('replaceAuditee'), reason: AuditeeReasonSchema }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('startReport') }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('pauseReport') }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('resumeReport') }, { additionalProperties: false }),
  Type.Object(
    { type: Type.Literal('extendReport'), seconds: Type.Integer({ minimum: 1, maximum: 600 }) },
    { additionalProperties: false },
  ),
  Type.Object({ type: Type.Literal('endReport') }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('drawHouseholds') }, { additionalProperties: false }),
  Type.Object(
    {
      type: Type.Literal('setCallStatus'),
      household: Type.String({ maxLength: 32 }),
      callStatus: Type.Union([
        Type.Literal('待呼叫'),
        Type.Literal('呼叫中'),
        Type.Literal('已接通'),
        Type.Literal('未接通'),
      ]),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      type: Type.Literal('recordOutcome'),
      household: Type.String({ maxLength: 32 }),
      outcome: Type.Union([Type.Literal('属实'), Type.Literal('不符'), Type.Literal('未联系上')]),
      satisfaction: Type.Union([
        Type.Literal('满意'),
        Type.Literal('基本满意'),
        Type.Literal('不满意'),
        Type.Literal('不了解'),
        Type.Null(),
      ]),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    { type: Type.Literal('replaceHousehold'), household: Type.String({ maxLength: 32 }), reason: ContactReasonSchema },
    { additionalProperties: false },
  ),
  Type.Object({ type: Type.Literal('openJudging') }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('lockJudging') }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('revealScores') }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('showResult') }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('finishRound') }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('close') }, { additionalProperties: false }),
  Type.Object(
    {
      type: Type.Literal('cue'),
      graphic: GraphicSchema,
      round: Type.Union([Type.Integer({ minimum: 0, maximum: 1000 }), Type.Null()]),
    },
    { additionalProperties: false },
  ),
  Type.Object({ type: Type.Literal('take') }, { additionalProperties: false }),
  /** Supervisor: ask one judge to recheck their score once, before the lock. */
  Type.Object(
    { type: Type.Literal('requestRecheck'), seat: Type.Integer({ minimum: 1, maximum: 30 }) },
    { additionalProperties: false },
  ),
  /** Supervisor: correct a seat's score after the lock, with a reason; the old version stays in the log. */
  Type.Object(
    {
      type: Type.Literal('correctScore'),
      seat: Type.Integer({ minimum: 1, maximum: 30 }),
      items: Type.Array(Type.Number({ minimum: 0, maximum: 100 }), { minItems: 1, maxItems: 10 }),
      reason: Type.String({ minLength: 2, maxLength: 200 }),
    },
    { additionalProperties: false },
  ),
  Type.Object({ type: Type.Literal('clearAll') }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('setBug'), visible: Type.Boolean() }, { additionalProperties: false }),
]);
export type ShowCommandBody = Static<typeof ShowCommandBodySchema>;

/**
 * Commands that cannot be undone (draws, reveals, closing): UIs must ask for a deliberate
 * confirmation (hold or type-to-confirm) before sending them, never act on a single click.
 */
export const IRREVERSIBLE_COMMANDS: ReadonlySet<ShowCommandBody['type']> = new Set([
  'lockEntropy',
  'reveal',
  'drawAuditee',
  'replaceAuditee',
  'drawHouseholds',
  'replaceHousehold',
  'revealScores',
  'close',
]);

/** Who may send a command: the operator runs the show; the supervisor also locks entropy, and alone asks for rechecks and corrects scores. */
export function rolesFor(type: ShowCommandBody['type']): ('operator' | 'supervisor')[] {
  if (type === 'lockEntropy') return ['operator', 'supervisor'];
  if (type === 'requestRecheck' || type === 'correctScore') return ['supervisor'];
  return ['operator'];
}

/** A command as sent: the revision the sender last saw, and a key that makes retries safe. */
export const ShowCommandEnvelopeSchema = Type.Object(
  {
    revision: Type.Integer({ minimum: 0 }),
    idempotencyKey: Type.String({ minLength: 8, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' }),
    command: ShowCommandBodySchema,
  },
  { additionalProperties: false },
);
export type ShowCommandEnvelope = Static<typeof ShowCommandEnvelopeSchema>;

const HouseholdViewSchema = Type.Object({
  number: Type.String(),
  /** Masked (张*三) for everyone but staff. */
  name: Type.String(),
  village: Type.String(),
  /** Masked (138****1234) for everyone but staff. */
  phone: Type.String(),
  callStatus: Type.String(),
  outcome: Type.Union([Type.String(), Type.Null()]),
  satisfaction: Type.Union([Type.String(), Type.Null()]),
  replaced: Type.Union([
    Type.Object({ reason: Type.String(), by: Type.Union([Type.String(), Type.Null()]) }),
    Type.Null(),
  ]),
});

const AuditeeViewSchema = Type.Object({
  number: Type.String(),
  name: Type.String(),
  unit: Type.String(),
  post: Type.String(),
  gridPath: Type.String(),
});

/** The scoring of a round, computed on the server by the scoring rules (see server/scoring). */
const RoundScoreViewSchema = Type.Object({
  judges: Type.Union([
    Type.Object({
      counted: Type.Array(Type.Integer()),
      droppedHigh: Type.Array(Type.Integer()),
      droppedLow: Type.Array(Type.Integer()),
      method: Type.String(),
      finalHundredths: Type.Integer(),
      announcement: Type.String(),
    }),
    Type.Null(),
  ]),
  households: Type.Object({
    sampled: Type.Integer(),
    reached: Type.Integer(),
    counted: Type.Integer(),
    satisfied: Type.Integer(),
    confirmed: Type.Integer(),
    satisfactionRateHundredths: Type.Union([Type.Integer(), Type.Null()]),
    responseRateHundredths: Type.Union([Type.Integer(), Type.Null()]),
    scoreHundredths: Type.Union([Type.Integer(), Type.Null()]),
  }),
  combinedHundredths: Type.Union([Type.Integer(), Type.Null()]),
  tier: Type.Union([Type.String(), Type.Null()]),
});
export type RoundScoreView = Static<typeof RoundScoreViewSchema>;

/** Judging of a round as a role may see it: scores only for staff, and for all after the reveal. */
const JudgingViewSchema = Type.Object({
  seats: Type.Array(
    Type.Object({ seat: Type.Integer(), name: Type.String(), recused: Type.Boolean(), submitted: Type.Boolean() }),
  ),
  submitted: Type.Integer(),
  expected: Type.Integer(),
  scores: Type.Union([
    Type.Array(Type.Object({ seat: Type.Integer(), score: Type.Number(), items: Type.Array(Type.Number()) })),
    Type.Null(),
  ]),
  /** Seats whose score is far from the panel's median (supervisor only; never on air). */
  outliers: Type.Array(Type.Integer()),
  /** Seats the supervisor asked to recheck (a judge sees only whether they were asked). */
  rechecks: Type.Array(Type.Integer()),
  /** Corrections after the lock, by the supervisor, with reasons (staff, and everyone after the reveal). */
  corrections: Type.Array(
    Type.Object({ seat: Type.Integer(), from: Type.Number(), to: Type.Number(), reason: Type.String() }),
  ),
  /** A judge's own current score (judges only), total and per criterion. */
  mine: Type.Union([Type.Object({ score: Type.Number(), items: Type.Array(Type.Number()) }), Type.Null()]),
});

export const RoundViewSchema = Type.Object({
  index: Type.Integer(),
  step: Type.String(),
  auditee: AuditeeViewSchema,
  /**
   * The roll, scheduled in server time. The reel is a sample of the real pool, fixed by the draw,
   * ending on the drawn auditee: every output shows the same frame at the same moment.
   */
  roll: Type.Object({
    startsAt: Type.Number(),
    landsAt: Type.Number(),
    reel: Type.Array(Type.Object({ number: Type.String(), name: Type.String() })),
  }),
  replacedAuditees: Type.Array(Type.Object({ number: Type.String(), name: Type.String(), reason: Type.String() })),
  report: Type.Object({
    durationMs: Type.Number(),
    status: Type.String(),
    runningSince: Type.Union([Type.Number(), Type.Null()]),
    elapsedMs: Type.Number(),
  }),
  households: Type.Array(HouseholdViewSchema),
  judging: JudgingViewSchema,
  /** Server time the scores were revealed; outputs show them in turn from then (REVEAL_TIMING). */
  revealedAt: Type.Union([Type.Number(), Type.Null()]),
  /** Computed from the published scores once they are revealed (null before). */
  score: Type.Union([RoundScoreViewSchema, Type.Null()]),
});
export type RoundView = Static<typeof RoundViewSchema>;

/** Everything a client renders, for its role, at one revision. */
export const ShowSnapshotSchema = Type.Object({
  eventId: Type.String(),
  title: Type.String(),
  eventDate: Type.String(),
  venue: Type.String(),
  mode: EventModeSchema,
  rehearsal: Type.Boolean(),
  status: EventStatusSchema,
  revision: Type.Integer(),
  serverTime: Type.Number(),
  role: Type.String(),
  draw: Type.Object({
    drawId: Type.String(),
    rosterHash: Type.String(),
    planHash: Type.String(),
    poolHash: Type.String(),
    poolSize: Type.Integer(),
    /** How many auditees the plan draws: the number of rounds of the show. */
    plannedRounds: Type.Integer(),
    commitment: Type.String(),
    entropy: Type.Union([Type.String(), Type.Null()]),
    secret: Type.Union([Type.String(), Type.Null()]),
    seed: Type.Union([Type.String(), Type.Null()]),
    /** The plan's scope in words (which part of the county, units, industries). */
    scope: Type.String(),
  }),
  /** What the outputs show: program (on air), preview (cued) and the event bug. */
  air: Type.Object({
    program: Type.Union([GraphicCueSchema, Type.Null()]),
    preview: Type.Union([GraphicCueSchema, Type.Null()]),
    bug: Type.Boolean(),
  }),
  rounds: Type.Array(RoundViewSchema),
  /** Judges' seats of the event (0: a check without judges, whose rounds end after the calls). */
  judgeSeats: Type.Integer(),
  /** How rounds are scored (declared in the plan): criteria for the tablets, rules for everyone. */
  scoring: ScoringRulesSchema,
  logHead: Type.String(),
});
export type ShowSnapshot = Static<typeof ShowSnapshotSchema>;

export type ClientRole = 'staff' | 'overlay' | 'public' | 'judge';

/** The answer to a command, over HTTP and socket acks alike. */
export type CommandAck =
  { ok: true; revision: number; repeated: boolean } | (ErrorBody & { ok: false; snapshot?: ShowSnapshot });

/** One connected output or desk, as the operator's monitor shows it. */
export interface PresenceEntry {
  socketId: string;
  role: ClientRole;
  label: string;
  connectedAt: number;
  /** Round-trip time of the last ping, in ms; null until measured. */
  rttMs: number | null;
}

export interface ServerToClientEvents {
  /** The whole state for the client's role; sent on connect, after every change, and on request. */
  'show:snapshot': (snapshot: ShowSnapshot) => void;
  /** To staff: every connected output and desk of the event. */
  'show:presence': (entries: PresenceEntry[]) => void;
  /** Measures the round trip; the client answers at once. */
  'presence:ping': (ack: () => void) => void;
  /** The operator asked this output to reload itself. */
  'output:reload': () => void;
}

export interface ClientToServerEvents {
  'show:command': (envelope: ShowCommandEnvelope, ack: (answer: CommandAck) => void) => void;
  /** Asks for a fresh snapshot, e.g. after noticing a gap in revisions. */
  'show:sync': (ack: (snapshot: ShowSnapshot) => void) => void;
  /** A judge's score for the round and auditee it was entered for; the id makes retries safe. */
  'judge:submit': (submission: JudgeSubmission, ack: (answer: CommandAck) => void) => void;
  /** The server's clock, so outputs schedule the roll and the countdown in server time. */
  'clock:sync': (ack: (serverTime: number) => void) => void;
  /** Operator only: ask one connected output to reload. */
  'output:reload': (target: { socketId: string }, ack: (answer: { ok: true } | ErrorBody) => void) => void;
}

export const JudgeSubmissionSchema = Type.Object(
  {
    submissionId: Type.String({ minLength: 8, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' }),
    round: Type.Integer({ minimum: 0 }),
    auditeeNumber: Type.String({ maxLength: 32 }),
    /** Points per criterion of the event's rules, in their order (a single overall score: one item). */
    items: Type.Array(Type.Number({ minimum: 0, maximum: 100 }), { minItems: 1, maxItems: 10 }),
  },
  { additionalProperties: false },
);
export type JudgeSubmission = Static<typeof JudgeSubmissionSchema>;

export const JudgeJoinBodySchema = Type.Object(
  {
    eventId: Type.String({ maxLength: 40 }),
    seat: Type.Integer({ minimum: 1, maximum: 30 }),
    token: Type.String({ maxLength: 64 }),
    pin: Type.String({ maxLength: 6 }),
    deviceId: Type.String({ minLength: 8, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' }),
  },
  { additionalProperties: false },
);
export type JudgeJoinBody = Static<typeof JudgeJoinBodySchema>;

export const JudgeJoinResultSchema = Type.Object({
  judgeKey: Type.String(),
  seat: Type.Integer(),
  name: Type.String(),
});

export const SeatViewSchema = Type.Object({
  seat: Type.Integer(),
  name: Type.String(),
  pin: Type.String(),
  joinPath: Type.String(),
  joined: Type.Boolean(),
});
export type SeatView = Static<typeof SeatViewSchema>;

/** What a socket says about itself when it connects (socket.io `auth`). */
export const SocketAuthSchema = Type.Object(
  {
    eventId: Type.String({ maxLength: 64 }),
    role: Type.Union([Type.Literal('staff'), Type.Literal('overlay'), Type.Literal('public'), Type.Literal('judge')]),
    key: Type.Optional(Type.String({ maxLength: 128 })),
    label: Type.Optional(Type.String({ maxLength: 64 })),
    /** Added by the socket.io client when it reconnects after a drop (connection state recovery). */
    pid: Type.Optional(Type.String({ maxLength: 128 })),
    offset: Type.Optional(Type.String({ maxLength: 128 })),
  },
  { additionalProperties: false },
);
export type SocketAuth = Static<typeof SocketAuthSchema>;

/** One accepted command of the show log as the console's event log lists it (staff only). */
export const EventLogEntrySchema = Type.Object({
  seq: Type.Integer(),
  at: Type.String(),
  actor: Type.String(),
  type: Type.String(),
  /** What happened, in Chinese. */
  text: Type.String(),
  hash: Type.String(),
});
export type EventLogEntry = Static<typeof EventLogEntrySchema>;

/** How the public site names auditees: in full, or masked like households (张*三). */
export const PublicNamesSchema = Type.Union([Type.Literal('full'), Type.Literal('masked')]);
export type PublicNames = Static<typeof PublicNamesSchema>;

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
});
export type PublicEvent = Static<typeof PublicEventSchema>;
