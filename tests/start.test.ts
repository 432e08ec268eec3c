import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createServer } from 'node:net';
import { tempDir } from './helpers/roster-fixture';
import { NpmStart, startMain, type StartedServer } from './helpers/server-process';
import { freePort } from '../scripts/redis-server.mjs';
import { afterServerExit, RESTART_LIMIT } from '../scripts/restart-policy.mjs';
import { EXIT_CONFIG } from '../server/exit-codes.mjs';

const dir = tempDir('choucha-start-');
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** Runs the compiled server as `npm start` does and waits until it prints its URLs. */
async function start(): Promise<StartedServer> {
  const started = await startMain({ PORT: '0', CHOUCHA_DB: join(dir, 'choucha.db') });
  children.push(started.child);
  return started;
}

async function stop(child: ChildProcess): Promise<void> {
  await new Promise((resolve) => {
    child.once('exit', resolve);
    child.kill('SIGTERM');
  });
}

describe('npm start on a fresh clone', () => {
  it('creates the database, loads the demo county, prints the URLs and a login, and reuses the database next time', async () => {
    const first = await start();
    expect(first.output).toMatch(/首次启动，已创建数据库/u);
    expect(first.output).toMatch(/10000 名干部、\d{6} 户/u);
    const password = /operator 的初始密码：(\S+)/u.exec(first.output)?.[1];
    expect(password).toBeTruthy();

    const login = await fetch(`${first.base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'operator', password }),
    });
    expect(login.status).toBe(200);
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] as string;
    const grid = (await (
      await fetch(`${first.base}/api/programs/cadre-household/grid`, { headers: { cookie } })
    ).json()) as {
      totals: { auditees: number; contacts: number };
      children: unknown[];
    };
    expect(grid.totals.auditees).toBe(10_000);
    expect(grid.totals.contacts).toBeGreaterThan(280_000);
    expect(grid.totals.contacts).toBeLessThan(320_000);
    expect(grid.children).toHaveLength(18);
    const teachers = await fetch(`${first.base}/api/programs/teacher-parent/grid`, { headers: { cookie } });
    expect(teachers.status).toBe(200);
    await stop(first.child);

    const second = await start();
    expect(second.output).not.toMatch(/首次启动，已创建数据库|正在载入示范县/u);
    expect(second.output).toMatch(/initial-credentials\.txt/u);
    const again = await fetch(`${second.base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'operator', password }),
    });
    expect(again.status).toBe(200);
    await stop(second.child);
  }, 180_000);
});

describe('npm start with passwords from the environment', () => {
  it('does not point at a credentials file on a later start when none was written', async () => {
    const db = join(dir, 'from-env', 'data', 'choucha.db');
    const env = { PORT: '0', CHOUCHA_DEMO: '0', CHOUCHA_DB: db };
    const first = await startMain({
      ...env,
      CHOUCHA_ADMIN_PASSWORD: 'admin-pass-1',
      CHOUCHA_OPERATOR_PASSWORD: 'op-pass-1',
      CHOUCHA_SUPERVISOR_PASSWORD: 'sv-pass-1',
    });
    children.push(first.child);
    expect(first.output).toMatch(/环境变量 CHOUCHA_ADMIN_PASSWORD \/ CHOUCHA_OPERATOR_PASSWORD/u);
    await stop(first.child);
    const second = await startMain(env);
    children.push(second.child);
    expect(second.output).not.toMatch(/initial-credentials\.txt/u);
    expect(second.output).toMatch(/首次启动时设定（未保存到文件）；重设：npm run set-password/u);
    // A database outside the working folder is named by its absolute path, not ../../…
    expect(second.output).toContain(`数据库：${db}`);
    await stop(second.child);
  }, 120_000);
});

describe('npm start and the public address links are built on', () => {
  const quiet = (name: string, env: Record<string, string>) =>
    startMain({ PORT: '0', CHOUCHA_DEMO: '0', CHOUCHA_DB: join(dir, `${name}.db`), ...env }).then((started) => {
      children.push(started.child);
      return started;
    });

  it('warns, naming the address links will carry, when bound beyond loopback without CHOUCHA_PUBLIC_URL', async () => {
    const open = await quiet('wildcard', { HOST: '0.0.0.0' });
    const warned = /⚠ 未设置 CHOUCHA_PUBLIC_URL：公告、评委席位卡和画面输出的链接与二维码将使用 (\S+)。/u.exec(
      open.output,
    );
    expect(warned?.[1]).toBe(open.base);
    expect(open.base).not.toMatch(/0\.0\.0\.0/u); // a wildcard is no address a tablet can reach
    expect(open.output).toMatch(/CHOUCHA_PUBLIC_URL=https:\/\/choucha\.example\.cn npm start/u);
    await stop(open.child);

    const local = await quiet('loopback', { HOST: '127.0.0.1' });
    expect(local.output).not.toMatch(/未设置 CHOUCHA_PUBLIC_URL/u);
    await stop(local.child);
  }, 60_000);

  it('prints and builds every link on CHOUCHA_PUBLIC_URL when it is set, and does not warn', async () => {
    const started = await quiet('public', { HOST: '0.0.0.0', CHOUCHA_PUBLIC_URL: 'https://choucha.example.cn/' });
    expect(started.base).toBe('https://choucha.example.cn');
    expect(started.output).not.toMatch(/未设置 CHOUCHA_PUBLIC_URL/u);
    const page = await fetch(`${started.listening.replace('0.0.0.0', '127.0.0.1')}/console`);
    expect(page.status).toBe(200);
    await stop(started.child);
  }, 60_000);

  it.each([
    ['ftp://choucha.example.cn', /只能用 http 或 https/u],
    ['https://choucha.example.cn/show?x=1', /不能带路径、查询或锚点/u],
    ['not a url', /不是有效的网址/u],
  ])(
    'refuses to start on CHOUCHA_PUBLIC_URL=%s with a clear message, as a wrong setting',
    async (value, message) => {
      const refusal = quiet('bad', { CHOUCHA_PUBLIC_URL: value }).then(
        () => '',
        (error: unknown) => String(error),
      );
      const text = await refusal;
      expect(text).toMatch(new RegExp(`server exited with ${EXIT_CONFIG}`, 'u'));
      expect(text).toMatch(/无法启动：CHOUCHA_PUBLIC_URL/u);
      expect(text).toMatch(message);
    },
    60_000,
  );
});

describe('npm start on a port another program holds', () => {
  it('refuses to start, naming the port, as a wrong setting', async () => {
    const holder = createServer();
    const port = await new Promise<number>((resolve) =>
      holder.listen(0, '127.0.0.1', () => resolve((holder.address() as { port: number }).port)),
    );
    try {
      const text = await startMain({ PORT: String(port), CHOUCHA_DEMO: '0', CHOUCHA_DB: join(dir, 'busy.db') }).then(
        () => '',
        (error: unknown) => String(error),
      );
      expect(text).toMatch(new RegExp(`server exited with ${EXIT_CONFIG}`, 'u'));
      expect(text).toContain(`无法启动：127.0.0.1:${port} 已被占用`);
    } finally {
      holder.close();
    }
  }, 60_000);
});

describe('npm start keeps the server running', () => {
  it('starts the server again at once after kill -9, says why, and stops it with itself on SIGTERM', async () => {
    const port = await freePort();
    const npmStart = NpmStart.run({ PORT: String(port), CHOUCHA_DEMO: '0', CHOUCHA_DB: join(dir, 'supervised.db') });
    children.push(npmStart.child);
    await npmStart.until(/Ctrl\+C/u);
    const first = npmStart.serverPid();
    if (first === null) throw new Error(`no server under npm start:\n${npmStart.output}`);
    process.kill(first, 'SIGKILL');
    const restarted = await npmStart.until(/意外结束（被信号 SIGKILL 结束），已立即重启（第 1 次，新进程 pid (\d+)）/u);
    await npmStart.until(/Ctrl\+C[\s\S]*Ctrl\+C/u);
    const second = npmStart.serverPid();
    expect(second).toBe(Number(restarted[1]));
    expect(second).not.toBe(first);
    // On the same address: the outputs and the desk reconnect where they were.
    expect((await fetch(`http://127.0.0.1:${port}/console`)).status).toBe(200);

    npmStart.child.kill('SIGTERM');
    expect(await npmStart.exited).toBe(0);
    expect(() => process.kill(second ?? 0, 0)).toThrow();
    expect(npmStart.output.match(/已立即重启/gu)).toHaveLength(1);
  }, 60_000);

  it('does not start again a server that stopped on a wrong setting', async () => {
    const npmStart = NpmStart.run({
      PORT: '0',
      CHOUCHA_DB: join(dir, 'misconfigured.db'),
      CHOUCHA_PUBLIC_URL: 'ftp://choucha.example.cn',
    });
    children.push(npmStart.child);
    expect(await npmStart.exited).toBe(EXIT_CONFIG);
    expect(npmStart.output).toMatch(/无法启动：CHOUCHA_PUBLIC_URL/u);
    expect(npmStart.output).toMatch(/服务器因设置错误未能启动（见上），不再重试/u);
    expect(npmStart.output).not.toMatch(/重启/u);
  }, 60_000);

  it('with CHOUCHA_FANOUT and no redis-server, prints the install command and exits 1, without a stack trace', async () => {
    const npmStart = NpmStart.run(
      { PORT: '0', CHOUCHA_FANOUT: '1', REDIS_SERVER_PATH: join(dir, 'no-such-redis-server') },
      { without: ['REDIS_URL'] },
    );
    children.push(npmStart.child);
    expect(await npmStart.exited).toBe(1);
    expect(npmStart.output).toContain('无法启动：公众分发需要 Redis');
    expect(npmStart.output).toContain('apt-get install -y redis-server');
    expect(npmStart.output).not.toMatch(/^\s+at /mu);
  }, 60_000);
});

describe('when npm start starts the server again', () => {
  const start = 1_000_000;

  it('restarts after a kill or a crash, never after a clean stop, a stop it asked for or a wrong setting', () => {
    expect(afterServerExit({ code: null, stopping: false }, [], start).action).toBe('restart');
    expect(afterServerExit({ code: 1, stopping: false }, [], start).action).toBe('restart');
    expect(afterServerExit({ code: 0, stopping: false }, [], start).action).toBe('stop');
    expect(afterServerExit({ code: null, stopping: true }, [], start).action).toBe('stop');
    expect(afterServerExit({ code: EXIT_CONFIG, stopping: false }, [], start).action).toBe('config');
  });

  it('gives up on the sixth crash within 30 s, and forgets crashes older than that', () => {
    expect(RESTART_LIMIT).toEqual({ restarts: 5, windowMs: 30_000 });
    let crashes: number[] = [];
    const actions: string[] = [];
    for (let i = 0; i < 6; i += 1) {
      const next = afterServerExit({ code: null, stopping: false }, crashes, start + i * 1000);
      crashes = next.crashes;
      actions.push(next.action);
    }
    expect(actions).toEqual(['restart', 'restart', 'restart', 'restart', 'restart', 'give-up']);
    // Five crashes in 4 s, then one 30.5 s after the first: the first is past the window, so it restarts.
    crashes = [];
    for (let i = 0; i < 5; i += 1)
      crashes = afterServerExit({ code: 1, stopping: false }, crashes, start + i * 1000).crashes;
    const later = afterServerExit({ code: 1, stopping: false }, crashes, start + 30_500);
    expect(later.action).toBe('restart');
    expect(later.crashes).toHaveLength(5);
  });
});
