import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { loadDemoCounty } from '../../server/demo/load-demo';
import { launchChromium, screenshot } from '../helpers/browser';
import { ScriptedShow } from '../helpers/show-script';
import { ADMIN_PASSWORD, testApp } from '../helpers/test-app';

/**
 * 话务台 on a phone, as a county runs a routine check: the administrator grants a caller (话务员)
 * the cadre-household program; the caller's phone waits, then shows the households of the round
 * being called with their phones, and records what each one says; once the round is over its
 * phones are gone from the screen. A reader (查阅) gets read-only tabs, no registry and no desk.
 */
let app: FastifyInstance;
let close: () => Promise<void>;
let browser: Browser;
let base: string;
let show: ScriptedShow;
let phone: Page;

beforeAll(async () => {
  ({ app, close } = await testApp());
  await loadDemoCounty(app.services.db, { now: '2026-11-01T00:00:00.000Z', cadres: 200, teachers: 10 });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
  show = await ScriptedShow.create(app, base, { rollSeconds: 2, mode: 'routine', title: '十二月日常抽查' });
  browser = await launchChromium();
}, 120_000);
afterAll(async () => {
  show?.close();
  await browser?.close();
  await close?.();
});

async function logIn(page: Page, username: string, password: string) {
  await page.goto(`${base}/console`);
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
}

/** The administrator creates the account in the browser; its owner sets their own password. */
async function grant(admin: Page, owner: Page, username: string, role: string, program: string | null) {
  await admin.getByTestId('account-username').fill(username);
  await admin.getByTestId('account-grant-role').selectOption(role);
  if (program !== null) {
    await admin.getByTestId('account-grant-every').uncheck();
    await admin.locator(`[data-testid="account-grant-program"][data-program="${program}"]`).check();
  }
  await admin.getByTestId('account-create').click();
  const oneTime = (await admin.getByTestId('account-issued-password').innerText()).trim();
  await admin.getByRole('button', { name: '已交付，关闭' }).click();
  await logIn(owner, username, oneTime);
  await owner.getByTestId('set-password-current').fill(oneTime);
  await owner.getByTestId('set-password-next').fill(`${username}-own-password`);
  await owner.getByTestId('set-password-again').fill(`${username}-own-password`);
  await owner.getByTestId('set-password-submit').click();
}

describe('话务台', () => {
  let admin: Page;

  it('grants a caller one program, and the account page says so', async () => {
    admin = await browser.newPage({ viewport: { width: 1366, height: 800 } });
    await logIn(admin, 'admin', ADMIN_PASSWORD);
    await admin.getByTestId('accounts-table').waitFor();
    phone = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    await grant(admin, phone, 'gbz-caller', 'caller', 'cadre-household');
    const row = admin.locator('[data-testid="account-row"][data-username="gbz-caller"]');
    expect(await row.getByTestId('account-scope').innerText()).toBe('干部联系群众');
    expect(await row.innerText()).toContain('话务员');
    await screenshot(admin, 'console-accounts-roles');
  });

  it('waits on the phone until the households are drawn, then shows their phones and records the calls', async () => {
    await phone.getByTestId('caller-desk').waitFor();
    expect(await phone.getByTestId('tab-events').count()).toBe(0);
    await show.open();
    await show.entropyAndReveal();
    await show.run({ type: 'drawAuditee' });
    await show.run({ type: 'presentAuditee' });
    await phone.getByTestId('caller-waiting').waitFor();
    expect(await phone.getByTestId('call-phone').count()).toBe(0);
    await show.run({ type: 'drawHouseholds' });
    await phone.locator('[data-testid="caller-desk"][data-state="calling"]').waitFor();
    const cards = phone.getByTestId('call-card');
    const count = await cards.count();
    expect(count).toBeGreaterThan(0);
    const dialled = await phone.getByTestId('call-phone').first().innerText();
    expect(dialled).toMatch(/^1\d{10}$/u);
    const first = cards.first();
    await first.locator('[data-testid="call-status-option"][data-value="已接通"]').click();
    await first.locator('[data-testid="outcome-option"][data-value="属实"]').click();
    await first.locator('[data-testid="satisfaction-option"][data-value="满意"]').click();
    await screenshot(phone, 'console-caller');
    await first.getByTestId('call-record').click();
    await phone.locator('[data-testid="call-card"][data-state="recorded"]').first().waitFor();
    expect(await phone.getByTestId('caller-progress').innerText()).toBe(`已记录 1 / ${count} 户`);
    const number = await first.getAttribute('data-household');
    expect(show.round.households.find((h) => h.number === number)?.outcome).toBe('属实');
  });

  it('takes the phones off the screen when the round is no longer being called', async () => {
    await show.callHouseholds([{ outcome: '属实', satisfaction: '基本满意' }]);
    await show.run({ type: 'finishRound' });
    await phone.getByTestId('caller-waiting').waitFor();
    expect(await phone.getByTestId('call-phone').count()).toBe(0);
    expect(await phone.content()).not.toMatch(/1\d{10}/u);
  });

  it('gives a reader the results, reports and 整改 tabs and nothing to act on', async () => {
    const reader = await browser.newPage({ viewport: { width: 1366, height: 800 } });
    await grant(admin, reader, 'jw-reader', 'reader', null);
    await reader.getByTestId('tab-events').waitFor();
    const tabs = await reader.locator('nav button').allInnerTexts();
    expect(tabs).toEqual(['抽查活动', '统计报表', '县级总览', '评委评价', '整改跟踪']);
    expect(await reader.getByTestId('current-user').innerText()).toContain('查阅');
  });
});
