import { ENTROPY_PATTERN } from '$protocol/draw';
import {
  IRREVERSIBLE_COMMANDS,
  ROUND_STEPS,
  ROUND_STEP_LABEL,
  type RoundView,
  type ShowCommandBody,
  type ShowSnapshot,
} from '$protocol/show';

/** The desk's one large button: what the show needs next, and why it may not be ready. */
export interface NextAction {
  command: ShowCommandBody;
  label: string;
  /** Needs a deliberate hold before it is sent (draws, reveals, closing). */
  irreversible: boolean;
  /** Why it cannot be sent yet (the button is shown, disabled, with this reason). */
  blocked: string | null;
}

const action = (command: ShowCommandBody, label: string, blocked: string | null = null): NextAction => ({
  command,
  label,
  irreversible: IRREVERSIBLE_COMMANDS.has(command.type),
  blocked,
});

/** Households still waiting for an outcome (not replaced, nothing recorded). */
export function pendingCalls(round: RoundView): number {
  return round.households.filter((h) => h.replaced === null && h.outcome === null).length;
}

/**
 * The next step of the run-of-show from a staff snapshot, as the operator would take it. The
 * entropy typed by the notary is an input: the lock is offered only with valid digits. `now` is
 * server time, for the roll that must land before the auditee is confirmed.
 */
export function nextAction(snapshot: ShowSnapshot, input: { entropy: string; now: number }): NextAction | null {
  if (snapshot.status === 'closed') return null;
  if (snapshot.status === 'sealed') return action({ type: 'open' }, '开始直播');
  if (snapshot.draw.entropy === null) {
    const entropy = input.entropy.replace(/\s+/gu, '');
    return action(
      { type: 'lockEntropy', entropy },
      '锁定公开随机数',
      ENTROPY_PATTERN.test(entropy) ? null : '请先输入至少 20 位数字的公开随机数',
    );
  }
  if (snapshot.draw.secret === null) return action({ type: 'reveal' }, '公开密钥');
  const round = snapshot.rounds.at(-1);
  const nextRound = snapshot.rounds.length + 1;
  if (!round || round.step === 'result') {
    if (snapshot.rounds.length >= snapshot.draw.plannedRounds) return action({ type: 'close' }, '结束直播');
    return action({ type: 'drawAuditee' }, `摇号抽取第 ${nextRound} 名`);
  }
  switch (round.step) {
    case 'drawing':
      return action(
        { type: 'presentAuditee' },
        '确认人员到场',
        input.now < round.roll.landsAt ? '摇号动画进行中' : null,
      );
    case 'presented':
      // A check without judges goes straight to the households (no timed report).
      return snapshot.judgeSeats === 0
        ? action({ type: 'drawHouseholds' }, '抽取核实户')
        : action({ type: 'startReport' }, '开始述职计时');
    case 'reporting':
      return action({ type: 'endReport' }, '结束述职');
    case 'reported':
      return action({ type: 'drawHouseholds' }, '抽取核实户');
    case 'households': {
      const pending = pendingCalls(round);
      const blocked = pending > 0 ? `还有 ${pending} 户未记录核实结果` : null;
      return snapshot.judgeSeats === 0
        ? action({ type: 'finishRound' }, '完成本轮核实', blocked)
        : action({ type: 'openJudging' }, '开始评分', blocked);
    }
    case 'judging':
      return action({ type: 'lockJudging' }, '锁定评分', round.judging.submitted === 0 ? '还没有评委提交评分' : null);
    case 'judging-locked':
      return action({ type: 'revealScores' }, '公布评分');
    case 'scores-revealed':
      return action({ type: 'showResult' }, '显示本轮结果');
  }
  return null;
}

export type RundownState = 'done' | 'current' | 'todo';
export interface RundownItem {
  id: string;
  label: string;
  state: RundownState;
  /** Round items: the round they belong to (0-based). */
  round: number | null;
}

const ROUND_STEPS_SHOWN: { step: RoundView['step']; label: string }[] = [
  { step: 'drawing', label: '摇号抽取' },
  { step: 'presented', label: '人员到场' },
  { step: 'reporting', label: '述职' },
  { step: 'households', label: '电话核实' },
  { step: 'judging', label: '评委评分' },
  { step: 'scores-revealed', label: '公布评分' },
  { step: 'result', label: '本轮结果' },
];
const STEP_ORDER: readonly string[] = ROUND_STEPS;

/** The run-of-show as a list: what is done, where the show is, what is still to come. */
export function rundown(snapshot: ShowSnapshot): RundownItem[] {
  const items: RundownItem[] = [];
  const opened = snapshot.status !== 'sealed';
  const closed = snapshot.status === 'closed';
  const entropy = snapshot.draw.entropy !== null;
  const revealed = snapshot.draw.secret !== null;
  const mark = (done: boolean, current: boolean): RundownState => (done ? 'done' : current ? 'current' : 'todo');
  items.push({ id: 'open', label: '开始直播', state: mark(opened, !opened), round: null });
  items.push({ id: 'entropy', label: '公开随机数', state: mark(entropy, opened && !entropy), round: null });
  items.push({ id: 'reveal', label: '公开密钥', state: mark(revealed, entropy && !revealed), round: null });
  const total = Math.max(snapshot.draw.plannedRounds, snapshot.rounds.length);
  // A check without judges has no report or judging: draw, present, call, result.
  const shownSteps =
    snapshot.judgeSeats === 0
      ? ROUND_STEPS_SHOWN.filter(
          (s) => s.step === 'drawing' || s.step === 'presented' || s.step === 'households' || s.step === 'result',
        )
      : ROUND_STEPS_SHOWN;
  for (let index = 0; index < total; index += 1) {
    const round = snapshot.rounds[index];
    const at = round ? STEP_ORDER.indexOf(round.step) : -1;
    const finished = round?.step === 'result';
    const waiting =
      round === undefined &&
      revealed &&
      index === snapshot.rounds.length &&
      (index === 0 || snapshot.rounds[index - 1]?.step === 'result');
    for (const shown of shownSteps) {
      const position = STEP_ORDER.indexOf(shown.step);
      const nextShown = shownSteps[shownSteps.indexOf(shown) + 1];
      const nextPosition = nextShown ? STEP_ORDER.indexOf(nextShown.step) : STEP_ORDER.length;
      let state: RundownState = 'todo';
      if (finished) state = 'done';
      else if (round) state = at >= nextPosition ? 'done' : at >= position ? 'current' : 'todo';
      else if (waiting && shown.step === 'drawing') state = 'current';
      items.push({ id: `r${index}-${shown.step}`, label: `第 ${index + 1} 轮 · ${shown.label}`, state, round: index });
    }
  }
  const allDone = snapshot.rounds.length >= snapshot.draw.plannedRounds && snapshot.rounds.at(-1)?.step === 'result';
  items.push({ id: 'close', label: '结束直播', state: mark(closed, allDone && !closed), round: null });
  return items;
}

/** The step of a round in words. */
export function stepLabel(round: RoundView): string {
  return ROUND_STEP_LABEL[round.step];
}
