/** npm run bench:table: prints bench-results.json as the README's markdown table. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchRecord } from './bench/record';

const { date, records } = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'bench-results.json'), 'utf8')) as {
  date: string;
  records: BenchRecord[];
};
const format = (value: number) => (value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2));
console.log(`Measured ${date.slice(0, 10)}.\n`);
console.log('| benchmark | value | baseline | ratio | goal |\n| --- | ---: | ---: | ---: | --- |');
for (const r of records) {
  // Baselines that have their own row are shown beside the figure compared with them.
  if (records.some((other) => other.baseline && other.baseline.value === r.value && other !== r)) continue;
  const baseline = r.baseline ? `${format(r.baseline.value)} ${r.unit} (${r.baseline.name})` : '';
  const ratio = r.ratio === undefined ? '' : `${r.ratio.toFixed(2)}×`;
  console.log(`| ${r.name} | ${format(r.value)} ${r.unit} | ${baseline} | ${ratio} | ${r.goal ?? ''} |`);
}
