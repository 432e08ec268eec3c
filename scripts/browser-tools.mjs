// Browser tests drive Debian's chromium, and the printed record's test renders chromium's PDF to
// PNG pages with poppler's pdftoppm. When either is missing, install it (as root) or say exactly how.
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const PDFTOPPM_PATH = process.env.PDFTOPPM_PATH ?? '/usr/bin/pdftoppm';

/** Each tool the browser tests need, with the Debian package that ships it. */
const TOOLS = [
  { path: CHROMIUM_PATH, debianPackage: 'chromium' },
  { path: PDFTOPPM_PATH, debianPackage: 'poppler-utils' },
];

export function ensureBrowserTools() {
  const missing = TOOLS.filter((tool) => !existsSync(tool.path));
  if (missing.length === 0) return;
  const install = `apt-get update && apt-get install -y ${missing.map((tool) => tool.debianPackage).join(' ')}`;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const paths = missing.map((tool) => tool.path).join('、');
  if (!isRoot) {
    console.error(
      `浏览器测试需要 Debian 的 ${missing.map((t) => t.debianPackage).join('、')}（${paths} 不存在）。请先运行：\n  sudo sh -c '${install}'`,
    );
    process.exit(1);
  }
  console.log(`未找到 ${paths}，正在安装：${install}`);
  execSync(install, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  const still = missing.filter((tool) => !existsSync(tool.path));
  if (still.length > 0) {
    console.error(`安装后仍未找到 ${still.map((tool) => tool.path).join('、')}`);
    process.exit(1);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) ensureBrowserTools();
