import type { Db } from '../store/db';
import { parseAuditRecord } from '../run-of-show/audit-record';
import { REPORT_DIMENSION_LABEL, type Report, type ReportQuery } from '../protocol/reports';
import { EVENT_MODE_LABEL } from '../protocol/show';
import { neutraliseFormula } from '../registry/export/csv-writer';
import { buildReport, type HistoryRow } from './report';
import { REPORT_HEADERS, reportColumns } from './report-columns';
import { renderReportNotice } from '../print/report-notice';

/** Reports over the audit history (closed rounds of real shows and checks; never rehearsals). */
export class ReportService {
  private cache: { key: string; rows: HistoryRow[] } | null = null;

  constructor(private readonly db: Db) {}

  /** The program's history rows, parsed once per change of the history table. */
  private rows(program: string): HistoryRow[] {
    const stamp = this.db.prepare("SELECT COUNT(*) || ':' || COALESCE(MAX(id), 0) FROM audit_history").pluck().get();
    const key = `${program}:${String(stamp)}`;
    if (this.cache?.key === key) return this.cache.rows;
    const raw = this.db
      .prepare(
        'SELECT audited_on AS auditedOn, mode, event_id AS eventId, result FROM audit_history WHERE program_code = ?',
      )
      .all(program) as { auditedOn: string; mode: string; eventId: string; result: string }[];
    // A plain note instead of a record counts as audited, without figures.
    const rows = raw.map((row) => ({
      auditedOn: row.auditedOn,
      mode: row.mode,
      eventId: row.eventId,
      record: parseAuditRecord(row.result) ?? {},
    }));
    this.cache = { key, rows };
    return rows;
  }

  private eventTitle(eventId: string): string {
    return (
      (this.db.prepare('SELECT title FROM events WHERE id = ?').pluck().get(eventId) as string | undefined) ?? eventId
    );
  }

  report(query: ReportQuery): Report {
    return buildReport(this.rows(query.program), query);
  }

  async xlsx(query: ReportQuery): Promise<Buffer> {
    const report = this.report(query);
    // Loaded when a workbook is made: at the top it would cost every server start a fifth of a second.
    const { default: ExcelJS } = await import('exceljs');
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet(`按${REPORT_DIMENSION_LABEL[query.by]}`);
    sheet.addRow([`${query.from} 至 ${query.to}${query.mode ? ` · ${EVENT_MODE_LABEL[query.mode]}` : ''}`]);
    sheet.addRow(['排名', REPORT_DIMENSION_LABEL[query.by], ...REPORT_HEADERS]).font = { bold: true };
    for (const group of report.groups)
      sheet.addRow([group.rank, neutraliseFormula(group.name), ...reportColumns(group)]);
    sheet.addRow(['', '合计', ...reportColumns(report.total)]).font = { bold: true };
    const months = workbook.addWorksheet('按月');
    months.addRow(['月份', ...REPORT_HEADERS]).font = { bold: true };
    for (const month of report.months) months.addRow([month.month, ...reportColumns(month)]);
    for (const s of [sheet, months]) s.columns.forEach((c) => (c.width = 14));
    return Buffer.from(await workbook.xlsx.writeBuffer());
  }

  /** The printable 通报 of a period: the report's figures, with the event's title when it is one event's. */
  notice(query: ReportQuery): string {
    return renderReportNotice(query, this.report(query), query.event ? this.eventTitle(query.event) : null);
  }
}
