import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { loadDemoCounty } from '../../server/demo/load-demo';
import { defaultPlan } from '../../server/draw-engine/default-plan';
import { formatPoints } from '../../server/scoring/scoring';
import { RECTIFICATION_STATUSES } from '../../server/protocol/followups';
import { launchChromium, screenshot } from '../helpers/browser';
import { seedCounty, type CountyFixture } from '../helpers/county-fixture';
import { OPERATOR_PASSWORD, testApp } from '../helpers/test-app';

/**
 * The console's 县级总览 in chromium, over two programs' audits (real closed checks of 干部联系群众
 * and 教师联系家长, a year of fixture history) and their 整改: every program's figures, the units of
 * both ranked together with a chart, the 整改 counts, and a link into one program's 整改跟踪.
 */
let app: FastifyInstance;
let close: () => Promise<void>;
let browser: Browser;
let page: Page;
let base: string;
let fixture: CountyFixture;
const QUERY = { from: '2026-01-01', to: '2026-12-31' };

beforeAll(async () => {
  ({ app, close } = await testApp());
  await loadDemoCounty(app.services.db, { now: '2026-01-01T00:00:00.000Z', cadres: 300, teachers: 10 });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
  const versionId = app.services.draws.preview(defaultPlan('2026-01-01')).rosterVersionId;
  fixture = await seedCounty(app, base, versionId);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 1900 } });
  page.on('pageerror', (error) => {
    throw error;
  });
}, 240_000);
afterAll(async () => {
  fixture?.close();
  await browser?.close();
  await close?.();
});

describe('the county view', () => {
  it('shows every program, the units of both ranked together, and their 整改', async () => {
    await page.goto(`${base}/console#/events`);
    await page.getByTestId('login-password').fill(OPERATOR_PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('tab-county').click();
    // No program to choose: the view is across programs.
    expect(await page.getByTestId('program-select').count()).toBe(0);
    await page.getByTestId('county-from').fill(QUERY.from);
    await page.getByTestId('county-to').fill(QUERY.to);
    await page.getByTestId('county-load').click();
    const report = app.services.county.report(QUERY, null);
    await expect.poll(() => page.getByTestId('county-total-audited').innerText()).toBe(String(report.total.audited));
    await page.waitForSelector('[data-testid="county-unit-chart"] svg');

    const programs = page.getByTestId('county-program-row');
    expect(await programs.count()).toBe(report.programs.length);
    for (const p of report.programs) {
      const row = page.locator(`[data-testid="county-program-row"][data-program="${p.program.code}"]`);
      expect(await row.getByTestId('county-program-audited').innerText(), p.program.code).toBe(
        String(p.figures.audited),
      );
      expect(await row.innerText()).toContain(p.program.department);
      const rect = page.locator(`[data-testid="county-rectification-row"][data-program="${p.program.code}"]`);
      expect(await rect.getByTestId('county-rectification-total').innerText()).toBe(String(p.rectifications.total));
      expect(await rect.getByTestId('county-overdue').innerText()).toBe(String(p.rectifications.overdue));
      for (const status of RECTIFICATION_STATUSES) {
        expect(await rect.locator(`[data-status="${status}"]`).innerText()).toBe(
          String(p.rectifications.byStatus[status]),
        );
      }
    }
    expect(report.programs.map((p) => p.figures.audited > 0)).toEqual([true, true, false, false]);
    expect(await page.getByTestId('county-total-rectifications').innerText()).toBe('4');
    expect(await page.getByTestId('county-department-row').count()).toBe(report.departments.length);

    // The ranking mixes both programs' units, best first, as the server ranked them.
    const units = page.getByTestId('county-unit-row');
    expect(await units.count()).toBe(report.units.length);
    const shown = await units.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-program')));
    expect(shown).toEqual(report.units.map((u) => u.program.code));
    expect(new Set(shown)).toEqual(new Set(['cadre-household', 'teacher-parent']));
    expect(await units.first().getByTestId('county-unit-combined').innerText()).toBe(
      formatPoints(report.units[0]?.figures.averageCombined ?? null),
    );
    const xlsx = await page
      .context()
      .request.get(`${base}${await page.getByTestId('county-xlsx').getAttribute('href')}`);
    expect(xlsx.status()).toBe(200);
    await screenshot(page, 'console-county-view');
  });

  it('opens one program’s 整改跟踪 from its row', async () => {
    await page
      .locator('[data-testid="county-rectification-row"][data-program="teacher-parent"]')
      .getByTestId('county-open-followups')
      .click();
    await page.getByTestId('followups').waitFor();
    expect(await page.getByTestId('tab-followups').getAttribute('data-state')).toBe('active');
    expect(await page.getByTestId('program-select').inputValue()).toBe('teacher-parent');
    // The teachers' three rectifications (two this year, one last year), not the cadres' two.
    await expect.poll(() => page.getByTestId('rectification').count()).toBe(3);
    const auditees = await page
      .getByTestId('rectification')
      .evaluateAll((rows) => rows.map((r) => r.textContent ?? ''));
    const teacher = fixture.teacherCheck.snapshot.rounds[0]?.auditee.number as string;
    expect(auditees.some((text) => text.includes(teacher))).toBe(true);
  });
});
