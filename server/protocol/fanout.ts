import { Type, type Static } from '@sinclair/typebox';
import { literalUnion } from './literal-union';
import { ShowSnapshotSchema } from './show-views';
import { EntropyTypingSchema } from './show-socket';

/**
 * Public viewers at county scale: one primary process writes (SQLite, commands, staff, judges,
 * outputs) and N fan-out processes serve the public live page. They share nothing but Redis,
 * through socket.io's Redis Streams adapter: the primary publishes each public frame once, every
 * fan-out keeps the latest per event and sends it to its own viewers. Every message on Redis is
 * one of the shapes below, checked on arrival.
 */

/** The socket.io query a public page adds to its handshake, so the primary can hand it to a fan-out. */
export const PUBLIC_AUDIENCE_QUERY = { audience: 'public' } as const;

/** How often each side says it is alive (the primary its heads, a fan-out its viewers). */
export const FANOUT_HEARTBEAT_MS = 1000;
/** A fan-out (or the primary) not heard from for this long is shown as lost. */
export const FANOUT_STALE_MS = 3500;
/** How long a viewer of an event its fan-out has not seen yet waits for the primary's first frame. */
export const FANOUT_FIRST_FRAME_MS = 5000;

/** The names of the server-side messages on Redis. */
export const FANOUT_MESSAGES = {
  /** primary → fan-outs: an event's new public snapshot (or the notary's digits as typed). */
  frame: 'choucha:public-frame',
  /** primary → fan-outs: the revision of every event it serves, each heartbeat. */
  heads: 'choucha:public-heads',
  /** fan-out → primary: send me these events' current frames (new viewers, or found behind). */
  want: 'choucha:public-want',
  /** fan-out → primary: its viewers and lag, each heartbeat. */
  health: 'choucha:fanout-health',
} as const;

export const PublicFrameSchema = Type.Union([
  Type.Object({
    kind: Type.Literal('snapshot'),
    eventId: Type.String(),
    revision: Type.Integer({ minimum: 0 }),
    snapshot: ShowSnapshotSchema,
    /** The primary's wall clock when it published (ms since epoch): the fan-out's lag is measured from it. */
    sentAt: Type.Number(),
  }),
  Type.Object({
    kind: Type.Literal('typing'),
    eventId: Type.String(),
    typing: EntropyTypingSchema,
    sentAt: Type.Number(),
  }),
  /** The event cannot be watched (unknown, or a draft): the fan-out refuses its viewers with this code. */
  Type.Object({
    kind: Type.Literal('refused'),
    eventId: Type.String(),
    /** A code of the error catalogue (checked with isErrorCode on arrival). */
    code: Type.String(),
    message: Type.String(),
    sentAt: Type.Number(),
  }),
]);
export type PublicFrame = Static<typeof PublicFrameSchema>;

export const PublicHeadsSchema = Type.Object({
  /** Every event the primary has published or been asked for, with its current revision. */
  heads: Type.Record(Type.String(), Type.Integer({ minimum: 0 })),
  /** The primary's show clock (the countdowns' time), for the fan-outs' clock:sync answers. */
  showNow: Type.Number(),
  sentAt: Type.Number(),
});
export type PublicHeads = Static<typeof PublicHeadsSchema>;

export const PublicWantSchema = Type.Object({
  fanoutId: Type.String({ maxLength: 64 }),
  eventIds: Type.Array(Type.String({ maxLength: 64 }), { maxItems: 200 }),
});
export type PublicWant = Static<typeof PublicWantSchema>;

export const FanoutHealthSchema = Type.Object({
  fanoutId: Type.String({ maxLength: 64 }),
  pid: Type.Integer(),
  /** Public viewers connected to this process, by event. */
  viewers: Type.Record(Type.String(), Type.Integer({ minimum: 0 })),
  /** The revision this process holds of each event. */
  revisions: Type.Record(Type.String(), Type.Integer({ minimum: 0 })),
  /** Publish → received, for the last frame (ms; null before the first). */
  lagMs: Type.Union([Type.Number(), Type.Null()]),
  /** Resident memory of the process (bytes). */
  rssBytes: Type.Number(),
  sentAt: Type.Number(),
});
export type FanoutHealth = Static<typeof FanoutHealthSchema>;

/** Public viewers served by the primary itself, or by fan-out processes behind Redis. */
export const FANOUT_MODES = ['single', 'fanout'] as const;
export type FanoutMode = (typeof FANOUT_MODES)[number];
/** How public viewing is served, as the desk names it; fan-out counts the processes reporting. */
export const fanoutModeLabel = (mode: FanoutMode, processes: number): string =>
  mode === 'single' ? '单进程' : processes > 0 ? `${processes} 个分发进程` : '分发进程：尚无报告';
/** Redis as the primary sees it: connected, or lost (public viewing degraded); null in the status when not used. */
export const REDIS_STATES = ['up', 'down'] as const;
export type RedisState = (typeof REDIS_STATES)[number];
export const REDIS_STATE_LABEL: Record<RedisState, string> = { up: '已连接', down: '连接中断：公众观看暂停更新' };
/** What Redis down means for the show, said beside the alarm so nobody stops the show for it. */
export const REDIS_DOWN_CONSEQUENCE = '节目照常进行：操作台、演播厅输出与评委不受影响；恢复连接后公众页面自动补齐';

export const FANOUT_PROCESS_STATES = ['up', 'lost'] as const;
export type FanoutProcessState = (typeof FANOUT_PROCESS_STATES)[number];
export const FANOUT_PROCESS_STATE_LABEL: Record<FanoutProcessState, string> = { up: '正常', lost: '失联' };

/** What the desk's output monitor shows about public viewing (to staff, each heartbeat). */
export const FanoutStatusSchema = Type.Object({
  mode: literalUnion(FANOUT_MODES),
  redis: Type.Union([literalUnion(REDIS_STATES), Type.Null()]),
  processes: Type.Array(
    Type.Object({
      fanoutId: Type.String(),
      pid: Type.Integer(),
      state: literalUnion(FANOUT_PROCESS_STATES),
      /** This event's viewers on the process. */
      viewers: Type.Integer({ minimum: 0 }),
      /** The revision it holds of this event (null: none yet). */
      revision: Type.Union([Type.Integer(), Type.Null()]),
      lagMs: Type.Union([Type.Number(), Type.Null()]),
      rssBytes: Type.Number(),
    }),
  ),
});
export type FanoutStatus = Static<typeof FanoutStatusSchema>;
