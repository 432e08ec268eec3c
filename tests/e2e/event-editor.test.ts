import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { loadDemoCounty } from '../../server/demo/load-demo';
import type { GridView } from '../../server/protocol/registry';
import { launchChromium, screenshot } from '../helpers/browser';
import { loginCookie, OPERATOR_PASSWORD, testApp } from '../helpers/test-app';
import { DeskDriver } from '../helpers/desk-driver';
import { TEXT_FAULT_LABEL } from '../../server/protocol/text-rules';

/**
 * The event editor's count section in Debian's chromium at 1366×768: the strata it offers follow
 * the eligibility filters and the registry's order, an unfinished plan says what is missing in
 * Chinese (never the server's bare 400), and the summary follows the keyboard, not the blur.
 */
let app: FastifyInstance;
let close: () => Promise<void>;
let browser: Browser;
let driver: DeskDriver;
let page: Page;
let gridOrder: string[] = [];
/** The towns that hold cadres (the editor offers no empty town), in grid order. */
let peopledTowns: string[] = [];

beforeAll(async () => {
  ({ app, close } = await testApp());
  await loadDemoCounty(app.services.db, { now: '2026-11-01T00:00:00.000Z', cadres: 600, teachers: 10 });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  const cookie = await loginCookie(app);
  const grid = (
    await app.inject({ method: 'GET', url: '/api/programs/cadre-household/grid', headers: { cookie } })
  ).json<GridView>();
  gridOrder = grid.children.map((c) => c.name);
  peopledTowns = grid.children.filter((c) => c.auditees > 0).map((c) => c.name);
  browser = await launchChromium();
  driver = new DeskDriver(browser, base);
  page = await driver.newPage();
  await driver.login(page, 'operator', OPERATOR_PASSWORD, '#/events/new');
  await page.getByTestId('event-editor').waitFor();
  await page
    .getByText(/^[\d,]+ 人$/u)
    .first()
    .waitFor();
});

afterAll(async () => {
  await driver?.close();
  await browser?.close();
  await close?.();
});

const strataOf = (testid: string) =>
  page.getByTestId(testid).evaluateAll((rows) => rows.map((r) => r.getAttribute('data-stratum')));
const rawRefusal = () => page.getByText('请求内容不符合要求').count();

describe('event editor: strata', () => {
  it('lists the towns in the registry’s grid order, not by code point', async () => {
    const towns = await page
      .getByTestId('town-option')
      .evaluateAll((boxes) => boxes.map((b) => b.getAttribute('data-town')));
    expect(gridOrder).toHaveLength(18);
    expect(peopledTowns.length).toBeGreaterThan(15);
    expect(towns).toEqual(peopledTowns);
    expect(towns).not.toEqual([...towns].sort());
  });

  it('offers quotas only for the two ticked towns, in grid order, and says in Chinese what is missing', async () => {
    const [first, second] = [gridOrder[4] as string, gridOrder[1] as string];
    await page.locator(`[data-testid="town-option"][data-town="${first}"]`).check();
    await page.locator(`[data-testid="town-option"][data-town="${second}"]`).check();
    await page.locator('input[name="count-mode"]').nth(1).check(); // 分层抽取, by 乡镇
    await expect.poll(() => strataOf('quota-row')).toEqual([second, first]);
    await expect.poll(() => page.getByTestId('pool-problem').innerText()).toBe('分层抽取：请在下表为至少一层填写名额');
    // No stratum without a name (the whole pool of a stale total-count preview), no raw refusal.
    expect(await page.getByText(/^：/u).count()).toBe(0);
    expect(await rawRefusal()).toBe(0);
    // Each row shows its stratum's size in the pool.
    await expect.poll(() => page.getByTestId('quota-row').first().innerText()).toMatch(/\d+ 人/u);

    // Typing is enough: the summary and the strata follow each keystroke, before any blur.
    const quota = page.locator(`[data-testid="quota-row"][data-stratum="${second}"] input`);
    await quota.focus();
    await page.keyboard.type('2');
    await expect
      .poll(() => page.getByTestId('pool-strata').innerText())
      .toMatch(new RegExp(`^${second}：\\d+ 人，抽 2$`, 'u'));
    await expect.poll(() => page.getByTestId('pool-preview').innerText()).toContain('本场 2 轮');
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('INPUT');
    expect(await page.getByTestId('pool-problem').count()).toBe(0);
    await screenshot(page, 'console-event-editor-strata');
  });

  it('switches to ratios without a raw refusal, lists only the ticked towns and counts live', async () => {
    await page.getByTestId('count-mode-ratios').check();
    await page.getByTestId('ratios-by').selectOption('town');
    await expect.poll(() => strataOf('ratio-row')).toEqual([gridOrder[1], gridOrder[4]]);
    await expect
      .poll(() => page.getByTestId('pool-problem').innerText())
      .toBe('按比例抽取：请在下表为各层填写比例，合计须为 100%');
    expect(await rawRefusal()).toBe(0);
    await page.getByTestId(`ratio-${gridOrder[1]}`).focus();
    await page.keyboard.press('Control+A');
    await page.keyboard.type('100');
    await expect.poll(() => page.getByTestId(`ratio-quota-${gridOrder[1]}`).innerText()).not.toBe('—');
    expect(await page.getByTestId('pool-problem').count()).toBe(0);
    expect(await rawRefusal()).toBe(0);
  });

  it('offers only the 工作片 of the ticked towns when stratifying by 工作片', async () => {
    await page.locator('input[name="count-mode"]').nth(1).check();
    await page.getByTestId('strata-by').selectOption('area');
    const areas = await strataOf('quota-row');
    expect(areas.length).toBeGreaterThan(0);
    for (const area of areas) expect([gridOrder[1], gridOrder[4]]).toContain(area?.split('/')[0]);
    expect(await rawRefusal()).toBe(0);
  });
});

describe('event editor: strict input', () => {
  it('shows the Chinese refusal of a title with a bidi override, then saves the plan the strict server takes', async () => {
    await page.locator('input[name="count-mode"]').first().check(); // 总数抽取: nothing left for the form to ask
    await page.getByTestId('event-title').fill('第四季度\u202e电视抽查');
    await page.getByTestId('save-event').click();
    const refusal = page.getByTestId('editor-error');
    await expect.poll(() => refusal.innerText()).toContain(TEXT_FAULT_LABEL.BIDI_CONTROL);
    expect(await refusal.innerText()).toMatch(/^活动名称：文字中含有不允许的字符.*U\+202E/u);
    expect(await rawRefusal()).toBe(0);
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, 'console-event-editor-text-refused');
    // Counts, days and seats go as JSON numbers and booleans as booleans: no coercion needed.
    await page.getByTestId('event-title').fill('第四季度电视抽查');
    await page.getByTestId('save-event').click();
    await page.getByTestId('saved-note').waitFor();
    expect(await page.getByTestId('editor-error').count()).toBe(0);
  });
});
