/**
 * Runs one roster import through the real import path in a process of its own, so its wall time
 * and peak memory (VmHWM) are measured alone. Prints one JSON line.
 * Usage: tsx scripts/bench/import-child.ts DB FILE…
 */
import { readFileSync } from 'node:fs';
import { openDatabase } from '../../server/store/db';
import { ensureBuiltinPrograms } from '../../server/registry/programs';
import { importRosterFiles } from '../../server/registry/import/import-files';

const [dbPath, ...files] = process.argv.slice(2);
const db = openDatabase(dbPath as string);
ensureBuiltinPrograms(db);
const started = performance.now();
const result = await importRosterFiles(
  db,
  files.map((path) => ({ path })),
  { programCode: 'cadre-household', actor: 'bench', now: new Date().toISOString() },
);
const seconds = (performance.now() - started) / 1000;
db.close();
const status = readFileSync('/proc/self/status', 'utf8');
const peakKb = Number(/VmHWM:\s+(\d+)/u.exec(status)?.[1] ?? 0);
console.log(
  JSON.stringify({ seconds, peakMb: peakKb / 1024, rows: result.files.map((f) => f.rows), hash: result.version?.hash }),
);
