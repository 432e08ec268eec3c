import { activeSelections, type DrawCommand, type DrawState } from '../draw-engine/ceremony';
import type { StaffRole } from '../protocol/auth';
import type { AuditeeReplacementReason, ContactReplacementReason } from '../protocol/draw';
import type { ErrorCode } from '../protocol/errors';
import type { CallStatus, Graphic, Outcome, RoundStep, Satisfaction } from '../protocol/round';
import type { Layer } from '../protocol/air';
import type { LoggedShowCommand } from '../protocol/show-commands';
import type { ReportTimer } from './timer';

/** The state of a show, round by round, as the run-of-show's transitions build it. */
export type ShowStatus = 'sealed' | 'live' | 'closed';

export interface HouseholdCall {
  number: string;
  callStatus: CallStatus;
  outcome: Outcome | null;
  satisfaction: Satisfaction | null;
  /** The chosen option per question of the plan's questionnaire; null when none were recorded. */
  answers: number[] | null;
  replaced: { reason: ContactReplacementReason; by: string | null } | null;
}

export interface RoundState {
  index: number;
  auditeeNumber: string;
  step: RoundStep;
  /** The roll animation, scheduled in server time; the result is decided before it starts. */
  roll: { startsAt: number; landsAt: number };
  /**
   * Drawn auditees replaced by the next alternate, in order. Each replacement has its own short
   * motion on the roll card (REPLACEMENT_TIMING), scheduled after the roll and any earlier one.
   */
  replacedAuditees: { number: string; reason: AuditeeReplacementReason; startsAt: number; landsAt: number }[];
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
  /** Households' recorded outcomes corrected later, with the reason and who corrected them. */
  outcomeCorrections: OutcomeCorrection[];
}

/** A household's finding as recorded: the outcome and, when reached, the satisfaction. */
export interface Finding {
  outcome: Outcome;
  satisfaction: Satisfaction | null;
  /** The questionnaire's answers, only when the plan has questions and the household was reached. */
  answers?: number[];
}

export interface OutcomeCorrection {
  household: string;
  from: Finding;
  to: Finding;
  reason: string;
  by: StaffRole;
  at: number;
}

/** A judge's seat and the auditees the judge must not score (回避). */
export interface JudgeSeat {
  seat: number;
  recusals: string[];
}

/** A graphic of a round (or of the whole show when round is null), with a strap's or slate's text. */
export interface GraphicCue {
  graphic: Graphic;
  round: number | null;
  text: string | null;
}

/** A graphic on air: until `outAt` (server ms) when it was taken with an auto-out time. */
export interface OnAir extends GraphicCue {
  outAt: number | null;
}

/** A graphic cued to its layer's preview, with the auto-out time it will be taken with. */
export interface Cued extends GraphicCue {
  autoOutSeconds: number | null;
}

export interface LayerState {
  program: OnAir | null;
  preview: Cued | null;
}

/**
 * What the outputs show, layer by layer (protocol/air.ts): each layer's graphic on air (program)
 * and cued (preview). Steps put their own graphic on air on its layer (the step's button is the
 * take); any other graphic is cued, then taken. `restorable`: what the panic cleared, for 恢复.
 */
export interface AirState {
  layers: Record<Layer, LayerState>;
  restorable: Partial<Record<Layer, OnAir>> | null;
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
  /** Set when the show was abandoned (作废), with the reason; the show is closed with it. */
  abandoned: { reason: string } | null;
}

/** A command as the run-of-show applies it and the show log records it (declared in the protocol). */
export type ShowCommand = LoggedShowCommand;

/** The run-of-show's refusals: a typed subset of the one error catalogue. */
export type ShowErrorCode = Extract<
  ErrorCode,
  | 'SHOW_NOT_LIVE'
  | 'SHOW_ALREADY_OPEN'
  | 'SHOW_CLOSED'
  | 'SHOW_WRONG_STEP'
  | 'SHOW_ANSWERS_MISSING'
  | 'SHOW_ANSWERS_MISMATCH'
  | 'SHOW_ANSWERS_NOT_EXPECTED'
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
  | 'SHOW_NOTHING_CUED'
  | 'SHOW_LAYER_EMPTY'
  | 'SHOW_NOTHING_TO_RESTORE'
  | 'SHOW_SEATS_MISSING'
>;

/** What the server broadcasts beyond the new state: animation cues, notes for the log. */
export type ShowEffect =
  /** A draw ceremony command the transition applied: the draw's own log records it too. */
  | { type: 'draw'; command: DrawCommand }
  | { type: 'rollCue'; round: number; auditeeNumber: string; startsAt: number; landsAt: number }
  | { type: 'timer'; round: number; timer: ReportTimer }
  | { type: 'closed'; at: number };

export type ShowRefusal = { ok: false; code: ShowErrorCode; message: string; drawCode?: string };
export type ShowResult = { ok: true; state: ShowState; effects: ShowEffect[] } | ShowRefusal;

export const refuse = (code: ShowErrorCode, message: string, drawCode?: string): ShowRefusal => ({
  ok: false,
  code,
  message,
  ...(drawCode ? { drawCode } : {}),
});

/** The state with one round replaced by its new version. */
export function withRound(state: ShowState, round: RoundState): ShowState {
  return { ...state, rounds: state.rounds.map((r) => (r.index === round.index ? round : r)) };
}

/** Seats that sit out a round because of a declared conflict with its auditee (本轮回避). */
export function recusedSeats(state: ShowState, auditeeNumber: string): number[] {
  return state.judges.filter((j) => j.recusals.includes(auditeeNumber)).map((j) => j.seat);
}

/** Households of a round still waiting for an outcome (not replaced, nothing recorded). */
export function pendingCalls(round: RoundState): HouseholdCall[] {
  return round.households.filter((h) => h.replaced === null && h.outcome === null);
}

/** The auditees in the order the show presents them: each stratum's current picks, by position. */
export function presentationQueue(draw: DrawState): string[] {
  return (draw.auditeeStages ?? []).flatMap((stage) =>
    [...activeSelections(stage.selections)].sort((a, b) => a.position - b.position).map((s) => s.number),
  );
}

/** The next auditee to present: the first of the queue not shown yet (undefined when none is left). */
/** When the roll card settles on the round's current auditee: after the roll and every replacement. */
export function rollSettlesAt(round: Pick<RoundState, 'roll' | 'replacedAuditees'>): number {
  return round.replacedAuditees.at(-1)?.landsAt ?? round.roll.landsAt;
}

/** The auditee the round's roll landed on first (before any replacement). */
export function firstDrawn(round: Pick<RoundState, 'auditeeNumber' | 'replacedAuditees'>): string {
  return round.replacedAuditees[0]?.number ?? round.auditeeNumber;
}

export function nextAuditee(state: ShowState, draw: DrawState = state.draw): string | undefined {
  const shown = new Set(state.rounds.map((r) => r.auditeeNumber));
  return presentationQueue(draw).find((number) => !shown.has(number));
}
