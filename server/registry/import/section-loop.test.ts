import { describe, expect, it } from 'vitest';
import { FirstRows } from './section-loop';

describe('FirstRows', () => {
  it('finds a repeat of the previous number while the numbers come in order', () => {
    const seen = new FirstRows();
    expect(seen.firstRow('001', 2)).toBeUndefined();
    expect(seen.firstRow('002', 3)).toBeUndefined();
    expect(seen.firstRow('002', 4)).toBe(3);
    expect(seen.inNumberOrder).toBe(true);
    expect([...seen.numbers()]).toEqual(['001', '002']);
  });

  it('still finds repeats, and keeps every number, once the numbers go out of order', () => {
    const seen = new FirstRows();
    for (const [number, row] of [
      ['003', 2],
      ['005', 3],
      ['001', 4],
    ] as const) {
      expect(seen.firstRow(number, row)).toBeUndefined();
    }
    expect(seen.inNumberOrder).toBe(false);
    expect(seen.firstRow('003', 5)).toBe(2);
    expect(seen.firstRow('001', 6)).toBe(4);
    expect([...seen.numbers()].sort()).toEqual(['001', '003', '005']);
  });
});
