// npm test: every test, browser tests included. Installs chromium when missing, builds stale UIs, runs vitest.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ensureChromium } from './ensure-chromium.mjs';
import { buildIfStale } from './build-if-stale.mjs';

const root = join(import.meta.dirname, '..');
ensureChromium();
buildIfStale();
const result = spawnSync(
  process.execPath,
  [join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', ...process.argv.slice(2)],
  {
    cwd: root,
    stdio: 'inherit',
  },
);
process.exit(result.status ?? 1);
