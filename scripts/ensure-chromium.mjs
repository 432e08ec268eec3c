// Browser tests drive Debian's chromium. When it is missing, install it (as root) or say exactly how.
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const INSTALL = 'apt-get update && apt-get install -y chromium';

export function ensureChromium() {
  if (existsSync(CHROMIUM_PATH)) return CHROMIUM_PATH;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) {
    console.error(
      `浏览器测试需要 Debian 的 chromium（${CHROMIUM_PATH} 不存在）。请先运行：\n  sudo sh -c '${INSTALL}'`,
    );
    process.exit(1);
  }
  console.log(`未找到 chromium，正在安装：${INSTALL}`);
  execSync(INSTALL, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (!existsSync(CHROMIUM_PATH)) {
    console.error(`安装后仍未找到 ${CHROMIUM_PATH}`);
    process.exit(1);
  }
  return CHROMIUM_PATH;
}

if (import.meta.url === `file://${process.argv[1]}`) ensureChromium();
