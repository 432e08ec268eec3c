import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { loadDemoCounty } from '../../server/demo/load-demo';
import { launchChromium } from '../helpers/browser';
import { testApp } from '../helpers/test-app';
import { frameFacts, insideTitleSafe, saveDocsFrame } from '../helpers/frame-check';
import { ScriptedShow } from '../helpers/show-script';

/**
 * The numbers on air add up: the round-result card shows every number that enters the combined
 * score, and this test redoes the sum from what the programme output shows, as a viewer would.
 * A three-judge panel with two equal gaps (83/88/78) is announced as what it is.
 */
let app: FastifyInstance;
let close: () => Promise<void>;
let browser: Browser;
let base: string;
let show: ScriptedShow;

beforeAll(async () => {
  ({ app, close } = await testApp());
  await loadDemoCounty(app.services.db, { now: '2026-11-01T00:00:00.000Z', cadres: 300, teachers: 10 });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
  browser = await launchChromium();
});
afterAll(async () => {
  show?.close();
  await browser?.close();
  await close?.();
});

async function onAir(page: Page, graphic: string): Promise<void> {
  await page.waitForFunction(
    ([rev, g]) => {
      const stage = document.querySelector('[data-testid="overlay"]');
      return (
        Number(stage?.getAttribute('data-revision')) >= (rev as number) && stage?.getAttribute('data-graphic') === g
      );
    },
    [show.snapshot.revision, graphic] as const,
    { timeout: 10_000 },
  );
}

const text = async (page: Page, testId: string) => (await page.getByTestId(testId).first().innerText()).trim();

/** 83.00 → 8300, 60% → 60: the figures as shown, back to integers. */
const hundredths = (shown: string) => {
  const match = /^(\d+)\.(\d\d)$/u.exec(shown);
  if (!match) throw new Error(`not a score with two decimals: ${shown}`);
  return Number(match[1]) * 100 + Number(match[2]);
};
const percentOf = (shown: string) => {
  const match = /^(\d+)%$/u.exec(shown);
  if (!match) throw new Error(`not a weight: ${shown}`);
  return Number(match[1]);
};
/** Half up, as docs/show.md says: round(x / d) for non-negative integers. */
const halfUp = (numerator: number, denominator: number) =>
  Math.floor((2 * numerator + denominator) / (2 * denominator));

async function checkFrame(page: Page, name: string): Promise<void> {
  await page.waitForTimeout(600);
  const png = await page.screenshot({ omitBackground: true });
  const facts = frameFacts(png);
  expect({ name, width: facts.width, height: facts.height }).toEqual({ name, width: 1920, height: 1080 });
  expect({ name, corners: facts.cornersTransparent }).toEqual({ name, corners: true });
  expect({ name, box: facts.box, inside: insideTitleSafe(facts.box) }).toMatchObject({ name, inside: true });
  saveDocsFrame(png, `overlay-${name}`);
}

describe('the round result on air', () => {
  it('a 3-judge tie is said as such, and the result card’s figures redo the combined score', async () => {
    show = await ScriptedShow.create(app, base, { judges: 3, rollSeconds: 2, reportMinutes: 1 });
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    page.on('pageerror', (error) => {
      throw error;
    });
    await page.goto(show.overlayUrl());
    await show.open();
    await show.entropyAndReveal();

    await show.run({ type: 'drawAuditee' });
    await page.waitForTimeout(2200);
    await show.run({ type: 'presentAuditee' });
    await show.run({ type: 'startReport' });
    await show.run({ type: 'endReport' });
    await show.run({ type: 'drawHouseholds' });
    await show.callHouseholds([
      { outcome: '属实', satisfaction: '满意' },
      { outcome: '属实', satisfaction: '基本满意' },
      { outcome: '不符', satisfaction: '不满意' },
      { outcome: '属实', satisfaction: '不了解' },
    ]);
    await show.run({ type: 'openJudging' });
    await show.judgesScore([83, 88, 78]);
    await show.run({ type: 'lockJudging' });
    await show.run({ type: 'revealScores' });
    await onAir(page, 'judges');
    await page.waitForSelector('[data-testid="judges-panel"][data-reveal="final"]', { timeout: 10_000 });
    // Both gaps are 5: no pair is "the closest two"; all three count and the middle is their mean.
    expect(await text(page, 'judges-announcement')).toBe(
      '三个分数 78、83、88 间距相等（各差 5），取中间分数 83，最后得分 83.00',
    );
    expect(await text(page, 'judges-final-score')).toBe('83.00');
    expect(await page.locator('[data-testid="judge-seat"].dropped').count()).toBe(0);
    expect(await page.getByTestId('judge-score').allInnerTexts()).toEqual(['83', '88', '78']);
    expect(await text(page, 'judges-weight')).toBe('占综合得分 60%');
    await checkFrame(page, 'judges-tie');

    await show.run({ type: 'showResult' });
    await onAir(page, 'result');
    // A viewer's sum, from the card alone.
    const judges = hundredths(await text(page, 'result-judges'));
    const judgesWeight = percentOf(await text(page, 'result-judges-weight'));
    const householdsScore = hundredths(await text(page, 'result-households'));
    const householdsWeight = percentOf(await text(page, 'result-households-weight'));
    const combined = hundredths(await text(page, 'result-combined'));
    expect(judgesWeight + householdsWeight).toBe(100);
    expect(combined).toBe(halfUp(judges * judgesWeight + householdsScore * householdsWeight, 100));
    // The household score from its shown points rule and n.
    const points = (await text(page, 'result-household-points')).replace(/\s+/gu, ' ');
    const terms = [...points.matchAll(/(满意|基本满意|不满意)\s*(\d+)\s*户\s*×\s*(\d+)/gu)].map((m) => ({
      answer: m[1],
      count: Number(m[2]),
      points: Number(m[3]),
    }));
    expect(terms).toEqual([
      { answer: '满意', count: 1, points: 100 },
      { answer: '基本满意', count: 1, points: 75 },
      { answer: '不满意', count: 1, points: 55 },
    ]);
    const n = Number(await text(page, 'result-households-n'));
    expect(n).toBe(terms.reduce((sum, t) => sum + t.count, 0));
    const total = terms.reduce((sum, t) => sum + t.count * t.points, 0);
    expect(points).toContain(`合计 ${total} ÷ ${n} 户`);
    expect(householdsScore).toBe(halfUp(total * 100, n));
    // And the figures are the ones of this round: 83 × 60% + 76.67 × 40% = 80.468 → 80.47.
    expect({ judges, householdsScore, combined }).toEqual({ judges: 8300, householdsScore: 7667, combined: 8047 });
    expect(await text(page, 'result-formula')).toBe(
      '综合得分 = 83.00 × 60% + 76.67 × 40% = 80.47（四舍五入保留两位小数）',
    );
    expect(await text(page, 'result-satisfaction')).toBe('66.67%');
    expect(await text(page, 'result-satisfaction-n')).toBe('满意及基本满意 2/3（n=3）');
    expect(await text(page, 'result-response')).toMatch(/^接通 4\/\d+ 户，应答率 /u);
    expect(await text(page, 'result-judges-method')).toContain('间距相等');
    await checkFrame(page, 'result-tie');

    // The public page shows the same breakdown, computed on the server.
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await phone.goto(`${base}/public#/e/${show.event.id}`);
    await phone.getByTestId('breakdown-formula').first().waitFor({ timeout: 10_000 });
    expect(await text(phone, 'breakdown-formula')).toBe('83.00 × 60% + 76.67 × 40% = 80.47（四舍五入保留两位小数）');
    expect(await text(phone, 'breakdown-households')).toBe('76.67');
    await phone.close();

    // Round 2, distinct gaps: the farthest score is struck as such, not as "the highest".
    await show.run({ type: 'drawAuditee' });
    await page.waitForTimeout(2200);
    await show.run({ type: 'presentAuditee' });
    await show.run({ type: 'startReport' });
    await show.run({ type: 'endReport' });
    await show.run({ type: 'drawHouseholds' });
    await show.callHouseholds([{ outcome: '属实', satisfaction: '满意' }]);
    await show.run({ type: 'openJudging' });
    await show.judgesScore([70, 88, 90]);
    await show.run({ type: 'lockJudging' });
    await show.run({ type: 'revealScores' });
    await onAir(page, 'judges');
    await page.waitForSelector('[data-testid="judges-panel"][data-reveal="final"]', { timeout: 10_000 });
    expect(await text(page, 'judges-announcement')).toBe(
      '取最接近的两个分数 88、90 平均（70 相差最远，不计入），最后得分 89.00',
    );
    expect(
      await page
        .locator('[data-testid="judge-seat"].dropped')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-seat'))),
    ).toEqual(['1']);
    expect(await text(page, 'judge-drop-label')).toBe('相差最远，不计入');
    await checkFrame(page, 'judges-closest-two');
    await page.close();
  }, 120_000);
});
