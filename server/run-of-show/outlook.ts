import type { StaffRole } from '../protocol/auth';
import { plannedAuditees } from '../protocol/draw';
import {
  type MainStep,
  type MainStepView,
  type Outlook,
  type RundownItem,
  type RundownState,
} from '../protocol/outlook';
import { GRAPHICS, ROUND_STEPS, ROUND_STEP_LABEL, type RoundStep } from '../protocol/round';
import {
  COMMAND_LABEL,
  HELD_COMMANDS,
  IRREVERSIBLE_COMMANDS,
  SHOW_COMMAND_TYPES,
  rolesFor,
} from '../protocol/show-commands';
import { missingSeats } from './judging-steps';
import { cueOf, graphicUnavailable } from './air';
import { pendingCalls, rollSettlesAt, type RoundState, type ShowState } from './show-state';
import { stepRefusal } from './step-rules';

/**
 * What comes next, for the desk: the main step with why it must wait, every command type open
 * now, the rundown and the cue targets. Built from `stepRefusal`, the rules `transition` applies,
 * so what the desk offers is what the state machine accepts.
 */
export function outlook(state: ShowState, by: StaffRole = 'operator'): Outlook {
  return {
    main: mainStep(state),
    open: SHOW_COMMAND_TYPES.filter((type) => stepRefusal(state, type, by) === null),
    rundown: rundown(state),
    cues: GRAPHICS.map((graphic) => {
      const cue = cueOf(state, graphic);
      return { ...cue, unavailable: graphicUnavailable(state, cue) };
    }),
  };
}

/** How many rounds the plan draws. */
const plannedRounds = (state: ShowState) => plannedAuditees(state.draw.plan);

/** The step the show needs next, as the operator would take it; null once the show is closed. */
export function mainStep(state: ShowState): MainStepView | null {
  const command = mainCommand(state);
  if (command === null) return null;
  const round = state.rounds.at(-1);
  const label =
    command === 'drawAuditee' ? `${COMMAND_LABEL.drawAuditee}第 ${state.rounds.length + 1} 名` : COMMAND_LABEL[command];
  const by = stepRole(command);
  return {
    command,
    label,
    by,
    waiting:
      by === 'operator' ? `下一步：${label}（由操作员执行）` : (NOTARY_WAITING[command] ?? `等待监督员：${label}`),
    irreversible: IRREVERSIBLE_COMMANDS.has(command),
    hold: HELD_COMMANDS.has(command),
    seatsMissing: command === 'lockJudging' && round ? missingSeats(state, round) : [],
    blocked: whyWait(state, command),
    notBefore:
      command === 'presentAuditee' && round
        ? {
            at: rollSettlesAt(round),
            reason: round.replacedAuditees.length > 0 ? '递补动画进行中' : '摇号动画进行中',
          }
        : null,
  };
}

/** What the operator's desk shows while the notary's step is awaited. */
const NOTARY_WAITING: Partial<Record<MainStep, string>> = {
  lockEntropy: '等待监督员锁定公开随机数',
  revealNotary: '等待公证员公开密钥',
};

/** Whose step it is, as the command's roles say (the notary locks the digits and reveals their own secret). */
const stepRole = (command: MainStep): StaffRole => (rolesFor(command).includes('operator') ? 'operator' : 'supervisor');

/** Why the main step must wait, in the desk's words (null: it can be taken now). */
function whyWait(state: ShowState, command: MainStep): string | null {
  const round = state.rounds.at(-1);
  const refused = stepRefusal(state, command);
  if (refused?.code === 'SHOW_CALLS_PENDING' && round) return `还有 ${pendingCalls(round).length} 户未记录核实结果`;
  if (refused) return refused.message;
  // A lock with nobody's score would reveal an empty panel: legal (a missing seat is a rule), but held back.
  return command === 'lockJudging' && round?.scores.length === 0 ? '还没有评委提交评分' : null;
}

function mainCommand(state: ShowState): MainStep | null {
  if (state.status === 'closed') return null;
  if (state.status === 'sealed') return 'open';
  if (state.draw.entropy === null) return 'lockEntropy';
  if (state.draw.secret === null) return 'reveal';
  // A real notary reveals their own secret after the server's; a simulated one is revealed with it.
  if (state.draw.seed === null && state.draw.notary !== null && !state.draw.notary.simulated) return 'revealNotary';
  const round = state.rounds.at(-1);
  if (!round || round.step === 'result') return state.rounds.length >= plannedRounds(state) ? 'close' : 'drawAuditee';
  const judged = state.judges.length > 0;
  const byStep: Record<RoundStep, MainStep> = {
    drawing: 'presentAuditee',
    // A check without judges goes straight to the households (no timed report).
    presented: judged ? 'startReport' : 'drawHouseholds',
    reporting: 'endReport',
    reported: 'drawHouseholds',
    households: judged ? 'openJudging' : 'finishRound',
    judging: 'lockJudging',
    'judging-locked': 'revealScores',
    'scores-revealed': 'showResult',
    result: 'drawAuditee',
  };
  return byStep[round.step];
}

/** The steps of a round the rundown lists; a check without judges has no report or judging. */
const RUNDOWN_STEPS: readonly RoundStep[] = [
  'drawing',
  'presented',
  'reporting',
  'households',
  'judging',
  'scores-revealed',
  'result',
];
const UNJUDGED_RUNDOWN_STEPS: readonly RoundStep[] = ['drawing', 'presented', 'households', 'result'];

/** The run-of-show as a list: what is done, where the show is, what is still to come. */
export function rundown(state: ShowState): RundownItem[] {
  const opened = state.status !== 'sealed';
  const closed = state.status === 'closed';
  const entropy = state.draw.entropy !== null;
  const revealed = state.draw.secret !== null;
  const notary = state.draw.notary !== null && !state.draw.notary.simulated;
  const mark = (done: boolean, current: boolean): RundownState => (done ? 'done' : current ? 'current' : 'todo');
  const showItem = (id: string, label: string, state: RundownState): RundownItem => ({ id, label, state, round: null });
  const items: RundownItem[] = [
    showItem('open', COMMAND_LABEL.open, mark(opened, !opened)),
    showItem('entropy', COMMAND_LABEL.lockEntropy, mark(entropy, opened && !entropy)),
    showItem('reveal', COMMAND_LABEL.reveal, mark(revealed, entropy && !revealed)),
    ...(notary
      ? [
          showItem(
            'notary',
            COMMAND_LABEL.revealNotary,
            mark(state.draw.notarySecret !== null, revealed && state.draw.seed === null),
          ),
        ]
      : []),
  ];
  const steps = state.judges.length === 0 ? UNJUDGED_RUNDOWN_STEPS : RUNDOWN_STEPS;
  const total = Math.max(plannedRounds(state), state.rounds.length);
  for (let index = 0; index < total; index += 1) {
    const round = state.rounds[index];
    const waiting =
      round === undefined &&
      state.draw.seed !== null &&
      index === state.rounds.length &&
      (index === 0 || state.rounds[index - 1]?.step === 'result');
    for (const [i, step] of steps.entries()) {
      items.push({
        id: `r${index}-${step}`,
        label: `第 ${index + 1} 轮 · ${ROUND_STEP_LABEL[step]}`,
        state: round ? roundItemState(round, step, steps[i + 1]) : waiting && i === 0 ? 'current' : 'todo',
        round: index,
      });
    }
  }
  const allDone = state.rounds.length >= plannedRounds(state) && state.rounds.at(-1)?.step === 'result';
  items.push(showItem('close', COMMAND_LABEL.close, mark(closed, allDone && !closed)));
  return items;
}

/** A listed step of a round: done once the round is past the next listed step, current from its own. */
function roundItemState(round: RoundState, step: RoundStep, nextListed: RoundStep | undefined): RundownState {
  if (round.step === 'result') return 'done';
  const at = ROUND_STEPS.indexOf(round.step);
  const next = nextListed ? ROUND_STEPS.indexOf(nextListed) : ROUND_STEPS.length;
  return at >= next ? 'done' : at >= ROUND_STEPS.indexOf(step) ? 'current' : 'todo';
}
