import { PRINT_BUTTON_HTML } from '../http/print-button';
import ExcelJS from 'exceljs';
import { AUDITEE_REPLACEMENT_REASONS } from '../protocol/draw';
import type { EventLogEntry, ShowSnapshot } from '../protocol/show';
import { csvLine, neutraliseFormula, UTF8_BOM } from '../registry/export/csv-writer';
import { escapeHtml } from '../print/bulletin';
import { EVENT_MODE_LABEL, type EventSummary } from '../protocol/show';

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

/**
 * The printable 抽查记录: the event, what was frozen, every logged step with its time, actor and
 * hash, the results, and signature lines. For staff (it names the auditees; never households).
 */
export function renderRecord(
  event: EventSummary,
  snapshot: ShowSnapshot,
  log: readonly EventLogEntry[],
  verifyUrl: string,
): string {
  const facts: [string, string][] = [
    ['活动', `${event.title}${event.rehearsal ? '（演练，不计入正式记录）' : ''}`],
    ['日期与地点', `${event.eventDate}\u3000${event.venue}`],
    ['形式', EVENT_MODE_LABEL[event.mode]],
    ['抽取范围', snapshot.draw.scope],
    ['名单池人数', `${snapshot.draw.poolSize} 人`],
    ['名册哈希', snapshot.draw.rosterHash],
    ['方案哈希', snapshot.draw.planHash],
    ['名单池哈希', snapshot.draw.poolHash],
    ['密钥承诺值', snapshot.draw.commitment],
    ['公开随机数', snapshot.draw.entropy ?? '（尚未锁定）'],
    ['公开的密钥', snapshot.draw.secret ?? '（尚未公开）'],
    ['种子', snapshot.draw.seed ?? '（尚未产生）'],
    ['日志末哈希', snapshot.logHead],
    ['抽取编号', snapshot.draw.drawId],
  ];
  const rows = resultRows(snapshot);
  const time = (iso: string) => iso.replace('T', ' ').replace(/\.\d+Z$/u, 'Z');
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>抽查记录 · ${escapeHtml(event.title)}</title>
<link rel="stylesheet" href="/fonts/noto-sans-sc/400.css">
<link rel="stylesheet" href="/fonts/noto-sans-sc/700.css">
<style>
  body { font-family: 'Noto Sans SC', sans-serif; max-width: 1000px; margin: 28px auto; color: #111; line-height: 1.5; font-size: 14px; }
  h1 { text-align: center; font-size: 24px; margin-bottom: 4px; }
  h2 { font-size: 17px; margin-top: 28px; }
  .sub { text-align: center; color: #555; margin-top: 0; }
  .rehearsal { border: 3px solid #b3261e; color: #b3261e; text-align: center; font-weight: 700; padding: 6px; }
  table { width: 100%; border-collapse: collapse; margin: 10px 0; }
  th, td { border: 1px solid #999; padding: 5px 7px; text-align: left; vertical-align: top; }
  th { background: #f3f3f3; }
  .facts th { width: 130px; }
  .hash { font-family: monospace; word-break: break-all; font-size: 12px; }
  .sign { display: grid; grid-template-columns: repeat(3, 1fr); gap: 24px; margin-top: 56px; }
  .sign div { border-top: 1px solid #333; padding-top: 6px; text-align: center; }
  button { font: inherit; padding: 4px 16px; }
  @media print { body { margin: 0 auto; } .noprint { display: none; } }
</style>
</head>
<body>
${event.rehearsal ? '<p class="rehearsal">演练 · 非正式抽查</p>' : ''}
<h1 data-testid="record-title">抽查记录</h1>
<p class="sub">${escapeHtml(event.title)}</p>
<table class="facts">
${facts.map(([label, value]) => `<tr><th>${escapeHtml(label)}</th><td${/哈希|承诺|随机数|密钥|种子|编号/u.test(label) ? ' class="hash"' : ''}>${escapeHtml(value)}</td></tr>`).join('\n')}
</table>
<h2>结果</h2>
<table data-testid="record-results">
<tr>${['轮次', '编号', '姓名', '单位', '递补记录', '满意率', '评委得分', '综合得分', '等次', '评分更正'].map((h) => `<th>${h}</th>`).join('')}</tr>
${rows.map((r) => `<tr>${[r[0], r[1], r[2], r[3], r[6], r[11], r[14], r[16], r[17], r[18]].map((v) => `<td>${escapeHtml(v ?? '')}</td>`).join('')}</tr>`).join('\n')}
</table>
<h2>操作日志（共 ${log.length} 条，逐条哈希链接）</h2>
<table data-testid="record-log">
<tr><th>序号</th><th>时间（UTC）</th><th>操作人</th><th>内容</th><th>哈希</th></tr>
${log.map((e) => `<tr><td>${e.seq}</td><td>${escapeHtml(time(e.at))}</td><td>${escapeHtml(e.actor)}</td><td>${escapeHtml(e.text)}</td><td class="hash">${e.hash.slice(0, 16)}…</td></tr>`).join('\n')}
</table>
<p>验证：下载验证包后在 <b>${escapeHtml(verifyUrl)}</b> 或用 <code>npm run verify</code> 复核全部抽取与计分。</p>
<div class="sign"><div>操作员</div><div>监督员</div><div>公证员</div></div>
${PRINT_BUTTON_HTML}
</body>
</html>`;
}
