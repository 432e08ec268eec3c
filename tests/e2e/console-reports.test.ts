import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { loadDemoCounty } from '../../server/demo/load-demo';
import { defaultPlan } from '../../server/draw-engine/default-plan';
import { launchChromium, screenshot } from '../helpers/browser';
import { OPERATOR_PASSWORD, testApp } from '../helpers/test-app';
import { insertHistory } from '../helpers/history-fixture';

/**
 * The console's reports (figures, a ranking table and ECharts charts drawn locally) and follow-up
 * (整改 items and a 回头看), in chromium, over a year of history.
 */
let app: FastifyInstance;
let close: () => Promise<void>;
let browser: Browser;
let page: Page;
let base: string;

beforeAll(async () => {
  ({ app, close } = await testApp());
  await loadDemoCounty(app.services.db, { now: '2026-01-01T00:00:00.000Z', cadres: 600, teachers: 10 });
  const versionId = app.services.draws.preview(defaultPlan('2026-01-01')).rosterVersionId;
  insertHistory(app.services.db, {
    versionId,
    year: new Date().getFullYear(),
    checks: 12,
    perCheck: 40,
    shows: 6,
    perShow: 5,
  });
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

describe('console reports', () => {
  it('shows the year by 乡镇 with charts, ranked, and switches to 行业', async () => {
    await page.goto(`${base}/console#/reports`);
    await page.getByTestId('login-password').fill(OPERATOR_PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.waitForSelector('[data-testid="chart-groups"] svg');
    await page.waitForSelector('[data-testid="chart-months"] svg');
    const year = new Date().getFullYear();
    const report = app.services.reports.report({
      program: 'cadre-household',
      by: 'town',
      from: `${year}-01-01`,
      to: `${year}-12-31`,
    });
    expect(await page.getByTestId('report-row').count()).toBe(report.groups.length);
    expect(await page.getByTestId('report-row').first().innerText()).toContain(report.groups[0]?.name as string);
    expect(await page.getByTestId('report-totals').innerText()).toContain(String(report.total.audited));
    // The chart draws every 乡镇 as a bar, from the shipped code (no network).
    expect(await page.locator('[data-testid="chart-groups"] svg path').count()).toBeGreaterThan(report.groups.length);
    await screenshot(page, 'console-reports');
    await page.getByTestId('report-by').selectOption('industry');
    await expect
      .poll(async () => (await page.getByTestId('report-row').first().innerText()).split('\t')[1])
      .toBe(
        app.services.reports.report({
          program: 'cadre-household',
          by: 'industry',
          from: `${year}-01-01`,
          to: `${year}-12-31`,
        }).groups[0]?.name,
      );
  });

  it('registers a rectification for a round below threshold, tracks it, and starts a 回头看 draft', async () => {
    await page.getByTestId('tab-followups').click();
    await page.getByTestId('followup-candidate').first().waitFor();
    const candidates = await page.getByTestId('followup-candidate').count();
    const first = page.getByTestId('followup-candidate').first();
    const number = (await first.getAttribute('data-auditee')) as string;
    await first.getByTestId('followup-open-form').click();
    await page.getByTestId('followup-item').fill('入户走访不到位，限期补访全部联系户');
    await page.getByTestId('followup-deadline').fill('2020-01-31');
    await page.getByTestId('followup-register').click();
    await page.getByTestId('rectification').first().waitFor();
    expect(await page.getByTestId('followup-candidate').count()).toBe(candidates - 1);
    expect(await page.getByTestId('rectification').first().innerText()).toContain(number);
    await page.getByTestId('overdue').waitFor();
    await page.getByTestId('rectification-status').first().selectOption('整改中');
    await page.waitForSelector('[data-testid="rectification"][data-status="整改中"]');
    await page.getByTestId('rectification').first().scrollIntoViewIfNeeded();
    await screenshot(page, 'console-followups');
    await page.getByTestId('recheck-create').click();
    await page.getByTestId('recheck-scope').waitFor();
    expect(await page.getByTestId('recheck-scope').innerText()).toContain('只从 1 名需复查人员中抽取');
    await expect.poll(() => page.getByTestId('pool-size').innerText()).toMatch(/^[01] 人$/u);
  });

  it('plans a check by declared ratios per risk tier, showing each tier’s pool and whole quota', async () => {
    await page.goto(`${base}/console#/events/new`);
    await page.getByTestId('event-title').fill('十二月风险分层专项抽查');
    await page.getByTestId('count-mode-ratios').check();
    const setValue = async (testId: string, value: string) => {
      await page.getByTestId(testId).fill(value);
      await page.getByTestId(testId).dispatchEvent('change');
    };
    await setValue('ratios-count', '10');
    await setValue('ratio-高风险', '50');
    await setValue('ratio-中风险', '30');
    await setValue('ratio-低风险', '10');
    await expect
      .poll(() => page.getByTestId('editor-problems').innerText())
      .toContain('各层比例之和须为 100%，现为 90%');
    await setValue('ratio-低风险', '20');
    await expect.poll(() => page.getByTestId('ratio-quota-高风险').innerText()).toBe('5');
    expect(await page.getByTestId('ratio-quota-中风险').innerText()).toBe('3');
    expect(await page.getByTestId('ratio-quota-低风险').innerText()).toBe('2');
    expect(await page.getByTestId('editor-problems').count()).toBe(0);
    // The pool of each tier, as the server computes it from the history (the year's shortfalls are 高风险).
    const tierPool = async (row: number) =>
      Number(/(\d+) 人/u.exec(await page.locator('[data-testid="ratios"] tbody tr').nth(row).innerText())?.[1]);
    await expect.poll(() => tierPool(0)).toBeGreaterThan(0);
    // Every pooled cadre is in exactly one tier.
    const poolSize = Number(/\d+/u.exec(await page.getByTestId('pool-size').innerText())?.[0]);
    expect((await tierPool(0)) + (await tierPool(1)) + (await tierPool(2))).toBe(poolSize);
    await expect.poll(() => page.getByTestId('pool-problem').count()).toBe(0);
    await page.getByTestId('ratios').scrollIntoViewIfNeeded();
    await screenshot(page, 'console-editor-risk-ratios');
  });
});
