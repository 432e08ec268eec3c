import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { loadDemoCounty } from '../../server/demo/load-demo';
import { defaultPlan } from '../../server/draw-engine/default-plan';
import { GRAPHICS, type EventSummary, type SeatView, type ShowSnapshot } from '../../server/protocol/show';
import { launchChromium, SCREENSHOT_DIR, screenshot } from '../helpers/browser';
import { DeskDriver, hold, nextAction, recordAllHouseholds, scoreOnTablet, waitStep } from '../helpers/desk-driver';
import { DICE } from '../helpers/show-script';
import { loginCookie, OPERATOR_PASSWORD, SUPERVISOR_PASSWORD, testApp } from '../helpers/test-app';

/**
 * The whole show, end to end, in Debian's chromium, driven through the UIs only: the operator's
 * desk, the supervisor's console, a program and a preview overlay, nine judges' tablets and a
 * viewer's phone on the public site. Three rounds, with a cadre replaced, an unreachable household
 * replaced, a judge's tablet off the network during scoring, a recusal and a supervisor's
 * correction. The exported bundle then passes `npm run verify`. The program output is captured at
 * every step (test-results/whole-show/).
 */
const ROOT = join(import.meta.dirname, '..', '..');
const FRAMES = join(SCREENSHOT_DIR, '..', 'whole-show');
const JUDGES = ['王人大', '李政协', '张代表', '刘专家', '陈群众', '赵律师', '孙教师', '周医生', '吴记者'];
const RECUSING_SEAT = 8;
const OFFLINE_SEAT = 5;
const PHONE = /(?<![0-9a-f])100\d{8}(?!\d)/u;

let app: FastifyInstance;
let close: () => Promise<void>;
let browser: Browser;
let driver: DeskDriver;
let base: string;
let event: EventSummary;
let desk: Page;
let supervisor: Page;
let program: Page;
let preview: Page;
let viewer: Page;
const tablets = new Map<number, Page>();
let frame = 0;

const staffSnapshot = (): ShowSnapshot => app.services.shows.snapshot(event.id, 'staff');

/** Cues a graphic by its hotkey (1–9), takes it to air, and waits until the program output shows it. */
async function takeToAir(graphic: string): Promise<void> {
  const key = String(GRAPHICS.indexOf(graphic as (typeof GRAPHICS)[number]) + 1);
  await desk.keyboard.press(key);
  // The preview output draws every cued layer: the one just cued is among them.
  await preview.waitForSelector(`[data-testid="graphic"][data-graphic="${graphic}"]`);
  await desk.keyboard.press('t');
  await program.waitForSelector(`[data-testid="graphic"][data-graphic="${graphic}"]`);
}

/** The program output as it is on air now, kept as a test artefact. */
async function captureProgram(name: string): Promise<void> {
  frame += 1;
  await program.waitForTimeout(400); // let an entrance settle
  await program.screenshot({ path: join(FRAMES, `${String(frame).padStart(2, '0')}-${name}.png`) });
}

beforeAll(async () => {
  mkdirSync(FRAMES, { recursive: true });
  ({ app, close } = await testApp());
  await loadDemoCounty(app.services.db, { now: '2026-11-01T00:00:00.000Z', cadres: 300, teachers: 10 });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
  browser = await launchChromium();
  driver = new DeskDriver(browser, base);

  // Five cadres of 城关街道 may be drawn (三 rounds and one alternate); seat 8 must recuse three of
  // them, so at least one round is judged without seat 8 whatever the draw.
  const candidates = app.services.db
    .prepare(
      `SELECT a.number FROM auditees a WHERE a.version_id = (SELECT MAX(id) FROM roster_versions
       WHERE program_code = 'cadre-household') AND a.town = '城关街道' AND a.status = '在岗'
       AND (SELECT count(*) FROM contacts c WHERE c.version_id = a.version_id AND c.auditee_number = a.number
            AND c.phone <> '' AND c.consent = '同意') >= 4
       ORDER BY a.number LIMIT 5`,
    )
    .pluck()
    .all() as string[];
  expect(candidates).toHaveLength(5);
  const cookie = await loginCookie(app);
  const base0 = defaultPlan('2026-11-26');
  const created = await app.inject({
    method: 'POST',
    url: '/api/events',
    headers: { cookie },
    payload: {
      title: '示范县干部作风电视问政（全流程演练）',
      eventDate: '2026-11-26',
      venue: '县融媒体中心一号演播厅',
      mode: 'televised',
      settings: {
        plan: {
          ...base0,
          eligibility: { ...base0.eligibility, only: candidates },
          auditees: { mode: 'total', count: 3 },
          contactsPerAuditee: 2,
          replacementCaps: { auditees: 1, contactsPerAuditee: 2 },
        },
        reportMinutes: 1,
        rollSeconds: 2,
        judges: JUDGES.map((name, i) => ({
          seat: i + 1,
          name,
          pin: String(1000 + i * 111),
          recusals: i + 1 === RECUSING_SEAT ? candidates.slice(0, 3) : [],
        })),
      },
    },
  });
  expect(created.statusCode, created.body).toBe(200);
  const sealed = await app.inject({
    method: 'POST',
    url: `/api/events/${created.json<EventSummary>().id}/seal`,
    headers: { cookie },
  });
  event = sealed.json<EventSummary>();
}, 120_000);

afterAll(async () => {
  await driver?.close();
  await browser?.close();
  await close?.();
});

describe('a whole show through the UIs: console, two outputs, nine tablets, a public page', () => {
  it('opens every page: the desk, the supervisor, program and preview outputs, nine tablets, a phone', async () => {
    desk = await driver.newPage();
    await driver.login(desk, 'operator', OPERATOR_PASSWORD, `#/events/${event.id}`);
    await desk.getByTestId('event-page').waitFor();
    const key = (await desk.getByTestId('output-url-program').innerText()).match(/key=([^&\s]+)/u)?.[1] as string;
    const url = `${base}/overlay?event=${event.id}&key=${key}`;
    program = await driver.newPage({ width: 1920, height: 1080 });
    await program.goto(`${url}&label=${encodeURIComponent('主输出')}`);
    preview = await driver.newPage({ width: 1920, height: 1080 });
    await preview.goto(`${url}&preview=1&label=${encodeURIComponent('预览输出')}`);
    const seats = (await (
      await desk.context().request.get(`${base}/api/events/${event.id}/seats`)
    ).json()) as SeatView[];
    expect(seats).toHaveLength(9);
    for (const seat of seats) tablets.set(seat.seat, await driver.joinTablet(seat.joinPath, seat.pin));
    supervisor = await driver.newPage();
    await driver.login(supervisor, 'supervisor', SUPERVISOR_PASSWORD, `#/desk/${event.id}`);
    await supervisor.getByTestId('desk').waitFor();
    viewer = await driver.newPage({ width: 390, height: 844 });
    await viewer.goto(`${base}/public#/e/${event.id}`);
    await viewer.getByTestId('public-event').waitFor();

    await desk.getByTestId('goto-desk').click();
    await desk.getByTestId('desk').waitFor();
    await desk.getByTestId('desk-tab-outputs').click();
    await expect
      .poll(() => desk.locator('[data-testid="seat-row"][data-joined="true"]').count(), { timeout: 15_000 })
      .toBe(9);
    const labels = await desk
      .getByTestId('output-row')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-label')));
    expect(labels).toEqual(expect.arrayContaining(['主输出', '预览输出', '1 号评委', '9 号评委']));
    await desk.getByTestId('desk-tab-step').click();
    await takeToAir('opening');
    await captureProgram('opening');
  }, 120_000);

  it('opens the show, locks the notary’s dice and reveals the secret', async () => {
    await nextAction(desk, '开始直播');
    await desk.waitForSelector('[data-testid="desk"][data-status="live"]');
    // The notary types the dice on their own (supervisor's) console and locks them.
    await supervisor.getByTestId('entropy-input').fill(DICE);
    await nextAction(supervisor, '锁定公开随机数');
    await desk.getByTestId('entropy-locked').waitFor();
    await takeToAir('entropy');
    await captureProgram('entropy');
    await nextAction(desk, '公开密钥');
    await expect.poll(() => staffSnapshot().draw.secret).not.toBeNull();
    await viewer.waitForSelector('[data-testid="public-event"][data-status="live"]');
  });

  for (const round of [1, 2, 3]) {
    it(`runs round ${round} from the desk${round === 1 ? ', replacing the drawn cadre and an unreachable household, with a correction' : round === 2 ? ', with a tablet off the network' : ''}`, async () => {
      await nextAction(desk, `摇号抽取第 ${round} 名`);
      await waitStep(desk, 'drawing');
      await captureProgram(`r${round}-roll`);
      if (round === 1) {
        const first = staffSnapshot().rounds[0]?.auditee.number;
        await desk.getByTestId('auditee-reason').selectOption('TRIP');
        await hold(desk, desk.getByTestId('replace-auditee'));
        await desk.getByTestId('replaced-auditees').waitFor();
        await expect.poll(() => staffSnapshot().rounds[0]?.auditee.number).not.toBe(first);
      }
      await nextAction(desk, '确认人员到场');
      await waitStep(desk, 'presented');
      await takeToAir('auditee');
      await captureProgram(`r${round}-auditee`);
      await nextAction(desk, '开始述职计时');
      await waitStep(desk, 'reporting');
      await takeToAir('countdown');
      await captureProgram(`r${round}-report`);
      await nextAction(desk, '结束述职');
      await nextAction(desk, '抽取核实户');
      await waitStep(desk, 'households');
      if (round === 1) {
        const unreachable = desk.getByTestId('household-row').first();
        const number = (await unreachable.getAttribute('data-household')) as string;
        await unreachable.getByTestId('call-status').selectOption('未接通');
        await unreachable.getByTestId('household-reason').selectOption('NO_ANSWER');
        await hold(desk, unreachable.getByTestId('replace-household'));
        await desk.waitForSelector(`[data-testid="household-row"][data-household="${number}"][data-state="replaced"]`);
      }
      await recordAllHouseholds(desk);
      await takeToAir('households');
      await program.waitForSelector('[data-testid="household-board"]');
      expect(await program.locator('body').innerText()).not.toMatch(PHONE);
      await captureProgram(`r${round}-households`);

      await nextAction(desk, '开始评分');
      await waitStep(desk, 'judging');
      const judging = staffSnapshot().rounds.at(-1)?.judging;
      const recused = (judging?.seats ?? []).filter((s) => s.recused).map((s) => s.seat);
      for (const seat of recused) {
        await (tablets.get(seat) as Page).waitForSelector('[data-testid="tablet"][data-screen="recused"]');
      }
      for (const [seat, page] of tablets) {
        if (recused.includes(seat)) continue;
        const score = 80 + seat + round;
        if (round === 2 && seat === OFFLINE_SEAT) {
          // The tablet loses the venue Wi-Fi: the judge scores anyway; it is sent when the link returns.
          await page.context().setOffline(true);
          await page.waitForSelector('[data-testid="tablet"][data-connection="offline"]', { timeout: 30_000 });
          await scoreOnTablet(page, score);
          expect(
            staffSnapshot()
              .rounds.at(-1)
              ?.judging.seats.find((s) => s.seat === seat)?.submitted,
          ).toBe(false);
          await page.context().setOffline(false);
          await page.waitForSelector('[data-testid="judge-receipt"]', { timeout: 30_000 });
          continue;
        }
        await scoreOnTablet(page, round === 1 && seat === 3 ? 40 : score);
      }
      const expected = 9 - recused.length;
      await expect
        .poll(() => desk.getByTestId('judging-count').innerText(), { timeout: 15_000 })
        .toBe(`已提交 ${expected} / ${expected}`);
      await nextAction(desk, '锁定评分');
      await waitStep(desk, 'judging-locked');
      if (round === 1) {
        await supervisor.getByTestId('correct-form').waitFor();
        await supervisor.getByTestId('correct-seat').selectOption('3');
        await supervisor.getByTestId('correct-item').first().fill('84');
        await supervisor.getByTestId('correct-reason').fill('评委当场说明误触，确认为 84 分');
        await supervisor.getByTestId('correct-submit').click();
        await desk.getByTestId('corrections').waitFor();
      }
      await nextAction(desk, '公布评分');
      await waitStep(desk, 'scores-revealed');
      await program.waitForTimeout(2500); // the seats appear one by one
      await captureProgram(`r${round}-scores`);
      await nextAction(desk, '显示本轮结果');
      await waitStep(desk, 'result');
      await takeToAir('result');
      await captureProgram(`r${round}-result`);
      await expect.poll(() => viewer.getByTestId('public-score').count(), { timeout: 10_000 }).toBe(round);
    }, 180_000);
  }

  it('closes the show; seat 8 sat out a round; the exported bundle passes npm run verify', async () => {
    await nextAction(desk, '结束直播');
    await desk.waitForSelector('[data-testid="desk"][data-status="closed"]');
    await viewer.waitForSelector('[data-testid="public-event"][data-status="closed"]');
    await takeToAir('summary');
    await captureProgram('summary');
    await screenshot(viewer, 'whole-show-public-phone');

    const snapshot = staffSnapshot();
    expect(snapshot.rounds).toHaveLength(3);
    expect(snapshot.rounds[0]?.replacedAuditees.map((r) => r.reason)).toEqual(['TRIP']);
    expect(snapshot.rounds[0]?.households.filter((h) => h.replaced !== null)).toHaveLength(1);
    expect(snapshot.rounds[0]?.judging.corrections).toEqual([expect.objectContaining({ seat: 3, from: 40, to: 84 })]);
    const recusedRounds = snapshot.rounds.filter((r) => r.judging.seats.find((s) => s.seat === RECUSING_SEAT)?.recused);
    expect(recusedRounds.length).toBeGreaterThanOrEqual(1);
    for (const round of recusedRounds) expect(round.judging.scores?.map((s) => s.seat)).not.toContain(RECUSING_SEAT);
    // The offline judge's score counted once.
    expect(snapshot.rounds[1]?.judging.scores?.filter((s) => s.seat === OFFLINE_SEAT)).toHaveLength(1);

    const bundleUrl = `/api/draws/${snapshot.draw.drawId}/bundle`;
    const bundle = await (await desk.context().request.get(`${base}${bundleUrl}`)).text();
    expect(bundle).not.toMatch(PHONE);
    const path = join(FRAMES, 'bundle.json');
    writeFileSync(path, bundle);
    const verified = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/verify.ts', path], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(verified.status, verified.stdout).toBe(0);
    expect(verified.stdout).toMatch(/全部检查通过/u);
  }, 120_000);
});
