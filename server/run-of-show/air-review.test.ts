import { describe, expect, it } from 'vitest';
import { GRAPHIC_LAYER, GRAPHIC_ZONE, LAYERS, zonesOverlap, COVERING_LAYERS } from '../protocol/air';
import type { ShowState } from './run-of-show';
import { transition } from './run-of-show';
import { T0, onAirOf, run, situations } from './test-situations';

/**
 * Found by the review of issue 19: 恢复 after the show moved on since the panic, and a take of
 * every cued layer whose graphics collide with each other or belong to an earlier round.
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
    // The households card the step brought up is what is on air now: 恢复 must not take it off
    // (nor bring back the countdown of a report that has ended). It is no longer offered.
    expect(transition(moved, { type: 'restore', at: T0 + 4000 })).toMatchObject({
      ok: false,
      code: 'SHOW_NOTHING_TO_RESTORE',
    });
    expect(collisions(moved)).toEqual([]);
  });

  it('does not bring back a round graphic of a round that is no longer the current one', () => {
    // Round 1's result on air; the panic saves it; round 2 is drawn (its roll on main).
    const panic = run(all.result as ShowState, { type: 'clearAll', at: T0 + 1000 });
    const next = run(panic, { type: 'drawAuditee', at: T0 + 2000 });
    expect(onAirOf(next).main).toBe('roll:1');
    // On main: round 2's roll stays, not round 1's result over it (恢复 is no longer offered).
    expect(transition(next, { type: 'restore', at: T0 + 3000 })).toMatchObject({ code: 'SHOW_NOTHING_TO_RESTORE' });
    expect(onAirOf(next).main).toBe('roll:1');
    // A take after the panic ends it too; the bug alone does not (it is back first, often).
    const bugBack = run(panic, { type: 'setBug', at: T0 + 1500, visible: true });
    expect(transition(bugBack, { type: 'restore', at: T0 + 1600 }).ok).toBe(true);
    const taken = run(
      panic,
      { type: 'cue', at: T0 + 1500, graphic: 'strap', round: null, text: '稍后继续' },
      { type: 'take', at: T0 + 1600 },
    );
    expect(transition(taken, { type: 'restore', at: T0 + 1700 })).toMatchObject({ code: 'SHOW_NOTHING_TO_RESTORE' });
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
    // Round 1's households cue was dropped when round 2 was drawn: only the QR code is taken.
    expect(cued.air.layers.main.preview).toBeNull();
    expect(onAirOf(run(cued, { type: 'take', at: T0 + 1000 }))).toMatchObject({ lower: 'verifyQr' });
    // Cued graphics that would collide with each other are refused as a whole, naming both.
    const both = run(cued, { type: 'cue', at: T0, graphic: 'roll', round: 1 });
    const refused = transition(both, { type: 'take', at: T0 + 1000 });
    expect(refused).toMatchObject({ ok: false, code: 'SHOW_BAD_VALUE' });
    expect(!refused.ok && refused.message).toContain('「摇号」与「核验二维码」');
    expect(transition(both, { type: 'take', at: T0 + 1000, layer: 'lower' }).ok).toBe(true);
  });
});
