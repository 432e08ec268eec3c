import { EVENT_MODE_LABEL, type EventSummary, type ShowSnapshot } from '../protocol/show';
import { SEED_PARTIES_SHORT_LABEL, seedPartiesOf } from '../protocol/verify';
import { AUDITEE_REPLACEMENT_REASONS } from '../protocol/draw';
import { OUTCOMES } from '../protocol/round';
import { timeZoneLabel } from '../local-time/local-time';
import type { BulletinSeal } from './bulletin';
import { factRows, markup, printPage, signatureLines, type Markup } from './layout';
import { buildShowRecord, type RecordLogEntry, type RecordStep, type RoundRecord } from './record-timeline';

/**
 * A4 with the page number in the bottom margin; each round starts a page, so a round's record is
 * never split from its heading, and the appendix (what was on screen) comes last. Cells that hold a
 * name, number, tier or time never wrap: a name broken across lines reads as two people.
 */
const RECORD_CSS = `  @page { size: A4; margin: 12mm 12mm 16mm;
    @bottom-center { content: "第 " counter(page) " 页 / 共 " counter(pages) " 页";
      font-family: 'Noto Sans SC', sans-serif; font-size: 9pt; color: #444; } }
  body { max-width: 1000px; line-height: 1.45; font-size: 13px; }
  h1 { margin-top: 0; }
  h2 { font-size: 16px; margin: 18px 0 6px; }
  h3 { font-size: 14px; margin: 12px 0 4px; }
  table { margin: 6px 0 10px; }
  th, td { padding: 3px 5px; text-wrap: balance; }
  .facts th { width: 120px; white-space: nowrap; }
  .hash { font-size: 11px; }
  .nw { white-space: nowrap; }
  .num { text-align: right; white-space: nowrap; }
  .steps, .air { table-layout: fixed; }
  .steps td, .steps th, .air td, .air th { font-size: 12px; }
  col.seq { width: 44px; } col.time { width: 70px; } col.actor { width: 112px; }
  .air td, .air th { padding: 1px 5px; }
  .finding { font-weight: 700; color: #9b1c1c; }
  .sum p { margin: 2px 0; }
  .round, .appendix { break-before: page; }
  .closing { break-inside: avoid; }
  .sign { grid-template-columns: repeat(4, 1fr); }
  .sign div { padding-top: 4px; }
`;

/** The results table's row for a round: who was audited, what the households said, the scores. */
function summaryRow({ index, round }: RoundRecord): Markup {
  const score = round.score;
  const active = round.households.filter((h) => h.replaced === null);
  const count = (outcome: string) => active.filter((h) => h.outcome === outcome).length;
  const [confirmed = 0, contradicted = 0, unreached = 0] = OUTCOMES.map(count);
  const pts = (h: number | null | undefined) => (h === null || h === undefined ? '—' : (h / 100).toFixed(2));
  return markup`<tr data-testid="record-summary-row"><td class="nw">第 ${index + 1} 轮</td><td class="nw">${round.auditee.number} ${round.auditee.name}</td><td>${round.auditee.unit}</td><td class="num">${active.length}</td><td class="num">${confirmed}</td><td class="num${contradicted > 0 ? ' finding' : ''}">${contradicted}</td><td class="num">${unreached}</td><td class="num">${pts(score?.households.satisfactionRateHundredths)}${score?.households.satisfactionRateHundredths === null || !score ? '' : '%'}</td><td class="num">${pts(score?.households.scoreHundredths)}</td><td class="num">${pts(score?.judges?.finalHundredths)}</td><td class="num">${pts(score?.combinedHundredths)}</td><td class="nw">${score?.tier ?? '—'}</td></tr>\n`;
}

const stepRows = (steps: readonly RecordStep[], testId: string, css = 'steps'): Markup =>
  markup`<table class="${css}" data-testid="${testId}">
<colgroup><col class="seq"><col class="time"><col class="actor"><col></colgroup>
<tr><th class="nw">序号</th><th class="nw">时间</th><th class="nw">操作人</th><th>内容</th></tr>
${steps.map((s) => markup`<tr><td class="num">${s.seq}</td><td class="nw">${s.time}</td><td class="nw">${s.actor}</td><td>${s.text}</td></tr>\n`)}</table>`;

function householdTable(record: RoundRecord): Markup {
  if (record.households.length === 0) return markup`<p>本轮未抽取核实户。</p>`;
  return markup`<table data-testid="record-households">
<tr><th class="nw">户号</th><th class="nw">姓名</th><th class="nw">村</th><th class="nw">呼叫</th><th class="nw">核实结果</th><th class="nw">满意度</th><th>递补</th><th>更正（原 → 新）</th></tr>
${record.households.map(
  (h) =>
    markup`<tr data-testid="record-household"><td class="nw">${h.number}</td><td class="nw">${h.name}</td><td class="nw">${h.village}</td><td class="nw">${h.callStatus}</td><td class="nw${h.outcome === '不符' ? ' finding' : ''}">${h.outcome}</td><td class="nw">${h.satisfaction}</td><td>${h.replaced}</td><td>${h.corrections.join('；')}</td></tr>\n`,
)}</table>`;
}

function judgeTable(record: RoundRecord, criteria: readonly string[]): Markup {
  if (record.judges.length === 0) return markup``;
  const itemized = criteria.length > 1;
  return markup`<table data-testid="record-judges">
<tr><th class="nw">席位</th><th class="nw">评委</th>${itemized && criteria.map((c) => markup`<th class="nw">${c}</th>`)}<th class="nw">得分</th><th class="nw">计分</th><th>历次评分</th></tr>
${record.judges.map((j) => {
  const last = j.versions.at(-1);
  const status = j.recused ? '回避' : j.trimmed || (j.final === null ? '未评分' : '');
  const history = j.versions.map((v) => `${v.time} ${v.kind} ${v.total}${v.reason ? `（原因：${v.reason}）` : ''}`);
  return markup`<tr data-testid="record-judge"><td class="nw">${j.seat} 号</td><td class="nw">${j.name}</td>${itemized && criteria.map((_, i) => markup`<td class="num">${last?.items[i] ?? '—'}</td>`)}<td class="num">${j.final ?? '—'}</td><td class="nw">${status}</td><td>${history.join('；')}${j.recheckAsked ? '（监督员曾请复核）' : ''}</td></tr>\n`;
})}</table>`;
}

/** The round's sums as read: every number that enters the result, so the re-checker can redo them. */
function arithmetic({ round }: RoundRecord): Markup {
  const score = round.score;
  if (!score) return markup`<p>本轮尚无结果。</p>`;
  const lines: [string, string][] = [];
  if (score.judges) lines.push(['评委得分', `${score.judges.method}：${score.judges.announcement}`]);
  if (score.judgesShortfall) lines.push(['评委得分', score.judgesShortfall]);
  lines.push(['群众评价得分', score.households.formula ?? '无计分户']);
  if (score.combination) lines.push(['综合得分', score.combination.formula]);
  lines.push(['等次', score.tier ?? '—']);
  return markup`<div class="sum" data-testid="record-arithmetic">${lines.map(([label, text]) => markup`<p><b>${label}</b>：${text}</p>`)}</div>`;
}

const minutesSeconds = (ms: number) => {
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)} 分 ${String(seconds % 60).padStart(2, '0')} 秒`;
};
const reportTime = (report: RoundRecord['round']['report']) =>
  `用时 ${minutesSeconds(report.elapsedMs)}（规定 ${minutesSeconds(report.durationMs)}）`;

function roundSection(record: RoundRecord, criteria: readonly string[]): Markup {
  const { round } = record;
  const replaced = round.replacedAuditees.map(
    (r) => `${r.number} ${r.name}（${AUDITEE_REPLACEMENT_REASONS[r.reason]}）`,
  );
  return markup`<section class="round" data-testid="record-round">
<h2>第 ${record.index + 1} 轮 · <span class="nw">${round.auditee.number} ${round.auditee.name}</span></h2>
<table class="facts">
${factRows(
  [
    ['被抽查人员', `${round.auditee.number} ${round.auditee.name}`],
    ['单位与职务', [round.auditee.unit, round.auditee.post].filter(Boolean).join(' · ')],
    ['所在网格', round.auditee.gridPath],
    ...(round.report.status === 'idle' ? [] : ([['述职', reportTime(round.report)]] as [string, string][])),
    ...(replaced.length > 0 ? ([['递补', `先抽中 ${replaced.join('、')}，依次递补`]] as [string, string][]) : []),
  ],
  /^$/u,
)}</table>
<h3>核实户（姓名已遮蔽）</h3>
${householdTable(record)}
${record.judges.length > 0 && markup`<h3>评委评分</h3>\n${judgeTable(record, criteria)}`}
<h3>计分</h3>
${arithmetic(record)}
<h3>过程</h3>
${stepRows(record.steps, 'record-steps')}
</section>`;
}

/**
 * The printable 抽查记录, the document the county files: the event, what was frozen and committed,
 * the results with their arithmetic, each round's steps naming who did what, the air log in an
 * appendix, and signature lines. Times in the county's zone; the bundle keeps UTC. For staff: it
 * names the auditees and the judges; households by number and masked name only.
 */
export function renderRecord(
  event: EventSummary,
  snapshot: ShowSnapshot,
  log: readonly RecordLogEntry[],
  seal: BulletinSeal,
  verifyUrl: string,
  timeZone: string,
): string {
  const { draw } = seal;
  const parties = seedPartiesOf(draw.notary);
  const record = buildShowRecord(snapshot, log, timeZone);
  const zone = timeZoneLabel(timeZone, log[0]?.at ?? 0);
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
    ['名单池人数', `${snapshot.draw.poolSize} 人，计划抽取 ${snapshot.draw.plannedRounds} 人`],
    ['记录时间', record.started ? `${record.started} 至 ${record.ended}（${zone}）` : '尚未开始'],
    ['密钥方式', SEED_PARTIES_SHORT_LABEL[parties]],
    // The proofs below are set in a monospace font: the visit log's counts, in words, stay here.
    ...visitLogRows(snapshot.draw.visitLog).filter(([label]) => !label.endsWith('哈希')),
    ...abandonedRows,
  ];
  const proofs: [string, string][] = [
    ['名册哈希', snapshot.draw.rosterHash],
    ...visitLogRows(snapshot.draw.visitLog).filter(([label]) => label.endsWith('哈希')),
    ['方案哈希', snapshot.draw.planHash],
    ['名单池哈希', snapshot.draw.poolHash],
    ['密钥承诺值', snapshot.draw.commitment],
    ...notaryRows,
    ['公开随机数', snapshot.draw.entropy ?? '（尚未锁定）'],
    ['公开的密钥', snapshot.draw.secret ?? '（尚未公开）'],
    ['种子', snapshot.draw.seed ?? '（尚未产生）'],
    ['封存记录哈希', draw.sealHash],
    ...(draw.sealTreeHead
      ? ([
          [
            '公开日志签名树头',
            `第 ${draw.sealTreeHead.treeSize} 条 · 根哈希 ${draw.sealTreeHead.rootHash} · 密钥指纹 ${seal.keyId}`,
          ],
        ] as [string, string][])
      : []),
    ['活动日志末哈希', `${snapshot.logHead}（共 ${log.length} 条）`],
    ['抽取编号', snapshot.draw.drawId],
  ];
  const criteria = snapshot.scoring.criteria.map((c) => c.name);
  return printPage({
    title: `抽查记录 · ${event.title}`,
    heading: '抽查记录',
    sub: `${event.title} · ${SEED_PARTIES_SHORT_LABEL[parties]}${draw.abandoned ? ' · 已作废' : ''} · 时间均为${zone}`,
    testId: 'record',
    rehearsal: event.rehearsal,
    css: RECORD_CSS,
    body: markup`<table class="facts" data-testid="record-facts">
${factRows(facts, /^$/u)}</table>
<h2>结果汇总</h2>
<table data-testid="record-results">
<tr><th class="nw">轮次</th><th class="nw">被抽查人员</th><th>单位</th><th class="num">核实户</th><th class="num">属实</th><th class="num">不符</th><th class="num">未联系上</th><th class="num">满意率</th><th class="num">群众评价</th><th class="num">评委得分</th><th class="num">综合得分</th><th class="nw">等次</th></tr>
${record.rounds.map(summaryRow)}</table>
<h2>核验信息</h2>
<table class="facts" data-testid="record-proofs">
${factRows(proofs, /./u)}</table>
<p>验证：下载验证包后在 <b>${verifyUrl}</b> 或用 <code>npm run verify</code> 复核全部抽取与计分（验证包中的时间为 UTC）。</p>
${record.opening.length > 0 && markup`<h2>开场</h2>\n${stepRows(record.opening, 'record-opening')}`}
${record.rounds.map((round) => roundSection(round, criteria))}
<section class="closing">
${record.closing.length > 0 && markup`<h2>结束</h2>\n${stepRows(record.closing, 'record-closing')}`}
<p>经核对，以上记录与现场一致；各轮计分经复核人逐项复算。</p>
${signatureLines(['操作员（签名 / 日期）', '监督员（签名 / 日期）', '公证员（签名 / 日期）', '计分复核人（签名 / 日期）'])}
</section>
<section class="appendix">
<h2>附录：播出与画面操作记录（共 ${record.air.length} 条）</h2>
<p>画面预览、上屏、撤下与角标操作，按时间顺序；不影响抽取与计分，完整哈希链见验证包。</p>
${stepRows(record.air, 'record-air', 'air')}
</section>`,
  });
}

/** The visit log the seal pinned (走访记录), by hash and counts: its texts are never printed. */
export function visitLogRows(
  log: { hash: string; entryCount: number; contactCount: number } | null,
): [string, string][] {
  if (log === null) return [];
  return [
    ['走访记录', `${log.entryCount} 条记录，涉及 ${log.contactCount} 个联系对象（内容不公开）`],
    ['走访记录哈希', log.hash],
  ];
}
