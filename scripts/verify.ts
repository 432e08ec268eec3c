/**
 * npm run verify -- BUNDLE [--roster FILE…]
 * Re-checks a draw offline and prints a report; exits 0 only if every check holds.
 * With --roster, the roster files are hashed by the registry's own import path and the pool
 * is rebuilt from them and the plan (the cool-down exclusions are listed in the bundle).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { outcomeOf, verdictOf, verifyBundle, type DrawBundle, type VerificationCheck } from '../server/verify/bundle';
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

const args = process.argv.slice(2);
const rosterIndex = args.indexOf('--roster');
const rosterFiles = rosterIndex >= 0 ? args.splice(rosterIndex).slice(1) : [];
const [bundlePath] = args;
if (!bundlePath) {
  console.error('用法：npm run verify -- 验证包.json [--roster 名册文件…]');
  process.exit(2);
}

let input: unknown;
try {
  input = JSON.parse(readFileSync(bundlePath, 'utf8'));
} catch (error) {
  console.error(`无法读取验证包：${(error as Error).message}`);
  process.exit(1);
}
const report = verifyBundle(input);
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
const outcome = outcomeOf(ok, { auditeeStages: bundle.auditeeStages ?? null });
const verdict = verdictOf({ ...report, ok, outcome, checks });
console.log(
  ok ? `\n结论：全部检查通过。${verdict.headline}` : `\n结论：${verdict.headline}。未通过的检查：${failed.join('、')}`,
);
for (const note of verdict.notes) console.log(`      ${note}`);
process.exit(ok ? 0 : 1);
