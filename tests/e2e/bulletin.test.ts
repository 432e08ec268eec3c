import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { loadDemoCounty } from '../../server/demo/load-demo';
import { launchChromium, screenshot } from '../helpers/browser';
import { loginCookie, SUPERVISOR_PASSWORD, testApp } from '../helpers/test-app';
import { qrSvg } from '../../server/print/seat-sheet';
import { parseSealRecordText } from '../../server/verify/seal-record-text';
import type { PublicLogHead } from '../../server/protocol/public-log';
import type { SignedTreeHead } from '../../server/protocol/draw';
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

describe('the bulletin binds the seal: both commitments, the log’s tree head, the key and a QR', () => {
  const sealedWithNotary = async (title: string) => {
    const { events } = app.services;
    const draft = events.createEvent(
      {
        title,
        eventDate: '2026-11-27',
        venue: '县广播电视台演播厅',
        mode: 'televised',
        settings: { plan: { ...DEMO_PLAN, notary: 'required' }, reportMinutes: 6, rollSeconds: 6 },
      },
      'operator',
    );
    const notarySecret = randomBytes(32).toString('hex');
    const notaryCommitment = createHash('sha256').update(Buffer.from(notarySecret, 'hex')).digest('hex');
    const registered = await app.inject({
      method: 'PUT',
      url: `/api/events/${draft.id}/notary-commitment`,
      headers: { cookie: await loginCookie(app, 'supervisor', SUPERVISOR_PASSWORD) },
      payload: { commitment: notaryCommitment },
    });
    expect(registered.statusCode, registered.body).toBe(200);
    return { draft, event: events.sealEvent(draft.id, 'operator'), notaryCommitment };
  };

  it('prints both commitments, the signed head at sealing, the key fingerprint and the seal record as a QR', async () => {
    const { event, notaryCommitment } = await sealedWithNotary('示范县双方密钥抽查');
    const draw = app.services.draws.view(event.drawId as string);
    const { keyId } = (await app.inject({ method: 'GET', url: '/api/public-log/head' })).json<PublicLogHead>();
    const head = draw.sealTreeHead as SignedTreeHead;
    expect(head.treeSize).toBeGreaterThanOrEqual(1);

    const page = await browser.newPage({ viewport: { width: 900, height: 1560 } });
    await page.goto(`${base}/events/${event.id}/bulletin`);
    const text = (await page.textContent('body')) ?? '';
    expect(text).toContain(draw.commitment);
    expect(text).toContain(notaryCommitment);
    expect(text).toContain(draw.sealHash);
    expect(text).toContain(head.rootHash);
    expect(text).toContain(`共 ${head.treeSize} 条记录`);
    // The signed time as a reader reads it: date and time, said to be UTC (the head signs the ISO form).
    expect(text).toContain(`${head.timestamp.slice(0, 10)} ${head.timestamp.slice(11, 19)}（协调世界时）`);
    expect(text).toContain(keyId);
    expect(await page.getByTestId('bulletin-parties').getAttribute('data-parties')).toBe('two-party');
    expect(await page.getByTestId('bulletin-how').innerText()).toContain('如何核对');

    // The QR's text is printed under it, in the documented format, and reads back to the seal.
    const sealText = (await page.getByTestId('bulletin-seal-text').textContent()) ?? '';
    expect(sealText).toBe(
      `choucha:seal:2:${draw.drawId}:${draw.sealHash}:${draw.commitment}:${notaryCommitment}:${head.treeSize}:${head.rootHash}`,
    );
    expect(parseSealRecordText(sealText)).toEqual({
      sealVersion: 2,
      drawId: draw.drawId,
      sealHash: draw.sealHash,
      commitment: draw.commitment,
      notaryCommitment,
      treeHead: { treeSize: head.treeSize, rootHash: head.rootHash },
    });
    // The QR drawn is exactly the encoding of that text (the encoder is deterministic).
    const svg = await page
      .getByTestId('bulletin-qr')
      .locator('svg')
      .evaluate((node) => node.outerHTML);
    const pathOf = (markup: string) => /<path d="([^"]+)"/u.exec(markup)?.[1];
    expect(pathOf(svg)).toBe(pathOf(qrSvg(sealText, 220, '封存记录二维码')));
    expect(pathOf(svg)).not.toBe(pathOf(qrSvg(sealText.replace(/.$/u, '0'), 220)));
    await screenshot(page, 'bulletin-seal');
    await page.close();
  });

  it('labels a single-party draw and a rehearsal’s simulated notary', async () => {
    const { events } = app.services;
    const single = events.sealEvent(
      events.createEvent(
        {
          title: '示范县例行抽查',
          eventDate: '2026-11-28',
          venue: '县纪委',
          mode: 'televised',
          settings: { plan: DEMO_PLAN, reportMinutes: 6, rollSeconds: 6 },
        },
        'operator',
      ).id,
      'operator',
    );
    const singleHtml = (await app.inject({ method: 'GET', url: `/events/${single.id}/bulletin` })).body;
    expect(singleHtml).toContain('data-parties="single-party"');
    expect(singleHtml).toContain('无（单方密钥）');
    expect(singleHtml).toMatch(/choucha:seal:2:[^:]+:[0-9a-f]{64}:[0-9a-f]{64}:-:\d+:[0-9a-f]{64}/u);

    const { draft } = await sealedWithNotary('示范县演练抽查');
    const rehearsal = events.rehearse(draft.id, 'operator');
    const rehearsalHtml = (await app.inject({ method: 'GET', url: `/events/${rehearsal.id}/bulletin` })).body;
    expect(rehearsalHtml).toContain('data-parties="simulated"');
    expect(rehearsalHtml).toContain('<th>公证员承诺值（演练：模拟公证员）</th>');

    // The staff's printed record says the same.
    const cookie = await loginCookie(app);
    const record = (id: string) => app.inject({ method: 'GET', url: `/events/${id}/record`, headers: { cookie } });
    const singleRecord = (await record(single.id)).body;
    expect(singleRecord).toContain('<th>密钥方式</th><td>单方密钥</td>');
    const rehearsalRecord = (await record(rehearsal.id)).body;
    expect(rehearsalRecord).toContain('<th>密钥方式</th><td>演练：模拟公证员</td>');
    expect(rehearsalRecord).toContain('演练 · 非正式抽查');
  });
});
