import { PRINT_BUTTON_HTML } from '../http/print-button';
import ExcelJS from 'exceljs';
import type { Db } from '../store/db';
import { parseAuditRecord } from '../run-of-show/audit-record';
import { REPORT_DIMENSION_LABEL, type Report, type ReportFigures, type ReportQuery } from '../protocol/reports';
import { EVENT_MODE_LABEL } from '../protocol/show';
import { neutraliseFormula } from '../registry/export/csv-writer';
import { escapeHtml } from '../print/bulletin';
import { buildReport, type HistoryRow } from './report';
import { formatPercent, formatPoints } from '../scoring/scoring';

/** The columns of a report table, shared by the XLSX export and the printed 通报. */
function columns(f: ReportFigures): string[] {
  return [
    String(f.audited),
    String(f.households),
    formatPercent(f.verifiedRate),
    `${formatPercent(f.satisfactionRate)}（n=${f.counted}）`,
    formatPercent(f.responseRate),
    formatPoints(f.averageJudges),
    formatPoints(f.averageCombined),
    Object.entries(f.tiers)
      .map(([tier, n]) => `${tier} ${n}`)
      .join('，'),
  ];
}
const HEADERS = ['抽查人次', '核实户数', '属实率', '满意率', '应答率', '评委平均分', '综合平均分', '等次分布'];

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
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet(`按${REPORT_DIMENSION_LABEL[query.by]}`);
    sheet.addRow([`${query.from} 至 ${query.to}${query.mode ? ` · ${EVENT_MODE_LABEL[query.mode]}` : ''}`]);
    sheet.addRow(['排名', REPORT_DIMENSION_LABEL[query.by], ...HEADERS]).font = { bold: true };
    for (const group of report.groups) sheet.addRow([group.rank, neutraliseFormula(group.name), ...columns(group)]);
    sheet.addRow(['', '合计', ...columns(report.total)]).font = { bold: true };
    const months = workbook.addWorksheet('按月');
    months.addRow(['月份', ...HEADERS]).font = { bold: true };
    for (const month of report.months) months.addRow([month.month, ...columns(month)]);
    for (const s of [sheet, months]) s.columns.forEach((c) => (c.width = 14));
    return Buffer.from(await workbook.xlsx.writeBuffer());
  }

  /** The printable 通报 of a period: the county's figures, the ranking, and the weakest groups named. */
  notice(query: ReportQuery): string {
    const report = this.report(query);
    const label = REPORT_DIMENSION_LABEL[query.by];
    const t = report.total;
    const weakest = report.groups
      .filter((g) => g.averageCombined !== null)
      .slice(-3)
      .reverse();
    return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>抽查情况通报 ${escapeHtml(query.from)} 至 ${escapeHtml(query.to)}</title>
<link rel="stylesheet" href="/fonts/noto-sans-sc/400.css">
<link rel="stylesheet" href="/fonts/noto-sans-sc/700.css">
<style>
  body { font-family: 'Noto Sans SC', sans-serif; max-width: 960px; margin: 28px auto; color: #111; line-height: 1.7; font-size: 15px; }
  h1 { text-align: center; font-size: 26px; color: #b3261e; margin-bottom: 0; }
  .sub { text-align: center; color: #555; margin-top: 4px; }
  table { width: 100%; border-collapse: collapse; margin: 12px 0; font-size: 13px; }
  th, td { border: 1px solid #999; padding: 4px 6px; text-align: left; }
  th { background: #f3f3f3; }
  button { font: inherit; padding: 4px 16px; }
  @media print { .noprint { display: none; } body { margin: 0 auto; } }
</style>
</head>
<body>
<h1 data-testid="notice-title">抽查情况通报</h1>
<p class="sub">${query.event ? `${escapeHtml(this.eventTitle(query.event))} · ` : ''}${escapeHtml(query.from)} 至 ${escapeHtml(query.to)}${query.mode ? ` · ${EVENT_MODE_LABEL[query.mode]}` : ''}</p>
<p data-testid="notice-summary">本期共抽查 ${t.audited} 人次，电话核实 ${t.households} 户，联系上 ${t.reached} 户（应答率 ${formatPercent(t.responseRate)}），工作属实率 ${formatPercent(t.verifiedRate)}，群众满意率 ${formatPercent(t.satisfactionRate)}（有效回答 ${t.counted} 户），综合平均分 ${formatPoints(t.averageCombined)}。</p>
${weakest.length > 0 ? `<p>按${label}排名靠后的是：${weakest.map((g) => `${escapeHtml(g.name)}（综合平均分 ${formatPoints(g.averageCombined)}，满意率 ${formatPercent(g.satisfactionRate)}）`).join('、')}，请督促整改，并纳入下一期回头看。</p>` : ''}
<table>
<tr><th>排名</th><th>${label}</th>${HEADERS.map((h) => `<th>${h}</th>`).join('')}</tr>
${report.groups
  .map(
    (g) =>
      `<tr><td>${g.rank}</td><td>${escapeHtml(g.name)}</td>${columns(g)
        .map((c) => `<td>${escapeHtml(c)}</td>`)
        .join('')}</tr>`,
  )
  .join('\n')}
<tr><th></th><th>合计</th>${columns(t)
      .map((c) => `<th>${escapeHtml(c)}</th>`)
      .join('')}</tr>
</table>
<p style="font-size:12px;color:#555">数据来自已结束的抽查（演练不计入），每轮均有公开可验证的抽取记录与验证包。</p>
${PRINT_BUTTON_HTML}
</body>
</html>`;
  }
}
