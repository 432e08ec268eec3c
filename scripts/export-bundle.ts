/**
 * npm run export-bundle -- DRAW_ID [--db FILE] [--out FILE]
 * Writes a draw's verification bundle (numbers and hashes only) and prints its path last.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase } from '../server/store/db';
import { openDraws } from '../server/draws/open-draws';
import { systemClock, systemRandom } from '../server/runtime';
import { REPO_ROOT } from '../server/app';
import { AppError } from '../server/errors';
import { ShowRunner } from '../server/live/show-runner';
import { EventRepository } from '../server/events/event-repository';

const args = process.argv.slice(2);
function option(name: string): string | undefined {
  const index = args.indexOf(name);
  return index >= 0 ? args.splice(index, 2)[1] : undefined;
}
const dbPath = option('--db') ?? process.env.CHOUCHA_DB ?? join(REPO_ROOT, 'data', 'choucha.db');
const out = option('--out');
const [drawId] = args;
if (!drawId) {
  console.error('用法：npm run export-bundle -- 抽取编号 [--db 数据库文件] [--out 输出文件]');
  process.exit(2);
}
const db = openDatabase(dbPath);
try {
  const { draws } = openDraws(db, { dbPath, clock: systemClock, random: systemRandom });
  // Through the show runner: a draw that ran as a show carries the show's log and results.
  const bundle = new ShowRunner(db, new EventRepository(db), draws, systemClock).bundle(drawId);
  const path = out ?? join(process.cwd(), `choucha-bundle-${drawId}.json`);
  writeFileSync(path, `${JSON.stringify(bundle, null, 1)}\n`);
  console.log(path);
} catch (error) {
  if (error instanceof AppError) {
    console.error(`${error.message}（${error.code}）`);
    process.exitCode = 1;
  } else {
    throw error;
  }
} finally {
  db.close();
}
