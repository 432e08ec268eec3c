import type { EventSettings } from '../protocol/show';
import { DEFAULT_SCORING_RULES } from '../protocol/scoring';
import type { ShowState } from '../run-of-show/run-of-show';
import { roundScore } from './round-score';

/**
 * What a closed round leaves in an auditee's audit history (审计档案): the households verified and
 * their outcomes, satisfaction, the judges' score, the combined score and tier, and who was replaced
 * before them. Scores in hundredths (integers). Rehearsals never produce these.
 */
export interface AuditRecord {
  auditeeNumber: string;
  round: number;
  /** Where the auditee stood when audited (grid and unit), for reports by 乡镇, 工作片, 村, 单位, 行业. */
  placement: Placement | null;
  households: {
    sampled: number;
    reached: number;
    /** Reached households whose satisfaction counts (不了解 does not). */
    counted: number;
    confirmed: number;
    satisfied: number;
    outcomes: { number: string; outcome: string | null; satisfaction: string | null }[];
    replaced: number;
  };
  satisfactionRateHundredths: number | null;
  responseRateHundredths: number | null;
  judgesHundredths: number | null;
  combinedHundredths: number | null;
  tier: string | null;
  /** Cadres drawn before this one in the same round and replaced, with the reason code. */
  replacedAuditees: { number: string; reason: string }[];
}

export interface Placement {
  town: string;
  area: string;
  village: string;
  unit: string;
  industry: string;
}

/** One record per round of a closed show, in round order; placement looked up by the caller. */
export function auditRecords(
  state: ShowState,
  placementOf: (auditeeNumber: string) => Placement | null = () => null,
): AuditRecord[] {
  if (state.status !== 'closed' || state.rehearsal) return [];
  return state.rounds.map((round) => {
    const score = roundScore(state, round);
    const active = round.households.filter((h) => h.replaced === null);
    return {
      auditeeNumber: round.auditeeNumber,
      round: round.index,
      placement: placementOf(round.auditeeNumber),
      households: {
        sampled: score?.households.sampled ?? active.length,
        reached: score?.households.reached ?? 0,
        counted: score?.households.counted ?? 0,
        confirmed: score?.households.confirmed ?? 0,
        satisfied: score?.households.satisfied ?? 0,
        outcomes: active.map((h) => ({ number: h.number, outcome: h.outcome, satisfaction: h.satisfaction })),
        replaced: round.households.length - active.length,
      },
      satisfactionRateHundredths: score?.households.satisfactionRateHundredths ?? null,
      responseRateHundredths: score?.households.responseRateHundredths ?? null,
      judgesHundredths: score?.judges?.finalHundredths ?? null,
      combinedHundredths: score?.combinedHundredths ?? null,
      tier: score?.tier ?? null,
      replacedAuditees: round.replacedAuditees.map((r) => ({ number: r.number, reason: r.reason })),
    };
  });
}

/** A stored history row's record; null when the row carries a plain note instead (e.g. imported). */
export function parseAuditRecord(text: string): Partial<AuditRecord> | null {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as Partial<AuditRecord>) : null;
  } catch {
    return null;
  }
}

/** Why a round needs rectification and a 回头看 (empty: it does not). */
export function shortfalls(record: Partial<AuditRecord>, lowestTier: string): string[] {
  const reasons: string[] = [];
  if (record.tier === lowestTier) reasons.push(`等次为「${lowestTier}」`);
  const households = record.households;
  if (households && households.confirmed < households.reached) {
    reasons.push(`${households.reached - households.confirmed} 户反映情况不符`);
  }
  return reasons;
}

/** The lowest tier of an event's scoring rules (its stored settings JSON; absent: the default rules). */
export function lowestTierOf(settingsJson: string | null): string {
  const settings = settingsJson ? (JSON.parse(settingsJson) as EventSettings) : null;
  return (settings?.plan.scoring ?? DEFAULT_SCORING_RULES).tiers.at(-1)?.label ?? '';
}
