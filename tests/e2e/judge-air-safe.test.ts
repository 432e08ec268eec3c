import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { loadDemoCounty } from '../../server/demo/load-demo';
import { readLog, SHOW_LOG } from '../../server/store/log-store';
import { launchChromium, screenshot } from '../helpers/browser';
import { testApp } from '../helpers/test-app';
import { DEMO_PLAN } from '../helpers/draw-fixture';
import { JUDGE_NAMES, ScriptedShow } from '../helpers/show-script';
import { DEFAULT_SCORING_RULES, RUBRIC_EXAMPLE } from '../../server/protocol/scoring';
import type { SeatCard } from '../../server/protocol/judges';

/**
 * A tablet on air: the PIN screen names the seat, the judge, the event and 演练 (from the link's
 * token, never the PIN); a typed value out of range or off the step is refused as typed, with the
 * reason next to the item, and nothing is sent; the header stays one line at 800 px, offline with a
 * queued score; after the close, a 本场已结束 screen.
 */
let app: FastifyInstance;
let close: () => Promise<void>;
let browser: Browser;
let base: string;
let show: ScriptedShow;
let context: BrowserContext;
let page: Page;

const LANDSCAPE = { width: 1280, height: 800 };
const PORTRAIT = { width: 800, height: 1280 };
const SEAT = 4;

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
    // 工作实绩 40, 群众评价 30, 现场答辩 30, in half points.
    scoring: { ...DEFAULT_SCORING_RULES, criteria: RUBRIC_EXAMPLE },
  };
  show = await ScriptedShow.create(app, base, {
    plan,
    rollSeconds: 2,
    rehearsal: true,
    title: '示范县干部作风电视抽查',
  });
  context = await browser.newContext({ viewport: PORTRAIT });
  page = await context.newPage();
  page.on('pageerror', (error) => {
    throw error;
  });
});
afterAll(async () => {
  show?.close();
  await context?.close();
  await browser?.close();
  await close?.();
});

async function both(name: string): Promise<void> {
  await page.setViewportSize(LANDSCAPE);
  await screenshot(page, `${name}-landscape`);
  await page.setViewportSize(PORTRAIT);
  await screenshot(page, `${name}-portrait`);
}

const waitScreen = (screen: string) =>
  page.waitForSelector(`[data-testid="tablet"][data-screen="${screen}"]`, { timeout: 10_000 });
const submissions = () =>
  readLog(app.services.db, SHOW_LOG, show.event.id).filter(
    (e) => e.type === 'submitScore' && e.actor === `judge:${SEAT}`,
  );

async function type(index: number, text: string): Promise<void> {
  const input = page.getByTestId('judge-item-value').nth(index);
  await input.fill(text);
  await input.blur();
}

/** Lines each header part occupies (distinct tops of its text's line boxes), and the header's height. */
const headerLayout = () =>
  page.evaluate(() => {
    const header = document.querySelector('.tablet header') as HTMLElement;
    const lines = [...header.querySelectorAll('.seat, .name, .banner')].map((el) => {
      const range = document.createRange();
      range.selectNodeContents(el);
      return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
    });
    return { lines, height: header.getBoundingClientRect().height };
  });

describe('a judge’s tablet on air', () => {
  it('serves the seat card from the link’s token alone, and only what the seat sheet prints', async () => {
    const seat = show.seats.find((s) => s.seat === SEAT);
    const token = new URL(show.joinUrl(SEAT)).searchParams.get('token') ?? '';
    const card = await app.inject({
      method: 'GET',
      url: `/api/judges/seat?event=${show.event.id}&seat=${SEAT}&token=${token}`,
    });
    expect(card.statusCode).toBe(200);
    expect(card.json<SeatCard>()).toEqual({
      seat: SEAT,
      name: JUDGE_NAMES[SEAT - 1],
      eventTitle: show.event.title,
      eventDate: show.event.eventDate,
      rehearsal: true,
    });
    expect(card.body).not.toContain(seat?.pin ?? '----');
    const forged = await app.inject({
      method: 'GET',
      // One character changed (a token may already end in x: then y).
      url: `/api/judges/seat?event=${show.event.id}&seat=${SEAT}&token=${token.slice(0, -1)}${token.endsWith('x') ? 'y' : 'x'}`,
    });
    expect(forged.statusCode).toBe(401);
    const otherSeat = await app.inject({
      method: 'GET',
      url: `/api/judges/seat?event=${show.event.id}&seat=${SEAT - 1}&token=${token}`,
    });
    expect(otherSeat.statusCode).toBe(401);
  });

  it('names the seat, the judge, the event and 演练 on the PIN screen', async () => {
    await page.goto(show.joinUrl(SEAT));
    await page.getByTestId('judge-join-name').waitFor();
    expect(await page.getByTestId('judge-join-seat').innerText()).toBe(`${SEAT} 号评委席`);
    expect(await page.getByTestId('judge-join-name').innerText()).toBe(`评委 ${JUDGE_NAMES[SEAT - 1]}`);
    expect(await page.getByTestId('judge-join-event').innerText()).toContain(show.event.title);
    expect(await page.getByTestId('judge-join-event').innerText()).toContain('演练');
    expect(await page.getByTestId('judge-join-rehearsal').innerText()).toBe('演练');
    await both('judge-pin-rehearsal');
    await page.getByTestId('judge-pin').fill(`${SEAT}`.repeat(4));
    await page.getByTestId('judge-join').click();
    await waitScreen('waiting');
    expect(await page.getByTestId('judge-rehearsal').innerText()).toBe('演练');
  });

  it('refuses an out-of-range or off-step value as typed, with the reason, and sends nothing', async () => {
    await show.open();
    await show.entropyAndReveal();
    for (const command of ['drawAuditee', 'presentAuditee', 'startReport', 'endReport', 'drawHouseholds'] as const)
      await show.run({ type: command });
    await show.callHouseholds([{ outcome: '属实', satisfaction: '满意' }]);
    await show.run({ type: 'openJudging' });
    await waitScreen('scoring');
    await type(0, '45'); // 工作实绩: 40 points
    await type(1, '26.3'); // 群众评价: half points
    await type(2, '26');
    const items = page.getByTestId('judge-item');
    expect(await items.evaluateAll((els) => els.map((e) => e.getAttribute('data-state')))).toEqual([
      'refused',
      'refused',
      'scored',
    ]);
    // Kept as typed, never turned into 40 or 26.5.
    expect(await page.getByTestId('judge-item-value').nth(0).inputValue()).toBe('45');
    expect(await page.getByTestId('judge-item-value').nth(1).inputValue()).toBe('26.3');
    const problems = await page.getByTestId('judge-item-problem').allInnerTexts();
    expect(problems[0]).toBe('「45」超出范围：本项 0 至 40 分，未采用');
    expect(problems[1]).toBe('「26.3」须为 0.5 分的整数倍，未采用');
    expect(await page.getByTestId('judge-item-state').allInnerTexts()).toEqual(['有误', '有误', '已评']);
    expect(await page.getByTestId('judge-refused').innerText()).toBe('2 项有误，请改正');
    expect(await page.getByTestId('judge-total').innerText()).toBe('26.00');
    expect(await page.getByTestId('judge-submit').isDisabled()).toBe(true);
    await page.getByTestId('judge-submit').click({ force: true });
    expect(await page.getAttribute('[data-testid="tablet"]', 'data-screen')).toBe('scoring');
    await both('judge-refused');
    expect(submissions()).toHaveLength(0);
    expect(show.round.judging.submitted).toBe(0);

    // Corrected, the same sheet goes through; the + button at full marks stays at full marks.
    await type(0, '40');
    await page.getByTestId('judge-item').nth(0).getByRole('button', { name: /加/u }).click();
    await type(1, '26.5');
    expect(await page.getByTestId('judge-item-problem').count()).toBe(0);
    expect(await page.getByTestId('judge-total').innerText()).toBe('92.50');
  });

  it('keeps the header on one line at 800 px, offline with a queued score', async () => {
    await page.setViewportSize(PORTRAIT);
    const online = await headerLayout();
    await context.setOffline(true);
    await page.waitForSelector('[data-testid="tablet"][data-connection="offline"]', { timeout: 15_000 });
    await page.getByTestId('judge-submit').click();
    await waitScreen('confirm');
    await page.getByTestId('judge-confirm-submit').click();
    await waitScreen('submitted');
    expect(await page.getByTestId('judge-connection').innerText()).toBe('离线 · 评分待发送');
    const offline = await headerLayout();
    expect(offline.lines).toEqual([1, 1, 1]);
    expect(online.lines).toEqual([1, 1, 1]);
    expect(offline.height).toBe(online.height);
    expect(submissions()).toHaveLength(0);
    await context.setOffline(false);
    await page.getByTestId('judge-receipt').waitFor({ timeout: 20_000 });
    expect(submissions()).toHaveLength(1);
    expect(show.snapshot.rounds[0]?.judging.scores?.find((s) => s.seat === SEAT)?.score).toBe(92.5);
  });

  it('shows 本场已结束 once the show is closed', async () => {
    // The seats that never scored are named, as the desk's second confirmation does.
    await show.run({ type: 'lockJudging', without: show.snapshot.outlook?.main?.seatsMissing ?? [] });
    for (const command of ['revealScores', 'showResult', 'close'] as const) await show.run({ type: command });
    await waitScreen('closed');
    expect(await page.getByTestId('judge-closed').innerText()).toContain('本场已结束');
    expect(await page.getByTestId('judge-closed').innerText()).toContain('演练');
    await both('judge-closed');
  });
});
