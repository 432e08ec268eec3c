import { describe, expect, it } from 'vitest';
import { REEL_LENGTH, reelPool, rollReel, rollStratum } from '../run-of-show/roll-reel';
import { applyDrawCommand, type DrawCommand, type DrawState } from '../draw-engine/ceremony';
import { FIXED_ENTROPY, FIXED_SECRET, basePlan, sealedFixture, syntheticRoster } from '../draw-engine/test-fixtures';

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

describe('roll reel of a stratified draw', () => {
  const plan = basePlan({
    auditees: {
      mode: 'strata',
      by: 'town',
      quotas: [
        { stratum: '城关街道', count: 1 },
        { stratum: '高庄镇', count: 2 },
      ],
    },
  });
  const step = (state: DrawState, command: DrawCommand) => {
    const result = applyDrawCommand(state, command);
    if (!result.ok) throw new Error(result.message);
    return result.state;
  };
  let draw = sealedFixture(plan);
  draw = step(draw, { type: 'lockEntropy', entropy: FIXED_ENTROPY });
  draw = step(draw, { type: 'reveal', secret: FIXED_SECRET });
  draw = step(draw, { type: 'drawAuditees' });
  const towns = new Map(syntheticRoster().auditees.map((a) => [a.number, a.town]));

  it('names the drawn auditee’s stratum with its pool size', () => {
    for (const stage of draw.auditeeStages ?? []) {
      const drawn = stage.selections[0]?.number as string;
      const size = draw.pool.auditees.filter((a) => a.stratum === stage.stratum).length;
      expect(size).toBeGreaterThan(0);
      expect(size).toBeLessThan(draw.pool.auditees.length);
      expect(rollStratum(draw, drawn)).toEqual({ name: stage.stratum, size });
      // An alternate further down the same stratum's order is in the same stratum.
      expect(rollStratum(draw, stage.order.at(-1) as string)).toEqual({ name: stage.stratum, size });
    }
  });

  it('samples only the stratum: every reel entry lives in the drawn auditee’s town', () => {
    for (const stage of draw.auditeeStages ?? []) {
      for (const selection of stage.selections) {
        const pool = reelPool(draw, selection.number);
        expect(pool).toHaveLength(rollStratum(draw, selection.number)?.size ?? -1);
        const reel = rollReel(pool, selection.number, `${draw.drawId}:0:${selection.number}`);
        expect(reel.at(-1)).toBe(selection.number);
        expect(reel.length).toBe(Math.min(REEL_LENGTH, pool.length));
        for (const number of reel) expect(towns.get(number)).toBe(stage.stratum);
      }
    }
  });

  it('a total draw has no stratum and samples the whole pool', () => {
    let total = sealedFixture();
    total = step(total, { type: 'lockEntropy', entropy: FIXED_ENTROPY });
    total = step(total, { type: 'reveal', secret: FIXED_SECRET });
    total = step(total, { type: 'drawAuditees' });
    const drawn = total.auditeeStages?.[0]?.selections[0]?.number as string;
    expect(rollStratum(total, drawn)).toBeNull();
    expect(reelPool(total, drawn)).toEqual(total.pool.auditees.map((a) => a.number));
    // Before the auditee stage runs nothing is drawn, so no stratum either.
    expect(rollStratum(sealedFixture(plan), drawn)).toBeNull();
  });
});
