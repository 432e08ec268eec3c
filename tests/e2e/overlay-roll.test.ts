import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OverlayStage } from '../helpers/overlay-stage';
import type { Page } from 'playwright-core';
import { REPLACEMENT_MS } from '../../server/protocol/show';
import type { DrawBundle } from '../../server/verify/bundle';
import { frameFacts, insideTitleSafe, saveDocsFrame } from '../helpers/frame-check';
import { DEMO_PLAN } from '../helpers/draw-fixture';

const stage = new OverlayStage();
beforeAll(() => stage.start());
afterAll(() => stage.stop());
const newShow = (options: Parameters<typeof stage.newShow>[0] = {}) => stage.newShow(options);
const openOverlay = (url: string) => stage.openOverlay(url);

const text = async (page: Page, testId: string) => (await page.getByTestId(testId).first().innerText()).trim();
const graphic = (page: Page) => page.getAttribute('[data-testid="overlay"]', 'data-graphic');
const phase = (page: Page) => page.getAttribute('[data-testid="lottery-roll"]', 'data-phase');

/** A transparent 1920×1080 frame with the graphic inside the title-safe area; saved for the docs. */
function checkFrame(png: Buffer, name: string): void {
  const facts = frameFacts(png);
  expect({ name, width: facts.width, height: facts.height }).toEqual({ name, width: 1920, height: 1080 });
  expect({ name, corners: facts.cornersTransparent }).toEqual({ name, corners: true });
  expect({ name, inside: insideTitleSafe(facts.box) }).toEqual({ name, inside: true });
  saveDocsFrame(png, `overlay-${name}`);
}

describe('the lottery roll on the programme output', () => {
  it('shows a replacement during the roll on the roll card: struck through, 递补 and the reason, then the alternate', async () => {
    const show = await newShow({ rollSeconds: 3 });
    const page = await openOverlay(show.overlayUrl());
    await show.open();
    await show.entropyAndReveal();
    await show.run({ type: 'drawAuditee' });
    await page.waitForSelector('[data-testid="lottery-roll"][data-phase="rolling"]', { timeout: 10_000 });
    const drawn = show.round.auditee;

    // 请假, while the reel is still rolling: the drawn name lands first, then the replacement plays.
    await show.run({ type: 'replaceAuditee', reason: 'LEAVE' });
    const round = show.round;
    const alternate = round.auditee;
    expect(alternate.number).not.toBe(drawn.number);
    expect(round.roll.reel.at(-1)?.number).toBe(drawn.number);
    const [replacement] = round.replacedAuditees;
    expect(replacement?.startsAt).toBe(round.roll.landsAt);
    expect(round.roll.settlesAt).toBe(round.roll.landsAt + REPLACEMENT_MS);
    // The desk's lock is the same moment the outputs settle.
    expect(show.snapshot.outlook?.main?.notBefore).toEqual({ at: round.roll.settlesAt, reason: '递补动画进行中' });

    await page.waitForSelector('[data-testid="lottery-roll"][data-phase="replacing"]', { timeout: 10_000 });
    // Let the strike draw across, then capture it: still the roll, before any lower third.
    await page.waitForTimeout(700);
    const png = await page.screenshot({ omitBackground: true });
    expect(await graphic(page)).toBe('roll');
    expect(await phase(page)).toBe('replacing');
    expect(await text(page, 'roll-replacement')).toBe(`递补 原抽中 ${drawn.number} ${drawn.name} 因请假`);
    expect(await text(page, 'roll-result')).toBe('递补 请假，按公布顺序递补');
    const strike = await page.evaluate(
      () => getComputedStyle(document.querySelector('[data-testid="roll-swap"] .strike') as Element).transform,
    );
    expect(strike).toBe('matrix(1, 0, 0, 1, 0, 0)');
    checkFrame(png, 'roll-replacement');

    await page.waitForSelector('[data-testid="lottery-roll"][data-phase="landed"]', { timeout: 10_000 });
    expect(await text(page, 'roll-result')).toBe(`递补抽中 ${alternate.number} ${alternate.name}`);
    expect(await text(page, 'roll-replacement')).toContain('因请假');
    const landedAt = await page.evaluate(() => window.chouchaOverlay?.rollLandedAt[0] ?? 0);
    // The output settled within a few frames of the server moment the desk unlocks.
    expect(landedAt).toBeGreaterThanOrEqual(round.roll.settlesAt);
    expect(landedAt - round.roll.settlesAt).toBeLessThan(200);

    // A reload shows the current state, with nothing entering or moving again.
    await page.reload();
    await page.waitForSelector('[data-testid="lottery-roll"][data-phase="landed"]', { timeout: 10_000 });
    const facts = await page.evaluate(() => ({ ...window.chouchaOverlay }));
    expect(facts.entrances).toBe(0);
    expect(await text(page, 'roll-result')).toBe(`递补抽中 ${alternate.number} ${alternate.name}`);
    expect(await text(page, 'roll-replacement')).toBe(`递补 原抽中 ${drawn.number} ${drawn.name} 因请假`);
    expect(await page.getAttribute('[data-testid="roll-swap"]', 'style')).toContain('opacity: 1');

    await show.run({ type: 'presentAuditee' });
    await page.waitForFunction(
      () => document.querySelector('[data-testid="overlay"]')?.getAttribute('data-graphic') === 'auditee',
    );
    expect(await text(page, 'auditee-replacement')).toBe('递补');
    await page.close();
  });

  it('rolls a stratified round over its stratum only, naming the stratum and its size', async () => {
    const show = await newShow({
      rollSeconds: 3,
      plan: {
        ...DEMO_PLAN,
        auditees: {
          mode: 'strata',
          by: 'town',
          quotas: [
            { stratum: '城关街道', count: 1 },
            { stratum: '龙泉街道', count: 1 },
          ],
        },
        contactsPerAuditee: 4,
      },
    });
    const page = await openOverlay(show.overlayUrl());
    await show.open();
    const bundle = (
      await stage.app.inject({ url: `/api/draws/${show.snapshot.draw.drawId}/bundle` })
    ).json<DrawBundle>();
    const strataOf = new Map(bundle.pool.auditees.map((a) => [a.number, a.stratum]));
    const sizeOf = (stratum: string) => bundle.pool.auditees.filter((a) => a.stratum === stratum).length;
    expect(bundle.pool.auditees.length).toBe(show.snapshot.draw.poolSize);

    await page.waitForSelector('[data-testid="opening-card"]');
    expect(await page.getByTestId('opening-stratum').allInnerTexts()).toEqual([
      `城关街道 ${sizeOf('城关街道').toLocaleString('zh-CN')} 人抽 1`,
      `龙泉街道 ${sizeOf('龙泉街道').toLocaleString('zh-CN')} 人抽 1`,
    ]);
    await show.entropyAndReveal();

    for (const index of [0, 1]) {
      await show.run({ type: 'drawAuditee' });
      await page.waitForSelector('[data-testid="lottery-roll"][data-phase="rolling"]', { timeout: 10_000 });
      const round = show.round;
      const stratum = strataOf.get(round.auditee.number) as string;
      expect(round.roll.stratum).toEqual({ name: stratum, size: sizeOf(stratum) });
      expect(sizeOf(stratum)).toBeLessThan(bundle.pool.auditees.length);
      expect(await text(page, 'roll-stratum')).toBe(`· ${stratum}`);
      expect(await text(page, 'roll-pool')).toBe(
        `本层 ${sizeOf(stratum).toLocaleString('zh-CN')} 人 · 名单池 ${bundle.pool.auditees.length.toLocaleString('zh-CN')} 人`,
      );
      // Every name the reel passes over, as drawn on the output, is a member of the stratum.
      const shown = await page.$$eval('[data-testid="lottery-roll"] .strip .number', (cells) =>
        cells.map((c) => c.textContent ?? ''),
      );
      expect(shown.length).toBeGreaterThan(round.roll.reel.length);
      expect(new Set(shown)).toEqual(new Set(round.roll.reel.map((e) => e.number)));
      for (const number of shown) expect({ number, stratum: strataOf.get(number) }).toEqual({ number, stratum });
      if (index === 0) {
        await page.waitForTimeout(700);
        checkFrame(await page.screenshot({ omitBackground: true }), 'roll-stratum');
      }
      await page.waitForSelector('[data-testid="lottery-roll"][data-phase="landed"]', { timeout: 10_000 });
      await show.run({ type: 'presentAuditee' });
      await show.run({ type: 'startReport' });
      await show.run({ type: 'endReport' });
      await show.run({ type: 'drawHouseholds' });
      await show.callHouseholds([{ outcome: '属实', satisfaction: '满意' }]);
      await show.run({ type: 'openJudging' });
      await show.judgesScore([88, 90, 86, 92, 85]);
      await show.run({ type: 'lockJudging' });
      await show.run({ type: 'revealScores' });
      await show.run({ type: 'showResult' });
    }
    await page.close();
  });
});
