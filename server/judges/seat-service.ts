import { GuessLimiter } from '../auth/guess-limiter';
import { RevocationFeed } from '../auth/revocations';
import { sameSecret } from '../auth/same-secret';
import { GUESS_LIMITS } from '../auth/auth-service';
import type { Db } from '../store/db';
import type { Clock, RandomBytes } from '../runtime';
import { AppError } from '../errors';
import type { JudgeSetting } from '../protocol/events';
import type { JudgeJoinBody, SeatCard, SeatLinkQuery, SeatView } from '../protocol/judges';
import { sha256Hex } from '../draw-engine/sha256';
import type { EventRepository } from '../events/event-repository';

/**
 * Judges' seats (评委席位): each sealed event's seats with their join tokens, the one device that
 * holds each seat, and the key that device's tablet connects with.
 */
export class SeatService {
  /** Failed seat joins (wrong PIN or token) per (seat, client address), with a per-seat backstop whose waits are taken in turn. */
  private readonly joinFailures = new GuessLimiter({ ...GUESS_LIMITS, maxKeys: 10_000 });
  /** Released seats, for the realtime layer to close the old tablet's socket. */
  readonly revocations = new RevocationFeed();

  constructor(
    private readonly db: Db,
    private readonly events: EventRepository,
    private readonly clock: Clock,
    private readonly random: RandomBytes,
  ) {}

  /** One join token per declared seat, written when the event is sealed (inside the seal's transaction). */
  issueSeats(eventId: string, judges: readonly JudgeSetting[]): void {
    const seat = this.db.prepare('INSERT INTO judge_seats (event_id, seat, token) VALUES (?, ?, ?)');
    for (const judge of judges) seat.run(eventId, judge.seat, this.random(12).toString('base64url'));
  }

  /** The seats of an event with their join links and PINs, for the operator's printable sheet. */
  seats(eventId: string): SeatView[] {
    const judges = this.events.get(eventId).settings.judges ?? [];
    const rows = this.db
      .prepare('SELECT seat, token, device_id AS deviceId FROM judge_seats WHERE event_id = ?')
      .all(eventId) as {
      seat: number;
      token: string;
      deviceId: string | null;
    }[];
    const now = this.clock().getTime();
    return judges.map((j) => {
      const row = rows.find((r) => r.seat === j.seat);
      return {
        seat: j.seat,
        name: j.name,
        pin: j.pin,
        joinPath: row ? `/judge?event=${eventId}&seat=${j.seat}&token=${row.token}` : '',
        joined: Boolean(row?.deviceId),
        joinFailures: this.joinFailures.failuresAt(seatOwner(eventId, j.seat), now),
      };
    });
  }

  /**
   * The seat's card for the PIN screen, opened by the link's token alone. The token is 96 random
   * bits (unguessable, unlike a PIN), so a wrong one is refused without counting against the seat:
   * counting would let anyone lock a judge out by spamming bad links.
   */
  seatCard(query: SeatLinkQuery): SeatCard {
    const event = this.events.get(query.event);
    const judge = (event.settings.judges ?? []).find((j) => j.seat === query.seat);
    const token = this.db
      .prepare('SELECT token FROM judge_seats WHERE event_id = ? AND seat = ?')
      .pluck()
      .get(query.event, query.seat) as string | undefined;
    if (!judge || token === undefined || !sameSecret(token, query.token)) throw new AppError('JUDGE_JOIN_INVALID');
    return {
      seat: judge.seat,
      name: judge.name,
      eventTitle: event.title,
      eventDate: event.eventDate,
      rehearsal: event.rehearsal,
    };
  }

  /**
   * A judge joins a seat with its link's token and the PIN. One device per seat: another device
   * is refused until the operator releases the seat; the same device may rejoin (after a reload).
   */
  async joinSeat(
    body: JudgeJoinBody,
    clientAddress: string,
  ): Promise<{ judgeKey: string; seat: number; name: string }> {
    // A PIN has few digits: a seat link photographed off a table must not be brute-forced, and a
    // stranger's wrong guesses must not lock out the judge's own tablet (another address).
    const guess = await this.joinFailures.guess(
      seatOwner(body.eventId, body.seat),
      clientAddress,
      () => this.clock().getTime(),
      () => {
        const judge = (this.events.get(body.eventId).settings.judges ?? []).find((j) => j.seat === body.seat);
        const row = this.db
          .prepare('SELECT token, device_id AS deviceId FROM judge_seats WHERE event_id = ? AND seat = ?')
          .get(body.eventId, body.seat) as { token: string; deviceId: string | null } | undefined;
        const right = judge && row && sameSecret(row.token, body.token) && sameSecret(judge.pin, body.pin);
        return right ? { judge, row } : undefined;
      },
    );
    if (guess.outcome === 'refused') throw new AppError('JUDGE_JOIN_RATE_LIMITED');
    if (guess.outcome === 'wrong') throw new AppError('JUDGE_JOIN_INVALID');
    const { judge, row } = guess.opened;
    if (row.deviceId !== null && row.deviceId !== body.deviceId) throw new AppError('JUDGE_SEAT_TAKEN');
    const judgeKey = this.random(24).toString('base64url');
    this.db
      .prepare('UPDATE judge_seats SET device_id = ?, session_hash = ?, joined_at = ? WHERE event_id = ? AND seat = ?')
      .run(body.deviceId, sha256Hex(judgeKey), this.clock().toISOString(), body.eventId, body.seat);
    return { judgeKey, seat: judge.seat, name: judge.name };
  }

  /** The seat a judge's key opens, if any. */
  judgeSeatFor(eventId: string, judgeKey: string | undefined): number | null {
    return judgeKey ? this.seatOfKeyHash(eventId, sha256Hex(judgeKey)) : null;
  }

  /** The seat a judge's key opens, by the key's hash (what a socket keeps): null once released or rejoined. */
  seatOfKeyHash(eventId: string, keyHash: string): number | null {
    const seat = this.db
      .prepare('SELECT seat FROM judge_seats WHERE event_id = ? AND session_hash = ?')
      .pluck()
      .get(eventId, keyHash) as number | undefined;
    return seat ?? null;
  }

  /** Clears a seat's join limits (every address), so a judge refused after wrong PINs can join at once. */
  clearLock(eventId: string, seat: number): void {
    this.seatRow(eventId, seat);
    this.joinFailures.clear(seatOwner(eventId, seat));
  }

  private seatRow(eventId: string, seat: number): void {
    this.events.get(eventId);
    const found = this.db.prepare('SELECT 1 FROM judge_seats WHERE event_id = ? AND seat = ?').get(eventId, seat);
    if (found === undefined) throw new AppError('NOT_FOUND', { message: `没有 ${seat} 号席位` });
  }

  /** Frees the seat for another tablet: the old tablet's socket is closed, and the seat's join limits cleared. */
  releaseSeat(eventId: string, seat: number): void {
    this.seatRow(eventId, seat);
    this.db
      .prepare(
        'UPDATE judge_seats SET device_id = NULL, session_hash = NULL, joined_at = NULL WHERE event_id = ? AND seat = ?',
      )
      .run(eventId, seat);
    this.joinFailures.clear(seatOwner(eventId, seat));
    this.revocations.announce({ kind: 'seat', eventId, seat, reason: 'seat-released' });
  }
}

const seatOwner = (eventId: string, seat: number) => `${eventId}:${seat}`;
