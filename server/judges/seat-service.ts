import { FailureLimiter } from '../auth/failure-limiter';
import { sameSecret } from '../auth/same-secret';
import { FAILURE_WINDOW_MS, MAX_FAILURES } from '../auth/auth-service';
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
  /** Failed seat joins per seat (wrong PIN or token), within a sliding window. */
  private readonly joinFailures = new FailureLimiter({
    maxFailures: MAX_FAILURES,
    windowMs: FAILURE_WINDOW_MS,
    maxKeys: 10_000,
  });

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
    return judges.map((j) => {
      const row = rows.find((r) => r.seat === j.seat);
      return {
        seat: j.seat,
        name: j.name,
        pin: j.pin,
        joinPath: row ? `/judge?event=${eventId}&seat=${j.seat}&token=${row.token}` : '',
        joined: Boolean(row?.deviceId),
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
  joinSeat(body: JudgeJoinBody): { judgeKey: string; seat: number; name: string } {
    const judge = (this.events.get(body.eventId).settings.judges ?? []).find((j) => j.seat === body.seat);
    const row = this.db
      .prepare('SELECT token, device_id AS deviceId FROM judge_seats WHERE event_id = ? AND seat = ?')
      .get(body.eventId, body.seat) as { token: string; deviceId: string | null } | undefined;
    // A PIN has few digits: a seat link photographed off a table must not be brute-forced.
    const seatKey = [`seat:${body.eventId}:${body.seat}`];
    const now = this.clock().getTime();
    if (this.joinFailures.blocked(seatKey, now)) throw new AppError('JUDGE_JOIN_RATE_LIMITED');
    if (!judge || !row || !sameSecret(row.token, body.token) || !sameSecret(judge.pin, body.pin)) {
      this.joinFailures.fail(seatKey, now);
      throw new AppError('JUDGE_JOIN_INVALID');
    }
    this.joinFailures.succeed(seatKey);
    if (row.deviceId !== null && row.deviceId !== body.deviceId) throw new AppError('JUDGE_SEAT_TAKEN');
    const judgeKey = this.random(24).toString('base64url');
    this.db
      .prepare('UPDATE judge_seats SET device_id = ?, session_hash = ?, joined_at = ? WHERE event_id = ? AND seat = ?')
      .run(body.deviceId, sha256Hex(judgeKey), this.clock().toISOString(), body.eventId, body.seat);
    return { judgeKey, seat: judge.seat, name: judge.name };
  }

  /** The seat a judge's key opens, if any. */
  judgeSeatFor(eventId: string, judgeKey: string | undefined): number | null {
    if (!judgeKey) return null;
    const seat = this.db
      .prepare('SELECT seat FROM judge_seats WHERE event_id = ? AND session_hash = ?')
      .pluck()
      .get(eventId, sha256Hex(judgeKey)) as number | undefined;
    return seat ?? null;
  }

  releaseSeat(eventId: string, seat: number): void {
    this.events.get(eventId);
    const result = this.db
      .prepare(
        'UPDATE judge_seats SET device_id = NULL, session_hash = NULL, joined_at = NULL WHERE event_id = ? AND seat = ?',
      )
      .run(eventId, seat);
    if (result.changes === 0) throw new AppError('NOT_FOUND', { message: `没有 ${seat} 号席位` });
  }
}
