import seedrandom from 'seedrandom';
import { HEX64 } from '../draw-engine/seed';

/**
 * The published order of a stage: a seeded Fisher–Yates shuffle of the stage's numbers,
 * sorted first so the roster's row order cannot matter (docs/verification.md, "Order").
 *
 * - Randomness: seedrandom 3.0.5 (RC4, ARC4 key mixing), seeded only with a 64-digit lowercase
 *   hex digest: seedrandom folds characters with `& 0xFF` and repeats short keys, so text or
 *   short seeds could collide. Each step reads one unsigned 32-bit value (`int32() >>> 0`).
 * - Unbiased: an index below m is drawn by rejection sampling: values at or above
 *   2^32 − (2^32 mod m) are discarded, then the value modulo m is taken.
 * - Forward shuffle: position i takes a uniform pick among the items not yet placed, so the
 *   first k of the order are a uniform sample of k, and drawing 5 then 5 more equals drawing 10.
 */
export interface Uint32Source {
  nextUint32(): number;
}

export function seededSource(seedHex: string): Uint32Source {
  if (!HEX64.test(seedHex)) throw new Error('seedrandom is only ever seeded with a 64-digit hex digest');
  const rng = seedrandom(seedHex);
  return { nextUint32: () => rng.int32() >>> 0 };
}

const TWO_POW_32 = 0x1_0000_0000;

/** A uniform integer in [0, m), 1 ≤ m ≤ 2^32, by rejection sampling. */
export function uniformBelow(source: Uint32Source, m: number): number {
  if (!Number.isInteger(m) || m < 1 || m > TWO_POW_32) throw new Error(`bad range ${m}`);
  const limit = TWO_POW_32 - (TWO_POW_32 % m);
  for (;;) {
    const value = source.nextUint32();
    if (value < limit) return value % m;
  }
}

/** ASCII order of numbers (they are ASCII by the registry's rules), which is also UTF-8 byte order. */
export function sortNumbers(numbers: readonly string[]): string[] {
  const sorted = [...numbers].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (let i = 1; i < sorted.length; i += 1) {
    if (sorted[i] === sorted[i - 1]) throw new Error(`duplicate number ${sorted[i]} in a stage`);
  }
  return sorted;
}

/** The whole order of a stage's numbers for the given stage seed. */
export function stageOrder(stageSeedHex: string, numbers: readonly string[]): string[] {
  const order = sortNumbers(numbers);
  const source = seededSource(stageSeedHex);
  for (let i = 0; i < order.length - 1; i += 1) {
    const j = i + uniformBelow(source, order.length - i);
    const picked = order[j] as string;
    order[j] = order[i] as string;
    order[i] = picked;
  }
  return order;
}
