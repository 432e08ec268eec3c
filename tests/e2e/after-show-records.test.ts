import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { loadDemoCounty } from '../../server/demo/load-demo';
import { localTime } from '../../server/local-time/local-time';
import { maskName } from '../../server/privacy';
import { launchChromium, screenshot, SCREENSHOT_DIR } from '../helpers/browser';
import { DEMO_PLAN } from '../helpers/draw-fixture';
import { tempDir } from '../helpers/roster-fixture';
import { JUDGE_NAMES, ScriptedShow } from '../helpers/show-script';
import { loginCookie, OPERATOR_PASSWORD, testApp } from '../helpers/test-app';

/**
 * What a county files and acts on after a show. The printed 抽查记录 of a whole show: chromium prints it to A4 PDF,
 * poppler turns the PDF into text and PNG pages, and the test reads them as a clerk would: local
 * (Beijing) times, every drawn cadre by name, every judge's score, the finding and the corrections,
 * page numbers, at most two pages a round. In the page itself, no cell breaks a line after a single
 * character (measured from the rendered text boxes at the printed width). The results page and the
 * public results show each round's findings: the 不符 households (masked), the replacements and the
 * corrections, and a round below its threshold marked 未达标 with its link to 整改跟踪.
 */
const ROUNDS = 3;
/** The show runs at 19:00 Beijing time (11:00 UTC) on its date, whatever the machine's clock says. */
const SHOW_START = Date.parse('2026-11-26T11:00:00.000Z');

let app: FastifyInstance;
let close: () => Promise<void>;
let browser: Browser;
let base: string;
let show: ScriptedShow;
let pages: string[] = [];
let pdfDir: string;

async function runShow(): Promise<void> {
  show = await ScriptedShow.create(app, base, {
    title: '示范县干部作风电视抽查',
    rollSeconds: 2,
    plan: { ...DEMO_PLAN, auditees: { mode: 'total', count: ROUNDS }, contactsPerAuditee: 4 },
  });
  await show.open();
  await show.run({ type: 'cue', graphic: 'opening', round: null });
  await show.run({ type: 'take' });
  await show.entropyAndReveal();
  for (let round = 0; round < ROUNDS; round += 1) {
    await show.run({ type: 'drawAuditee' });
    if (round === 0) await show.run({ type: 'replaceAuditee', reason: 'LEAVE' });
    await show.run({ type: 'presentAuditee' });
    await show.run({ type: 'cue', graphic: 'auditee', round });
    await show.run({ type: 'take' });
    await show.run({ type: 'startReport' });
    await show.run({ type: 'endReport' });
    await show.run({ type: 'drawHouseholds' });
    await show.callHouseholds([
      { outcome: '属实', satisfaction: '满意' },
      { outcome: round === 1 ? '不符' : '属实', satisfaction: round === 1 ? '不满意' : '基本满意' },
    ]);
    if (round === 2) {
      const household = show.round.households.find((h) => h.outcome === '属实') as { number: string };
      await show.run({
        type: 'correctOutcome',
        household: household.number,
        outcome: '属实',
        satisfaction: '不满意',
        reason: '回放录音，群众所答为不满意',
      });
    }
    await show.run({ type: 'openJudging' });
    await show.judgesScore([86 + round, 90, 84.5, 92, 60 + round * 10]);
    await show.run({ type: 'lockJudging' });
    if (round === 0) {
      await show.run({ type: 'correctScore', seat: 5, items: [88], reason: '评委本人确认录入有误' });
    }
    await show.run({ type: 'revealScores' });
    await show.run({ type: 'showResult' });
    await show.run({ type: 'out', layer: 'main' });
  }
  await show.run({ type: 'close' });
}

beforeAll(async () => {
  const offset = SHOW_START - Date.now();
  ({ app, close } = await testApp({ clock: () => new Date(Date.now() + offset) }));
  await loadDemoCounty(app.services.db, { now: '2026-11-01T00:00:00.000Z', cadres: 300, teachers: 10 });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
  browser = await launchChromium();
  await runShow();
}, 120_000);
afterAll(async () => {
  show?.close();
  await browser?.close();
  await close?.();
});

async function recordPage(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 703, height: 1000 } });
  const [name, value] = (await loginCookie(app)).split('=') as [string, string];
  await context.addCookies([{ name, value, url: base }]);
  const page = await context.newPage();
  await page.goto(`${base}/events/${show.event.id}/record`);
  await page.emulateMedia({ media: 'print' });
  await page.evaluate(async () => {
    await document.fonts.load("400 13px 'Noto Sans SC'", document.body.innerText);
    await document.fonts.load("700 13px 'Noto Sans SC'", document.body.innerText);
    await document.fonts.ready;
  });
  return page;
}

/** Without white space: pdftotext sets table cells apart with runs of spaces and breaks in cells. */
const flat = (text: string) => text.replace(/\s+/gu, '');

/** Each PDF page's text, by pdftotext (poppler), in page order, without white space. */
function pdfPageTexts(pdf: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) =>
    flat(execFileSync('pdftotext', ['-f', String(i + 1), '-l', String(i + 1), pdf, '-'], { encoding: 'utf8' })),
  );
}

describe('the printed 抽查记录', () => {
  it('prints to A4 in chromium with page numbers, at most two pages a round, the appendix last', async () => {
    const page = await recordPage();
    pdfDir = tempDir();
    const pdf = join(pdfDir, 'record.pdf');
    writeFileSync(pdf, await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true }));
    execFileSync('pdftoppm', ['-png', '-r', '80', pdf, join(pdfDir, 'page')]);
    const pngs = readdirSync(pdfDir)
      .filter((f) => f.endsWith('.png'))
      .sort();
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    for (const [i, png] of pngs.entries()) {
      copyFileSync(join(pdfDir, png), join(SCREENSHOT_DIR, `record-page-${i + 1}.png`));
    }
    pages = pdfPageTexts(pdf, pngs.length);
    expect(pages.length).toBe(pngs.length);
    // Every page carries its number and the total.
    pages.forEach((text, i) => expect(text).toContain(`第${i + 1}页/共${pages.length}页`));
    // Where each part starts: the summary on page 1, then each round on a page of its own.
    const startOf = (heading: RegExp) => pages.findIndex((text) => heading.test(text));
    const starts = Array.from({ length: ROUNDS }, (_, i) => startOf(new RegExp(`第${i + 1}轮·`, 'u')));
    const appendix = startOf(/附录：播出与画面操作记录/u);
    expect(starts[0]).toBeGreaterThan(0);
    expect(appendix).toBeGreaterThan(starts.at(-1) as number);
    const bounds = [...starts, appendix];
    for (let i = 0; i < ROUNDS; i += 1) {
      expect((bounds[i + 1] as number) - (bounds[i] as number), `round ${i + 1}`).toBeLessThanOrEqual(2);
    }
    expect(starts[0], 'the summary').toBeLessThanOrEqual(2);
    expect(pages.length - appendix, 'the appendix').toBeLessThanOrEqual(2);
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    for (const [i, png] of pngs.entries())
      copyFileSync(join(pdfDir, png), join(SCREENSHOT_DIR, `record-page-${i + 1}.png`));
    await page.context().close();
  });

  it('gives every time in Beijing time, names every drawn cadre and every judge’s score', () => {
    const all = pages.join('');
    const expectText = (text: string) => expect(all).toContain(flat(text));
    const snapshot = app.services.shows.snapshot(show.event.id, 'staff');
    expectText('北京时间（UTC+8）');
    // Times as the county reads them: each logged step at its Beijing time, none in UTC.
    const log = app.services.shows.recordLog(show.event.id);
    for (const entry of [log[0], log.at(-1)]) expectText(localTime(entry?.at as string, 'Asia/Shanghai'));
    expect(all).not.toMatch(/\d\d:\d\d:\d\dZ/u);
    expect(localTime(log[0]?.at as string, 'Asia/Shanghai')).toMatch(/^19:/u);
    for (const round of snapshot.rounds) {
      expectText(`摇号抽中 ${(round.replacedAuditees[0] ?? round.auditee).number}`);
      expectText(`${round.auditee.number} ${round.auditee.name}`);
      for (const score of round.judging.scores ?? []) expectText(score.score.toFixed(2));
      for (const household of round.households) {
        expectText(household.number);
        expect(all).not.toContain(flat(household.name));
        expect(all).not.toContain(household.phone.replace(/\D/gu, ''));
        expectText(maskName(household.name));
      }
      expectText(round.score?.combination?.formula as string);
    }
    const replaced = snapshot.rounds[0]?.replacedAuditees[0];
    expectText(`${replaced?.number} ${replaced?.name} 因请假递补`);
    for (const judge of JUDGE_NAMES) expectText(judge);
    expectText('更正 88.00（原因：评委本人确认录入有误）');
    expectText('→ 属实，不满意（回放录音，群众所答为不满意，操作员）');
    expectText('不符');
    expectText(snapshot.draw.seed as string);
    expectText(snapshot.logHead);
    expect(all).toMatch(/计分复核人/u);
  });

  it('never leaves a single character on a line of a table cell', async () => {
    const page = await recordPage();
    const lonely = await page.evaluate(() => {
      const found: string[] = [];
      for (const cell of Array.from(document.querySelectorAll('td, th'))) {
        const lines = new Map<number, string>();
        const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          const text = node.textContent ?? '';
          for (let i = 0; i < text.length; i += 1) {
            if (/\s/u.test(text[i] as string)) continue;
            const range = document.createRange();
            range.setStart(node, i);
            range.setEnd(node, i + 1);
            const rect = range.getClientRects()[0];
            if (!rect) continue;
            const top = Math.round(rect.top);
            lines.set(top, (lines.get(top) ?? '') + text[i]);
          }
        }
        if (lines.size > 1 && [...lines.values()].some((line) => line.length === 1)) {
          found.push([...lines.values()].join(' / '));
        }
      }
      return found;
    });
    expect(lonely).toEqual([]);
    await page.context().close();
  });
});

describe('the results after the show', () => {
  it('shows the staff each round’s findings: the 不符 households, replacements, corrections, 未达标', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.goto(`${base}/console#/results/${show.event.id}`);
    await page.getByTestId('login-password').fill(OPERATOR_PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('results').waitFor();
    const snapshot = app.services.shows.snapshot(show.event.id, 'staff');
    const contradicted = snapshot.rounds[1]?.households.filter((h) => h.outcome === '不符') ?? [];
    expect(contradicted.length).toBeGreaterThan(0);
    const findings = page.getByTestId('result-findings');
    expect(await findings.count()).toBe(ROUNDS);
    const second = findings.nth(1);
    const lines = await second.getByTestId('finding-contradicted').innerText();
    for (const h of contradicted) {
      expect(lines).toContain(`${h.number} ${maskName(h.name)}`);
      expect(lines).not.toContain(h.name);
    }
    // The round with 不符 is below its threshold, marked in its row and linked to its 整改.
    expect(await page.getByTestId('result-row').nth(1).getByTestId('result-below').count()).toBe(1);
    expect(await second.getByTestId('round-findings').getAttribute('data-state')).toBe('below');
    const first = findings.nth(0);
    expect(await first.getByTestId('finding-replacedAuditees').innerText()).toContain('因请假递补');
    expect(await first.getByTestId('finding-scoreCorrections').innerText()).toContain('60.00 → 88.00');
    expect(await findings.nth(2).getByTestId('finding-householdCorrections').innerText()).toContain(
      '→ 属实，不满意（回放录音，群众所答为不满意，操作员）',
    );
    await screenshot(page, 'console-results-findings');
    await second.getByTestId('finding-followup').click();
    const linked = page.locator('[data-testid="followup-candidate"][data-state="linked"]');
    await linked.waitFor();
    expect(await linked.getAttribute('data-auditee')).toBe(snapshot.rounds[1]?.auditee.number);
    await page.close();
  });

  it('shows the public the same findings, masked', async () => {
    const page = await browser.newPage({ viewport: { width: 1000, height: 1400 } });
    await page.goto(`${base}/public#/e/${show.event.id}`);
    await page.getByTestId('public-findings').first().waitFor();
    const staff = app.services.shows.snapshot(show.event.id, 'staff');
    const shown = await page.getByTestId('public-findings').allInnerTexts();
    expect(shown).toHaveLength(ROUNDS);
    // Rounds are listed newest first.
    const second = shown[ROUNDS - 2] as string;
    for (const h of staff.rounds[1]?.households.filter((x) => x.outcome === '不符') ?? []) {
      expect(second).toContain(`${h.number} ${maskName(h.name)}`);
    }
    const body = await page.locator('body').innerText();
    for (const h of staff.rounds.flatMap((r) => r.households)) {
      expect(body).not.toContain(h.name);
      expect(body).not.toContain(h.phone);
    }
    await page
      .getByTestId('public-findings')
      .nth(ROUNDS - 2)
      .scrollIntoViewIfNeeded();
    await screenshot(page, 'public-results-findings');
    await page.close();
  });
});
