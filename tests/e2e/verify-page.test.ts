import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { loadDemoCounty } from '../../server/demo/load-demo';
import { launchChromium, screenshot } from '../helpers/browser';
import { testApp } from '../helpers/test-app';
import { runDemoDraw } from '../helpers/draw-fixture';

let app: FastifyInstance;
let close: () => Promise<void>;
let browser: Browser;
let page: Page;
let base: string;
let drawId: string;
const requests: string[] = [];

beforeAll(async () => {
  ({ app, close } = await testApp({ clock: () => new Date('2026-11-26T12:00:00.000Z') }));
  await loadDemoCounty(app.services.db, { now: '2026-11-26T01:00:00.000Z', cadres: 300, teachers: 10 });
  drawId = runDemoDraw(app);
  base = await app.listen({ host: '127.0.0.1', port: 0 });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
});

afterAll(async () => {
  await browser?.close();
  await close?.();
});

describe('public verification page', () => {
  it('verifies a draw from the server, in the browser, without logging in', async () => {
    await page.goto(`${base}/verify?draw=${drawId}`);
    await page.getByTestId('verify-verdict').waitFor();
    expect(await page.getByTestId('verify-verdict').getAttribute('data-state')).toBe('pass');
    const states = await page
      .getByTestId('verify-check')
      .evaluateAll((items) => items.map((i) => i.getAttribute('data-state')));
    expect(states.length).toBeGreaterThanOrEqual(10);
    expect(states.every((s) => s === 'pass')).toBe(true);
    await screenshot(page, 'verify-pass');
  });

  it('checks a dropped file locally and names what a tampered bundle breaks', async () => {
    const bundle = (await (await fetch(`${base}/api/draws/${drawId}/bundle`)).json()) as { entropy: string };
    bundle.entropy = bundle.entropy.replace(/^./u, (d) => String((Number(d) + 1) % 10));
    page.on('request', (request) => requests.push(request.url()));
    await page.goto(`${base}/verify`);
    requests.length = 0;
    await page.getByTestId('verify-file').setInputFiles({
      name: 'forged.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(bundle)),
    });
    await page.getByTestId('verify-verdict').waitFor();
    expect(await page.getByTestId('verify-verdict').getAttribute('data-state')).toBe('fail');
    expect(await page.locator('[data-check="seed"]').getAttribute('data-state')).toBe('fail');
    // Nothing was sent anywhere: the only requests are the page's own font slices.
    expect(requests.filter((url) => !new URL(url).pathname.startsWith('/assets/'))).toEqual([]);
    await screenshot(page, 'verify-fail');
  });

  it('says so when the file is not JSON', async () => {
    await page
      .getByTestId('verify-file')
      .setInputFiles({ name: 'x.json', mimeType: 'application/json', buffer: Buffer.from('not json') });
    await expect.poll(() => page.getByTestId('verify-error').textContent()).toContain('不是有效的 JSON');
  });
});
