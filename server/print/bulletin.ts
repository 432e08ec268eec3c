import { PRINT_BUTTON_HTML } from '../http/print-button';
import { EVENT_MODE_LABEL, type EventSummary, type ShowSnapshot } from '../protocol/show';
import { describeQuotas, RISK_TIERS, RISK_TIER_MEANING, stratifiesByRisk } from '../protocol/draw';

export const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/gu,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );

/** A plan's scope in words: which part of the county, which units and industries. */
export function scopeOf(plan: EventSummary['settings']['plan']): string {
  const rule = plan.eligibility;
  const parts = [
    rule.only ? `回头看：限 ${rule.only.length} 名需复查人员` : '',
    rule.grid.length === 0 ? '全县' : rule.grid.map((path) => path.join(' / ')).join('、'),
    rule.units.length > 0 ? `单位：${rule.units.join('、')}` : '',
    rule.industries.length > 0 ? `行业：${rule.industries.join('、')}` : '',
    `人员状态：${rule.statuses.join('、')}`,
    rule.coolDownDays > 0 ? `近 ${rule.coolDownDays} 天内已被抽查的不再抽取` : '',
    rule.avoid.length > 0 ? `回避 ${rule.avoid.length} 人` : '',
  ];
  return parts.filter(Boolean).join('；');
}

/**
 * The printable 抽查公告, published before the show: what was frozen and the operator's
 * commitment, so a notary can hold a copy and anyone can later check the reveal against it.
 * Public: numbers and hashes only.
 */
export function renderBulletin(event: EventSummary, snapshot: ShowSnapshot, verifyUrl: string): string {
  const plan = event.settings.plan;
  const count = describeQuotas(plan);
  const rows: [string, string][] = [
    ['活动', `${event.title}${event.rehearsal ? '（演练，不计入正式记录）' : ''}`],
    ['日期与地点', `${event.eventDate}\u3000${event.venue}`],
    ['形式', EVENT_MODE_LABEL[event.mode]],
    ['抽取范围', scopeOf(event.settings.plan)],
    [
      '抽取人数',
      `${count}；每人抽取联系对象 ${plan.contactsPerAuditee} 名；递补上限：人员 ${plan.replacementCaps.auditees} 次，每人联系对象 ${plan.replacementCaps.contactsPerAuditee} 次`,
    ],
    ...(stratifiesByRisk(plan)
      ? ([['风险等级', RISK_TIERS.map((tier) => `${tier}：${RISK_TIER_MEANING[tier]}`).join('；')]] as [
          string,
          string,
        ][])
      : []),
    ['名单池人数', `${snapshot.draw.poolSize} 人`],
    ['名册哈希（SHA-256）', snapshot.draw.rosterHash],
    ['方案哈希', snapshot.draw.planHash],
    ['名单池哈希', snapshot.draw.poolHash],
    ['密钥承诺值', snapshot.draw.commitment],
    ['抽取编号', snapshot.draw.drawId],
  ];
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>抽查公告 · ${escapeHtml(event.title)}</title>
<link rel="stylesheet" href="/fonts/noto-sans-sc/400.css">
<link rel="stylesheet" href="/fonts/noto-sans-sc/700.css">
<style>
  body { font-family: 'Noto Sans SC', sans-serif; max-width: 800px; margin: 32px auto; color: #111; line-height: 1.6; }
  h1 { text-align: center; font-size: 26px; margin-bottom: 4px; }
  .sub { text-align: center; color: #555; margin-top: 0; }
  .rehearsal { border: 3px solid #b3261e; color: #b3261e; text-align: center; font-weight: 700; padding: 6px; }
  table { width: 100%; border-collapse: collapse; margin: 20px 0; }
  th, td { border: 1px solid #999; padding: 8px 10px; text-align: left; vertical-align: top; }
  th { width: 170px; background: #f3f3f3; }
  td.hash { font-family: monospace; word-break: break-all; }
  .steps { font-size: 14px; }
  .sign { display: grid; grid-template-columns: repeat(3, 1fr); gap: 24px; margin-top: 48px; }
  .sign div { border-top: 1px solid #333; padding-top: 6px; text-align: center; }
  button { font: inherit; padding: 4px 16px; }
  @media print { body { margin: 0 auto; } .noprint { display: none; } }
</style>
</head>
<body>
${event.rehearsal ? '<p class="rehearsal" data-testid="bulletin-rehearsal">演练 · 非正式抽查</p>' : ''}
<h1 data-testid="bulletin-title">抽查公告</h1>
<p class="sub">${escapeHtml(event.title)}</p>
<table>
${rows.map(([label, value]) => `<tr><th>${escapeHtml(label)}</th><td${/哈希|承诺|编号/u.test(label) ? ' class="hash"' : ''}>${escapeHtml(value)}</td></tr>`).join('\n')}
</table>
<div class="steps">
<p>抽取程序：名册、方案与名单池已在任何随机数产生之前冻结，其哈希如上。操作员的密钥已事先生成，只公布其承诺值（SHA-256）。直播时由公证员现场掷骰产生不少于 20 位的公开随机数并锁定，之后才公开密钥；种子由上述哈希、密钥与公开随机数共同决定，任何一方都无法事先知道或事后改变结果。抽中者缺席或须回避时，按公布的顺序由下一位递补并说明原因，不重新抽取。</p>
<p>结束后公布验证包，任何人可在 <b>${escapeHtml(verifyUrl)}</b> 或用 <code>npm run verify</code> 复核。</p>
</div>
<div class="sign"><div>操作员</div><div>监督员</div><div>公证员</div></div>
${PRINT_BUTTON_HTML}
</body>
</html>`;
}
