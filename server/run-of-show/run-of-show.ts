import { applyDrawCommand, activeSelections, type DrawCommand, type DrawState } from '../draw-engine/ceremony';
import { remainingMs, type ReportTimer } from '../run-of-show/timer';
import { DEFAULT_SCORING_RULES, type ScoringRules } from '../protocol/scoring';
import type { AuditeeReplacementReason, ContactReplacementReason } from '../protocol/draw';
import {
  CALL_STATUSES,
  GRAPHICS,
  GRAPHIC_LABEL,
  OUTCOMES,
  ROUND_STEP_LABEL,
  SATISFACTION,
  UNREACHED,
  type CallStatus,
  type Graphic,
  type Outcome,
  type RoundStep,
  type Satisfaction,
} from '../protocol/round';
import type { LoggedShowCommand } from '../protocol/show-commands';

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
 */
export type ShowStatus = 'sealed' | 'live' | 'closed';
export type { RoundStep };

export interface HouseholdCall {
  number: string;
  callStatus: CallStatus;
  outcome: Outcome | null;
  satisfaction: Satisfaction | null;
  replaced: { reason: ContactReplacementReason; by: string | null } | null;
}

export interface RoundState {
  index: number;
  auditeeNumber: string;
  step: RoundStep;
  /** The roll animation, scheduled in server time; the result is decided before it starts. */
  roll: { startsAt: number; landsAt: number };
  replacedAuditees: { number: string; reason: AuditeeReplacementReason }[];
  report: ReportTimer;
  households: HouseholdCall[];
  /**
   * Each seat's current score for this round, in hundredths (integers keep the log canonical), total
   * and per criterion; a later submission before the lock replaces it.
   */
  scores: { seat: number; hundredths: number; items: number[]; submissionId: string; at: number }[];
  /** Server time of the reveal: outputs show the seats' scores in turn from then on (see REVEAL_TIMING). */
  revealedAt: number | null;
  /** Seats the supervisor asked to recheck (once each, before the lock). */
  rechecks: number[];
  /** Scores corrected by the supervisor after the lock (hundredths), with the reason. */
  corrections: { seat: number; from: number; to: number; reason: string; at: number }[];
}

/** A judge's seat and the auditees the judge must not score (回避). */
export interface JudgeSeat {
  seat: number;
  recusals: string[];
}

export { GRAPHICS, GRAPHIC_LABEL, type CallStatus, type Graphic, type Outcome, type Satisfaction };

/** A graphic of a round (or of the whole show when round is null). */
export interface GraphicCue {
  graphic: Graphic;
  round: number | null;
}

/**
 * What the outputs show: the program (on air), the preview (cued, shown on the console's preview
 * output) and the event bug. Steps put their own graphic on air (the step's button is the take);
 * any other graphic is cued to preview, then taken.
 */
export interface AirState {
  program: GraphicCue | null;
  preview: GraphicCue | null;
  bug: boolean;
}

export interface ShowState {
  status: ShowStatus;
  air: AirState;
  rehearsal: boolean;
  draw: DrawState;
  reportMs: number;
  rollMs: number;
  judges: JudgeSeat[];
  rounds: RoundState[];
  closedAt: number | null;
}

/** A command as the run-of-show applies it and the show log records it (declared in the protocol). */
export type ShowCommand = LoggedShowCommand;

export type ShowErrorCode =
  | 'SHOW_NOT_LIVE'
  | 'SHOW_ALREADY_OPEN'
  | 'SHOW_CLOSED'
  | 'SHOW_WRONG_STEP'
  | 'SHOW_NO_ROUND'
  | 'SHOW_NO_MORE_AUDITEES'
  | 'SHOW_UNKNOWN_HOUSEHOLD'
  | 'SHOW_CALLS_PENDING'
  | 'SHOW_TIMER'
  | 'SHOW_BAD_VALUE'
  | 'SHOW_DRAW_REFUSED'
  | 'SHOW_JUDGING_CLOSED'
  | 'SHOW_STALE_SUBMISSION'
  | 'SHOW_RECUSED'
  | 'SHOW_GRAPHIC_UNAVAILABLE'
  | 'SHOW_NOTHING_CUED';

/** What the server broadcasts beyond the new state: animation cues, notes for the log. */
export type ShowEffect =
  /** A draw ceremony command the transition applied: the draw's own log records it too. */
  | { type: 'draw'; command: DrawCommand }
  | { type: 'rollCue'; round: number; auditeeNumber: string; startsAt: number; landsAt: number }
  | { type: 'timer'; round: number; timer: ReportTimer }
  | { type: 'closed'; at: number };

export type ShowResult =
  | { ok: true; state: ShowState; effects: ShowEffect[] }
  | { ok: false; code: ShowErrorCode; message: string; drawCode?: string };

/** Commands that cannot be undone: declared in the protocol, so UIs ask for a deliberate confirmation. */
export { IRREVERSIBLE_COMMANDS } from '../protocol/show-commands';
export { remainingMs, type ReportTimer };

/** The roll starts a moment after the command, so every output has it before it begins. */
export const ROLL_LEAD_MS = 800;

export function initialShow(
  draw: DrawState,
  options: { rehearsal: boolean; reportMinutes: number; rollSeconds?: number; judges?: JudgeSeat[] },
): ShowState {
  return {
    status: 'sealed',
    air: { program: null, preview: null, bug: false },
    rehearsal: options.rehearsal,
    judges: options.judges ?? [],
    draw,
    reportMs: options.reportMinutes * 60_000,
    rollMs: (options.rollSeconds ?? 6) * 1000,
    rounds: [],
    closedAt: null,
  };
}

/** Seats that sit out a round because of a declared conflict with its auditee (本轮回避). */
export function recusedSeats(state: ShowState, auditeeNumber: string): number[] {
  return state.judges.filter((j) => j.recusals.includes(auditeeNumber)).map((j) => j.seat);
}

const refuse = (code: ShowErrorCode, message: string, drawCode?: string): ShowResult => ({
  ok: false,
  code,
  message,
  ...(drawCode ? { drawCode } : {}),
});

const STEP_LABEL = ROUND_STEP_LABEL;

/** The auditees in the order the show presents them: each stratum's current picks, by position. */
function presentationQueue(draw: DrawState): string[] {
  return (draw.auditeeStages ?? []).flatMap((stage) =>
    [...activeSelections(stage.selections)].sort((a, b) => a.position - b.position).map((s) => s.number),
  );
}

function withRound(state: ShowState, round: RoundState): ShowState {
  return { ...state, rounds: state.rounds.map((r) => (r.index === round.index ? round : r)) };
}

/** The graphic a step brings on air with it: the step's button is its take. */
const STEP_GRAPHIC: Partial<Record<ShowCommand['type'], Graphic>> = {
  open: 'opening',
  lockEntropy: 'entropy',
  reveal: 'entropy',
  drawAuditee: 'roll',
  replaceAuditee: 'roll',
  presentAuditee: 'auditee',
  startReport: 'countdown',
  drawHouseholds: 'households',
  openJudging: 'judges',
  revealScores: 'judges',
  showResult: 'result',
  finishRound: 'result',
  close: 'summary',
};

/** Whether a graphic has something to show yet (a reason in Chinese when it does not). */
export function graphicUnavailable(state: ShowState, cue: GraphicCue): string | null {
  const round = cue.round === null ? undefined : state.rounds[cue.round];
  if (cue.round !== null && !round) return `没有第 ${cue.round + 1} 轮`;
  const needRound = () => (round ? null : `「${GRAPHIC_LABEL[cue.graphic]}」须指定轮次`);
  switch (cue.graphic) {
    case 'opening':
      return null;
    case 'entropy':
      return state.draw.entropy === null ? '公开随机数尚未锁定' : null;
    case 'roll':
    case 'auditee':
    case 'countdown':
      return needRound();
    case 'households':
      return needRound() ?? ((round as RoundState).households.length === 0 ? '本轮尚未抽取联系对象' : null);
    case 'judges':
      return (
        needRound() ??
        (['judging', 'judging-locked', 'scores-revealed', 'result'].includes((round as RoundState).step)
          ? null
          : '本轮尚未开始评分')
      );
    case 'result':
      return needRound() ?? ((round as RoundState).step === 'result' ? null : '本轮结果尚未公布');
    case 'summary':
      return state.rounds.some((r) => r.step === 'result') ? null : '还没有完成的轮次';
  }
}

export function transition(state: ShowState, command: ShowCommand): ShowResult {
  const result = stepTransition(state, command);
  const graphic = STEP_GRAPHIC[command.type];
  if (!result.ok || graphic === undefined) return result;
  const next = result.state;
  const round = graphic === 'opening' || graphic === 'entropy' || graphic === 'summary' ? null : next.rounds.length - 1;
  return {
    ...result,
    state: { ...next, air: { ...next.air, program: { graphic, round }, bug: next.air.bug || command.type === 'open' } },
  };
}

function airCommand(
  state: ShowState,
  command: Extract<ShowCommand, { type: 'cue' | 'take' | 'clearAll' | 'setBug' }>,
): ShowResult {
  const air = state.air;
  switch (command.type) {
    case 'cue': {
      if (!(GRAPHICS as readonly string[]).includes(command.graphic)) return refuse('SHOW_BAD_VALUE', '没有这个画面');
      const cue = { graphic: command.graphic, round: command.round };
      const unavailable = graphicUnavailable(state, cue);
      if (unavailable) return refuse('SHOW_GRAPHIC_UNAVAILABLE', unavailable);
      return { ok: true, state: { ...state, air: { ...air, preview: cue } }, effects: [] };
    }
    case 'take':
      if (air.preview === null) return refuse('SHOW_NOTHING_CUED', '预览中没有画面可切出');
      return { ok: true, state: { ...state, air: { ...air, program: air.preview, preview: null } }, effects: [] };
    case 'clearAll':
      // The panic button: nothing on air, at once. The preview stays cued.
      return { ok: true, state: { ...state, air: { ...air, program: null, bug: false } }, effects: [] };
    case 'setBug':
      return { ok: true, state: { ...state, air: { ...air, bug: command.visible } }, effects: [] };
  }
}

function stepTransition(state: ShowState, command: ShowCommand): ShowResult {
  // The outputs stay under the operator's hand before the show opens and after it closes (panic clear above all).
  if (command.type === 'cue' || command.type === 'take' || command.type === 'clearAll' || command.type === 'setBug') {
    return airCommand(state, command);
  }
  if (state.status === 'closed') return refuse('SHOW_CLOSED', '本场抽查已结束');
  if (command.type === 'open') {
    if (state.status !== 'sealed') return refuse('SHOW_ALREADY_OPEN', '直播已开始');
    return { ok: true, state: { ...state, status: 'live' }, effects: [] };
  }
  if (state.status !== 'live') return refuse('SHOW_NOT_LIVE', '请先开始直播');

  const round = state.rounds.at(-1);
  const needStep = (...steps: RoundStep[]): ShowResult | null => {
    if (!round) return refuse('SHOW_NO_ROUND', '本场还没有抽取人员');
    if (!steps.includes(round.step)) {
      return refuse('SHOW_WRONG_STEP', `当前步骤为「${STEP_LABEL[round.step]}」，不能执行此操作`);
    }
    return null;
  };
  const draw = (drawCommand: Parameters<typeof applyDrawCommand>[1]) => applyDrawCommand(state.draw, drawCommand);

  switch (command.type) {
    case 'lockEntropy':
    case 'reveal': {
      const drawCommand: DrawCommand =
        command.type === 'lockEntropy'
          ? { type: 'lockEntropy', entropy: command.entropy }
          : { type: 'reveal', secret: command.secret };
      const result = draw(drawCommand);
      if (!result.ok) return refuse('SHOW_DRAW_REFUSED', result.message, result.code);
      return { ok: true, state: { ...state, draw: result.state }, effects: [{ type: 'draw', command: drawCommand }] };
    }
    case 'drawAuditee': {
      if (round && round.step !== 'result') {
        return refuse('SHOW_WRONG_STEP', `上一轮尚未结束（当前：${STEP_LABEL[round.step]}）`);
      }
      let drawState = state.draw;
      const drawEffects: ShowEffect[] = [];
      if (drawState.auditeeStages === null) {
        // The first round executes the auditee stage once; later rounds present its next picks.
        const result = applyDrawCommand(drawState, { type: 'drawAuditees' });
        if (!result.ok) return refuse('SHOW_DRAW_REFUSED', result.message, result.code);
        drawState = result.state;
        drawEffects.push({ type: 'draw', command: { type: 'drawAuditees' } });
      }
      const queue = presentationQueue(drawState);
      const shown = new Set(state.rounds.map((r) => r.auditeeNumber));
      const next = queue.find((number) => !shown.has(number));
      if (next === undefined) return refuse('SHOW_NO_MORE_AUDITEES', '方案规定的人员已全部抽取完毕');
      const roll = { startsAt: command.at + ROLL_LEAD_MS, landsAt: command.at + ROLL_LEAD_MS + state.rollMs };
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
      };
      return {
        ok: true,
        state: { ...state, draw: drawState, rounds: [...state.rounds, newRound] },
        effects: [...drawEffects, { type: 'rollCue', round: newRound.index, auditeeNumber: next, ...roll }],
      };
    }
    case 'presentAuditee': {
      const wrong = needStep('drawing');
      if (wrong) return wrong;
      return { ok: true, state: withRound(state, { ...(round as RoundState), step: 'presented' }), effects: [] };
    }
    case 'replaceAuditee': {
      const wrong = needStep('drawing', 'presented');
      if (wrong) return wrong;
      const current = round as RoundState;
      const drawCommand: DrawCommand = {
        type: 'replaceAuditee',
        number: current.auditeeNumber,
        reason: command.reason,
      };
      const result = draw(drawCommand);
      if (!result.ok) return refuse('SHOW_DRAW_REFUSED', result.message, result.code);
      const stage = result.state.auditeeStages?.find((s) =>
        s.selections.some((x) => x.number === current.auditeeNumber),
      );
      const by = stage?.selections.find((x) => x.number === current.auditeeNumber)?.replaced?.by as string;
      const roll = { startsAt: command.at + ROLL_LEAD_MS, landsAt: command.at + ROLL_LEAD_MS + state.rollMs };
      const replacedRound: RoundState = {
        ...current,
        auditeeNumber: by,
        step: 'drawing',
        roll,
        replacedAuditees: [...current.replacedAuditees, { number: current.auditeeNumber, reason: command.reason }],
      };
      return {
        ok: true,
        state: withRound({ ...state, draw: result.state }, replacedRound),
        effects: [
          { type: 'draw', command: drawCommand },
          { type: 'rollCue', round: current.index, auditeeNumber: by, ...roll },
        ],
      };
    }
    case 'startReport':
    case 'resumeReport':
    case 'pauseReport':
    case 'extendReport':
    case 'endReport':
      return timerCommand(state, round, command, needStep);
    case 'drawHouseholds': {
      // A check without judges may go to the households without a timed report.
      const wrong = state.judges.length === 0 ? needStep('presented', 'reported') : needStep('reported');
      if (wrong) return wrong;
      const current = round as RoundState;
      const drawCommand: DrawCommand = { type: 'drawContacts', auditeeNumber: current.auditeeNumber };
      const result = draw(drawCommand);
      if (!result.ok) return refuse('SHOW_DRAW_REFUSED', result.message, result.code);
      const stage = result.state.contactStages.find((s) => s.auditeeNumber === current.auditeeNumber);
      const households = (stage?.selections ?? []).map((s) => freshCall(s.number));
      return {
        ok: true,
        state: withRound({ ...state, draw: result.state }, { ...current, step: 'households', households }),
        effects: [{ type: 'draw', command: drawCommand }],
      };
    }
    case 'setCallStatus':
    case 'recordOutcome':
    case 'replaceHousehold':
      return householdCommand(state, round, command, needStep);
    case 'finishRound': {
      if (state.judges.length > 0) return refuse('SHOW_WRONG_STEP', '本场设有评委，须经评分后显示本轮结果');
      const wrong = needStep('households');
      if (wrong) return wrong;
      const current = round as RoundState;
      const pending = current.households.filter((h) => h.replaced === null && h.outcome === null);
      if (pending.length > 0) {
        return refuse('SHOW_CALLS_PENDING', `还有 ${pending.length} 户未完成核实（记录结果或递补后才能结束本轮）`);
      }
      return { ok: true, state: withRound(state, { ...current, step: 'result' }), effects: [] };
    }
    case 'openJudging': {
      const wrong = needStep('households');
      if (wrong) return wrong;
      const current = round as RoundState;
      const pending = current.households.filter((h) => h.replaced === null && h.outcome === null);
      if (pending.length > 0) {
        return refuse('SHOW_CALLS_PENDING', `还有 ${pending.length} 户未完成核实（记录结果或递补后才能开始评分）`);
      }
      return {
        ok: true,
        state: withRound(state, { ...current, step: 'judging' }),
        effects: [],
      };
    }
    case 'lockJudging': {
      const wrong = needStep('judging');
      if (wrong) return wrong;
      return { ok: true, state: withRound(state, { ...(round as RoundState), step: 'judging-locked' }), effects: [] };
    }
    case 'revealScores': {
      const wrong = needStep('judging-locked');
      if (wrong) return wrong;
      return {
        ok: true,
        state: withRound(state, { ...(round as RoundState), step: 'scores-revealed', revealedAt: command.at }),
        effects: [],
      };
    }
    case 'showResult': {
      const wrong = needStep('scores-revealed');
      if (wrong) return wrong;
      return { ok: true, state: withRound(state, { ...(round as RoundState), step: 'result' }), effects: [] };
    }
    case 'submitScore': {
      if (!round || round.step !== 'judging')
        return refuse('SHOW_JUDGING_CLOSED', '评分未开放或已锁定，本次提交未被接受');
      if (command.round !== round.index || command.auditeeNumber !== round.auditeeNumber) {
        return refuse('SHOW_STALE_SUBMISSION', '这份评分不是针对当前正在评分的人员，已拒绝；请在当前画面重新评分');
      }
      if (!state.judges.some((j) => j.seat === command.seat))
        return refuse('SHOW_BAD_VALUE', `没有 ${command.seat} 号评委席`);
      if (recusedSeats(state, round.auditeeNumber).includes(command.seat)) {
        return refuse('SHOW_RECUSED', '本轮回避：该席位不参加本轮评分');
      }
      const items = command.items ?? [command.hundredths];
      const invalid = invalidItems(state.draw.plan.scoring ?? DEFAULT_SCORING_RULES, items);
      if (invalid) return refuse('SHOW_BAD_VALUE', invalid);
      if (command.hundredths !== items.reduce((sum, v) => sum + v, 0)) {
        return refuse('SHOW_BAD_VALUE', '总分与各项之和不符');
      }
      const entry = {
        seat: command.seat,
        hundredths: command.hundredths,
        items,
        submissionId: command.submissionId,
        at: command.at,
      };
      const scores = [...round.scores.filter((s) => s.seat !== command.seat), entry].sort((a, b) => a.seat - b.seat);
      return { ok: true, state: withRound(state, { ...round, scores }), effects: [] };
    }
    case 'requestRecheck': {
      if (!round || round.step !== 'judging')
        return refuse('SHOW_JUDGING_CLOSED', '只能在评分进行中、锁定之前请评委复核');
      if (!round.scores.some((s) => s.seat === command.seat))
        return refuse('SHOW_BAD_VALUE', `${command.seat} 号评委尚未提交评分`);
      if (round.rechecks.includes(command.seat))
        return refuse('SHOW_BAD_VALUE', `已请 ${command.seat} 号评委复核过一次`);
      return {
        ok: true,
        state: withRound(state, { ...round, rechecks: [...round.rechecks, command.seat].sort((a, b) => a - b) }),
        effects: [],
      };
    }
    case 'correctScore': {
      if (!round || round.step !== 'judging-locked') {
        return refuse('SHOW_WRONG_STEP', '评分更正只能在锁定之后、公布之前由监督员进行');
      }
      const previous = round.scores.find((s) => s.seat === command.seat);
      if (!previous) return refuse('SHOW_BAD_VALUE', `${command.seat} 号评委本轮没有评分，无从更正`);
      const invalid = invalidItems(state.draw.plan.scoring ?? DEFAULT_SCORING_RULES, command.items);
      if (invalid) return refuse('SHOW_BAD_VALUE', invalid);
      if (command.hundredths !== command.items.reduce((sum, v) => sum + v, 0)) {
        return refuse('SHOW_BAD_VALUE', '总分与各项之和不符');
      }
      if (command.reason.trim().length < 2) return refuse('SHOW_BAD_VALUE', '更正须写明原因');
      const corrected = { ...previous, hundredths: command.hundredths, items: command.items, at: command.at };
      return {
        ok: true,
        state: withRound(state, {
          ...round,
          scores: round.scores.map((s) => (s.seat === command.seat ? corrected : s)),
          corrections: [
            ...round.corrections,
            {
              seat: command.seat,
              from: previous.hundredths,
              to: command.hundredths,
              reason: command.reason,
              at: command.at,
            },
          ],
        }),
        effects: [],
      };
    }
    case 'close': {
      // A show ends with its secret public, so its bundle can be verified.
      if (state.draw.seed === null) return refuse('SHOW_WRONG_STEP', '须先锁定公开随机数并公开密钥，才能结束');
      if (round && round.step !== 'result') {
        return refuse('SHOW_WRONG_STEP', `本轮尚未结束（当前：${STEP_LABEL[round.step]}），不能结束直播`);
      }
      return {
        ok: true,
        state: { ...state, status: 'closed', closedAt: command.at },
        effects: [{ type: 'closed', at: command.at }],
      };
    }
  }
}

/** What is wrong with a judge's items under the rules (Chinese), or null. */
export function invalidItems(rules: ScoringRules, items: readonly number[]): string | null {
  if (items.length !== rules.criteria.length) return `评分须包含全部 ${rules.criteria.length} 个评分项`;
  for (const [i, criterion] of rules.criteria.entries()) {
    const value = items[i] as number;
    if (!Number.isInteger(value) || value < 0 || value > criterion.maxHundredths) {
      return `「${criterion.name}」须在 0 至 ${criterion.maxHundredths / 100} 分之间，最多两位小数`;
    }
    if (value % criterion.stepHundredths !== 0) {
      return `「${criterion.name}」须按 ${criterion.stepHundredths / 100} 分的步长评分`;
    }
  }
  return null;
}

function freshCall(number: string): HouseholdCall {
  return { number, callStatus: '待呼叫', outcome: null, satisfaction: null, replaced: null };
}

function timerCommand(
  state: ShowState,
  round: RoundState | undefined,
  command: Extract<
    ShowCommand,
    { type: 'startReport' | 'resumeReport' | 'pauseReport' | 'extendReport' | 'endReport' }
  >,
  needStep: (...steps: RoundStep[]) => ShowResult | null,
): ShowResult {
  const wrong = command.type === 'startReport' ? needStep('presented') : needStep('reporting');
  if (wrong) return wrong;
  const current = round as RoundState;
  const timer = current.report;
  let next: ReportTimer;
  let step: RoundStep = 'reporting';
  switch (command.type) {
    case 'startReport':
      next = { ...timer, status: 'running', runningSince: command.at };
      break;
    case 'pauseReport':
      if (timer.status !== 'running') return refuse('SHOW_TIMER', '计时未在进行');
      next = {
        ...timer,
        status: 'paused',
        runningSince: null,
        elapsedMs: timer.elapsedMs + (command.at - (timer.runningSince ?? command.at)),
      };
      break;
    case 'resumeReport':
      if (timer.status !== 'paused') return refuse('SHOW_TIMER', '计时未暂停');
      next = { ...timer, status: 'running', runningSince: command.at };
      break;
    case 'extendReport':
      if (!Number.isInteger(command.seconds) || command.seconds < 1 || command.seconds > 600) {
        return refuse('SHOW_BAD_VALUE', '延长时间须为 1 至 600 秒');
      }
      next = { ...timer, durationMs: timer.durationMs + command.seconds * 1000 };
      break;
    case 'endReport':
      next = {
        ...timer,
        status: 'finished',
        runningSince: null,
        elapsedMs: timer.elapsedMs + (timer.status === 'running' ? command.at - (timer.runningSince ?? command.at) : 0),
      };
      step = 'reported';
      break;
  }
  return {
    ok: true,
    state: withRound(state, { ...current, step, report: next }),
    effects: [{ type: 'timer', round: current.index, timer: next }],
  };
}

function householdCommand(
  state: ShowState,
  round: RoundState | undefined,
  command: Extract<ShowCommand, { type: 'setCallStatus' | 'recordOutcome' | 'replaceHousehold' }>,
  needStep: (...steps: RoundStep[]) => ShowResult | null,
): ShowResult {
  const wrong = needStep('households');
  if (wrong) return wrong;
  const current = round as RoundState;
  const call = current.households.find((h) => h.number === command.household && h.replaced === null);
  if (!call) return refuse('SHOW_UNKNOWN_HOUSEHOLD', `户 ${command.household} 不是本轮当前核实的对象`);
  const update = (changed: HouseholdCall, extra: HouseholdCall[] = []): ShowResult => ({
    ok: true,
    state: withRound(state, {
      ...current,
      households: [...current.households.map((h) => (h === call ? changed : h)), ...extra],
    }),
    effects: [],
  });
  switch (command.type) {
    case 'setCallStatus':
      if (!CALL_STATUSES.includes(command.callStatus)) return refuse('SHOW_BAD_VALUE', '呼叫状态无效');
      return update({ ...call, callStatus: command.callStatus });
    case 'recordOutcome': {
      if (!OUTCOMES.includes(command.outcome)) return refuse('SHOW_BAD_VALUE', '核实结果无效');
      if (command.satisfaction !== null && !SATISFACTION.includes(command.satisfaction)) {
        return refuse('SHOW_BAD_VALUE', '满意度无效');
      }
      if (command.outcome !== UNREACHED && command.satisfaction === null) {
        return refuse('SHOW_BAD_VALUE', '已联系上的户须记录满意度');
      }
      return update({
        ...call,
        outcome: command.outcome,
        satisfaction: command.outcome === UNREACHED ? null : command.satisfaction,
      });
    }
    case 'replaceHousehold': {
      const drawCommand: DrawCommand = {
        type: 'replaceContact',
        auditeeNumber: current.auditeeNumber,
        contactNumber: call.number,
        reason: command.reason,
      };
      const result = applyDrawCommand(state.draw, drawCommand);
      if (!result.ok) return refuse('SHOW_DRAW_REFUSED', result.message, result.code);
      const stage = result.state.contactStages.find((s) => s.auditeeNumber === current.auditeeNumber);
      const by = stage?.selections.find((s) => s.number === call.number)?.replaced?.by ?? null;
      const replaced = { ...call, replaced: { reason: command.reason, by } };
      const changed = update(replaced, by ? [freshCall(by)] : []);
      return changed.ok
        ? {
            ok: true,
            state: { ...changed.state, draw: result.state },
            effects: [{ type: 'draw', command: drawCommand }],
          }
        : changed;
    }
  }
}
