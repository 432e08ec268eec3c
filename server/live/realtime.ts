import { storeFailure } from '../store/store-errors';
import { SeatPresence } from './seat-presence';
import { isCrossOrigin } from '../http/security';
import type { Server as HttpServer } from 'node:http';
import { Server, type Socket } from 'socket.io';
import { fastifyCookie } from '@fastify/cookie';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { tokenHash, type AuthService } from '../auth/auth-service';
import { sha256Hex } from '../draw-engine/sha256';
import { SocketAuthority } from './socket-authority';
import { DeferredWork } from './deferred-work';
import { AppError, refuseMalformedText } from '../errors';
import { SESSION_COOKIE, type SessionUser } from '../protocol/auth';
import {
  JudgeStatusSchema,
  JudgeSubmissionSchema,
  ShowCommandEnvelopeSchema,
  SocketAuthSchema,
  type ClientRole,
  type ClientToServerEvents,
  type CommandAck,
  type PresenceEntry,
  type ServerToClientEvents,
  type SocketAuth,
  rolesFor,
} from '../protocol/show';
import type { ShowRunner } from './show-runner';
import type { EventService } from '../events/event-service';
import type { SeatService } from '../judges/seat-service';
import { guardSocket, JoinLimiter, REALTIME_LIMITS, type RealtimeLimits } from './socket-limits';
import { EntropyTypingRelay } from './entropy-typing';

const checkAuth = TypeCompiler.Compile(SocketAuthSchema);
const checkEnvelope = TypeCompiler.Compile(ShowCommandEnvelopeSchema);
const checkSubmission = TypeCompiler.Compile(JudgeSubmissionSchema);
const checkJudgeStatus = TypeCompiler.Compile(JudgeStatusSchema);

interface SocketData {
  eventId: string;
  role: ClientRole;
  staff: SessionUser | null;
  /** A judge's seat (judges only). */
  seat: number | null;
  label: string;
  /** The hash of the session token (staff) or judge key (judges) this socket was admitted with. */
  credential: string | null;
}

type ShowSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

/** The session cookie of a socket's handshake, parsed as the HTTP routes parse it (the app registers the plugin first). */
function sessionCookie(header: string | undefined): string | undefined {
  return fastifyCookie.parse(header ?? '')[SESSION_COOKIE];
}

const roomOf = (eventId: string, role: ClientRole | 'supervisor') => `${eventId}:${role}`;

/**
 * socket.io on the app's HTTP server. Every socket names its event and role when it connects:
 * staff by their session cookie, overlay outputs by the event's key, the public with nothing.
 * Each gets a full snapshot for its role at once, then one after every accepted change.
 */
export const PING_INTERVAL_MS = 5000;
/** How often, at most, the desks hear the count of public viewers. */
export const VIEWER_INTERVAL_MS = 1000;

export function attachRealtime(
  server: HttpServer,
  {
    shows,
    events,
    seats,
    limits = REALTIME_LIMITS,
  }: { shows: ShowRunner; events: EventService; seats: SeatService; limits?: RealtimeLimits | undefined },
  auth: AuthService,
  log: { warn: (details: object, message: string) => void } = { warn: () => undefined },
  pingIntervalMs = PING_INTERVAL_MS,
  viewerIntervalMs = VIEWER_INTERVAL_MS,
): {
  io: Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
  close: () => Promise<void>;
} {
  const io = new Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>(server, {
    serveClient: false,
    maxHttpBufferSize: 64 * 1024,
    // Browsers send Origin on the handshake. Only an output may come from another site's page (an
    // OGraf renderer's): it holds the event's read-only key and no cookie counts for it; the role is
    // known only from the auth, so the middleware below refuses every other role from elsewhere.
    allowRequest: (_request, callback) => callback(null, true),
    // A convenience after a transport drop; clients still resync from snapshots by revision.
    connectionStateRecovery: { maxDisconnectionDuration: 2 * 60 * 1000, skipMiddlewares: false },
  });

  // Rate limits run on the monotonic clock: the app's clock may be fixed (tests) or jump (NTP).
  const joins = new JoinLimiter(limits.joins);
  const rateLimited = new AppError('SOCKET_RATE_LIMITED').toBody();
  io.use((socket, next) => {
    const authData = socket.handshake.auth as unknown;
    const refuse = (code: ConstructorParameters<typeof AppError>[0], message?: string) => {
      log.warn({ code, address: socket.handshake.address }, 'socket refused');
      return next(refusal(code, message));
    };
    if (!checkAuth.Check(authData)) return refuse('VALIDATION_FAILED');
    const { eventId, role, key, label } = authData as SocketAuth;
    if (role !== 'overlay' && isCrossOrigin(socket.handshake.headers)) return refuse('AUTH_CROSS_ORIGIN');
    const limitedJoin = role === 'public' || role === 'overlay';
    if (limitedJoin && !joins.allow(role, socket.handshake.address, performance.now())) {
      return refuse('SOCKET_RATE_LIMITED');
    }
    try {
      refuseMalformedText('payload', authData, SocketAuthSchema); // the label is shown on the desk's monitor
      events.event(eventId);
      const none = { staff: null, seat: null, credential: null };
      if (role === 'staff') {
        const token = sessionCookie(socket.handshake.headers.cookie);
        const staff = auth.resolve(token);
        if (!staff || token === undefined) return refuse('AUTH_REQUIRED');
        socket.data = { ...none, eventId, role, staff, label: label ?? staff.username, credential: tokenHash(token) };
      } else if (role === 'overlay') {
        if (!events.overlayKeyMatches(eventId, key)) return refuse('AUTH_FORBIDDEN');
        socket.data = { ...none, eventId, role, label: label ?? '输出' };
      } else if (role === 'judge') {
        const seat = seats.judgeSeatFor(eventId, key);
        if (seat === null || key === undefined) return refuse('JUDGE_JOIN_INVALID');
        socket.data = { ...none, eventId, role, seat, label: `${seat} 号评委`, credential: sha256Hex(key) };
      } else {
        socket.data = { ...none, eventId, role, label: label ?? '公众' };
      }
      shows.revision(eventId); // refuses drafts: only sealed events have a show
    } catch (error) {
      if (error instanceof AppError) return refuse(error.code, error.message);
      const stored = storeFailure(error);
      if (stored) return refuse(stored.code);
      return next(error as Error);
    }
    next();
  });

  /** Who is connected to each event, with measured round trips (public viewers are not listed). */
  const presence = new Map<string, Map<string, PresenceEntry>>();
  const deskRooms = (eventId: string) => [roomOf(eventId, 'staff'), roomOf(eventId, 'supervisor')];
  const publicViewers = (eventId: string) => io.sockets.adapter.rooms.get(roomOf(eventId, 'public'))?.size ?? 0;
  const publishPresence = (eventId: string) => {
    const entries = [...(presence.get(eventId)?.values() ?? [])];
    io.to(deskRooms(eventId)).emit('show:presence', entries);
  };
  /**
   * Public viewers are only counted. Thousands of phones coming and going would flood the desks
   * with one message each, so the count goes out at most once per interval per event.
   */
  const viewerTimers = new Map<string, ReturnType<typeof setTimeout>>();
  const countViewers = (eventId: string) => {
    if (viewerTimers.has(eventId)) return;
    const timer = setTimeout(() => {
      viewerTimers.delete(eventId);
      io.to(deskRooms(eventId)).emit('show:viewers', publicViewers(eventId));
    }, viewerIntervalMs);
    timer.unref();
    viewerTimers.set(eventId, timer);
  };
  const seatPresence = new SeatPresence(
    () => shows.now(),
    (eventId, seats) => io.to([roomOf(eventId, 'staff'), roomOf(eventId, 'supervisor')]).emit('show:seats', seats),
  );

  const publicWork = new DeferredWork((error) =>
    log.warn({ error: error instanceof Error ? error.message : String(error) }, 'public snapshot failed'),
  );
  const authority = new SocketAuthority(auth, seats, () => io.sockets.sockets.values(), pingIntervalMs);
  const typing = new EntropyTypingRelay(
    (eventId) => shows.entropyOpen(eventId),
    (eventId, digits) =>
      io
        .to((['staff', 'supervisor', 'overlay', 'public'] as const).map((room) => roomOf(eventId, room)))
        .emit('entropy:typing', digits),
  );

  io.on('connection', (socket: ShowSocket) => {
    const { eventId, role } = socket.data;
    if (role !== 'staff') {
      guardSocket(socket, limits.sockets[role], () => performance.now(), {
        body: { ok: false, ...rateLimited },
        onDisconnect: (event) => {
          log.warn({ eventId, role, event }, 'socket disconnected: rate limit');
          if (role !== 'judge')
            joins.penalize(role, socket.handshake.address, limits.dropPenalty[role], performance.now());
        },
      });
    }
    // Supervisors get their own snapshot: it flags outlying scores, which operators and outputs never see.
    const supervisor = role === 'staff' && socket.data.staff?.role === 'supervisor';
    void socket.join(roomOf(eventId, supervisor ? 'supervisor' : role));
    const sendSnapshot = () =>
      socket.emit('show:snapshot', shows.snapshot(eventId, role, socket.data.seat, supervisor));
    // A viewer's first snapshot waits its turn behind on-air work (built when sent, so never older than a broadcast).
    if (role === 'public') publicWork.add(() => socket.connected && sendSnapshot());
    else sendSnapshot();
    if (role === 'staff') socket.emit('show:seats', seatPresence.list(eventId));
    const typed = typing.current(eventId);
    if (typed) socket.emit('entropy:typing', typed);
    if (supervisor) {
      // Only the notary types the digits; refused messages are dropped without an answer.
      const bucket = EntropyTypingRelay.bucket(performance.now());
      socket.on('entropy:typing', (message) => {
        if (authority.stillHolds(socket)) typing.received(eventId, message, bucket, performance.now());
      });
    }
    const judgeSeat = role === 'judge' ? socket.data.seat : null;
    if (judgeSeat !== null) {
      seatPresence.connected(eventId, judgeSeat);
      socket.on('disconnect', () => seatPresence.disconnected(eventId, judgeSeat));
      socket.on('judge:status', (status) => {
        // A tablet whose key was replaced (the seat released, or rejoined elsewhere) reports nothing more.
        if (checkJudgeStatus.Check(status) && authority.stillHolds(socket))
          seatPresence.reported(eventId, judgeSeat, status.unsent);
      });
    }
    if (role === 'staff') socket.emit('show:viewers', publicViewers(eventId));
    if (role !== 'public') {
      const entries = presence.get(eventId) ?? new Map<string, PresenceEntry>();
      presence.set(eventId, entries);
      entries.set(socket.id, {
        socketId: socket.id,
        role,
        label: socket.data.label,
        connectedAt: Date.now(),
        rttMs: null,
      });
      publishPresence(eventId);
      socket.on('disconnect', () => {
        entries.delete(socket.id);
        publishPresence(eventId);
      });
    } else {
      countViewers(eventId);
      socket.on('disconnect', () => countViewers(eventId));
    }

    socket.on('output:reload', (target, ack) => {
      if (typeof ack !== 'function') return;
      const staff = socket.data.staff;
      if (role !== 'staff' || staff?.role !== 'operator' || !authority.stillHolds(socket)) {
        ack(new AppError(role === 'staff' && staff?.role !== 'operator' ? 'AUTH_FORBIDDEN' : 'AUTH_REQUIRED').toBody());
        return;
      }
      const entry = presence.get(eventId)?.get(String((target as { socketId?: unknown })?.socketId ?? ''));
      if (!entry || entry.role !== 'overlay') {
        ack(new AppError('NOT_FOUND', { message: '没有这个已连接的输出' }).toBody());
        return;
      }
      io.to(entry.socketId).emit('output:reload');
      ack({ ok: true });
    });

    socket.on('clock:sync', (ack) => {
      if (typeof ack === 'function') ack(shows.now());
    });

    socket.on('show:sync', (ack) => {
      if (typeof ack !== 'function' || !authority.stillHolds(socket)) return;
      const answer = () => ack(shows.snapshot(eventId, role, socket.data.seat, supervisor));
      if (role === 'public') publicWork.add(() => socket.connected && answer());
      else answer();
    });

    socket.on('judge:submit', (submission, ack) => {
      if (typeof ack !== 'function') return;
      const seat = socket.data.seat;
      if (role !== 'judge' || seat === null || !authority.stillHolds(socket)) {
        ack({ ok: false, ...new AppError('AUTH_REQUIRED').toBody() });
        return;
      }
      if (!checkSubmission.Check(submission)) {
        ack({ ok: false, ...new AppError('VALIDATION_FAILED').toBody() });
        return;
      }
      ack(
        guarded(() => {
          refuseMalformedText('payload', submission, JudgeSubmissionSchema);
          return shows.submitScore(eventId, seat, submission);
        }),
      );
    });

    socket.on('show:command', (envelope, ack) => {
      if (typeof ack !== 'function') return;
      ack(guarded(() => runCommand(socket, envelope)));
    });
  });

  /** An unexpected failure still answers (INTERNAL), so no client waits for an ack forever. */
  function guarded(run: () => CommandAck): CommandAck {
    try {
      return run();
    } catch (error) {
      if (error instanceof AppError) return { ok: false, ...error.toBody() };
      const stored = storeFailure(error);
      log.warn({ error: (error as Error).message, code: stored?.code }, 'command failed');
      return { ok: false, ...(stored ?? new AppError('INTERNAL')).toBody() };
    }
  }

  function runCommand(socket: ShowSocket, envelope: unknown): CommandAck {
    const { eventId, role, staff } = socket.data;
    if (!checkEnvelope.Check(envelope)) return { ok: false, ...new AppError('VALIDATION_FAILED').toBody() };
    const allowed: readonly string[] = rolesFor(envelope.command.type);
    if (role === 'staff' && !authority.stillHolds(socket))
      return { ok: false, ...new AppError('AUTH_REQUIRED').toBody() };
    if (role !== 'staff' || !staff || !allowed.includes(staff.role)) {
      const code = role === 'staff' ? 'AUTH_FORBIDDEN' : 'AUTH_REQUIRED';
      log.warn({ code, eventId, role, command: envelope.command.type }, 'command refused');
      return { ok: false, ...new AppError(code).toBody() };
    }
    refuseMalformedText('payload', envelope, ShowCommandEnvelopeSchema);
    const ack = shows.command(eventId, envelope, staff.username, staff.role);
    // A refusal carries a fresh snapshot: the supervisor's own (masked phones, outliers), not the operator's.
    if (!ack.ok && ack.snapshot && staff.role === 'supervisor') {
      return { ...ack, snapshot: shows.snapshot(eventId, 'staff', null, true) };
    }
    return ack;
  }

  // Round trips are measured by the server, so the operator's monitor shows what the venue network does.
  const pinger = setInterval(() => {
    for (const [eventId, entries] of presence) {
      for (const entry of entries.values()) {
        const socket = io.sockets.sockets.get(entry.socketId);
        if (!socket) continue;
        const sent = performance.now();
        socket
          .timeout(pingIntervalMs)
          .emitWithAck('presence:ping')
          .then(() => {
            entry.rttMs = Math.round((performance.now() - sent) * 10) / 10;
            if (socket.data.seat !== null) seatPresence.heard(eventId, socket.data.seat);
            publishPresence(eventId);
          })
          .catch(() => {
            entry.rttMs = null;
          });
      }
    }
  }, pingIntervalMs);
  pinger.unref();

  const stop = shows.onChange((eventId) => {
    for (const role of ['staff', 'overlay', 'public'] as const) {
      const room = roomOf(eventId, role);
      if ((io.sockets.adapter.rooms.get(room)?.size ?? 0) === 0) continue;
      io.to(room).emit('show:snapshot', shows.snapshot(eventId, role));
    }
    const supervisors = roomOf(eventId, 'supervisor');
    if ((io.sockets.adapter.rooms.get(supervisors)?.size ?? 0) > 0) {
      io.to(supervisors).emit('show:snapshot', shows.snapshot(eventId, 'staff', null, true));
    }
    // Each judge gets a snapshot of their own: it carries their score and nobody else's.
    for (const socketId of io.sockets.adapter.rooms.get(roomOf(eventId, 'judge')) ?? []) {
      const socket = io.sockets.sockets.get(socketId);
      if (socket) socket.emit('show:snapshot', shows.snapshot(eventId, 'judge', socket.data.seat));
    }
  });
  return {
    io,
    /** Stops the broadcasts and pings, then closes socket.io (call when the app closes). */
    close: async () => {
      stop();
      authority.stop();
      clearInterval(pinger);
      for (const timer of viewerTimers.values()) clearTimeout(timer);
      await io.close();
    },
  };
}

function refusal(code: ConstructorParameters<typeof AppError>[0], message?: string): Error & { data: unknown } {
  const error = new AppError(code, message ? { message } : {});
  return Object.assign(new Error(error.message), { data: error.toBody() });
}
