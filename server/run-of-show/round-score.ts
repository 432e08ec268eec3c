import { REVEALED_STEPS } from '../protocol/round';
import { DEFAULT_SCORING_RULES } from '../protocol/scoring';
import { planQuestionnaire } from '../protocol/programs';
import { scoreRound, type RoundScore } from '../scoring/scoring';
import { recusedSeats, type ShowState } from './run-of-show';

/** Seats that should score a round (declared, not recused). */
const expectedSeats = (state: ShowState, auditeeNumber: string) =>
  state.judges.map((j) => j.seat).filter((seat) => !recusedSeats(state, auditeeNumber).includes(seat));

/** A round's result by the plan's rules, once its scores are revealed (null before). */
export function roundScore(state: ShowState, round: ShowState['rounds'][number]): RoundScore | null {
  if (!REVEALED_STEPS.includes(round.step)) return null;
  return scoreRound(
    round.scores,
    round.households.map((h) => ({
      outcome: h.outcome,
      satisfaction: h.satisfaction,
      replaced: h.replaced !== null,
      answers: h.answers,
    })),
    state.draw.plan.scoring ?? DEFAULT_SCORING_RULES,
    expectedSeats(state, round.auditeeNumber),
    planQuestionnaire(state.draw.plan.program),
  );
}
