import { cpus, totalmem } from 'node:os';
import type { BenchRecord } from './record';

export interface BenchResults {
  date: string;
  machine: string;
  records: BenchRecord[];
}

/** The machine the figures were measured on, in one line. */
export function machine(): string {
  const cpu = cpus();
  return `${cpu[0]?.model.trim() ?? 'unknown CPU'} × ${cpu.length}, ${Math.round(totalmem() / 2 ** 30)} GB, Node ${process.version}`;
}

const format = (value: number) => (value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2));

/** The figures as the README's markdown table: each with its baseline, ratio, goal and whether it is met. */
export function benchTable({ date, machine, records }: BenchResults): string {
  const lines = [
    `Measured ${date.slice(0, 10)} on ${machine}.`,
    '',
    '| benchmark | value | baseline | ratio | goal | met |',
    '| --- | ---: | ---: | ---: | --- | :---: |',
  ];
  for (const r of records) {
    // Baselines that have their own row are shown beside the figure compared with them.
    if (r.goal === undefined && records.some((other) => other !== r && other.baseline?.value === r.value)) continue;
    const baseline = r.baseline ? `${format(r.baseline.value)} ${r.unit} (${r.baseline.name})` : '';
    const ratio = r.ratio === undefined ? '' : `${r.ratio.toFixed(2)}×`;
    const met = r.met === undefined ? '' : r.met ? '✓' : '✗ not met';
    lines.push(`| ${r.name} | ${format(r.value)} ${r.unit} | ${baseline} | ${ratio} | ${r.goal ?? ''} | ${met} |`);
  }
  const judged = records.filter((r) => r.met !== undefined);
  lines.push('', `${judged.filter((r) => r.met).length} of ${judged.length} goals met.`);
  return lines.join('\n');
}
