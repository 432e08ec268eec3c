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

/**
 * Limits guesses at one secret (an account's password, a seat's PIN) so that they stop the
 * guesser, not the owner. An address that fails too often is refused for that secret only: five
 * wrong PINs from a stranger's phone must not lock the judge's own tablet, nor five wrong passwords
 * at one laptop lock the operator out at another. Across all addresses a backstop slows every
 * attempt once failures pile up (a guesser with many addresses), but never refuses the right one.
 */
export class GuessLimiter {
  private readonly failures: FailureLimiter;

  constructor(private readonly limits: GuessLimits) {
    this.failures = new FailureLimiter(limits);
  }

  /** Whether this address is refused for this secret. */
  blocked(owner: string, address: string, now: number): boolean {
    return this.failures.blocked([pairKey(owner, address)], now);
  }

  /** How long an attempt at this secret waits before it is checked (0 below the backstop). */
  delayMs(owner: string, now: number): number {
    const over = this.failures.count(ownerKey(owner), now) - this.limits.backstop;
    if (over < 0) return 0;
    return Math.min(this.limits.baseDelayMs * 2 ** Math.min(over, 30), this.limits.maxDelayMs);
  }

  fail(owner: string, address: string, now: number): void {
    this.failures.fail([pairKey(owner, address), ownerKey(owner)], now);
  }

  /**
   * The owner got in from this address: that address starts afresh. The backstop's count stays
   * (the others' failures are not the owner's), and ages out with the window.
   */
  succeed(owner: string, address: string): void {
    this.failures.succeed([pairKey(owner, address)]);
  }

  /** Failures at this secret from all addresses within the window. */
  failuresAt(owner: string, now: number): number {
    return this.failures.count(ownerKey(owner), now);
  }

  /** Forgets every failure at this secret, from every address (the operator clears a seat's lock). */
  clear(owner: string): void {
    const pairs = `p\u0000${owner}\u0000`;
    this.failures.forget((key) => key === ownerKey(owner) || key.startsWith(pairs));
  }

  /** How many keys are being tracked (for tests and monitoring). */
  get size(): number {
    return this.failures.size;
  }
}

const ownerKey = (owner: string) => `o\u0000${owner}`;
const pairKey = (owner: string, address: string) => `p\u0000${owner}\u0000${address}`;

/** Resolves after `ms` (a backstop's wait); immediately for 0. */
export function pause(ms: number): Promise<void> {
  return ms <= 0 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, ms));
}
