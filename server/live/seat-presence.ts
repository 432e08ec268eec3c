import type { SeatStatus } from '../protocol/show';

/**
 * Judges' tablets as the desk needs to see them before a lock: online or not, when each was last
 * heard from, and whether it reported a score it has not delivered. Kept per event and seat, also
 * after a tablet drops (that is when it matters); published to staff on every change.
 */
export class SeatPresence {
  private readonly byEvent = new Map<string, Map<number, SeatStatus & { sockets: number }>>();

  constructor(
    private readonly now: () => number,
    private readonly publish: (eventId: string, seats: SeatStatus[]) => void,
  ) {}

  private seatOf(eventId: string, seat: number) {
    const seats = this.byEvent.get(eventId) ?? new Map<number, SeatStatus & { sockets: number }>();
    this.byEvent.set(eventId, seats);
    const status = seats.get(seat) ?? { seat, online: false, lastContactAt: null, unsent: false, sockets: 0 };
    seats.set(seat, status);
    return status;
  }

  private changed(eventId: string): void {
    this.publish(eventId, this.list(eventId));
  }

  connected(eventId: string, seat: number): void {
    const status = this.seatOf(eventId, seat);
    status.sockets += 1;
    status.online = true;
    status.lastContactAt = this.now();
    this.changed(eventId);
  }

  disconnected(eventId: string, seat: number): void {
    const status = this.seatOf(eventId, seat);
    status.sockets = Math.max(0, status.sockets - 1);
    status.online = status.sockets > 0;
    status.lastContactAt = this.now();
    this.changed(eventId);
  }

  /** A ping answered: the seat is alive now (published with the next change, not on every ping). */
  heard(eventId: string, seat: number): void {
    this.seatOf(eventId, seat).lastContactAt = this.now();
  }

  reported(eventId: string, seat: number, unsent: boolean): void {
    const status = this.seatOf(eventId, seat);
    status.unsent = unsent;
    status.lastContactAt = this.now();
    this.changed(eventId);
  }

  list(eventId: string): SeatStatus[] {
    return [...(this.byEvent.get(eventId)?.values() ?? [])]
      .map(({ sockets: _sockets, ...status }) => ({ ...status }))
      .sort((a, b) => a.seat - b.seat);
  }
}
