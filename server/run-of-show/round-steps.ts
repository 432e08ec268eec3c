import { applyDrawCommand, type DrawCommand } from '../draw-engine/ceremony';
import {
  CALL_STATUSES,
  OUTCOMES,
  SATISFACTION,
  UNREACHED,
  type Outcome,
  type RoundStep,
  type Satisfaction,
} from '../protocol/round';
import { planQuestionnaire, type Questionnaire } from '../protocol/programs';
import { freshCall } from './draw-steps';
import {
  refuse,
  withRound,
  type HouseholdCall,
  type RoundState,
  type ShowCommand,
  type ShowResult,
  type ShowState,
} from './show-state';
import type { ReportTimer } from './timer';

/** The report timer's steps, in server time (the step's own checks; the step rules ran first). */
export function reportStep(
  state: ShowState,
  current: RoundState,
  command: Extract<
    ShowCommand,
    { type: 'startReport' | 'resumeReport' | 'pauseReport' | 'extendReport' | 'endReport' }
  >,
): ShowResult {
  const timer = current.report;
  let next: ReportTimer;
  let step: RoundStep = 'reporting';
  switch (command.type) {
    case 'startReport':
    case 'resumeReport':
      next = { ...timer, status: 'running', runningSince: command.at };
      break;
    case 'pauseReport':
      next = {
        ...timer,
        status: 'paused',
        runningSince: null,
        elapsedMs: timer.elapsedMs + (command.at - (timer.runningSince ?? command.at)),
      };
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

/** A verification call: its status, its outcome and satisfaction, or its replacement by the next alternate. */
export function householdStep(
  state: ShowState,
  current: RoundState,
  command: Extract<ShowCommand, { type: 'setCallStatus' | 'recordOutcome' | 'replaceHousehold' }>,
): ShowResult {
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
      const problem = findingProblem(command.outcome, command.satisfaction);
      if (problem) return refuse('SHOW_BAD_VALUE', problem);
      const answers = answersProblem(state, command.outcome, command.answers);
      if (!answers.ok) return answers;
      return update({
        ...call,
        outcome: command.outcome,
        satisfaction: command.outcome === UNREACHED ? null : command.satisfaction,
        answers: answers.answers,
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

/** A recorded household finding corrected with a reason (the step rules checked who may, and when). */
export function correctOutcome(
  state: ShowState,
  current: RoundState,
  command: Extract<ShowCommand, { type: 'correctOutcome' }>,
): ShowResult {
  const call = current.households.find((h) => h.number === command.household && h.replaced === null);
  if (!call) return refuse('SHOW_UNKNOWN_HOUSEHOLD', `户 ${command.household} 不是本轮当前核实的对象`);
  if (call.outcome === null) return refuse('SHOW_BAD_VALUE', `户 ${command.household} 尚未记录核实结果，无从更正`);
  const problem = findingProblem(command.outcome, command.satisfaction);
  if (problem) return refuse('SHOW_BAD_VALUE', problem);
  if (command.reason.trim().length < 2) return refuse('SHOW_BAD_VALUE', '更正须写明原因');
  const answers = answersProblem(state, command.outcome, command.answers);
  if (!answers.ok) return answers;
  const to = { outcome: command.outcome, satisfaction: command.outcome === UNREACHED ? null : command.satisfaction };
  if (
    to.outcome === call.outcome &&
    to.satisfaction === call.satisfaction &&
    sameAnswers(answers.answers, call.answers)
  ) {
    return refuse('SHOW_BAD_VALUE', '更正后的结果与已记录的相同');
  }
  const correction = {
    household: call.number,
    from: finding(call.outcome, call.satisfaction, call.answers),
    to: finding(to.outcome, to.satisfaction, answers.answers),
    reason: command.reason,
    by: command.by,
    at: command.at,
  };
  return {
    ok: true,
    state: withRound(state, {
      ...current,
      households: current.households.map((h) => (h === call ? { ...h, ...to, answers: answers.answers } : h)),
      outcomeCorrections: [...current.outcomeCorrections, correction],
    }),
    effects: [],
  };
}

/** What is wrong with an outcome and satisfaction as a finding (Chinese), or null. */
function findingProblem(outcome: Outcome, satisfaction: Satisfaction | null): string | null {
  if (!OUTCOMES.includes(outcome)) return '核实结果无效';
  if (satisfaction !== null && !SATISFACTION.includes(satisfaction)) return '满意度无效';
  if (outcome !== UNREACHED && satisfaction === null) return '已联系上的户须记录满意度';
  return null;
}

/** A finding as the log's corrections publish it: answers only when there are some (older bundles have none). */
function finding(outcome: Outcome, satisfaction: Satisfaction | null, answers: number[] | null) {
  return answers === null ? { outcome, satisfaction } : { outcome, satisfaction, answers };
}

const sameAnswers = (a: number[] | null, b: number[] | null) =>
  a === b || (a !== null && b !== null && a.length === b.length && a.every((v, i) => v === b[i]));

/**
 * The answers a finding must carry by the plan's questionnaire: reached (not 未联系上) with a
 * questionnaire of at least one question ⇒ one valid option index per question, in order;
 * otherwise none. Plans without a questionnaire (every plan before programs had versions) take no answers.
 */
export function answersProblem(
  state: ShowState,
  outcome: Outcome,
  answers: readonly number[] | undefined,
): { ok: true; answers: number[] | null } | ReturnType<typeof refuse> {
  const { questionnaire } = planQuestionnaire(state.draw.plan.program);
  const asked = outcome !== UNREACHED && questionnaire.questions.length > 0;
  if (!asked) {
    return answers === undefined
      ? { ok: true, answers: null }
      : refuse(
          'SHOW_ANSWERS_NOT_EXPECTED',
          outcome === UNREACHED ? '未联系上的户没有问卷回答' : '本场没有问卷，不应记录回答',
        );
  }
  if (answers === undefined)
    return refuse('SHOW_ANSWERS_MISSING', `已联系上的户须逐题记录问卷回答（共 ${questionnaire.questions.length} 题）`);
  const problem = answersMismatch(questionnaire, answers);
  return problem === null ? { ok: true, answers: [...answers] } : refuse('SHOW_ANSWERS_MISMATCH', problem);
}

function answersMismatch(questionnaire: Questionnaire, answers: readonly number[]): string | null {
  const questions = questionnaire.questions;
  if (answers.length !== questions.length) return `问卷共 ${questions.length} 题，收到 ${answers.length} 个回答`;
  const wrong = answers.findIndex(
    (choice, i) => !Number.isInteger(choice) || choice < 0 || choice >= (questions[i]?.options.length ?? 0),
  );
  return wrong < 0 ? null : `第 ${wrong + 1} 题的回答不是该题的选项`;
}
