import { describe, expect, it } from 'vitest';
import { EntropyTypingRelay, TYPING_RATE } from './entropy-typing';

describe('the notary’s typing relay', () => {
  it('relays valid digits without spaces while the lock is open, and keeps the last for late outputs', () => {
    let open = true;
    const sent: string[] = [];
    const relay = new EntropyTypingRelay(
      () => open,
      (_eventId, typing) => sent.push(typing.digits),
    );
    const bucket = EntropyTypingRelay.bucket(0);
    expect(relay.received('E1', { digits: '3 1 4' }, bucket, 0)).toBe(true);
    expect(relay.received('E1', { digits: '31a' }, bucket, 0)).toBe(false);
    expect(relay.received('E1', { digits: '314', extra: 1 }, bucket, 0)).toBe(false);
    expect(relay.received('E1', 'nonsense', bucket, 0)).toBe(false);
    expect(sent).toEqual(['314']);
    expect(relay.current('E1')).toEqual({ digits: '314' });
    expect(relay.current('E2')).toBeNull();
    // Once locked (or abandoned), nothing more is relayed and nothing is kept.
    open = false;
    expect(relay.current('E1')).toBeNull();
    expect(relay.received('E1', { digits: '3141' }, bucket, 0)).toBe(false);
    expect(sent).toEqual(['314']);
  });

  it('limits each socket to a typist’s pace', () => {
    const relay = new EntropyTypingRelay(
      () => true,
      () => undefined,
    );
    const bucket = EntropyTypingRelay.bucket(0);
    let accepted = 0;
    for (let i = 0; i < 200; i += 1) if (relay.received('E1', { digits: '1' }, bucket, 0)) accepted += 1;
    expect(accepted).toBe(TYPING_RATE.burst);
    // A second later, ten more keys are accepted.
    for (let i = 0; i < 20; i += 1) if (relay.received('E1', { digits: '1' }, bucket, 1000)) accepted += 1;
    expect(accepted).toBe(TYPING_RATE.burst + TYPING_RATE.perSecond);
  });
});
