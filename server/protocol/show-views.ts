import { Type, type Static } from '@sinclair/typebox';
import { RoleSchema } from './auth';
import { AuditeeReasonSchema, ContactReasonSchema, NotaryCommitmentSchema, SignedTreeHeadSchema } from './draw';
import { EventModeSchema, EventStatusSchema } from './events';
import {
  CallStatusSchema,
  ClientRoleSchema,
  OutcomeSchema,
  ReportStatusSchema,
  RoundStepSchema,
  SatisfactionSchema,
} from './round';
import { OutlookSchema } from './outlook';
import { VisitKindSchema, VisitStatusSchema } from './registry';
import { AirViewSchema } from './air';
import { JudgesRuleSchema, ScoredAnswerSchema, ScoringRulesSchema } from './scoring';
import { LoggedCommandTypeSchema } from './show-commands';
import { HouseholdScoreRuleSchema, QuestionnaireSchema } from './programs';

/** The snapshot: everything a client renders, for its role, at one revision. */

/**
 * One entry of the visit log the draw pinned (走访记录/民情台账): what the cadre recorded for this
 * household, which the caller checks on the phone. Staff only: the texts may name private people.
 */
export const ClaimViewSchema = Type.Object({
  date: Type.String(),
  kind: VisitKindSchema,
  asked: Type.String(),
  done: Type.String(),
  /** Null for a visit that recorded none. */
  status: Type.Union([VisitStatusSchema, Type.Null()]),
});
export type ClaimView = Static<typeof ClaimViewSchema>;

/** The claims in counts, all that the overlay and the public see: visits, needs, needs resolved. */
export const ClaimSummarySchema = Type.Object({
  visits: Type.Integer({ minimum: 0 }),
  needs: Type.Integer({ minimum: 0 }),
  resolved: Type.Integer({ minimum: 0 }),
});
export type ClaimSummary = Static<typeof ClaimSummarySchema>;

/** The summary in words, as the overlay and the public page show it: 走访 3 次 · 诉求 2 件（已解决 1）. */
export function claimSummaryText({ visits, needs, resolved }: ClaimSummary): string {
  if (visits === 0 && needs === 0) return '—';
  const parts = [`走访 ${visits} 次`];
  if (needs > 0) parts.push(`诉求 ${needs} 件（已解决 ${resolved}）`);
  return parts.join(' · ');
}

const HouseholdViewSchema = Type.Object({
  number: Type.String(),
  /** Masked (张*三) for everyone but staff. */
  name: Type.String(),
  village: Type.String(),
  /** Masked (138****1234) for everyone but staff. */
  phone: Type.String(),
  callStatus: CallStatusSchema,
  outcome: Type.Union([OutcomeSchema, Type.Null()]),
  satisfaction: Type.Union([SatisfactionSchema, Type.Null()]),
  /** The questionnaire's chosen option per question (staff only; null for others and when none). */
  answers: Type.Union([Type.Array(Type.Integer()), Type.Null()]),
  /** The household's own score by the plan's rule, in hundredths (staff only; null when it does not count). */
  scoreHundredths: Type.Union([Type.Integer(), Type.Null()]),
  replaced: Type.Union([
    Type.Object({ reason: ContactReasonSchema, by: Type.Union([Type.String(), Type.Null()]) }),
    Type.Null(),
  ]),
  /** Earlier findings corrected since, oldest first, with the reason and who corrected them. */
  corrections: Type.Array(
    Type.Object({
      from: Type.Object({
        outcome: OutcomeSchema,
        satisfaction: Type.Union([SatisfactionSchema, Type.Null()]),
        answers: Type.Optional(Type.Array(Type.Integer())),
      }),
      reason: Type.String(),
      by: RoleSchema,
    }),
  ),
  /** The pinned visit log's entries for this household, oldest first: staff only, [] for everyone else. */
  claims: Type.Array(ClaimViewSchema),
  claimSummary: ClaimSummarySchema,
});

const AuditeeViewSchema = Type.Object({
  number: Type.String(),
  name: Type.String(),
  unit: Type.String(),
  post: Type.String(),
  gridPath: Type.String(),
});

/**
 * The scoring of a round, computed on the server by the scoring rules (see server/scoring), with
 * every number that enters the combined score, so a viewer can redo the sum from what is shown.
 */
const RoundScoreViewSchema = Type.Object({
  judges: Type.Union([
    Type.Object({
      counted: Type.Array(Type.Integer()),
      droppedHigh: Type.Array(Type.Integer()),
      droppedLow: Type.Array(Type.Integer()),
      rule: JudgesRuleSchema,
      method: Type.String(),
      finalHundredths: Type.Integer(),
      announcement: Type.String(),
    }),
    Type.Null(),
  ]),
  /** 评委人数不足…: judges scored, but fewer than the rules require. */
  judgesShortfall: Type.Union([Type.String(), Type.Null()]),
  households: Type.Object({
    sampled: Type.Integer(),
    reached: Type.Integer(),
    counted: Type.Integer(),
    satisfied: Type.Integer(),
    confirmed: Type.Integer(),
    /** Reached, but 不了解 or no answer: not counted. */
    uncounted: Type.Integer(),
    /** How many gave each answer that earns points, and its points by the plan. */
    answers: Type.Array(Type.Object({ answer: ScoredAnswerSchema, count: Type.Integer(), points: Type.Integer() })),
    /** The counted answers' points added up (whole points). */
    pointsTotal: Type.Integer(),
    satisfactionRateHundredths: Type.Union([Type.Integer(), Type.Null()]),
    responseRateHundredths: Type.Union([Type.Integer(), Type.Null()]),
    scoreHundredths: Type.Union([Type.Integer(), Type.Null()]),
    /** (满意 1 户×100 + …) ÷ 3 户 = 76.67 */
    formula: Type.Union([Type.String(), Type.Null()]),
    /** Under the questionnaire rule only: the points earned and possible, and each option's count. */
    questionnaire: Type.Optional(
      Type.Object({
        possiblePoints: Type.Integer(),
        earnedTotal: Type.Integer(),
        questions: Type.Array(
          Type.Object({ options: Type.Array(Type.Object({ count: Type.Integer(), points: Type.Integer() })) }),
        ),
      }),
    ),
  }),
  combinedHundredths: Type.Union([Type.Integer(), Type.Null()]),
  /** The weights applied (percent) and the sum as read: 88.75 × 60% + 76.67 × 40% = 83.92. */
  combination: Type.Union([
    Type.Object({ judgesWeight: Type.Integer(), householdsWeight: Type.Integer(), formula: Type.String() }),
    Type.Null(),
  ]),
  tier: Type.Union([Type.String(), Type.Null()]),
});
export type RoundScoreView = Static<typeof RoundScoreViewSchema>;

/** Judging of a round as a role may see it: scores only for staff, and for all after the reveal. */
const JudgingViewSchema = Type.Object({
  seats: Type.Array(
    Type.Object({ seat: Type.Integer(), name: Type.String(), recused: Type.Boolean(), submitted: Type.Boolean() }),
  ),
  submitted: Type.Integer(),
  expected: Type.Integer(),
  scores: Type.Union([
    Type.Array(Type.Object({ seat: Type.Integer(), score: Type.Number(), items: Type.Array(Type.Number()) })),
    Type.Null(),
  ]),
  /** Seats whose score is far from the panel's median (supervisor only; never on air). */
  outliers: Type.Array(Type.Integer()),
  /** Seats the supervisor asked to recheck (a judge sees only whether they were asked). */
  rechecks: Type.Array(Type.Integer()),
  /** Corrections after the lock, by the supervisor, with reasons (staff, and everyone after the reveal). */
  corrections: Type.Array(
    Type.Object({ seat: Type.Integer(), from: Type.Number(), to: Type.Number(), reason: Type.String() }),
  ),
  /** A judge's own current score (judges only), total and per criterion. */
  mine: Type.Union([Type.Object({ score: Type.Number(), items: Type.Array(Type.Number()) }), Type.Null()]),
});

export const RoundViewSchema = Type.Object({
  index: Type.Integer(),
  step: RoundStepSchema,
  auditee: AuditeeViewSchema,
  /**
   * The roll, scheduled in server time. The reel is a sample of the real pool, fixed by the draw,
   * ending on the drawn auditee: every output shows the same frame at the same moment.
   */
  roll: Type.Object({
    startsAt: Type.Number(),
    /** The reel lands on the round's first drawn auditee. */
    landsAt: Type.Number(),
    /** The card settles on the current auditee: after the roll and every replacement's motion. */
    settlesAt: Type.Number(),
    reel: Type.Array(Type.Object({ number: Type.String(), name: Type.String() })),
    /** The stratum being drawn and its size (null when the plan draws a total from the whole pool). */
    stratum: Type.Union([Type.Object({ name: Type.String(), size: Type.Integer() }), Type.Null()]),
  }),
  /** Drawn auditees replaced in order, each with its motion on the roll card (REPLACEMENT_TIMING). */
  replacedAuditees: Type.Array(
    Type.Object({
      number: Type.String(),
      name: Type.String(),
      reason: AuditeeReasonSchema,
      startsAt: Type.Number(),
      landsAt: Type.Number(),
    }),
  ),
  report: Type.Object({
    durationMs: Type.Number(),
    status: ReportStatusSchema,
    runningSince: Type.Union([Type.Number(), Type.Null()]),
    elapsedMs: Type.Number(),
  }),
  households: Type.Array(HouseholdViewSchema),
  judging: JudgingViewSchema,
  /** Server time the scores were revealed; outputs show them in turn from then (REVEAL_TIMING). */
  revealedAt: Type.Union([Type.Number(), Type.Null()]),
  /** Computed from the published scores once they are revealed (null before). */
  score: Type.Union([RoundScoreViewSchema, Type.Null()]),
});
export type RoundView = Static<typeof RoundViewSchema>;

/** Everything a client renders, for its role, at one revision. */
export const ShowSnapshotSchema = Type.Object({
  eventId: Type.String(),
  title: Type.String(),
  eventDate: Type.String(),
  venue: Type.String(),
  mode: EventModeSchema,
  rehearsal: Type.Boolean(),
  status: EventStatusSchema,
  revision: Type.Integer(),
  serverTime: Type.Number(),
  role: ClientRoleSchema,
  draw: Type.Object({
    drawId: Type.String(),
    rosterHash: Type.String(),
    /** The visit log pinned with the roster (走访记录): hash and counts only, as the bundle has them. */
    visitLog: Type.Union([
      Type.Object({ hash: Type.String(), entryCount: Type.Integer(), contactCount: Type.Integer() }),
      Type.Null(),
    ]),
    planHash: Type.String(),
    poolHash: Type.String(),
    poolSize: Type.Integer(),
    /** A stratified or ratio draw's strata, in the plan's order: pool size and quota (empty for a total). */
    strata: Type.Array(Type.Object({ name: Type.String(), size: Type.Integer(), quota: Type.Integer() })),
    /** How many auditees the plan draws: the number of rounds of the show. */
    plannedRounds: Type.Integer(),
    commitment: Type.String(),
    /** 1: server secret only; 2: the seal binds the notary, the show and the public log (seed v2). */
    sealVersion: Type.Union([Type.Literal(1), Type.Literal(2)]),
    /** The seal record's log hash: the first input of a format-2 seed ('' in format 1). */
    sealHash: Type.String(),
    /** The notary's commitment as sealed, and whether a rehearsal simulated it (null: single-party). */
    notary: Type.Union([NotaryCommitmentSchema, Type.Null()]),
    entropy: Type.Union([Type.String(), Type.Null()]),
    secret: Type.Union([Type.String(), Type.Null()]),
    /** The notary's secret once revealed (a simulated one with the server's). */
    notarySecret: Type.Union([Type.String(), Type.Null()]),
    seed: Type.Union([Type.String(), Type.Null()]),
    /** The public log's signed head right after the seal leaf: what the bulletin prints. */
    sealTreeHead: Type.Union([SignedTreeHeadSchema, Type.Null()]),
    /** The plan's scope in words (which part of the county, units, industries). */
    scope: Type.String(),
  }),
  /** What the outputs show, layer by layer: on air (program) and cued (preview). */
  air: AirViewSchema,
  /**
   * Public links of this draw at the configured public origin (the verify page, drawn as a QR code
   * on air); null where the server has no public origin (the command-line scripts).
   */
  links: Type.Object({ verify: Type.Union([Type.String(), Type.Null()]) }),
  /** Set when the show was abandoned (作废): it is closed, and a new draw must be sealed. */
  abandoned: Type.Union([Type.Object({ reason: Type.String() }), Type.Null()]),
  rounds: Type.Array(RoundViewSchema),
  /** Judges' seats of the event (0: a check without judges, whose rounds end after the calls). */
  judgeSeats: Type.Integer(),
  /** How rounds are scored (declared in the plan): criteria for the tablets, rules for everyone. */
  scoring: ScoringRulesSchema,
  /**
   * The sealed plan's program version, call questionnaire and household-score rule (plans sealed
   * before programs had versions: version null, no questions, rule satisfaction).
   */
  questionnaire: Type.Object({
    version: Type.Union([Type.Integer(), Type.Null()]),
    questions: QuestionnaireSchema.properties.questions,
    householdScoreRule: HouseholdScoreRuleSchema,
  }),
  logHead: Type.String(),
  /** What comes next, as the run-of-show says (staff only: the desk renders it). */
  outlook: Type.Union([OutlookSchema, Type.Null()]),
});
export type ShowSnapshot = Static<typeof ShowSnapshotSchema>;
/** The snapshot as the pure projection builds it: the links are added by the runner, which knows the origin. */
export type ProjectedSnapshot = Omit<ShowSnapshot, 'links'>;

/** One accepted command of the show log as the console's event log lists it (staff only). */
export const EventLogEntrySchema = Type.Object({
  seq: Type.Integer(),
  at: Type.String(),
  actor: Type.String(),
  type: LoggedCommandTypeSchema,
  /** What happened, in Chinese. */
  text: Type.String(),
  hash: Type.String(),
});
export type EventLogEntry = Static<typeof EventLogEntrySchema>;
