import { AUDITEE_REPLACEMENT_REASONS, CONTACT_REPLACEMENT_REASONS } from '../protocol/draw';
import { RESULT_SHEET_TITLE, RESULT_SHEETS, type ResultSheet } from '../protocol/results';
import type { ShowSnapshot } from '../protocol/show';
import { csvLine, neutraliseFormula, UTF8_BOM } from '../registry/export/csv-writer';
import { localDateTime } from '../local-time/local-time';
import { buildShowRecord, type RecordLogEntry, type ShowRecord } from '../print/record-timeline';
import { correctionTexts, roundFindings } from '../scoring/findings';
import { maskName } from '../privacy';
import { formatFinal } from '../scoring/format';

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
  '反映不符户数',
  '未联系上户数',
  '未达标原因',
] as const;

/** One row per round of a show, from the staff snapshot (households' names and phones are not exported). */
export function resultRows(snapshot: ShowSnapshot): string[][] {
  return snapshot.rounds.map((round) => {
    const score = round.score;
    const households = score?.households;
    const findings = roundFindings(round, snapshot.scoring, snapshot.role);
    return [
      String(round.index + 1),
      round.auditee.number,
      round.auditee.name,
      round.auditee.unit,
      round.auditee.post,
      round.auditee.gridPath,
      round.replacedAuditees.map((r) => `${r.number} ${r.name}（${AUDITEE_REPLACEMENT_REASONS[r.reason]}）`).join('；'),
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
      String(findings.lines.contradicted.length),
      String(findings.lines.unreached.length),
      findings.belowThreshold.join('；'),
    ];
  });
}

/** One table of the export: its Chinese headers and rows of text. */
export interface ResultTable {
  sheet: ResultSheet;
  headers: string[];
  rows: string[][];
}

const roundLabel = (index: number) => String(index + 1);

/** A household's answers in words, question by question: 是否上门：是；是否讲解政策：部分. */
function answerText(snapshot: ShowSnapshot, answers: readonly number[] | null): string {
  const questions = snapshot.questionnaire.questions;
  return (answers ?? [])
    .map((choice, i) => `${questions[i]?.text ?? `第 ${i + 1} 题`}：${questions[i]?.options[choice]?.label ?? '?'}`)
    .join('；');
}

function householdTable(snapshot: ShowSnapshot): ResultTable {
  return {
    sheet: 'households',
    headers: [
      '轮次',
      '人员编号',
      '户号',
      '姓名（遮蔽）',
      '村',
      '呼叫状态',
      '核实结果',
      '满意度',
      '递补原因',
      '递补户号',
      '更正记录',
      '问卷回答',
      '户得分',
    ],
    rows: snapshot.rounds.flatMap((round) =>
      round.households.map((h) => [
        roundLabel(round.index),
        round.auditee.number,
        h.number,
        maskName(h.name),
        h.village,
        h.callStatus,
        h.outcome ?? '',
        h.satisfaction ?? '',
        h.replaced ? CONTACT_REPLACEMENT_REASONS[h.replaced.reason] : '',
        h.replaced?.by ?? '',
        correctionTexts(h).join('；'),
        answerText(snapshot, h.answers),
        h.scoreHundredths === null ? '' : formatFinal(h.scoreHundredths),
      ]),
    ),
  };
}

/** Every version of every judge's score, by seat and criterion: the submission, the recheck, the correction. */
function judgeTable(snapshot: ShowSnapshot, record: ShowRecord): ResultTable {
  const criteria = snapshot.scoring.criteria.map((c) => c.name);
  return {
    sheet: 'judges',
    headers: [
      '轮次',
      '人员编号',
      '席位',
      '评委',
      '版本',
      '类型',
      '时间',
      ...criteria,
      '总分',
      '更正原因',
      '是否计入',
      '计分',
    ],
    rows: record.rounds.flatMap(({ round, judges }) =>
      judges.flatMap((judge) => {
        if (judge.versions.length === 0) {
          const status = judge.recused ? '回避' : '未评分';
          return [
            [
              roundLabel(round.index),
              round.auditee.number,
              String(judge.seat),
              judge.name,
              '',
              status,
              '',
              ...criteria.map(() => ''),
              '',
              '',
              '否',
              '',
            ],
          ];
        }
        return judge.versions.map((v, i) => {
          const last = i === judge.versions.length - 1;
          return [
            roundLabel(round.index),
            round.auditee.number,
            String(judge.seat),
            judge.name,
            String(i + 1),
            v.kind,
            localDateTime(record.all.find((s) => s.seq === v.seq)?.at ?? 0, record.timeZone),
            ...criteria.map((_, c) => v.items[c] ?? ''),
            v.total,
            v.reason ?? '',
            last ? '是（有效版本）' : '否（已被取代）',
            last ? judge.trimmed : '',
          ];
        });
      }),
    ),
  };
}

function replacementTable(snapshot: ShowSnapshot): ResultTable {
  return {
    sheet: 'replacements',
    headers: ['轮次', '类型', '编号', '姓名', '原因', '递补为'],
    rows: snapshot.rounds.flatMap((round) => {
      const chain = [...round.replacedAuditees, round.auditee];
      const auditees = round.replacedAuditees.map((a, i) => [
        roundLabel(round.index),
        '被抽查人员',
        a.number,
        a.name,
        AUDITEE_REPLACEMENT_REASONS[a.reason],
        `${chain[i + 1]?.number ?? ''} ${chain[i + 1]?.name ?? ''}`.trim(),
      ]);
      const households = round.households.flatMap((h) =>
        h.replaced
          ? [
              [
                roundLabel(round.index),
                '核实户',
                h.number,
                maskName(h.name),
                CONTACT_REPLACEMENT_REASONS[h.replaced.reason],
                h.replaced.by ?? '',
              ],
            ]
          : [],
      );
      return [...auditees, ...households];
    }),
  };
}

/** Every correction with both versions, its reason, who made it and when (the log's time, local). */
function correctionTable(record: ShowRecord): ResultTable {
  const rows: string[][] = [];
  for (const { round, judges } of record.rounds) {
    for (const h of round.households) {
      const texts = correctionTexts(h);
      // The log's correctOutcome steps of this household, in order, give each correction's time.
      const steps = record.all.filter(
        (s) => s.round === round.index && s.type === 'correctOutcome' && s.household === h.number,
      );
      h.corrections.forEach((c, i) => {
        const [from, to] = (texts[i] ?? '').split('（')[0]?.split(' → ') ?? [];
        const step = steps[i];
        rows.push([
          roundLabel(round.index),
          '核实结果',
          `户 ${h.number} ${maskName(h.name)}`,
          from ?? '',
          to ?? '',
          c.reason,
          c.by === 'supervisor' ? '监督员' : '操作员',
          step ? localDateTime(step.at, record.timeZone) : '',
        ]);
      });
    }
    for (const judge of judges) {
      judge.versions.forEach((v, i) => {
        if (v.kind !== '更正') return;
        const step = record.all.find((s) => s.seq === v.seq);
        rows.push([
          roundLabel(round.index),
          '评委评分',
          `${judge.seat} 号评委 ${judge.name}`,
          judge.versions[i - 1]?.total ?? '',
          v.total,
          v.reason ?? '',
          step?.actor ?? '',
          step ? localDateTime(step.at, record.timeZone) : '',
        ]);
      });
    }
  }
  return {
    sheet: 'corrections',
    headers: ['轮次', '类型', '对象', '原版本', '新版本', '原因', '操作人', '时间'],
    rows,
  };
}

function logTable(record: ShowRecord): ResultTable {
  return {
    sheet: 'log',
    headers: ['序号', '时间', '时间（UTC）', '轮次', '操作人', '内容', '哈希'],
    rows: record.all.map((s) => [
      String(s.seq),
      localDateTime(s.at, record.timeZone),
      s.at,
      s.round === null ? '' : roundLabel(s.round),
      s.actor,
      s.text,
      s.hash,
    ]),
  };
}

/**
 * Every table of a show's results, by sheet: rounds, households, judges' scores by
 * seat and criterion with every version, replacements, corrections and the log. Times in the
 * county's zone (the log's UTC beside it). Households by number and masked name, never a phone.
 */
export function resultTables(
  snapshot: ShowSnapshot,
  log: readonly RecordLogEntry[],
  timeZone: string,
): Record<ResultSheet, ResultTable> {
  const record = buildShowRecord(snapshot, log, timeZone);
  const tables: Record<ResultSheet, ResultTable> = {
    rounds: { sheet: 'rounds', headers: [...RESULT_HEADERS], rows: resultRows(snapshot) },
    households: householdTable(snapshot),
    judges: judgeTable(snapshot, record),
    replacements: replacementTable(snapshot),
    corrections: correctionTable(record),
    log: logTable(record),
  };
  return tables;
}

/** One table as CSV (UTF-8 with BOM for Excel; formula-looking text neutralised by csvLine). */
export function resultsCsv(table: ResultTable): string {
  return UTF8_BOM + csvLine(table.headers) + table.rows.map(csvLine).join('');
}

export async function resultsXlsx(snapshot: ShowSnapshot, tables: Record<ResultSheet, ResultTable>): Promise<Buffer> {
  // Loaded when a workbook is made: at the top it would cost every server start a fifth of a second.
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.Workbook();
  for (const table of RESULT_SHEETS.map((sheet) => tables[sheet])) {
    const sheet = workbook.addWorksheet(RESULT_SHEET_TITLE[table.sheet]);
    sheet.addRow([`${snapshot.title}${snapshot.rehearsal ? '（演练）' : ''}`, snapshot.eventDate, snapshot.venue]);
    sheet.addRow(table.headers).font = { bold: true };
    // Text cells stay text: a value starting with = is written with an apostrophe, never as a formula.
    for (const row of table.rows) sheet.addRow(row.map(neutraliseFormula));
    sheet.columns.forEach((column) => {
      column.width = 14;
    });
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
