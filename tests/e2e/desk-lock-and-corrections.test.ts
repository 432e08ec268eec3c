import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { loadDemoCounty } from '../../server/demo/load-demo';
import { launchChromium, screenshot } from '../helpers/browser';
import { OPERATOR_PASSWORD, testApp } from '../helpers/test-app';
import { DEMO_PLAN } from '../helpers/draw-fixture';
import { ScriptedShow } from '../helpers/show-script';
import { DeskDriver, hold, nextAction } from '../helpers/desk-driver';

/**
 * On the desk: a household's finding corrected with a reason (held, both versions kept); every
 * judge's tablet shown as online or offline since when; the lock with seats missing or offline
 * refused until a second, deliberate confirmation names them, and the decision logged.
 */
let app: FastifyInstance;
let close: () => Promise<void>;
let browser: Browser;
let driver: DeskDriver;
let show: ScriptedShow;
let desk: Page;

beforeAll(async () => {
  ({ app, close } = await testApp());
  await loadDemoCounty(app.services.db, { now: '2026-11-01T00:00:00.000Z', cadres: 300, teachers: 10 });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  browser = await launchChromium();
  driver = new DeskDriver(browser, base);
  const plan = {
    ...DEMO_PLAN,
    eligibility: { ...DEMO_PLAN.eligibility, grid: [['城关街道']] },
    auditees: { mode: 'total' as const, count: 1 },
    contactsPerAuditee: 2,
  };
  show = await ScriptedShow.create(app, base, { plan, rollSeconds: 2, judges: 3 });
  await show.open();
  await show.entropyAndReveal();
  for (const type of ['drawAuditee', 'presentAuditee', 'startReport', 'endReport', 'drawHouseholds'] as const) {
    await show.run({ type });
  }
  await show.callHouseholds([
    { outcome: '属实', satisfaction: '满意' },
    { outcome: '属实', satisfaction: '基本满意' },
  ]);
  desk = await driver.newPage();
  await driver.login(desk, 'operator', OPERATOR_PASSWORD, `#/desk/${show.event.id}`);
  await desk.waitForSelector('[data-testid="desk"]');
});
afterAll(async () => {
  show?.close();
  await driver?.close();
  await browser?.close();
  await close?.();
});

const logged = () => app.services.shows.logEntries(show.event.id);

describe('the desk keeps the record correctable and the lock deliberate', () => {
  it('corrects a recorded household finding with a reason, held, keeping the earlier version', async () => {
    const first = show.round.households.find((h) => h.replaced === null && h.outcome !== null)?.number ?? '';
    const row = desk.locator(`[data-testid="household-row"][data-household="${first}"]`);
    await row.getByTestId('correct-outcome-open').click();
    await row.getByTestId('correct-outcome').selectOption('不符');
    await row.getByTestId('correct-satisfaction').selectOption('不满意');
    await row.getByTestId('correct-reason').fill('回拨核实：户主说明未上门');
    // A click does not correct: the finding of the round needs the hold.
    await row.getByTestId('correct-outcome-hold').click();
    await desk.waitForTimeout(400);
    expect(logged().some((e) => e.type === 'correctOutcome')).toBe(false);
    await hold(desk, row.getByTestId('correct-outcome-hold'));
    await row.getByTestId('outcome-correction').waitFor();
    expect(await row.getByTestId('household-outcome').innerText()).toBe('不符 · 不满意');
    expect(await row.getByTestId('outcome-correction').innerText()).toMatch(
      /^原为 属实 · (满意|基本满意)，导播\/操作员更正：回拨核实/u,
    );
    const entry = logged().find((e) => e.type === 'correctOutcome');
    expect(entry?.text).toBe(`操作员更正户 ${first}：不符，不满意（原因：回拨核实：户主说明未上门）`);
    await screenshot(desk, 'console-desk-outcome-corrected');
  });

  it('shows each seat tablet, and asks a second confirmation naming missing and offline seats before the lock', async () => {
    await show.run({ type: 'openJudging' });
    await show.judgesScore([82]); // seat 1 scores from a tablet that then leaves; seats 2 and 3 never come
    const tablet = (seat: number) =>
      desk.locator(`[data-testid="judge-seat"][data-seat="${seat}"] [data-testid="seat-tablet"]`);
    await expect.poll(() => tablet(1).getAttribute('data-state'), { timeout: 10_000 }).toBe('offline');
    expect(await tablet(1).innerText()).toMatch(/^离线 · \d+ 秒前/u);
    expect(await tablet(2).innerText()).toBe('未连接');

    const before = logged().length;
    await nextAction(desk, '锁定评分');
    await desk.getByTestId('lock-confirm').waitFor();
    const concerns = await desk.getByTestId('lock-concern').allInnerTexts();
    expect(concerns).toHaveLength(3);
    expect(concerns[0]).toMatch(/^1 号 .+：平板离线（最后联系 \d+ 秒前）$/u);
    expect(concerns[1]).toMatch(/^2 号 .+：未提交评分；平板未连接$/u);
    expect(logged().length).toBe(before); // nothing was sent: the judging is still open
    expect(show.snapshot.rounds[0]?.step).toBe('judging');
    await screenshot(desk, 'console-desk-lock-confirm');

    await hold(desk, desk.getByTestId('lock-confirm-hold'));
    await desk.waitForSelector('[data-testid="round-panel"][data-step="judging-locked"]');
    const lock = logged().at(-1);
    expect(lock?.type).toBe('lockJudging');
    expect(lock?.text).toBe('锁定评分（经确认，不等 1 号、2 号、3 号评委）');
  });

  it('refuses a lock that does not name a missing seat, over the same protocol the desk uses', async () => {
    const second = await ScriptedShow.create(app, show.base, {
      plan: { ...DEMO_PLAN, auditees: { mode: 'total' as const, count: 1 }, contactsPerAuditee: 1 },
      rollSeconds: 2,
      judges: 2,
    });
    try {
      await second.open();
      await second.entropyAndReveal();
      for (const type of ['drawAuditee', 'presentAuditee', 'startReport', 'endReport', 'drawHouseholds'] as const) {
        await second.run({ type });
      }
      await second.callHouseholds([{ outcome: '属实', satisfaction: '满意' }]);
      await second.run({ type: 'openJudging' });
      await second.judgesScore([90]);
      await expect(second.run({ type: 'lockJudging', without: [] })).rejects.toThrow(/SHOW_SEATS_MISSING/u);
      await second.run({ type: 'lockJudging', without: [2] });
      expect(second.snapshot.rounds[0]?.step).toBe('judging-locked');
    } finally {
      second.close();
    }
  });
});
