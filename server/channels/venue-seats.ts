import { GuessLimiter } from '../auth/guess-limiter';
import { RevocationFeed } from '../auth/revocations';
import { sameSecret } from '../auth/same-secret';
import { GUESS_LIMITS } from '../auth/auth-service';
import { sha256Hex } from '../draw-engine/sha256';
import { AppError } from '../errors';
import type { Db } from '../store/db';
import type { Clock, RandomBytes } from '../runtime';
import type { EventService } from '../events/event-service';
import type { SeatService } from '../judges/seat-service';
import type {
  VenueBinding,
  VenueJoinBody,
  VenueJoinResult,
  VenueSeatLinkQuery,
  VenueSeatNotice,
  VenueSeatView,
} from '../protocol/channels';
import type { FollowChange, FollowService } from './follow-service';

interface VenueRow {
  seat: number;
  token: string;
  pin: string;
  deviceId: string | null;
  sessionHash: string | null;
  boundEventId: string | null;
}

const SELECT =
  'SELECT seat, token, pin, device_id AS deviceId, session_hash AS sessionHash, bound_event_id AS boundEventId FROM venue_seats';

/**
 * The venue's judges' seats (one printed sheet for every event). A tablet joins venue seat k once,
 * with the sheet's link and the venue seat's PIN; its key is then written into seat k of the
 * followed event (`judge_seats`, as if it had joined there) and removed from the event it leaves,
 * so the key opens exactly one seat of exactly the followed event. Scores then go the usual way
 * (`judge:submit` checks that seat), and releasing the event's seat closes the tablet and frees
 * the venue seat too. The operator's follow switch (operator only, kept in `follow_changes`) is
 * what moves a venue seat from the rehearsal to the live show.
 */
export class VenueSeats {
  private readonly joinFailures = new GuessLimiter({ ...GUESS_LIMITS, maxKeys: 10_000 });
  /** Released venue seats, for the realtime layer to close the tablet (even while nothing is followed). */
  readonly revocations = new RevocationFeed();

  constructor(
    private readonly db: Db,
    private readonly events: EventService,
    private readonly seats: SeatService,
    private readonly follow: FollowService,
    private readonly clock: Clock,
    private readonly random: RandomBytes,
  ) {
    // Registered before the realtime layer's listener: the sockets move after the keys have.
    follow.onChange((change) => this.followed(change));
    // The event's seat released on the desk: that venue seat is released with it.
    seats.revocations.on((revocation) => {
      if (revocation.kind !== 'seat') return;
      const row = this.row(revocation.seat);
      if (row?.boundEventId === revocation.eventId) this.clear(revocation.seat);
    });
    const followed = follow.eventId();
    if (followed !== null) this.ensureSeatsFor(followed);
  }

  /** Venue seats for every seat of the event (made once, never renumbered: printed links stay valid). */
  ensureSeatsFor(eventId: string): void {
    const insert = this.db.prepare('INSERT OR IGNORE INTO venue_seats (seat, token, pin, created) VALUES (?, ?, ?, ?)');
    const at = this.clock().toISOString();
    for (const seat of this.seats.seats(eventId))
      insert.run(seat.seat, this.random(12).toString('base64url'), this.pin(), at);
  }

  list(): VenueSeatView[] {
    const eventId = this.follow.eventId();
    if (eventId !== null) this.ensureSeatsFor(eventId);
    const judges = eventId === null ? [] : this.seats.seats(eventId);
    return this.rows().map((row) => ({
      seat: row.seat,
      pin: row.pin,
      joinPath: `/judge?venue=1&seat=${row.seat}&token=${row.token}`,
      joined: row.deviceId !== null,
      binding: this.bindingOf(row, eventId),
      name: judges.find((j) => j.seat === row.seat)?.name ?? null,
    }));
  }

  /** The seat's card for the PIN screen: what the sheet prints beside its QR code. */
  card(query: VenueSeatLinkQuery): VenueSeatNotice {
    const row = this.row(query.seat);
    if (!row || !sameSecret(row.token, query.token)) throw new AppError('JUDGE_JOIN_INVALID');
    return this.notice(query.seat);
  }

  /** A tablet joins a venue seat (link token + the venue seat's PIN); one device per seat. */
  async join(body: VenueJoinBody, clientAddress: string): Promise<VenueJoinResult> {
    const guess = await this.joinFailures.guess(
      `venue:${body.seat}`,
      clientAddress,
      () => this.clock().getTime(),
      () => {
        const row = this.row(body.seat);
        return row && sameSecret(row.token, body.token) && sameSecret(row.pin, body.pin) ? row : undefined;
      },
    );
    if (guess.outcome === 'refused') throw new AppError('JUDGE_JOIN_RATE_LIMITED');
    if (guess.outcome === 'wrong') throw new AppError('JUDGE_JOIN_INVALID');
    const row = guess.opened;
    if (row.deviceId !== null && row.deviceId !== body.deviceId) throw new AppError('JUDGE_SEAT_TAKEN');
    const venueKey = this.random(24).toString('base64url');
    const hash = sha256Hex(venueKey);
    this.db.transaction(() => {
      if (row.boundEventId !== null) this.unbind(row, row.boundEventId);
      this.db
        .prepare(
          'UPDATE venue_seats SET device_id = ?, session_hash = ?, joined_at = ?, bound_event_id = NULL WHERE seat = ?',
        )
        .run(body.deviceId, hash, this.clock().toISOString(), body.seat);
      this.bind(body.seat, this.follow.eventId());
    })();
    return { venueKey, seat: body.seat };
  }

  /** Whether the key (by its hash) still holds the venue seat. */
  holds(seat: number, keyHash: string): boolean {
    const held = this.row(seat)?.sessionHash ?? null;
    return held !== null && sameSecret(held, keyHash);
  }

  /**
   * A tablet connects: its key takes the seat in the followed event if it does not hold it yet (the
   * event's seat was taken at the switch and freed since), and it is told where it stands.
   */
  attach(seat: number): VenueSeatNotice {
    const row = this.row(seat);
    const eventId = this.follow.eventId();
    if (row && row.sessionHash !== null && (row.boundEventId !== eventId || !this.boundHere(row, eventId ?? ''))) {
      this.db.transaction(() => {
        if (row.boundEventId !== null && row.boundEventId !== eventId) this.unbind(row, row.boundEventId);
        this.bind(seat, eventId);
      })();
    }
    return this.notice(seat);
  }

  /** What the seat's tablet is told: the followed event and the judge it scores as, or why not. */
  notice(seat: number): VenueSeatNotice {
    const eventId = this.follow.eventId();
    const row = this.row(seat);
    const binding = row ? this.bindingOf(row, eventId) : 'no-seat';
    if (eventId === null) return { seat, binding, eventId: null, title: null, rehearsal: false, name: null };
    const event = this.events.event(eventId);
    const name = this.seats.seats(eventId).find((j) => j.seat === seat)?.name ?? null;
    return { seat, binding, eventId, title: event.title, rehearsal: event.rehearsal, name };
  }

  /** The operator frees the venue seat: its tablet is closed and must join again with the PIN. */
  release(seat: number): void {
    const row = this.row(seat);
    if (!row) throw new AppError('VENUE_SEAT_NOT_FOUND');
    if (row.deviceId === null) throw new AppError('VENUE_SEAT_NOT_JOINED');
    // Releasing the event's seat announces it (the tablet's socket closes) and clears this row.
    if (row.boundEventId !== null && this.boundHere(row, row.boundEventId))
      this.seats.releaseSeat(row.boundEventId, seat);
    this.clear(seat);
  }

  /** Every joined venue seat leaves the event it was bound to and takes its seat in the new one. */
  private followed(change: FollowChange): void {
    this.ensureSeatsFor(change.to);
    this.db.transaction(() => {
      for (const row of this.rows()) {
        if (row.sessionHash === null) continue;
        if (row.boundEventId !== null) this.unbind(row, row.boundEventId);
        this.bind(row.seat, change.to);
      }
    })();
  }

  /** Writes the venue key into the event's seat, unless another tablet holds it. */
  private bind(seat: number, eventId: string | null): VenueBinding {
    const row = this.row(seat);
    if (!row || row.sessionHash === null) return 'no-seat';
    this.db.prepare('UPDATE venue_seats SET bound_event_id = NULL WHERE seat = ?').run(seat);
    if (eventId === null) return 'standby';
    const held = this.eventSeat(eventId, seat);
    if (!held) return 'no-seat';
    if (held.sessionHash !== null && held.sessionHash !== row.sessionHash) return 'taken';
    if (held.deviceId !== null && held.deviceId !== row.deviceId) return 'taken';
    this.db
      .prepare('UPDATE judge_seats SET device_id = ?, session_hash = ?, joined_at = ? WHERE event_id = ? AND seat = ?')
      .run(row.deviceId, row.sessionHash, this.clock().toISOString(), eventId, seat);
    this.db.prepare('UPDATE venue_seats SET bound_event_id = ? WHERE seat = ?').run(eventId, seat);
    return 'bound';
  }

  /** Takes the venue key out of the event's seat (only if it is still this key there). */
  private unbind(row: VenueRow, eventId: string): void {
    if (this.boundHere(row, eventId)) {
      this.db
        .prepare(
          'UPDATE judge_seats SET device_id = NULL, session_hash = NULL, joined_at = NULL WHERE event_id = ? AND seat = ?',
        )
        .run(eventId, row.seat);
    }
    this.db.prepare('UPDATE venue_seats SET bound_event_id = NULL WHERE seat = ?').run(row.seat);
  }

  private boundHere(row: VenueRow, eventId: string): boolean {
    const held = this.eventSeat(eventId, row.seat);
    return held !== undefined && row.sessionHash !== null && held.sessionHash === row.sessionHash;
  }

  private bindingOf(row: VenueRow, eventId: string | null): VenueBinding {
    if (eventId === null) return 'standby';
    const held = this.eventSeat(eventId, row.seat);
    if (!held) return 'no-seat';
    if (row.sessionHash !== null && held.sessionHash === row.sessionHash) return 'bound';
    return held.deviceId !== null ? 'taken' : 'bound';
  }

  private clear(seat: number): void {
    this.db
      .prepare(
        'UPDATE venue_seats SET device_id = NULL, session_hash = NULL, joined_at = NULL, bound_event_id = NULL WHERE seat = ?',
      )
      .run(seat);
    this.joinFailures.clear(`venue:${seat}`);
    this.revocations.announce({ kind: 'venue-seat', seat, reason: 'seat-released' });
  }

  private eventSeat(
    eventId: string,
    seat: number,
  ): { deviceId: string | null; sessionHash: string | null } | undefined {
    return this.db
      .prepare(
        'SELECT device_id AS deviceId, session_hash AS sessionHash FROM judge_seats WHERE event_id = ? AND seat = ?',
      )
      .get(eventId, seat) as { deviceId: string | null; sessionHash: string | null } | undefined;
  }

  private row(seat: number): VenueRow | undefined {
    return this.db.prepare(`${SELECT} WHERE seat = ?`).get(seat) as VenueRow | undefined;
  }

  private rows(): VenueRow[] {
    return this.db.prepare(`${SELECT} ORDER BY seat`).all() as VenueRow[];
  }

  /** Six digits, evenly drawn (values past the last whole million are drawn again). */
  private pin(): string {
    for (;;) {
      const value = this.random(4).readUInt32BE(0);
      if (value < 4_294_000_000) return String(value % 1_000_000).padStart(6, '0');
    }
  }
}
