// Builds the browser UIs with Vite when dist/ is missing or older than any UI source file.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
/** What each build writes last: the UIs' console page, then the OGraf package (vite.ograf.config.ts). */
const STAMPS = [join(root, 'dist', 'console-ui', 'index.html'), join(root, 'dist', 'ograf', 'choucha-ograf.zip')];
const SOURCES = [
  'console-ui',
  'overlay',
  'server/protocol',
  'vite.config.ts',
  'vite.ograf.config.ts',
  'svelte.config.js',
  'package-lock.json',
];
/**
 * The UIs first (it empties dist/), then the OGraf graphics into dist/ograf/. The OGraf config
 * imports the protocol (extensionless TS imports), which Vite's module runner loads as the app does.
 */
const CONFIGS = [
  ['--config', 'vite.config.ts'],
  ['--config', 'vite.ograf.config.ts', '--configLoader', 'runner'],
];

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules') continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

export function uiIsStale() {
  if (!STAMPS.every((stamp) => existsSync(stamp))) return true;
  const built = Math.min(...STAMPS.map((stamp) => statSync(stamp).mtimeMs));
  return SOURCES.some((source) => newestMtime(join(root, source)) > built);
}

/** Every browser build: the UIs and the OGraf graphics (`npm run build`). */
export function buildAll() {
  for (const config of CONFIGS) {
    execFileSync(
      process.execPath,
      [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', ...config, '--logLevel', 'warn'],
      { cwd: root, stdio: 'inherit' },
    );
  }
}

export function buildIfStale({ quiet = false } = {}) {
  if (!uiIsStale()) return false;
  if (!quiet) console.log('界面有更新，正在构建（vite build）…');
  buildAll();
  return true;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (process.argv.includes('--always')) buildAll();
  else buildIfStale();
}
