import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { loadDemoCounty } from '../../server/demo/load-demo';
import { launchBare } from '../helpers/browser';
import { ScriptedShow } from '../helpers/show-script';
import { testApp } from '../helpers/test-app';

/**
 * No script runs in any page unless it is one of our files: an injected inline script (what a
 * hostile name would try to become) is refused by the content security policy, in chromium.
 */
let app: FastifyInstance;
let close: () => Promise<void>;
let browser: Browser;
let base: string;
let show: ScriptedShow;

beforeAll(async () => {
  ({ app, close } = await testApp());
  await loadDemoCounty(app.services.db, { now: '2026-11-01T00:00:00.000Z', cadres: 100, teachers: 10 });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
  show = await ScriptedShow.create(app, base, { rollSeconds: 2 });
  browser = await launchBare();
});
afterAll(async () => {
  show?.close();
  await browser?.close();
  await close?.();
});

describe('content security policy in the browser', () => {
  it('refuses an injected inline script and inline handler on every page', async () => {
    const pages = [
      '/console',
      '/verify',
      '/public',
      show.overlayUrl(),
      show.joinUrl(1),
      `/events/${show.event.id}/bulletin`,
    ].map((url) => (url.startsWith('http') ? url : `${base}${url}`));
    for (const url of pages) {
      const page = await browser.newPage();
      const refusals: string[] = [];
      page.on('console', (m) => {
        if (/Content Security Policy/iu.test(m.text())) refusals.push(m.text());
      });
      await page.goto(url);
      const ran = await page.evaluate(async () => {
        const w = window as unknown as { injected?: number; handled?: number };
        const script = document.createElement('script');
        script.textContent = 'window.injected = 1';
        document.head.append(script);
        const img = document.createElement('div');
        img.innerHTML = '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" onload="window.handled = 1">';
        document.body.append(img);
        await new Promise((resolve) => setTimeout(resolve, 200));
        return { script: w.injected ?? null, handler: w.handled ?? null };
      });
      expect(ran, url).toEqual({ script: null, handler: null });
      expect(refusals.length, url).toBeGreaterThan(0);
      await page.close();
    }
  });
});
