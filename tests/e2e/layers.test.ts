import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { OverlayStage } from '../helpers/overlay-stage';
import { frameFacts, insideTitleSafe, pixel, saveDocsFrame } from '../helpers/frame-check';
import { DeskDriver } from '../helpers/desk-driver';
import { screenshot } from '../helpers/browser';
import { OPERATOR_PASSWORD } from '../helpers/test-app';
import type { ScriptedShow } from '../helpers/show-script';
import { GRAPHIC_ZONE, TITLE_SAFE, type Layer } from '../../server/protocol/air';
import { drawn, inside, overlap, type Drawn } from '../helpers/layer-boxes';

const stage = new OverlayStage();
beforeAll(() => stage.start());
afterAll(() => stage.stop());

/** Waits until the output has drawn exactly these layers (settled: entrances done). */
async function onAir(page: Page, layers: Layer[]): Promise<Drawn[]> {
  await page.waitForFunction(
    (want) =>
      [...document.querySelectorAll<HTMLElement>('[data-testid="graphic"]')]
        .filter((el) => !el.inert)
        .map((el) => el.dataset.layer)
        .join(',') === want.join(','),
    layers,
    { timeout: 15_000 },
  );
  // Entrances take 450 ms; the frame is judged once they have settled.
  await page.waitForTimeout(600);
  return drawn(page);
}

/** Every graphic paints inside its declared zone, inside title-safe, and on nobody else's box. */
function expectApart(shown: Drawn[]): void {
  for (const g of shown) {
    expect({ g: g.graphic, inZone: inside(g.box, GRAPHIC_ZONE[g.graphic]) }).toEqual({ g: g.graphic, inZone: true });
    expect({ g: g.graphic, safe: inside(g.box, TITLE_SAFE) }).toEqual({ g: g.graphic, safe: true });
  }
  for (const [i, a] of shown.entries()) {
    for (const b of shown.slice(i + 1)) {
      expect({ pair: [a.graphic, b.graphic], overlap: overlap(a.box, b.box) }).toEqual({
        pair: [a.graphic, b.graphic],
        overlap: false,
      });
    }
  }
}

/** The frame as composited for the docs, after checking it is transparent around the graphics. */
async function saveFrame(page: Page, name: string, { fullscreen = false } = {}): Promise<Buffer> {
  const png = await page.screenshot({ omitBackground: true });
  const facts = frameFacts(png);
  if (!fullscreen) {
    expect({ name, corners: facts.cornersTransparent, inside: insideTitleSafe(facts.box) }).toEqual({
      name,
      corners: true,
      inside: true,
    });
  }
  saveDocsFrame(png, `layers-${name}`);
  return png;
}

/** A show run to the report: lower third and countdown on air with the bug (the steps put them there). */
async function showAtReport(options: Parameters<typeof stage.newShow>[0] = {}): Promise<ScriptedShow> {
  const show = await stage.newShow({ rollSeconds: 2, reportMinutes: 5, ...options });
  await show.open();
  await show.entropyAndReveal();
  await show.run({ type: 'drawAuditee' });
  await show.run({ type: 'presentAuditee' });
  await show.run({ type: 'startReport' });
  return show;
}

async function putText(
  show: ScriptedShow,
  graphic: 'strap' | 'ticker' | 'slate',
  text: string,
  autoOutSeconds?: number,
) {
  await show.run({ type: 'cue', graphic, round: null, text, ...(autoOutSeconds ? { autoOutSeconds } : {}) });
  await show.run({ type: 'take', layer: graphic === 'slate' ? 'slate' : 'strap' });
}

describe('layers on the programme output', () => {
  it('puts the lower third, the countdown, the bug and a strap on air together, apart and inside title-safe', async () => {
    const show = await showAtReport();
    await putText(show, 'strap', '现场正在连线核实户，请稍候');
    const page = await stage.openOverlay(show.overlayUrl());
    const shown = await onAir(page, ['lower', 'timer', 'bug', 'strap']);
    expect(shown.map((g) => g.graphic)).toEqual(['auditee', 'countdown', 'bug', 'strap']);
    expectApart(shown);
    expect(shown.find((g) => g.layer === 'strap')?.text).toContain('现场正在连线核实户，请稍候');
    // The log stamp is drawn clear of every graphic.
    const stamp = await page.getByTestId('log-stamp').boundingBox();
    expect(stamp).not.toBeNull();
    const stampBox = { x: stamp!.x, y: stamp!.y, w: stamp!.width, h: stamp!.height };
    expect(inside(stampBox, TITLE_SAFE)).toBe(true);
    for (const g of shown)
      expect({ g: g.graphic, hit: overlap(stampBox, g.box) }).toEqual({ g: g.graphic, hit: false });
    await saveFrame(page, 'lower-timer-bug-strap');

    // A reload draws every layer in its final state: no entrance replayed, the same boxes.
    await page.reload();
    const again = await onAir(page, ['lower', 'timer', 'bug', 'strap']);
    expect(await page.evaluate(() => window.chouchaOverlay?.entrances)).toBe(0);
    expect(again.map((g) => [g.graphic, Math.round(g.box.x), Math.round(g.box.y)])).toEqual(
      shown.map((g) => [g.graphic, Math.round(g.box.x), Math.round(g.box.y)]),
    );
    await page.close();
  }, 120_000);

  it('panic clears every layer at once and 恢复 brings back exactly the same layers and words', async () => {
    const show = await showAtReport();
    await putText(show, 'ticker', '本次抽查全程公开，结果可在县政府网站核验');
    const page = await stage.openOverlay(show.overlayUrl());
    const before = await onAir(page, ['lower', 'timer', 'bug', 'strap']);
    await show.run({ type: 'clearAll' });
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="graphic"]').length === 0);
    expect(frameFacts(await page.screenshot({ omitBackground: true })).box).toBeNull();
    expect(show.snapshot.air.restorable).toEqual(['lower', 'timer', 'bug', 'strap']);
    await show.run({ type: 'restore' });
    const after = await onAir(page, ['lower', 'timer', 'bug', 'strap']);
    // The countdown's clock runs on: compare what each layer is, and the words that do not move.
    const still = (list: Drawn[]) =>
      list.map((g) => [g.layer, g.graphic, g.graphic === 'countdown' ? '' : g.text.replace(/滚动.*$/u, '滚动')]);
    expect(still(after)).toEqual(still(before));
    expect(after.find((g) => g.layer === 'strap')?.text).toContain('本次抽查全程公开');
    expect(show.snapshot.air.restorable).toEqual([]);
    await page.close();
  }, 120_000);

  it('an auto-out strap leaves on the frame its time comes, by the output’s server clock', async () => {
    const show = await showAtReport();
    const page = await stage.openOverlay(show.overlayUrl());
    await onAir(page, ['lower', 'timer', 'bug']);
    // Every frame: the output's server time, and whether the strap is still drawn (not leaving).
    await page.evaluate(() => {
      const frames: [number, boolean][] = [];
      (window as unknown as { strapFrames: typeof frames }).strapFrames = frames;
      const loop = () => {
        const el = document.querySelector<HTMLElement>('[data-testid="graphic"][data-layer="strap"]');
        frames.push([window.chouchaServerNow?.() ?? 0, el !== null && !el.inert]);
        requestAnimationFrame(loop);
      };
      requestAnimationFrame(loop);
    });
    await putText(show, 'strap', '评委正在评分', 2);
    const outAt = show.snapshot.air.layers.strap.program?.outAt;
    expect(typeof outAt).toBe('number');
    await page.waitForSelector('[data-testid="graphic"][data-layer="strap"]');
    await page.waitForSelector('[data-testid="graphic"][data-layer="strap"]', { state: 'detached', timeout: 10_000 });
    const frames = await page.evaluate(() => (window as unknown as { strapFrames: [number, boolean][] }).strapFrames);
    const shownAt = frames.filter(([, on]) => on).map(([t]) => t);
    expect(shownAt.length).toBeGreaterThan(10);
    // Never drawn after its time but for the frame on which the time came (the timer fires between frames).
    const late = frames.filter(([t, on]) => on && t >= (outAt as number));
    expect(late.length).toBeLessThanOrEqual(1);
    // And drawn up to its time: it did not leave early.
    const early = frames.filter(([t, on]) => !on && t < (outAt as number) && t > Math.min(...shownAt));
    expect(early).toEqual([]);
    // The server drops it too: the staff snapshot no longer has it on air.
    await expect.poll(() => show.snapshot.air.layers.strap.program, { timeout: 5000 }).toBeNull();
    await page.close();
  }, 120_000);

  it('shows a typed strap, ticker and slate with markup as literal text, and creates no element or handler', async () => {
    const show = await stage.newShow();
    await show.open();
    const page = await stage.openOverlay(show.overlayUrl());
    const markup = '<img src=x onerror="window.__pwned=1"><u>粗</u>';
    for (const graphic of ['strap', 'ticker', 'slate'] as const) {
      await putText(show, graphic, markup);
      const layer = graphic === 'slate' ? 'slate' : 'strap';
      await page.waitForSelector(`[data-testid="graphic"][data-graphic="${graphic}"]`);
      const shownText = graphic === 'slate' ? 'slate-text' : 'strap-text';
      const text = await page
        .locator(`[data-testid="graphic"][data-layer="${layer}"] [data-testid="${shownText}"]`)
        .first()
        .innerText();
      expect(text).toBe(markup);
      expect(await page.locator('img').count()).toBe(0);
      expect(await page.locator(`[data-layer="${layer}"] u`).count()).toBe(0);
      expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    }
    await page.close();
  }, 120_000);
});

describe('typed text on air', () => {
  it('loads the glyphs of typed words before the strap is drawn (no box on air)', async () => {
    const show = await stage.newShow();
    await show.open();
    const page = await stage.openOverlay(show.overlayUrl());
    await page.waitForSelector('[data-testid="graphic"][data-layer="main"]');
    // Characters in no label of the overlay: only the typed text can bring their font slices in.
    const words = '鑫淼焱垚，赟犇骉';
    expect(await page.evaluate((w) => document.fonts.check("700 40px 'Noto Sans SC'", w), words)).toBe(false);
    await page.evaluate(() => {
      const seen: boolean[] = [];
      (window as unknown as { glyphsReady: boolean[] }).glyphsReady = seen;
      new MutationObserver(() => {
        const strap = document.querySelector('[data-testid="graphic"][data-layer="strap"]');
        if (strap && seen.length === 0)
          seen.push(document.fonts.check("700 40px 'Noto Sans SC'", strap.textContent ?? ''));
      }).observe(document.body, { childList: true, subtree: true });
    });
    await putText(show, 'strap', words);
    await page.waitForSelector('[data-testid="graphic"][data-layer="strap"]');
    expect(await page.evaluate(() => (window as unknown as { glyphsReady: boolean[] }).glyphsReady)).toEqual([true]);
    await page.close();
  }, 120_000);
});

describe('screenshots of the layers, the slate, the test card and the QR code', () => {
  it('draws each combination inside its zones, and the fullscreen ones opaque', async () => {
    const show = await showAtReport({ title: '示范县干部作风电视抽查' });
    const page = await stage.openOverlay(show.overlayUrl('&label=' + encodeURIComponent('一号节目输出')));
    expectApart(await onAir(page, ['lower', 'timer', 'bug']));
    await saveFrame(page, 'lower-timer-bug');

    await putText(show, 'ticker', '抽查对象由公开随机数与密钥共同确定，任何人无法事先预知');
    expectApart(await onAir(page, ['lower', 'timer', 'bug', 'strap']));
    await saveFrame(page, 'lower-timer-bug-ticker');

    // The QR code of the verify page takes out the countdown it would overlap (the declared rule).
    await show.run({ type: 'cue', graphic: 'verifyQr', round: null });
    expect(show.snapshot.air.layers.lower.displaces).toEqual(['timer']);
    await show.run({ type: 'take', layer: 'lower' });
    const qr = await onAir(page, ['lower', 'bug', 'strap']);
    expectApart(qr);
    const url = await page.getByTestId('verify-qr').getAttribute('data-url');
    expect(url).toBe(`${stage.base}/verify?draw=${show.snapshot.draw.drawId}`);
    expect(await page.getByTestId('verify-qr-url').innerText()).toBe(url?.replace(/^http:\/\//u, ''));
    const png = await saveFrame(page, 'verify-qr-bug-ticker');
    // The code is drawn black on white (a phone reads it): sample its quiet zone and a finder square.
    const code = await page.getByTestId('verify-qr-code').boundingBox();
    const [r, g, b] = pixel(png, Math.round(code!.x + 4), Math.round(code!.y + 4));
    expect([r, g, b]).toEqual([255, 255, 255]);
    const module = code!.width / 41; // version 4 at level M for this address: 33 modules + 8 quiet
    const [fr] = pixel(png, Math.round(code!.x + module * 4.5), Math.round(code!.y + module * 4.5));
    expect(fr).toBeLessThan(40);

    // The main card with the bug and a strap: all three apart.
    await show.run({ type: 'out', layer: 'lower' });
    await show.run({ type: 'cue', graphic: 'opening', round: null });
    await show.run({ type: 'take', layer: 'main' });
    await putText(show, 'strap', '欢迎收看本期电视抽查');
    expectApart(await onAir(page, ['main', 'bug', 'strap']));
    await saveFrame(page, 'main-bug-strap');

    // The slate covers the frame, opaque; what was under it is still there when it goes.
    await putText(show, 'slate', '稍后继续');
    await onAir(page, ['main', 'bug', 'strap', 'slate']);
    const slatePng = await saveFrame(page, 'slate', { fullscreen: true });
    expect(pixel(slatePng, 2, 2)[3]).toBe(255);
    expect(pixel(slatePng, 1917, 1077)[3]).toBe(255);
    expect(await page.getByTestId('slate-text').innerText()).toBe('稍后继续');
    await show.run({ type: 'out', layer: 'slate' });
    await onAir(page, ['main', 'bug', 'strap']);

    // The test card: bars, steps, both safe-area guides, the output's name, the resolution, the time.
    await show.run({ type: 'cue', graphic: 'testcard', round: null });
    await show.run({ type: 'take', layer: 'slate' });
    await onAir(page, ['main', 'bug', 'strap', 'slate']);
    expect(await page.getByTestId('testcard-name').innerText()).toBe('一号节目输出');
    expect(await page.getByTestId('testcard-resolution').innerText()).toBe('1920×1080');
    expect(await page.getByTestId('testcard-time').innerText()).toMatch(/^\d\d:\d\d:\d\d$/u);
    const title = await page.getByTestId('title-safe').boundingBox();
    expect(title).toEqual({ x: TITLE_SAFE.x, y: TITLE_SAFE.y, width: TITLE_SAFE.w, height: TITLE_SAFE.h });
    const action = await page.getByTestId('action-safe').boundingBox();
    expect([action!.x, action!.y, action!.width, action!.height].map((n) => Math.round(n * 10) / 10)).toEqual([
      67.2, 37.8, 1785.6, 1004.4,
    ]);
    // Nothing of the show's record is drawn on the line-up card.
    expect(await page.getByTestId('log-stamp').count()).toBe(0);
    const card = await saveFrame(page, 'testcard', { fullscreen: true });
    // The first bar is 75% white, the last grey step white.
    expect(pixel(card, 20, 300).slice(0, 3)).toEqual([191, 191, 191]);
    expect(pixel(card, 1900, 840).slice(0, 3)).toEqual([255, 255, 255]);
    await page.close();
  }, 180_000);

  it('marks a rehearsal’s slate 演练', async () => {
    const show = await stage.newShow({ rehearsal: true });
    await show.open();
    await putText(show, 'slate', '节目即将开始');
    const page = await stage.openOverlay(show.overlayUrl());
    await onAir(page, ['main', 'bug', 'slate']);
    expect(await page.getByTestId('slate-rehearsal').innerText()).toBe('演练');
    await saveFrame(page, 'slate-rehearsal', { fullscreen: true });
    await page.close();
  }, 120_000);
});

describe('the desk’s layers', () => {
  it('cues a typed strap from a template, says what a take would take out, takes and outs by layer, panics and restores', async () => {
    const show = await showAtReport();
    const driver = new DeskDriver(stage.browser, stage.base);
    const desk = await driver.newPage({ width: 1600, height: 1000 });
    await driver.login(desk, 'operator', OPERATOR_PASSWORD, `#/desk/${show.event.id}`);
    const row = (layer: Layer) => desk.locator(`[data-testid="layer-row"][data-layer="${layer}"]`);
    await expect.poll(() => row('lower').getAttribute('data-state'), { timeout: 15_000 }).toBe('on');
    expect(await row('timer').getAttribute('data-state')).toBe('on');

    // A template fills the box; the operator edits it; the cue goes to the strap's preview.
    await desk.getByTestId('text-template').selectOption('评委正在评分');
    expect(await desk.getByTestId('text-input').inputValue()).toBe('评委正在评分');
    await desk.getByTestId('text-input').fill('评委正在评分，请稍候');
    // An auto-out time must be whole seconds 1–3600: anything else keeps the cue back.
    await desk.getByTestId('text-auto-out').fill('1.5');
    expect(await desk.getByTestId('text-cue-send').isDisabled()).toBe(true);
    await desk.getByTestId('text-auto-out').fill('');
    await desk.getByTestId('text-cue-send').click();
    await expect.poll(() => row('strap').getAttribute('data-state')).toBe('cued');
    expect(await row('strap').getByTestId('layer-preview').innerText()).toContain('评委正在评分，请稍候');

    // The QR code would take the countdown out: the desk says so before the take.
    await desk.getByTestId('cue-verifyQr').click();
    await expect.poll(() => row('lower').getByTestId('layer-displaces').innerText()).toBe('切出将撤下：计时');
    await screenshot(desk, 'console-desk-layers-cued');

    await row('strap').getByTestId('layer-take').click();
    await expect.poll(() => row('strap').getAttribute('data-state')).toBe('on');
    await row('timer').getByTestId('layer-out').click();
    await expect.poll(() => row('timer').getAttribute('data-state')).toBe('empty');
    expect(show.snapshot.air.layers.strap.program?.text).toBe('评委正在评分，请稍候');

    // Esc in the text box only leaves it: Esc Esc while typing a strap never clears the air.
    await desk.getByTestId('text-input').focus();
    await desk.keyboard.press('Escape');
    await desk.keyboard.press('Escape');
    expect(await desk.getByTestId('panic').getAttribute('data-state')).toBe('armed');
    expect(show.snapshot.air.layers.strap.program?.text).toBe('评委正在评分，请稍候');
    await expect.poll(() => desk.getByTestId('panic').getAttribute('data-state'), { timeout: 5000 }).toBe('idle');

    // Panic (Esc Esc), then 恢复 brings back what was on air: lower third, bug, strap.
    expect(await desk.getByTestId('restore').isDisabled()).toBe(true);
    await desk.locator('body').click({ position: { x: 5, y: 5 } });
    await desk.keyboard.press('Escape');
    await desk.keyboard.press('Escape');
    await expect.poll(() => desk.getByTestId('program-cue').innerText()).toBe('无');
    await expect.poll(() => desk.getByTestId('restore').isEnabled()).toBe(true);
    await screenshot(desk, 'console-desk-layers-panic');
    await desk.getByTestId('restore').click();
    await expect.poll(() => row('strap').getAttribute('data-state')).toBe('on');
    expect(await row('lower').getAttribute('data-state')).toBe('on');
    expect(show.snapshot.air.layers.bug.program?.graphic).toBe('bug');
    expect(await desk.getByTestId('restore').isDisabled()).toBe(true);
    await screenshot(desk, 'console-desk-layers');
    await driver.close();
  }, 120_000);
});
