import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { loadDemoCounty } from '../../server/demo/load-demo';
import { launchChromium, screenshot } from '../helpers/browser';
import { testApp } from '../helpers/test-app';
import { DEMO_PLAN, runDemoDraw } from '../helpers/draw-fixture';
import { sealRecordText } from '../../server/verify/seal-record-text';
import type { PublicLogHead } from '../../server/protocol/public-log';
import type { SignedTreeHead } from '../../server/protocol/draw';

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

describe('/verify compares a bundle with the printed bulletin', () => {
  const bulletin = () => {
    const draw = app.services.draws.view(drawId);
    const head = draw.sealTreeHead as SignedTreeHead;
    return { draw, head, text: sealRecordText({ ...draw, notaryCommitment: null, treeHead: head }) };
  };

  it('passes with the bulletin’s QR text and key, says what is left to compare by eye, and checks the current head', async () => {
    const { draw, head, text } = bulletin();
    const { keyId } = (await app.inject({ method: 'GET', url: '/api/public-log/head' })).json<PublicLogHead>();
    await page.goto(`${base}/verify?draw=${drawId}`);
    await page.getByTestId('verify-verdict').waitFor();
    // The log grows after the bundle was fetched: the current head must still contain the bundle's.
    app.services.draws.seal({ title: '示范县下一次抽查', plan: DEMO_PLAN }, 'operator');
    await page.getByTestId('verify-seal-text').fill(text);
    await page.getByTestId('verify-seal-fill').click();
    expect(await page.getByTestId('verify-commitment-1').inputValue()).toBe(draw.commitment);
    expect(await page.getByTestId('verify-tree-head').inputValue()).toBe(`${head.treeSize}:${head.rootHash}`);
    await page.getByTestId('verify-key-id').fill(keyId);
    await page.getByTestId('verify-recheck').click();
    await expect.poll(() => page.locator('[data-check="bulletin-key"]').count()).toBe(2);

    expect(await page.getByTestId('verify-verdict').getAttribute('data-state')).toBe('pass');
    const bulletinStates = await page
      .getByTestId('verify-bulletin-check')
      .evaluateAll((items) => items.map((i) => `${i.getAttribute('data-check')}=${i.getAttribute('data-state')}`));
    // The QR line also names the seal record itself (its version, draw and hash): bulletin-seal.
    expect(bulletinStates).toEqual([
      'bulletin-seal=pass',
      'bulletin-commitment=pass',
      'bulletin-tree-head=pass',
      'bulletin-key=pass',
    ]);
    const eye = page.getByTestId('verify-eye');
    expect(await eye.getAttribute('data-parties')).toBe('single-party');
    expect(await page.getByTestId('verify-parties').innerText()).toContain('单方密钥');
    // What was compared is no longer listed; the digits on air still are.
    const eyeChecks = await page.getByTestId('verify-eye-check').allInnerTexts();
    expect(eyeChecks).toHaveLength(1);
    expect(eyeChecks[0]).toContain(draw.entropy as string);
    expect(eyeChecks[0]).toContain('直播画面');

    await page.getByTestId('verify-current-head-check').click();
    const current = page.getByTestId('verify-current-head');
    await current.waitFor();
    expect(await current.getAttribute('data-state')).toBe('pass');
    expect(await current.innerText()).toContain('公开日志自封存以来只增不改（已与服务器当前树头核对');
    expect(await current.innerText()).toMatch(/(\d+) 条 → (?!\1 )\d+ 条/u);
    await page.setViewportSize({ width: 1280, height: 1200 });
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, 'verify-bulletin-pass');
  });

  it('fails, naming the check, when the bulletin’s commitment is not the bundle’s', async () => {
    const { draw } = bulletin();
    const wrong = draw.commitment.replace(/^./u, (d) => (d === '0' ? '1' : '0'));
    await page.goto(`${base}/verify?draw=${drawId}`);
    await page.getByTestId('verify-verdict').waitFor();
    expect(await page.getByTestId('verify-eye-check').first().innerText()).toContain(draw.commitment);
    await page.getByTestId('verify-commitment-1').fill(wrong);
    await page.getByTestId('verify-recheck').click();
    await expect.poll(() => page.getByTestId('verify-verdict').getAttribute('data-state')).toBe('fail');
    expect(await page.getByTestId('verify-headline').innerText()).toBe('验证未通过');
    expect(await page.locator('.checks [data-check="bulletin-commitment"]').getAttribute('data-state')).toBe('fail');
    const line = page.locator('[data-testid="verify-bulletin-check"][data-check="bulletin-commitment"]');
    expect(await line.getAttribute('data-state')).toBe('fail');
    expect(await line.innerText()).toContain(`公告上的 ${wrong.slice(0, 8)}`);
    // Every other check still holds: only the comparison with the bulletin failed.
    const failed = await page
      .locator('.checks [data-state="fail"]')
      .evaluateAll((items) => items.map((i) => i.getAttribute('data-check')));
    expect(failed).toEqual(['bulletin-commitment']);
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, 'verify-bulletin-fail');

    await page.getByTestId('verify-tree-head').fill('12:not-a-root');
    await page.getByTestId('verify-recheck').click();
    expect(await page.getByTestId('verify-input-error').innerText()).toContain('树头应写作');
    expect(await page.getByTestId('verify-verdict').count()).toBe(0);
  });
});
