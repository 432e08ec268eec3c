import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import ExcelJS from 'exceljs';
import { loadDemoCounty } from '../../server/demo/load-demo';
import { verifyBundle } from '../../server/verify/bundle';
import { readLog, SHOW_LOG } from '../../server/store/log-store';
import type { SeatView } from '../../server/protocol/show';
import { launchChromium, screenshot } from '../helpers/browser';
import { createHash, randomBytes } from 'node:crypto';
import { loginCookie, OPERATOR_PASSWORD, SUPERVISOR_PASSWORD, testApp } from '../helpers/test-app';
import { DICE } from '../helpers/show-script';
import {
  DeskDriver,
  hold,
  nextAction,
  nextLabel,
  recordAllHouseholds,
  revisionOf,
  scoreOnTablet,
  stepOf,
  waitStep,
} from '../helpers/desk-driver';

/**
 * The operator console end to end, in Debian's chromium at 1366×768: an event prepared and sealed
 * through the editor, then a whole show run from the desk alone, with judges' tablets, an overlay
 * output and the supervisor's console open beside it.
 */
let app: FastifyInstance;
let close: () => Promise<void>;
let browser: Browser;
let base: string;
const LAPTOP = { width: 1366, height: 768 };
const PHONE = /(?<![0-9a-f])100\d{8}(?!\d)/u;
/** The notary's own secret, as their device would have made it. */
const NOTARY_SECRET = randomBytes(32).toString('hex');

let desk: Page;
let supervisor: Page;
let overlay: Page;
let eventId = '';
const tablets: Page[] = [];
/** When set, the second console's socket gets nothing from the server (a link that has stalled). */
let stallSecondConsole = false;

beforeAll(async () => {
  ({ app, close } = await testApp());
  await loadDemoCounty(app.services.db, { now: '2026-11-01T00:00:00.000Z', cadres: 300, teachers: 10 });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
  browser = await launchChromium();
  driver = new DeskDriver(browser, base);
});
afterAll(async () => {
  await driver?.close();
  await browser?.close();
  await close?.();
});

let driver: DeskDriver;
const newPage = (viewport = LAPTOP) => driver.newPage(viewport);
const login = (page: Page, username: string, password: string, hash: string) =>
  driver.login(page, username, password, hash);
const logTypes = () => readLog(app.services.db, SHOW_LOG, eventId).map((entry) => entry.type);

async function judgesScore(scores: number[]): Promise<void> {
  for (const [i, score] of scores.entries()) await scoreOnTablet(tablets[i] as Page, score);
}

describe('operator console: prepare, seal and run a whole show from the desk', () => {
  it('prepares an event in the editor with the live pool count, then seals it after a typed confirmation', async () => {
    desk = await newPage();
    await login(desk, 'operator', OPERATOR_PASSWORD, '#/events');
    await desk.getByTestId('event-list').waitFor();
    await desk.getByTestId('new-event').click();
    await desk.getByTestId('event-editor').waitFor();
    await expect.poll(() => desk.getByTestId('pool-size').innerText()).toMatch(/^[\d,]+ 人$/u);
    const county = Number((await desk.getByTestId('pool-size').innerText()).replace(/\D/gu, ''));

    await desk.getByTestId('event-title').fill('示范县干部作风电视抽查（第四季度）');
    await desk.getByTestId('event-venue').fill('县融媒体中心一号演播厅');
    await desk.locator('[data-testid="town-option"][data-town="城关街道"]').check();
    await expect
      .poll(async () => Number((await desk.getByTestId('pool-size').innerText()).replace(/\D/gu, '')))
      .toBeLessThan(county);
    await desk.getByTestId('auditee-count').fill('2');
    await desk.getByTestId('auditee-count').dispatchEvent('change');
    await desk.getByTestId('contacts-per-auditee').fill('2');
    await desk.getByTestId('contacts-per-auditee').dispatchEvent('change');
    await desk.getByTestId('report-minutes').fill('1');
    // The shortest roll the editor allows: three rolls (a draw, a replacement, the second draw) at
    // the default 6 s would wait 12 s longer for nothing this test checks.
    await desk.getByTestId('roll-seconds').fill('2');
    // Three judges: remove seats 4 and 5 of the five offered.
    await desk.getByTestId('judge-row').nth(4).getByRole('button', { name: '删除' }).click();
    await desk.getByTestId('judge-row').nth(3).getByRole('button', { name: '删除' }).click();
    for (const [i, name] of ['王人大', '李政协', '张代表'].entries()) {
      await desk.getByTestId('judge-name').nth(i).fill(name);
      await desk
        .getByTestId('judge-pin')
        .nth(i)
        .fill(`${i + 1}`.repeat(4));
    }
    await desk.getByTestId('save-event').click();
    await desk.getByTestId('saved-note').waitFor();
    // The count shown is the server's pool for the plan as saved.
    const draftId = (desk.url().match(/#\/events\/([A-Za-z0-9-]+)/u) as RegExpMatchArray)[1] as string;
    const town = app.services.draws.preview(app.services.events.event(draftId).settings.plan).poolSize;
    expect(await desk.getByTestId('pool-size').innerText()).toBe(`${town} 人`);
    await screenshot(desk, 'console-event-editor');
    // PINs are not read back: reopened, the draft's PIN boxes are empty (已设置), and saving keeps the PINs.
    await desk.reload();
    await desk.getByTestId('judge-row').first().waitFor();
    const pinBoxes = () =>
      desk
        .getByTestId('judge-pin')
        .evaluateAll((boxes) => boxes.map((b) => [(b as HTMLInputElement).value, b.getAttribute('placeholder')]));
    await expect.poll(pinBoxes).toEqual(Array(3).fill(['', '已设置']));
    await desk.getByTestId('judges-table').scrollIntoViewIfNeeded();
    await screenshot(desk, 'console-event-editor-pins-set');

    // A televised check is two-party: the seal waits for the notary's commitment. The notary's
    // console is tested in notary-console.test.ts; here the notary's secret is made in the test.
    expect(await desk.getByTestId('open-seal').isDisabled()).toBe(true);
    await desk.getByTestId('seal-awaiting-notary').waitFor();
    const registered = await app.inject({
      method: 'PUT',
      url: `/api/events/${draftId}/notary-commitment`,
      headers: { cookie: await loginCookie(app, 'supervisor', SUPERVISOR_PASSWORD) },
      payload: { commitment: createHash('sha256').update(Buffer.from(NOTARY_SECRET, 'hex')).digest('hex') },
    });
    expect(registered.statusCode).toBe(200);
    await desk.getByTestId('refresh-notary').click();
    await desk.getByTestId('seal-notary-ready').waitFor();
    await desk.getByTestId('open-seal').click();
    // A modal <dialog>: the focus goes to the field to type in, Esc closes it and the focus comes back.
    const focused = () => desk.evaluate(() => document.activeElement?.getAttribute('data-testid'));
    expect(await focused()).toBe('seal-confirm-text');
    await desk.keyboard.press('Escape');
    await desk.getByTestId('seal-dialog').waitFor({ state: 'hidden' });
    expect(await focused()).toBe('open-seal');
    await desk.getByTestId('open-seal').click();
    const confirm = desk.getByTestId('seal-confirm');
    expect(await confirm.isDisabled()).toBe(true);
    expect(await desk.getByTestId('seal-pool').innerText()).toBe(`${town} 人`);
    await desk.getByTestId('seal-confirm-text').fill('封');
    expect(await confirm.isDisabled()).toBe(true);
    await desk.getByTestId('seal-confirm-text').fill('封存');
    await screenshot(desk, 'console-seal-dialog');
    await confirm.click();
    await desk.getByTestId('event-page').waitFor();
    eventId = (desk.url().match(/#\/events\/([A-Za-z0-9-]+)/u) as RegExpMatchArray)[1] as string;
    expect(await desk.getByTestId('sealed-pool').innerText()).toBe(`${town} 人，本场 2 轮`);
    const program = await desk.getByTestId('output-url-program').innerText();
    expect(program).toContain(`/overlay?event=${eventId}&key=`);
    await screenshot(desk, 'console-event-sealed');

    const event = app.services.events.event(eventId);
    expect(event.status).toBe('sealed');
    expect(event.settings.plan.eligibility.grid).toEqual([['城关街道']]);
    expect(event.settings.plan.auditees).toEqual({ mode: 'total', count: 2 });
    expect(event.settings.judges?.map((j) => j.name)).toEqual(['王人大', '李政协', '张代表']);
    expect(event.settings.rollSeconds).toBe(2);

    // The printable bulletin from the sealed page's link: the commitment published before the show.
    const [bulletin] = await Promise.all([
      desk.context().waitForEvent('page'),
      desk.getByTestId('bulletin-link').click(),
    ]);
    await bulletin.getByTestId('bulletin-title').waitFor();
    const snapshot = app.services.shows.snapshot(eventId, 'public');
    expect(await bulletin.locator('body').innerText()).toContain(snapshot.draw.commitment);
    await screenshot(bulletin, 'console-bulletin');
    await bulletin.close();
  });

  it('opens the outputs: an overlay, three judges’ tablets and the supervisor’s desk', async () => {
    const key = (await desk.getByTestId('output-url-program').innerText()).match(/key=([^&\s]+)/u)?.[1] as string;
    overlay = await newPage({ width: 960, height: 540 });
    await overlay.goto(`${base}/overlay?event=${eventId}&key=${key}&label=${encodeURIComponent('演播厅大屏')}`);
    const seats = (await (
      await desk.context().request.get(`${base}/api/events/${eventId}/seats`)
    ).json()) as SeatView[];
    for (const seat of seats) {
      const page = await newPage({ width: 1280, height: 800 });
      await page.goto(`${base}${seat.joinPath}`);
      await page.getByTestId('judge-pin').fill(seat.pin);
      await page.getByTestId('judge-join').click();
      await page.waitForSelector('[data-testid="tablet"][data-screen="waiting"]');
      tablets.push(page);
    }
    supervisor = await newPage();
    await login(supervisor, 'supervisor', SUPERVISOR_PASSWORD, `#/desk/${eventId}`);
    await supervisor.getByTestId('desk').waitFor();

    await desk.getByTestId('goto-desk').click();
    await desk.getByTestId('desk').waitFor();
    await desk.getByTestId('desk-tab-outputs').click();
    await expect.poll(() => desk.getByTestId('output-row').count(), { timeout: 10_000 }).toBeGreaterThanOrEqual(6);
    const labels = await desk
      .getByTestId('output-row')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-label')));
    expect(labels).toEqual(expect.arrayContaining(['演播厅大屏', '1 号评委', '2 号评委', '3 号评委', '操作台预览']));
    await expect.poll(() => desk.locator('[data-testid="seat-row"][data-joined="true"]').count()).toBe(3);
    // A phone on the public live page: counted by the server, never listed among the outputs.
    const viewers = () => desk.getByTestId('public-viewers').getAttribute('data-count');
    expect(await viewers()).toBe('0');
    const phone = await newPage({ width: 390, height: 844 });
    await phone.goto(`${base}/public#/e/${eventId}`);
    await expect.poll(viewers, { timeout: 10_000 }).toBe('1');
    expect(await desk.getByTestId('public-viewers').innerText()).toContain('公众观看 1 人');
    // One process serves them: the monitor says so on the count's line, with no fan-out table or Redis state.
    expect(await desk.getByTestId('public-viewing').getAttribute('data-mode')).toBe('single');
    expect(await desk.getByTestId('public-viewing-mode').innerText()).toContain('单进程');
    expect(await desk.getByTestId('fanout-processes').count()).toBe(0);
    expect(await desk.getByTestId('redis-state').count()).toBe(0);
    expect(await desk.locator('[data-testid="output-row"][data-role="public"]').count()).toBe(0);
    await screenshot(desk, 'console-desk-outputs');

    // Remote reload of the studio output, from the monitor.
    const reloaded = overlay.waitForEvent('load');
    await desk.locator('[data-testid="output-row"][data-label="演播厅大屏"] [data-testid="output-reload"]').click();
    await reloaded;
    // Seat 3's tablet fails: the seat is released and another tablet joins it with the same PIN.
    // A click (or a double click) releases nothing: it says to hold; the hold releases the seat.
    const release = desk.locator('[data-testid="seat-row"][data-seat="3"] [data-testid="seat-release"]');
    expect(await release.innerText()).toContain('释放 3 号席位');
    await release.dblclick();
    await desk.getByTestId('seat-release-hint').waitFor();
    await desk.waitForTimeout(500);
    expect(await desk.locator('[data-testid="seat-row"][data-joined="true"]').count()).toBe(3);
    await hold(desk, release);
    await expect.poll(() => desk.locator('[data-testid="seat-row"][data-joined="true"]').count()).toBe(2);
    // The released tablet is disconnected at once and says why, back on its PIN screen.
    const releasedTablet = tablets.at(-1) as Page;
    await releasedTablet.getByTestId('judge-join-error').waitFor();
    expect(await releasedTablet.getByTestId('judge-join-error').innerText()).toContain('席位已被释放');
    await screenshot(releasedTablet, 'judge-seat-released');
    // Next to a free seat: the operator clears its join limits (a judge refused after wrong PINs).
    const unlock = desk.locator('[data-testid="seat-row"][data-seat="3"] [data-testid="seat-unlock"]');
    await unlock.click();
    await expect.poll(() => desk.getByTestId('desk-message').innerText()).toContain('3 号席位已解除锁定');
    await screenshot(desk, 'console-desk-seat-unlock');
    await phone.context().close();
    await expect.poll(viewers, { timeout: 10_000 }).toBe('0');
    await (tablets.pop() as Page).context().close();
    const spare = await newPage({ width: 1280, height: 800 });
    const seat3 = seats.find((s) => s.seat === 3) as SeatView;
    await spare.goto(`${base}${seat3.joinPath}`);
    await spare.getByTestId('judge-pin').fill(seat3.pin);
    await spare.getByTestId('judge-join').click();
    await spare.waitForSelector('[data-testid="tablet"][data-screen="waiting"]');
    tablets.push(spare);
    await expect.poll(() => desk.locator('[data-testid="seat-row"][data-joined="true"]').count()).toBe(3);
    await desk.getByTestId('desk-tab-step').click();
    // The desk's tabs are in the address: Back and Forward walk them without leaving the desk.
    expect(desk.url()).toMatch(new RegExp(`#/desk/${eventId}$`, 'u'));
    await desk.goBack();
    await desk.getByTestId('outputs-panel').waitFor();
    expect(desk.url()).toMatch(/\/outputs$/u);
    await desk.goForward();
    await desk.getByTestId('next-action').waitFor();
    await expect.poll(() => desk.getByTestId('outputs-panel').count()).toBe(0);
    expect(await supervisor.getByTestId('next-waiting').innerText()).toContain('开始直播');
  });

  it('a double click on the next step sends it once; an irreversible step ignores clicks and needs a hold', async () => {
    await screenshot(desk, 'console-desk-sealed');
    const before = await revisionOf(desk);
    await desk.getByTestId('next-action').dblclick();
    await desk.waitForSelector('[data-testid="desk"][data-status="live"]');
    await desk.waitForTimeout(800);
    expect(logTypes().filter((t) => t === 'open')).toHaveLength(1);
    expect(await revisionOf(desk)).toBe(before + 1);
    expect(logTypes()).toEqual(['open']);

    // The notary's dice, typed digit by digit on the notary's (supervisor's) own console: checked
    // before it can be locked; the operator's desk waits for the notary's lock.
    await expect.poll(() => desk.getByTestId('next-waiting').innerText()).toBe('等待监督员锁定公开随机数');
    await supervisor.getByTestId('entropy-input').fill('3141 5926');
    expect(await supervisor.getByTestId('entropy-check').getAttribute('data-state')).toBe('invalid');
    expect(await supervisor.getByTestId('next-action').isDisabled()).toBe(true);
    await supervisor.getByTestId('entropy-input').fill(DICE.replace(/(\d{4})/gu, '$1 '));
    expect(await supervisor.getByTestId('entropy-check').getAttribute('data-state')).toBe('valid');
    await screenshot(supervisor, 'console-desk-entropy');
    await supervisor.getByTestId('next-action').dblclick();
    await supervisor.getByTestId('next-action-hint').waitFor();
    await supervisor.waitForTimeout(500);
    expect(logTypes()).toEqual(['open']);
    await hold(supervisor, supervisor.getByTestId('next-action'));
    await desk.getByTestId('entropy-locked').waitFor();
    expect(await desk.getByTestId('entropy-locked').innerText()).toBe(DICE);
    expect(logTypes()).toEqual(['open', 'lockEntropy']);

    // The reveal by its hotkey: Space held down.
    await expect.poll(() => nextLabel(desk)).toContain('公开密钥');
    await expect.poll(() => desk.getByTestId('next-action').isEnabled()).toBe(true);
    await desk.keyboard.down(' ');
    await desk.waitForTimeout(1300);
    await desk.keyboard.up(' ');
    await expect.poll(() => logTypes().at(-1)).toBe('reveal');
    // Then the notary reveals their own secret, typed from their printed words.
    await expect.poll(() => desk.getByTestId('next-waiting').innerText()).toBe('等待公证员公开密钥');
    await supervisor.getByTestId('notary-secret-input').fill(NOTARY_SECRET.replace(/(.{4})/gu, '$1 '));
    await hold(supervisor, supervisor.getByTestId('next-action'));
    await expect.poll(() => logTypes().at(-1)).toBe('revealNotary');
  });

  it('draws a cadre, replaces an absent one with a reason, and times the report', async () => {
    await nextAction(desk, '摇号抽取第 1 名');
    await waitStep(desk, 'drawing');
    const first = await desk.getByTestId('auditee-name').innerText();
    await desk.getByTestId('auditee-reason').selectOption('LEAVE');
    await hold(desk, desk.getByTestId('replace-auditee'));
    await desk.getByTestId('replaced-auditees').waitFor();
    expect(await desk.getByTestId('replaced-auditees').innerText()).toContain('请假');
    await expect.poll(() => desk.getByTestId('auditee-name').innerText(), { timeout: 10_000 }).not.toContain('摇号中');
    expect(await desk.getByTestId('auditee-name').innerText()).not.toBe(first);
    await screenshot(desk, 'console-desk-auditee');
    await nextAction(desk, '确认人员到场');
    await waitStep(desk, 'presented');
    await nextAction(desk, '开始述职计时');
    await waitStep(desk, 'reporting');
    await desk.waitForTimeout(700);
    await desk.keyboard.press('p');
    await desk.waitForSelector('[data-testid="report-timer"][data-status="paused"]');
    await desk.getByTestId('timer-extend-30').click();
    await expect.poll(() => desk.getByTestId('report-remaining').innerText()).toMatch(/^1:(2\d|30)$/u);
    await desk.keyboard.press('p');
    await desk.waitForSelector('[data-testid="report-timer"][data-status="running"]');
    await screenshot(desk, 'console-desk-report');
  });

  it('reloads the console mid-round onto the exact state, and refuses a stale action from a second console', async () => {
    const revision = await revisionOf(desk);
    await desk.reload();
    await desk.getByTestId('desk').waitFor();
    await expect.poll(() => revisionOf(desk)).toBe(revision);
    expect(await stepOf(desk)).toBe('reporting');
    expect(await desk.getByTestId('report-timer').getAttribute('data-status')).toBe('running');
    expect(await desk.getByTestId('replaced-auditees').innerText()).toContain('请假');

    const second = await newPage();
    await second.routeWebSocket(/socket\.io/u, (ws) => {
      const server = ws.connectToServer();
      ws.onMessage((message) => server.send(message));
      server.onMessage((message) => {
        if (!stallSecondConsole) ws.send(message);
      });
    });
    await login(second, 'operator', OPERATOR_PASSWORD, `#/desk/${eventId}`);
    await second.getByTestId('desk').waitFor();
    await expect.poll(() => revisionOf(second)).toBe(revision);
    stallSecondConsole = true;
    await nextAction(desk, '结束述职');
    await waitStep(desk, 'reported');
    await second.waitForTimeout(300);
    expect(await stepOf(second)).toBe('reporting');
    stallSecondConsole = false;
    const types = logTypes();
    // 结束述职 is held since issue 16 (a single press no longer ends the report).
    await hold(second, second.getByTestId('next-action'));
    await second.getByTestId('desk-message').waitFor();
    expect(await second.getByTestId('desk-message').getAttribute('data-code')).toBe('SHOW_STALE_REVISION');
    expect(await second.getByTestId('desk-message').innerText()).toContain('另一个操作台');
    expect(logTypes()).toEqual(types);
    await expect.poll(() => stepOf(second)).toBe('reported');
    await second.context().close();
  });

  it('calls households with their phones on the desk only, and replaces an unreachable one with a reason', async () => {
    await nextAction(desk, '抽取核实户');
    await waitStep(desk, 'households');
    await expect.poll(() => desk.getByTestId('household-row').count()).toBe(2);
    const phones = await desk.getByTestId('household-phone').allInnerTexts();
    for (const phone of phones) expect(phone).toMatch(PHONE);
    const unreachable = desk.getByTestId('household-row').first();
    const number = (await unreachable.getAttribute('data-household')) as string;
    await unreachable.getByTestId('call-status').selectOption('未接通');
    await desk.waitForSelector(`[data-household="${number}"] [data-testid="call-status"]`);
    await unreachable.getByTestId('household-reason').selectOption('NO_ANSWER');
    await hold(desk, unreachable.getByTestId('replace-household'));
    await desk.waitForSelector(`[data-testid="household-row"][data-household="${number}"][data-state="replaced"]`);
    await expect.poll(() => desk.getByTestId('household-row').count()).toBe(3);
    expect(await desk.getByTestId('next-blocked').innerText()).toContain('2 户未记录');
    await screenshot(desk, 'console-desk-households');
    await recordAllHouseholds(desk);
    // The household board goes to preview by its hotkey, then on air; the overlay never shows a phone.
    await desk.keyboard.press('6');
    await expect.poll(() => desk.getByTestId('preview-cue').innerText()).toContain('入户核实');
    await desk.keyboard.press('t');
    await expect.poll(() => desk.getByTestId('program-cue').innerText()).toContain('入户核实');
    await overlay.waitForSelector('[data-testid="household-board"]');
    expect(await overlay.locator('body').innerText()).not.toMatch(PHONE);
    await screenshot(desk, 'console-desk-on-air');
  });

  it('panic: Esc twice clears every graphic from the air', async () => {
    await desk.keyboard.press('Escape');
    expect(await desk.getByTestId('panic').getAttribute('data-state')).toBe('armed');
    await desk.keyboard.press('Escape');
    await expect.poll(() => desk.getByTestId('program-cue').innerText()).toBe('无');
    await overlay.waitForSelector('[data-testid="household-board"]', { state: 'detached' });
    expect(logTypes().at(-1)).toBe('clearAll');
  });

  it('runs the judging: tablets submit, the supervisor corrects a score after the lock, the scores are revealed', async () => {
    await nextAction(desk, '开始评分');
    await waitStep(desk, 'judging');
    await judgesScore([86, 88, 60]);
    await expect.poll(() => desk.getByTestId('judging-count').innerText()).toBe('已提交 3 / 3');
    await supervisor.locator('[data-testid="judge-seat"][data-seat="3"] [data-testid="outlier-flag"]').waitFor();
    await screenshot(supervisor, 'console-desk-supervisor-judging');
    await nextAction(desk, '锁定评分');
    await waitStep(desk, 'judging-locked');
    await supervisor.getByTestId('correct-form').waitFor();
    await supervisor.getByTestId('correct-seat').selectOption('3');
    await supervisor.getByTestId('correct-item').first().fill('80');
    await supervisor.getByTestId('correct-reason').fill('评委误触，经本人当场确认为 80 分');
    await supervisor.getByTestId('correct-submit').click();
    await desk.getByTestId('corrections').waitFor();
    expect(await desk.getByTestId('corrections').innerText()).toContain('3 号评分更正：60.00 → 80.00');
    await nextAction(desk, '公布评分');
    await waitStep(desk, 'scores-revealed');
    await desk.getByTestId('round-score').waitFor();
    await screenshot(desk, 'console-desk-scores');
    await nextAction(desk, '显示本轮结果');
    await waitStep(desk, 'result');
  });

  it('runs the second round and closes the show', async () => {
    await nextAction(desk, '摇号抽取第 2 名');
    await waitStep(desk, 'drawing');
    await nextAction(desk, '确认人员到场');
    await nextAction(desk, '开始述职计时');
    await nextAction(desk, '结束述职');
    await nextAction(desk, '抽取核实户');
    await waitStep(desk, 'households');
    await recordAllHouseholds(desk);
    await nextAction(desk, '开始评分');
    await waitStep(desk, 'judging');
    await judgesScore([90, 92, 94]);
    await expect.poll(() => desk.getByTestId('judging-count').innerText()).toBe('已提交 3 / 3');
    await nextAction(desk, '锁定评分');
    await nextAction(desk, '公布评分');
    await nextAction(desk, '显示本轮结果');
    await waitStep(desk, 'result');
    await nextAction(desk, '结束直播');
    await desk.waitForSelector('[data-testid="desk"][data-status="closed"]');
    expect(await desk.locator('[data-testid="rundown-close"]').getAttribute('data-state')).toBe('done');
    await desk.getByTestId('desk-tab-log').click();
    expect(await desk.getByTestId('log-entry').count()).toBe(logTypes().length);
    expect(await desk.getByTestId('log-entry').first().innerText()).toContain('结束直播');
    await screenshot(desk, 'console-desk-closed');
  });

  it('shows the results with the bundle that verifies, exports them and prints the record', async () => {
    await desk.getByTestId('goto-results').click();
    await desk.getByTestId('results').waitFor();
    expect(await desk.getByTestId('result-row').count()).toBe(2);
    await screenshot(desk, 'console-results');
    const request = desk.context().request;
    const bundleUrl = await desk.getByTestId('bundle-link').getAttribute('href');
    const bundle = (await (await request.get(`${base}${bundleUrl}`)).json()) as unknown;
    const report = verifyBundle(bundle);
    expect(report.checks.filter((c) => !c.ok)).toEqual([]);
    expect(JSON.stringify(bundle)).not.toMatch(PHONE);

    const xlsx = await request.get(`${base}${await desk.getByTestId('export-xlsx').getAttribute('href')}`);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await xlsx.body()) as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet('抽查结果') as ExcelJS.Worksheet;
    expect(sheet.getRow(2).getCell(1).value).toBe('轮次');
    const snapshot = app.services.shows.snapshot(eventId, 'staff');
    for (const [i, round] of snapshot.rounds.entries()) {
      const row = sheet.getRow(3 + i);
      expect(row.getCell(2).value).toBe(round.auditee.number);
      expect(row.getCell(17).value).toBe(((round.score?.combinedHundredths ?? 0) / 100).toFixed(2));
    }
    expect(String(sheet.getRow(3).getCell(19).value)).toContain('3 号：60.00 → 80.00');
    const notice = await request.get(`${base}${await desk.getByTestId('event-notice').getAttribute('href')}`);
    expect(await notice.text()).toContain('本期共抽查 2 人次');
    const csv = await (await request.get(`${base}${await desk.getByTestId('export-csv').getAttribute('href')}`)).text();
    expect(csv.split('\r\n').filter(Boolean)).toHaveLength(3);

    const record = await newPage({ width: 1000, height: 1400 });
    await record.context().addCookies(await desk.context().cookies());
    await record.goto(`${base}/events/${eventId}/record`);
    expect(await record.getByTestId('record-title').innerText()).toBe('抽查记录');
    // Every logged step is on the record once: in its round, the opening, the closing or the air appendix.
    const stepTables = ['record-opening', 'record-steps', 'record-closing', 'record-air'];
    const rows = await Promise.all(stepTables.map((id) => record.locator(`[data-testid="${id}"] tr`).count()));
    const tables = await Promise.all(stepTables.map((id) => record.getByTestId(id).count()));
    expect(rows.reduce((a, b) => a + b, 0) - tables.reduce((a, b) => a + b, 0)).toBe(logTypes().length);
    const text = await record.locator('body').innerText();
    expect(text).toMatch(/\d+ \S+ 因请假递补，递补抽中 \d+ \S+/u);
    expect(text).toMatch(/因未接通递补，递补抽中 \d+ \S+/u);
    expect(text).toMatch(/监督员更正 3 号评委 \S+ 的评分为 80\.00/u);
    expect(text).toContain(snapshot.draw.seed as string);
    expect(text).not.toMatch(PHONE);
    await screenshot(record, 'console-record');
  });

  it('closes the supervisor’s desk at once when its session is logged out elsewhere, and says why', async () => {
    expect(await supervisor.getByTestId('household-row').count()).toBeGreaterThan(0);
    const out = await supervisor.context().request.post(`${base}/api/auth/logout`);
    expect(out.status()).toBe(200);
    const message = supervisor.getByTestId('desk-message');
    await message.waitFor();
    expect(await message.getAttribute('data-code')).toBe('logged-out');
    expect(await message.innerText()).toContain('已退出登录');
    expect(await supervisor.getByTestId('desk-connection').innerText()).toBe('连接被拒绝');
    // Households' names and phones leave the screen with the session.
    await supervisor.getByTestId('desk-closed').waitFor();
    expect(await supervisor.getByTestId('household-row').count()).toBe(0);
    await screenshot(supervisor, 'console-desk-logged-out');
  });
});
