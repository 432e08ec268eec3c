import { describe, expect, it } from 'vitest';
import { formatClock, percent, revealFrame, rollFrame, ROLL_TURNS, shortHash, swapFrame } from './motion';
import { REPLACEMENT_MS, REPLACEMENT_TIMING, REVEAL_TIMING } from '$protocol/show';

describe('the roll', () => {
  const L = 36;
  it('waits, rolls forward only, and lands on the last reel entry at landsAt exactly', () => {
    expect(rollFrame(L, 1000, 7000, 500)).toMatchObject({ index: 0, phase: 'waiting' });
    let previous = -1;
    for (let t = 1000; t < 7000; t += 20) {
      const frame = rollFrame(L, 1000, 7000, t);
      expect(frame.position).toBeGreaterThanOrEqual(previous);
      previous = frame.position;
    }
    expect(rollFrame(L, 1000, 7000, 7000)).toEqual({
      position: L * ROLL_TURNS + L - 1,
      index: L - 1,
      fraction: 0,
      phase: 'landed',
    });
    expect(rollFrame(L, 1000, 7000, 99_999).index).toBe(L - 1);
  });
  it('slows down: the last second moves far less than the first', () => {
    const first = rollFrame(L, 0, 6000, 1000).position;
    const last = rollFrame(L, 0, 6000, 6000).position - rollFrame(L, 0, 6000, 5000).position;
    expect(last).toBeLessThan(first / 20);
  });
  it('a one-entry reel is landed at once', () => {
    expect(rollFrame(1, 1000, 7000, 0)).toMatchObject({ index: 0, phase: 'landed' });
  });
});

describe('the reveal', () => {
  const { leadMs, perSeatMs, strikeMs, finalMs } = REVEAL_TIMING;
  it('shows seats in turn, then strikes, then the final', () => {
    expect(revealFrame(5, 0, 0)).toEqual({ shown: 0, struck: false, final: false, nextAt: leadMs });
    expect(revealFrame(5, 0, leadMs)).toMatchObject({ shown: 1, nextAt: leadMs + perSeatMs });
    expect(revealFrame(5, 0, leadMs + 4 * perSeatMs)).toMatchObject({ shown: 5, struck: false });
    const strikeAt = leadMs + 4 * perSeatMs + strikeMs;
    expect(revealFrame(5, 0, strikeAt)).toMatchObject({ shown: 5, struck: true, final: false });
    expect(revealFrame(5, 0, strikeAt + finalMs)).toEqual({ shown: 5, struck: true, final: true, nextAt: null });
  });
});

describe('numbers on screen', () => {
  it('formats the clock, hashes and rates', () => {
    expect(formatClock(300_000)).toBe('05:00');
    expect(formatClock(59_001)).toBe('01:00');
    expect(formatClock(59_000)).toBe('00:59');
    expect(formatClock(1)).toBe('00:01');
    expect(formatClock(-5)).toBe('00:00');
    expect(shortHash('0123456789abcdef0123')).toBe('01234567…0123');
    expect(percent(6667)).toBe('66.67%');
    expect(percent(10000)).toBe('100%');
    expect(percent(null)).toBe('—');
  });
});

describe('a replacement on the roll card', () => {
  const { strikeMs, readMs, moveMs } = REPLACEMENT_TIMING;
  const first = { startsAt: 10_000, landsAt: 10_000 + REPLACEMENT_MS };
  const second = { startsAt: 20_000, landsAt: 20_000 + REPLACEMENT_MS };
  it('strikes the drawn name, holds it to be read, then moves the alternate in, landing at landsAt', () => {
    expect(swapFrame([first], 9_999)).toEqual({ active: -1, phase: 'none', strike: 0, move: 0 });
    expect(swapFrame([first], 10_000 + strikeMs / 2)).toMatchObject({ active: 0, phase: 'striking', strike: 0.5 });
    expect(swapFrame([first], 10_000 + strikeMs + readMs - 1)).toMatchObject({ strike: 1, move: 0 });
    const midMove = swapFrame([first], 10_000 + strikeMs + readMs + moveMs / 2);
    expect(midMove).toMatchObject({ phase: 'moving', move: 0.5 });
    expect(swapFrame([first], first.landsAt)).toEqual({ active: 0, phase: 'landed', strike: 1, move: 1 });
  });
  it('moves forward only, calmly (no step bigger than a tenth of the way in a 20 ms frame)', () => {
    let previous = 0;
    for (let t = first.startsAt; t <= first.landsAt; t += 20) {
      const { move } = swapFrame([first], t);
      expect(move).toBeGreaterThanOrEqual(previous);
      expect(move - previous).toBeLessThan(0.1);
      previous = move;
    }
  });
  it('shows the latest replacement that has started; a reload computes the same frame', () => {
    expect(swapFrame([first, second], 15_000)).toMatchObject({ active: 0, phase: 'landed' });
    expect(swapFrame([first, second], 20_100)).toMatchObject({ active: 1, phase: 'striking' });
    expect(swapFrame([first, second], 20_100)).toEqual(swapFrame([first, second], 20_100));
  });
});
