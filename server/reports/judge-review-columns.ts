import {
  TRIM_MARK_LABEL,
  type JudgeFigures,
  type JudgeGroupFigure,
  type JudgeReview,
  type JudgeReviewRow,
} from '../protocol/judge-review';
import { REPORT_DIMENSION_LABEL } from '../protocol/reports';
import { formatSigned } from '../scoring/judge-review';
import { formatFinal, formatPoints } from '../scoring/scoring';

/** The judges' report as tables: the same columns in the XLSX sheets and the CSV. */

// No leading + in a cell: the formula guard would prefix it with an apostrophe. Negatives keep
// their minus sign (U+2212, not a formula start).
const signed = (hundredths: number | null) =>
  hundredths === null ? '—' : formatSigned(hundredths).replace(/^\+/u, '');
const ratio = (hundredths: number | null) => (hundredths === null ? '—' : formatFinal(hundredths));

export const JUDGE_HEADERS = [
  '评委',
  '席位',
  '评分轮数',
  '平均偏差（分）',
  '偏离度',
  '被去掉最高分',
  '被去掉最低分',
  '被要求复核',
  '评分被更正',
  '回避轮数',
  '提示',
];

export function judgeColumns(judge: JudgeFigures, review: JudgeReview): string[] {
  const titleOf = (id: string) => review.events.find((e) => e.id === id)?.title ?? id;
  return [
    judge.judge,
    judge.seats.map((s) => `${titleOf(s.eventId)} ${s.seat} 号`).join('；'),
    String(judge.rounds),
    signed(judge.meanDeviationHundredths),
    ratio(judge.markingHundredths),
    String(judge.trimmedHigh),
    String(judge.trimmedLow),
    String(judge.rechecks),
    String(judge.corrections),
    String(judge.recusals),
    judge.flags.map((f) => f.text).join('；'),
  ];
}

export const GROUP_HEADERS = ['评委', '维度', '名称', '轮数', '平均偏差（分）', '同向轮数'];

export function groupColumns(judge: string, group: JudgeGroupFigure): string[] {
  return [
    judge,
    REPORT_DIMENSION_LABEL[group.dimension],
    group.group,
    String(group.rounds),
    signed(group.meanDeviationHundredths),
    String(group.sameSide),
  ];
}

export const ROW_HEADERS = [
  '活动',
  '日期',
  '轮次',
  '人员编号',
  '单位',
  '乡镇',
  '席位',
  '评委',
  '评分',
  '参照分（其他评委去分平均）',
  '偏差',
  '离散度',
  '偏离度',
  '去分',
  '复核',
  '更正',
];

export function rowColumns(row: JudgeReviewRow): string[] {
  return [
    row.eventTitle,
    row.eventDate,
    String(row.round),
    row.auditeeNumber,
    row.unit,
    row.town,
    String(row.seat),
    row.judge,
    formatPoints(row.scoreHundredths),
    formatPoints(row.referenceHundredths),
    signed(row.deviationHundredths),
    formatPoints(row.spreadHundredths),
    ratio(row.markingHundredths),
    TRIM_MARK_LABEL[row.trim],
    row.recheck ? '是' : '',
    row.corrected ? '是' : '',
  ];
}
