import { DEFAULT_TIME_ZONE, parseTimeZone, TimeZoneError } from './local-time/local-time';
import { appendFileSync, mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { buildApp, REPO_ROOT } from './app';
import { loadDemoCounty, registryIsEmpty } from './demo/load-demo';
import { EXIT_CONFIG } from './exit-codes.mjs';
import { reportViewers } from './fanout/viewer-report';
import {
  isLoopbackHost,
  isWildcardHost,
  lanAddress,
  originOf,
  parsePublicUrl,
  PublicUrlError,
} from './http/public-url';
import { PAGES } from './http/ui-routes';

/**
 * Starts choucha: opens (or creates) the database, loads the demo county once, listens. A wrong
 * setting ends it with EXIT_CONFIG, which npm start's supervisor does not restart.
 */
const host = process.env.HOST ?? '127.0.0.1';
const port = Number(process.env.PORT ?? 3000);
const dbPath = process.env.CHOUCHA_DB ?? join(REPO_ROOT, 'data', 'choucha.db');
const credentialsFile = join(dirname(dbPath), 'initial-credentials.txt');

// Links, QR codes and bulletins are built on this address; a bad value must stop the start, not be printed.
let publicUrl: string | undefined;
try {
  publicUrl = process.env.CHOUCHA_PUBLIC_URL ? parsePublicUrl(process.env.CHOUCHA_PUBLIC_URL) : undefined;
} catch (error) {
  if (!(error instanceof PublicUrlError)) throw error;
  console.error(`无法启动：${error.message}`);
  process.exit(EXIT_CONFIG);
}
// Records and exports print times in the county's zone; a misspelt zone must stop the start too.
let timeZone: string;
try {
  timeZone = parseTimeZone(process.env.CHOUCHA_TIME_ZONE ?? DEFAULT_TIME_ZONE);
} catch (error) {
  if (!(error instanceof TimeZoneError)) throw error;
  console.error(`无法启动：${error.message}`);
  process.exit(EXIT_CONFIG);
}
// Without it, links use the address we were told to listen on; a wildcard bind names the LAN address.
const linkHost = isWildcardHost(host) ? (lanAddress() ?? '127.0.0.1') : host;
mkdirSync(dirname(dbPath), { recursive: true });

const firstStart = !existsSync(dbPath);
// CHOUCHA_FANOUT=N: public viewers on N fan-out processes behind Redis (npm start gives REDIS_URL).
const fanoutProcesses = Number(process.env.CHOUCHA_FANOUT ?? 0);
if (fanoutProcesses > 0 && !process.env.REDIS_URL) {
  console.error('无法启动：CHOUCHA_FANOUT 需要 Redis，请设置 REDIS_URL（npm start 会自动启动本机 redis-server）');
  process.exit(EXIT_CONFIG);
}
const app = await buildApp({
  dbPath,
  logger: process.env.CHOUCHA_LOG === '1',
  ...(publicUrl ? { publicUrl } : {}),
  timeZone,
  linkHost,
  ...(fanoutProcesses > 0 && process.env.REDIS_URL
    ? { fanout: { processes: fanoutProcesses, redisUrl: process.env.REDIS_URL } }
    : {}),
  initialPasswords: {
    ...(process.env.CHOUCHA_ADMIN_PASSWORD ? { admin: process.env.CHOUCHA_ADMIN_PASSWORD } : {}),
    ...(process.env.CHOUCHA_OPERATOR_PASSWORD ? { operator: process.env.CHOUCHA_OPERATOR_PASSWORD } : {}),
    ...(process.env.CHOUCHA_SUPERVISOR_PASSWORD ? { supervisor: process.env.CHOUCHA_SUPERVISOR_PASSWORD } : {}),
  },
});
const { db, generatedAccounts, clock } = app.services;

if (generatedAccounts.length > 0) {
  const lines = generatedAccounts.map((a) => `${a.username}\t${a.password}`).join('\n');
  // An upgrade that adds an account (the administrator) adds its line to the passwords already there.
  if (existsSync(credentialsFile)) appendFileSync(credentialsFile, `${lines}\n`);
  else {
    writeFileSync(credentialsFile, `# choucha 初始账号（首次启动生成；登录后请妥善保管或删除本文件）\n${lines}\n`, {
      mode: 0o600,
    });
  }
}

if (registryIsEmpty(db) && process.env.CHOUCHA_DEMO !== '0') {
  process.stdout.write('正在载入示范县名册（1 万名干部、约 30 万户）… ');
  const started = performance.now();
  const counts = await loadDemoCounty(db, { now: clock().toISOString() });
  process.stdout.write(
    `完成：${counts.towns} 个乡镇、${counts.areas} 个工作片、${counts.villages} 个村，${counts.cadres} 名干部、${counts.households} 户、${counts.visits} 条走访记录，用时 ${((performance.now() - started) / 1000).toFixed(1)} 秒\n`,
  );
}

/** Each open (sealed or live) event's output URLs with their read-only key, for OBS / vMix / CasparCG. */
function overlayLines(base: string): string {
  const open = app.services.events.listEvents().filter((e) => e.status === 'sealed' || e.status === 'live');
  if (open.length === 0) {
    return `  ${PAGES.overlay.title}：活动封存后可用，地址带只读密钥（${base}${PAGES.overlay.path}?event=…&key=…）`;
  }
  return open
    .map((event) => {
      const url = `${base}${PAGES.overlay.path}?event=${event.id}&key=${encodeURIComponent(app.services.events.overlayKey(event.id))}`;
      const lines = [
        `  画面输出 · ${event.rehearsal ? '【演练】' : ''}${event.title}：${url}`,
        `    预览输出：${url}&preview=1\u3000抠像绿底：${url}&bg=green`,
        `    导播台：${base}${PAGES.console.path}#/desk/${event.id}`,
        `    抽查公告：${base}/events/${event.id}/bulletin`,
      ];
      if ((event.settings.judges ?? []).length > 0) {
        lines.push(`    评委席位卡（二维码与 PIN，操作员登录后打开）：${base}/events/${event.id}/seats/sheet`);
      }
      return lines.join('\n');
    })
    .join('\n');
}

/**
 * The installation's permanent outputs: each channel's address (set up once in OBS / vMix /
 * CasparCG), the event they follow, the venue's seat sheet, the OGraf graphics and the control API.
 */
function channelLines(base: string): string {
  const followed = app.services.follow.view();
  const lines = [
    `  输出通道（永久地址，跟随：${followed.title ?? '尚未选择，在“输出通道”页选择'}）：`,
    ...app.services.channels.list().map((channel) => `    ${channel.name}：${base}${channel.path}`),
    `    场地评委席位卡（操作员登录后打开）：${base}/venue/seats/sheet`,
    `  OGraf 图形包：${base}/ograf/choucha-ograf.zip\u3000OGraf 服务器接口：${base}/ograf/v1`,
    `  控制面板接口（Companion / Stream Deck，令牌在“控制面板”页新建）：${base}/api/control/v1`,
  ];
  return lines.join('\n');
}

// A log that no longer verifies must be seen before the show, not discovered on air.
for (const problem of app.services.events.integrityProblems()) {
  console.error(`⚠ 活动「${problem.title}」（${problem.eventId}）不能使用：${problem.message}`);
}

try {
  await app.listen({ host, port });
} catch (error) {
  // Another program (or another choucha) holds the port: restarting would only fail again.
  if (!(error instanceof Error && 'code' in error && error.code === 'EADDRINUSE')) throw error;
  console.error(`无法启动：${host}:${port} 已被占用。请停止占用它的程序，或用 PORT=其他端口 npm start`);
  process.exit(EXIT_CONFIG);
}
const address = app.server.address();
const boundPort = typeof address === 'object' && address !== null ? address.port : port;
const base = app.services.publicBase();
const rel = shownPath(dbPath);
const listening = originOf(host, boundPort);
// Bound beyond this machine with no public address: say which address the printed links will carry.
const addressWarning =
  publicUrl === undefined && !isLoopbackHost(host)
    ? `⚠ 未设置 CHOUCHA_PUBLIC_URL：公告、评委席位卡和画面输出的链接与二维码将使用 ${base}。
  若评委平板或公众要通过其他地址（域名、反向代理、HTTPS）访问，请在启动时设置，例如：
  CHOUCHA_PUBLIC_URL=https://choucha.example.cn npm start
`
    : '';
console.log(`
choucha 摇号抽查 已启动${firstStart ? '（首次启动，已创建数据库）' : ''}
  数据库：${rel}
  监听地址：${listening}${publicUrl ? `（对外地址 CHOUCHA_PUBLIC_URL=${publicUrl}）` : ''}
${Object.values(PAGES)
  .filter((page) => page !== PAGES.overlay && page !== PAGES.judge)
  .map((page) => `  ${page.title}：${base}${page.path}`)
  .join('\n')}
  抽查活动（新建、封存、进入导播台）：${base}${PAGES.console.path}#/events
${channelLines(base)}
${overlayLines(base)}

登录：用户名 admin（管理员：账号与权限）、operator（操作员）或 supervisor（监督员）
${
  generatedAccounts.length > 0
    ? generatedAccounts.map((a) => `  ${a.username} 的初始密码：${a.password}`).join('\n') +
      `\n  （已保存到 ${shownPath(credentialsFile)}）`
    : process.env.CHOUCHA_OPERATOR_PASSWORD
      ? '  密码：环境变量 CHOUCHA_ADMIN_PASSWORD / CHOUCHA_OPERATOR_PASSWORD / CHOUCHA_SUPERVISOR_PASSWORD 所设'
      : // Only point at the file when it is there: passwords set from the environment at the first start wrote none.
        `  密码：${existsSync(credentialsFile) ? `见 ${shownPath(credentialsFile)}（首次启动时生成）` : '首次启动时设定（未保存到文件）'}；重设：npm run set-password -- operator 新密码`
}
${fanoutLines()}${addressWarning}按 Ctrl+C 停止。`);
if (app.services.fanout) reportViewers(app.services.fanout, (line) => console.log(line));

/** With fan-outs: Redis and each fan-out process (their viewers follow on a line of their own as they change). */
function fanoutLines(): string {
  const fanout = app.services.fanout;
  if (!fanout) return '';
  const processes = fanout.pool.processes().map((p) => `    ${p.fanoutId}：pid ${p.pid ?? '—'}`);
  return `  公众观看分发：${processes.length} 个进程，Redis ${fanout.redisUrl}（观看人数有变化时另起一行列出，延迟见导播台输出监视）\n${processes.join('\n')}\n`;
}

/** A path as the operator can use it: relative when inside the working folder, absolute otherwise. */
function shownPath(path: string): string {
  const inside = relative(process.cwd(), path);
  return inside === '' || inside.startsWith('..') || isAbsolute(inside) ? resolve(path) : inside;
}

// Ctrl+C reaches this process twice under npm start (from the terminal and from the supervisor): close once.
let closing: Promise<void> | null = null;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    closing ??= app.close().then(() => process.exit(0));
  });
}
