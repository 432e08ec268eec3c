import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../draw-engine/sha256';
import { seededSource, stageOrder, uniformBelow } from '../draw-engine/order';

const seedOf = (label: string) => sha256Hex(label);

describe('the randomness source', () => {
  it('is the real seedrandom package (its published value for "hello.")', () => {
    expect(seedrandom('hello.')()).toBe(0.9282578795792454);
  });

  it('refuses to seed seedrandom with anything but a 64-digit hex digest', () => {
    expect(() => seededSource('中')).toThrow();
    expect(() => seededSource('abc')).toThrow();
    expect(() => seededSource(seedOf('x').toUpperCase())).toThrow();
    expect(() => seededSource(seedOf('x'))).not.toThrow();
  });

  it('shows why: seedrandom folds characters, so 中 and - give the same numbers', () => {
    expect(seedrandom('中')()).toBe(seedrandom('-')());
    expect(seedrandom('ab')()).toBe(seedrandom('abab')());
  });

  it('draws integers below m without bias by rejecting the top of the range', () => {
    const values = [0xffff_fffe, 0xffff_ffff, 7];
    const source = { nextUint32: () => values.shift() as number };
    // m = 3: 2^32 mod 3 = 1, so 0xffffffff is rejected and 0xfffffffe (= 2 mod 3) accepted.
    expect(uniformBelow(source, 3)).toBe(0xffff_fffe % 3);
    const rejecting = {
      values: [0xffff_ffff, 7],
      nextUint32() {
        return this.values.shift() as number;
      },
    };
    expect(uniformBelow(rejecting, 3)).toBe(1);
  });
});

describe('stage order', () => {
  const pool = Array.from({ length: 50 }, (_, i) => String(i + 1).padStart(5, '0'));

  it('is the same for the same seed and items, in any input order', () => {
    const seed = seedOf('stage');
    const reversed = [...pool].reverse();
    expect(stageOrder(seed, pool)).toEqual(stageOrder(seed, reversed));
    expect(stageOrder(seed, pool)).toEqual(stageOrder(seed, pool));
  });

  it('is a permutation of the items, and another seed gives another order', () => {
    const order = stageOrder(seedOf('a'), pool);
    expect([...order].sort()).toEqual(pool);
    expect(stageOrder(seedOf('b'), pool)).not.toEqual(order);
  });

  it('keeps numbers with leading zeros and long digit strings exact', () => {
    const numbers = ['007', '07', '7', '12345678901234567890123', '12345678901234567890124'];
    const order = stageOrder(seedOf('exact'), numbers);
    expect([...order].sort()).toEqual([...numbers].sort());
  });

  it('refuses duplicate numbers', () => {
    expect(() => stageOrder(seedOf('d'), ['1', '1'])).toThrow(/duplicate/u);
  });

  it('is uniform: each item lands in each position about equally often (chi-square, fixed seeds)', () => {
    const items = ['A', 'B', 'C', 'D', 'E', 'F'];
    const runs = 6000;
    const counts = items.map(() => items.map(() => 0));
    for (let run = 0; run < runs; run += 1) {
      stageOrder(seedOf(`uniformity-${run}`), items).forEach((item, position) => {
        const row = counts[position] as number[];
        row[items.indexOf(item)] = (row[items.indexOf(item)] ?? 0) + 1;
      });
    }
    const expected = runs / items.length;
    for (const row of counts) {
      const chiSquare = row.reduce((sum, observed) => sum + (observed - expected) ** 2 / expected, 0);
      // 5 degrees of freedom: P(χ² > 20.5) ≈ 0.001. The seeds are fixed, so this never flakes.
      expect(chiSquare).toBeLessThan(20.5);
    }
  });
});
