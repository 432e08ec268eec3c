import { describe, expect, it } from 'vitest';
import { GRAPHIC_LAYER, GRAPHIC_ZONE, LAYERS, TITLE_SAFE, zonesOverlap, type Zone } from '../protocol/air';
import { GRAPHICS } from '../protocol/round';
import { airView, nextAutoOut } from './air';
import { transition, type ShowCommand, type ShowState } from './run-of-show';
import { T0, onAirOf, run, situations } from './test-situations';

const all = situations();
const inside = (zone: Zone, outer: Zone) =>
  zone.x >= outer.x &&
  zone.y >= outer.y &&
  zone.x + zone.w <= outer.x + outer.w &&
  zone.y + zone.h <= outer.y + outer.h;
const cue = (graphic: ShowCommand & { type: 'cue' }): ShowCommand => graphic;

describe('the declared zones', () => {
  it('keep every graphic but the fullscreen ones inside title-safe', () => {
    for (const graphic of GRAPHICS) {
      if (GRAPHIC_LAYER[graphic] === 'slate') continue;
      expect(inside(GRAPHIC_ZONE[graphic], TITLE_SAFE), graphic).toBe(true);
    }
  });

  it('let the lower third, the countdown, the bug and a strap share the frame, and a main card not', () => {
    const together = (['auditee', 'countdown', 'bug', 'strap'] as const).map((g) => GRAPHIC_ZONE[g]);
    for (const [i, a] of together.entries())
      for (const b of together.slice(i + 1)) expect(zonesOverlap(a, b)).toBe(false);
    expect(zonesOverlap(GRAPHIC_ZONE.households, GRAPHIC_ZONE.auditee)).toBe(true);
    expect(zonesOverlap(GRAPHIC_ZONE.households, GRAPHIC_ZONE.strap)).toBe(false);
  });
});

describe('layers on air together', () => {
  /** During the report: the lower third and the countdown are on air with the bug. */
  const reporting = all.reporting as ShowState;
  const withStrap = run(
    reporting,
    cue({ type: 'cue', at: T0, graphic: 'strap', round: null, text: '  现场正在连线核实户  ' }),
    { type: 'take', at: T0, layer: 'strap' },
  );

  it('takes a strap without taking anything else out, the typed text kept as typed (trimmed)', () => {
    expect(onAirOf(withStrap)).toEqual({ lower: 'auditee:0', timer: 'countdown:0', bug: 'bug', strap: 'strap' });
    expect(withStrap.air.layers.strap.program?.text).toBe('现场正在连线核实户');
  });

  it('names, before the take, what a cued graphic would take out; the take does exactly that', () => {
    const cued = run(withStrap, cue({ type: 'cue', at: T0, graphic: 'opening', round: null }));
    expect(airView(cued.air, T0, []).layers.main.displaces).toEqual(['lower', 'timer']);
    const taken = run(cued, { type: 'take', at: T0, layer: 'main' });
    expect(onAirOf(taken)).toEqual({ main: 'opening', bug: 'bug', strap: 'strap' });
  });

  it('puts a slate over everything without taking anything out; under it the layers stay', () => {
    const slate = run(withStrap, cue({ type: 'cue', at: T0, graphic: 'slate', round: null, text: '稍后继续' }), {
      type: 'take',
      at: T0,
    });
    expect(onAirOf(slate)).toEqual({ ...onAirOf(withStrap), slate: 'slate' });
    expect(onAirOf(run(slate, { type: 'out', at: T0, layer: 'slate' }))).toEqual(onAirOf(withStrap));
  });

  it('panics every layer off at once, and 恢复 brings back exactly what was on air', () => {
    const cued = run(withStrap, cue({ type: 'cue', at: T0, graphic: 'verifyQr', round: null }));
    const panic = run(cued, { type: 'clearAll', at: T0 + 1000 });
    expect(onAirOf(panic)).toEqual({});
    expect(airView(panic.air, T0, []).restorable).toEqual(['lower', 'timer', 'bug', 'strap']);
    // A second press (Esc Esc) keeps what the first one saved.
    const again = run(panic, { type: 'clearAll', at: T0 + 1200 });
    const restored = run(again, { type: 'restore', at: T0 + 2000 });
    expect(restored.air.layers).toEqual({ ...cued.air.layers });
    expect(transition(restored, { type: 'restore', at: T0 + 2100 })).toMatchObject({
      ok: false,
      code: 'SHOW_NOTHING_TO_RESTORE',
    });
  });

  it('takes a graphic with an auto-out time off air when that time comes, for every client', () => {
    const timed = run(
      reporting,
      cue({ type: 'cue', at: T0, graphic: 'ticker', round: null, text: '结果可在县政府网站核验', autoOutSeconds: 8 }),
      { type: 'take', at: T0 + 500, layer: 'strap' },
    );
    expect(timed.air.layers.strap.program?.outAt).toBe(T0 + 8500);
    expect(nextAutoOut(timed.air, T0 + 500)).toBe(T0 + 8500);
    expect(airView(timed.air, T0 + 8499, []).layers.strap.program?.graphic).toBe('ticker');
    expect(airView(timed.air, T0 + 8500, []).layers.strap.program).toBeNull();
    // The state machine agrees: a command after that time finds the layer empty.
    expect(transition(timed, { type: 'out', at: T0 + 9000, layer: 'strap' })).toMatchObject({
      ok: false,
      code: 'SHOW_LAYER_EMPTY',
    });
    // Restored after a panic, it keeps its own time: past it, it stays out.
    const panic = run(timed, { type: 'clearAll', at: T0 + 1000 });
    expect(onAirOf(run(panic, { type: 'restore', at: T0 + 2000 })).strap).toBe('ticker');
    expect(onAirOf(run(panic, { type: 'restore', at: T0 + 9000 })).strap).toBeUndefined();
  });

  it('refuses a strap or slate without words, words on a graphic that has none, and an empty layer out', () => {
    const refusal = (command: ShowCommand) => transition(reporting, command);
    expect(refusal(cue({ type: 'cue', at: T0, graphic: 'slate', round: null, text: '   ' }))).toMatchObject({
      code: 'SHOW_BAD_VALUE',
    });
    expect(refusal(cue({ type: 'cue', at: T0, graphic: 'strap', round: null }))).toMatchObject({
      code: 'SHOW_BAD_VALUE',
    });
    expect(refusal(cue({ type: 'cue', at: T0, graphic: 'testcard', round: null, text: 'x' }))).toMatchObject({
      code: 'SHOW_BAD_VALUE',
    });
    expect(refusal({ type: 'out', at: T0, layer: 'slate' })).toMatchObject({ code: 'SHOW_LAYER_EMPTY' });
  });

  it('takes every cued layer at once when the take names none, in the layers’ order', () => {
    const cued = run(
      all.callsDone as ShowState,
      { type: 'clearAll', at: T0 },
      cue({ type: 'cue', at: T0, graphic: 'testcard', round: null }),
      cue({ type: 'cue', at: T0, graphic: 'strap', round: null, text: '测试' }),
    );
    const taken = run(cued, { type: 'take', at: T0 });
    expect(onAirOf(taken)).toEqual({ strap: 'strap', slate: 'testcard' });
    for (const layer of LAYERS) expect(taken.air.layers[layer].preview).toBeNull();
  });
});
