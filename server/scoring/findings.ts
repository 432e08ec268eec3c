import { AUDITEE_REPLACEMENT_REASONS, CONTACT_REPLACEMENT_REASONS } from '../protocol/draw';
import { UNREACHED, type ClientRole } from '../protocol/round';
import type { RoundView } from '../protocol/show-views';
import type { ScoringRules } from '../protocol/scoring';
import type { FindingKind } from '../protocol/results';
import { shortfalls } from '../run-of-show/audit-record';
import { maskName } from '../privacy';

/** One line of a finding: who (by number and masked name) and what. */
export interface FindingLine {
  number: string;
  /** Masked whatever the viewer's role: results are printed, projected and published. */
  name: string;
  detail: string;
}

export interface RoundFindings {
  lines: Record<FindingKind, FindingLine[]>;
  /** Why the round needs rectification (整改); empty when it does not, or has no result yet. */
  belowThreshold: string[];
  /** Nothing found: every household reached and confirmed, nobody replaced, nothing corrected. */
  clean: boolean;
}

const outcomeText = (v: { outcome: string | null; satisfaction: string | null }) =>
  [v.outcome ?? '未记录', v.satisfaction].filter(Boolean).join('，');

type HouseholdView = RoundView['households'][number];

/** A household's corrections, oldest first, each as 原 → 新（reason，who）. */
export function correctionTexts(h: HouseholdView): string[] {
  const versions = [...h.corrections.map((c) => c.from), { outcome: h.outcome, satisfaction: h.satisfaction }];
  return h.corrections.map(
    (c, i) =>
      `${outcomeText(c.from)} → ${outcomeText(versions[i + 1] as (typeof versions)[number])}（${c.reason}，${
        c.by === 'supervisor' ? '监督员' : '操作员'
      }）`,
  );
}

/**
 * What a round found, from its view for `role` (household names come out masked either way): households
 * that reported 不符 and those not reached, replaced households and cadres with their reasons, and
 * every correction with both versions. `belowThreshold` applies the rule follow-ups use (the lowest
 * tier of the rules, or a household reporting 不符), once the round has a result. Pure.
 */
export function roundFindings(round: RoundView, rules: ScoringRules, role: ClientRole): RoundFindings {
  const active = round.households.filter((h) => h.replaced === null);
  // Staff views carry full names; every other view's names were masked by the server already.
  const person = (h: { number: string; name: string }) => ({
    number: h.number,
    name: role === 'staff' ? maskName(h.name) : h.name,
  });
  const lines: Record<FindingKind, FindingLine[]> = {
    contradicted: active
      .filter((h) => h.outcome === '不符')
      .map((h) => ({ ...person(h), detail: h.satisfaction ? `反映不符，${h.satisfaction}` : '反映不符' })),
    unreached: active
      .filter((h) => h.outcome === UNREACHED)
      .map((h) => ({ ...person(h), detail: `${UNREACHED}（${h.callStatus}）` })),
    replacedHouseholds: round.households.flatMap((h) =>
      h.replaced
        ? [
            {
              ...person(h),
              detail: `${CONTACT_REPLACEMENT_REASONS[h.replaced.reason]}${h.replaced.by ? `，由 ${h.replaced.by} 递补` : ''}`,
            },
          ]
        : [],
    ),
    replacedAuditees: round.replacedAuditees.map((a) => ({
      number: a.number,
      name: a.name,
      detail: `因${AUDITEE_REPLACEMENT_REASONS[a.reason]}递补`,
    })),
    householdCorrections: round.households.flatMap((h) =>
      correctionTexts(h).map((detail) => ({ ...person(h), detail })),
    ),
    scoreCorrections: round.judging.corrections.map((c) => ({
      number: `${c.seat} 号`,
      name: round.judging.seats.find((s) => s.seat === c.seat)?.name ?? '',
      detail: `${c.from.toFixed(2)} → ${c.to.toFixed(2)}（${c.reason}）`,
    })),
  };
  const score = round.score;
  const belowThreshold = score
    ? shortfalls(
        { tier: score.tier, households: { ...score.households, outcomes: [], replaced: 0 } },
        rules.tiers.at(-1)?.label ?? '',
      )
    : [];
  return { lines, belowThreshold, clean: Object.values(lines).every((l) => l.length === 0) };
}
