/**
 * The server's time, as seen from this page: several round trips at connect, keeping the one with
 * the shortest trip (its midpoint error is smallest), refreshed now and then. Local time comes from
 * performance.now(), which never jumps when the venue PC's wall clock is adjusted.
 */
export class ServerClock {
  private offset: number | null = null;
  private bestRtt = Number.POSITIVE_INFINITY;

  /** Local monotonic time in ms on the wall-clock scale. */
  static local(): number {
    return performance.timeOrigin + performance.now();
  }

  /** A first estimate from a snapshot, used until a measured round trip arrives. */
  roughly(serverTime: number): void {
    if (this.offset === null) this.offset = serverTime - ServerClock.local();
  }

  /** One measured sample: sent at t0, answered with serverTime, received at t1. */
  sample(t0: number, serverTime: number, t1: number): void {
    const rtt = t1 - t0;
    // A fresh sample replaces the kept one when it is as tight, or the kept one has aged (drift).
    if (rtt <= this.bestRtt * 1.5 || this.offset === null) {
      this.bestRtt = Math.min(this.bestRtt, rtt);
      this.offset = serverTime - (t0 + t1) / 2;
    }
  }

  get synced(): boolean {
    return this.offset !== null;
  }

  now(): number {
    return ServerClock.local() + (this.offset ?? 0);
  }

  /** Server time of a performance.now() timestamp, e.g. a frame's requestAnimationFrame time. */
  at(performanceTime: number): number {
    return performance.timeOrigin + performanceTime + (this.offset ?? 0);
  }
}
