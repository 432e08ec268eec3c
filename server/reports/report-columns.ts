import type { ReportFigures } from '../protocol/reports';
import { formatPercent, formatPoints } from '../scoring/scoring';

/** The columns of a report table, shared by the XLSX export and the printed 通报. */
export const REPORT_HEADERS = [
  '抽查人次',
  '核实户数',
  '属实率',
  '满意率',
  '应答率',
  '评委平均分',
  '综合平均分',
  '等次分布',
];

export function reportColumns(f: ReportFigures): string[] {
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
