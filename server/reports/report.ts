import type { AuditRecord } from '../run-of-show/audit-record';
import type { Report, ReportFigures, ReportQuery } from '../protocol/reports';
import { DEFAULT_SCORING_RULES } from '../protocol/scoring';

/** One row of audit history as the report reads it. */
export interface HistoryRow {
  auditedOn: string;
  mode: string;
  eventId: string;
  record: Partial<AuditRecord>;
}

/** a / b in hundredths of a percent, rounded half up; null when b is 0. */
export function rate(a: number, b: number): number | null {
  return b === 0 ? null : Math.floor((a * 10_000 * 2 + b) / (2 * b));
}

/** The integer mean, rounded half up; null for no values. */
function mean(values: number[]): number | null {
  if (values.length === 0) return null;
  const sum = values.reduce((s, v) => s + v, 0);
  return Math.floor((sum * 2 + values.length) / (2 * values.length));
}

export function figures(rows: readonly HistoryRow[]): ReportFigures {
  let households = 0;
  let reached = 0;
  let confirmed = 0;
  let counted = 0;
  let satisfied = 0;
  const judges: number[] = [];
  const combined: number[] = [];
  const tiers: Record<string, number> = {};
  for (const { record } of rows) {
    households += record.households?.sampled ?? 0;
    reached += record.households?.reached ?? 0;
    confirmed += record.households?.confirmed ?? 0;
    counted += record.households?.counted ?? 0;
    satisfied += record.households?.satisfied ?? 0;
    if (typeof record.judgesHundredths === 'number') judges.push(record.judgesHundredths);
    if (typeof record.combinedHundredths === 'number') combined.push(record.combinedHundredths);
    if (record.tier) tiers[record.tier] = (tiers[record.tier] ?? 0) + 1;
  }
  // Tiers best first, as the default rules order them; any other label after, by name.
  const order = DEFAULT_SCORING_RULES.tiers.map((t) => t.label as string);
  const rank = (label: string) => (order.includes(label) ? order.indexOf(label) : order.length);
  const orderedTiers = Object.fromEntries(
    Object.entries(tiers).sort(([a], [b]) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0)),
  );
  return {
    audited: rows.length,
    households,
    reached,
    confirmed,
    counted,
    satisfied,
    verifiedRate: rate(confirmed, reached),
    satisfactionRate: rate(satisfied, counted),
    responseRate: rate(reached, households),
    averageJudges: mean(judges),
    averageCombined: mean(combined),
    tiers: orderedTiers,
  };
}

/**
 * Rows sorted best first by average combined score, then satisfaction rate, then name; equal scores
 * share a rank (1, 2, 2, 4). Rows without scores come last.
 */
export function rankByScore<T>(
  rows: readonly T[],
  figuresOf: (row: T) => ReportFigures,
  nameOf: (row: T) => string,
): (T & { rank: number })[] {
  const sorted = [...rows].sort((a, b) => {
    const fa = figuresOf(a);
    const fb = figuresOf(b);
    const na = nameOf(a);
    const nb = nameOf(b);
    return (
      (fb.averageCombined ?? -1) - (fa.averageCombined ?? -1) ||
      (fb.satisfactionRate ?? -1) - (fa.satisfactionRate ?? -1) ||
      (na < nb ? -1 : na > nb ? 1 : 0)
    );
  });
  return sorted.map((row, i) => {
    const f = figuresOf(row);
    const first = sorted.findIndex(
      (other) =>
        figuresOf(other).averageCombined === f.averageCombined &&
        figuresOf(other).satisfactionRate === f.satisfactionRate,
    );
    return { ...row, rank: (first === -1 ? i : first) + 1 };
  });
}

/**
 * A county report over a period: figures for the whole county, per group (乡镇, 工作片, 村, 单位 or
 * 行业, as the auditee stood when audited), ranked, and per month. Pure: rows in, figures out.
 */
export function buildReport(rows: readonly HistoryRow[], query: ReportQuery): Report {
  const inPeriod = rows.filter(
    (row) =>
      row.auditedOn >= query.from &&
      row.auditedOn <= query.to &&
      (query.mode === undefined || row.mode === query.mode) &&
      (query.event === undefined || row.eventId === query.event),
  );
  const byGroup = new Map<string, HistoryRow[]>();
  const byMonth = new Map<string, HistoryRow[]>();
  for (const row of inPeriod) {
    const name = row.record.placement?.[query.by] || '（未记录）';
    const group = byGroup.get(name) ?? [];
    group.push(row);
    byGroup.set(name, group);
    const month = row.auditedOn.slice(0, 7);
    const monthRows = byMonth.get(month) ?? [];
    monthRows.push(row);
    byMonth.set(month, monthRows);
  }
  const groups = rankByScore(
    [...byGroup.entries()].map(([name, groupRows]) => ({ name, ...figures(groupRows) })),
    (group) => group,
    (group) => group.name,
  );
  const months = [...byMonth.keys()].sort().map((month) => ({ month, ...figures(byMonth.get(month) ?? []) }));
  return { query, total: figures(inPeriod), groups, months };
}
