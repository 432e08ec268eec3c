// npm test: every test, browser tests included. Installs chromium and pdftoppm when missing, builds what is stale, runs vitest.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ensureBrowserTools } from './browser-tools.mjs';
import { ensureRedisServer } from './redis-server.mjs';
import { buildIfStale } from './build-if-stale.mjs';

const root = join(import.meta.dirname, '..');
ensureBrowserTools();
ensureRedisServer(); // the fan-out tests run a real redis-server
buildIfStale();

const vitest = (args) =>
  spawnSync(process.execPath, [join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', ...args], {
    cwd: root,
    stdio: 'inherit',
  }).status ?? 1;

const files = process.argv.slice(2);
if (files.length > 0) process.exit(vitest(files));
// The whole suite in two passes: the tests that drive no browser two files at a time (the machine
// has two cores; vitest's default leaves one idle), then the browser tests one at a time, each with
// a Chromium of its own, so no animation or frame timing competes with another browser.
const withoutBrowsers = vitest(['--exclude', 'tests/e2e/**', '--maxWorkers=2']);
const browsers = vitest(['tests/e2e', '--maxWorkers=1']);
process.exit(withoutBrowsers || browsers);
