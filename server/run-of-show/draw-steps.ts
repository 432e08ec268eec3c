import { applyDrawCommand, type DrawCommand } from '../draw-engine/ceremony';
import { REPLACEMENT_MS } from '../protocol/round';
import {
  nextAuditee,
  refuse,
  rollSettlesAt,
  withRound,
  type HouseholdCall,
  type RoundState,
  type ShowCommand,
  type ShowEffect,
  type ShowResult,
  type ShowState,
} from './show-state';

/** The roll starts a moment after the command, so every output has it before it begins. */
export const ROLL_LEAD_MS = 800;

/**
 * The steps that run the draw engine's ceremony: the entropy, the reveal, drawing and replacing
 * auditees, drawing the households. Each logs the ceremony's command as a `draw` effect.
 */
export function entropyOrReveal(
  state: ShowState,
  command: Extract<ShowCommand, { type: 'lockEntropy' | 'reveal' | 'revealNotary' }>,
): ShowResult {
  const drawCommand = ceremonyOf(command);
  const result = applyDrawCommand(state.draw, drawCommand);
  if (!result.ok) return refuse('SHOW_DRAW_REFUSED', result.message, result.code);
  return { ok: true, state: { ...state, draw: result.state }, effects: [{ type: 'draw', command: drawCommand }] };
}

/** The ceremony's command for a show step, as the draw's own log records it. */
function ceremonyOf(command: Extract<ShowCommand, { type: 'lockEntropy' | 'reveal' | 'revealNotary' }>): DrawCommand {
  switch (command.type) {
    case 'lockEntropy':
      return { type: 'lockEntropy', entropy: command.entropy, ...(command.by ? { by: command.by } : {}) };
    case 'reveal':
      return {
        type: 'reveal',
        secret: command.secret,
        ...(command.notarySecret === undefined ? {} : { notarySecret: command.notarySecret }),
      };
    case 'revealNotary':
      return { type: 'revealNotary', secret: command.secret };
  }
}

/**
 * Abandons the show and its draw (作废): the declared rule when the notary cannot reveal (never a
 * fallback to the server's secret alone), or when the draw cannot go on. The show closes with it.
 */
export function abandonShow(state: ShowState, command: Extract<ShowCommand, { type: 'abandon' }>): ShowResult {
  const drawCommand: DrawCommand = { type: 'abandon', reason: command.reason };
  const result = applyDrawCommand(state.draw, drawCommand);
  if (!result.ok) return refuse('SHOW_DRAW_REFUSED', result.message, result.code);
  return {
    ok: true,
    state: {
      ...state,
      draw: result.state,
      status: 'closed',
      closedAt: command.at,
      abandoned: { reason: command.reason },
    },
    effects: [
      { type: 'draw', command: drawCommand },
      { type: 'closed', at: command.at },
    ],
  };
}

const rollFrom = (state: ShowState, at: number) => ({
  startsAt: at + ROLL_LEAD_MS,
  landsAt: at + ROLL_LEAD_MS + state.rollMs,
});

export function drawAuditee(state: ShowState, at: number): ShowResult {
  let drawState = state.draw;
  const drawEffects: ShowEffect[] = [];
  if (drawState.auditeeStages === null) {
    // The first round executes the auditee stage once; later rounds present its next picks.
    const result = applyDrawCommand(drawState, { type: 'drawAuditees' });
    if (!result.ok) return refuse('SHOW_DRAW_REFUSED', result.message, result.code);
    drawState = result.state;
    drawEffects.push({ type: 'draw', command: { type: 'drawAuditees' } });
  }
  const next = nextAuditee(state, drawState);
  if (next === undefined) return refuse('SHOW_NO_MORE_AUDITEES', '方案规定的人员已全部抽取完毕');
  const roll = rollFrom(state, at);
  const newRound: RoundState = {
    index: state.rounds.length,
    auditeeNumber: next,
    step: 'drawing',
    roll,
    replacedAuditees: [],
    report: { durationMs: state.reportMs, status: 'idle', runningSince: null, elapsedMs: 0 },
    households: [],
    scores: [],
    revealedAt: null,
    rechecks: [],
    corrections: [],
    outcomeCorrections: [],
  };
  return {
    ok: true,
    state: { ...state, draw: drawState, rounds: [...state.rounds, newRound] },
    effects: [...drawEffects, { type: 'rollCue', round: newRound.index, auditeeNumber: next, ...roll }],
  };
}

export function replaceAuditee(
  state: ShowState,
  current: RoundState,
  command: Extract<ShowCommand, { type: 'replaceAuditee' }>,
): ShowResult {
  const drawCommand: DrawCommand = { type: 'replaceAuditee', number: current.auditeeNumber, reason: command.reason };
  const result = applyDrawCommand(state.draw, drawCommand);
  if (!result.ok) return refuse('SHOW_DRAW_REFUSED', result.message, result.code);
  const replaced = result.state.auditeeStages
    ?.flatMap((stage) => stage.selections)
    .find((selection) => selection.number === current.auditeeNumber)?.replaced;
  // The ceremony refuses a replacement without an alternate, so a successful one names who comes in.
  if (!replaced?.by) return refuse('SHOW_DRAW_REFUSED', '已没有可递补的候补对象', 'DRAW_NO_ALTERNATE');
  const by = replaced.by;
  // The roll is not run again: the alternate comes from the published order, with its own short
  // motion after the roll (or an earlier replacement) has settled, so viewers see the drawn name first.
  const startsAt = Math.max(command.at + ROLL_LEAD_MS, rollSettlesAt(current));
  const motion = { startsAt, landsAt: startsAt + REPLACEMENT_MS };
  const replacedRound: RoundState = {
    ...current,
    auditeeNumber: by,
    step: 'drawing',
    replacedAuditees: [
      ...current.replacedAuditees,
      { number: current.auditeeNumber, reason: command.reason, ...motion },
    ],
  };
  return {
    ok: true,
    state: withRound({ ...state, draw: result.state }, replacedRound),
    effects: [
      { type: 'draw', command: drawCommand },
      { type: 'rollCue', round: current.index, auditeeNumber: by, ...motion },
    ],
  };
}

export function freshCall(number: string): HouseholdCall {
  return { number, callStatus: '待呼叫', outcome: null, satisfaction: null, answers: null, replaced: null };
}

export function drawHouseholds(state: ShowState, current: RoundState): ShowResult {
  const drawCommand: DrawCommand = { type: 'drawContacts', auditeeNumber: current.auditeeNumber };
  const result = applyDrawCommand(state.draw, drawCommand);
  if (!result.ok) return refuse('SHOW_DRAW_REFUSED', result.message, result.code);
  const stage = result.state.contactStages.find((s) => s.auditeeNumber === current.auditeeNumber);
  const households = (stage?.selections ?? []).map((s) => freshCall(s.number));
  return {
    ok: true,
    state: withRound({ ...state, draw: result.state }, { ...current, step: 'households', households }),
    effects: [{ type: 'draw', command: drawCommand }],
  };
}
