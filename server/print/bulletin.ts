import { EVENT_MODE_LABEL, type EventSummary, type ShowSnapshot } from '../protocol/show';
import { describeQuotas, RISK_TIERS, RISK_TIER_MEANING, scopeOf, stratifiesByRisk } from '../protocol/draw';
import { factRows, markup, printPage, signatureLines } from './layout';

const BULLETIN_CSS = `  body { max-width: 800px; }
  th, td { padding: 8px 10px; }
  th { width: 170px; }
  .steps { font-size: 14px; }
`;

/**
 * The printable 抽查公告, published before the show: what was frozen and the operator's
 * commitment, so a notary can hold a copy and anyone can later check the reveal against it.
 * Public: numbers and hashes only.
 */
export function renderBulletin(event: EventSummary, snapshot: ShowSnapshot, verifyUrl: string): string {
  const plan = event.settings.plan;
  const riskTiers: [string, string][] = stratifiesByRisk(plan)
    ? [['风险等级', RISK_TIERS.map((tier) => `${tier}：${RISK_TIER_MEANING[tier]}`).join('；')]]
    : [];
  const facts: [string, string][] = [
    ['活动', `${event.title}${event.rehearsal ? '（演练，不计入正式记录）' : ''}`],
    ['日期与地点', `${event.eventDate}\u3000${event.venue}`],
    ['形式', EVENT_MODE_LABEL[event.mode]],
    ['抽取范围', scopeOf(plan)],
    [
      '抽取人数',
      `${describeQuotas(plan)}；每人抽取联系对象 ${plan.contactsPerAuditee} 名；递补上限：人员 ${plan.replacementCaps.auditees} 次，每人联系对象 ${plan.replacementCaps.contactsPerAuditee} 次`,
    ],
    ...riskTiers,
    ['名单池人数', `${snapshot.draw.poolSize} 人`],
    ['名册哈希（SHA-256）', snapshot.draw.rosterHash],
    ['方案哈希', snapshot.draw.planHash],
    ['名单池哈希', snapshot.draw.poolHash],
    ['密钥承诺值', snapshot.draw.commitment],
    ['抽取编号', snapshot.draw.drawId],
  ];
  return printPage({
    title: `抽查公告 · ${event.title}`,
    heading: '抽查公告',
    sub: event.title,
    testId: 'bulletin',
    rehearsal: event.rehearsal,
    css: BULLETIN_CSS,
    body: markup`<table>
${factRows(facts, /哈希|承诺|编号/u)}</table>
<div class="steps">
<p>抽取程序：名册、方案与名单池已在任何随机数产生之前冻结，其哈希如上。操作员的密钥已事先生成，只公布其承诺值（SHA-256）。直播时由公证员现场掷骰产生不少于 20 位的公开随机数并锁定，之后才公开密钥；种子由上述哈希、密钥与公开随机数共同决定，任何一方都无法事先知道或事后改变结果。抽中者缺席或须回避时，按公布的顺序由下一位递补并说明原因，不重新抽取。</p>
<p>结束后公布验证包，任何人可在 <b>${verifyUrl}</b> 或用 <code>npm run verify</code> 复核。</p>
</div>
${signatureLines()}`,
  });
}
