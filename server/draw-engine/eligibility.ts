import { scoringRulesProblems } from '../protocol/scoring';
import { planQuotas, RISK_TIERS, stratifiesByRisk, type DrawPlan, type RiskTier } from '../protocol/draw';
import { canonicalJson } from '../draw-engine/canonical-json';
import { sortNumbers } from '../draw-engine/order';
import { sha256Hex } from '../draw-engine/sha256';

/**
 * Applies a plan's eligibility rule to a roster version and freezes the pool
 * (docs/verification.md, "Plan and pool"). Pure: rows and history in, pool out.
 */
export interface EligibilityAuditee {
  number: string;
  unit: string;
  industry: string;
  town: string;
  area: string;
  village: string;
  status: string;
}

export interface EligibilityContact {
  number: string;
  auditeeNumber: string;
  phone: string;
  consent: string;
}

export interface AuditRecord {
  auditeeNumber: string;
  /** YYYY-MM-DD */
  auditedOn: string;
  /** The round fell below its threshold (lowest tier, or households reported 不符): high risk. */
  needsRecheck?: boolean;
}

export interface PoolAuditee {
  number: string;
  /** The stratum the auditee belongs to ('' when the plan draws a total). */
  stratum: string;
  /** Eligible contact numbers, sorted. */
  contacts: string[];
}

/** The frozen pool: everything the draw may pick from, numbers only. */
export interface Pool {
  auditees: PoolAuditee[];
  /** Auditees left out by the cool-down rule (audit history is not in the roster, so it is listed). */
  coolDownExcluded: string[];
}

export interface PoolReport {
  pool: Pool;
  excluded: { filter: number; status: number; avoidance: number; coolDown: number };
  strata: { stratum: string; size: number; quota: number }[];
  contactsShort: number;
}

export class PlanError extends Error {
  constructor(
    readonly code: 'PLAN_UNKNOWN_STRATUM' | 'PLAN_QUOTA_EXCEEDS_STRATUM' | 'PLAN_POOL_TOO_SMALL' | 'PLAN_INVALID',
    message: string,
  ) {
    super(message);
    this.name = 'PlanError';
  }
}

const DAY_MS = 86_400_000;

function daysBetween(earlier: string, later: string): number {
  return Math.round((Date.parse(`${later}T00:00:00Z`) - Date.parse(`${earlier}T00:00:00Z`)) / DAY_MS);
}

/**
 * Each audited auditee's risk tier on the event date: the latest audit on or before it decides
 * (高风险 when any audit of that day fell below its threshold, else 低风险). Absent: 中风险.
 */
export function riskTiers(history: readonly AuditRecord[], eventDate: string): Map<string, RiskTier> {
  const latest = new Map<string, { on: string; high: boolean }>();
  for (const record of history) {
    if (record.auditedOn > eventDate) continue;
    const seen = latest.get(record.auditeeNumber);
    if (!seen || record.auditedOn > seen.on) {
      latest.set(record.auditeeNumber, { on: record.auditedOn, high: record.needsRecheck === true });
    } else if (record.auditedOn === seen.on && record.needsRecheck) seen.high = true;
  }
  const tiers = new Map<string, RiskTier>();
  for (const [number, { high }] of latest) tiers.set(number, high ? '高风险' : '低风险');
  return tiers;
}

export function stratumOf(
  plan: DrawPlan,
  auditee: EligibilityAuditee,
  risk: ReadonlyMap<string, RiskTier> = new Map(),
): string {
  if (plan.auditees.mode === 'total') return '';
  switch (plan.auditees.by) {
    case 'risk':
      return risk.get(auditee.number) ?? '中风险';
    case 'town':
      return auditee.town;
    case 'area':
      return `${auditee.town}/${auditee.area}`;
    case 'unit':
      return auditee.unit;
    case 'industry':
      return auditee.industry;
  }
}

function matchesGrid(prefixes: readonly (readonly string[])[], auditee: EligibilityAuditee): boolean {
  if (prefixes.length === 0) return true;
  const path = [auditee.town, auditee.area, auditee.village];
  return prefixes.some((prefix) => prefix.every((part, i) => path[i] === part));
}

/** Scoring rules are part of the plan: refused before anything is frozen (PlanError). */
export function checkScoringRules(plan: DrawPlan): void {
  const problems = plan.scoring ? scoringRulesProblems(plan.scoring) : [];
  if (problems.length > 0) throw new PlanError('PLAN_INVALID', `评分规则：${problems.join('；')}`);
}

/** The pool and report for a plan; refuses quotas the pool cannot fill (PlanError). */
export function buildPool(
  plan: DrawPlan,
  auditees: readonly EligibilityAuditee[],
  contacts: readonly EligibilityContact[],
  history: readonly AuditRecord[],
): PoolReport {
  checkScoringRules(plan);
  const selected = selectPool(plan, auditees, contacts, history);
  return { ...selected, strata: strataOf(plan, selected.pool.auditees) };
}

/** Applies the eligibility rule only, without checking the quotas. */
export function selectPool(
  plan: DrawPlan,
  auditees: readonly EligibilityAuditee[],
  contacts: readonly EligibilityContact[],
  history: readonly AuditRecord[],
): Omit<PoolReport, 'strata'> {
  const rule = plan.eligibility;
  const units = new Set(rule.units);
  const industries = new Set(rule.industries);
  const statuses = new Set<string>(rule.statuses);
  const avoided = new Set(rule.avoid.map((a) => a.number));
  const only = rule.only ? new Set(rule.only) : null;
  const recentlyAudited = new Set(
    rule.coolDownDays === 0
      ? []
      : history
          .filter((h) => {
            const age = daysBetween(h.auditedOn, plan.eventDate);
            return age >= 0 && age < rule.coolDownDays;
          })
          .map((h) => h.auditeeNumber),
  );

  const risk = stratifiesByRisk(plan) ? riskTiers(history, plan.eventDate) : new Map<string, RiskTier>();

  const contactsByAuditee = new Map<string, string[]>();
  for (const contact of contacts) {
    if (rule.contactsRequirePhone && contact.phone === '') continue;
    if (rule.contactsRequireConsent && contact.consent !== '同意') continue;
    const list = contactsByAuditee.get(contact.auditeeNumber);
    if (list) list.push(contact.number);
    else contactsByAuditee.set(contact.auditeeNumber, [contact.number]);
  }

  const excluded = { filter: 0, status: 0, avoidance: 0, coolDown: 0 };
  const coolDownExcluded: string[] = [];
  const pooled: PoolAuditee[] = [];
  for (const auditee of auditees) {
    if (
      (only !== null && !only.has(auditee.number)) ||
      !matchesGrid(rule.grid, auditee) ||
      (units.size > 0 && !units.has(auditee.unit)) ||
      (industries.size > 0 && !industries.has(auditee.industry))
    ) {
      excluded.filter += 1;
      continue;
    }
    if (!statuses.has(auditee.status)) {
      excluded.status += 1;
      continue;
    }
    if (avoided.has(auditee.number)) {
      excluded.avoidance += 1;
      continue;
    }
    if (recentlyAudited.has(auditee.number)) {
      excluded.coolDown += 1;
      coolDownExcluded.push(auditee.number);
      continue;
    }
    pooled.push({
      number: auditee.number,
      stratum: stratumOf(plan, auditee, risk),
      contacts: sortNumbers(contactsByAuditee.get(auditee.number) ?? []),
    });
  }
  pooled.sort((a, b) => (a.number < b.number ? -1 : a.number > b.number ? 1 : 0));

  return {
    pool: { auditees: pooled, coolDownExcluded: sortNumbers(coolDownExcluded) },
    excluded,
    contactsShort: pooled.filter((a) => a.contacts.length < plan.contactsPerAuditee).length,
  };
}

/** How many pooled auditees each stratum holds, in stratum order. */
export function stratumSizes(pooled: readonly PoolAuditee[]): { stratum: string; size: number }[] {
  return [...countStrata(pooled)]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([stratum, size]) => ({ stratum, size }));
}

function countStrata(pooled: readonly PoolAuditee[]): Map<string, number> {
  const sizes = new Map<string, number>();
  for (const a of pooled) sizes.set(a.stratum, (sizes.get(a.stratum) ?? 0) + 1);
  return sizes;
}

/** Stratum sizes against their quotas; refuses quotas the pool cannot fill. */
export function strataOf(plan: DrawPlan, pooled: readonly PoolAuditee[]): PoolReport['strata'] {
  const sizes = countStrata(pooled);
  const auditees = plan.auditees;
  if (auditees.mode === 'ratios') {
    const percent = auditees.ratios.reduce((sum, r) => sum + r.percent, 0);
    if (percent !== 100) throw new PlanError('PLAN_INVALID', `各层比例之和须为 100%，现为 ${percent}%`);
  }
  if (stratifiesByRisk(plan)) {
    const unknown = planQuotas(plan).find((q) => !(RISK_TIERS as readonly string[]).includes(q.stratum));
    if (unknown) {
      throw new PlanError('PLAN_UNKNOWN_STRATUM', `风险等级只有 ${RISK_TIERS.join('、')}，没有「${unknown.stratum}」`);
    }
  }
  const seen = new Set<string>();
  return planQuotas(plan).map(({ stratum, count }) => {
    if (seen.has(stratum)) throw new PlanError('PLAN_INVALID', `分层「${stratum}」重复`);
    seen.add(stratum);
    const size = sizes.get(stratum) ?? 0;
    // A declared ratio may round to nobody in a tier that is empty; a fixed quota names a real stratum.
    if (auditees.mode === 'strata' && size === 0) {
      throw new PlanError('PLAN_UNKNOWN_STRATUM', `分层「${stratum}」在抽取范围内没有可抽取的人员`);
    }
    if (count > size) {
      throw new PlanError(
        auditees.mode === 'total' ? 'PLAN_POOL_TOO_SMALL' : 'PLAN_QUOTA_EXCEEDS_STRATUM',
        `${stratum ? `分层「${stratum}」` : '抽取范围'}只有 ${size} 人，少于要抽取的 ${count} 人`,
      );
    }
    return { stratum, size, quota: count };
  });
}

/**
 * The audit history as far as a bundle publishes it (the history itself is not public): an audit on
 * the event date for each number the cool-down left out and, for risk strata, one just outside the
 * cool-down for each pooled auditee with a tier, short of its threshold when 高风险. Rebuilding the
 * pool from the roster files with it must give the published pool.
 */
export function publishedHistory(plan: DrawPlan, pool: Pool): AuditRecord[] {
  const history: AuditRecord[] = pool.coolDownExcluded.map((auditeeNumber) => ({
    auditeeNumber,
    auditedOn: plan.eventDate,
  }));
  if (!stratifiesByRisk(plan)) return history;
  const outsideCoolDown = new Date(Date.parse(`${plan.eventDate}T00:00:00Z`) - plan.eligibility.coolDownDays * DAY_MS)
    .toISOString()
    .slice(0, 10);
  for (const auditee of pool.auditees) {
    if (auditee.stratum === '中风险') continue;
    history.push({
      auditeeNumber: auditee.number,
      auditedOn: outsideCoolDown,
      needsRecheck: auditee.stratum === '高风险',
    });
  }
  return history;
}

export function planHash(plan: DrawPlan): string {
  return sha256Hex(canonicalJson(plan));
}

export function poolHash(pool: Pool): string {
  return sha256Hex(canonicalJson(pool));
}
