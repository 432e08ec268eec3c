import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { loadDemoCounty } from '../../server/demo/load-demo';
import { OGRAF_GRAPHICS, ografManifestFile, type OgrafGraphicId } from '../../server/protocol/ograf';
import { GRAPHIC_ZONE } from '../../server/protocol/air';
import { maskName } from '../../server/privacy';
import { launchChromium } from '../helpers/browser';
import { saveDocsFrame } from '../helpers/frame-check';
import { startOgrafRenderer } from '../helpers/ograf-renderer';
import { DICE, ScriptedShow } from '../helpers/show-script';
import { testApp } from '../helpers/test-app';

/**
 * choucha's OGraf graphics in a renderer harness written from the OGraf spec
 * (tests/helpers/ograf-renderer/), on a page of another origin, fed by a real sealed show run live
 * through the server: every graphic's module is imported, defined, loaded, played, updated and
 * stopped with and without skipAnimation, then disposed, and shows the show's own text.
 */
interface Answer {
  statusCode: number;
  statusMessage?: string;
  hasCurrentStep?: boolean;
  currentStep?: number | null;
}
interface Look {
  result: Answer;
  drawn: boolean;
  running: number;
}
declare global {
  interface Window {
    renderer: {
      load: (manifestUrl: string, data: unknown, resolution?: { width: number; height: number }) => Promise<Answer>;
      act: (id: string, method: string, params: unknown) => Promise<Answer>;
      actAndLook: (id: string, method: string, params: unknown) => Promise<Look>;
      remove: (id: string) => Promise<Answer>;
    };
  }
}

let app: FastifyInstance;
let closeApp: () => Promise<void>;
let base: string;
let browser: Browser;
let renderer: Awaited<ReturnType<typeof startOgrafRenderer>>;
const pageErrors: string[] = [];

beforeAll(async () => {
  ({ app, close: closeApp } = await testApp());
  await loadDemoCounty(app.services.db, { now: '2026-11-01T00:00:00.000Z', cadres: 300, teachers: 10 });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
  renderer = await startOgrafRenderer();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await renderer?.close();
  await closeApp?.();
});

async function openRenderer(): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  page.on('pageerror', (error) => pageErrors.push(String(error)));
  page.on('console', (message) => {
    if (message.type() === 'error') pageErrors.push(message.text());
  });
  await page.goto(renderer.url);
  await page.waitForFunction(() => window.renderer !== undefined);
  return page;
}

const manifestUrl = (id: OgrafGraphicId) => `${base}/ograf/graphics/${id}/${ografManifestFile(id)}`;
const load = (page: Page, id: OgrafGraphicId, data: unknown) =>
  page.evaluate(([url, d]) => window.renderer.load(url, d), [manifestUrl(id), data] as const);
const act = (page: Page, id: OgrafGraphicId, method: string, params: unknown = {}) =>
  page.evaluate(([i, m, p]) => window.renderer.act(i, m, p), [id, method, params] as const);
const actAndLook = (page: Page, id: OgrafGraphicId, method: string, params: unknown = {}) =>
  page.evaluate(([i, m, p]) => window.renderer.actAndLook(i, m, p), [id, method, params] as const);
/** A graphic's element (the harness names its tag after the manifest's id). */
const graphic = (page: Page, id: OgrafGraphicId) => page.locator(`ograf-${id}`);
const text = async (page: Page, id: OgrafGraphicId, testId: string) =>
  (await graphic(page, id).getByTestId(testId).first().innerText()).trim();
const stageState = (page: Page, id: OgrafGraphicId, state: string) =>
  graphic(page, id).locator(`[data-testid="ograf-stage"][data-state="${state}"]`).waitFor({ timeout: 10_000 });

/** What each graphic shows of the show, checked once it is on. */
async function expectShowsTheShow(page: Page, id: OgrafGraphicId, show: ScriptedShow): Promise<void> {
  const round = show.snapshot.rounds[0];
  if (!round) throw new Error('the show has no round');
  switch (id) {
    case 'choucha-opening':
      expect(await text(page, id, 'opening-pool')).toBe(show.snapshot.draw.poolSize.toLocaleString('zh-CN'));
      break;
    case 'choucha-entropy':
      expect((await text(page, id, 'entropy-digits')).replace(/\s/gu, '')).toBe(DICE);
      expect(await text(page, id, 'commitment-check')).toBe('✓ 与承诺值一致');
      break;
    case 'choucha-roll':
      await graphic(page, id).locator('[data-testid="lottery-roll"][data-phase="landed"]').waitFor();
      expect(await text(page, id, 'roll-result')).toBe(`抽中 ${round.auditee.number} ${round.auditee.name}`);
      break;
    case 'choucha-auditee':
      expect(await text(page, id, 'auditee-name')).toBe(round.auditee.name);
      expect(await text(page, id, 'auditee-grid')).toBe(round.auditee.gridPath);
      break;
    case 'choucha-countdown':
      expect(await text(page, id, 'report-countdown')).toContain(round.auditee.name);
      expect(await graphic(page, id).getByTestId('report-countdown').getAttribute('data-state')).toBe('over');
      break;
    case 'choucha-households': {
      const names = await graphic(page, id).locator('[data-testid="household-row"] .name').allInnerTexts();
      expect(names).toEqual(round.households.map((h) => maskName(h.name)));
      // Masked on the server: no household's full name reaches the graphic.
      const html = await graphic(page, id).evaluate((element) => element.shadowRoot?.innerHTML ?? '');
      for (const household of round.households) expect(html.includes(household.name), household.number).toBe(false);
      break;
    }
    case 'choucha-judges':
      await graphic(page, id).locator('[data-testid="judges-panel"][data-reveal="final"]').waitFor();
      expect(await text(page, id, 'judges-announcement')).toBe('去掉一个最高分 95，去掉一个最低分 85，最后得分 90.00');
      break;
    case 'choucha-result':
      expect(await text(page, id, 'result-judges')).toBe('90.00');
      break;
    case 'choucha-summary':
      expect(await graphic(page, id).getByTestId('summary-row').count()).toBe(1);
      break;
    case 'choucha-bug':
      expect(await text(page, id, 'event-bug')).toContain(show.snapshot.title);
      expect(await text(page, id, 'live-marker')).toBe('直播');
      break;
    case 'choucha-strap':
      expect(await text(page, id, 'strap-text')).toBe(STRAP);
      break;
    case 'choucha-ticker':
      expect(await text(page, id, 'strap-text')).toBe(TICKER);
      break;
    case 'choucha-slate':
      expect(await text(page, id, 'slate-text')).toBe(SLATE);
      break;
    case 'choucha-testcard':
      expect(await text(page, id, 'testcard-resolution')).toBe('1920×1080');
      break;
    case 'choucha-verify-qr':
      expect(await graphic(page, id).getByTestId('verify-qr').getAttribute('data-url')).toBe(
        `${base}/verify?draw=${show.snapshot.draw.drawId}`,
      );
      break;
  }
}

const STRAP = '现场正在连线核实户';
const TICKER = '本次抽查全程公开';
const SLATE = '稍后继续';

describe('choucha graphics in an OGraf renderer', () => {
  it('load, play, update and stop every graphic with and without skipAnimation, showing the live show', async () => {
    const show = await ScriptedShow.create(app, base, { rollSeconds: 2, reportMinutes: 1 });
    const data = { event: show.event.id, key: show.overlayKey };
    const page = await openRenderer();
    // Loaded while the show is sealed and not yet open: each connects and answers once it has the state.
    for (const { id } of OGRAF_GRAPHICS) {
      const loaded = await load(page, id, data);
      expect({ id, statusCode: loaded.statusCode, statusMessage: loaded.statusMessage }).toEqual({
        id,
        statusCode: 200,
        statusMessage: undefined,
      });
    }

    await show.open();
    await show.entropyAndReveal();
    await show.run({ type: 'drawAuditee' });
    await show.run({ type: 'presentAuditee' });
    await show.run({ type: 'startReport' });

    // The countdown runs on the server's clock: on air while the report is under way, it moves.
    expect(await act(page, 'choucha-countdown', 'playAction', {})).toMatchObject({ statusCode: 200, currentStep: 0 });
    await stageState(page, 'choucha-countdown', 'shown');
    const clock = graphic(page, 'choucha-countdown').getByTestId('countdown-clock');
    const first = (await clock.innerText()).trim();
    expect(first).toMatch(/^0(1:00|0:5\d)$/u);
    await expect.poll(async () => (await clock.innerText()).trim(), { timeout: 5000 }).not.toBe(first);
    expect(await act(page, 'choucha-countdown', 'stopAction', { skipAnimation: true })).toEqual({
      statusCode: 200,
      hasCurrentStep: false,
      currentStep: null,
    });

    await show.run({ type: 'endReport' });
    await show.run({ type: 'drawHouseholds' });
    await show.callHouseholds([
      { outcome: '属实', satisfaction: '满意' },
      { outcome: '属实', satisfaction: '基本满意' },
    ]);
    await show.run({ type: 'openJudging' });
    await show.judgesScore([88, 92, 85, 90, 95]);
    await show.run({ type: 'lockJudging' });
    await show.run({ type: 'revealScores' });
    await show.run({ type: 'showResult' });
    // The operator's words come from choucha's air: a strap on air, a slate and a ticker cued.
    await show.run({ type: 'cue', graphic: 'strap', round: null, text: STRAP });
    await show.run({ type: 'take', layer: 'strap' });
    await show.run({ type: 'cue', graphic: 'ticker', round: null, text: TICKER });
    await show.run({ type: 'cue', graphic: 'slate', round: null, text: SLATE });

    for (const { id } of OGRAF_GRAPHICS) {
      // play (animated): the promise resolves once the entrance has finished.
      const played = await actAndLook(page, id, 'playAction', {});
      expect({ id, ...played }).toEqual({
        id,
        result: { statusCode: 200, hasCurrentStep: true, currentStep: 0 },
        drawn: true,
        running: 0,
      });
      await stageState(page, id, 'shown');
      await expectShowsTheShow(page, id, show);
      expect(await act(page, id, 'updateAction', { data: {} })).toMatchObject({ statusCode: 200 });
      // stop (animated): resolved once the fade is over and the graphic is gone.
      expect({ id, ...(await actAndLook(page, id, 'stopAction', {})) }).toEqual({
        id,
        result: { statusCode: 200, hasCurrentStep: false, currentStep: null },
        drawn: false,
        running: 0,
      });
      // skipAnimation: on at once, off at once.
      expect({ id, ...(await actAndLook(page, id, 'playAction', { skipAnimation: true })) }).toEqual({
        id,
        result: { statusCode: 200, hasCurrentStep: true, currentStep: 0 },
        drawn: true,
        running: 0,
      });
      await expectShowsTheShow(page, id, show);
      expect({ id, ...(await actAndLook(page, id, 'stopAction', { skipAnimation: true })) }).toEqual({
        id,
        result: { statusCode: 200, hasCurrentStep: false, currentStep: null },
        drawn: false,
        running: 0,
      });
    }
    // Past the last step is the end (stepCount 1): currentStep undefined, the graphic off.
    await act(page, 'choucha-bug', 'playAction', { skipAnimation: true });
    expect(await actAndLook(page, 'choucha-bug', 'playAction', { skipAnimation: true })).toEqual({
      result: { statusCode: 200, hasCurrentStep: true, currentStep: null },
      drawn: false,
      running: 0,
    });

    // A frame with three graphics on their layers, for the docs.
    for (const id of ['choucha-bug', 'choucha-auditee', 'choucha-countdown'] as const) {
      await act(page, id, 'playAction', { skipAnimation: true });
    }
    await page.evaluate(() => document.fonts.ready);
    // The shipped font, from the choucha server: its faces for the name's characters are loaded.
    const fonts = await page.evaluate(
      (name) => ({
        check: document.fonts.check("700 64px 'Noto Sans SC'", name),
        loaded: [...document.fonts].filter((face) => face.family.includes('Noto Sans SC') && face.status === 'loaded')
          .length,
      }),
      show.round.auditee.name,
    );
    expect(fonts.check).toBe(true);
    expect(fonts.loaded).toBeGreaterThan(0);
    saveDocsFrame(await page.screenshot({ omitBackground: true }), 'ograf-harness');

    // Live data: the next round's auditee replaces the first on the lower third that follows the
    // current round; updateAction pins round 1 back.
    const firstName = show.round.auditee.name;
    await show.run({ type: 'drawAuditee' });
    await show.run({ type: 'presentAuditee' });
    const secondName = show.round.auditee.name;
    expect(secondName).not.toBe(firstName);
    await expect.poll(() => text(page, 'choucha-auditee', 'auditee-name'), { timeout: 10_000 }).toBe(secondName);
    expect(
      await act(page, 'choucha-auditee', 'updateAction', { data: { round: 1 }, skipAnimation: true }),
    ).toMatchObject({ statusCode: 200 });
    await expect.poll(() => text(page, 'choucha-auditee', 'auditee-name'), { timeout: 10_000 }).toBe(firstName);

    // The custom action the manifests declare, and one they do not.
    expect(await act(page, 'choucha-auditee', 'customAction', { id: 'sync', payload: null })).toEqual({
      statusCode: 200,
      hasCurrentStep: false,
      currentStep: null,
    });
    await expect.poll(() => text(page, 'choucha-auditee', 'auditee-name'), { timeout: 10_000 }).toBe(firstName);
    expect(await act(page, 'choucha-auditee', 'customAction', { id: 'shake', payload: null })).toMatchObject({
      statusCode: 404,
    });

    for (const { id } of OGRAF_GRAPHICS) {
      expect(await page.evaluate((i) => window.renderer.remove(i), id)).toMatchObject({ statusCode: 200 });
    }
    expect(await page.locator('.layer').count()).toBe(0);
    expect(pageErrors).toEqual([]);
    await page.close();
    show.close();
  }, 180_000);

  it('follows the output channels with a channel and its key, from one event to another', async () => {
    const first = await ScriptedShow.create(app, base, { title: '通道跟随甲场' });
    const second = await ScriptedShow.create(app, base, { title: '通道跟随乙场' });
    const program = app.services.channels.list().find((channel) => channel.kind === 'program');
    if (!program) throw new Error('no program channel');
    app.services.follow.follow(first.event.id, 'operator');
    const page = await openRenderer();
    expect(await load(page, 'choucha-bug', { server: base, channel: program.id, key: program.key })).toMatchObject({
      statusCode: 200,
    });
    await act(page, 'choucha-bug', 'playAction', { skipAnimation: true });
    await expect.poll(() => text(page, 'choucha-bug', 'event-bug'), { timeout: 10_000 }).toContain('通道跟随甲场');
    // The operator switches the channels: the graphic follows, nothing touched in the renderer.
    app.services.follow.follow(second.event.id, 'operator');
    await expect.poll(() => text(page, 'choucha-bug', 'event-bug'), { timeout: 10_000 }).toContain('通道跟随乙场');
    expect(pageErrors).toEqual([]);
    await page.close();
    first.close();
    second.close();
  });

  it('answers a wrong key and wrong data with the spec’s error codes, and draws nothing', async () => {
    const show = await ScriptedShow.create(app, base);
    await show.open();
    const page = await openRenderer();
    // The server named explicitly, as a graphic copied into a renderer's own folder needs it.
    const refused = await load(page, 'choucha-bug', { server: base, event: show.event.id, key: 'not-the-key' });
    expect(refused.statusCode).toBe(403);
    const played = await actAndLook(page, 'choucha-bug', 'playAction', {});
    expect(played.drawn).toBe(false);
    await stageState(page, 'choucha-bug', 'refused');
    expect(
      (await load(page, 'choucha-auditee', { event: show.event.id, key: show.overlayKey, round: '1' })).statusCode,
    ).toBe(400);
    expect(
      (await load(page, 'choucha-opening', { event: show.event.id, key: show.overlayKey, color: 'red' })).statusCode,
    ).toBe(400);
    // The same graphic with the right key, after an update: on air with the show's title.
    expect(await act(page, 'choucha-bug', 'updateAction', { data: { key: show.overlayKey } })).toMatchObject({
      statusCode: 200,
    });
    await stageState(page, 'choucha-bug', 'shown');
    expect(await text(page, 'choucha-bug', 'event-bug')).toContain(show.snapshot.title);
    expect(pageErrors).toEqual([]);
    await page.close();
    show.close();
  }, 60_000);

  it('scales its 1920×1080 stage to a renderer of another resolution', async () => {
    const show = await ScriptedShow.create(app, base);
    await show.open();
    const page = await openRenderer();
    const data = { event: show.event.id, key: show.overlayKey };
    const loaded = await page.evaluate(([url, d]) => window.renderer.load(url, d, { width: 1280, height: 720 }), [
      manifestUrl('choucha-opening'),
      data,
    ] as const);
    expect(loaded.statusCode).toBe(200);
    await act(page, 'choucha-opening', 'playAction', { skipAnimation: true });
    await stageState(page, 'choucha-opening', 'shown');
    const box = await graphic(page, 'choucha-opening').getByTestId('ograf-stage').boundingBox();
    expect(box && { width: Math.round(box.width), height: Math.round(box.height) }).toEqual({
      width: 1280,
      height: 720,
    });
    // The graphic sits in its declared zone, where the overlay page draws it (frame pixels, scaled):
    // not offset again by the title-safe inset.
    const zone = GRAPHIC_ZONE.opening;
    const layer = await graphic(page, 'choucha-opening').getByTestId('graphic').boundingBox();
    const offset = box ? { x: box.x, y: box.y } : { x: 0, y: 0 };
    const scaled = (v: number) => Math.round((v * 2) / 3);
    expect(
      layer && {
        x: Math.round(layer.x - offset.x),
        y: Math.round(layer.y - offset.y),
        width: Math.round(layer.width),
      },
    ).toEqual({ x: scaled(zone.x), y: scaled(zone.y), width: scaled(zone.w) });
    expect(pageErrors).toEqual([]);
    await page.close();
    show.close();
  }, 60_000);
});
