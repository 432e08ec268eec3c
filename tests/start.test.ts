import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from './helpers/roster-fixture';
import { startMain, type StartedServer } from './helpers/server-process';

const dir = tempDir('choucha-start-');
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** Runs server/main.ts as `npm start` does and waits until it prints its URLs. */
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
