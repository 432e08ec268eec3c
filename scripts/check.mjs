// npm run check: type-check (server, scripts, tests and the Svelte UIs), lint, format check.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const steps = [
  ['类型检查（server、scripts、tests）', bin('tsc'), ['-p', 'tsconfig.json']],
  ['类型检查（Svelte 界面）', bin('svelte-check'), ['--tsconfig', 'console-ui/tsconfig.json', '--fail-on-warnings']],
  ['代码规范（eslint）', bin('eslint'), ['.', '--max-warnings', '0']],
  ['格式（prettier）', bin('prettier'), ['--check', '.']],
];
let failed = 0;
for (const [label, command, args] of steps) {
  console.log(`\n▶ ${label}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) failed += 1;
}
if (failed > 0) {
  console.error(`\n${failed} 项检查未通过`);
  process.exit(1);
}
console.log('\n全部检查通过');
