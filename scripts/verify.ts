/**
 * npm run verify -- BUNDLE [--seal-record LINE] [--bulletin-commitment HEX]… [--tree-head SIZE:ROOT] [--key-id HEX] [--roster FILE…]
 * Re-checks a draw offline and prints a report; exits 0 only if every check holds.
 * --bulletin-commitment (repeatable), --tree-head and --key-id: what the bulletin printed before the
 * show; without them a bundle only proves itself (anyone can grind a new secret and re-hash both
 * logs), so whatever was not given is listed, boxed, as what to compare by eye. --seal-record: the
 * bulletin's QR line (choucha:seal:…), which gives the seal record itself, both commitments and the
 * tree head at once.
 * With --roster, the roster files are hashed by the registry's own import path and the pool
 * is rebuilt from them and the plan (the cool-down exclusions are listed in the bundle).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { outcomeOf, verdictOf, verifyBundle, type DrawBundle, type VerificationCheck } from '../server/verify/bundle';
import { parseTreeHead, type BulletinExpectations } from '../server/verify/bulletin-checks';
import { parseSealRecordText } from '../server/verify/seal-record-text';
import { SEED_PARTIES_LABEL } from '../server/protocol/verify';
import {
  buildPool,
  poolHash,
  publishedHistory,
  type EligibilityAuditee,
  type EligibilityContact,
} from '../server/draw-engine/eligibility';
import { openDatabase } from '../server/store/db';
import { ensureBuiltinPrograms } from '../server/registry/programs';
import { importRosterFiles } from '../server/registry/import/import-files';
import { ImportRejectedError } from '../server/registry/import/roster-import';

const USAGE =
  '用法：npm run verify -- 验证包.json [--seal-record 公告二维码文字] [--bulletin-commitment 承诺值]… [--tree-head 条数:根哈希] [--key-id 指纹] [--roster 名册文件…]';
const args = process.argv.slice(2);
const rosterIndex = args.indexOf('--roster');
const rosterFiles = rosterIndex >= 0 ? args.splice(rosterIndex).slice(1) : [];

/** The bulletin's values from the command line (each flag takes the next argument). */
function bulletinOf(list: string[]): { expected: BulletinExpectations; rest: string[] } {
  const expected: BulletinExpectations = {};
  const rest: string[] = [];
  for (let i = 0; i < list.length; i += 1) {
    const arg = list[i] as string;
    const value = list[i + 1];
    if (!['--seal-record', '--bulletin-commitment', '--tree-head', '--key-id'].includes(arg)) {
      rest.push(arg);
      continue;
    }
    if (value === undefined) throw new Error(`${arg} 后须跟一个值`);
    i += 1;
    if (arg === '--seal-record') {
      const seal = parseSealRecordText(value);
      if (!seal) throw new Error(`这不是公告二维码上的封存记录（应以 choucha:seal: 开头）：${value}`);
      expected.seal = { sealVersion: seal.sealVersion, drawId: seal.drawId, sealHash: seal.sealHash };
      expected.commitments = [
        ...(expected.commitments ?? []),
        seal.commitment,
        ...(seal.notaryCommitment ? [seal.notaryCommitment] : []),
      ];
      if (seal.treeHead) expected.treeHead = seal.treeHead;
    } else if (arg === '--bulletin-commitment') {
      if (!/^[0-9a-fA-F]{64}$/u.test(value.trim())) throw new Error(`承诺值应为 64 位十六进制：${value}`);
      expected.commitments = [...(expected.commitments ?? []), value];
    } else if (arg === '--tree-head') {
      const head = parseTreeHead(value);
      if (!head) throw new Error(`树头应为“条数:根哈希”或“根哈希”（64 位十六进制）：${value}`);
      expected.treeHead = head;
    } else {
      if (!/^[0-9a-fA-F]{64}$/u.test(value.trim())) throw new Error(`密钥指纹应为 64 位十六进制：${value}`);
      expected.keyId = value;
    }
  }
  return { expected, rest };
}

let parsed: ReturnType<typeof bulletinOf>;
try {
  parsed = bulletinOf(args);
} catch (error) {
  console.error(`${(error as Error).message}\n${USAGE}`);
  process.exit(2);
}
const { expected } = parsed;
const [bundlePath, ...extra] = parsed.rest;
if (!bundlePath || extra.length > 0) {
  console.error(USAGE);
  process.exit(2);
}

let input: unknown;
try {
  input = JSON.parse(readFileSync(bundlePath, 'utf8'));
} catch (error) {
  console.error(`无法读取验证包：${(error as Error).message}`);
  process.exit(1);
}
const report = verifyBundle(input, expected);
const checks: VerificationCheck[] = [...report.checks];

async function checkRoster(bundle: DrawBundle): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'choucha-verify-'));
  const db = openDatabase(join(dir, 'roster.db'));
  try {
    ensureBuiltinPrograms(db);
    const result = await importRosterFiles(
      db,
      rosterFiles.map((path) => ({ path })),
      { programCode: bundle.programCode, actor: 'verify', now: new Date().toISOString() },
    );
    const hash = result.version?.hash ?? '';
    checks.push({
      id: 'roster-file',
      label: '名册文件哈希',
      ok: hash === bundle.roster.hash,
      detail: `文件复算 ${hash}`,
    });
    const versionId = result.version?.id ?? 0;
    const auditees = db
      .prepare('SELECT number, unit, industry, town, area, village, status FROM auditees WHERE version_id = ?')
      .all(versionId) as EligibilityAuditee[];
    const contacts = db
      .prepare('SELECT number, auditee_number AS auditeeNumber, phone, consent FROM contacts WHERE version_id = ?')
      .all(versionId) as EligibilityContact[];
    const history = publishedHistory(bundle.plan, bundle.pool);
    const rebuilt = poolHash(buildPool(bundle.plan, auditees, contacts, history).pool);
    checks.push({
      id: 'roster-pool',
      label: '由名册文件和方案重建名单池',
      ok: rebuilt === bundle.poolHash,
      detail: `重建 ${rebuilt}`,
    });
  } catch (error) {
    const detail =
      error instanceof ImportRejectedError ? error.problems.map((p) => p.message).join('；') : (error as Error).message;
    checks.push({ id: 'roster-file', label: '名册文件哈希', ok: false, detail });
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (rosterFiles.length > 0 && report.checks[0]?.ok) await checkRoster(input as DrawBundle);

const bundle = input as Partial<DrawBundle>;
console.log(`choucha 抽取验证  ${bundle.drawId ?? ''}`);
console.log(`验证包：${bundlePath}\n`);
for (const c of checks) console.log(`${c.ok ? '✓' : '✗'} ${c.label}${c.detail ? `：${c.detail}` : ''}`);
const ok = checks.every((c) => c.ok);
const failed = checks.filter((c) => !c.ok).map((c) => `${c.label}（${c.id}）`);
// The roster checks run here, outside the pure verifier: the verdict is recomputed with them.
// The abandoned mark goes in too: an abandoned draw is 作废 whether or not anyone had been drawn.
const outcome = outcomeOf(ok, { auditeeStages: bundle.auditeeStages ?? null, abandoned: bundle.abandoned ?? null });
const verdict = verdictOf({ ...report, ok, outcome, checks });
console.log(
  ok ? `\n结论：全部检查通过。${verdict.headline}` : `\n结论：${verdict.headline}。未通过的检查：${failed.join('、')}`,
);
// Who held the secrets and what to compare by eye get their own lines below, not a note among notes.
const partiesLabel = SEED_PARTIES_LABEL[report.parties];
for (const note of verdict.notes.filter((n) => n !== partiesLabel && !n.startsWith('以下几项软件无法替你核对'))) {
  console.log(`      ${note}`);
}
if (ok) {
  console.log(`\n密钥由谁持有：${partiesLabel}`);
  if (report.eyeChecks.length > 0) console.log(`\n${eyeBox(report.eyeChecks)}`);
}
process.exit(ok ? 0 : 1);

/** What the software could not compare, boxed so nobody reads past it. */
function eyeBox(items: string[]): string {
  const lines = ['请亲眼核对（软件无法替你比对，须与公告、直播录像逐字核对）：', ...items.map((item) => `· ${item}`)];
  const rule = '═'.repeat(60);
  return [`╔${rule}`, ...lines.map((line) => `║ ${line}`), `╚${rule}`].join('\n');
}
