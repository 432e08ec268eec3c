import { LAYERS } from '../protocol/air';
import { describe, expect, it } from 'vitest';
import { FIXED_ENTROPY, FIXED_NOTARY_SECRET, FIXED_SECRET, sealedFixture } from '../draw-engine/test-fixtures';
import type { MainStep } from '../protocol/outlook';
import { mainStep, outlook, rundown } from './outlook';
import { ROLL_LEAD_MS, initialShow, transition, type ShowCommand, type ShowState } from './run-of-show';
import { REPLACEMENT_MS } from '../protocol/round';
import { ALWAYS_LEGAL, LEGAL, T0, commandsFor, current, run, situations } from './test-situations';

/** The main step as the desk sends it: the notary's digits with the lock, the server's secret with the reveal. */
function mainCommand(type: MainStep, at: number): ShowCommand {
  if (type === 'lockEntropy') return { type, at, entropy: FIXED_ENTROPY };
  if (type === 'reveal') return { type, at, secret: FIXED_SECRET };
  if (type === 'revealNotary') return { type, at, secret: FIXED_NOTARY_SECRET };
  return { type, at };
}

/** Records every household of the current round, so the show can move on. */
function recordCalls(state: ShowState): ShowState {
  let next = state;
  for (const h of current(state)?.households ?? []) {
    if (h.replaced !== null || h.outcome !== null) continue;
    next = run(next, { type: 'recordOutcome', at: T0, household: h.number, outcome: '属实', satisfaction: '满意' });
  }
  return next;
}

/** Every seat that may score the current round scores it. */
function scoreAll(state: ShowState): ShowState {
  let next = state;
  const round = current(state);
  for (const judge of state.judges) {
    if (!round || judge.recusals.includes(round.auditeeNumber)) continue;
    next = run(next, {
      type: 'submitScore',
      at: T0,
      seat: judge.seat,
      round: round.index,
      auditeeNumber: round.auditeeNumber,
      hundredths: 8000,
      submissionId: `s-${round.index}-${judge.seat}`,
    });
  }
  return next;
}

describe('the outlook: what the desk offers is what the state machine accepts', () => {
  const all = situations();

  it.each(Object.keys(LEGAL))('%s: every legal command is open, and every command not open is refused', (name) => {
    const state = all[name] as ShowState;
    const legal = new Set([...(LEGAL[name] ?? []), ...ALWAYS_LEGAL]);
    legal.delete('submitScore'); // a judge's, from a tablet: never on the desk
    if (LAYERS.some((layer) => state.air.layers[layer].preview !== null)) legal.add('take');
    const open = outlook(state).open;
    for (const type of legal) expect(open, type).toContain(type);
    for (const command of commandsFor(state).filter((c) => c.type !== 'submitScore')) {
      const result = transition(state, command);
      if (!open.includes(command.type)) expect(result.ok, command.type).toBe(false);
      // An open step may still refuse its arguments (a seat that has not scored, a layer with
      // nothing on it), never its step.
      else if (!result.ok)
        expect(result.code, command.type).toBe(command.type === 'out' ? 'SHOW_LAYER_EMPTY' : 'SHOW_BAD_VALUE');
    }
  });

  it('walks a whole scripted show by its main step alone, and every unblocked step is accepted', () => {
    let state = initialShow(sealedFixture(), {
      rehearsal: false,
      reportMinutes: 5,
      judges: [
        { seat: 1, recusals: [] },
        { seat: 2, recusals: [] },
        { seat: 3, recusals: [] },
      ],
    });
    const taken: string[] = [];
    for (let guard = 0; guard < 200; guard += 1) {
      const main = mainStep(state);
      if (main === null) break;
      if (main.blocked !== null) {
        // Only the show's own work unblocks a step: the calls, or the judges' scores.
        expect(['openJudging', 'lockJudging']).toContain(main.command);
        const refused = transition(state, mainCommand(main.command, T0));
        if (main.command === 'openJudging') expect(refused).toMatchObject({ ok: false, code: 'SHOW_CALLS_PENDING' });
        state = main.command === 'openJudging' ? recordCalls(state) : scoreAll(state);
        continue;
      }
      expect(outlook(state).open).toContain(main.command);
      const at = main.notBefore ? main.notBefore.at : T0;
      state = run(state, mainCommand(main.command, at));
      taken.push(main.command);
    }
    expect(state.status).toBe('closed');
    const perRound = ['drawAuditee', 'presentAuditee', 'startReport', 'endReport', 'drawHouseholds', 'openJudging'];
    const rest = ['lockJudging', 'revealScores', 'showResult'];
    const rounds = state.rounds.length;
    expect(rounds).toBeGreaterThan(0);
    expect(taken).toEqual([
      'open',
      'lockEntropy',
      'reveal',
      ...Array.from({ length: rounds }, () => [...perRound, ...rest]).flat(),
      'close',
    ]);
  });

  it('labels the draw with the round it starts, and marks draws, reveals and closing as irreversible', () => {
    expect(mainStep(all.revealed as ShowState)).toMatchObject({
      command: 'drawAuditee',
      label: '摇号抽取第 1 名',
      irreversible: true,
    });
    expect(mainStep(all.presented as ShowState)).toMatchObject({ command: 'startReport', irreversible: false });
    expect(mainStep(all.judgingLocked as ShowState)).toMatchObject({ command: 'revealScores', irreversible: true });
    expect(mainStep(all.closed as ShowState)).toBeNull();
  });

  it('holds the presentation until the roll lands, and the lock until someone has scored', () => {
    const drawing = all.drawing as ShowState;
    expect(mainStep(drawing)?.notBefore).toEqual({ at: current(drawing)?.roll.landsAt, reason: '摇号动画进行中' });
    // A replacement holds it until its own motion has landed, as the outputs show it.
    const replaced = run(drawing, { type: 'replaceAuditee', at: T0 + 60_000, reason: 'LEAVE' });
    expect(mainStep(replaced)?.notBefore).toEqual({
      at: T0 + 60_000 + ROLL_LEAD_MS + REPLACEMENT_MS,
      reason: '递补动画进行中',
    });
    expect(mainStep(all.judging as ShowState)?.blocked).toBe('还没有评委提交评分');
    expect(mainStep(all.households as ShowState)?.blocked).toMatch(/^还有 \d+ 户未记录核实结果$/u);
    expect(mainStep(all.callsDone as ShowState)?.blocked).toBeNull();
  });

  it('says why each graphic cannot be cued yet, and cues round graphics for the current round', () => {
    const cues = (state: ShowState) => Object.fromEntries(outlook(state).cues.map((c) => [c.graphic, c]));
    const sealed = cues(all.sealed as ShowState);
    expect(sealed.opening).toEqual({ graphic: 'opening', round: null, unavailable: null });
    expect(sealed.entropy?.unavailable).toBe('公开随机数尚未锁定');
    expect(sealed.roll?.unavailable).toBe('「摇号」须指定轮次');
    const judging = cues(all.judging as ShowState);
    expect(judging.judges).toEqual({ graphic: 'judges', round: 0, unavailable: null });
    expect(judging.result?.unavailable).toBe('本轮结果尚未公布');
  });
});

describe('the rundown', () => {
  const all = situations();
  const marked = (state: ShowState) =>
    rundown(state)
      .filter((item) => item.state !== 'todo')
      .map((item) => `${item.id}:${item.state}`);

  it('has one current item that follows the show', () => {
    expect(marked(all.sealed as ShowState)).toEqual(['open:current']);
    const reporting = marked(all.reporting as ShowState);
    expect(reporting.filter((s) => s.endsWith(':current'))).toEqual(['r0-reporting:current']);
    expect(reporting).toContain('r0-presented:done');
    const between = marked(all.result as ShowState);
    expect(between).toContain('r0-result:done');
    expect(marked(all.closed as ShowState).at(-1)).toBe('close:done');
  });

  it('lists each planned round with the round steps of the run-of-show, by their labels', () => {
    const items = rundown(all.judgingLocked as ShowState);
    expect(items.filter((i) => i.round === 0).map((i) => i.label)).toEqual([
      '第 1 轮 · 抽取人员',
      '第 1 轮 · 人员到场',
      '第 1 轮 · 述职计时中',
      '第 1 轮 · 电话核实',
      '第 1 轮 · 评委评分中',
      '第 1 轮 · 已公布评分',
      '第 1 轮 · 本轮结果',
    ]);
    expect(items.find((i) => i.state === 'current')?.id).toBe('r0-judging');
  });

  it('leaves out the report and the judging in a check without judges', () => {
    let state = initialShow(sealedFixture(), { rehearsal: false, reportMinutes: 5, judges: [] });
    state = run(
      state,
      { type: 'open', at: T0 },
      { type: 'lockEntropy', at: T0, entropy: FIXED_ENTROPY },
      { type: 'reveal', at: T0, secret: FIXED_SECRET },
      { type: 'drawAuditee', at: T0 },
      { type: 'presentAuditee', at: T0 },
    );
    expect(mainStep(state)?.command).toBe('drawHouseholds');
    state = recordCalls(run(state, { type: 'drawHouseholds', at: T0 }));
    expect(mainStep(state)).toMatchObject({ command: 'finishRound', blocked: null });
    expect(
      rundown(state)
        .filter((i) => i.round === 0)
        .map((i) => i.label),
    ).toEqual(['第 1 轮 · 抽取人员', '第 1 轮 · 人员到场', '第 1 轮 · 电话核实', '第 1 轮 · 本轮结果']);
  });
});
