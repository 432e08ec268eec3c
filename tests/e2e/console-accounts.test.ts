import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { loadDemoCounty } from '../../server/demo/load-demo';
import { REVOCATION_REASON_LABEL } from '../../server/protocol/show-socket';
import { launchChromium, screenshot } from '../helpers/browser';
import { ScriptedShow } from '../helpers/show-script';
import { ADMIN_PASSWORD, testApp } from '../helpers/test-app';

/**
 * The administrator's 账号管理 page, used as a county would: the administrator creates a
 * department's operator and hands over the one-time password; the operator logs in, must set their
 * own password, then opens a desk; the administrator disables the account and the open desk closes
 * at once, saying why. The administrator's own console has no show, registry or phones.
 */
let app: FastifyInstance;
let close: () => Promise<void>;
let browser: Browser;
let base: string;
let show: ScriptedShow;
let adminPage: Page;
let operatorPage: Page;
let oneTime = '';

beforeAll(async () => {
  ({ app, close } = await testApp());
  await loadDemoCounty(app.services.db, { now: '2026-11-01T00:00:00.000Z', cadres: 200, teachers: 10 });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
  show = await ScriptedShow.create(app, base, { rollSeconds: 2 });
  browser = await launchChromium();
}, 120_000);
afterAll(async () => {
  show?.close();
  await browser?.close();
  await close?.();
});

async function logIn(page: Page, username: string, password: string, hash = '') {
  await page.goto(`${base}/console${hash}`);
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
}

describe('账号管理', () => {
  it('lets the administrator create an account and shows its one-time password once', async () => {
    adminPage = await browser.newPage({ viewport: { width: 1366, height: 800 } });
    await logIn(adminPage, 'admin', ADMIN_PASSWORD);
    await adminPage.getByTestId('accounts-table').waitFor();
    // Accounts only: no show, registry or report tabs for the administrator.
    expect(await adminPage.getByTestId('tab-events').count()).toBe(0);
    expect(await adminPage.getByTestId('tab-registry').count()).toBe(0);
    await adminPage.getByTestId('account-username').fill('jyj-operator');
    await adminPage.getByTestId('account-grant-role').selectOption('operator');
    await adminPage.getByTestId('account-create').click();
    oneTime = (await adminPage.getByTestId('account-issued-password').innerText()).trim();
    expect(oneTime.length).toBeGreaterThanOrEqual(10);
    const row = adminPage.locator('[data-testid="account-row"][data-username="jyj-operator"]');
    expect(await row.innerText()).toContain('待本人设置密码');
    await screenshot(adminPage, 'console-accounts');
  });

  it('makes the new operator set their own password before the console opens', async () => {
    operatorPage = await browser.newPage({ viewport: { width: 1366, height: 800 } });
    await logIn(operatorPage, 'jyj-operator', oneTime, `#/desk/${show.event.id}`);
    await operatorPage.getByTestId('set-password-form').waitFor();
    await operatorPage.getByTestId('set-password-current').fill(oneTime);
    await operatorPage.getByTestId('set-password-next').fill('jyj-own-password');
    await operatorPage.getByTestId('set-password-again').fill('jyj-own-passwor');
    expect(await operatorPage.getByTestId('set-password-error').innerText()).toContain('不一致');
    await screenshot(operatorPage, 'console-set-password');
    await operatorPage.getByTestId('set-password-again').fill('jyj-own-password');
    await operatorPage.getByTestId('set-password-submit').click();
    await operatorPage.getByTestId('desk').waitFor();
  });

  it('closes the disabled account’s open desk at once and logs every action', async () => {
    await adminPage
      .locator('[data-testid="account-row"][data-username="jyj-operator"]')
      .getByTestId('account-disable')
      .click();
    await adminPage
      .locator('[data-testid="account-row"][data-username="jyj-operator"][data-state="disabled"]')
      .waitFor();
    const message = operatorPage.getByTestId('desk-message');
    await message.waitFor();
    expect(await message.getAttribute('data-code')).toBe('account-disabled');
    expect(await message.innerText()).toContain(REVOCATION_REASON_LABEL['account-disabled']);
    const actions = await adminPage
      .getByTestId('account-log-entry')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-action')));
    expect(actions).toEqual(['disable', 'set-password', 'create']);
    await screenshot(adminPage, 'console-accounts-log');
  });
});
