import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { privateHouseholdNames } from '../helpers/private-names';
import type { Browser, Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { loadDemoCounty } from '../../server/demo/load-demo';
import { defaultPlan } from '../../server/draw-engine/default-plan';
import type { PublicEvent } from '../../server/protocol/show';
import { launchChromium, screenshot } from '../helpers/browser';
import { loginCookie, testApp } from '../helpers/test-app';
import { DICE, ScriptedShow } from '../helpers/show-script';
import type { PublicDraw, PublicLogHead } from '../../server/protocol/public-log';
import { ShowClient } from '../helpers/show-client';

/**
 * The public site: announcements, a live page fed by the realtime protocol, results and bundles,
 * without a login, and never a household's phone number or full name on any public route or message.
 */
let app: FastifyInstance;
let close: () => Promise<void>;
let browser: Browser;
let base: string;
let cookie: string;
let show: ScriptedShow;
let announced: ScriptedShow;
let viewer: ShowClient;
let live: Page;
const PHONE = /(?<![0-9a-f])100\d{8}(?!\d)/u;

const plan = defaultPlan('2026-11-26', {
  eligibility: { ...defaultPlan('2026-11-26').eligibility, grid: [['城关街道']] },
  auditees: { mode: 'total', count: 2 },
  contactsPerAuditee: 3,
});

beforeAll(async () => {
  ({ app, close } = await testApp());
  await loadDemoCounty(app.services.db, { now: '2026-11-01T00:00:00.000Z', cadres: 300, teachers: 10 });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
  cookie = await loginCookie(app);
  browser = await launchChromium();
  announced = await ScriptedShow.create(app, base, { title: '示范县十二月专项抽查', plan, rollSeconds: 2 });
  show = await ScriptedShow.create(app, base, { title: '示范县干部作风电视抽查', plan, rollSeconds: 2 });
  viewer = await ShowClient.connect(base, { eventId: show.event.id, role: 'public' });
});
afterAll(async () => {
  viewer?.close();
  show?.close();
  announced?.close();
  await browser?.close();
  await close?.();
});

async function newPage(viewport: { width: number; height: number }): Promise<Page> {
  const page = await browser.newPage({ viewport });
  page.on('pageerror', (error) => {
    throw error;
  });
  return page;
}

const revisionOf = async (page: Page) =>
  Number(await page.getAttribute('[data-testid="public-event"]', 'data-revision'));

describe('public site', () => {
  it('lists announced events with their commitments, without a login', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/public/events' });
    expect(response.statusCode).toBe(200);
    const events = response.json<PublicEvent[]>();
    expect(events.map((e) => e.title).sort()).toEqual(['示范县十二月专项抽查', '示范县干部作风电视抽查']);
    expect(events.every((e) => e.status === 'sealed' && /^[0-9a-f]{64}$/u.test(e.commitment))).toBe(true);

    const page = await newPage({ width: 1280, height: 800 });
    await page.goto(`${base}/public`);
    await expect.poll(() => page.getByTestId('public-event-card').count()).toBe(2);
    const card = page.locator(`[data-testid="public-event-card"][data-event="${announced.event.id}"]`);
    expect(await card.innerText()).toContain(announced.snapshot.draw.commitment.slice(0, 12));
    await page.close();
  });

  it('follows a live show on a phone, within a second of each step', async () => {
    live = await newPage({ width: 390, height: 844 });
    await live.goto(`${base}/public#/e/${show.event.id}`);
    await live.getByTestId('public-event').waitFor();
    await show.open();
    await show.entropyAndReveal();
    await show.run({ type: 'drawAuditee' });
    for (const command of [{ type: 'presentAuditee' }, { type: 'startReport' }, { type: 'endReport' }] as const) {
      const snapshot = await show.run(command);
      // The page shows the revision the server just acknowledged, within a second.
      await live.waitForSelector(`[data-testid="public-event"][data-revision="${snapshot.revision}"]`, {
        timeout: 1000,
      });
    }
    expect(await live.getByTestId('public-phase').innerText()).toContain('第 1 轮 · 述职结束');
    expect(await live.getByTestId('public-auditee').first().innerText()).toContain(show.round.auditee.name);
    await show.run({ type: 'drawHouseholds' });
    await show.callHouseholds([{ outcome: '属实', satisfaction: '满意' }]);
    await expect.poll(() => revisionOf(live)).toBe(show.snapshot.revision);
    await screenshot(live, 'public-live-phone');
    expect(await live.locator('body').innerText()).not.toMatch(PHONE);
  });

  it('shows revealed scores and results, with the bundle to download and verify', async () => {
    await show.run({ type: 'openJudging' });
    await show.judgesScore([88, 90, 86, 92, 85]);
    await show.run({ type: 'lockJudging' });
    await show.run({ type: 'revealScores' });
    await show.run({ type: 'showResult' });
    await live.getByTestId('public-score').waitFor();
    for (let i = 1; i < show.snapshot.draw.plannedRounds; i += 1) {
      await show.run({ type: 'drawAuditee' });
      await show.run({ type: 'presentAuditee' });
      await show.run({ type: 'startReport' });
      await show.run({ type: 'endReport' });
      await show.run({ type: 'drawHouseholds' });
      await show.callHouseholds([{ outcome: '属实', satisfaction: '基本满意' }]);
      await show.run({ type: 'openJudging' });
      await show.judgesScore([80, 82, 84, 86, 88]);
      await show.run({ type: 'lockJudging' });
      await show.run({ type: 'revealScores' });
      await show.run({ type: 'showResult' });
    }
    await show.run({ type: 'close' });
    await live.waitForSelector('[data-testid="public-event"][data-status="closed"]');
    expect(await live.getByTestId('public-score').count()).toBe(2);
    const desktop = await newPage({ width: 1280, height: 800 });
    await desktop.goto(`${base}/public#/e/${show.event.id}`);
    await desktop.getByTestId('public-bundle').waitFor();
    await screenshot(desktop, 'public-results');
    await desktop.goto(`${base}/public`);
    await expect.poll(() => desktop.getByTestId('public-event-card').count()).toBe(2);
    await screenshot(desktop, 'public-events');
    const phone = await newPage({ width: 390, height: 844 });
    await phone.goto(`${base}/public`);
    await phone.getByTestId('public-event-card').first().waitFor();
    await screenshot(phone, 'public-events-phone');
    await desktop.close();
    await phone.close();
  });

  it('never carries a household’s phone or full name on any public route or message', async () => {
    const staff = show.snapshot;
    const fullNames = privateHouseholdNames(staff);
    const drawId = staff.draw.drawId;
    const id = show.event.id;
    const bodies: [string, string][] = [];
    for (const url of [
      '/api/public/events',
      `/api/events/${id}/snapshot`,
      `/api/events/${announced.event.id}/snapshot`,
      `/events/${id}/bulletin`,
      `/api/draws/${drawId}`,
      `/api/draws/${drawId}/bundle`,
      '/public',
      '/verify',
    ]) {
      const response = await app.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(200);
      bodies.push([url, response.body]);
    }
    bodies.push(['public socket messages', JSON.stringify(viewer.snapshots)]);
    bodies.push(['live page', await live.content()]);
    expect(viewer.snapshots.length).toBeGreaterThan(20);
    for (const [where, body] of bodies) {
      expect(body, where).not.toMatch(PHONE);
      for (const name of fullNames) expect(body.includes(name), `${where} carries ${name}`).toBe(false);
    }
  });

  it('masks auditees’ names on the public site when the county chooses, and only there', async () => {
    const response = await app.inject({
      method: 'PUT',
      url: '/api/settings',
      headers: { cookie },
      payload: { publicAuditeeNames: 'masked' },
    });
    expect(response.json()).toEqual({ publicAuditeeNames: 'masked' });
    const refused = await app.inject({ method: 'PUT', url: '/api/settings', payload: { publicAuditeeNames: 'full' } });
    expect(refused.statusCode).toBe(401);
    const name = show.snapshot.rounds[0]?.auditee.name as string;
    const publicView = (await app.inject({ method: 'GET', url: `/api/events/${show.event.id}/snapshot` })).body;
    expect(publicView).not.toContain(name);
    expect(publicView).toContain(`${name.slice(0, 1)}*`);
    const staffView = app.services.shows.snapshot(show.event.id, 'staff');
    expect(staffView.rounds[0]?.auditee.name).toBe(name);
    expect(app.services.shows.snapshot(show.event.id, 'overlay').rounds[0]?.auditee.name).toBe(name);
  });
});

describe('/public lists every sealed draw of the public log, abandoned and rehearsal ones too', () => {
  const REASON = '公证员因病无法到场公开密钥，本场作废，另行封存';

  it('shows each sealed draw with its state, commitments, parties and links, and the log’s signed head', async () => {
    const abandoned = await ScriptedShow.create(app, base, { title: '示范县作废的抽查', plan, notary: true });
    await abandoned.open();
    await abandoned.run({ type: 'lockEntropy', entropy: DICE });
    await abandoned.run({ type: 'abandon', reason: REASON });
    const rehearsal = await ScriptedShow.create(app, base, { title: '示范县演练抽查', plan, rehearsal: true });
    abandoned.close();
    rehearsal.close();

    const draws = (await app.inject({ method: 'GET', url: '/api/public/draws' })).json<PublicDraw[]>();
    const { head, keyId } = (await app.inject({ method: 'GET', url: '/api/public-log/head' })).json<PublicLogHead>();
    const page = await newPage({ width: 1280, height: 1500 });
    await page.goto(`${base}/public`);
    const rows = page.getByTestId('public-sealed-draw');
    await expect.poll(() => rows.count()).toBe(draws.length);
    expect(draws.length).toBeGreaterThanOrEqual(5);

    const row = (drawId: string) => page.locator(`[data-testid="public-sealed-draw"][data-draw="${drawId}"]`);
    const dropped = row(abandoned.snapshot.draw.drawId);
    expect(await dropped.getAttribute('data-state')).toBe('abandoned');
    expect(await dropped.getAttribute('data-parties')).toBe('two-party');
    expect(await dropped.getByTestId('public-sealed-state').innerText()).toBe('已作废');
    expect(await dropped.getByTestId('public-sealed-reason').innerText()).toBe(`作废原因：${REASON}`);
    const hashes = await dropped.getByTestId('hash').evaluateAll((items) => items.map((i) => i.dataset.value));
    const sealed = draws.find((d) => d.drawId === abandoned.snapshot.draw.drawId) as PublicDraw;
    expect(hashes).toEqual([sealed.commitment, sealed.notary?.commitment, sealed.sealHash]);
    expect(await dropped.getByTestId('public-sealed-bundle').getAttribute('href')).toBe(
      `/api/draws/${sealed.drawId}/bundle`,
    );
    expect(await dropped.getByTestId('public-sealed-verify').getAttribute('href')).toBe(
      `/verify?draw=${sealed.drawId}`,
    );

    // The abandoned draw's record, checked in the browser against the head the county key signed.
    await dropped.getByTestId('public-sealed-check').click();
    const inclusion = dropped.getByTestId('public-sealed-inclusion');
    await expect.poll(() => inclusion.getAttribute('data-state')).toBe('ok');
    expect(await inclusion.innerText()).toContain(`第 ${sealed.leafIndex + 1} 条封存记录在县级密钥签名的树头`);

    const practice = row(rehearsal.snapshot.draw.drawId);
    expect(await practice.getAttribute('data-rehearsal')).toBe('true');
    expect(await practice.innerText()).toContain('演练');
    expect(await practice.getByTestId('public-sealed-parties').innerText()).toBe('单方密钥');
    expect(await row(show.snapshot.draw.drawId).getAttribute('data-state')).toBe('completed');
    expect(await row(announced.snapshot.draw.drawId).getAttribute('data-state')).toBe('sealed');

    const logHead = page.getByTestId('public-log-head');
    expect(await logHead.getAttribute('data-size')).toBe(String(head?.treeSize));
    const headHashes = await logHead.getByTestId('hash').evaluateAll((items) => items.map((i) => i.dataset.value));
    expect(headHashes).toEqual([head?.rootHash, keyId]);

    // The list is numbers and hashes: no household's phone or name, and no auditee's name either.
    const listed = await page.getByTestId('public-sealed-draws').innerText();
    expect(listed).not.toMatch(PHONE);
    for (const name of privateHouseholdNames(show.snapshot)) expect(listed.includes(name)).toBe(false);
    for (const round of show.snapshot.rounds) expect(listed.includes(round.auditee.name)).toBe(false);

    await page.getByTestId('public-sealed-draws').evaluate((node) => node.scrollIntoView());
    await screenshot(page, 'public-sealed-draws');
    await page.close();

    // The staff's printed record of the abandoned event says so, with the reason and both parties.
    const record = await app.inject({
      method: 'GET',
      url: `/events/${abandoned.event.id}/record`,
      headers: { cookie },
    });
    expect(record.statusCode).toBe(200);
    expect(record.body).toContain(`<th>作废</th><td>已作废：${REASON}</td>`);
    expect(record.body).toContain('<th>密钥方式</th><td>双方密钥（服务器 + 公证员）</td>');
    expect(record.body).toContain(sealed.notary?.commitment);
  });
});
