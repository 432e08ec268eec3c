import { describe, expect, it } from 'vitest';
import { GRAPHIC_LAYER, GRAPHIC_ZONE, LAYERS, zonesOverlap, COVERING_LAYERS } from '../protocol/air';
import type { ShowState } from './run-of-show';
import { transition } from './run-of-show';
import { T0, onAirOf, run, situations } from './test-situations';

/**
 * Review of issue 19 (adversarial): 恢复 after the show moved on since the panic. These fail on
 * main and show two defects of `restore` in air.ts (see the review report).
 */
const all = situations();

/** Every pair of layers on air together whose graphics' zones overlap (the collision rule forbids them). */
function collisions(state: ShowState): string[] {
  const on = LAYERS.filter((layer) => !COVERING_LAYERS.includes(layer) && state.air.layers[layer].program !== null);
  const found: string[] = [];
  for (const [i, a] of on.entries())
    for (const b of on.slice(i + 1)) {
      const ga = state.air.layers[a].program?.graphic;
      const gb = state.air.layers[b].program?.graphic;
      if (ga && gb && zonesOverlap(GRAPHIC_ZONE[ga], GRAPHIC_ZONE[gb])) found.push(`${a}:${ga}+${b}:${gb}`);
    }
  return found;
}

describe('恢复 after the show moved on since the panic', () => {
  it('does not take off the graphic a later step put on air, nor collide with it', () => {
    // During the report: the lower third and the countdown are on air; the panic saves them.
    const panic = run(all.reporting as ShowState, { type: 'clearAll', at: T0 + 1000 });
    // The show goes on: the households card comes up on main (it covers the lower third's zone).
    const moved = run(panic, { type: 'endReport', at: T0 + 2000 }, { type: 'drawHouseholds', at: T0 + 3000 });
    expect(onAirOf(moved)).toMatchObject({ main: 'households:0' });
    expect(GRAPHIC_LAYER.auditee).toBe('lower');
    const restored = run(moved, { type: 'restore', at: T0 + 4000 });
    expect(collisions(restored)).toEqual([]);
    // The households card the step brought up is what is on air now: 恢复 must not take it off
    // (nor bring back the countdown of a report that has ended).
    expect(onAirOf(restored).main).toBe('households:0');
  });

  it('does not bring back a round graphic of a round that is no longer the current one', () => {
    // Round 1's result on air; the panic saves it; round 2 is drawn (its roll on main).
    const panic = run(all.result as ShowState, { type: 'clearAll', at: T0 + 1000 });
    const next = run(panic, { type: 'drawAuditee', at: T0 + 2000 });
    expect(onAirOf(next).main).toBe('roll:1');
    const restored = run(next, { type: 'restore', at: T0 + 3000 });
    // On main: round 2's roll stays, not round 1's result over it.
    expect(onAirOf(restored).main).toBe('roll:1');
  });

  it('a take of every cued layer never takes out a graphic the same take put on air', () => {
    // Round 1's households and the verify QR code cued; round 2 is drawn (its roll on main).
    const cued = run(
      all.judging as ShowState,
      { type: 'cue', at: T0, graphic: 'households', round: 0 },
      { type: 'cue', at: T0, graphic: 'verifyQr', round: null },
      { type: 'lockJudging', at: T0 },
      { type: 'revealScores', at: T0 },
      { type: 'showResult', at: T0 },
      { type: 'drawAuditee', at: T0 },
    );
    const result = transition(cued, { type: 'take', at: T0 + 1000 });
    // Either refused (the cued graphics collide with each other), or both are on air after it.
    if (result.ok) expect(onAirOf(result.state)).toMatchObject({ main: 'households:0', lower: 'verifyQr' });
    else expect(result.code).toBe('SHOW_BAD_VALUE');
  });
});
