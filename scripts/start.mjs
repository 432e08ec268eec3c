// npm start: builds what is stale (the UIs, then the server), runs the compiled server and keeps it
// running: a server that dies (kill -9, a crash) is started again at once, so the desk and the
// outputs are back on air within a second. A wrong setting is not retried, nor a crash loop.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { buildIfStale, SERVER_ENTRY } from './build-if-stale.mjs';
import { RedisUnavailable, startRedisServer } from './redis-server.mjs';
import { afterServerExit, RESTART_LIMIT } from './restart-policy.mjs';

/** How long a server asked to stop may take to close before it is killed. */
const STOP_GRACE_MS = 10_000;

const root = join(import.meta.dirname, '..');
buildIfStale();
// CHOUCHA_FANOUT=N without REDIS_URL: a local redis-server for the show's lifetime (persistence off).
// It outlives the server's restarts: the fan-outs of the next server find it where it was.
let redis = null;
if (Number(process.env.CHOUCHA_FANOUT ?? 0) > 0 && !process.env.REDIS_URL) {
  try {
    redis = await startRedisServer({ install: false });
  } catch (error) {
    if (!(error instanceof RedisUnavailable)) throw error;
    console.error(`无法启动：${error.message}`);
    process.exit(1);
  }
  console.log(`已启动本机 redis-server（pid ${redis.pid}，${redis.url}）`);
}
const env = { ...process.env, ...(redis ? { REDIS_URL: redis.url } : {}) };

let stopping = false;
let restarts = 0;
/** When the server died unasked, within the last window. */
let crashes = [];
let server = startServer();

function startServer() {
  // Source maps: a stack trace names the server/*.ts line, not the bundle's.
  const child = spawn(process.execPath, ['--enable-source-maps', SERVER_ENTRY], { cwd: root, stdio: 'inherit', env });
  child.on('exit', (code, signal) => afterExit(code, signal));
  return child;
}

function afterExit(code, signal) {
  const next = afterServerExit({ code, stopping }, crashes, Date.now());
  crashes = next.crashes;
  if (next.action === 'stop') return finish(code ?? 0);
  if (next.action === 'config') {
    console.error('服务器因设置错误未能启动（见上），不再重试：请修改后重新运行 npm start。');
    return finish(code);
  }
  const reason = signal ? `被信号 ${signal} 结束` : `退出码 ${code}`;
  if (next.action === 'give-up') {
    console.error(
      `✗ 服务器进程意外结束（${reason}）：${RESTART_LIMIT.windowMs / 1000} 秒内已 ${crashes.length} 次，不再重启。请查看上面的错误信息。`,
    );
    return finish(1);
  }
  server = startServer();
  restarts += 1;
  console.error(`⚠ 服务器进程意外结束（${reason}），已立即重启（第 ${restarts} 次，新进程 pid ${server.pid}）`);
}

async function finish(code) {
  await redis?.stop();
  process.exit(code);
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    server.kill(signal);
    setTimeout(() => server.kill('SIGKILL'), STOP_GRACE_MS).unref();
  });
}
