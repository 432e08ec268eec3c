import { describe, expect, it } from 'vitest';
import { JoinLimiter, REALTIME_LIMITS, SocketLimiter, TokenBucket } from './socket-limits';

describe('socket limits on a fixed clock', () => {
  it('a bucket gives its burst at once, then refills at its rate and never beyond its burst', () => {
    const bucket = new TokenBucket({ burst: 3, perSecond: 2 }, 0);
    expect([1, 2, 3, 4].map(() => bucket.take(0))).toEqual([true, true, true, false]);
    expect(bucket.take(499)).toBe(false); // 0.998 of a token
    expect(bucket.take(500)).toBe(true);
    expect(bucket.full(10_000)).toBe(true);
    expect([1, 2, 3, 4].map(() => bucket.take(10_000))).toEqual([true, true, true, false]);
  });

  it('a clock that goes back refills nothing', () => {
    const bucket = new TokenBucket({ burst: 1, perSecond: 1 }, 5000);
    expect(bucket.take(5000)).toBe(true);
    expect(bucket.take(0)).toBe(false);
    expect(bucket.take(5999)).toBe(false);
    expect(bucket.take(6000)).toBe(true);
  });

  it('a public socket flooding show:sync is refused after its burst, then disconnected', () => {
    const limits = REALTIME_LIMITS.sockets.public;
    const limiter = new SocketLimiter(limits, 0);
    const verdicts = Array.from({ length: 100 }, () => limiter.check('show:sync', 0));
    const syncBurst = limits.events['show:sync'].burst;
    expect(verdicts.slice(0, syncBurst).every((v) => v === 'accept')).toBe(true);
    expect(verdicts.slice(syncBurst, syncBurst + limits.refusals.burst).every((v) => v === 'refuse')).toBe(true);
    expect(verdicts[syncBurst + limits.refusals.burst]).toBe('disconnect');
  });

  it('a sync at the sustained rate is always served, and other events keep their own bucket', () => {
    const limits = REALTIME_LIMITS.sockets.public;
    const limiter = new SocketLimiter(limits, 0);
    const every = 1000 / limits.events['show:sync'].perSecond;
    for (let t = 0; t < 600_000; t += every) expect(limiter.check('show:sync', t)).toBe('accept');
    // clock:sync has a bucket of its own: spending syncs does not starve it.
    expect(limiter.check('clock:sync', 600_000)).toBe('accept');
  });

  it('an output’s honest clock samples (8 on each of two quick reconnects, then one per 30 s) all pass', () => {
    const limiter = new SocketLimiter(REALTIME_LIMITS.sockets.overlay, 0);
    const times = [
      ...Array.from({ length: 8 }, (_, i) => i * 40),
      ...Array.from({ length: 8 }, (_, i) => 1000 + i * 40),
      ...Array.from({ length: 20 }, (_, i) => 30_000 * (i + 1)),
    ];
    expect(times.map((t) => limiter.check('clock:sync', t)).every((v) => v === 'accept')).toBe(true);
  });

  it('any event counts: unknown names run out the shared bucket too', () => {
    const limits = REALTIME_LIMITS.sockets.public;
    const limiter = new SocketLimiter(limits, 0);
    const verdicts = Array.from({ length: limits.any.burst + 1 }, () => limiter.check('made:up', 0));
    expect(verdicts.at(-2)).toBe('accept');
    expect(verdicts.at(-1)).toBe('refuse');
  });

  it('refusals are forgiven at their rate: a socket that pauses is not disconnected later', () => {
    const limiter = new SocketLimiter(
      {
        any: { burst: 1, perSecond: 1 },
        events: REALTIME_LIMITS.sockets.public.events,
        refusals: { burst: 2, perSecond: 1 },
      },
      0,
    );
    expect(['x', 'x', 'x'].map((e) => limiter.check(e, 0))).toEqual(['accept', 'refuse', 'refuse']);
    expect(limiter.check('x', 1000)).toBe('accept');
    expect(limiter.check('x', 1000)).toBe('refuse');
    expect(limiter.check('x', 1000)).toBe('disconnect');
  });

  it('joins are counted per role and address; refilled addresses are forgotten', () => {
    const joins = new JoinLimiter({ public: { burst: 2, perSecond: 1 }, overlay: { burst: 1, perSecond: 1 } }, 3);
    expect([1, 2, 3].map(() => joins.allow('public', '10.0.0.1', 0))).toEqual([true, true, false]);
    expect(joins.allow('public', '10.0.0.2', 0)).toBe(true); // another address has its own bucket
    expect(joins.allow('overlay', '10.0.0.1', 0)).toBe(true); // and so has another role
    expect(joins.allow('public', '10.0.0.1', 1000)).toBe(true);
    expect(joins.size).toBe(3);
    expect(joins.allow('public', '10.0.0.9', 60_000)).toBe(true); // sweeps the three refilled ones
    expect(joins.size).toBe(1);
  });
});

describe('an address whose socket was dropped for abuse', () => {
  it('pays in join tokens, into debt: it may come back only once the penalty has refilled', () => {
    const joins = new JoinLimiter({ public: { burst: 100, perSecond: 10 }, overlay: { burst: 1, perSecond: 1 } });
    const penalty = 20;
    joins.penalize('public', '10.0.0.1', 100 + penalty, 0);
    expect(joins.allow('public', '10.0.0.1', 0)).toBe(false);
    const refill = (penalty / 10) * 1000; // the debt, at 10 a second
    expect(joins.allow('public', '10.0.0.1', refill)).toBe(false); // back at zero: still no whole token
    expect(joins.allow('public', '10.0.0.1', refill + 100)).toBe(true);
    expect(joins.allow('public', '10.0.0.2', 0)).toBe(true); // other addresses are not charged
  });

  it('is charged two seconds of joins for a public socket and twenty for an output, within the debt the bucket allows', () => {
    const { joins, dropPenalty } = REALTIME_LIMITS;
    expect(dropPenalty.public / joins.public.perSecond).toBe(2);
    expect(dropPenalty.overlay / joins.overlay.perSecond).toBe(20);
    expect(dropPenalty.public).toBeLessThanOrEqual(joins.public.burst);
    expect(dropPenalty.overlay).toBeLessThanOrEqual(joins.overlay.burst);
  });
});
