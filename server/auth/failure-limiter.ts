/**
 * Counts failed attempts per key (a client address, a username, a judge's seat) in a sliding
 * window, and says when a key has failed too often. Memory stays bounded whatever the guesses:
 * keys past the window are forgotten, and beyond `maxKeys` the earliest are dropped.
 */
export class FailureLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(private readonly options: { maxFailures: number; windowMs: number; maxKeys: number }) {}

  /** True when any of the keys has failed `maxFailures` times within the window before `now`. */
  blocked(keys: readonly string[], now: number): boolean {
    let blocked = false;
    for (const key of keys) {
      const recent = (this.failures.get(key) ?? []).filter((t) => now - t < this.options.windowMs);
      if (recent.length > 0) this.failures.set(key, recent);
      else this.failures.delete(key);
      if (recent.length >= this.options.maxFailures) blocked = true;
    }
    return blocked;
  }

  fail(keys: readonly string[], now: number): void {
    for (const key of keys) this.failures.set(key, [...(this.failures.get(key) ?? []), now]);
    this.forgetOld(now);
  }

  /** Takes back one failure counted at `at` (an attempt counted before its check, then found right). */
  unfail(key: string, at: number): void {
    const times = this.failures.get(key);
    const index = times?.lastIndexOf(at) ?? -1;
    if (times === undefined || index < 0) return;
    times.splice(index, 1);
    if (times.length === 0) this.failures.delete(key);
  }

  succeed(keys: readonly string[]): void {
    for (const key of keys) this.failures.delete(key);
  }

  /** How many times a key failed within the window before `now`. */
  count(key: string, now: number): number {
    return (this.failures.get(key) ?? []).filter((t) => now - t < this.options.windowMs).length;
  }

  /** Forgets every key the predicate picks (an operator clearing a seat's lock). */
  forget(picks: (key: string) => boolean): void {
    for (const key of [...this.failures.keys()]) if (picks(key)) this.failures.delete(key);
  }

  /** How many keys are being tracked (for tests and monitoring). */
  get size(): number {
    return this.failures.size;
  }

  private forgetOld(now: number): void {
    if (this.failures.size <= this.options.maxKeys) return;
    for (const [key, times] of this.failures) {
      if (times.every((t) => now - t >= this.options.windowMs)) this.failures.delete(key);
    }
    // Still too many within the window: forget the earliest keys (Map keeps insertion order).
    for (const key of this.failures.keys()) {
      if (this.failures.size <= this.options.maxKeys) break;
      this.failures.delete(key);
    }
  }
}
