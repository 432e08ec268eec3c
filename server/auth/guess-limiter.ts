import { FailureLimiter } from './failure-limiter';

export interface GuessLimits {
  /** Failures from one address at one secret before that address is refused for it. */
  maxFailures: number;
  windowMs: number;
  maxKeys: number;
  /** Failures at one secret from all addresses before every attempt at it is slowed. */
  backstop: number;
  /** The wait at the backstop; it doubles with each further failure, up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
}

/** What became of one guess: refused unchecked (too many), or checked and wrong, or right with what it opened. */
export type Guess<T> = { outcome: 'refused' } | { outcome: 'wrong' } | { outcome: 'right'; opened: T };

/**
 * Limits guesses at one secret (an account's password, a seat's PIN) so that they stop the
 * guesser, not the owner. An address that fails too often is refused for that secret only: five
 * wrong PINs from a stranger's phone must not lock the judge's own tablet, nor five wrong passwords
 * at one laptop lock the operator out at another. Across all addresses a backstop slows every
 * attempt once failures pile up (a guesser with many addresses).
 *
 * Guesses arrive in parallel (scrypt runs off the main thread, a wait is a timer), so each is
 * counted as a failure before it is checked and taken back if it was right: otherwise 30 guesses
 * sent at once from one address all passed the five-failure limit before the first had failed.
 * Past the backstop the waits are taken in turn per secret, not side by side, and a guess whose
 * turn is further off than `maxDelayMs` is refused unchecked: 200 addresses guessing at once got
 * all 200 checked in a few seconds while each waited its own timer.
 */
export class GuessLimiter {
  private readonly failures: FailureLimiter;
  /** Per secret past its backstop: when the last admitted guess is checked (the next waits after it). */
  private readonly turns = new Map<string, number>();

  constructor(private readonly limits: GuessLimits) {
    this.failures = new FailureLimiter(limits);
  }

  /** Whether this address is refused for this secret. */
  private blocked(owner: string, address: string, now: number): boolean {
    return this.failures.blocked([pairKey(owner, address)], now);
  }

  /** How long an attempt at this secret waits before it is checked (0 below the backstop). */
  private delayMs(owner: string, now: number): number {
    const over = this.failures.count(ownerKey(owner), now) - this.limits.backstop;
    if (over < 0) return 0;
    return Math.min(this.limits.baseDelayMs * 2 ** Math.min(over, 30), this.limits.maxDelayMs);
  }

  /**
   * One guess at `owner` from `address`: refused, or counted, waited for (past the backstop, in
   * turn) and checked. `check` gives what the secret opens, or undefined when the guess is wrong;
   * a check that throws leaves the guess counted as a failure.
   */
  async guess<T>(
    owner: string,
    address: string,
    now: () => number,
    check: () => T | undefined | Promise<T | undefined>,
  ): Promise<Guess<T>> {
    const at = now();
    if (this.blocked(owner, address, at)) return { outcome: 'refused' };
    const wait = this.takeTurn(owner, at);
    if (wait === null) return { outcome: 'refused' };
    this.fail(owner, address, at);
    await pause(wait);
    const opened = await check();
    if (opened === undefined) return { outcome: 'wrong' };
    this.succeed(owner, address);
    this.failures.unfail(ownerKey(owner), at);
    return { outcome: 'right', opened };
  }

  private fail(owner: string, address: string, now: number): void {
    this.failures.fail([pairKey(owner, address), ownerKey(owner)], now);
  }

  /**
   * The owner got in from this address: that address starts afresh. The backstop's count stays
   * (the others' failures are not the owner's), and ages out with the window.
   */
  private succeed(owner: string, address: string): void {
    this.failures.succeed([pairKey(owner, address)]);
  }

  /** How long this guess waits for its turn (0 below the backstop), or null when its turn is too far off. */
  private takeTurn(owner: string, now: number): number | null {
    const delay = this.delayMs(owner, now);
    if (delay === 0) return 0;
    const turn = Math.max(now, this.turns.get(owner) ?? 0) + delay;
    if (turn - now > this.limits.maxDelayMs) return null;
    if (this.turns.size >= this.limits.maxKeys) {
      for (const [key, last] of this.turns) if (last <= now) this.turns.delete(key);
    }
    this.turns.set(owner, turn);
    return turn - now;
  }

  /** Failures at this secret from all addresses within the window. */
  failuresAt(owner: string, now: number): number {
    return this.failures.count(ownerKey(owner), now);
  }

  /** Forgets every failure at this secret, from every address (the operator clears a seat's lock). */
  clear(owner: string): void {
    const pairs = `p\u0000${owner}\u0000`;
    this.failures.forget((key) => key === ownerKey(owner) || key.startsWith(pairs));
    this.turns.delete(owner);
  }

  /** How many keys are being tracked (for tests and monitoring). */
  get size(): number {
    return this.failures.size;
  }
}

const ownerKey = (owner: string) => `o\u0000${owner}`;
const pairKey = (owner: string, address: string) => `p\u0000${owner}\u0000${address}`;

/** Resolves after `ms` (a backstop's wait); immediately for 0. */
function pause(ms: number): Promise<void> {
  return ms <= 0 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, ms));
}
