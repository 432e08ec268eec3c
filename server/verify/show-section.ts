import type { DrawState } from '../draw-engine/ceremony';
import { findChainBreak, type LogEntry } from '../draw-engine/log-chain';
import type { RoundScore } from '../scoring/scoring';
import { roundScore } from '../run-of-show/round-score';
import type { Finding } from '../run-of-show/show-state';
import type { StaffRole } from '../protocol/auth';
import type { EventMode } from '../protocol/modes';
import { loggedCommand } from '../run-of-show/logged-command';
import { initialShow, transition, type JudgeSeat, type ShowState } from '../run-of-show/run-of-show';

/**
 * The show's part of a verification bundle: its hash-chained log (every command, each judge's
 * submissions by seat included), the seats' declared recusals, and each round's published result.
 * Numbers and hashes only: seats, not judges' names; household numbers, not names or phones.
 */
export interface ShowSection {
  eventId: string;
  rehearsal: boolean;
  /** The event's mode (format 2; the seal record names it too). */
  mode: EventMode;
  reportMinutes: number;
  rollSeconds: number;
  judges: JudgeSeat[];
  log: LogEntry[];
  logHead: string;
  rounds: PublishedRound[];
}

export interface PublishedRound {
  index: number;
  auditeeNumber: string;
  /** Each seat's final score (hundredths, total and per criterion) and how many versions it had. */
  scores: { seat: number; hundredths: number; items: number[]; versions: number }[];
  /** `answers`: the questionnaire's chosen options, only when recorded (plans with a questionnaire). */
  households: {
    number: string;
    outcome: string | null;
    satisfaction: string | null;
    replaced: boolean;
    answers?: number[];
  }[];
  /** The supervisor's corrections after the lock (hundredths), with reasons; the old versions stay in the log. */
  corrections: { seat: number; from: number; to: number; reason: string }[];
  /**
   * Households' findings corrected after they were recorded (both versions, with the reason and
   * who corrected them). Present only when there is one, so bundles without corrections are as before.
   */
  outcomeCorrections?: { household: string; from: Finding; to: Finding; reason: string; by: StaffRole }[];
  /** The result as published; null until the scores were revealed. */
  score: RoundScore | null;
}

/** Each round as published, computed from the show's state by the plan's scoring rules. */
export function publishedRounds(state: ShowState, log: readonly LogEntry[]): PublishedRound[] {
  return state.rounds.map((round) => ({
    index: round.index,
    auditeeNumber: round.auditeeNumber,
    scores: round.scores.map((s) => ({
      seat: s.seat,
      hundredths: s.hundredths,
      items: s.items,
      versions:
        log.filter(
          (e) =>
            e.type === 'submitScore' &&
            (e.payload as { seat?: number; round?: number }).seat === s.seat &&
            (e.payload as { round?: number }).round === round.index,
        ).length + round.corrections.filter((c) => c.seat === s.seat).length,
    })),
    corrections: round.corrections.map(({ seat, from, to, reason }) => ({ seat, from, to, reason })),
    households: round.households.map((h) => ({
      number: h.number,
      outcome: h.outcome,
      satisfaction: h.satisfaction,
      replaced: h.replaced !== null,
      ...(h.answers === null ? {} : { answers: h.answers }),
    })),
    ...(round.outcomeCorrections.length > 0
      ? { outcomeCorrections: round.outcomeCorrections.map(({ at: _at, ...correction }) => correction) }
      : {}),
    score: roundScore(state, round),
  }));
}

export type Check = (id: string, label: string, ok: boolean, detail: string) => boolean;

/**
 * Checks a show section against the sealed draw: the log's chain, a replay of every command
 * through the same run-of-show (so every score, call and replacement is a logged command that
 * was legal when it was made), and every round's result recomputed by the declared rules.
 */
export function verifyShowSection(section: ShowSection, sealed: DrawState, check: Check): DrawState | null {
  const chainBreak = findChainBreak(section.log);
  check(
    'show-log',
    '直播日志哈希链完整',
    chainBreak === null && (section.log.at(-1)?.hash ?? '') === section.logHead,
    chainBreak ? `第 ${chainBreak.seq} 条：${chainBreak.problem}` : `${section.log.length} 条，链头 ${section.logHead}`,
  );
  let state = initialShow(sealed, {
    rehearsal: section.rehearsal,
    reportMinutes: section.reportMinutes,
    rollSeconds: section.rollSeconds,
    judges: section.judges,
  });
  let replayProblem = '';
  for (const entry of section.log) {
    const command = loggedCommand(entry);
    if (command === null) {
      replayProblem = `第 ${entry.seq} 条（${entry.type}）不是直播日志规定的命令格式`;
      break;
    }
    const result = transition(state, command);
    if (!result.ok) {
      replayProblem = `第 ${entry.seq} 条（${entry.type}）不能重放：${result.message}`;
      break;
    }
    state = result.state;
  }
  check(
    'show-replay',
    '直播每一步可按规则重放',
    replayProblem === '',
    replayProblem || `${section.log.length} 条全部重放`,
  );
  if (replayProblem) return null;
  const recomputed = publishedRounds(state, section.log);
  const differing = recomputed.filter(
    (round) => !sameFigures(plain(round), plain(section.rounds.find((r) => r.index === round.index))),
  );
  check(
    'show-scores',
    '各轮评分、满意度、综合得分与等次可复算',
    differing.length === 0 && recomputed.length === section.rounds.length,
    differing.length === 0 && recomputed.length === section.rounds.length
      ? `${recomputed.length} 轮全部相符`
      : `第 ${differing.map((r) => r.index + 1).join('、') || '?'} 轮与公布的不符`,
  );
  return state.draw;
}

/** A round as JSON values (what a bundle file holds): no undefined, no prototypes. */
const plain = (round: PublishedRound | undefined): unknown =>
  round === undefined ? undefined : JSON.parse(JSON.stringify(round));

/** The result's sentences (wording can improve between versions); every figure is compared. */
const WORDING = new Set(['announcement', 'method', 'formula', 'judgesShortfall']);

/**
 * Whether every figure the bundle publishes equals the recomputed one. Only what the bundle says is
 * compared (a bundle from an earlier version, with fewer fields, still verifies when its figures
 * agree), and the result's sentences are not: they are words about the figures, not figures.
 */
function sameFigures(recomputed: unknown, published: unknown): boolean {
  if (Array.isArray(published)) {
    return (
      Array.isArray(recomputed) &&
      recomputed.length === published.length &&
      published.every((item, i) => sameFigures(recomputed[i], item))
    );
  }
  if (typeof published === 'object' && published !== null) {
    if (typeof recomputed !== 'object' || recomputed === null || Array.isArray(recomputed)) return false;
    return Object.entries(published).every(
      ([key, value]) => WORDING.has(key) || sameFigures(Reflect.get(recomputed, key), value),
    );
  }
  return recomputed === published;
}
