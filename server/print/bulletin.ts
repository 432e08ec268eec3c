import { EVENT_MODE_LABEL, type EventSummary, type ShowSnapshot } from '../protocol/show';
import {
  describeQuotas,
  RISK_TIERS,
  RISK_TIER_MEANING,
  scopeOf,
  stratifiesByRisk,
  type DrawView,
} from '../protocol/draw';
import { SEED_PARTIES_LABEL, SEED_PARTIES_SHORT_LABEL, seedPartiesOf } from '../protocol/verify';
import { sealRecordText } from '../verify/seal-record-text';
import { factRows, markup, printPage, signatureLines, trusted } from './layout';
import { visitLogRows } from './record';
import { qrSvg } from './seat-sheet';

const BULLETIN_CSS = `  body { max-width: 800px; }
  th, td { padding: 8px 10px; }
  th { width: 170px; }
  .steps { font-size: 14px; }
  .seal { display: grid; grid-template-columns: 230px 1fr; gap: 16px; align-items: start; break-inside: avoid; margin: 16px 0; }
  .seal figure { margin: 0; text-align: center; }
  .seal figcaption { font-size: 12px; color: #444; }
  .seal-text { font-family: monospace; font-size: 11px; word-break: break-all; border: 1px solid #999; padding: 6px 8px; margin: 6px 0 0; }
  .check { border: 2px solid #333; padding: 8px 14px; font-size: 14px; }
  .check h2 { font-size: 16px; margin: 0 0 4px; }
  .check ol { margin: 0; padding-left: 20px; }
  .parties { font-weight: 700; }
`;

/**
 * What the bulletin and the record print of the draw beyond the show's snapshot: the seal as the
 * public log holds it, the notary's part, and whether the draw was abandoned.
 */
export interface BulletinSeal {
  draw: Pick<DrawView, 'sealVersion' | 'sealHash' | 'notary' | 'notarySecret' | 'sealTreeHead' | 'abandoned'>;
  /** The county key's fingerprint (SHA-256 of its raw Ed25519 public key). */
  keyId: string;
}

/**
 * The printable 抽查公告, published before the show: what was frozen, both commitments, the public
 * log's signed head at sealing and the county key's fingerprint, and the seal record as a QR code.
 * A bundle is self-certifying (anyone can grind a new secret and re-hash its logs); this printed
 * copy, held by the notary and posted publicly, is what a bundle is compared with. Public: numbers
 * and hashes only.
 */
export function renderBulletin(
  event: EventSummary,
  snapshot: ShowSnapshot,
  seal: BulletinSeal,
  verifyUrl: string,
): string {
  const plan = event.settings.plan;
  const { draw, keyId } = seal;
  const parties = seedPartiesOf(draw.notary);
  const head = draw.sealTreeHead;
  const riskTiers: [string, string][] = stratifiesByRisk(plan)
    ? [['风险等级', RISK_TIERS.map((tier) => `${tier}：${RISK_TIER_MEANING[tier]}`).join('；')]]
    : [];
  const notaryRow: [string, string] = draw.notary
    ? [
        draw.notary.simulated ? `公证员承诺值（${SEED_PARTIES_SHORT_LABEL.simulated}）` : '公证员密钥承诺值',
        draw.notary.commitment,
      ]
    : // Not labelled 承诺值: a hash row is set in a monospace font without Chinese glyphs.
      ['公证员密钥', `无（${SEED_PARTIES_SHORT_LABEL['single-party']}）`];
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
    ...visitLogRows(snapshot.draw.visitLog),
    ['方案哈希', snapshot.draw.planHash],
    ['名单池哈希', snapshot.draw.poolHash],
    ['服务器密钥承诺值', snapshot.draw.commitment],
    notaryRow,
    ['封存记录哈希', draw.sealHash],
    ['抽取编号', snapshot.draw.drawId],
  ];
  const logFacts: [string, string][] = head
    ? [
        [
          '公开日志树头（封存时）',
          `共 ${head.treeSize} 条记录 · 签名时间 ${head.timestamp.replace('T', ' ').replace(/(\.\d+)?Z$/u, '（协调世界时）')}`,
        ],
        ['树根哈希', head.rootHash],
        ['县级签名密钥指纹', keyId],
      ]
    : [
        ['公开日志树头（封存时）', '本抽取封存于公开日志启用之前，无树头'],
        ['县级签名密钥指纹', keyId],
      ];
  const record = sealRecordText({
    sealVersion: draw.sealVersion,
    drawId: snapshot.draw.drawId,
    sealHash: draw.sealHash,
    commitment: snapshot.draw.commitment,
    notaryCommitment: draw.notary?.commitment ?? null,
    treeHead: head,
  });
  const commitments = draw.notary ? '两个承诺值' : '承诺值';
  return printPage({
    title: `抽查公告 · ${event.title}`,
    heading: '抽查公告',
    sub: event.title,
    testId: 'bulletin',
    rehearsal: event.rehearsal,
    css: BULLETIN_CSS,
    body: markup`<p class="parties" data-testid="bulletin-parties" data-parties="${parties}">${SEED_PARTIES_LABEL[parties]}</p>
<table>
${factRows(facts, /哈希|承诺|编号/u)}</table>
<table data-testid="bulletin-log">
${factRows(logFacts, /哈希|指纹/u)}</table>
<div class="seal">
<figure data-testid="bulletin-qr">${trusted(qrSvg(record, 220, '封存记录二维码'))}<figcaption>封存记录二维码</figcaption></figure>
<div>
<div class="check" data-testid="bulletin-how">
<h2>如何核对</h2>
<ol>
<li>下载验证包后，在 ${verifyUrl} 填入本公告上的${commitments}与树头（或扫描左侧二维码所得文字）：验证包封存的${commitments}、封存时树头（${head ? `${head.treeSize} 条，${head.rootHash.slice(0, 8)}…` : '无'}）与密钥指纹（${keyId.slice(0, 8)}…）都必须与本公告一致，否则结果无效。</li>
<li>直播时对照画面：掷出并录入的公开随机数须与验证包中的一致；每张结果画面角上的日志短哈希须在验证包的日志中出现。</li>
<li>公开日志只增不改：公开信息页列出全部封存记录（含演练与作废），其树头须包含本公告的树头。</li>
</ol>
</div>
<p class="seal-text" data-testid="bulletin-seal-text">${record}</p>
</div>
</div>
<div class="steps">
<p>抽取程序：名册、方案与名单池已在任何随机数产生之前冻结，其哈希如上。服务器的密钥${draw.notary ? (draw.notary.simulated ? '与模拟公证员的密钥（演练）' : '与公证员在其本人设备上生成的密钥') : ''}已事先生成，只公布其承诺值（SHA-256），并记入县级公开日志。直播时由公证员现场掷骰产生不少于 20 位的公开随机数并锁定，之后才公开密钥；种子由封存记录、${draw.notary ? '两份密钥' : '密钥'}与公开随机数共同决定${draw.notary && !draw.notary.simulated ? '，任何一方都无法事先知道或事后改变结果；公证员不能公开其密钥时本次抽取作废，须重新封存，不以服务器密钥单独代替' : '；本次未设公证员，须信任服务器密钥的保管'}。抽中者缺席或须回避时，按公布的顺序由下一位递补并说明原因，不重新抽取。</p>
<p>结束后公布验证包，任何人可在 <b>${verifyUrl}</b> 或用 <code>npm run verify</code> 复核。</p>
</div>
${signatureLines()}`,
  });
}
