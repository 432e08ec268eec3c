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
import { SESSION_COOKIE, inScope, type SessionUser, type WorkRole } from '../protocol/auth';
import type { ProgramOf } from '../auth/program-scope';
import { showRoleOf, workRolesFor } from '../protocol/show-commands';
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
} from '../protocol/show';
import type { ShowRunner } from './show-runner';
import type { EventService } from '../events/event-service';
import type { SeatService } from '../judges/seat-service';
import type { ChannelService } from '../channels/channel-service';
import type { FollowService } from '../channels/follow-service';
import type { VenueSeats } from '../channels/venue-seats';
import { OutputStatsSchema, type ChannelConnection, type ChannelNotice } from '../protocol/channels';
import { guardSocket, JoinLimiter, REALTIME_LIMITS, type RealtimeLimits } from './socket-limits';
import { EntropyTypingRelay } from './entropy-typing';
import type { PublicRelay } from '../fanout/public-relay';
import type { FanoutStatus } from '../protocol/fanout';

const checkAuth = TypeCompiler.Compile(SocketAuthSchema);
const checkEnvelope = TypeCompiler.Compile(ShowCommandEnvelopeSchema);
const checkSubmission = TypeCompiler.Compile(JudgeSubmissionSchema);
const checkJudgeStatus = TypeCompiler.Compile(JudgeStatusSchema);
const checkStats = TypeCompiler.Compile(OutputStatsSchema);

interface SocketData {
  /** The event the socket is in; null: a follower (channel output, venue tablet) while nothing is followed. */
  eventId: string | null;
  role: ClientRole;
  staff: SessionUser | null;
  /** A judge's seat (judges only). */
  seat: number | null;
  label: string;
  /** The hash of the session token (staff) or judge key (judges) this socket was admitted with. */
  credential: string | null;
  /** An output that came by a channel's permanent link: it follows the installation's event. */
  channelId: string | null;
  /** A tablet that joined a venue seat: it scores as that seat of the followed event. */
  venueSeat: number | null;
}

type ShowSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

/** The session cookie of a socket's handshake, parsed as the HTTP routes parse it (the app registers the plugin first). */
function sessionCookie(header: string | undefined): string | undefined {
  return fastifyCookie.parse(header ?? '')[SESSION_COOKIE];
}

/**
 * A socket's room in its event: one per client role, and for staff one per desk (the operator's
 * is `staff`), since each desk's snapshot is masked for it.
 */
const roomOf = (eventId: string, role: ClientRole | 'supervisor' | 'caller') => `${eventId}:${role}`;
/** Staff desks that hold a socket: the operator, the supervisor (notary), the caller (话务员). */
const SOCKET_DESKS: readonly WorkRole[] = ['operator', 'supervisor', 'caller'];
const deskRoom = (eventId: string, desk: WorkRole) =>
  roomOf(eventId, desk === 'supervisor' || desk === 'caller' ? desk : 'staff');

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
    channels,
    follow,
    venue,
    limits = REALTIME_LIMITS,
    publicRelay,
    programOf,
  }: {
    shows: ShowRunner;
    events: EventService;
    seats: SeatService;
    channels: ChannelService;
    follow: FollowService;
    venue: VenueSeats;
    limits?: RealtimeLimits | undefined;
    /** With fan-out processes: public viewers are theirs, and their frames go out through Redis. */
    publicRelay?: PublicRelay | undefined;
    /** Which program an event is of: a staff socket opens only its own programs' shows. */
    programOf: ProgramOf;
  },
  auth: AuthService,
  log: { warn: (details: object, message: string) => void } = { warn: () => undefined },
  pingIntervalMs = PING_INTERVAL_MS,
  viewerIntervalMs = VIEWER_INTERVAL_MS,
): {
  io: Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
  /** Every output connected by a channel's permanent link, by channel (the channels page's monitor). */
  channelConnections: () => Map<string, ChannelConnection[]>;
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
    const { role } = authData;
    if (role !== 'overlay' && isCrossOrigin(socket.handshake.headers)) return refuse('AUTH_CROSS_ORIGIN');
    // With fan-outs on, no viewer shares the primary's event loop with the show's control plane.
    if (role === 'public' && publicRelay) return refuse('FANOUT_PUBLIC_ELSEWHERE');
    const limitedJoin = role === 'public' || role === 'overlay';
    if (limitedJoin && !joins.allow(role, socket.handshake.address, performance.now())) {
      return refuse('SOCKET_RATE_LIMITED');
    }
    try {
      refuseMalformedText('payload', authData, SocketAuthSchema); // the label is shown on the desk's monitor
      const none = { staff: null, seat: null, credential: null, channelId: null, venueSeat: null };
      if ('channel' in authData) {
        // A channel's permanent link: the server picks the event (the one followed, if any).
        const channel = channels.admit(authData.channel, authData.key);
        socket.data = {
          ...none,
          eventId: follow.eventId(),
          role: 'overlay',
          label: channel.name,
          channelId: channel.id,
        };
      } else if ('venueSeat' in authData) {
        const credential = sha256Hex(authData.key);
        if (!venue.holds(authData.venueSeat, credential)) return refuse('JUDGE_JOIN_INVALID');
        const notice = venue.attach(authData.venueSeat);
        socket.data = {
          ...none,
          eventId: notice.eventId,
          role: 'judge',
          seat: notice.binding === 'bound' ? notice.seat : null,
          label: `${notice.seat} 号评委（场地席位）`,
          credential,
          venueSeat: notice.seat,
        };
      } else {
        const { eventId, key, label } = authData;
        events.event(eventId);
        if (role === 'staff') {
          const token = sessionCookie(socket.handshake.headers.cookie);
          const staff = auth.resolve(token);
          if (!staff || token === undefined) return refuse('AUTH_REQUIRED');
          // A reader reads records, not the live desk; nobody opens another program's show.
          if (!SOCKET_DESKS.includes(staff.role)) return refuse('AUTH_FORBIDDEN');
          const program = programOf.event(eventId);
          if (program === undefined || !inScope(staff.programs, program)) return refuse('AUTH_OUT_OF_SCOPE');
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
      }
      if (socket.data.eventId !== null) shows.revision(socket.data.eventId); // refuses drafts: only sealed events have a show
    } catch (error) {
      if (error instanceof AppError) return refuse(error.code, error.message);
      const stored = storeFailure(error);
      if (stored) return refuse(stored.code);
      return next(error as Error);
    }
    next();
  });

  /**
   * Every connected output, desk and tablet (public viewers are only counted), with measured round
   * trips; each event's monitor lists the entries whose socket is in that event now.
   */
  const entries = new Map<string, PresenceEntry & { reportedAt: number | null }>();
  const deskRooms = (eventId: string) => [roomOf(eventId, 'staff'), roomOf(eventId, 'supervisor')];
  const publicViewers = (eventId: string) =>
    (io.sockets.adapter.rooms.get(roomOf(eventId, 'public'))?.size ?? 0) + (publicRelay?.viewers(eventId) ?? 0);
  const fanoutStatus = (eventId: string): FanoutStatus =>
    publicRelay?.status(eventId) ?? { mode: 'single', redis: null, processes: [] };
  const presenceOf = (eventId: string): PresenceEntry[] =>
    [...entries.values()]
      .filter((entry) => io.sockets.sockets.get(entry.socketId)?.data.eventId === eventId)
      .map(({ reportedAt: _reportedAt, ...entry }) => entry);
  const publishPresence = (eventId: string | null) => {
    if (eventId !== null) io.to(deskRooms(eventId)).emit('show:presence', presenceOf(eventId));
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
      if (publicRelay) io.to(deskRooms(eventId)).emit('show:fanout', fanoutStatus(eventId));
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
  const authority = new SocketAuthority(auth, seats, () => io.sockets.sockets.values(), pingIntervalMs, venue);
  const typing = new EntropyTypingRelay(
    (eventId) => shows.entropyOpen(eventId),
    (eventId, digits) => {
      io.to((['staff', 'supervisor', 'overlay', 'public'] as const).map((room) => roomOf(eventId, room))).emit(
        'entropy:typing',
        digits,
      );
      publicRelay?.typing(eventId, digits);
    },
  );
  // Each fan-out's report (viewers, lag) and each Redis change reach the desks of events being watched.
  const stopRelay = publicRelay?.onChange(() => {
    for (const room of io.sockets.adapter.rooms.keys()) {
      const [eventId, role] = room.split(':');
      if (eventId && role === 'staff') countViewers(eventId);
    }
  });
  const deskOf = (socket: ShowSocket): WorkRole | null =>
    socket.data.role === 'staff' ? (socket.data.staff?.role ?? null) : null;
  const isSupervisor = (socket: ShowSocket) => deskOf(socket) === 'supervisor';
  const roomFor = (socket: ShowSocket, eventId: string) => {
    const desk = deskOf(socket);
    return desk === null ? roomOf(eventId, socket.data.role) : deskRoom(eventId, desk);
  };
  const snapshotFor = (socket: ShowSocket, eventId: string) =>
    shows.snapshot(eventId, socket.data.role, socket.data.seat, deskOf(socket) ?? 'operator');
  const channelNotice = (socket: ShowSocket): ChannelNotice | null => {
    const channelId = socket.data.channelId;
    if (channelId === null) return null;
    const channel = channels.channel(channelId);
    return {
      id: channel.id,
      name: channel.name,
      kind: channel.kind,
      background: channel.background,
      eventId: socket.data.eventId,
    };
  };

  /** Puts a socket into its event: its room, the event's monitor and seats, and a full snapshot at once. */
  const enter = (socket: ShowSocket) => {
    const { eventId, role } = socket.data;
    if (eventId === null) return;
    void socket.join(roomFor(socket, eventId));
    const sendSnapshot = () => socket.emit('show:snapshot', snapshotFor(socket, eventId));
    // A viewer's first snapshot waits its turn behind on-air work (built when sent, so never older than a broadcast).
    if (role === 'public') publicWork.add(() => socket.connected && sendSnapshot());
    else sendSnapshot();
    const desk = deskOf(socket) === 'operator' || isSupervisor(socket);
    if (desk) socket.emit('show:seats', seatPresence.list(eventId));
    const typed = typing.current(eventId);
    if (typed) socket.emit('entropy:typing', typed);
    if (socket.data.seat !== null) seatPresence.connected(eventId, socket.data.seat);
    if (desk) {
      socket.emit('show:viewers', publicViewers(eventId));
      socket.emit('show:fanout', fanoutStatus(eventId));
    }
    if (role === 'public') countViewers(eventId);
    else publishPresence(eventId);
  };
  /** Takes a socket out of its event (when it leaves, or before it follows a switch). */
  const leave = (socket: ShowSocket) => {
    const { eventId, role } = socket.data;
    if (eventId === null) return;
    void socket.leave(roomFor(socket, eventId));
    if (socket.data.seat !== null) seatPresence.disconnected(eventId, socket.data.seat);
    if (role === 'public') countViewers(eventId);
    else publishPresence(eventId);
  };

  io.on('connection', (socket: ShowSocket) => {
    const { role } = socket.data;
    if (role !== 'staff') {
      guardSocket(socket, limits.sockets[role], () => performance.now(), {
        body: { ok: false, ...rateLimited },
        onDisconnect: (event) => {
          log.warn({ eventId: socket.data.eventId, role, event }, 'socket disconnected: rate limit');
          if (role !== 'judge')
            joins.penalize(role, socket.handshake.address, limits.dropPenalty[role], performance.now());
        },
      });
    }
    if (role !== 'public') {
      entries.set(socket.id, {
        socketId: socket.id,
        role,
        label: socket.data.label,
        connectedAt: Date.now(),
        rttMs: null,
        ...(socket.data.channelId !== null ? { channelId: socket.data.channelId } : {}),
        ...(role === 'overlay' ? { stats: null } : {}),
        reportedAt: null,
      });
    }
    // Followers hear what they follow before the snapshot, so they draw it as found, not replayed.
    const notice = channelNotice(socket);
    if (notice) socket.emit('channel:notice', notice);
    if (socket.data.venueSeat !== null) socket.emit('venue:seat', venue.notice(socket.data.venueSeat));
    enter(socket);
    socket.on('disconnect', () => {
      entries.delete(socket.id);
      leave(socket);
    });
    if (isSupervisor(socket)) {
      // Only the notary types the digits; refused messages are dropped without an answer.
      const bucket = EntropyTypingRelay.bucket(performance.now());
      socket.on('entropy:typing', (message) => {
        const eventId = socket.data.eventId;
        if (eventId !== null && authority.stillHolds(socket))
          typing.received(eventId, message, bucket, performance.now());
      });
    }
    if (role === 'judge') {
      socket.on('judge:status', (status) => {
        const { eventId, seat } = socket.data;
        // A tablet whose key was replaced (the seat released, or rejoined elsewhere) reports nothing more.
        if (eventId !== null && seat !== null && checkJudgeStatus.Check(status) && authority.stillHolds(socket))
          seatPresence.reported(eventId, seat, status.unsent);
      });
    }
    if (role === 'overlay') {
      // An output's frame and frame rate, for the monitor (validated; limited by its own bucket).
      socket.on('output:stats', (stats) => {
        const entry = entries.get(socket.id);
        if (!entry || !checkStats.Check(stats)) return;
        entry.stats = stats;
        entry.reportedAt = shows.now();
        publishPresence(socket.data.eventId);
      });
    }

    socket.on('output:reload', (target, ack) => {
      if (typeof ack !== 'function') return;
      const staff = socket.data.staff;
      if (role !== 'staff' || staff?.role !== 'operator' || !authority.stillHolds(socket)) {
        ack(new AppError(role === 'staff' && staff?.role !== 'operator' ? 'AUTH_FORBIDDEN' : 'AUTH_REQUIRED').toBody());
        return;
      }
      const entry = entries.get(String((target as { socketId?: unknown })?.socketId ?? ''));
      const output = entry ? io.sockets.sockets.get(entry.socketId) : undefined;
      if (!entry || entry.role !== 'overlay' || output?.data.eventId !== socket.data.eventId) {
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
      const eventId = socket.data.eventId;
      // A follower with nothing followed has no show to send: its standby needs none.
      if (typeof ack !== 'function' || eventId === null || !authority.stillHolds(socket)) return;
      const answer = () => ack(snapshotFor(socket, eventId));
      if (role === 'public') publicWork.add(() => socket.connected && answer());
      else answer();
    });

    socket.on('judge:submit', (submission, ack) => {
      if (typeof ack !== 'function') return;
      const { eventId, seat } = socket.data;
      if (role !== 'judge' || eventId === null || seat === null || !authority.stillHolds(socket)) {
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
          // A venue tablet's socket follows the switch; a score queued before it names the event it left.
          if (submission.eventId !== undefined && submission.eventId !== eventId)
            throw new AppError('SHOW_SUBMISSION_OTHER_EVENT');
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
    const allowed = workRolesFor(envelope.command.type);
    if (role === 'staff' && !authority.stillHolds(socket))
      return { ok: false, ...new AppError('AUTH_REQUIRED').toBody() };
    if (role !== 'staff' || !staff || eventId === null || !allowed.includes(staff.role)) {
      const code = role === 'staff' ? 'AUTH_FORBIDDEN' : 'AUTH_REQUIRED';
      log.warn({ code, eventId, role, command: envelope.command.type }, 'command refused');
      return { ok: false, ...new AppError(code).toBody() };
    }
    refuseMalformedText('payload', envelope, ShowCommandEnvelopeSchema);
    const ack = shows.command(eventId, envelope, staff.username, showRoleOf(staff.role) ?? 'operator');
    // A refusal carries a fresh snapshot: the sender's desk's own (masked phones, outliers), not the operator's.
    if (!ack.ok && ack.snapshot && staff.role !== 'operator') {
      return { ...ack, snapshot: shows.snapshot(eventId, 'staff', null, staff.role) };
    }
    return ack;
  }

  // Round trips are measured by the server, so the operator's monitor shows what the venue network does.
  const pinger = setInterval(() => {
    for (const entry of entries.values()) {
      const socket = io.sockets.sockets.get(entry.socketId);
      if (!socket) continue;
      const sent = performance.now();
      socket
        .timeout(pingIntervalMs)
        .emitWithAck('presence:ping')
        .then(() => {
          entry.rttMs = Math.round((performance.now() - sent) * 10) / 10;
          const { eventId, seat } = socket.data;
          if (eventId !== null && seat !== null) seatPresence.heard(eventId, seat);
          publishPresence(eventId);
        })
        .catch(() => {
          entry.rttMs = null;
        });
    }
  }, pingIntervalMs);
  pinger.unref();

  /**
   * The operator switched the followed event: every channel output and venue tablet leaves the old
   * event and enters the new one, hearing first what it now follows, then the new event's snapshot.
   * The venue seats' keys have already moved (VenueSeats listens first).
   */
  const stopFollow = follow.onChange(({ to }) => {
    for (const socket of [...io.sockets.sockets.values()]) {
      const { channelId, venueSeat } = socket.data;
      if (channelId === null && venueSeat === null) continue;
      leave(socket);
      socket.data.eventId = to;
      if (venueSeat !== null) {
        const notice = venue.notice(venueSeat);
        socket.data.seat = notice.binding === 'bound' ? venueSeat : null;
        socket.emit('venue:seat', notice);
      }
      const notice = channelNotice(socket);
      if (notice) socket.emit('channel:notice', notice);
      enter(socket);
    }
  });
  /** A channel renamed or set to preview/green: its outputs apply it; a new key or a removal closes them. */
  const stopChannels = channels.onChange(({ channelId, keyChanged }) => {
    for (const socket of [...io.sockets.sockets.values()]) {
      if (socket.data.channelId !== channelId) continue;
      if (keyChanged) {
        socket.emit('auth:revoked', { reason: 'channel-key-changed' });
        socket.disconnect(true);
        continue;
      }
      const notice = channelNotice(socket);
      const entry = entries.get(socket.id);
      if (entry && notice) entry.label = notice.name;
      if (notice) socket.emit('channel:notice', notice);
      publishPresence(socket.data.eventId);
    }
  });

  const stop = shows.onChange((eventId) => {
    // One frame through Redis for every fan-out's viewers, built once; nothing here waits for Redis.
    publicRelay?.publish(eventId);
    for (const role of ['staff', 'overlay', 'public'] as const) {
      const room = roomOf(eventId, role);
      if ((io.sockets.adapter.rooms.get(room)?.size ?? 0) === 0) continue;
      io.to(room).emit('show:snapshot', shows.snapshot(eventId, role));
    }
    for (const desk of ['supervisor', 'caller'] as const) {
      const room = deskRoom(eventId, desk);
      if ((io.sockets.adapter.rooms.get(room)?.size ?? 0) > 0) {
        io.to(room).emit('show:snapshot', shows.snapshot(eventId, 'staff', null, desk));
      }
    }
    // Each judge gets a snapshot of their own: it carries their score and nobody else's.
    for (const socketId of io.sockets.adapter.rooms.get(roomOf(eventId, 'judge')) ?? []) {
      const socket = io.sockets.sockets.get(socketId);
      if (socket) socket.emit('show:snapshot', shows.snapshot(eventId, 'judge', socket.data.seat));
    }
  });
  return {
    io,
    channelConnections: () => {
      const byChannel = new Map<string, ChannelConnection[]>();
      for (const entry of entries.values()) {
        const socket = io.sockets.sockets.get(entry.socketId);
        const channelId = socket?.data.channelId ?? null;
        if (!socket || channelId === null) continue;
        const list = byChannel.get(channelId) ?? [];
        list.push({
          socketId: entry.socketId,
          connectedAt: entry.connectedAt,
          rttMs: entry.rttMs,
          eventId: socket.data.eventId,
          stats: entry.stats ?? null,
          reportedAt: entry.reportedAt,
        });
        byChannel.set(channelId, list);
      }
      return byChannel;
    },
    /** Stops the broadcasts and pings, then closes socket.io (call when the app closes). */
    close: async () => {
      stop();
      stopRelay?.();
      stopFollow();
      stopChannels();
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
