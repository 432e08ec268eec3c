import { REPORT_DIMENSION_LABEL, type Report, type ReportQuery } from '../protocol/reports';
import { EVENT_MODE_LABEL } from '../protocol/show';
import { formatPercent, formatPoints } from '../scoring/scoring';
import { REPORT_HEADERS, reportColumns } from '../reports/report-columns';
import { markup, printPage } from './layout';

const NOTICE_CSS = `  body { max-width: 960px; line-height: 1.7; font-size: 15px; }
  h1 { color: #b3261e; margin-bottom: 0; }
  .sub { margin-top: 4px; }
  table { font-size: 13px; }
  th, td { padding: 4px 6px; }
  .source { font-size: 12px; color: #555; }
`;

/**
 * The printable 通报 of a period: the county's figures, the ranking, and the weakest groups named.
 * `eventTitle` is the title of the one event the report is limited to, if it is.
 */
export function renderReportNotice(query: ReportQuery, report: Report, eventTitle: string | null): string {
  const label = REPORT_DIMENSION_LABEL[query.by];
  const t = report.total;
  const weakest = report.groups
    .filter((g) => g.averageCombined !== null)
    .slice(-3)
    .reverse();
  const period = `${query.from} 至 ${query.to}`;
  const groups = report.groups.map(
    (g) => markup`<tr><td>${g.rank}</td><td>${g.name}</td>${reportColumns(g).map((c) => markup`<td>${c}</td>`)}</tr>\n`,
  );
  const weakestNamed =
    weakest.length > 0 &&
    markup`<p>按${label}排名靠后的是：${weakest.map((g, i) => markup`${i > 0 && '、'}${g.name}（综合平均分 ${formatPoints(g.averageCombined)}，满意率 ${formatPercent(g.satisfactionRate)}）`)}，请督促整改，并纳入下一期回头看。</p>`;
  return printPage({
    title: `抽查情况通报 ${period}`,
    heading: '抽查情况通报',
    sub: `${eventTitle === null ? '' : `${eventTitle} · `}${period}${query.mode ? ` · ${EVENT_MODE_LABEL[query.mode]}` : ''}`,
    testId: 'notice',
    css: NOTICE_CSS,
    body: markup`<p data-testid="notice-summary">本期共抽查 ${t.audited} 人次，电话核实 ${t.households} 户，联系上 ${t.reached} 户（应答率 ${formatPercent(t.responseRate)}），工作属实率 ${formatPercent(t.verifiedRate)}，群众满意率 ${formatPercent(t.satisfactionRate)}（有效回答 ${t.counted} 户），综合平均分 ${formatPoints(t.averageCombined)}。</p>
${weakestNamed}
<table>
<tr><th>排名</th><th>${label}</th>${REPORT_HEADERS.map((h) => markup`<th>${h}</th>`)}</tr>
${groups}<tr><th></th><th>合计</th>${reportColumns(t).map((c) => markup`<th>${c}</th>`)}</tr>
</table>
<p class="source">数据来自已结束的抽查（演练不计入），每轮均有公开可验证的抽取记录与验证包。</p>`,
  });
}
