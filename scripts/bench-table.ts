/** npm run bench:table: prints bench-results.json as the README's markdown table. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchTable, type BenchResults } from './bench/table';

const results = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'bench-results.json'), 'utf8')) as BenchResults;
console.log(benchTable({ ...results, machine: results.machine ?? 'an unrecorded machine' }));
