import { DEFAULT_SCORING_RULES, type ScoringRules } from '../protocol/scoring';
import {
  recusedSeats,
  refuse,
  withRound,
  type RoundState,
  type ShowCommand,
  type ShowResult,
  type ShowState,
} from './show-state';

/** Judges' scores, the supervisor's recheck requests and corrections; scores in hundredths. */

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

const rulesOf = (state: ShowState) => state.draw.plan.scoring ?? DEFAULT_SCORING_RULES;

/** The scores' own checks: each item within its criterion, and the total their sum. */
function scoreProblem(state: ShowState, items: readonly number[], hundredths: number): string | null {
  return (
    invalidItems(rulesOf(state), items) ??
    (hundredths !== items.reduce((sum, v) => sum + v, 0) ? '总分与各项之和不符' : null)
  );
}

export function submitScore(
  state: ShowState,
  round: RoundState,
  command: Extract<ShowCommand, { type: 'submitScore' }>,
): ShowResult {
  if (command.round !== round.index || command.auditeeNumber !== round.auditeeNumber) {
    return refuse('SHOW_STALE_SUBMISSION', '这份评分不是针对当前正在评分的人员，已拒绝；请在当前画面重新评分');
  }
  if (!state.judges.some((j) => j.seat === command.seat))
    return refuse('SHOW_BAD_VALUE', `没有 ${command.seat} 号评委席`);
  if (recusedSeats(state, round.auditeeNumber).includes(command.seat)) {
    return refuse('SHOW_RECUSED', '本轮回避：该席位不参加本轮评分');
  }
  const items = command.items ?? [command.hundredths];
  const invalid = scoreProblem(state, items, command.hundredths);
  if (invalid) return refuse('SHOW_BAD_VALUE', invalid);
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

export function requestRecheck(state: ShowState, round: RoundState, seat: number): ShowResult {
  if (!round.scores.some((s) => s.seat === seat)) return refuse('SHOW_BAD_VALUE', `${seat} 号评委尚未提交评分`);
  if (round.rechecks.includes(seat)) return refuse('SHOW_BAD_VALUE', `已请 ${seat} 号评委复核过一次`);
  return {
    ok: true,
    state: withRound(state, { ...round, rechecks: [...round.rechecks, seat].sort((a, b) => a - b) }),
    effects: [],
  };
}

export function correctScore(
  state: ShowState,
  round: RoundState,
  command: Extract<ShowCommand, { type: 'correctScore' }>,
): ShowResult {
  const previous = round.scores.find((s) => s.seat === command.seat);
  if (!previous) return refuse('SHOW_BAD_VALUE', `${command.seat} 号评委本轮没有评分，无从更正`);
  const invalid = scoreProblem(state, command.items, command.hundredths);
  if (invalid) return refuse('SHOW_BAD_VALUE', invalid);
  if (command.reason.trim().length < 2) return refuse('SHOW_BAD_VALUE', '更正须写明原因');
  const corrected = { ...previous, hundredths: command.hundredths, items: command.items, at: command.at };
  const correction = {
    seat: command.seat,
    from: previous.hundredths,
    to: command.hundredths,
    reason: command.reason,
    at: command.at,
  };
  return {
    ok: true,
    state: withRound(state, {
      ...round,
      scores: round.scores.map((s) => (s.seat === command.seat ? corrected : s)),
      corrections: [...round.corrections, correction],
    }),
    effects: [],
  };
}

/**
 * Why the scores may not be locked yet (null: they may): every seat that should score and has not
 * must be named in `without`, the operator's second confirmation. Logs written before the desk
 * named them carry no `without` and lock as they did.
 */
export function lockJudging(state: ShowState, round: RoundState, without: readonly number[] | undefined) {
  if (without === undefined) return null;
  const unknown = without.filter((seat) => !state.judges.some((j) => j.seat === seat));
  if (unknown.length > 0) return refuse('SHOW_BAD_VALUE', `没有 ${unknown.join('、')} 号评委席`);
  const missing = missingSeats(state, round).filter((seat) => !without.includes(seat));
  if (missing.length === 0) return null;
  return refuse(
    'SHOW_SEATS_MISSING',
    `${missing.map((s) => `${s} 号`).join('、')}评委尚未提交评分：确认不等其评分后才能锁定`,
  );
}

/** Seats that should score the round (declared, not recused) and have no score yet. */
export function missingSeats(state: ShowState, round: RoundState): number[] {
  const recused = recusedSeats(state, round.auditeeNumber);
  return state.judges
    .map((j) => j.seat)
    .filter((seat) => !recused.includes(seat) && !round.scores.some((s) => s.seat === seat));
}
