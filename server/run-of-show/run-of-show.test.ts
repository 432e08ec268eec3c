import { describe, expect, it } from 'vitest';
import { FIXED_ENTROPY, FIXED_SECRET, sealedFixture } from '../draw-engine/test-fixtures';
import { applyDrawCommand } from '../draw-engine/ceremony';
import { DEFAULT_SCORING_RULES, RUBRIC_EXAMPLE } from '../protocol/scoring';
import {
  IRREVERSIBLE_COMMANDS,
  initialShow,
  graphicUnavailable,
  remainingMs,
  rollSettlesAt,
  transition,
  type RoundState,
  type ShowCommand,
  type ShowState,
} from '../run-of-show/run-of-show';
import { REPLACEMENT_MS, type Graphic } from '../protocol/round';
import { ALWAYS_LEGAL, LEGAL, T0, commandsFor, current, legalOut, onAirOf, run, situations } from './test-situations';

describe('run-of-show transitions, every command in every situation', () => {
  const all = situations();
  const cases = Object.entries(all).flatMap(([name, state]) =>
    commandsFor(state).map(
      (command) =>
        [
          name,
          command.type,
          state,
          command,
          (LEGAL[name]?.includes(command.type) ?? false) ||
            ALWAYS_LEGAL.includes(command.type) ||
            legalOut(state, command),
        ] as const,
    ),
  );
  it.each(cases)('%s + %s', (_name, _type, state, command, legal) => {
    const before = JSON.stringify(state);
    const result = transition(state, command);
    expect(result.ok).toBe(legal);
    if (!result.ok) expect(result.code).toMatch(/^SHOW_/u);
    expect(JSON.stringify(state)).toBe(before); // the given state is never changed
  });
});

describe('a check without judges (日常 / 专项抽查)', () => {
  const noJudges = () => {
    const sealed = initialShow(sealedFixture(), { rehearsal: false, reportMinutes: 5, judges: [] });
    let state = run(sealed, { type: 'open', at: T0 });
    state = run(state, { type: 'lockEntropy', at: T0, entropy: FIXED_ENTROPY });
    state = run(state, { type: 'reveal', at: T0, secret: FIXED_SECRET });
    state = run(state, { type: 'drawAuditee', at: T0 });
    return run(state, { type: 'presentAuditee', at: T0 });
  };

  it('draws households straight after the auditee is presented, and ends the round after the calls', () => {
    let state = run(noJudges(), { type: 'drawHouseholds', at: T0 });
    expect(transition(state, { type: 'finishRound', at: T0 })).toMatchObject({ ok: false, code: 'SHOW_CALLS_PENDING' });
    for (const h of current(state)?.households ?? []) {
      state = run(state, { type: 'recordOutcome', at: T0, household: h.number, outcome: '属实', satisfaction: '满意' });
    }
    // Logs written before checks existed went through an empty judging: they still replay.
    expect(transition(state, { type: 'openJudging', at: T0 }).ok).toBe(true);
    state = run(state, { type: 'finishRound', at: T0 });
    expect(current(state)?.step).toBe('result');
    expect(state.air.layers.main.program).toMatchObject({ graphic: 'result', round: 0 });
    expect(transition(state, { type: 'drawAuditee', at: T0 }).ok).toBe(true);
  });

  it('is refused in a show with judges, which must score first', () => {
    const all = situations();
    expect(transition(all.callsDone as ShowState, { type: 'finishRound', at: T0 })).toMatchObject({
      ok: false,
      code: 'SHOW_WRONG_STEP',
    });
    expect(transition(all.presented as ShowState, { type: 'drawHouseholds', at: T0 }).ok).toBe(false);
  });
});

describe('run-of-show behaviour', () => {
  const all = situations();

  it('schedules the roll in server time and has decided the result before it starts', () => {
    const result = transition(all.revealed as ShowState, { type: 'drawAuditee', at: T0 });
    if (!result.ok) throw new Error(result.message);
    expect(result.effects[0]).toEqual({ type: 'draw', command: { type: 'drawAuditees' } });
    const cue = result.effects.find((e) => e.type === 'rollCue');
    expect(cue).toMatchObject({ type: 'rollCue', round: 0, startsAt: T0 + 800, landsAt: T0 + 800 + 6000 });
    const stage = result.state.draw.auditeeStages?.[0];
    expect(cue && 'auditeeNumber' in cue ? cue.auditeeNumber : '').toBe(stage?.selections[0]?.number);
  });

  // The replacement used to roll the whole reel again (roll.startsAt T0 + 5800); it now keeps the
  // roll and schedules its own shorter motion, after the roll has landed, so viewers see the drawn name first.
  it('replaces an absent cadre with the next alternate, with its own motion after the roll has landed', () => {
    const presented = all.presented as ShowState;
    const state = run(presented, { type: 'replaceAuditee', at: T0 + 5000, reason: 'TRIP' });
    const order = state.draw.auditeeStages?.[0]?.order ?? [];
    const roll = current(presented)?.roll;
    expect(roll?.landsAt).toBeGreaterThan(T0 + 5800);
    expect(current(state)?.auditeeNumber).toBe(order[3]);
    expect(current(state)?.replacedAuditees).toEqual([
      { number: order[0], reason: 'TRIP', startsAt: roll?.landsAt, landsAt: (roll?.landsAt ?? 0) + REPLACEMENT_MS },
    ]);
    expect(current(state)?.step).toBe('drawing');
    expect(current(state)?.roll).toEqual(roll);
    expect(rollSettlesAt(current(state) as RoundState)).toBe((roll?.landsAt ?? 0) + REPLACEMENT_MS);
    expect(REPLACEMENT_MS).toBeLessThan(6000);

    // A second replacement, long after: it starts a lead after its command, following the first.
    const later = T0 + 60_000;
    const again = run(state, { type: 'replaceAuditee', at: later, reason: 'LEAVE' });
    expect(current(again)?.auditeeNumber).toBe(order[4]);
    expect(current(again)?.replacedAuditees[1]).toEqual({
      number: order[3],
      reason: 'LEAVE',
      startsAt: later + 800,
      landsAt: later + 800 + REPLACEMENT_MS,
    });
  });

  const reportOf = (state: ShowState) => {
    const round = current(state);
    if (!round) throw new Error('no round');
    return round.report;
  };

  it('counts the report down in server time through pause, resume and extension', () => {
    let state = run(all.presented as ShowState, { type: 'startReport', at: T0 });
    expect(remainingMs(reportOf(state), T0 + 60_000)).toBe(240_000);
    state = run(state, { type: 'pauseReport', at: T0 + 60_000 });
    expect(remainingMs(reportOf(state), T0 + 500_000)).toBe(240_000);
    state = run(
      state,
      { type: 'resumeReport', at: T0 + 100_000 },
      { type: 'extendReport', at: T0 + 100_000, seconds: 30 },
    );
    expect(remainingMs(reportOf(state), T0 + 160_000)).toBe(210_000);
    expect(remainingMs(reportOf(state), T0 + 10_000_000)).toBe(0);
    expect(transition(state, { type: 'extendReport', at: T0, seconds: 0 })).toMatchObject({
      ok: false,
      code: 'SHOW_BAD_VALUE',
    });
  });

  it('records calls, replaces an unreachable household with the next alternate, and opens judging only when all are done', () => {
    let state = all.households as ShowState;
    const [first, second] = current(state)?.households.map((h) => h.number) ?? [];
    state = run(state, { type: 'setCallStatus', at: T0, household: first as string, callStatus: '未接通' });
    state = run(state, { type: 'replaceHousehold', at: T0, household: first as string, reason: 'NO_ANSWER' });
    const calls = current(state)?.households ?? [];
    const order = state.draw.contactStages[0]?.order ?? [];
    expect(calls[0]?.replaced).toEqual({ reason: 'NO_ANSWER', by: order[5] });
    expect(calls.at(-1)?.number).toBe(order[5]);
    expect(transition(state, { type: 'openJudging', at: T0 })).toMatchObject({ ok: false, code: 'SHOW_CALLS_PENDING' });
    expect(
      transition(state, {
        type: 'recordOutcome',
        at: T0,
        household: second as string,
        outcome: '属实',
        satisfaction: null,
      }),
    ).toMatchObject({ ok: false, code: 'SHOW_BAD_VALUE' });
    expect(
      transition(state, { type: 'setCallStatus', at: T0, household: first as string, callStatus: '已接通' }),
    ).toMatchObject({
      ok: false,
      code: 'SHOW_UNKNOWN_HOUSEHOLD',
    });
  });

  it('runs rounds until the plan’s auditees are all presented, then refuses another', () => {
    let state = all.result as ShowState;
    for (let round = 1; round < 3; round += 1) {
      state = run(
        state,
        { type: 'drawAuditee', at: T0 },
        { type: 'presentAuditee', at: T0 },
        { type: 'startReport', at: T0 },
        { type: 'endReport', at: T0 },
        { type: 'drawHouseholds', at: T0 },
      );
      for (const h of current(state)?.households ?? []) {
        state = run(state, {
          type: 'recordOutcome',
          at: T0,
          household: h.number,
          outcome: '未联系上',
          satisfaction: null,
        });
      }
      state = run(
        state,
        { type: 'openJudging', at: T0 },
        { type: 'lockJudging', at: T0 },
        { type: 'revealScores', at: T0 },
        { type: 'showResult', at: T0 },
      );
    }
    expect(state.rounds.map((r) => r.auditeeNumber)).toEqual(
      state.draw.auditeeStages?.[0]?.selections.map((s) => s.number),
    );
    expect(transition(state, { type: 'drawAuditee', at: T0 })).toMatchObject({
      ok: false,
      code: 'SHOW_NO_MORE_AUDITEES',
    });
    expect(run(state, { type: 'close', at: T0 + 1 }).closedAt).toBe(T0 + 1);
  });

  it('reports every draw command it applies, so the draw log can replay the same draw', () => {
    let show = initialShow(sealedFixture(), { rehearsal: false, reportMinutes: 5 });
    let drawOnly = show.draw;
    const commands: ShowCommand[] = [
      { type: 'open', at: T0 },
      { type: 'lockEntropy', at: T0, entropy: FIXED_ENTROPY },
      { type: 'reveal', at: T0, secret: FIXED_SECRET },
      { type: 'drawAuditee', at: T0 },
      { type: 'replaceAuditee', at: T0, reason: 'RECUSAL' },
      { type: 'presentAuditee', at: T0 },
      { type: 'startReport', at: T0 },
      { type: 'endReport', at: T0 },
      { type: 'drawHouseholds', at: T0 },
    ];
    for (const command of commands) {
      const result = transition(show, command);
      if (!result.ok) throw new Error(result.message);
      show = result.state;
      for (const effect of result.effects) {
        if (effect.type !== 'draw') continue;
        const applied = applyDrawCommand(drawOnly, effect.command);
        if (!applied.ok) throw new Error(applied.message);
        drawOnly = applied.state;
      }
    }
    const household = current(show)?.households[0]?.number as string;
    const replaced = transition(show, { type: 'replaceHousehold', at: T0, household, reason: 'REFUSED' });
    if (!replaced.ok) throw new Error(replaced.message);
    for (const effect of replaced.effects) {
      if (effect.type === 'draw')
        drawOnly = (applyDrawCommand(drawOnly, effect.command) as { state: typeof drawOnly }).state;
    }
    expect(drawOnly).toEqual(replaced.state.draw);
  });

  it('takes each seat’s score for the current round only, replaces it until the lock, and honours recusals', () => {
    const base = situations();
    const judging = base.judging as ShowState;
    const auditee = current(judging)?.auditeeNumber as string;
    const withRecusal: ShowState = {
      ...judging,
      judges: [
        { seat: 1, recusals: [] },
        { seat: 2, recusals: [auditee] },
      ],
    };
    const submit = (
      state: ShowState,
      seat: number,
      hundredths: number,
      extra: Partial<{ round: number; auditeeNumber: string }> = {},
    ) =>
      transition(state, {
        type: 'submitScore',
        at: T0,
        seat,
        round: 0,
        auditeeNumber: auditee,
        hundredths,
        submissionId: `s-${seat}-${hundredths}`,
        ...extra,
      });
    let state = run(withRecusal, {
      type: 'submitScore',
      at: T0,
      seat: 1,
      round: 0,
      auditeeNumber: auditee,
      hundredths: 8000,
      submissionId: 'a',
    });
    state = run(state, {
      type: 'submitScore',
      at: T0 + 1,
      seat: 1,
      round: 0,
      auditeeNumber: auditee,
      hundredths: 8250,
      submissionId: 'b',
    });
    expect(current(state)?.scores).toEqual([
      { seat: 1, hundredths: 8250, items: [8250], submissionId: 'b', at: T0 + 1 },
    ]);
    expect(submit(state, 2, 9000)).toMatchObject({ ok: false, code: 'SHOW_RECUSED' });
    expect(submit(state, 3, 9000)).toMatchObject({ ok: false, code: 'SHOW_BAD_VALUE' });
    expect(submit(state, 1, 10_001)).toMatchObject({ ok: false, code: 'SHOW_BAD_VALUE' });
    expect(submit(state, 1, 90.5)).toMatchObject({ ok: false, code: 'SHOW_BAD_VALUE' });
    expect(submit(state, 1, 9000, { auditeeNumber: 'someone-else' })).toMatchObject({
      ok: false,
      code: 'SHOW_STALE_SUBMISSION',
    });
    expect(submit(state, 1, 9000, { round: 1 })).toMatchObject({ ok: false, code: 'SHOW_STALE_SUBMISSION' });
    const locked = run(state, { type: 'lockJudging', at: T0 });
    expect(submit(locked, 1, 9000)).toMatchObject({ ok: false, code: 'SHOW_JUDGING_CLOSED' });
  });

  it('passes the draw engine’s refusals through with their codes', () => {
    const result = transition(all.live as ShowState, { type: 'reveal', at: T0, secret: FIXED_SECRET });
    expect(result).toMatchObject({ ok: false, code: 'SHOW_DRAW_REFUSED', drawCode: 'DRAW_ENTROPY_MISSING' });
  });

  it('marks the irreversible commands for confirmation', () => {
    expect([...IRREVERSIBLE_COMMANDS].sort()).toEqual(
      [
        'abandon',
        'close',
        'drawAuditee',
        'drawHouseholds',
        'lockEntropy',
        'replaceAuditee',
        'replaceHousehold',
        'reveal',
        'revealNotary',
        'revealScores',
      ].sort(),
    );
  });
});

describe('what is on air', () => {
  const all = situations();
  /** The main card on air. */
  const program = (state: ShowState | undefined) => state?.air.layers.main.program;
  const graphic = (name: Graphic, round: number | null = null) => ({ graphic: name, round, text: null, outAt: null });

  it('each step brings its own graphic on air on its layer; opening the show shows the bug', () => {
    expect(onAirOf(all.sealed as ShowState)).toEqual({});
    expect(onAirOf(all.live as ShowState)).toEqual({ main: 'opening', bug: 'bug' });
    expect(program(all.entropyLocked)).toEqual(graphic('entropy'));
    expect(program(all.revealed)).toEqual(graphic('entropy'));
    expect(program(all.drawing)).toEqual(graphic('roll', 0));
    // The lower third's zone is under the main card's: it takes the roll out (the declared rule).
    expect(onAirOf(all.presented as ShowState)).toEqual({ lower: 'auditee:0', bug: 'bug' });
    // The countdown sits beside the lower third: both stay on air through the report.
    expect(onAirOf(all.reporting as ShowState)).toEqual({ lower: 'auditee:0', timer: 'countdown:0', bug: 'bug' });
    expect(onAirOf(all.reported as ShowState)).toEqual({ lower: 'auditee:0', timer: 'countdown:0', bug: 'bug' });
    expect(onAirOf(all.households as ShowState)).toEqual({ main: 'households:0', bug: 'bug' });
    expect(program(all.callsDone)).toEqual(graphic('households', 0));
    expect(program(all.judging)).toEqual(graphic('judges', 0));
    expect(program(all.scoresRevealed)).toEqual(graphic('judges', 0));
    expect(program(all.result)).toEqual(graphic('result', 0));
    expect(program(all.closed)).toEqual(graphic('summary'));
  });

  it('cue puts a graphic on its layer’s preview; take puts it on air and empties that preview', () => {
    let state = run(all.callsDone as ShowState, { type: 'cue', at: T0, graphic: 'auditee', round: 0 });
    expect(state.air.layers.lower.preview).toEqual({ graphic: 'auditee', round: 0, text: null, autoOutSeconds: null });
    expect(program(state)).toEqual(graphic('households', 0));
    state = run(state, { type: 'take', at: T0, layer: 'lower' });
    expect(state.air.layers.lower).toEqual({ program: graphic('auditee', 0), preview: null });
    expect(transition(state, { type: 'take', at: T0 })).toMatchObject({ ok: false, code: 'SHOW_NOTHING_CUED' });
  });

  it('clear all empties every layer at once, even after the show closed, and keeps the previews', () => {
    let state = run(all.closed as ShowState, { type: 'cue', at: T0, graphic: 'result', round: 0 });
    state = run(state, { type: 'clearAll', at: T0 });
    expect(onAirOf(state)).toEqual({});
    expect(state.air.layers.main.preview).toMatchObject({ graphic: 'result', round: 0 });
    state = run(state, { type: 'setBug', at: T0, visible: true });
    expect(onAirOf(state)).toEqual({ bug: 'bug' });
  });

  it('refuses to cue a graphic that has nothing to show yet', () => {
    const cases: [string, Parameters<typeof graphicUnavailable>[1], boolean][] = [
      // Live before the lock, the entropy graphic shows the notary's digits as they are typed.
      ['sealed', { graphic: 'entropy', round: null }, false],
      ['live', { graphic: 'entropy', round: null }, true],
      ['entropyLocked', { graphic: 'entropy', round: null }, true],
      ['revealed', { graphic: 'roll', round: 0 }, false],
      ['drawing', { graphic: 'roll', round: 0 }, true],
      ['drawing', { graphic: 'roll', round: null }, false],
      ['drawing', { graphic: 'roll', round: 1 }, false],
      ['reported', { graphic: 'households', round: 0 }, false],
      ['households', { graphic: 'households', round: 0 }, true],
      ['callsDone', { graphic: 'judges', round: 0 }, false],
      ['judging', { graphic: 'judges', round: 0 }, true],
      ['scoresRevealed', { graphic: 'result', round: 0 }, false],
      ['result', { graphic: 'result', round: 0 }, true],
      ['scoresRevealed', { graphic: 'summary', round: null }, false],
      ['result', { graphic: 'summary', round: null }, true],
      ['sealed', { graphic: 'opening', round: null }, true],
    ];
    for (const [name, cue, available] of cases) {
      const result = transition(all[name] as ShowState, { type: 'cue', at: T0, ...cue });
      expect({ name, cue, ok: result.ok }).toEqual({ name, cue, ok: available });
      if (!result.ok) expect(result.code).toBe('SHOW_GRAPHIC_UNAVAILABLE');
    }
  });
});

describe('judges’ items under the declared rules', () => {
  const all = situations();
  const judging = all.judging as ShowState;
  const round = judging.rounds.at(-1) as ShowState['rounds'][number];
  const rubric: ShowState = {
    ...judging,
    draw: {
      ...judging.draw,
      plan: { ...judging.draw.plan, scoring: { ...DEFAULT_SCORING_RULES, criteria: RUBRIC_EXAMPLE } },
    },
  };
  const submit = (state: ShowState, items: number[] | undefined, hundredths: number) =>
    transition(state, {
      type: 'submitScore',
      at: T0,
      seat: 1,
      round: round.index,
      auditeeNumber: round.auditeeNumber,
      hundredths,
      ...(items ? { items } : {}),
      submissionId: `s-${hundredths}`,
    });

  it('keeps each criterion and the total', () => {
    const result = submit(rubric, [3600, 2550, 2700], 8850);
    if (!result.ok) throw new Error(result.message);
    expect(result.state.rounds.at(-1)?.scores).toEqual([
      { seat: 1, hundredths: 8850, items: [3600, 2550, 2700], submissionId: 's-8850', at: T0 },
    ]);
  });

  it('refuses a missing criterion, a value over full marks, off the step, or a total that does not add up', () => {
    const refused = (items: number[] | undefined, hundredths: number) => {
      const result = submit(rubric, items, hundredths);
      return result.ok ? 'accepted' : `${result.code} ${result.message}`;
    };
    expect(refused([3600, 2550], 6150)).toBe('SHOW_BAD_VALUE 评分须包含全部 3 个评分项');
    expect(refused([4100, 2500, 2500], 9100)).toBe('SHOW_BAD_VALUE 「工作实绩」须在 0 至 40 分之间，最多两位小数');
    expect(refused([3600, 2525, 2700], 8825)).toBe('SHOW_BAD_VALUE 「群众评价」须按 0.5 分的步长评分');
    expect(refused([3600, 2500, 2700], 9000)).toBe('SHOW_BAD_VALUE 总分与各项之和不符');
    expect(refused(undefined, 8850)).toBe('SHOW_BAD_VALUE 评分须包含全部 3 个评分项');
  });

  it('a single overall score: one item, in steps of 0.1 by default; old logs without items replay', () => {
    expect(submit(judging, [8850], 8850).ok).toBe(true);
    expect(submit(judging, undefined, 8850).ok).toBe(true);
    expect(submit(judging, [8855], 8855)).toMatchObject({ ok: false, code: 'SHOW_BAD_VALUE' });
    expect(submit(judging, [10_050], 10_050)).toMatchObject({ ok: false, code: 'SHOW_BAD_VALUE' });
  });
});

describe('the supervisor: one recheck before the lock, corrections after it', () => {
  const all = situations();
  const judging = all.judging as ShowState;
  const round = judging.rounds.at(-1) as ShowState['rounds'][number];
  const scored = run(judging, {
    type: 'submitScore',
    at: T0,
    seat: 1,
    round: round.index,
    auditeeNumber: round.auditeeNumber,
    hundredths: 6000,
    submissionId: 'low-1',
  });

  it('asks a judge who has scored to recheck, once', () => {
    expect(transition(judging, { type: 'requestRecheck', at: T0, seat: 1 })).toMatchObject({
      ok: false,
      code: 'SHOW_BAD_VALUE',
    });
    const asked = run(scored, { type: 'requestRecheck', at: T0, seat: 1 });
    expect(current(asked)?.rechecks).toEqual([1]);
    expect(transition(asked, { type: 'requestRecheck', at: T0, seat: 1 })).toMatchObject({
      ok: false,
      code: 'SHOW_BAD_VALUE',
    });
    const locked = run(asked, { type: 'lockJudging', at: T0 });
    expect(transition(locked, { type: 'requestRecheck', at: T0, seat: 1 })).toMatchObject({
      ok: false,
      code: 'SHOW_JUDGING_CLOSED',
    });
  });

  it('corrects a score after the lock only, with a reason, keeping what it was', () => {
    const correct = {
      type: 'correctScore' as const,
      at: T0 + 5,
      seat: 1,
      items: [8000],
      hundredths: 8000,
      reason: '评委口头更正，监督员核实',
    };
    expect(transition(scored, correct)).toMatchObject({ ok: false, code: 'SHOW_WRONG_STEP' });
    const locked = run(scored, { type: 'lockJudging', at: T0 });
    const corrected = run(locked, correct);
    expect(current(corrected)?.scores).toMatchObject([{ seat: 1, hundredths: 8000, items: [8000] }]);
    expect(current(corrected)?.corrections).toEqual([
      { seat: 1, from: 6000, to: 8000, reason: '评委口头更正，监督员核实', at: T0 + 5 },
    ]);
    expect(transition(locked, { ...correct, seat: 2 })).toMatchObject({ ok: false, code: 'SHOW_BAD_VALUE' });
    expect(transition(locked, { ...correct, reason: ' ' })).toMatchObject({ ok: false, code: 'SHOW_BAD_VALUE' });
    expect(transition(locked, { ...correct, items: [10_100], hundredths: 10_100 })).toMatchObject({
      ok: false,
      code: 'SHOW_BAD_VALUE',
    });
    const revealed = run(corrected, { type: 'revealScores', at: T0 });
    expect(transition(revealed, correct)).toMatchObject({ ok: false, code: 'SHOW_WRONG_STEP' });
  });
});
