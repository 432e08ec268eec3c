import type { AuthService } from '../auth/auth-service';
import type { Revocation } from '../auth/revocations';
import type { SeatService } from '../judges/seat-service';
import type { SessionUser } from '../protocol/auth';
import type { ClientRole, RevocationReason } from '../protocol/show';

/** What the authority layer needs of a socket: who it was admitted as, and how to close it. */
export interface AdmittedSocket {
  data: {
    /** The event the socket acts in; null: a follower (channel output, venue tablet) with nothing followed. */
    eventId: string | null;
    role: ClientRole;
    staff: SessionUser | null;
    seat: number | null;
    /** The hash of the session token (staff) or judge key (judges) the socket was admitted with. */
    credential: string | null;
    /** A venue seat's tablet: the venue seat it joined (its key is bound to that seat of the followed event). */
    venueSeat: number | null;
  };
  emit(event: 'auth:revoked', notice: { reason: RevocationReason }): boolean;
  disconnect(close?: boolean): unknown;
}

/**
 * Authority ends when it is taken away. A socket is admitted once, at its handshake; without this
 * a released seat's old tablet kept scoring as that seat and a logged-out desk kept running the
 * show. Three ways catch it: services announce logouts, new passwords and released seats, and the
 * matching sockets are closed at once; every command or score re-checks the credential (an expired
 * session is refused even if nothing announced it); and a sweep closes what another process ended
 * (`npm run set-password` writes the same database) or what expired while the socket sat idle.
 */
/** What the authority needs of the venue's seats: whether a key still holds one, and their releases. */
export interface VenueAuthority {
  holds(seat: number, keyHash: string): boolean;
  readonly revocations: { on(listener: (revocation: Revocation) => void): () => void };
}

export class SocketAuthority {
  private readonly stops: (() => void)[] = [];

  constructor(
    private readonly auth: AuthService,
    private readonly seats: SeatService,
    private readonly sockets: () => Iterable<AdmittedSocket>,
    sweepMs: number,
    private readonly venue: VenueAuthority | null = null,
  ) {
    const onRevoke = (revocation: Revocation) => this.revokeMatching(revocation);
    this.stops.push(auth.revocations.on(onRevoke), seats.revocations.on(onRevoke));
    if (venue) this.stops.push(venue.revocations.on(onRevoke));
    const sweep = setInterval(() => this.sweep(), sweepMs);
    sweep.unref();
    this.stops.push(() => clearInterval(sweep));
  }

  /**
   * Whether the socket still holds what admitted it; when it does not, it is told why and closed,
   * and the caller refuses the command with AUTH_REQUIRED.
   */
  stillHolds(socket: AdmittedSocket): boolean {
    const reason = this.lost(socket);
    if (reason === null) return true;
    // Told at once; closed on the next turn, so the caller's refusal still reaches the client.
    socket.emit('auth:revoked', { reason });
    setImmediate(() => socket.disconnect(true));
    return false;
  }

  stop(): void {
    for (const stop of this.stops.splice(0)) stop();
  }

  /** Why the socket's credential no longer opens what it opened at the handshake, or null. */
  private lost(socket: AdmittedSocket): RevocationReason | null {
    const { role, credential, eventId, seat, venueSeat } = socket.data;
    if (credential === null) return null;
    if (role === 'staff') {
      const state = this.auth.session(credential);
      return 'user' in state ? null : state.ended;
    }
    if (role !== 'judge') return null;
    // A venue tablet holds its venue seat, and through it at most the one seat of the followed event.
    if (venueSeat !== null) {
      if (!this.venue?.holds(venueSeat, credential)) return 'seat-released';
      if (seat === null) return null;
    }
    return eventId !== null && this.seats.seatOfKeyHash(eventId, credential) === seat ? null : 'seat-released';
  }

  private revokeMatching(revocation: Revocation): void {
    for (const socket of [...this.sockets()]) {
      const { role, credential, eventId, seat, venueSeat } = socket.data;
      const matches =
        revocation.kind === 'session'
          ? role === 'staff' && credential !== null && revocation.tokenHashes.includes(credential)
          : revocation.kind === 'seat'
            ? role === 'judge' && eventId === revocation.eventId && seat === revocation.seat
            : role === 'judge' && venueSeat === revocation.seat;
      if (matches) this.revoke(socket, revocation.reason);
    }
  }

  private sweep(): void {
    for (const socket of [...this.sockets()]) {
      const reason = this.lost(socket);
      if (reason !== null) this.revoke(socket, reason);
    }
  }

  /** Says why, then closes: a server-side close is not retried by the socket.io client. */
  private revoke(socket: AdmittedSocket, reason: RevocationReason): void {
    socket.emit('auth:revoked', { reason });
    socket.disconnect(true);
  }
}
