import { describe, expect, it } from 'vitest';
import { rollReel } from '../run-of-show/roll-reel';

const pool = Array.from({ length: 500 }, (_, i) => `G${String(i).padStart(4, '0')}`);

describe('roll reel', () => {
  it('ends on the drawn auditee and repeats nobody', () => {
    const reel = rollReel(pool, 'G0123', 'D1:0');
    expect(reel).toHaveLength(36);
    expect(reel.at(-1)).toBe('G0123');
    expect(new Set(reel).size).toBe(36);
    expect(reel.slice(0, -1)).not.toContain('G0123');
    expect(reel.every((n) => pool.includes(n))).toBe(true);
  });
  it('is the same for the same draw and round, different for another round', () => {
    expect(rollReel(pool, 'G0123', 'D1:0')).toEqual(rollReel(pool, 'G0123', 'D1:0'));
    expect(rollReel(pool, 'G0123', 'D1:1')).not.toEqual(rollReel(pool, 'G0123', 'D1:0'));
  });
  it('a small pool gives a short reel; a pool of one is the auditee alone', () => {
    expect(rollReel(['A', 'B', 'C'], 'B', 's')).toHaveLength(3);
    expect(rollReel(['A'], 'A', 's')).toEqual(['A']);
  });
});
