import type { Db } from '../store/db';
import type { Clock } from '../runtime';
import { parseAuditRecord } from '../run-of-show/audit-record';
import { RECTIFICATION_STATUSES } from '../protocol/followups';
import type { CountyProgram, CountyReport, CountyReportQuery, RectificationCounts } from '../protocol/reports';
import { EVENT_MODE_LABEL } from '../protocol/show';
import { listPrograms } from '../registry/programs';
import { neutraliseFormula } from '../registry/export/csv-writer';
import { buildCountyReport, departmentOf, type CountyHistoryRow, type CountyRectification } from './county-report';
import { REPORT_HEADERS, reportColumns } from './report-columns';

/** The programs an account may see: their codes, or null for every program. */
export type VisiblePrograms = readonly string[] | null;

const RECTIFICATION_HEADERS = ['整改总数', ...RECTIFICATION_STATUSES, '逾期'];
const rectificationColumns = (r: RectificationCounts): number[] => [
  r.total,
  ...RECTIFICATION_STATUSES.map((s) => r.byStatus[s]),
  r.overdue,
];

/** The county view over the audit history of every program (closed rounds; never rehearsals). */
export class CountyReportService {
  private cache: { key: string; rows: CountyHistoryRow[] } | null = null;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  /** Every program's history rows, parsed once per change of the history table. */
  private rows(): CountyHistoryRow[] {
    const key = String(
      this.db.prepare("SELECT COUNT(*) || ':' || COALESCE(MAX(id), 0) FROM audit_history").pluck().get(),
    );
    if (this.cache?.key === key) return this.cache.rows;
    const raw = this.db
      .prepare(
        `SELECT program_code AS programCode, audited_on AS auditedOn, mode, event_id AS eventId, result
         FROM audit_history`,
      )
      .all() as { programCode: string; auditedOn: string; mode: string; eventId: string; result: string }[];
    const rows = raw.map(({ result, ...row }) => ({ ...row, record: parseAuditRecord(result) ?? {} }));
    this.cache = { key, rows };
    return rows;
  }

  /** Each rectification with the date and kind of the round it follows up (its first history row). */
  private rectifications(): CountyRectification[] {
    return this.db
      .prepare(
        `SELECT r.program_code AS programCode, r.status, r.deadline, h.audited_on AS auditedOn, h.mode
         FROM rectifications r
         LEFT JOIN audit_history h ON h.id = (
           SELECT MIN(x.id) FROM audit_history x
           WHERE x.program_code = r.program_code AND x.auditee_number = r.auditee_number AND x.event_id = r.event_id)`,
      )
      .all() as CountyRectification[];
  }

  /** The programs shown, in the registry's order: all of them, or only the visible ones. */
  private programs(visible: VisiblePrograms): CountyProgram[] {
    return listPrograms(this.db)
      .filter((p) => visible === null || visible.includes(p.code))
      .map((p) => ({ code: p.code, name: p.name, department: departmentOf(p) }));
  }

  report(query: CountyReportQuery, visible: VisiblePrograms): CountyReport {
    const today = this.clock().toISOString().slice(0, 10);
    return buildCountyReport(
      { programs: this.programs(visible), rows: this.rows(), rectifications: this.rectifications() },
      query,
      today,
    );
  }

  async xlsx(query: CountyReportQuery, visible: VisiblePrograms): Promise<Buffer> {
    const report = this.report(query, visible);
    // Loaded when a workbook is made: at the top it would cost every server start a fifth of a second.
    const { default: ExcelJS } = await import('exceljs');
    const workbook = new ExcelJS.Workbook();
    const period = `${query.from} 至 ${query.to}${query.mode ? ` · ${EVENT_MODE_LABEL[query.mode]}` : ''}`;
    const text = (value: string) => neutraliseFormula(value);

    const programs = workbook.addWorksheet('按项目');
    programs.addRow([`县级总览 ${period}`]);
    programs.addRow(['联系项目', '主管部门', ...REPORT_HEADERS, ...RECTIFICATION_HEADERS]).font = { bold: true };
    for (const p of report.programs) {
      programs.addRow([
        text(p.program.name),
        text(p.program.department),
        ...reportColumns(p.figures),
        ...rectificationColumns(p.rectifications),
      ]);
    }
    programs.addRow(['合计', '', ...reportColumns(report.total), ...rectificationColumns(report.rectifications)]).font =
      { bold: true };

    const departments = workbook.addWorksheet('按部门');
    departments.addRow(['主管部门', '联系项目数', ...REPORT_HEADERS, ...RECTIFICATION_HEADERS]).font = { bold: true };
    for (const d of report.departments) {
      departments.addRow([
        text(d.department),
        d.programs.length,
        ...reportColumns(d.figures),
        ...rectificationColumns(d.rectifications),
      ]);
    }

    const units = workbook.addWorksheet('单位排名');
    units.addRow(['排名', '单位', '联系项目', '主管部门', ...REPORT_HEADERS]).font = { bold: true };
    for (const u of report.units) {
      units.addRow([
        u.rank,
        text(u.unit),
        text(u.program.name),
        text(u.program.department),
        ...reportColumns(u.figures),
      ]);
    }
    for (const s of [programs, departments, units]) s.columns.forEach((c) => (c.width = 14));
    return Buffer.from(await workbook.xlsx.writeBuffer());
  }
}
