// npm start: builds the UIs when stale, then runs the server (it creates and fills data/choucha.db on first start).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { buildIfStale } from './build-if-stale.mjs';
import { startRedisServer } from './redis-server.mjs';

const root = join(import.meta.dirname, '..');
buildIfStale();
// CHOUCHA_FANOUT=N without REDIS_URL: a local redis-server for the show's lifetime (persistence off).
const redis =
  Number(process.env.CHOUCHA_FANOUT ?? 0) > 0 && !process.env.REDIS_URL
    ? await startRedisServer({ install: false })
    : null;
if (redis) console.log(`已启动本机 redis-server（pid ${redis.pid}，${redis.url}）`);
const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'server', 'main.ts')], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, ...(redis ? { REDIS_URL: redis.url } : {}) },
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => {
  void (redis?.stop() ?? Promise.resolve()).then(() => process.exit(code ?? (signal ? 1 : 0)));
});
