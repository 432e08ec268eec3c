import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { loadDemoCounty } from '../../server/demo/load-demo';
import { launchChromium } from '../helpers/browser';
import { OPERATOR_PASSWORD, testApp } from '../helpers/test-app';
import { DEMO_PLAN } from '../helpers/draw-fixture';
import { ScriptedShow } from '../helpers/show-script';
import { DeskDriver } from '../helpers/desk-driver';

/**
 * Found walking the show day (issue 17): wrong PINs against a free seat change nothing the desk
 * listens to (no tablet comes or goes), so the seat list it showed kept 解除锁定 without a count,
 * and the operator could not tell which seat a judge was locked out of. The outputs tab must show
 * the failures while it is open.
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
  const plan = { ...DEMO_PLAN, auditees: { mode: 'total' as const, count: 1 }, contactsPerAuditee: 2 };
  show = await ScriptedShow.create(app, base, { plan, rollSeconds: 2, judges: 2 });
  desk = await driver.newPage();
  await driver.login(desk, 'operator', OPERATOR_PASSWORD, `#/desk/${show.event.id}`);
  await desk.waitForSelector('[data-testid="desk"]');
  await desk.getByTestId('desk-tab-outputs').click();
});
afterAll(async () => {
  show?.close();
  await driver?.close();
  await browser?.close();
  await close?.();
});

describe('the desk sees a seat locked by wrong PINs', () => {
  it('shows the failure count next to 解除锁定 once a tablet has guessed wrong, and clears it', async () => {
    const unlock = desk.locator('[data-testid="seat-row"][data-seat="2"] [data-testid="seat-unlock"]');
    await expect.poll(() => unlock.innerText()).toBe('解除锁定');
    const seat = show.seats.find((s) => s.seat === 2);
    const token = new URLSearchParams(seat?.joinPath.split('?')[1]).get('token');
    for (let i = 0; i < 5; i += 1) {
      const wrong = await app.inject({
        method: 'POST',
        url: '/api/judges/join',
        remoteAddress: '192.168.1.77',
        payload: { eventId: show.event.id, seat: 2, token, pin: `98765${i}`, deviceId: 'guessing-tablet' },
      });
      expect(wrong.statusCode).toBe(401);
    }
    await expect.poll(() => unlock.innerText(), { timeout: 10_000 }).toBe('解除锁定（5 次错误）');
    await unlock.click();
    await expect.poll(() => unlock.innerText(), { timeout: 10_000 }).toBe('解除锁定');
  });
});
