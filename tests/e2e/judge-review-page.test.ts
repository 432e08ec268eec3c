import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { loadDemoCounty } from '../../server/demo/load-demo';
import { JUDGE_FLAG_LABEL } from '../../server/protocol/judge-review';
import { launchChromium, screenshot } from '../helpers/browser';
import { runBiasedShows } from '../helpers/biased-shows';
import { JUDGE_NAMES } from '../helpers/show-script';
import { OPERATOR_PASSWORD, SUPERVISOR_PASSWORD, testApp } from '../helpers/test-app';

/**
 * The supervisors' 评委评价 page over two stored shows in which 张代表 scored one unit's cadres 8
 * points high: the page flags them for that unit, and no one else; an operator has no such tab, and
 * opening its address anyway shows the server's refusal.
 */
let app: FastifyInstance;
let close: () => Promise<void>;
let browser: Browser;
let base: string;
let units: string[];

beforeAll(async () => {
  ({ app, close } = await testApp());
  await loadDemoCounty(app.services.db, { now: '2026-01-01T00:00:00.000Z', cadres: 300, teachers: 10 });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
  units = await runBiasedShows(app, base);
  browser = await launchChromium();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await close?.();
});

async function logIn(username: 'operator' | 'supervisor', hash: string) {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('pageerror', (error) => {
    throw error;
  });
  await page.goto(`${base}/console${hash}`);
  if (username === 'supervisor') await page.getByTestId('login-username').fill('supervisor');
  await page.getByTestId('login-password').fill(username === 'operator' ? OPERATOR_PASSWORD : SUPERVISOR_PASSWORD);
  await page.getByTestId('login-submit').click();
  return page;
}

describe('the 评委评价 page', () => {
  it('flags the judge who favoured one unit, and no one else, with the figures and exports', async () => {
    const page = await logIn('supervisor', '#/events');
    await page.getByTestId('tab-judges').click();
    await page.getByTestId('judge-review-from').fill('2026-01-01');
    await page.getByTestId('judge-review-to').fill('2026-12-31');
    await page.getByTestId('judge-review-load').click();
    await page.getByTestId('judge-review-table').waitFor();
    expect(await page.getByTestId('judge-review-summary').innerText()).toContain(
      '2 场活动 · 6 轮公布的评分 · 5 位评委',
    );
    expect(await page.getByTestId('judge-review-row').count()).toBe(JUDGE_NAMES.length);
    const flags = page.getByTestId('judge-flag');
    const flagged = await flags.evaluateAll((items) => items.map((i) => i.getAttribute('data-judge')));
    expect(new Set(flagged)).toEqual(new Set(['张代表']));
    const unitFlag = page.locator(`[data-testid="judge-flag"][data-kind="high"][data-group="${units[0]}"]`);
    expect(await unitFlag.innerText()).toContain(JUDGE_FLAG_LABEL.high);
    const row = page.locator('[data-testid="judge-review-row"][data-judge="张代表"]');
    expect(await row.getAttribute('data-state')).toBe('flagged');
    expect(await row.getByTestId('judge-mean-deviation').innerText()).toMatch(/^\+\d+\.\d\d$/u);
    for (const name of JUDGE_NAMES.filter((n) => n !== '张代表')) {
      const other = page.locator(`[data-testid="judge-review-row"][data-judge="${name}"]`);
      expect(await other.getAttribute('data-state'), name).toBe('ok');
    }
    const xlsx = await page
      .context()
      .request.get(`${base}${await page.getByTestId('judge-review-xlsx').getAttribute('href')}`);
    expect(xlsx.status()).toBe(200);
    await page.getByTestId('judge-review-rules').locator('summary').click();
    await screenshot(page, 'console-judge-review');
    await page.close();
  });

  it('is no tab of the operator’s, and its address shows the refusal', async () => {
    const page = await logIn('operator', '#/events');
    await page.getByTestId('tab-events').waitFor();
    expect(await page.getByTestId('tab-judges').count()).toBe(0);
    await page.goto(`${base}/console#/judges`);
    expect(await page.getByTestId('judge-review-error').innerText()).toMatch(/\S/u);
    expect(await page.getByTestId('judge-review-table').count()).toBe(0);
    await page.close();
  });
});
