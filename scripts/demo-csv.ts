/** npm run demo:csv [-- DIR]: writes the demo county as the CSV files an operator would import. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateDemoCounty } from '../server/demo/demo-county';
import { REPO_ROOT } from '../server/app';

const dir = process.argv[2] ?? join(REPO_ROOT, 'data', 'demo');
mkdirSync(dir, { recursive: true });
const files = generateDemoCounty();
const names = {
  grid: '示范县网格.csv',
  cadres: '示范县干部名单.csv',
  households: '示范县联系户名单.csv',
  teachers: '示范县教师名单.csv',
  parents: '示范县家长名单.csv',
} as const;
for (const [key, name] of Object.entries(names) as [keyof typeof names, string][]) {
  writeFileSync(join(dir, name), files[key]);
  console.log(`${join(dir, name)}（${(files[key].length / 1048576).toFixed(1)} MB）`);
}
console.log(
  `导入：npm run import -- ${join(dir, names.grid)} ${join(dir, names.cadres)} ${join(dir, names.households)}`,
);
