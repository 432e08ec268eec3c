import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { launchChromium, screenshot } from '../helpers/browser';
import { OPERATOR_PASSWORD, testApp } from '../helpers/test-app';

/**
 * The console's control-panel page in chromium: the operator makes a token for a Stream Deck, sees
 * it once with the addresses Companion needs, the token works from outside as Companion would call
 * it, the call shows in the log, and revoking it (asked in a dialog) shuts it out.
 */
let app: FastifyInstance;
let close: () => Promise<void>;
let browser: Browser;
let page: Page;
let base: string;

beforeAll(async () => {
  ({ app, close } = await testApp());
  base = await app.listen({ host: '127.0.0.1', port: 0 });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  page.on('pageerror', (error) => {
    throw error;
  });
});
afterAll(async () => {
  await browser?.close();
  await close?.();
});

const take = (token: string) =>
  fetch(`${base}/api/control/v1/take`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: '{}',
  });

describe('the console’s control-panel page', () => {
  it('makes a token shown once, which Companion can use, logs its calls, and revokes it after asking', async () => {
    await page.goto(`${base}/console#/control`);
    await page.getByTestId('login-password').fill(OPERATOR_PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('control-page').waitFor();

    // A name is needed.
    await page.getByTestId('control-token-create').click();
    await expect.poll(() => page.getByTestId('control-error').innerText()).toContain('名字');

    await page.getByTestId('control-token-name').fill('演播室 Stream Deck');
    await page.getByTestId('control-token-create').click();
    const token = await page.getByTestId('control-token-value').inputValue();
    expect(token).toMatch(/^chc_[A-Za-z0-9_-]{43}$/u);
    expect(await page.getByTestId('control-token-created').innerText()).toContain(`${base}/api/control/v1`);

    // Companion's button: no event followed yet, so refused with the clear reason, and logged.
    const refused = await take(token);
    expect(refused.status).toBe(409);
    expect((await refused.json()).error.code).toBe('CONTROL_NO_EVENT');
    await page.getByTestId('control-calls-refresh').click();
    await expect.poll(() => page.getByTestId('control-calls').innerText()).toContain('画面输出尚未跟随');
    await screenshot(page, 'console-control');

    const id = app.services.control.tokens.list()[0]?.id as number;
    const row = page.getByTestId(`control-token-${id}`);
    expect(await row.getAttribute('data-state')).toBe('active');
    // Esc leaves the token as it is.
    await page.getByTestId(`control-token-revoke-${id}`).click();
    await page.getByTestId('control-revoke-dialog').waitFor();
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('control-revoke-dialog').isVisible()).toBe(false);
    expect(await row.getAttribute('data-state')).toBe('active');
    expect((await take(token)).status).toBe(409);

    await page.getByTestId(`control-token-revoke-${id}`).click();
    await page.getByTestId('control-revoke-confirm').click();
    await expect.poll(() => row.getAttribute('data-state')).toBe('revoked');
    expect(await page.getByTestId('control-token-created').count()).toBe(0);
    const shut = await take(token);
    expect(shut.status).toBe(401);
    expect((await shut.json()).error.code).toBe('CONTROL_TOKEN_INVALID');
    await page.getByTestId('control-calls-refresh').click();
    await expect.poll(() => page.getByTestId('control-calls').innerText()).toContain('令牌已撤销');
    await page.getByTestId('control-calls').scrollIntoViewIfNeeded();
    await screenshot(page, 'console-control-log');
  });
});
