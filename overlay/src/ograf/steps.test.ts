import { describe, expect, it } from 'vitest';
import { targetStep } from './steps';

describe('the OGraf step a playAction goes to', () => {
  it('follows every example of the specification’s table', () => {
    // current step, stepCount, goto, delta → target (undefined: the end)
    const table: [number | undefined, number, number | undefined, number | undefined, number | undefined][] = [
      [undefined, 1, undefined, undefined, 0],
      [undefined, 1, 0, undefined, 0],
      [undefined, 1, undefined, 1, 0],
      [undefined, 2, 1, 2, 1],
      [0, 2, 1, undefined, 1],
      [0, 3, undefined, 2, 2],
      [2, 3, 1, undefined, 1],
      [2, 3, undefined, -2, 0],
      [0, 1, undefined, 1, undefined],
    ];
    for (const [current, stepCount, goto, delta, expected] of table) {
      expect(targetStep(current, stepCount, goto, delta), JSON.stringify({ current, stepCount, goto, delta })).toBe(
        expected,
      );
    }
  });

  it('goes to the end for a goto past the last step, and refuses a step before the first', () => {
    expect(targetStep(undefined, 1, 4, undefined)).toBeUndefined();
    expect(targetStep(undefined, 1, undefined, -1)).toBe('invalid');
    expect(targetStep(0, 1, 0.5, undefined)).toBe('invalid');
  });
});
