/**
 * npm run import -- [--program CODE] [--db FILE] FILE…
 * Imports roster files (CSV in UTF-8/GBK, or XLSX) into a new roster version, through the same
 * path as the console's upload. Prints the version and its hash, or every problem found.
 */
import { join } from 'node:path';
import { openDatabase } from '../server/store/db';
import { ensureBuiltinPrograms, findProgram, listPrograms, DEFAULT_PROGRAM } from '../server/registry/programs';
import { importRosterFiles } from '../server/registry/import/import-files';
import { ImportRejectedError } from '../server/registry/import/roster-import';
import { REPO_ROOT } from '../server/app';
import { AppError } from '../server/errors';
import { openDraws } from '../server/draws/open-draws';
import { buildEventServices } from '../server/events/event-services';
import { systemClock, systemRandom } from '../server/runtime';

const args = process.argv.slice(2);
function option(name: string): string | undefined {
  const index = args.indexOf(name);
  return index >= 0 ? args.splice(index, 2)[1] : undefined;
}
const programCode = option('--program') ?? DEFAULT_PROGRAM;
const dbPath = option('--db') ?? process.env.CHOUCHA_DB ?? join(REPO_ROOT, 'data', 'choucha.db');
if (args.length === 0) {
  console.error('用法：npm run import -- [--program 项目代码] [--db 数据库文件] 文件…');
  process.exit(2);
}

const db = openDatabase(dbPath);
ensureBuiltinPrograms(db);
const program = findProgram(db, programCode);
if (!program) {
  console.error(
    `没有项目 ${programCode}。可用：${listPrograms(db)
      .map((p) => `${p.code}（${p.name}）`)
      .join('、')}`,
  );
  process.exit(2);
}
try {
  // The same rule as the console's upload: this process would hold the write lock while a show is on air.
  const { draws } = openDraws(db, { dbPath, clock: systemClock, random: systemRandom });
  buildEventServices(db, draws, systemClock, systemRandom).events.refuseImportOnAir();
} catch (error) {
  if (!(error instanceof AppError)) throw error;
  console.error(`未导入：${error.message}。[${error.code}]`);
  process.exit(2);
}
try {
  const started = performance.now();
  const result = await importRosterFiles(
    db,
    args.map((path) => ({ path })),
    { programCode, actor: 'cli', now: new Date().toISOString() },
  );
  for (const file of result.files) console.log(`  ${file.name}：${file.kind}，${file.encoding}，${file.rows} 行`);
  if (result.status === 'created' && result.version) {
    console.log(
      `已生成${program.name}名册版本 ${result.version.seq}：${result.version.auditeeCount} 名${program.auditeeLabel}，${result.version.contactCount} ${program.contactLabel === '户' ? '户' : `名${program.contactLabel}`}，用时 ${((performance.now() - started) / 1000).toFixed(1)} 秒`,
    );
    console.log(`SHA-256 ${result.version.hash}`);
  } else if (result.status === 'unchanged' && result.visitLog) {
    console.log(`走访记录与当前版本 ${result.visitLog.version.seq} 相同，未生成新版本。`);
  } else if (result.status === 'unchanged') {
    console.log(`内容与当前版本 ${result.version?.seq} 相同，未生成新版本。`);
  } else if (result.status === 'grid-updated') {
    console.log('网格表已更新。');
  }
  if (result.visitLog?.status === 'created') {
    const log = result.visitLog.version;
    console.log(
      `已生成${program.name}走访记录版本 ${log.seq}（核对名册版本 ${log.rosterVersionId}）：${log.entryCount} 条记录，涉及 ${log.contactCount} 个联系对象`,
    );
    console.log(`SHA-256 ${log.hash}`);
  }
} catch (error) {
  if (!(error instanceof ImportRejectedError)) throw error;
  console.error(`导入失败，未导入任何数据。共 ${error.totalProblems} 处问题：`);
  for (const p of error.problems) {
    console.error(
      `  ${p.file}${p.row ? ` 第 ${p.row} 行` : ''}${p.column ? `「${p.column}」` : ''}：${p.message} [${p.code}]`,
    );
  }
  process.exitCode = 1;
} finally {
  db.close();
}
