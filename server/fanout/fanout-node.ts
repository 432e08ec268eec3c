import { createServer, type Server as HttpServer } from 'node:http';
import type { Socket as NetSocket } from 'node:net';
import { Server, type Socket } from 'socket.io';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import {
  FANOUT_FIRST_FRAME_MS,
  FANOUT_HEARTBEAT_MS,
  FANOUT_MESSAGES,
  PublicFrameSchema,
  PublicHeadsSchema,
  type FanoutHealth,
  type PublicWant,
} from '../protocol/fanout';
import {
  SocketAuthSchema,
  type ClientToServerEvents,
  type EntropyTyping,
  type ServerToClientEvents,
  type ShowSnapshot,
} from '../protocol/show';
import { AppError } from '../errors';
import { isErrorCode, type ErrorCode } from '../protocol/errors';
import { isCrossOrigin } from '../http/security';
import { guardSocket, JoinLimiter, REALTIME_LIMITS, type RealtimeLimits } from '../live/socket-limits';
import { ADAPTER_OPTIONS } from './public-relay';
import type { RedisLink } from './redis-link';

const checkAuth = TypeCompiler.Compile(SocketAuthSchema);
const checkFrame = TypeCompiler.Compile(PublicFrameSchema);
const checkHeads = TypeCompiler.Compile(PublicHeadsSchema);

interface ServerSideEvents {
  [FANOUT_MESSAGES.frame]: (frame: unknown) => void;
  [FANOUT_MESSAGES.heads]: (heads: unknown) => void;
  [FANOUT_MESSAGES.want]: (want: PublicWant) => void;
  [FANOUT_MESSAGES.health]: (health: FanoutHealth) => void;
}
type ViewerSocket = Socket<ClientToServerEvents, ServerToClientEvents, ServerSideEvents, { eventId: string }>;

/** One event as this process holds it: the latest public snapshot and the digits being typed. */
interface HeldEvent {
  snapshot: ShowSnapshot;
  revision: number;
  typing: EntropyTyping | null;
}

export interface FanoutNode {
  readonly http: HttpServer;
  /** Takes a TCP connection the primary accepted (a public viewer's websocket upgrade, as raw bytes). */
  adopt(socket: NetSocket, requestBytes: Buffer): void;
  viewers(): number;
  close(): Promise<void>;
}

/**
 * A fan-out process's socket.io server: public viewers only, no database. It holds the latest
 * public snapshot of each event it was asked for, taken from the primary's frames on Redis, and
 * serves its viewers from it: the snapshot on connect, every new revision, and show:sync. A viewer
 * of an event it has not seen yet waits (up to FANOUT_FIRST_FRAME_MS) for the primary's frame.
 */
export function startFanoutNode({
  link,
  fanoutId,
  limits = REALTIME_LIMITS,
  wallClock = Date.now,
}: {
  link: RedisLink;
  fanoutId: string;
  limits?: RealtimeLimits;
  wallClock?: () => number;
}): FanoutNode {
  const http = createServer((_request, response) => {
    response.writeHead(404).end();
  });
  const io = new Server<ClientToServerEvents, ServerToClientEvents, ServerSideEvents, { eventId: string }>(http, {
    serveClient: false,
    transports: ['websocket'],
    maxHttpBufferSize: 64 * 1024,
    adapter: createAdapter(link.client, ADAPTER_OPTIONS),
  });
  const held = new Map<string, HeldEvent>();
  /** Events the primary said cannot be watched, and when: asked again after a while (a draft gets sealed). */
  const refused = new Map<string, { code: ErrorCode; message: string; at: number }>();
  const waiting = new Map<string, Set<() => void>>();
  let lagMs: number | null = null;
  /** The primary's show clock at its last heads, and our wall clock then: clock:sync answers from it. */
  let showClock: { showNow: number; at: number } | null = null;
  const roomOf = (eventId: string) => `${eventId}:public`;

  const want = (eventIds: string[]) => {
    if (eventIds.length > 0) io.serverSideEmit(FANOUT_MESSAGES.want, { fanoutId, eventIds });
  };
  const release = (eventId: string) => {
    for (const resume of waiting.get(eventId) ?? []) resume();
    waiting.delete(eventId);
  };

  io.on(FANOUT_MESSAGES.frame, (frame) => {
    if (!checkFrame.Check(frame)) return;
    lagMs = Math.max(0, wallClock() - frame.sentAt);
    if (frame.kind === 'refused') {
      const code = isErrorCode(frame.code) ? frame.code : 'NOT_FOUND';
      refused.set(frame.eventId, { code, message: frame.message, at: wallClock() });
      release(frame.eventId);
      return;
    }
    const event = held.get(frame.eventId);
    if (frame.kind === 'typing') {
      if (!event) return;
      event.typing = frame.typing;
      io.local.to(roomOf(frame.eventId)).emit('entropy:typing', frame.typing);
      return;
    }
    // Frames come in order, but a resync may repeat one: never go back a revision.
    if (event && frame.revision <= event.revision) return;
    held.set(frame.eventId, { snapshot: frame.snapshot, revision: frame.revision, typing: event?.typing ?? null });
    refused.delete(frame.eventId);
    io.local.to(roomOf(frame.eventId)).emit('show:snapshot', frame.snapshot);
    release(frame.eventId);
  });
  // The heads say where the show is; a frame lost while Redis was away is asked for again.
  io.on(FANOUT_MESSAGES.heads, (heads) => {
    if (!checkHeads.Check(heads)) return;
    showClock = { showNow: heads.showNow, at: wallClock() };
    const behind = [...held.entries()]
      .filter(([eventId, event]) => (heads.heads[eventId] ?? event.revision) > event.revision)
      .map(([eventId]) => eventId);
    // Events the primary does not list (it restarted) are asked for too: it rebuilds them from its log.
    const unknown = [...held.keys()].filter((eventId) => !(eventId in heads.heads));
    want([...behind, ...unknown, ...waiting.keys()]);
  });

  const joins = new JoinLimiter(limits.joins);
  io.use((socket, next) => {
    const auth = socket.handshake.auth as unknown;
    const refuse = (code: ErrorCode, message?: string) => {
      const error = new AppError(code, message ? { message } : {});
      next(Object.assign(new Error(error.message), { data: error.toBody() }));
    };
    if (!checkAuth.Check(auth) || !('eventId' in auth)) return refuse('VALIDATION_FAILED');
    // Only the public is served here: every other role belongs to the primary.
    if (auth.role !== 'public') return refuse('AUTH_FORBIDDEN');
    if (isCrossOrigin(socket.handshake.headers)) return refuse('AUTH_CROSS_ORIGIN');
    if (!joins.allow('public', socket.handshake.address, performance.now())) return refuse('SOCKET_RATE_LIMITED');
    const { eventId } = auth;
    socket.data = { eventId };
    const refusal = refused.get(eventId);
    if (refusal && wallClock() - refusal.at > FANOUT_FIRST_FRAME_MS) refused.delete(eventId);
    const admit = () => {
      const refusal = refused.get(eventId);
      if (held.has(eventId)) return next();
      if (refusal) return refuse(refusal.code, refusal.message);
      return refuse('FANOUT_NO_FRAME');
    };
    if (held.has(eventId) || refused.has(eventId)) return admit();
    // First viewer of this event here: ask the primary, and wait for its frame (or give up).
    const viewersWaiting = waiting.get(eventId) ?? new Set<() => void>();
    const timer = setTimeout(() => {
      viewersWaiting.delete(resume);
      if (viewersWaiting.size === 0 && waiting.get(eventId) === viewersWaiting) waiting.delete(eventId);
      admit();
    }, FANOUT_FIRST_FRAME_MS);
    const resume = () => {
      clearTimeout(timer);
      admit();
    };
    viewersWaiting.add(resume);
    if (!waiting.has(eventId)) {
      waiting.set(eventId, viewersWaiting);
      want([eventId]);
    }
  });

  const rateLimited = new AppError('SOCKET_RATE_LIMITED').toBody();
  io.on('connection', (socket: ViewerSocket) => {
    const { eventId } = socket.data;
    guardSocket(socket, limits.sockets.public, () => performance.now(), {
      body: { ok: false, ...rateLimited },
      onDisconnect: () =>
        joins.penalize('public', socket.handshake.address, limits.dropPenalty.public, performance.now()),
    });
    void socket.join(roomOf(eventId));
    const event = held.get(eventId);
    if (event) {
      socket.emit('show:snapshot', event.snapshot);
      if (event.typing) socket.emit('entropy:typing', event.typing);
    }
    socket.on('show:sync', (ack) => {
      const current = held.get(eventId);
      if (typeof ack === 'function' && current) ack(current.snapshot);
    });
    socket.on('clock:sync', (ack) => {
      if (typeof ack !== 'function') return;
      ack(showClock ? showClock.showNow + (wallClock() - showClock.at) : wallClock());
    });
  });

  const viewersByEvent = () => {
    const viewers: Record<string, number> = {};
    for (const eventId of held.keys()) viewers[eventId] = io.sockets.adapter.rooms.get(roomOf(eventId))?.size ?? 0;
    return viewers;
  };
  const heartbeat = setInterval(() => {
    io.serverSideEmit(FANOUT_MESSAGES.health, {
      fanoutId,
      pid: process.pid,
      viewers: viewersByEvent(),
      revisions: Object.fromEntries([...held].map(([eventId, event]) => [eventId, event.revision])),
      lagMs,
      rssBytes: process.memoryUsage.rss(),
      sentAt: wallClock(),
    });
  }, FANOUT_HEARTBEAT_MS);
  heartbeat.unref();
  // Back on Redis after an outage: ask again for everything held (frames may have been lost meanwhile).
  const stopState = link.onState((state) => {
    if (state === 'up') want([...held.keys(), ...waiting.keys()]);
  });

  return {
    http,
    adopt(socket, requestBytes) {
      // As @socket.io/sticky hands a connection to a worker: the HTTP server parses the bytes it was sent.
      http.emit('connection', socket);
      socket.emit('data', requestBytes);
      socket.resume();
    },
    viewers: () => io.sockets.sockets.size,
    close: async () => {
      clearInterval(heartbeat);
      stopState();
      await new Promise<void>((resolve) => {
        void io.close(() => resolve());
      });
    },
  };
}
