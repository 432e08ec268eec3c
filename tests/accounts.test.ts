import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { openDatabase } from '../server/store/db';
import { MIGRATIONS } from '../server/store/migrations';
import { ScriptedShow } from './helpers/show-script';
import { ShowClient } from './helpers/show-client';
import { tempDir } from './helpers/roster-fixture';
import { loadDemoCounty } from '../server/demo/load-demo';
import { ADMIN_PASSWORD, loginCookie, testApp } from './helpers/test-app';
import type { AccountSession, Accounts, OneTimePassword } from '../server/protocol/auth';

/**
 * Accounts the county administrator manages: a new account gets a one-time password and opens
 * nothing until its owner sets their own; a disabled account's open desk socket is closed at once
 * and its login refused; the administrator cannot lock the county out; every action is logged.
 */
let app: FastifyInstance;
let close: () => Promise<void>;
let base: string;
let admin: string;
let show: ScriptedShow;

beforeAll(async () => {
  ({ app, close } = await testApp());
  await loadDemoCounty(app.services.db, { now: '2026-11-01T00:00:00.000Z', cadres: 200, teachers: 10 });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
  show = await ScriptedShow.create(app, base, { rollSeconds: 2 });
  admin = await loginCookie(app, 'admin', ADMIN_PASSWORD);
});
afterAll(async () => {
  show?.close();
  await close?.();
});

const post = (url: string, cookie: string, payload?: object) =>
  app.inject({ method: 'POST', url, headers: { cookie }, ...(payload ? { payload } : {}) });
const code = (response: { json: <T>() => T }) => response.json<{ error: { code: string } }>().error.code;
const sessionCookie = (response: { headers: Record<string, unknown> }) =>
  String(response.headers['set-cookie']).split(';')[0] as string;

async function createAccount(username: string, role = 'operator'): Promise<string> {
  const created = await post('/api/accounts', admin, { username, role });
  expect(created.statusCode, created.body).toBe(200);
  return created.json<OneTimePassword>().password;
}

describe('accounts', () => {
  it('opens a new account only after its owner replaces the one-time password', async () => {
    const oneTime = await createAccount('jyj-operator');
    const login = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'jyj-operator', password: oneTime },
    });
    expect(login.json<AccountSession>()).toEqual({
      username: 'jyj-operator',
      role: 'operator',
      programs: null,
      mustSetPassword: true,
    });
    const first = sessionCookie(login);
    const events = await app.inject({ method: 'GET', url: '/api/events', headers: { cookie: first } });
    expect(events.statusCode).toBe(403);
    expect(code(events)).toBe('AUTH_PASSWORD_SETUP_REQUIRED');
    // Nor does its socket open a desk.
    await expect(
      ShowClient.connect(base, { eventId: show.event.id, role: 'staff', label: '新账号' }, first),
    ).rejects.toThrow();

    const tooShort = await post('/api/auth/password', first, { current: oneTime, next: 'short' });
    expect(code(tooShort)).toBe('VALIDATION_FAILED');
    const wrong = await post('/api/auth/password', first, { current: 'not-it', next: 'a-long-new-password' });
    expect(code(wrong)).toBe('AUTH_INVALID_CREDENTIALS');
    const set = await post('/api/auth/password', first, { current: oneTime, next: 'a-long-new-password' });
    expect(set.json<AccountSession>().mustSetPassword).toBe(false);
    // The one-time session ended with the old password; the new cookie opens the console.
    expect((await app.inject({ method: 'GET', url: '/api/events', headers: { cookie: first } })).statusCode).toBe(401);
    const opened = await app.inject({ method: 'GET', url: '/api/events', headers: { cookie: sessionCookie(set) } });
    expect(opened.statusCode).toBe(200);
  });

  it('closes a disabled account’s open desk at once, refuses its login, and opens it again when enabled', async () => {
    const oneTime = await createAccount('wsj-operator');
    const first = await loginCookie(app, 'wsj-operator', oneTime);
    const set = await post('/api/auth/password', first, { current: oneTime, next: 'wsj-own-password' });
    const desk = await ShowClient.connect(
      base,
      { eventId: show.event.id, role: 'staff', label: '卫生局导播台' },
      sessionCookie(set),
    );
    const revoked = new Promise<string>((resolve) =>
      desk.socket.on('auth:revoked', (notice: { reason: string }) => resolve(notice.reason)),
    );
    const disconnected = new Promise<void>((resolve) => desk.socket.on('disconnect', () => resolve()));
    const disabled = await post('/api/accounts/wsj-operator/disable', admin);
    expect(disabled.json<Accounts>().accounts.find((a) => a.username === 'wsj-operator')?.disabled).toBe(true);
    expect(await revoked).toBe('account-disabled');
    await disconnected;
    desk.close();
    const refused = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'wsj-operator', password: 'wsj-own-password' },
    });
    expect(code(refused)).toBe('AUTH_ACCOUNT_DISABLED');
    await post('/api/accounts/wsj-operator/enable', admin);
    expect(await loginCookie(app, 'wsj-operator', 'wsj-own-password')).toMatch(/=/u);
  });

  it('resets a password to a one-time one, and never lets the administrator lock the county out', async () => {
    const reset = await post('/api/accounts/wsj-operator/reset-password', admin);
    const oneTime = reset.json<OneTimePassword>().password;
    const login = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'wsj-operator', password: oneTime },
    });
    expect(login.json<AccountSession>().mustSetPassword).toBe(true);
    expect(code(await post('/api/accounts/admin/disable', admin))).toBe('ACCOUNT_LAST_ADMIN');
    expect(code(await post('/api/accounts', admin, { username: 'operator', role: 'supervisor' }))).toBe(
      'ACCOUNT_EXISTS',
    );
    expect(code(await post('/api/accounts', admin, { username: 'Bad Name', role: 'operator' }))).toBe(
      'VALIDATION_FAILED',
    );
  });

  it('logs every account action with who did it, newest first', async () => {
    const { log } = (
      await app.inject({ method: 'GET', url: '/api/accounts', headers: { cookie: admin } })
    ).json<Accounts>();
    expect(log.map((e) => [e.actor, e.action, e.target]).reverse()).toEqual([
      ['admin', 'create', 'jyj-operator'],
      ['jyj-operator', 'set-password', 'jyj-operator'],
      ['admin', 'create', 'wsj-operator'],
      ['wsj-operator', 'set-password', 'wsj-operator'],
      ['admin', 'disable', 'wsj-operator'],
      ['admin', 'enable', 'wsj-operator'],
      ['admin', 'reset-password', 'wsj-operator'],
    ]);
  });

  it('upgrades a database of the two first accounts, keeping their sessions', () => {
    const path = join(tempDir(), 'old.db');
    const old = openDatabase(
      path,
      MIGRATIONS.filter((m) => m.version <= 11),
    );
    old.prepare("INSERT INTO users VALUES ('operator', 'operator', 'hash', '2026-01-01T00:00:00Z')").run();
    old.prepare("INSERT INTO sessions VALUES ('t', 'operator', '2026-01-01T00:00:00Z', '2099-01-01T00:00:00Z')").run();
    old.close();
    const db = openDatabase(path);
    expect(db.prepare('SELECT username, role, disabled_at, must_set_password FROM users').all()).toEqual([
      { username: 'operator', role: 'operator', disabled_at: null, must_set_password: 0 },
    ]);
    expect(db.prepare('SELECT username FROM sessions').pluck().all()).toEqual(['operator']);
    expect(() => db.prepare("INSERT INTO sessions VALUES ('u', 'ghost', 'x', 'y')").run()).toThrow(/FOREIGN KEY/u);
    db.close();
  });
});
