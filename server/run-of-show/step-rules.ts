import { drawStepRefusal } from '../draw-engine/ceremony';
import type { StaffRole } from '../protocol/auth';
import { ROUND_STEP_LABEL, type RoundStep } from '../protocol/round';
import { LAYERS } from '../protocol/air';
import { nextAuditee, pendingCalls, refuse, type ShowCommand, type ShowRefusal, type ShowState } from './show-state';

/**
 * Why the run-of-show refuses a command of this type in this state, whatever its arguments, or
 * null when the step is open. `transition` checks this first, and `outlook` lists the open steps
 * from it, so the desk and the state machine cannot disagree about what comes next. Arguments
 * (which household, which graphic, the digits, the scores) are checked by the transition itself.
 */
export function stepRefusal(
  state: ShowState,
  type: ShowCommand['type'],
  by: StaffRole = 'operator',
): ShowRefusal | null {
  // The outputs stay under the operator's hand before the show opens and after it closes.
  if (type === 'cue' || type === 'out' || type === 'clearAll' || type === 'setBug') return null;
  if (type === 'restore') {
    return state.air.restorable === null
      ? refuse('SHOW_NOTHING_TO_RESTORE', '没有可恢复的画面：恢复只在清空画面之后可用')
      : null;
  }
  if (type === 'take') {
    const cued = LAYERS.some((layer) => state.air.layers[layer].preview !== null);
    return cued ? null : refuse('SHOW_NOTHING_CUED', '预览中没有画面可切出');
  }
  if (state.status === 'closed') return refuse('SHOW_CLOSED', '本场抽查已结束');
  // Abandoning is open until the show closes, before it opens too (a notary who cannot come); once
  // the seed is fixed the result exists, and only the notary may void it (publicly, in the log).
  if (type === 'abandon') {
    return state.draw.seed !== null && by !== 'supervisor'
      ? refuse('SHOW_WRONG_STEP', '种子已确定：只有监督员（公证员）可以作废本场，并写明原因')
      : null;
  }
  if (type === 'open') return state.status === 'sealed' ? null : refuse('SHOW_ALREADY_OPEN', '直播已开始');
  if (state.status !== 'live') return refuse('SHOW_NOT_LIVE', '请先开始直播');

  const round = state.rounds.at(-1);
  const needStep = (...steps: RoundStep[]): ShowRefusal | null => {
    if (!round) return refuse('SHOW_NO_ROUND', '本场还没有抽取人员');
    if (!steps.includes(round.step)) {
      return refuse('SHOW_WRONG_STEP', `当前步骤为「${ROUND_STEP_LABEL[round.step]}」，不能执行此操作`);
    }
    return null;
  };
  const drawRefused = (refused: ReturnType<typeof drawStepRefusal>) =>
    refused ? refuse('SHOW_DRAW_REFUSED', refused.message, refused.code) : null;
  const callsPending = (doing: string) => {
    const pending = round ? pendingCalls(round).length : 0;
    return pending > 0
      ? refuse('SHOW_CALLS_PENDING', `还有 ${pending} 户未完成核实（记录结果或递补后才能${doing}）`)
      : null;
  };

  switch (type) {
    case 'lockEntropy':
    case 'reveal':
    case 'revealNotary':
      return drawRefused(drawStepRefusal(state.draw, type));
    case 'drawAuditee':
      if (round && round.step !== 'result') {
        return refuse('SHOW_WRONG_STEP', `上一轮尚未结束（当前：${ROUND_STEP_LABEL[round.step]}）`);
      }
      // The first round executes the auditee stage once; later rounds present its next picks.
      if (state.draw.auditeeStages === null) return drawRefused(drawStepRefusal(state.draw, 'drawAuditees'));
      return nextAuditee(state) === undefined ? refuse('SHOW_NO_MORE_AUDITEES', '方案规定的人员已全部抽取完毕') : null;
    case 'presentAuditee':
      return needStep('drawing');
    case 'replaceAuditee':
      return needStep('drawing', 'presented');
    case 'startReport':
      return needStep('presented');
    case 'pauseReport':
      return (
        needStep('reporting') ?? (round?.report.status === 'running' ? null : refuse('SHOW_TIMER', '计时未在进行'))
      );
    case 'resumeReport':
      return needStep('reporting') ?? (round?.report.status === 'paused' ? null : refuse('SHOW_TIMER', '计时未暂停'));
    case 'extendReport':
    case 'endReport':
      return needStep('reporting');
    case 'drawHouseholds':
      // A check without judges may go to the households without a timed report.
      return state.judges.length === 0 ? needStep('presented', 'reported') : needStep('reported');
    case 'setCallStatus':
    case 'recordOutcome':
    case 'replaceHousehold':
      return needStep('households');
    case 'correctOutcome':
      return correctionRefusal(state, by, needStep);
    case 'finishRound':
      if (state.judges.length > 0) return refuse('SHOW_WRONG_STEP', '本场设有评委，须经评分后显示本轮结果');
      return needStep('households') ?? callsPending('结束本轮');
    case 'openJudging':
      return needStep('households') ?? callsPending('开始评分');
    case 'lockJudging':
      return needStep('judging');
    case 'revealScores':
      return needStep('judging-locked');
    case 'showResult':
      return needStep('scores-revealed');
    case 'submitScore':
      return round?.step === 'judging' ? null : refuse('SHOW_JUDGING_CLOSED', '评分未开放或已锁定，本次提交未被接受');
    case 'requestRecheck':
      return round?.step === 'judging' ? null : refuse('SHOW_JUDGING_CLOSED', '只能在评分进行中、锁定之前请评委复核');
    case 'correctScore':
      return round?.step === 'judging-locked'
        ? null
        : refuse('SHOW_WRONG_STEP', '评分更正只能在锁定之后、公布之前由监督员进行');
    case 'close':
      // A show ends with its secret public, so its bundle can be verified.
      if (state.draw.seed === null) return refuse('SHOW_WRONG_STEP', '须先锁定公开随机数并公开密钥，才能结束');
      return round && round.step !== 'result'
        ? refuse('SHOW_WRONG_STEP', `本轮尚未结束（当前：${ROUND_STEP_LABEL[round.step]}），不能结束直播`)
        : null;
  }
}

/**
 * When a recorded household finding may be corrected: by the operator until the round's result is
 * published (the scores revealed; in a check without judges, the round finished); after that only
 * by the supervisor, on the current round until the next draw. Either way with a reason, and both
 * versions stay in the log.
 */
function correctionRefusal(
  state: ShowState,
  by: StaffRole,
  needStep: (...steps: RoundStep[]) => ShowRefusal | null,
): ShowRefusal | null {
  const judged = state.judges.length > 0;
  const unpublished: RoundStep[] = judged ? ['households', 'judging', 'judging-locked'] : ['households'];
  const published: RoundStep[] = judged ? ['scores-revealed', 'result'] : ['result'];
  if (by === 'supervisor') return needStep(...unpublished, ...published);
  const step = state.rounds.at(-1)?.step;
  if (step !== undefined && published.includes(step)) {
    return refuse('SHOW_WRONG_STEP', '本轮结果已公布：核实结果只能由监督员更正，并写明原因');
  }
  return needStep(...unpublished);
}
