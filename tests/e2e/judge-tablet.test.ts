import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { loadDemoCounty } from '../../server/demo/load-demo';
import { readLog, SHOW_LOG } from '../../server/store/log-store';
import { launchChromium, screenshot } from '../helpers/browser';
import { loginCookie, testApp } from '../helpers/test-app';
import { DEMO_PLAN } from '../helpers/draw-fixture';
import { ScriptedShow } from '../helpers/show-script';
import { DEFAULT_SCORING_RULES, RUBRIC_EXAMPLE } from '../../server/protocol/scoring';

let app: FastifyInstance;
let close: () => Promise<void>;
let browser: Browser;
let base: string;
let show: ScriptedShow;
const contexts: BrowserContext[] = [];

const LANDSCAPE = { width: 1280, height: 800 };
const PORTRAIT = { width: 800, height: 1280 };

beforeAll(async () => {
  ({ app, close } = await testApp());
  await loadDemoCounty(app.services.db, { now: '2026-11-01T00:00:00.000Z', cadres: 300, teachers: 10 });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
  browser = await launchChromium();
  const plan = {
    ...DEMO_PLAN,
    eligibility: { ...DEMO_PLAN.eligibility, grid: [['城关街道']] },
    auditees: { mode: 'total' as const, count: 1 },
    contactsPerAuditee: 2,
    // A rubric: 工作实绩 40, 群众评价 30, 现场答辩 30, in half points.
    scoring: { ...DEFAULT_SCORING_RULES, criteria: RUBRIC_EXAMPLE },
  };
  const pool = app.services.draws.preview(plan);
  const townCadres = app.services.db
    .prepare("SELECT number FROM auditees WHERE version_id = ? AND town = '城关街道' ORDER BY number")
    .pluck()
    .all(pool.rosterVersionId) as string[];
  // Seat 5 declared a conflict with every cadre of the town: it sits out.
  show = await ScriptedShow.create(app, base, { plan, rollSeconds: 2, recusals: { 5: townCadres } });
});
afterAll(async () => {
  show?.close();
  for (const context of contexts) await context.close();
  await browser?.close();
  await close?.();
});

/** A tablet: its own browser context, so its own device id and local storage. */
async function tablet(seat: number, viewport = LANDSCAPE): Promise<{ page: Page; context: BrowserContext }> {
  const context = await browser.newContext({ viewport });
  contexts.push(context);
  const page = await context.newPage();
  page.on('pageerror', (error) => {
    throw error;
  });
  await page.goto(show.joinUrl(seat));
  return { page, context };
}

/** A tablet state in both orientations: landscape 1280×800 and portrait 800×1280. */
async function both(page: Page, name: string): Promise<void> {
  const before = page.viewportSize() ?? LANDSCAPE;
  await page.setViewportSize(LANDSCAPE);
  await screenshot(page, `${name}-landscape`);
  await page.setViewportSize(PORTRAIT);
  await screenshot(page, `${name}-portrait`);
  await page.setViewportSize(before);
}

async function join(page: Page, seat: number): Promise<void> {
  await page.getByTestId('judge-pin').fill(`${seat}`.repeat(4));
  await page.getByTestId('judge-join').click();
  await page.waitForSelector('[data-testid="tablet"][data-screen="waiting"]');
}

const screenOf = (page: Page) => page.getAttribute('[data-testid="tablet"]', 'data-screen');
const waitScreen = (page: Page, screen: string) =>
  page.waitForSelector(`[data-testid="tablet"][data-screen="${screen}"]`, { timeout: 10_000 });

async function enter(page: Page, values: number[]): Promise<void> {
  const inputs = page.getByTestId('judge-item-value');
  for (const [i, value] of values.entries()) {
    await inputs.nth(i).fill(String(value));
    await inputs.nth(i).blur();
  }
}

async function submit(page: Page): Promise<void> {
  await page.getByTestId('judge-submit').click();
  await waitScreen(page, 'confirm');
  await page.getByTestId('judge-confirm-submit').click();
}

/** Submissions of a seat as the show log recorded them. */
const logged = (seat: number) =>
  readLog(app.services.db, SHOW_LOG, show.event.id).filter(
    (e) => e.type === 'submitScore' && e.actor === `judge:${seat}`,
  );

describe('judges’ tablets', () => {
  it('join by link and PIN; one device per seat; score with 未评 blocking, confirm, modify, reload, offline; recusal; reveal', async () => {
    // The operator's printable sheet: each seat's QR code, link and PIN.
    const desk = await browser.newContext({ viewport: { width: 900, height: 1300 } });
    contexts.push(desk);
    const [name, value] = (await loginCookie(app)).split('=') as [string, string];
    await desk.addCookies([{ name, value, url: base }]);
    const sheet = await desk.newPage();
    await sheet.goto(`${base}/events/${show.event.id}/seats/sheet`);
    expect(await sheet.locator('[data-testid="seat-card"] svg').count()).toBe(5);
    await screenshot(sheet, 'judge-seat-sheet');

    // Joining: a wrong PIN is refused, the right one shows the seat large, waiting.
    const one = await tablet(1);
    await one.page.getByTestId('judge-pin').fill('9999');
    await one.page.getByTestId('judge-join').click();
    expect(await one.page.getByTestId('judge-join-error').textContent()).toBe('席位链接或 PIN 不正确');
    await both(one.page, 'judge-join');
    await join(one.page, 1);
    expect(await one.page.getByTestId('judge-seat').textContent()).toBe('1 号评委');
    await both(one.page, 'judge-waiting');

    // One device per seat: another tablet is refused until the operator releases the seat.
    const intruder = await tablet(1);
    await intruder.page.getByTestId('judge-pin').fill('1111');
    await intruder.page.getByTestId('judge-join').click();
    expect(await intruder.page.getByTestId('judge-join-error').textContent()).toContain('另一台设备');

    const two = await tablet(2);
    await join(two.page, 2);
    const three = await tablet(3, PORTRAIT);
    await join(three.page, 3);
    const four = await tablet(4);
    await join(four.page, 4);
    const five = await tablet(5, PORTRAIT);
    await join(five.page, 5);

    await show.open();
    await show.entropyAndReveal();
    for (const type of ['drawAuditee', 'presentAuditee', 'startReport', 'endReport', 'drawHouseholds'] as const) {
      await show.run({ type });
    }
    await show.callHouseholds([{ outcome: '属实', satisfaction: '满意' }]);
    await show.run({ type: 'openJudging' });

    // Scoring: every item starts 未评 and blocks submission; recusal shows and n is 4.
    await waitScreen(one.page, 'scoring');
    expect(await one.page.getByTestId('judge-item-state').allTextContents()).toEqual(['未评', '未评', '未评']);
    expect(await one.page.getByTestId('judge-submit').isDisabled()).toBe(true);
    // One item scored is not enough: the others are still 未评, not zero.
    await enter(one.page, [36]);
    expect(await one.page.getByTestId('judge-item-state').allTextContents()).toEqual(['已评', '未评', '未评']);
    expect(await one.page.getByTestId('judge-unscored').textContent()).toBe('还有 2 项未评');
    expect(await one.page.getByTestId('judge-submit').isDisabled()).toBe(true);
    expect(await one.page.getByTestId('judge-progress').textContent()).toBe('已提交 0/4');
    expect(await one.page.getByTestId('judge-auditee').textContent()).toContain(show.round.auditee.name);
    await both(one.page, 'judge-scoring-unscored');
    await waitScreen(five.page, 'recused');
    await both(five.page, 'judge-recused');

    await enter(one.page, [36, 26.5, 26]);
    expect(await one.page.getByTestId('judge-item-state').allTextContents()).toEqual(['已评', '已评', '已评']);
    expect(await one.page.getByTestId('judge-total').textContent()).toBe('88.50');
    await both(one.page, 'judge-scoring');
    await one.page.getByTestId('judge-submit').click();
    await waitScreen(one.page, 'confirm');
    expect(await one.page.getByTestId('judge-confirm-total').textContent()).toBe('88.50');
    await both(one.page, 'judge-confirm');
    // 返回修改 goes back with the value kept.
    await one.page.getByTestId('judge-back').click();
    await waitScreen(one.page, 'scoring');
    await submit(one.page);
    await waitScreen(one.page, 'submitted');
    expect(await one.page.getByTestId('judge-mine').textContent()).toBe('88.50');
    expect(await one.page.getByTestId('judge-receipt').textContent()).toMatch(/^回执 [0-9A-F]{8}$/u);
    await both(one.page, 'judge-submitted');

    // Modify until the lock: the new score replaces the old one.
    await one.page.getByTestId('judge-modify').click();
    await waitScreen(one.page, 'scoring');
    expect(await one.page.getByTestId('judge-item-value').nth(1).inputValue()).toBe('26.5');
    await enter(one.page, [36, 27, 27]);
    await submit(one.page);
    await waitScreen(one.page, 'submitted');
    expect(await one.page.getByTestId('judge-mine').textContent()).toBe('90.00');

    // A reload mid-entry keeps what was typed.
    await waitScreen(two.page, 'scoring');
    await enter(two.page, [30, 24, 23.5]);
    await two.page.reload();
    await waitScreen(two.page, 'scoring');
    expect(
      await two.page
        .getByTestId('judge-item-value')
        .evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value)),
    ).toEqual(['30', '24', '23.5']);
    // Never another seat's score before the reveal.
    expect(await two.page.textContent('body')).not.toContain('90.00'); // seat 1's total
    await submit(two.page);
    await waitScreen(two.page, 'submitted');

    // Offline: score, submit, come back: exactly one submission arrives.
    await waitScreen(three.page, 'scoring');
    await three.context.setOffline(true);
    await three.page.waitForSelector('[data-testid="tablet"][data-connection="offline"]', { timeout: 15_000 });
    await enter(three.page, [34, 25.5, 25.5]);
    await submit(three.page);
    await waitScreen(three.page, 'submitted');
    expect(await three.page.getByTestId('judge-connection').textContent()).toContain('离线');
    await both(three.page, 'judge-offline');
    expect(logged(3)).toHaveLength(0);
    await three.context.setOffline(false);
    await three.page.waitForSelector('[data-testid="judge-receipt"]', { timeout: 20_000 });
    expect(logged(3)).toHaveLength(1);
    expect(await three.page.getByTestId('judge-connection').textContent()).toBe('已连接');

    // Seat 4 goes offline, scores, and the panel locks meanwhile: nothing late gets in.
    await waitScreen(four.page, 'scoring');
    await four.context.setOffline(true);
    await four.page.waitForSelector('[data-testid="tablet"][data-connection="offline"]', { timeout: 15_000 });
    await enter(four.page, [20, 20, 20]);
    await submit(four.page);
    await one.page.waitForFunction(
      () => document.querySelector('[data-testid="judge-progress"]')?.textContent === '已提交 3/4',
    );
    // Seats that never scored are named, as the desk's second confirmation does.
    await show.run({ type: 'lockJudging', without: show.snapshot.outlook?.main?.seatsMissing ?? [] });
    await waitScreen(one.page, 'locked');
    await both(one.page, 'judge-locked');
    await four.context.setOffline(false);
    await waitScreen(four.page, 'locked');
    await four.page.waitForSelector('[data-testid="judge-message"]');
    expect(await four.page.getByTestId('judge-message').textContent()).toContain('未能提交');
    expect(logged(4)).toHaveLength(0);
    expect(show.snapshot.rounds[0]?.judging.scores?.map((s) => [s.seat, s.score])).toEqual([
      [1, 90],
      [2, 77.5],
      [3, 85],
    ]);

    await show.run({ type: 'revealScores' });
    for (const page of [one.page, two.page, three.page, four.page, five.page]) await waitScreen(page, 'revealed');
    // Issue 16: the announcement names the pair, the score left out and the missing seat.
    expect(await one.page.getByTestId('judge-announcement').textContent()).toBe(
      '取最接近的两个分数 85、90 平均（77.5 相差最远，不计入），最后得分 87.50（4 号席未评分，不计入）',
    );
    await both(one.page, 'judge-revealed');
    expect(await screenOf(five.page)).toBe('revealed');
  }, 180_000);

  it('never scores the next cadre with a score entered for the previous one', async () => {
    const plan = {
      ...DEMO_PLAN,
      auditees: { mode: 'total' as const, count: 2 },
      contactsPerAuditee: 1,
    };
    const second = await ScriptedShow.create(app, base, { plan, rollSeconds: 2, title: '两轮' });
    try {
      const context = await browser.newContext({ viewport: LANDSCAPE });
      contexts.push(context);
      const page = await context.newPage();
      await page.goto(second.joinUrl(1));
      await join(page, 1);
      await second.open();
      await second.entropyAndReveal();
      const throughHouseholds = async () => {
        for (const type of ['drawAuditee', 'presentAuditee', 'startReport', 'endReport', 'drawHouseholds'] as const) {
          await second.run({ type });
        }
        await second.callHouseholds([{ outcome: '属实', satisfaction: '满意' }]);
        await second.run({ type: 'openJudging' });
      };
      await throughHouseholds();
      const first = second.round.auditee.number;
      await waitScreen(page, 'scoring');
      // Offline, the judge scores round 1; meanwhile the show moves on to round 2's cadre.
      await context.setOffline(true);
      await page.waitForSelector('[data-testid="tablet"][data-connection="offline"]', { timeout: 15_000 });
      await enter(page, [70]);
      await submit(page);
      await waitScreen(page, 'submitted');
      await second.run({ type: 'lockJudging', without: second.snapshot.outlook?.main?.seatsMissing ?? [] });
      for (const type of ['revealScores', 'showResult'] as const) await second.run({ type });
      await throughHouseholds();
      expect(second.round.auditee.number).not.toBe(first);
      await context.setOffline(false);
      await page.waitForSelector('[data-testid="judge-message"]', { timeout: 20_000 });
      expect(await page.getByTestId('judge-message').textContent()).toContain('未能提交');
      // A fresh, empty sheet for the new cadre; nothing was recorded for either round.
      await waitScreen(page, 'scoring');
      expect(await page.getByTestId('judge-item-state').allTextContents()).toEqual(['未评']);
      expect(await page.getByTestId('judge-auditee').textContent()).toContain(second.round.auditee.name);
      expect(second.snapshot.rounds.map((r) => r.judging.submitted)).toEqual([0, 0]);
    } finally {
      second.close();
    }
  }, 120_000);
});

describe('the PIN field of a tablet (found walking show day, issue 17)', () => {
  it('shows all six digits of a 6-digit PIN, the length the editor generates, in both orientations', async () => {
    const { page } = await tablet(5);
    await page.getByTestId('judge-pin').fill('123456');
    for (const viewport of [LANDSCAPE, PORTRAIT]) {
      await page.setViewportSize(viewport);
      // A field narrower than its text scrolls: the first digits typed would be out of sight.
      const fits = await page
        .getByTestId('judge-pin')
        .evaluate((input) => input.scrollWidth <= input.clientWidth && input.scrollLeft === 0);
      expect(fits).toBe(true);
    }
  });
});
