import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { loadDemoCounty } from '../../server/demo/load-demo';
import { csvSourceFromBuffer } from '../../server/registry/import/import-files';
import { importRoster } from '../../server/registry/import/roster-import';
import { latestVersion } from '../../server/registry/roster-repository';
import { csvLine, UTF8_BOM } from '../../server/registry/export/csv-writer';
import { claimSummaryText } from '../../server/protocol/show-views';
import { launchChromium, SCREENSHOT_DIR, screenshot } from '../helpers/browser';
import { DeskDriver } from '../helpers/desk-driver';
import { frameFacts, insideTitleSafe, saveDocsFrame } from '../helpers/frame-check';
import { ScriptedShow } from '../helpers/show-script';
import { DEMO_PLAN } from '../helpers/draw-fixture';
import { OPERATOR_PASSWORD, testApp } from '../helpers/test-app';

/**
 * The visit log on the screens, in Debian's chromium: the desk lists each drawn household's claims
 * (what the cadre recorded, which the caller checks), the overlay's household board and the public
 * live page only their counts.
 */
let app: FastifyInstance;
let close: () => Promise<void>;
let browser: Browser;
let base: string;
let driver: DeskDriver;
let show: ScriptedShow;
const PRIVATE = '孙秘密';

const NEEDS: [string, string, string][] = [
  ['村口路灯不亮', '联系供电所更换灯具', '已解决'],
  [`帮邻居${PRIVATE}申请低保`, '材料已报乡镇民政办', '办理中'],
  ['房屋漏雨需要修缮', '已登记，资金未落实', '未解决'],
];

beforeAll(async () => {
  ({ app, close } = await testApp());
  const db = app.services.db;
  await loadDemoCounty(db, { now: '2026-11-01T00:00:00.000Z', cadres: 300, teachers: 10 });
  // Every household gets claims here, so whichever are drawn, the screens have some to show.
  const roster = latestVersion(db, 'cadre-household');
  const numbers = db.prepare('SELECT number FROM contacts WHERE version_id = ?').pluck().all(roster?.id) as string[];
  let csv = UTF8_BOM + csvLine(['户编号', '日期', '类别', '诉求内容', '办理情况', '办理状态']);
  numbers.forEach((number, i) => {
    csv += csvLine([number, '2026-03-05', '走访', '了解家庭生产生活情况', '宣讲惠民政策', '']);
    if (i % 3 !== 2) csv += csvLine([number, '2026-07-18', '走访', '防汛安全提醒', '', '']);
    const [asked, done, status] = NEEDS[i % NEEDS.length] as [string, string, string];
    csv += csvLine([number, '2026-05-12', '诉求', asked, done, status]);
    if (i % 2 === 0) csv += csvLine([number, '2026-09-02', '诉求', '医保报销不清楚', '讲解报销流程并代办', '已解决']);
  });
  await importRoster(db, [csvSourceFromBuffer('走访记录.csv', Buffer.from(csv, 'utf8'))], {
    programCode: 'cadre-household',
    actor: 'tester',
    now: '2026-11-01T00:00:00.000Z',
  });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
  browser = await launchChromium();
  driver = new DeskDriver(browser, base);
  show = await ScriptedShow.create(app, base, { rollSeconds: 2 });
  await show.open();
  await show.entropyAndReveal();
  await show.run({ type: 'drawAuditee' });
  await show.run({ type: 'presentAuditee' });
  await show.run({ type: 'startReport' });
  await show.run({ type: 'endReport' });
  await show.run({ type: 'drawHouseholds' });
});
afterAll(async () => {
  show?.close();
  await driver?.close();
  await browser?.close();
  await close?.();
});

describe('claims on the desk, counts on air and in public', () => {
  it('lists each drawn household’s claims under its row on the desk', async () => {
    const desk = await driver.newPage();
    await driver.login(desk, 'operator', OPERATOR_PASSWORD, `#/desk/${show.event.id}`);
    await desk.getByTestId('households-panel').waitFor();
    const households = show.round.households;
    await expect.poll(() => desk.getByTestId('household-claims').count()).toBe(households.length);
    for (const h of households) {
      const list = desk.locator(`[data-testid="household-claims"][data-household="${h.number}"]`);
      const items = list.getByTestId('claim');
      expect(await items.count()).toBe(h.claims.length);
      const texts = await items.allInnerTexts();
      h.claims.forEach((claim, i) => {
        expect(texts[i]).toContain(claim.date);
        expect(texts[i]).toContain(claim.asked);
        if (claim.done) expect(texts[i]).toContain(claim.done);
        if (claim.status) expect(texts[i]).toContain(claim.status);
      });
    }
    await desk.getByTestId('households-panel').scrollIntoViewIfNeeded();
    await screenshot(desk, 'console-desk-claims');

    // The list at a phone's width (the caller's page reuses it): 390 px, nothing overflows.
    const list = desk.getByTestId('claim-list').first();
    await list.evaluate((el) => {
      (el as HTMLElement).style.width = '390px';
      (el as HTMLElement).style.background = '#fff';
    });
    const overflow = await list.evaluate(
      (el) => [el, ...el.querySelectorAll('li, li > span')].filter((e) => e.scrollWidth > e.clientWidth + 1).length,
    );
    expect(overflow).toBe(0);
    expect((await list.boundingBox())?.width).toBe(390);
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await list.screenshot({ path: join(SCREENSHOT_DIR, 'claim-list-390.png') });
  });

  it('shows only the counts on the overlay’s household board and on the public live page', async () => {
    const overlay = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await overlay.goto(show.overlayUrl());
    await overlay.waitForSelector('[data-testid="household-board"]');
    const households = show.round.households.filter((h) => h.replaced === null);
    const shown = await overlay.getByTestId('household-claims').allInnerTexts();
    expect(shown.map((t) => t.trim())).toEqual(households.map((h) => claimSummaryText(h.claimSummary)));
    expect(shown[0]).toMatch(/^走访 \d 次 · 诉求 \d 件（已解决 \d）$/u);
    const html = await overlay.content();
    for (const text of [PRIVATE, '村口路灯不亮', '了解家庭生产生活情况', '讲解报销流程并代办']) {
      expect(html.includes(text), text).toBe(false);
    }
    await overlay.waitForTimeout(600);
    const png = await overlay.screenshot({ omitBackground: true });
    expect(insideTitleSafe(frameFacts(png).box)).toBe(true);
    saveDocsFrame(png, 'overlay-households-claims');

    const viewer = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await viewer.goto(`${base}/public#/e/${show.event.id}`);
    await viewer.getByTestId('public-household').first().waitFor();
    const counts = await viewer.getByTestId('public-household-claims').allInnerTexts();
    expect(counts.map((t) => t.trim())).toEqual(
      show.round.households.map((h) => `走访台账：${claimSummaryText(h.claimSummary)}`),
    );
    expect((await viewer.content()).includes(PRIVATE)).toBe(false);
    await screenshot(viewer, 'public-live-claims');
  });

  it('shows no claims and no column where the program has no visit log (教师联系家长)', async () => {
    const teachers = await ScriptedShow.create(app, base, {
      title: '教师联系家长抽查',
      rollSeconds: 2,
      plan: {
        ...DEMO_PLAN,
        programCode: 'teacher-parent',
        auditees: { mode: 'total', count: 1 },
        contactsPerAuditee: 3,
      },
    });
    try {
      await teachers.open();
      await teachers.entropyAndReveal();
      await teachers.run({ type: 'drawAuditee' });
      await teachers.run({ type: 'presentAuditee' });
      await teachers.run({ type: 'startReport' });
      await teachers.run({ type: 'endReport' });
      await teachers.run({ type: 'drawHouseholds' });
      expect(teachers.snapshot.draw.visitLog).toBeNull();
      const desk = await driver.newPage();
      await driver.login(desk, 'operator', OPERATOR_PASSWORD, `#/desk/${teachers.event.id}`);
      await expect.poll(() => desk.getByTestId('household-row').count()).toBe(3);
      expect(await desk.getByTestId('household-claims').count()).toBe(0);
      const overlay = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
      await overlay.goto(teachers.overlayUrl());
      await overlay.waitForSelector('[data-testid="household-board"]');
      expect(await overlay.getByTestId('household-claims').count()).toBe(0);
      expect(await overlay.getByTestId('household-board').innerText()).not.toContain('走访台账');
    } finally {
      teachers.close();
    }
  });
});
