import { RECTIFICATION_STATUSES, type RectificationStatus } from '../protocol/followups';
import type { CountyProgram, CountyReport, CountyReportQuery, RectificationCounts } from '../protocol/reports';
import { figures, rankByScore, type HistoryRow } from './report';

/** A history row with the program it was audited under. */
export interface CountyHistoryRow extends HistoryRow {
  programCode: string;
}

/** A rectification (整改) as the county view counts it, dated by the round it was registered for. */
export interface CountyRectification {
  programCode: string;
  status: RectificationStatus;
  deadline: string;
  /** The audit date and kind of the round it follows up (null: the round's history row is gone). */
  auditedOn: string | null;
  mode: string | null;
}

/** Where the unit of a round without a recorded placement is counted. */
export const UNRECORDED_UNIT = '（未记录）';

/**
 * The department (单位) owning a program: its declared department, else its own name (every
 * program its own department) until program definitions carry one.
 */
export function departmentOf(program: { name: string; department?: string | null }): string {
  return program.department?.trim() || program.name;
}

/** Past its deadline (YYYY-MM-DD, before `today`) and not yet put right. */
export function isOverdue(deadline: string, status: RectificationStatus, today: string): boolean {
  return deadline < today && (status === '待整改' || status === '整改中');
}

function countRectifications(items: readonly CountyRectification[], today: string): RectificationCounts {
  const byStatus = Object.fromEntries(RECTIFICATION_STATUSES.map((s) => [s, 0])) as Record<RectificationStatus, number>;
  let overdue = 0;
  for (const item of items) {
    byStatus[item.status] += 1;
    if (isOverdue(item.deadline, item.status, today)) overdue += 1;
  }
  return { total: items.length, byStatus, overdue };
}

const inPeriod = (on: string | null, mode: string | null, query: CountyReportQuery): boolean =>
  on !== null && on >= query.from && on <= query.to && (query.mode === undefined || mode === query.mode);

/**
 * The county view over a period: per program its figures (the same figures as its own report) and
 * its 整改 by status, per department (its programs together), the units of every program ranked
 * together by average combined score, and the county total. Only the given programs count (the
 * account's visible ones); rows of other programs are left out. Pure: rows in, figures out;
 * `today` (YYYY-MM-DD) decides what is overdue.
 */
export function buildCountyReport(
  input: {
    programs: readonly CountyProgram[];
    rows: readonly CountyHistoryRow[];
    rectifications: readonly CountyRectification[];
  },
  query: CountyReportQuery,
  today: string,
): CountyReport {
  const codes = new Set(input.programs.map((p) => p.code));
  const rows = input.rows.filter((r) => codes.has(r.programCode) && inPeriod(r.auditedOn, r.mode, query));
  const items = input.rectifications.filter((r) => codes.has(r.programCode) && inPeriod(r.auditedOn, r.mode, query));
  const rowsOf = (programCodes: ReadonlySet<string>) => rows.filter((r) => programCodes.has(r.programCode));
  const itemsOf = (programCodes: ReadonlySet<string>) => items.filter((r) => programCodes.has(r.programCode));

  const programs = input.programs.map((program) => {
    const only = new Set([program.code]);
    return {
      program,
      figures: figures(rowsOf(only)),
      rectifications: countRectifications(itemsOf(only), today),
    };
  });

  const byDepartment = new Map<string, string[]>();
  for (const program of input.programs) {
    byDepartment.set(program.department, [...(byDepartment.get(program.department) ?? []), program.code]);
  }
  const departments = [...byDepartment.entries()].map(([department, programCodes]) => {
    const set = new Set(programCodes);
    return {
      department,
      programs: programCodes,
      figures: figures(rowsOf(set)),
      rectifications: countRectifications(itemsOf(set), today),
    };
  });

  const byUnit = new Map<string, { unit: string; program: CountyProgram; rows: HistoryRow[] }>();
  const programOf = new Map(input.programs.map((p) => [p.code, p]));
  for (const row of rows) {
    const program = programOf.get(row.programCode);
    if (!program) continue;
    const unit = row.record.placement?.unit || UNRECORDED_UNIT;
    const key = `${row.programCode}\u0000${unit}`;
    const entry = byUnit.get(key) ?? { unit, program, rows: [] };
    entry.rows.push(row);
    byUnit.set(key, entry);
  }
  const units = rankByScore(
    [...byUnit.values()].map(({ unit, program, rows: unitRows }) => ({ unit, program, figures: figures(unitRows) })),
    (u) => u.figures,
    // Ties broken by unit, then program, so the order is the same on every server.
    (u) => `${u.unit}\u0000${u.program.code}`,
  );

  return {
    query,
    programs,
    departments,
    units,
    total: figures(rows),
    rectifications: countRectifications(items, today),
  };
}
