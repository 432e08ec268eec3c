// Builds what is stale: the browser UIs with Vite, then the server with esbuild (npm start runs the compiled JS).
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildSync } from 'esbuild';

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

const SERVER_OUT = join(root, 'dist', 'server');
/** The primary's entry, as npm start, the tests and the benches run it. */
export const SERVER_ENTRY = join(SERVER_OUT, 'main.js');
/** db-writer.ts starts its worker from the file beside the module: beside the bundle once compiled. */
const WORKER = {
  from: join(root, 'server', 'store', 'db-writer-worker.mjs'),
  to: join(SERVER_OUT, 'db-writer-worker.mjs'),
};
const SERVER_OUTPUTS = [SERVER_ENTRY, join(SERVER_OUT, 'fanout', 'main.js'), WORKER.to];
const SERVER_SOURCES = ['server', 'package-lock.json', 'tsconfig.json', 'scripts/build-if-stale.mjs'];

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

/** Whether any of `outputs` is missing or older than any of `sources` (paths from the repository root). */
function stale(outputs, sources) {
  if (!outputs.every((output) => existsSync(output))) return true;
  const built = Math.min(...outputs.map((output) => statSync(output).mtimeMs));
  return sources.some((source) => newestMtime(join(root, source)) > built);
}

export const uiIsStale = () => stale(STAMPS, SOURCES);
export const serverIsStale = () => stale(SERVER_OUTPUTS, SERVER_SOURCES);

/** Every browser build: the UIs and the OGraf graphics. */
export function buildUis() {
  for (const config of CONFIGS) {
    execFileSync(
      process.execPath,
      [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', ...config, '--logLevel', 'warn'],
      { cwd: root, stdio: 'inherit' },
    );
  }
}

/** Writes a file by renaming a finished copy over it: a server starting meanwhile never reads half a bundle. */
function replaceFile(path, write) {
  mkdirSync(dirname(path), { recursive: true });
  const partial = `${path}.${process.pid}.partial`;
  write(partial);
  renameSync(partial, path);
}

/**
 * The primary and the fan-out process bundled as ES modules (packages stay in node_modules), with
 * source maps so that `node --enable-source-maps` names the .ts lines. Split into chunks: what the
 * primary imports only with fan-out (Redis's client) stays out of every plain start. Chunks sit
 * beside main.js, so every module's import.meta.url is in dist/server/ as before.
 */
export function buildServer() {
  const { outputFiles } = buildSync({
    entryPoints: { main: join(root, 'server', 'main.ts'), 'fanout/main': join(root, 'server', 'fanout', 'main.ts') },
    outdir: SERVER_OUT,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    splitting: true,
    chunkNames: 'chunk-[hash]',
    sourcemap: true,
    // The map points at server/*.ts in this repository; without their text it is read at start three times faster.
    sourcesContent: false,
    write: false,
    logLevel: 'warning',
  });
  for (const file of outputFiles) replaceFile(file.path, (partial) => writeFileSync(partial, file.contents));
  replaceFile(WORKER.to, (partial) => copyFileSync(WORKER.from, partial));
  // Chunks of earlier builds (their names carry a hash of their content).
  const current = new Set(outputFiles.map((file) => file.path));
  for (const name of readdirSync(SERVER_OUT)) {
    if (name.startsWith('chunk-') && !current.has(join(SERVER_OUT, name)))
      rmSync(join(SERVER_OUT, name), { force: true });
  }
}

/** Everything (`npm run build`): the UIs, then the server (the UIs' build empties dist/). */
export function buildAll() {
  buildUis();
  buildServer();
}

/** The server alone, when its sources changed (the tests' server processes: the UIs are npm test's to build). */
export function buildServerIfStale({ quiet = false } = {}) {
  if (!serverIsStale()) return false;
  if (!quiet) console.log('服务器代码有更新，正在编译（esbuild）…');
  buildServer();
  return true;
}

/** What is stale: the UIs (and then the server, which their build removed), or the server alone. */
export function buildIfStale({ quiet = false } = {}) {
  const ui = uiIsStale();
  if (ui) {
    if (!quiet) console.log('界面有更新，正在构建（vite build）…');
    buildUis();
    buildServer();
  }
  return buildServerIfStale({ quiet }) || ui;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (process.argv.includes('--always')) buildAll();
  else buildIfStale();
}
