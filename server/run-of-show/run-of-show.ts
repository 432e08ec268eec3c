import type { DrawState } from '../draw-engine/ceremony';
import { airAt, airCommand, emptyAir, withStepGraphic } from './air';
import { abandonShow, drawAuditee, drawHouseholds, entropyOrReveal, replaceAuditee } from './draw-steps';
import { correctScore, lockJudging, requestRecheck, submitScore } from './judging-steps';
import { correctOutcome, householdStep, reportStep } from './round-steps';
import { refuse, withRound, type JudgeSeat, type ShowCommand, type ShowResult, type ShowState } from './show-state';
import { stepRefusal } from './step-rules';

/**
 * The run-of-show as a pure state machine: `transition(state, command)` gives the next state and
 * the effects to broadcast, or a typed refusal that changes nothing. Time comes in with each
 * command (`at`, server milliseconds), so timers and the roll are scheduled in server time and
 * every output shows the same moment. The draw itself is the draw engine's ceremony, embedded.
 *
 *   sealed → live: open → entropy locked → secret revealed (seed) →
 *   per round: drawing (roll cue) → presented | replaced → reporting (timer) → reported →
 *   households drawn → calls (status, outcome, satisfaction, or replacement) →
 *   judging open → judging locked → scores revealed → result → next round … → closed.
 *
 * Which steps are open in a state is `stepRefusal` (step-rules.ts); what comes next, for the
 * desk, is `outlook` (outlook.ts), built from the same rules.
 */
export * from './show-state';
export { graphicUnavailable } from './air';
export { ROLL_LEAD_MS } from './draw-steps';
export { invalidItems } from './judging-steps';
export { stepRefusal } from './step-rules';
export { remainingMs, type ReportTimer } from './timer';
/** Commands that cannot be undone: declared in the protocol, so UIs ask for a deliberate confirmation. */
export { IRREVERSIBLE_COMMANDS } from '../protocol/show-commands';

export function initialShow(
  draw: DrawState,
  options: { rehearsal: boolean; reportMinutes: number; rollSeconds?: number; judges?: JudgeSeat[] },
): ShowState {
  return {
    status: 'sealed',
    air: emptyAir(),
    rehearsal: options.rehearsal,
    judges: options.judges ?? [],
    draw,
    reportMs: options.reportMinutes * 60_000,
    rollMs: (options.rollSeconds ?? 6) * 1000,
    rounds: [],
    closedAt: null,
    abandoned: null,
  };
}

export function transition(current: ShowState, command: ShowCommand): ShowResult {
  // A graphic taken with an auto-out time has left by the time of this command.
  const state = { ...current, air: airAt(current.air, command.at) };
  const by = command.type === 'correctOutcome' || command.type === 'abandon' ? (command.by ?? 'operator') : 'operator';
  const refused = stepRefusal(state, command.type, by);
  if (refused) return refused;
  const result = applyStep(state, command);
  return result.ok ? { ...result, state: withStepGraphic(result.state, command.type) } : result;
}

/** A command whose step is open (stepRefusal said so): its own checks, then its effect. */
function applyStep(state: ShowState, command: ShowCommand): ShowResult {
  switch (command.type) {
    case 'cue':
    case 'take':
    case 'out':
    case 'clearAll':
    case 'restore':
    case 'setBug':
      return airCommand(state, command);
    case 'open':
      return { ok: true, state: { ...state, status: 'live' }, effects: [] };
    case 'lockEntropy':
    case 'reveal':
    case 'revealNotary':
      return entropyOrReveal(state, command);
    case 'abandon':
      return abandonShow(state, command);
    case 'drawAuditee':
      return drawAuditee(state, command.at);
    case 'close':
      return {
        ok: true,
        state: { ...state, status: 'closed', closedAt: command.at },
        effects: [{ type: 'closed', at: command.at }],
      };
  }
  // Every other step belongs to the current round, which the step rules found.
  const round = state.rounds.at(-1);
  if (!round) return refuse('SHOW_NO_ROUND', '本场还没有抽取人员');
  const ok = (step: typeof round.step, extra: Partial<typeof round> = {}): ShowResult => ({
    ok: true,
    state: withRound(state, { ...round, ...extra, step }),
    effects: [],
  });
  switch (command.type) {
    case 'presentAuditee':
      return ok('presented');
    case 'replaceAuditee':
      return replaceAuditee(state, round, command);
    case 'startReport':
    case 'resumeReport':
    case 'pauseReport':
    case 'extendReport':
    case 'endReport':
      return reportStep(state, round, command);
    case 'drawHouseholds':
      return drawHouseholds(state, round);
    case 'setCallStatus':
    case 'recordOutcome':
    case 'replaceHousehold':
      return householdStep(state, round, command);
    case 'correctOutcome':
      return correctOutcome(state, round, command);
    case 'finishRound':
      return ok('result');
    case 'openJudging':
      return ok('judging');
    case 'lockJudging':
      return lockJudging(state, round, command.without) ?? ok('judging-locked');
    case 'revealScores':
      return ok('scores-revealed', { revealedAt: command.at });
    case 'showResult':
      return ok('result');
    case 'submitScore':
      return submitScore(state, round, command);
    case 'requestRecheck':
      return requestRecheck(state, round, command.seat);
    case 'correctScore':
      return correctScore(state, round, command);
  }
}
