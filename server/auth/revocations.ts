import type { RevocationReason } from '../protocol/show-socket';

/** Authority taken away: the sessions (by token hash), the event's seat or the venue seat whose open sockets must close. */
export type Revocation =
  | { kind: 'session'; tokenHashes: readonly string[]; reason: RevocationReason }
  | { kind: 'seat'; eventId: string; seat: number; reason: RevocationReason }
  | { kind: 'venue-seat'; seat: number; reason: RevocationReason };

/**
 * Where a service announces that authority ended (a logout, a new password, a released seat), so
 * the realtime layer closes the sockets admitted with it at once: a socket checks its credential
 * only at its handshake, and would otherwise keep acting for hours.
 */
export class RevocationFeed {
  private readonly listeners = new Set<(revocation: Revocation) => void>();

  /** Listens; the returned function stops listening. */
  on(listener: (revocation: Revocation) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  announce(revocation: Revocation): void {
    for (const listener of this.listeners) listener(revocation);
  }
}
