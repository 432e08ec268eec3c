/**
 * npm run bench: the benchmarks. Prints a table and writes bench-results.json, one record per
 * figure (name, value, unit, and where there is one, the baseline and the ratio to it).
 */
import { execFileSync, execSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateDemoCounty } from '../server/demo/demo-county';
import { loadDemoCounty } from '../server/demo/load-demo';
import { openDatabase, type Db } from '../server/store/db';
import { DrawService } from '../server/draw-service/draw-service';
import { verifyBundle } from '../server/draw/bundle';
import { systemClock, systemRandom } from '../server/runtime';
import type { DrawPlan } from '../server/protocol/draw';
import { ensureBuiltinPrograms } from '../server/registry/programs';

interface BenchRecord {
  name: string;
  value: number;
  unit: string;
  baseline?: { name: string; value: number };
  ratio?: number;
  goal?: string;
}

const ROOT = join(import.meta.dirname, '..');
const records: BenchRecord[] = [];
const work = mkdtempSync(join(tmpdir(), 'choucha-bench-'));

function ensureSqliteCli(): string {
  if (existsSync('/usr/bin/sqlite3')) return '/usr/bin/sqlite3';
  if (process.getuid?.() === 0) {
    console.log('未找到 sqlite3 命令行，正在安装（apt-get install -y sqlite3）…');
    execSync('apt-get update && apt-get install -y sqlite3', {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    return '/usr/bin/sqlite3';
  }
  throw new Error('需要 sqlite3 命令行：sudo apt-get install -y sqlite3');
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/** Import of the demo county's CSVs through the real path, against sqlite3's .import of the same files. */
function benchImport(): void {
  const files = generateDemoCounty();
  const paths = {
    grid: join(work, 'grid.csv'),
    cadres: join(work, 'cadres.csv'),
    households: join(work, 'households.csv'),
  };
  writeFileSync(paths.grid, files.grid);
  writeFileSync(paths.cadres, files.cadres);
  writeFileSync(paths.households, files.households);
  const rows = `${files.counts.cadres.toLocaleString('en')} + ${files.counts.households.toLocaleString('en')} rows`;

  const sqlite = ensureSqliteCli();
  const floors: number[] = [];
  const imports: { seconds: number; peakMb: number }[] = [];
  for (let run = 0; run < 5; run += 1) {
    const floorDb = join(work, `floor-${run}.db`);
    const started = performance.now();
    execFileSync(sqlite, [
      floorDb,
      '-cmd',
      'PRAGMA journal_mode=WAL;',
      `.import --csv ${paths.cadres} cadres`,
      `.import --csv ${paths.households} households`,
    ]);
    floors.push((performance.now() - started) / 1000);

    const importDb = join(work, `import-${run}.db`);
    const child = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        join(ROOT, 'scripts', 'bench', 'import-child.ts'),
        importDb,
        paths.grid,
        paths.cadres,
        paths.households,
      ],
      {
        cwd: ROOT,
        encoding: 'utf8',
      },
    );
    if (child.status !== 0) throw new Error(`import failed: ${child.stderr}`);
    imports.push(JSON.parse(child.stdout.trim().split('\n').pop() as string) as { seconds: number; peakMb: number });
  }
  const floor = median(floors);
  const importSeconds = median(imports.map((r) => r.seconds));
  records.push({ name: `sqlite3 CLI .import, bare tables (${rows})`, value: floor, unit: 's' });
  records.push({
    name: `roster import, real path: parse, validate, store, hash (${rows})`,
    value: importSeconds,
    unit: 's',
    baseline: { name: 'sqlite3 .import', value: floor },
    ratio: importSeconds / floor,
    goal: '≤ 3× floor and < 10 s',
  });
  records.push({
    name: 'roster import, peak memory of the importing process',
    value: Math.max(...imports.map((r) => r.peakMb)),
    unit: 'MB',
    goal: '< 500 MB',
  });
}

/** First start: generate the demo county in memory and load it through the import path. */
async function benchDemoLoad(): Promise<Db> {
  const db = openDatabase(join(work, 'demo.db'));
  ensureBuiltinPrograms(db);
  const started = performance.now();
  await loadDemoCounty(db, { now: new Date().toISOString() });
  records.push({
    name: 'first start: generate and load the demo county',
    value: (performance.now() - started) / 1000,
    unit: 's',
    goal: 'seconds, not minutes',
  });
  return db;
}

/** A draw over the whole demo county (about 9,800 eligible cadres), and verifying its bundle. */
function benchDraw(db: Db): void {
  const draws = new DrawService(db, systemClock, systemRandom);
  const plan: DrawPlan = {
    version: 1,
    programCode: 'cadre-household',
    eventDate: new Date().toISOString().slice(0, 10),
    eligibility: {
      grid: [],
      units: [],
      industries: [],
      statuses: ['在岗', '请假', '出差'],
      coolDownDays: 0,
      avoid: [],
      contactsRequirePhone: true,
      contactsRequireConsent: true,
    },
    auditees: { mode: 'total', count: 5 },
    contactsPerAuditee: 5,
    replacementCaps: { auditees: 3, contactsPerAuditee: 3 },
  };
  let started = performance.now();
  const { drawId, poolSize } = draws.seal({ title: 'bench', plan }, 'bench');
  const pool = poolSize.toLocaleString('en');
  records.push({
    name: `seal: freeze the demo county's pool (${pool} cadres), commit`,
    value: performance.now() - started,
    unit: 'ms',
  });
  draws.command(drawId, { type: 'lockEntropy', entropy: '62415336124566123452' }, 'bench');
  draws.command(drawId, { type: 'reveal' }, 'bench');
  started = performance.now();
  const view = draws.command(drawId, { type: 'drawAuditees' }, 'bench');
  records.push({
    name: `draw 5 of ${pool} cadres: the whole published order, logged`,
    value: performance.now() - started,
    unit: 'ms',
    goal: '< 50 ms',
  });
  for (const s of view.auditeeStages?.[0]?.selections ?? []) {
    draws.command(drawId, { type: 'drawContacts', auditeeNumber: s.number }, 'bench');
  }
  const text = JSON.stringify(draws.bundle(drawId));
  const timings: number[] = [];
  for (let run = 0; run < 5; run += 1) {
    started = performance.now();
    const report = verifyBundle(JSON.parse(text));
    timings.push(performance.now() - started);
    if (!report.ok) throw new Error('the bench bundle does not verify');
  }
  records.push({
    name: `verify a whole-county bundle (${(text.length / 1048576).toFixed(1)} MB JSON)`,
    value: median(timings) / 1000,
    unit: 's',
    goal: '< 2 s',
  });
}

try {
  benchImport();
  const db = await benchDemoLoad();
  benchDraw(db);
  db.close();
} finally {
  rmSync(work, { recursive: true, force: true });
}

const format = (value: number) => (value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2));
console.log('\n| benchmark | value | baseline | ratio | goal |\n| --- | ---: | ---: | ---: | --- |');
for (const r of records) {
  console.log(
    `| ${r.name} | ${format(r.value)} ${r.unit} | ${r.baseline ? `${format(r.baseline.value)} ${r.unit} (${r.baseline.name})` : ''} | ${r.ratio ? `${r.ratio.toFixed(2)}×` : ''} | ${r.goal ?? ''} |`,
  );
}
writeFileSync(
  join(ROOT, 'bench-results.json'),
  `${JSON.stringify({ date: new Date().toISOString(), node: process.version, records }, null, 2)}\n`,
);
console.log('\nbench-results.json written');
