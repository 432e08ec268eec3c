import type { ClientRole } from '../protocol/round';
import type { WorkRole } from '../protocol/auth';
import { CALLER_COMMANDS } from '../protocol/show-commands';
import { REVEALED_STEPS } from '../protocol/round';
import { outlook } from './outlook';
import type { EventMode, EventSettings, JudgeSetting, PublicNames } from '../protocol/events';
import type { ClaimSummary, ClaimView, ProjectedSnapshot, ShowSnapshot } from '../protocol/show-views';
import { RESOLVED } from '../protocol/registry';
import type { SignedTreeHead } from '../protocol/draw';
import { airView } from './air';
import { plannedAuditees, planQuotas } from '../protocol/draw';
import { recusedSeats, type ShowState } from './run-of-show';
import { firstDrawn, rollSettlesAt } from './show-state';
import { rollStratum } from './roll-reel';
import { roundScore } from './round-score';
import { DEFAULT_SCORING_RULES, householdScoreHundredths, outliers } from '../scoring/scoring';
import { planQuestionnaire } from '../protocol/programs';
import { maskName, maskPhone } from '../privacy';

/** What a snapshot shows of its event (fixed once the event is sealed). */
export interface SnapshotEvent {
  id: string;
  title: string;
  eventDate: string;
  venue: string;
  mode: EventMode;
  rehearsal: boolean;
  settings: EventSettings;
  /** The plan's scope in words, as the bulletin words it. */
  scope: string;
  /** The public log's signed head right after the seal leaf (null: not in the public log). */
  sealTreeHead: SignedTreeHead | null;
}

/** An auditee of the draw's roster version, as the snapshot names and places them. */
export interface AuditeeFacts {
  name: string;
  unit?: string;
  post?: string;
  town: string;
  area: string;
  village: string;
}

/** A household (contact) of an auditee, as staff reach it by phone. */
export interface ContactFacts {
  name: string;
  village: string;
  phone?: string;
}

export interface ReelEntry {
  number: string;
  name: string;
}

/** The people of the draw's roster version, looked up by number (the caller may read a store). */
export interface PeopleLookup {
  auditee: (number: string) => AuditeeFacts | undefined;
  /** Contacts are keyed by their auditee first, so the lookup names both. */
  contact: (auditeeNumber: string, number: string) => ContactFacts | undefined;
  /** A round's roll reel with unmasked names, fixed by the draw (see roll-reel). */
  reel: (round: number, drawn: string) => readonly ReelEntry[];
  /** A household's entries in the visit log the draw pinned, oldest first (absent or [] without one). */
  claims?: (contactNumber: string) => readonly ClaimView[];
}

/** What the overlay and the public see of a household's claims: counts only. */
export function claimSummary(claims: readonly ClaimView[]): ClaimSummary {
  let visits = 0;
  let needs = 0;
  let resolved = 0;
  for (const claim of claims) {
    if (claim.kind === '诉求') {
      needs += 1;
      if (claim.status === RESOLVED) resolved += 1;
    } else visits += 1;
  }
  return { visits, needs, resolved };
}

/** Who the snapshot is for. */
export interface SnapshotViewer {
  role: ClientRole;
  /** A judge's own seat (judges only). */
  judgeSeat: number | null;
  /**
   * Which staff desk (staff only): the operator places the calls; a supervisor also sees which
   * scores are outliers but phones only masked; a caller (话务员) sees the phones of the round being
   * called and nothing else; a reader (查阅) no phone.
   */
  desk: WorkRole;
  /** How the county names auditees on the public site. */
  publicAuditeeNames: PublicNames;
}

/** Where the show's log stands, and the server's time, at this snapshot. */
export interface SnapshotMoment {
  revision: number;
  logHead: string;
  serverTime: number;
  /** The show log's entries so far, oldest first (what put the program on air is found in it). */
  log: readonly { seq: number; type: string; hash: string }[];
}

type Round = ShowState['rounds'][number];
type JudgingView = ShowSnapshot['rounds'][number]['judging'];

/**
 * The state as one role sees it. All masking happens here: households' names for everyone but
 * staff, their phones for everyone but the operator (who places the calls); auditees' names on the public site when the county says so (the broadcast
 * itself shows them); judges' scores for nobody but staff before the reveal.
 */
export function projectSnapshot(
  state: ShowState,
  event: SnapshotEvent,
  people: PeopleLookup,
  viewer: SnapshotViewer,
  moment: SnapshotMoment,
): ProjectedSnapshot {
  const { settings } = event;
  const judges = settings.judges ?? [];
  const staff = viewer.role === 'staff';
  const current = state.rounds.at(-1);
  // The phones a viewer may dial: the operator's every drawn household; the caller's only those of the round being called.
  const dials = (round: Round) =>
    staff &&
    (viewer.desk === 'operator' || (viewer.desk === 'caller' && round === current && round.step === 'households'));
  const maskAuditees = viewer.role === 'public' && viewer.publicAuditeeNames === 'masked';
  const auditeeName = (name: string) => (maskAuditees ? maskName(name) : name);
  const program = state.draw.plan.program;
  const householdScoring = planQuestionnaire(program);
  const rules = state.draw.plan.scoring ?? DEFAULT_SCORING_RULES;
  return {
    eventId: event.id,
    title: event.title,
    eventDate: event.eventDate,
    venue: event.venue,
    mode: event.mode,
    rehearsal: event.rehearsal,
    status: state.status === 'sealed' ? 'sealed' : state.status,
    revision: moment.revision,
    serverTime: moment.serverTime,
    role: viewer.role,
    draw: {
      drawId: state.draw.drawId,
      rosterHash: state.draw.roster.hash,
      visitLog: state.draw.roster.visitLog
        ? {
            hash: state.draw.roster.visitLog.hash,
            entryCount: state.draw.roster.visitLog.entryCount,
            contactCount: state.draw.roster.visitLog.contactCount,
          }
        : null,
      planHash: state.draw.planHash,
      poolHash: state.draw.poolHash,
      poolSize: state.draw.pool.auditees.length,
      strata: planQuotas(settings.plan)
        .filter((q) => q.stratum !== '')
        .map((q) => ({
          name: q.stratum,
          size: state.draw.pool.auditees.filter((a) => a.stratum === q.stratum).length,
          quota: q.count,
        })),
      plannedRounds: plannedAuditees(settings.plan),
      commitment: state.draw.commitment,
      sealVersion: state.draw.sealVersion,
      sealHash: state.draw.sealHash,
      notary: state.draw.notary,
      entropy: state.draw.entropy,
      secret: state.draw.secret,
      notarySecret: state.draw.notarySecret,
      seed: state.draw.seed,
      sealTreeHead: event.sealTreeHead,
      scope: event.scope,
    },
    air: airView(state.air, moment.serverTime, moment.log),
    abandoned: state.abandoned,
    scoring: settings.plan.scoring ?? DEFAULT_SCORING_RULES,
    judgeSeats: judges.length,
    questionnaire: {
      version: program?.version ?? null,
      questions: householdScoring.questionnaire.questions,
      householdScoreRule: householdScoring.householdScoreRule,
    },
    rounds: state.rounds.map((round) => {
      const person = people.auditee(round.auditeeNumber);
      return {
        index: round.index,
        step: round.step,
        auditee: {
          number: round.auditeeNumber,
          name: auditeeName(person?.name ?? ''),
          unit: person?.unit ?? '',
          post: person?.post ?? '',
          gridPath: person ? [person.town, person.area, person.village].filter(Boolean).join(' / ') : '',
        },
        roll: {
          ...round.roll,
          settlesAt: rollSettlesAt(round),
          // The reel lands on the first drawn auditee; a replacement then shows on the card itself.
          reel: people
            .reel(round.index, firstDrawn(round))
            .map((entry) => (maskAuditees ? { ...entry, name: maskName(entry.name) } : entry)),
          stratum: rollStratum(state.draw, firstDrawn(round)),
        },
        replacedAuditees: round.replacedAuditees.map((r) => ({
          number: r.number,
          name: auditeeName(people.auditee(r.number)?.name ?? ''),
          reason: r.reason,
          startsAt: r.startsAt,
          landsAt: r.landsAt,
        })),
        report: round.report,
        households: round.households.map((h) => {
          const row = people.contact(round.auditeeNumber, h.number);
          const claims = people.claims?.(h.number) ?? [];
          return {
            number: h.number,
            name: staff ? (row?.name ?? '') : maskName(row?.name ?? ''),
            village: row?.village ?? '',
            phone: dials(round) ? (row?.phone ?? '') : maskPhone(row?.phone ?? ''),
            callStatus: h.callStatus,
            outcome: h.outcome,
            satisfaction: h.satisfaction,
            answers: staff ? h.answers : null,
            scoreHundredths: staff
              ? householdScoreHundredths({ ...h, replaced: h.replaced !== null }, rules, householdScoring)
              : null,
            replaced: h.replaced,
            corrections: round.outcomeCorrections
              .filter((c) => c.household === h.number)
              .map(({ from, reason, by }) => ({ from, reason, by })),
            claims: staff ? claims.map((c) => ({ ...c })) : [],
            claimSummary: claimSummary(claims),
          };
        }),
        judging: judgingView(state, round, judges, viewer, settings),
        revealedAt: round.revealedAt,
        score: roundScore(state, round),
      };
    }),
    logHead: moment.logHead,
    outlook: staff ? deskOutlook(state, viewer.desk) : null,
  };
}

/** What comes next, as each desk may act on it: a caller only its calls, a reader nothing. */
function deskOutlook(state: ShowState, desk: WorkRole): ShowSnapshot['outlook'] {
  if (desk === 'reader') return null;
  if (desk === 'supervisor') return outlook(state, 'supervisor');
  const next = outlook(state, 'operator');
  if (desk === 'operator') return next;
  return { ...next, open: next.open.filter((type) => CALLER_COMMANDS.includes(type)) };
}

/** Who has submitted, and the scores only where the role may see them (never another judge's before the reveal). */
function judgingView(
  state: ShowState,
  round: Round,
  judges: readonly JudgeSetting[],
  { role, judgeSeat, desk }: SnapshotViewer,
  settings: EventSettings,
): JudgingView {
  const recused = new Set(recusedSeats(state, round.auditeeNumber));
  const revealed = REVEALED_STEPS.includes(round.step);
  return {
    seats: judges.map((j) => ({
      seat: j.seat,
      name: j.name,
      recused: recused.has(j.seat),
      submitted: round.scores.some((s) => s.seat === j.seat),
    })),
    submitted: round.scores.length,
    expected: judges.filter((j) => !recused.has(j.seat)).length,
    scores:
      role === 'staff' || revealed
        ? round.scores.map(({ seat, hundredths, items }) => ({
            seat,
            score: hundredths / 100,
            items: items.map((v) => v / 100),
          }))
        : null,
    outliers:
      role === 'staff' && desk === 'supervisor'
        ? outliers(round.scores, settings.plan.scoring ?? DEFAULT_SCORING_RULES)
        : [],
    rechecks: role === 'staff' ? round.rechecks : role === 'judge' ? round.rechecks.filter((s) => s === judgeSeat) : [],
    corrections:
      role === 'staff' || revealed
        ? round.corrections.map((c) => ({ seat: c.seat, from: c.from / 100, to: c.to / 100, reason: c.reason }))
        : [],
    mine: role === 'judge' ? ownScore(round, judgeSeat) : null,
  };
}

function ownScore(round: Round, seat: number | null): { score: number; items: number[] } | null {
  const own = round.scores.find((s) => s.seat === seat);
  return own ? { score: own.hundredths / 100, items: own.items.map((v) => v / 100) } : null;
}
