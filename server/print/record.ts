import { EVENT_MODE_LABEL, type EventLogEntry, type EventSummary, type ShowSnapshot } from '../protocol/show';
import { resultRows } from '../live/results-export';
import { SEED_PARTIES_SHORT_LABEL, seedPartiesOf } from '../protocol/verify';
import type { BulletinSeal } from './bulletin';
import { factRows, markup, printPage, signatureLines } from './layout';

const RECORD_CSS = `  body { max-width: 1000px; line-height: 1.5; font-size: 14px; }
  h2 { font-size: 17px; margin-top: 28px; }
  .facts th { width: 130px; }
  .hash { font-size: 12px; }
`;

/** The result columns the printed record keeps (indexes into RESULT_HEADERS), with their shorter headings. */
const RESULT_COLUMNS: readonly (readonly [number, string])[] = [
  [0, '轮次'],
  [1, '编号'],
  [2, '姓名'],
  [3, '单位'],
  [6, '递补记录'],
  [11, '满意率'],
  [14, '评委得分'],
  [16, '综合得分'],
  [17, '等次'],
  [18, '评分更正'],
];

const logTime = (iso: string) => iso.replace('T', ' ').replace(/\.\d+Z$/u, 'Z');

/**
 * The printable 抽查记录: the event, what was frozen, every logged step with its time, actor and
 * hash, the results, and signature lines. For staff (it names the auditees; never households).
 */
export function renderRecord(
  event: EventSummary,
  snapshot: ShowSnapshot,
  log: readonly EventLogEntry[],
  seal: BulletinSeal,
  verifyUrl: string,
): string {
  const { draw } = seal;
  const parties = seedPartiesOf(draw.notary);
  // A single-party draw, a simulated notary and an abandoned draw say so on the record itself.
  const notaryRows: [string, string][] = draw.notary
    ? [
        ['公证员密钥承诺值', `${draw.notary.commitment}${draw.notary.simulated ? '（演练：模拟公证员）' : ''}`],
        ['公证员公开的密钥', draw.notarySecret ?? '（尚未公开）'],
      ]
    : [];
  const abandonedRows: [string, string][] = draw.abandoned ? [['作废', `已作废：${draw.abandoned.reason}`]] : [];
  const facts: [string, string][] = [
    ['活动', `${event.title}${event.rehearsal ? '（演练，不计入正式记录）' : ''}`],
    ['日期与地点', `${event.eventDate}\u3000${event.venue}`],
    ['形式', EVENT_MODE_LABEL[event.mode]],
    ['抽取范围', snapshot.draw.scope],
    ['名单池人数', `${snapshot.draw.poolSize} 人`],
    ['名册哈希', snapshot.draw.rosterHash],
    ['方案哈希', snapshot.draw.planHash],
    ['名单池哈希', snapshot.draw.poolHash],
    ['密钥方式', SEED_PARTIES_SHORT_LABEL[parties]],
    ['密钥承诺值', snapshot.draw.commitment],
    ...notaryRows,
    ['公开随机数', snapshot.draw.entropy ?? '（尚未锁定）'],
    ['公开的密钥', snapshot.draw.secret ?? '（尚未公开）'],
    ['种子', snapshot.draw.seed ?? '（尚未产生）'],
    ['日志末哈希', snapshot.logHead],
    ['封存记录哈希', draw.sealHash],
    ['抽取编号', snapshot.draw.drawId],
    ...abandonedRows,
  ];
  const results = resultRows(snapshot).map(
    (row) => markup`<tr>${RESULT_COLUMNS.map(([index]) => markup`<td>${row[index] ?? ''}</td>`)}</tr>\n`,
  );
  const steps = log.map(
    (entry) =>
      markup`<tr><td>${entry.seq}</td><td>${logTime(entry.at)}</td><td>${entry.actor}</td><td>${entry.text}</td><td class="hash">${entry.hash.slice(0, 16)}…</td></tr>\n`,
  );
  return printPage({
    title: `抽查记录 · ${event.title}`,
    heading: '抽查记录',
    sub: `${event.title} · ${SEED_PARTIES_SHORT_LABEL[parties]}${draw.abandoned ? ' · 已作废' : ''}`,
    testId: 'record',
    rehearsal: event.rehearsal,
    css: RECORD_CSS,
    body: markup`<table class="facts">
${factRows(facts, /哈希|承诺|随机数|公开的密钥|种子|编号/u)}</table>
<h2>结果</h2>
<table data-testid="record-results">
<tr>${RESULT_COLUMNS.map(([, heading]) => markup`<th>${heading}</th>`)}</tr>
${results}</table>
<h2>操作日志（共 ${log.length} 条，逐条哈希链接）</h2>
<table data-testid="record-log">
<tr><th>序号</th><th>时间（UTC）</th><th>操作人</th><th>内容</th><th>哈希</th></tr>
${steps}</table>
<p>验证：下载验证包后在 <b>${verifyUrl}</b> 或用 <code>npm run verify</code> 复核全部抽取与计分。</p>
${signatureLines()}`,
  });
}
