import { AUDITEE_REPLACEMENT_REASONS } from '../protocol/draw';
import type { ShowSnapshot } from '../protocol/show';
import { csvLine, neutraliseFormula, UTF8_BOM } from '../registry/export/csv-writer';

const points = (hundredths: number | null | undefined) =>
  hundredths === null || hundredths === undefined ? '' : (hundredths / 100).toFixed(2);
const percent = (hundredths: number | null | undefined) =>
  hundredths === null || hundredths === undefined ? '' : `${(hundredths / 100).toFixed(2)}%`;

export const RESULT_HEADERS = [
  '轮次',
  '人员编号',
  '姓名',
  '单位',
  '职务',
  '网格',
  '递补记录',
  '核实户数',
  '联系上',
  '属实',
  '满意',
  '满意率',
  '应答率',
  '群众评价得分',
  '评委得分',
  '计分方法',
  '综合得分',
  '等次',
  '评分更正',
] as const;

/** One row per round of a show, from the staff snapshot (households' names and phones are not exported). */
export function resultRows(snapshot: ShowSnapshot): string[][] {
  return snapshot.rounds.map((round) => {
    const score = round.score;
    const households = score?.households;
    return [
      String(round.index + 1),
      round.auditee.number,
      round.auditee.name,
      round.auditee.unit,
      round.auditee.post,
      round.auditee.gridPath,
      round.replacedAuditees
        .map(
          (r) =>
            `${r.number} ${r.name}（${AUDITEE_REPLACEMENT_REASONS[r.reason as keyof typeof AUDITEE_REPLACEMENT_REASONS] ?? r.reason}）`,
        )
        .join('；'),
      String(round.households.filter((h) => h.replaced === null).length),
      households ? String(households.reached) : '',
      households ? String(households.confirmed) : '',
      households ? String(households.satisfied) : '',
      percent(households?.satisfactionRateHundredths),
      percent(households?.responseRateHundredths),
      points(households?.scoreHundredths),
      points(score?.judges?.finalHundredths),
      score?.judges?.method ?? '',
      points(score?.combinedHundredths),
      score?.tier ?? '',
      round.judging.corrections
        .map((c) => `${c.seat} 号：${c.from.toFixed(2)} → ${c.to.toFixed(2)}（${c.reason}）`)
        .join('；'),
    ];
  });
}

export function resultsCsv(snapshot: ShowSnapshot): string {
  return UTF8_BOM + csvLine([...RESULT_HEADERS]) + resultRows(snapshot).map(csvLine).join('');
}

export async function resultsXlsx(snapshot: ShowSnapshot): Promise<Buffer> {
  // Loaded when a workbook is made: at the top it would cost every server start a fifth of a second.
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('抽查结果');
  sheet.addRow([`${snapshot.title}${snapshot.rehearsal ? '（演练）' : ''}`, snapshot.eventDate, snapshot.venue]);
  sheet.addRow([...RESULT_HEADERS]).font = { bold: true };
  // Text cells stay text: a value starting with = is written with an apostrophe, never as a formula.
  for (const row of resultRows(snapshot)) sheet.addRow(row.map(neutraliseFormula));
  sheet.columns.forEach((column) => {
    column.width = 14;
  });
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
