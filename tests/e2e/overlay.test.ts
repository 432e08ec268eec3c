import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OverlayStage } from '../helpers/overlay-stage';
import { testApp } from '../helpers/test-app';
import type { Page } from 'playwright-core';
import { REVEAL_TIMING } from '../../server/protocol/show';
import { frameFacts, insideTitleSafe, pixel, saveDocsFrame } from '../helpers/frame-check';
import { DICE, ScriptedShow } from '../helpers/show-script';
import { DEMO_PLAN } from '../helpers/draw-fixture';
import { maskName } from '../../server/privacy';
import { GRAPHIC_ZONE } from '../../server/protocol/air';
import { drawn, inside } from '../helpers/layer-boxes';

const stage = new OverlayStage();
beforeAll(() => stage.start());
afterAll(() => stage.stop());
const newShow = (options: Parameters<typeof stage.newShow>[0] = {}) => stage.newShow(options);
const openOverlay = (url: string) => stage.openOverlay(url);

/** Waits until the output has drawn at least this revision (and the graphic, when named). */
async function shows_(page: Page, revision: number, graphic?: string): Promise<void> {
  await page.waitForFunction(
    ([rev, g]) => {
      const stage = document.querySelector('[data-testid="overlay"]');
      return (
        stage !== null &&
        Number(stage.getAttribute('data-revision')) >= (rev as number) &&
        (g === null || stage.getAttribute('data-graphic') === g)
      );
    },
    [revision, graphic ?? null] as const,
    { timeout: 10_000 },
  );
}

/** The text as rendered (whitespace collapsed as the viewer sees it). */
const text = async (page: Page, testId: string) => (await page.getByTestId(testId).first().innerText()).trim();

/** A transparent frame with the graphic inside the title-safe area; saved for the README. */
async function checkFrame(page: Page, name: string): Promise<void> {
  // Entrances take 450 ms; the frame is judged once it has settled.
  await page.waitForTimeout(600);
  const png = await page.screenshot({ omitBackground: true });
  const facts = frameFacts(png);
  expect({ name, width: facts.width, height: facts.height }).toEqual({ name, width: 1920, height: 1080 });
  expect({ name, corners: facts.cornersTransparent }).toEqual({ name, corners: true });
  expect({ name, box: facts.box, inside: insideTitleSafe(facts.box) }).toMatchObject({ name, inside: true });
  expect({ name, empty: facts.box === null }).toEqual({ name, empty: false });
  // Each graphic paints inside the zone its layer declares (protocol/air.ts GRAPHIC_ZONE).
  for (const g of await drawn(page)) {
    expect({ name, g: g.graphic, inZone: inside(g.box, GRAPHIC_ZONE[g.graphic]) }).toEqual({
      name,
      g: g.graphic,
      inZone: true,
    });
  }
  saveDocsFrame(png, `overlay-${name}`);
}

/** Animations with an end (the live marker's blink repeats forever and is not an entrance). */
const finiteRunning = (page: Page) =>
  page.evaluate(
    () =>
      document
        .getAnimations()
        .filter((a) => a.playState === 'running' && a.effect?.getComputedTiming().iterations !== Infinity).length,
  );

describe('the broadcast overlay through a scripted show', () => {
  it('draws every step on a transparent 1920×1080 frame inside the title-safe area, with the expected text', async () => {
    const show = await newShow({ reportMinutes: 1 });
    const page = await openOverlay(show.overlayUrl());
    const empty = await page.screenshot({ omitBackground: true });
    await shows_(page, 0);
    expect(frameFacts(empty).box).toBeNull();
    expect(await page.getAttribute('[data-testid="overlay"]', 'data-graphic')).toBe('none');

    await show.open();
    await shows_(page, show.snapshot.revision, 'opening');
    expect(await text(page, 'opening-pool')).toBe(show.snapshot.draw.poolSize.toLocaleString('zh-CN'));
    expect(await text(page, 'opening-commitment')).toBe(
      `${show.snapshot.draw.commitment.slice(0, 12)}…${show.snapshot.draw.commitment.slice(-6)}`,
    );
    expect(await text(page, 'live-marker')).toBe('直播');
    expect(await text(page, 'event-bug')).toContain('示范县干部作风电视抽查');
    await checkFrame(page, 'opening');

    await show.run({ type: 'lockEntropy', entropy: DICE });
    await shows_(page, show.snapshot.revision, 'entropy');
    expect((await text(page, 'entropy-digits')).replace(/\s/gu, '')).toBe(DICE);
    await page.waitForTimeout(DICE.length * 70);
    await checkFrame(page, 'entropy');
    await show.run({ type: 'reveal' });
    await shows_(page, show.snapshot.revision, 'entropy');
    expect(await text(page, 'commitment-check')).toBe('✓ 与承诺值一致');
    await checkFrame(page, 'entropy-revealed');

    await show.run({ type: 'drawAuditee' });
    await shows_(page, show.snapshot.revision, 'roll');
    await page.waitForSelector('[data-testid="lottery-roll"][data-phase="rolling"]');
    await checkFrame(page, 'roll');
    await page.waitForSelector('[data-testid="lottery-roll"][data-phase="landed"]', { timeout: 10_000 });
    const drawn = show.round.auditee;
    expect(await text(page, 'roll-result')).toBe(`抽中 ${drawn.number} ${drawn.name}`);

    await show.run({ type: 'presentAuditee' });
    await shows_(page, show.snapshot.revision, 'auditee');
    expect(await text(page, 'auditee-name')).toBe(drawn.name);
    expect(await text(page, 'auditee-grid')).toBe(drawn.gridPath);
    await checkFrame(page, 'auditee');

    // The cadre is away: the next alternate comes in, shown as 递补 with the reason.
    await show.run({ type: 'replaceAuditee', reason: 'LEAVE' });
    await shows_(page, show.snapshot.revision, 'roll');
    await page.waitForSelector('[data-testid="lottery-roll"][data-phase="landed"]', { timeout: 10_000 });
    await show.run({ type: 'presentAuditee' });
    await shows_(page, show.snapshot.revision, 'auditee');
    expect(await text(page, 'auditee-replacement')).toBe('递补');
    expect(await text(page, 'auditee-replacement-reason')).toContain(`原抽中 ${drawn.number} ${drawn.name} 因请假`);
    await checkFrame(page, 'auditee-replacement');

    // A one-minute report is in its last minute at once: the clock turns red.
    await show.run({ type: 'startReport' });
    await shows_(page, show.snapshot.revision, 'countdown');
    expect(await text(page, 'countdown-clock')).toMatch(/^0(1:00|0:5\d)$/u);
    expect(await page.getAttribute('[data-testid="report-countdown"]', 'class')).toContain('last-minute');
    await checkFrame(page, 'countdown-last-minute');
    await show.run({ type: 'extendReport', seconds: 240 });
    await shows_(page, show.snapshot.revision, 'countdown');
    await page.waitForFunction(() =>
      /^0[45]:\d\d$/u.test(document.querySelector('[data-testid="countdown-clock"]')?.textContent ?? ''),
    );
    expect(await page.getAttribute('[data-testid="report-countdown"]', 'class')).not.toContain('last-minute');
    await checkFrame(page, 'countdown');
    await show.run({ type: 'endReport' });

    await show.run({ type: 'drawHouseholds' });
    await shows_(page, show.snapshot.revision, 'households');
    await show.callHouseholds([
      { outcome: '属实', satisfaction: '满意' },
      { outcome: '属实', satisfaction: '基本满意' },
      { outcome: '不符', satisfaction: '不满意' },
      { outcome: '属实', satisfaction: '不了解' },
    ]);
    await shows_(page, show.snapshot.revision, 'households');
    const rows = page.getByTestId('household-row');
    expect(await rows.count()).toBe(show.round.households.length);
    expect(await text(page, 'household-replacement')).toContain('因未接通递补');
    const html = await page.content();
    // Masked on the server: no full name or phone number of any household reaches the output.
    const shownNames = await page.locator('[data-testid="household-row"] .name').allInnerTexts();
    expect(shownNames).toEqual(show.round.households.map((h) => maskName(h.name)));
    for (const household of show.round.households) {
      expect(html.includes(household.name), household.number).toBe(false);
    }
    expect(/(?<![0-9a-f])100\d{8}(?!\d)/u.test(html)).toBe(false);
    expect(/100\*{4}\d{4}/u.test(html)).toBe(true);
    await checkFrame(page, 'households');

    await show.run({ type: 'openJudging' });
    await shows_(page, show.snapshot.revision, 'judges');
    expect(await text(page, 'judges-progress')).toBe('已提交 0/5');
    await show.judgesScore([88, 92, 85, 90, 95]);
    await shows_(page, show.snapshot.revision, 'judges');
    expect(await text(page, 'judges-progress')).toBe('已提交 5/5');
    // No score reaches the output before the reveal.
    expect(await page.getByTestId('judge-score').count()).toBe(0);
    await checkFrame(page, 'judges-scoring');
    await show.run({ type: 'lockJudging' });
    await show.run({ type: 'revealScores' });
    await shows_(page, show.snapshot.revision, 'judges');
    await page.waitForSelector('[data-testid="judges-panel"][data-reveal="final"]', { timeout: 10_000 });
    expect(await text(page, 'judges-announcement')).toBe('去掉一个最高分 95，去掉一个最低分 85，最后得分 90.00');
    expect(
      await page
        .locator('[data-testid="judge-seat"].dropped')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-seat'))),
    ).toEqual(['3', '5']);
    await checkFrame(page, 'judges-reveal');

    await show.run({ type: 'showResult' });
    await shows_(page, show.snapshot.revision, 'result');
    // Households: 满意, 基本满意, 不满意 count (不了解 does not): 2 of 3 satisfied; (100+75+55)/3 = 76.67.
    // Combined: 90 × 0.6 + 76.67 × 0.4 = 84.67 (良好).
    expect(await text(page, 'result-judges')).toBe('90.00');
    expect(await text(page, 'result-satisfaction')).toBe('66.67%');
    expect(await text(page, 'result-satisfaction-n')).toContain('（n=3）');
    expect(await text(page, 'result-combined')).toBe('84.67');
    expect(await text(page, 'result-tier')).toBe('良好');
    await checkFrame(page, 'result');

    await show.run({ type: 'close' });
    await shows_(page, show.snapshot.revision, 'summary');
    expect(await page.getByTestId('summary-row').count()).toBe(1);
    // Read without waiting: innerText() on a marker that is gone waited out Playwright's 30 s timeout.
    const marker = await page.getByTestId('live-marker').allInnerTexts();
    expect(marker.map((t) => t.trim()).join('')).toBe('');
    await checkFrame(page, 'summary');

    // Panic: clear all empties the frame at once (no exit animation).
    await show.run({ type: 'clearAll' });
    await shows_(page, show.snapshot.revision, 'none');
    expect(await page.getByTestId('graphic').count()).toBe(0);
    expect(frameFacts(await page.screenshot({ omitBackground: true })).box).toBeNull();
    await page.close();
  }, 180_000);

  it('?bg=green is solid chroma green; ?preview=1 shows the cued graphic with its label, the program does not', async () => {
    const show = await newShow();
    await show.open();
    const green = await openOverlay(show.overlayUrl('&bg=green'));
    await shows_(green, show.snapshot.revision, 'opening');
    const png = await green.screenshot();
    expect(pixel(png, 0, 0)).toEqual([0, 177, 64, 255]);
    expect(pixel(png, 1919, 1079)).toEqual([0, 177, 64, 255]);
    await green.close();

    const preview = await openOverlay(show.overlayUrl('&preview=1&label=' + encodeURIComponent('导播预览')));
    const program = await openOverlay(show.overlayUrl());
    await shows_(preview, show.snapshot.revision);
    expect(await text(preview, 'preview-label')).toBe('导播预览 · 无画面');
    expect(await program.getByTestId('preview-label').count()).toBe(0);
    await show.entropyAndReveal();
    await show.run({ type: 'cue', graphic: 'opening', round: null });
    await shows_(preview, show.snapshot.revision, 'opening');
    await shows_(program, show.snapshot.revision, 'entropy');
    expect(await text(preview, 'preview-label')).toBe('导播预览');
    await show.run({ type: 'take' });
    await shows_(program, show.snapshot.revision, 'opening');
    await shows_(preview, show.snapshot.revision, 'none');
    await preview.close();
    await program.close();
  });

  // How fast it comes back is a figure of `npm run bench` (overlay reload), not a timed assertion here.
  it('comes back on the current state after a reload during the roll, the countdown and the reveal, without replaying entrances', async () => {
    const show = await newShow({ rollSeconds: 12 });
    const page = await openOverlay(show.overlayUrl());
    await show.open();
    await show.entropyAndReveal();

    const reload = async (graphic: string) => {
      await page.reload();
      await shows_(page, show.snapshot.revision, graphic);
      const facts = await page.evaluate(() => ({ ...window.chouchaOverlay }));
      return { facts, running: await finiteRunning(page) };
    };

    await show.run({ type: 'drawAuditee' });
    await shows_(page, show.snapshot.revision, 'roll');
    await page.waitForTimeout(2000);
    const roll = await reload('roll');
    expect(roll.facts.entrances).toBe(0);
    expect(roll.running).toBe(0);
    expect(await page.getAttribute('[data-testid="lottery-roll"]', 'data-phase')).toBe('rolling');
    await page.waitForSelector('[data-testid="lottery-roll"][data-phase="landed"]', { timeout: 15_000 });

    await show.run({ type: 'presentAuditee' });
    await show.run({ type: 'startReport' });
    await page.waitForTimeout(1500);
    const countdown = await reload('countdown');
    expect(countdown.facts.entrances).toBe(0);
    expect(countdown.running).toBe(0);
    const remaining = show.round.report.durationMs - (Date.now() - (show.round.report.runningSince as number));
    const [mm, ss] = (await text(page, 'countdown-clock')).split(':').map(Number) as [number, number];
    expect(Math.abs((mm * 60 + ss) * 1000 - remaining)).toBeLessThan(2000);

    await show.run({ type: 'endReport' });
    await show.run({ type: 'drawHouseholds' });
    await show.callHouseholds([{ outcome: '属实', satisfaction: '满意' }]);
    await show.run({ type: 'openJudging' });
    await show.judgesScore([80, 85, 90, 95, 70]);
    await show.run({ type: 'lockJudging' });
    await show.run({ type: 'revealScores' });
    const revealedAt = show.round.revealedAt as number;
    await page.waitForTimeout(REVEAL_TIMING.leadMs + 2 * REVEAL_TIMING.perSeatMs);
    const reveal = await reload('judges');
    expect(reveal.facts.entrances).toBe(0);
    // At most one seat may be appearing right now; the ones already shown do not pop in again.
    expect(reveal.running).toBeLessThanOrEqual(1);
    const shownNow = await page.getByTestId('judge-score').count();
    const expected = Math.floor((Date.now() - revealedAt - REVEAL_TIMING.leadMs) / REVEAL_TIMING.perSeatMs) + 1;
    expect(Math.abs(shownNow - expected)).toBeLessThanOrEqual(1);
    expect(shownNow).toBeGreaterThanOrEqual(2);
    await page.waitForSelector('[data-testid="judges-panel"][data-reveal="final"]', { timeout: 10_000 });
    await page.close();
  });

  it('two outputs land the roll on the same result at the same server time, within one frame', async () => {
    const show = await newShow({ rollSeconds: 3 });
    const [a, b] = await Promise.all([openOverlay(show.overlayUrl()), openOverlay(show.overlayUrl('&label=B'))]);
    await show.open();
    await show.entropyAndReveal();
    await show.run({ type: 'drawAuditee' });
    const { landsAt } = show.round.roll;
    for (const page of [a, b]) {
      await page.waitForSelector('[data-testid="lottery-roll"][data-phase="landed"]', { timeout: 10_000 });
    }
    const landed = await Promise.all([a, b].map((p) => p.evaluate(() => window.chouchaOverlay?.rollLandedAt[0] ?? 0)));
    const results = await Promise.all([a, b].map((p) => text(p, 'roll-result')));
    expect(results[0]).toBe(results[1]);
    expect(results[0]).toContain(show.round.auditee.name);
    expect(Math.abs((landed[0] as number) - (landed[1] as number))).toBeLessThanOrEqual(20);
    for (const at of landed) {
      expect(at).toBeGreaterThanOrEqual(landsAt - 5);
      // The first frame at or after the scheduled moment (a loaded test machine may drop a few frames).
      expect(at).toBeLessThan(landsAt + 100);
    }
    await a.close();
    await b.close();
  });

  it('under CasparCG stays blank until play(), and answers stop(), next() and update(data)', async () => {
    const show = await newShow();
    await show.open();
    const page = await stage.browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await page.addInitScript(() => {
      (window as unknown as { casparcg: object }).casparcg = {};
    });
    // CasparCG loads the template bare and hands it the event with update().
    await page.goto(`${stage.base}/overlay`);
    await page.evaluate(
      (data) => (window as unknown as { update: (d: string) => void }).update(data),
      JSON.stringify({ event: show.event.id, key: show.overlayKey }),
    );
    await page.waitForSelector('[data-testid="overlay"][data-state="stopped"]');
    expect(frameFacts(await page.screenshot({ omitBackground: true })).box).toBeNull();
    await page.evaluate(() => (window as unknown as { play: () => void }).play());
    await shows_(page, show.snapshot.revision, 'opening');
    expect(frameFacts(await page.screenshot({ omitBackground: true })).box).not.toBeNull();
    await page.evaluate(() => (window as unknown as { next: () => void }).next());
    expect(await page.evaluate(() => window.chouchaOverlay?.entrances)).toBe(0);
    await page.evaluate(() => (window as unknown as { stop: () => void }).stop());
    await page.waitForSelector('[data-testid="overlay"][data-state="stopped"]');
    expect(await page.getByTestId('graphic').count()).toBe(0);
    // XML template data, as CasparCG clients send it, switches to the chroma-green variant.
    await page.evaluate(() =>
      (window as unknown as { update: (d: string) => void }).update(
        '<templateData><componentData id="bg"><data id="text" value="green"/></componentData></templateData>',
      ),
    );
    await page.waitForFunction(() => document.body.classList.contains('bg-green'));
    await page.close();
  });

  it('a wrong key is refused and shows nothing on the program output', async () => {
    const show = await newShow();
    const page = await openOverlay(`${stage.base}/overlay?event=${show.event.id}&key=wrong&preview=1`);
    await page.waitForSelector('[data-testid="overlay"][data-state="refused"]');
    expect(await text(page, 'preview-label')).toContain('无权');
    await page.close();
  });
});

describe('hostile roster text', () => {
  it('shows a name containing markup as text, never as markup', async () => {
    const hostile = '<img src=x onerror=__xss=1>';
    const local = await testApp();
    let show: ScriptedShow | undefined;
    try {
      const { importRosterFiles } = await import('../../server/registry/import/import-files');
      const { writeTemp, csvBytes, GRID_HEADER, GRID_ROWS, CADRE_HEADER, cadreRows, HOUSEHOLD_HEADER, householdRows } =
        await import('../helpers/roster-fixture');
      const cadres = cadreRows().map((row) => (row[0] === '00001' ? [row[0], hostile, ...row.slice(2)] : row));
      const files = [
        { name: 'grid.csv', content: csvBytes(GRID_HEADER, GRID_ROWS) },
        { name: 'cadres.csv', content: csvBytes(CADRE_HEADER, cadres) },
        { name: 'households.csv', content: csvBytes(HOUSEHOLD_HEADER, householdRows()) },
      ].map((f) => ({ name: f.name, path: writeTemp(local.dir, f.name, f.content) }));
      await importRosterFiles(local.app.services.db, files, {
        programCode: 'cadre-household',
        actor: 'tester',
        now: '2026-11-26T08:00:00.000Z',
      });
      const localBase = await local.app.listen({ host: '127.0.0.1', port: 0 });
      // Only cadre 00001 works at 县财政局: the pool is that one cadre.
      const plan = {
        ...DEMO_PLAN,
        eligibility: { ...DEMO_PLAN.eligibility, units: ['县财政局'] },
        auditees: { mode: 'total' as const, count: 1 },
        contactsPerAuditee: 2,
      };
      show = await ScriptedShow.create(local.app, localBase, { plan, rollSeconds: 2, title: hostile });
      const page = await stage.browser.newPage({ viewport: { width: 1920, height: 1080 } });
      await page.goto(show.overlayUrl());
      await show.open();
      await show.entropyAndReveal();
      await show.run({ type: 'drawAuditee' });
      await page.waitForSelector('[data-testid="lottery-roll"][data-phase="landed"]', { timeout: 10_000 });
      await show.run({ type: 'presentAuditee' });
      await shows_(page, show.snapshot.revision, 'auditee');
      expect(await text(page, 'auditee-name')).toBe(hostile);
      expect(await text(page, 'event-bug')).toContain(hostile);
      expect(await page.locator('img').count()).toBe(0);
      expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
      await page.close();
    } finally {
      // The staff socket goes first: the server waits for open connections when it closes.
      show?.close();
      await local.close();
    }
  });
});
