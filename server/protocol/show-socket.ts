import { Type, type Static } from '@sinclair/typebox';
import type { ErrorBody } from './errors';
import { literalUnion } from './literal-union';
import type { JudgeSubmission } from './judges';
import { ClientRoleSchema, type ClientRole } from './round';
import type { ShowCommandEnvelope } from './show-commands';
import type { ShowSnapshot } from './show-views';
import type { ChannelNotice, OutputStats, VenueSeatNotice } from './channels';
import type { FanoutStatus } from './fanout';

/**
 * How the desk, the outputs and the judges' tablets retry after losing the server. socket.io's
 * default first waits 0.5–1.5 s, then up to 3 s more, and a crashed server that npm start has back
 * in well under a second would stay off the programme for that long. These few clients retry
 * after 0.125–0.375 s, then every 0.25–0.5 s; the public page keeps the defaults, so that its
 * thousands of phones do not all come back at once.
 */
export const ON_AIR_RECONNECTION = { reconnectionDelay: 250, reconnectionDelayMax: 500 } as const;

/** The socket contract: what each side emits, the answer to a command, and a socket's credentials. */
/** The answer to a command, over HTTP and socket acks alike. */
export type CommandAck =
  { ok: true; revision: number; repeated: boolean } | (ErrorBody & { ok: false; snapshot?: ShowSnapshot });

/**
 * The answer to an event a public, output or judge socket sent faster than its limit
 * (SOCKET_RATE_LIMITED, see server/live/socket-limits.ts). Staff sockets are never limited.
 */
export type RateLimitedAck = ErrorBody & { ok: false };

/** One connected output or desk, as the operator's monitor shows it. */
export interface PresenceEntry {
  socketId: string;
  role: ClientRole;
  label: string;
  connectedAt: number;
  /** Round-trip time of the last ping, in ms; null until measured. */
  rttMs: number | null;
  /** An output channel's id, when the output came by its channel's permanent link. */
  channelId?: string;
  /** An output's last report of itself (frame, frame rate, what it draws). */
  stats?: OutputStats | null;
}

/** A judge's seat as the desk sees it: its tablet's connection and whether it holds an unsent score. */
export interface SeatStatus {
  seat: number;
  online: boolean;
  /** Server time the tablet was last heard from (connect, ping, report, disconnect); null: never. */
  lastContactAt: number | null;
  /** The tablet's last report: a score entered and not yet acknowledged by the server. */
  unsent: boolean;
}

/** What a tablet reports of itself. */
export const JudgeStatusSchema = Type.Object({ unsent: Type.Boolean() }, { additionalProperties: false });
export type JudgeStatus = Static<typeof JudgeStatusSchema>;

/**
 * The notary's digits as they type them, before the lock (supervisor's desk only). Not logged:
 * the outputs show the typing, and the logged `lockEntropy` is what counts.
 */
export const EntropyTypingSchema = Type.Object(
  { digits: Type.String({ maxLength: 400, pattern: '^[0-9 ]*$' }) },
  { additionalProperties: false },
);
export type EntropyTyping = Static<typeof EntropyTypingSchema>;

/**
 * Why the server closed a socket whose authority was taken away: the clients show the label and
 * stop reconnecting (a tablet asks for the PIN again, a desk for a login).
 */
export const REVOCATION_REASONS = [
  'seat-released',
  'logged-out',
  'password-changed',
  'session-expired',
  'session-ended',
  'channel-key-changed',
  'account-disabled',
  'account-changed',
] as const;
export type RevocationReason = (typeof REVOCATION_REASONS)[number];
export const RevocationReasonSchema = literalUnion(REVOCATION_REASONS);
export const REVOCATION_REASON_LABEL: Record<RevocationReason, string> = {
  'seat-released': '席位已被释放',
  'logged-out': '已退出登录',
  'password-changed': '密码已更改',
  'session-expired': '登录已过期',
  'session-ended': '登录已失效',
  'channel-key-changed': '输出通道的密钥已重新生成或通道已删除',
  'account-disabled': '账号已被管理员停用',
  'account-changed': '管理员调整了账号的角色或项目，请重新登录',
};

export interface ServerToClientEvents {
  /** The whole state for the client's role; sent on connect, after every change, and on request. */
  'show:snapshot': (snapshot: ShowSnapshot) => void;
  /** To staff: every connected output and desk of the event. */
  'show:presence': (entries: PresenceEntry[]) => void;
  /** To staff: every judge's seat, online or not (the lock asks about seats offline or unsent). */
  'show:seats': (seats: SeatStatus[]) => void;
  /** To staff: how many public viewers watch the event (counted, never listed; throttled). */
  'show:viewers': (count: number) => void;
  /** To staff: public viewing as served (one process, or fan-out processes with their viewers and lag). */
  'show:fanout': (status: FanoutStatus) => void;
  /** Measures the round trip; the client answers at once. */
  'presence:ping': (ack: () => void) => void;
  /** The notary's digits as typed so far (spaces removed), until the lock; '' when cleared. */
  'entropy:typing': (typing: EntropyTyping) => void;
  /** The operator asked this output to reload itself. */
  'output:reload': () => void;
  /** Sent just before the server closes a socket whose session or seat was taken away. */
  'auth:revoked': (notice: { reason: RevocationReason }) => void;
  /** To a channel's output: its settings and the event it now shows (on connect, change and switch). */
  'channel:notice': (notice: ChannelNotice) => void;
  /** To a venue seat's tablet: the event and judge it now scores as (on connect and every switch). */
  'venue:seat': (notice: VenueSeatNotice) => void;
}

export interface ClientToServerEvents {
  'show:command': (envelope: ShowCommandEnvelope, ack: (answer: CommandAck) => void) => void;
  /** Asks for a fresh snapshot, e.g. after noticing a gap in revisions. */
  'show:sync': (ack: (snapshot: ShowSnapshot | RateLimitedAck) => void) => void;
  /** A judge's score for the round and auditee it was entered for; the id makes retries safe. */
  'judge:submit': (submission: JudgeSubmission, ack: (answer: CommandAck) => void) => void;
  /** A tablet says whether it holds a score the server has not acknowledged yet. */
  'judge:status': (status: JudgeStatus) => void;
  /** The server's clock, so outputs schedule the roll and the countdown in server time. */
  'clock:sync': (ack: (serverTime: number | RateLimitedAck) => void) => void;
  /** Supervisor only, before the lock: the digits typed so far go to every output (rate-limited, not logged). */
  'entropy:typing': (typing: EntropyTyping) => void;
  /** Operator only: ask one connected output to reload. */
  'output:reload': (target: { socketId: string }, ack: (answer: { ok: true } | ErrorBody) => void) => void;
  /** An output's own frame size, frame rate and what it draws, every few seconds (outputs only, rate-limited). */
  'output:stats': (stats: OutputStats) => void;
}

/** Added by the socket.io client when it reconnects after a drop (connection state recovery). */
const RecoveryFields = {
  pid: Type.Optional(Type.String({ maxLength: 128 })),
  offset: Type.Optional(Type.String({ maxLength: 128 })),
};

/** A socket of one event: a desk, a per-event output link, a per-event seat's tablet, the public page. */
export const EventSocketAuthSchema = Type.Object(
  {
    eventId: Type.String({ maxLength: 64 }),
    role: ClientRoleSchema,
    key: Type.Optional(Type.String({ maxLength: 128 })),
    label: Type.Optional(Type.String({ maxLength: 64 })),
    ...RecoveryFields,
  },
  { additionalProperties: false },
);

/** An output channel's output: its channel's key; the server picks the followed event. */
export const ChannelSocketAuthSchema = Type.Object(
  {
    channel: Type.String({ maxLength: 40 }),
    role: Type.Literal('overlay'),
    key: Type.String({ maxLength: 128 }),
    ...RecoveryFields,
  },
  { additionalProperties: false },
);

/** A venue seat's tablet: its venue key; the server binds it to that seat of the followed event. */
export const VenueSocketAuthSchema = Type.Object(
  {
    venueSeat: Type.Integer({ minimum: 1, maximum: 30 }),
    role: Type.Literal('judge'),
    key: Type.String({ maxLength: 128 }),
    ...RecoveryFields,
  },
  { additionalProperties: false },
);

/** What a socket says about itself when it connects (socket.io `auth`). */
export const SocketAuthSchema = Type.Union([EventSocketAuthSchema, ChannelSocketAuthSchema, VenueSocketAuthSchema]);
export type SocketAuth = Static<typeof SocketAuthSchema>;
export type EventSocketAuth = Static<typeof EventSocketAuthSchema>;
