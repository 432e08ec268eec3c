// Public fan-out (CHOUCHA_FANOUT=N) needs Redis: Debian's redis-server, started here on a loopback
// port with persistence off when no REDIS_URL is given, and stopped with the show.
import { execSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';

export const REDIS_SERVER_PATH = process.env.REDIS_SERVER_PATH ?? '/usr/bin/redis-server';
export const REDIS_INSTALL = 'apt-get install -y redis-server';

/** Redis cannot be had here (not installed, or it would not start): the message says what to do. */
export class RedisUnavailable extends Error {}

/** The redis-server binary: installed when missing and run as root (as npm test does for chromium), else the exact command. */
export function ensureRedisServer({ install = true } = {}) {
  if (existsSync(REDIS_SERVER_PATH)) return REDIS_SERVER_PATH;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!install || !isRoot) {
    throw new RedisUnavailable(
      `公众分发需要 Redis（${REDIS_SERVER_PATH} 不存在）。请先安装：\n  sudo ${REDIS_INSTALL}\n或用 REDIS_URL 指定已有的 Redis。`,
    );
  }
  console.log(`未找到 redis-server，正在安装：${REDIS_INSTALL}`);
  execSync(`apt-get update && ${REDIS_INSTALL}`, {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (!existsSync(REDIS_SERVER_PATH)) throw new RedisUnavailable(`安装后仍未找到 ${REDIS_SERVER_PATH}`);
  return REDIS_SERVER_PATH;
}

/** A free loopback port (the kernel's pick). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

function accepts(port) {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Starts redis-server on 127.0.0.1 (a free port unless one is given), no RDB snapshots, no AOF:
 * it only carries live frames, nothing to keep. Resolves once it accepts connections.
 */
export async function startRedisServer({ port, install = true } = {}) {
  const binary = ensureRedisServer({ install });
  const chosen = port ?? (await freePort());
  const child = spawn(
    binary,
    ['--port', String(chosen), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--loglevel', 'warning'],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  let exited = false;
  child.once('exit', () => (exited = true));
  for (let waited = 0; !(await accepts(chosen)); waited += 20) {
    if (exited || waited > 10_000) throw new RedisUnavailable(`redis-server 未能在端口 ${chosen} 启动`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return {
    url: `redis://127.0.0.1:${chosen}`,
    port: chosen,
    pid: child.pid,
    child,
    /** Stops it and waits for the exit. */
    stop: () =>
      new Promise((resolve) => {
        if (exited) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) ensureRedisServer();
