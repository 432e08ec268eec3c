/**
 * Per-socket rate limits for the sockets anyone can open: the public live page, the outputs and the
 * judges' tablets. Staff sockets are never limited (a logged-in desk is the owner of the show).
 * Pure logic: every check takes the time it is made at, so tests drive it with a fixed clock.
 *
 * The limits are set from what the honest pages send (see docs/show.md, "Realtime"), with a wide
 * margin: the public page sends no event at all, an output sends 8 `clock:sync` on connecting and
 * one every 30 s and an `output:stats` report every 3 s, a tablet a `judge:submit` and a `judge:status`
 * per score.
 */

/** A token bucket's size: `burst` events at once, refilled at `perSecond`. */
export interface Rate {
  burst: number;
  perSecond: number;
}

/** A token bucket: full when made, one token per accepted event. */
export class TokenBucket {
  private tokens: number;
  private at: number;

  constructor(
    private readonly rate: Rate,
    now: number,
  ) {
    this.tokens = rate.burst;
    this.at = now;
  }

  /** Takes one token if there is one (times in ms; a clock that goes back refills nothing). */
  take(now: number): boolean {
    this.refill(now);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /**
   * Takes `count` tokens whatever is left, into debt down to minus the burst: the bucket then gives
   * nothing until that much time has refilled it (a penalty, not one more event).
   */
  spend(count: number, now: number): void {
    this.refill(now);
    this.tokens = Math.max(-this.rate.burst, this.tokens - count);
  }

  /** Whether the bucket has refilled to its burst (nothing left to remember about it). */
  full(now: number): boolean {
    this.refill(now);
    return this.tokens >= this.rate.burst;
  }

  private refill(now: number): void {
    const elapsed = Math.max(0, now - this.at);
    this.tokens = Math.min(this.rate.burst, this.tokens + (elapsed / 1000) * this.rate.perSecond);
    this.at = Math.max(this.at, now);
  }
}

/** The events with a bucket of their own (besides `any`, which every event also takes from). */
export const LIMITED_EVENTS = ['show:sync', 'clock:sync', 'output:stats'] as const;
export type LimitedEvent = (typeof LIMITED_EVENTS)[number];

/** One role's limits. */
export interface SocketLimits {
  /** Every event the socket sends, whatever its name. */
  any: Rate;
  /** Events with a bucket of their own: a snapshot and a clock sample are what a flood asks for. */
  events: Record<LimitedEvent, Rate>;
  /** Refused events a socket may send before it is disconnected: a few times its biggest bucket. */
  refusals: Rate;
}

/** The roles that are limited, and the per-address connection limits. */
export interface RealtimeLimits {
  sockets: Record<'public' | 'overlay' | 'judge', SocketLimits>;
  /** Connection attempts per client address, by role: a reconnect loop cannot reset its buckets. */
  joins: Record<'public' | 'overlay', Rate>;
  /**
   * Join tokens an address loses when one of its sockets is dropped for abuse: reconnecting is how
   * a flooder gets fresh buckets (and a snapshot on connect), so each drop costs it seconds.
   */
  dropPenalty: Record<'public' | 'overlay', number>;
}

export const REALTIME_LIMITS: RealtimeLimits = {
  sockets: {
    // The public page sends nothing (snapshots are pushed); a script asking now and then still can.
    // Other events are cheap to refuse (a role check), so their shared bucket is wider than a sync's.
    public: {
      any: { burst: 60, perSecond: 5 },
      events: {
        'show:sync': { burst: 5, perSecond: 0.5 },
        'clock:sync': { burst: 10, perSecond: 1 },
        'output:stats': { burst: 1, perSecond: 0.1 },
      },
      refusals: { burst: 20, perSecond: 1 },
    },
    // An output: 8 clock samples on each connect, then one per 30 s; 20 covers two reconnects at once.
    overlay: {
      any: { burst: 60, perSecond: 5 },
      events: {
        'show:sync': { burst: 10, perSecond: 1 },
        'clock:sync': { burst: 20, perSecond: 1 },
        // One report every 3 s (output-stats in the overlay); a reconnect sends one at once.
        'output:stats': { burst: 4, perSecond: 0.5 },
      },
      refusals: { burst: 40, perSecond: 2 },
    },
    // Judges hold a link and a PIN: generous, only a runaway tablet ever meets it.
    judge: {
      any: { burst: 120, perSecond: 20 },
      events: {
        'show:sync': { burst: 20, perSecond: 2 },
        'clock:sync': { burst: 20, perSecond: 2 },
        'output:stats': { burst: 1, perSecond: 0.1 },
      },
      refusals: { burst: 100, perSecond: 5 },
    },
  },
  // A venue's wifi or a mobile carrier's NAT puts many phones behind one address, and they all come
  // at the start of a broadcast: 1,000 at once, then 100 a second (a first snapshot each, served
  // behind on-air work: deferred-work.ts).
  joins: {
    public: { burst: 1000, perSecond: 100 },
    overlay: { burst: 30, perSecond: 1 },
  },
  // A dropped flooder's address may come back once per 2 s (public, 200 at 100 a second) or 20 s
  // (outputs, 20 at 1 a second); honest phones behind it are refused for as long, and try again (public-site.svelte.ts).
  dropPenalty: { public: 200, overlay: 20 },
};

/** What to do with one event: serve it, refuse it (typed ack), or disconnect the socket. */
export type Verdict = 'accept' | 'refuse' | 'disconnect';

const isLimited = (event: string): event is LimitedEvent => (LIMITED_EVENTS as readonly string[]).includes(event);

/** One socket's buckets. */
export class SocketLimiter {
  private readonly any: TokenBucket;
  private readonly events: Record<LimitedEvent, TokenBucket>;
  private readonly refusals: TokenBucket;

  constructor(limits: SocketLimits, now: number) {
    this.any = new TokenBucket(limits.any, now);
    this.events = {
      'show:sync': new TokenBucket(limits.events['show:sync'], now),
      'clock:sync': new TokenBucket(limits.events['clock:sync'], now),
      'output:stats': new TokenBucket(limits.events['output:stats'], now),
    };
    this.refusals = new TokenBucket(limits.refusals, now);
  }

  check(event: string, now: number): Verdict {
    // The event's own bucket first: a refused sync does not also spend the socket's other events.
    const own = isLimited(event) ? this.events[event].take(now) : true;
    if (own && this.any.take(now)) return 'accept';
    return this.refusals.take(now) ? 'refuse' : 'disconnect';
  }
}

/** Connection attempts per (role, address); buckets that have refilled are forgotten. */
export class JoinLimiter {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly rates: Record<'public' | 'overlay', Rate>,
    /** How many addresses to remember before sweeping out the refilled ones. */
    private readonly sweepAt = 1000,
  ) {}

  allow(role: 'public' | 'overlay', address: string, now: number): boolean {
    const key = `${role} ${address}`;
    let bucket = this.buckets.get(key);
    if (!bucket) {
      if (this.buckets.size >= this.sweepAt) this.sweep(now);
      bucket = new TokenBucket(this.rates[role], now);
      this.buckets.set(key, bucket);
    }
    return bucket.take(now);
  }

  /** Charges an address for a socket dropped for abuse. */
  penalize(role: 'public' | 'overlay', address: string, tokens: number, now: number): void {
    const key = `${role} ${address}`;
    const bucket = this.buckets.get(key) ?? new TokenBucket(this.rates[role], now);
    this.buckets.set(key, bucket);
    bucket.spend(tokens, now);
  }

  /** Addresses remembered (for tests: the map does not grow without end). */
  get size(): number {
    return this.buckets.size;
  }

  private sweep(now: number): void {
    for (const [key, bucket] of this.buckets) if (bucket.full(now)) this.buckets.delete(key);
  }
}

/** The socket surface the guard needs (a socket.io server socket has it). */
interface GuardedSocket {
  use(middleware: (packet: unknown[], next: (error?: Error) => void) => void): unknown;
  disconnect(close?: boolean): unknown;
}

/**
 * Puts one socket's limits in front of its handlers: a refused event is answered in its ack with
 * SOCKET_RATE_LIMITED (its handler never runs) and a socket that keeps going is disconnected.
 */
export function guardSocket(
  socket: GuardedSocket,
  limits: SocketLimits,
  now: () => number,
  refused: { body: object; onDisconnect: (event: string) => void },
): void {
  const limiter = new SocketLimiter(limits, now());
  // Packets already read when the socket is dropped still pass here: they are ignored, charged once.
  let dropped = false;
  socket.use((packet, next) => {
    if (dropped) return;
    const event = String(packet[0]);
    const verdict = limiter.check(event, now());
    if (verdict === 'accept') return next();
    if (verdict === 'disconnect') {
      dropped = true;
      refused.onDisconnect(event);
      socket.disconnect(true);
      return;
    }
    const ack = packet.at(-1);
    if (typeof ack === 'function') ack(refused.body);
  });
}
