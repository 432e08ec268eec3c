import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { loadDemoCounty } from '../../server/demo/load-demo';
import { launchChromium, screenshot } from '../helpers/browser';
import { testApp } from '../helpers/test-app';
import { DEMO_PLAN } from '../helpers/draw-fixture';

let app: FastifyInstance;
let close: () => Promise<void>;
let browser: Browser;
let base: string;

beforeAll(async () => {
  // The printed verify link is the configured public address, not the one the browser typed.
  ({ app, close } = await testApp({ publicUrl: 'https://choucha.example.cn' }));
  await loadDemoCounty(app.services.db, { now: '2026-11-01T00:00:00.000Z', cadres: 300, teachers: 10 });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await close?.();
});

describe('the printable 抽查公告', () => {
  it('shows what was frozen and the commitment, in the shipped font, with signature lines', async () => {
    const { events, shows } = app.services;
    const draft = events.createEvent(
      {
        title: '示范县干部作风电视抽查 <script>alert(1)</script>',
        eventDate: '2026-11-26',
        venue: '县广播电视台演播厅',
        mode: 'televised',
        settings: {
          plan: {
            ...DEMO_PLAN,
            eligibility: { ...DEMO_PLAN.eligibility, grid: [['城关街道'], ['龙泉街道']], coolDownDays: 90 },
          },
          reportMinutes: 6,
          rollSeconds: 6,
        },
      },
      'operator',
    );
    const event = events.sealEvent(draft.id, 'operator');
    const snapshot = shows.snapshot(event.id, 'public');
    const page = await browser.newPage({ viewport: { width: 900, height: 1200 } });
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(`${base}/events/${event.id}/bulletin`);
    const text = (await page.textContent('body')) ?? '';
    expect(text).toContain('抽查公告');
    expect(text).toContain(snapshot.draw.commitment);
    expect(text).toContain(snapshot.draw.poolHash);
    expect(text).toContain(`${snapshot.draw.poolSize} 人`);
    expect(text).toContain('城关街道、龙泉街道');
    expect(text).toContain('<script>alert(1)</script>');
    expect(text).toMatch(/操作员\s*监督员\s*公证员/u);
    expect(text).toContain(`https://choucha.example.cn/verify?draw=${snapshot.draw.drawId}`);
    expect(text).not.toContain(base);
    expect(dialogs).toEqual([]);
    await screenshot(page, 'bulletin');

    const rehearsal = events.rehearse(draft.id, 'operator');
    await page.goto(`${base}/events/${rehearsal.id}/bulletin`);
    expect(await page.getByTestId('bulletin-rehearsal').textContent()).toContain('演练');
    await page.close();
  });
});
