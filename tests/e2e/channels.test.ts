import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { loadDemoCounty } from '../../server/demo/load-demo';
import type { ChannelsView, VenueSeatView } from '../../server/protocol/channels';
import { launchChromium, screenshot } from '../helpers/browser';
import { DeskDriver } from '../helpers/desk-driver';
import { ScriptedShow } from '../helpers/show-script';
import { loginCookie, OPERATOR_PASSWORD, testApp } from '../helpers/test-app';

/**
 * Stable output channels in Debian's chromium: a program channel's output, a preview channel's
 * output and a venue seat's tablet stay open while the operator switches the installation from
 * the live event to its rehearsal and back on the channels page; every page changes what it
 * shows (event, 演练 marks, revision) without reloading.
 */
let app: FastifyInstance;
let close: () => Promise<void>;
let browser: Browser;
let driver: DeskDriver;
let base: string;
let live: ScriptedShow;
let rehearsal: ScriptedShow;

beforeAll(async () => {
  ({ app, close } = await testApp());
  await loadDemoCounty(app.services.db, { now: '2026-11-01T00:00:00.000Z', cadres: 200, teachers: 10 });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
  browser = await launchChromium();
  driver = new DeskDriver(browser, base);
  live = await ScriptedShow.create(app, base, { title: '示范县干部作风电视抽查', judges: 3, rollSeconds: 2 });
  rehearsal = await live.rehearsal();
  // Both shows open: each has its bug on air (直播 on the live one, 演练 on the rehearsal).
  await live.open();
  await rehearsal.open();
});
afterAll(async () => {
  live?.close();
  rehearsal?.close();
  await driver?.close();
  await browser?.close();
  await close?.();
});

/** Marks a page at load: the mark survives only if the page is never reloaded. */
const markLoaded = (page: Page) =>
  page.evaluate(() => {
    (window as unknown as { loadedOnce: string }).loadedOnce = 'first-load';
  });
const stillFirstLoad = (page: Page) =>
  page.evaluate(() => (window as unknown as { loadedOnce?: string }).loadedOnce ?? 'reloaded');

async function waitAttribute(page: Page, testId: string, name: string, value: string): Promise<void> {
  await page.waitForFunction(
    ([id, attribute, expected]) =>
      document.querySelector(`[data-testid="${id}"]`)?.getAttribute(attribute as string) === expected,
    [testId, name, value],
  );
}

describe('output channels follow the operator’s switch', () => {
  it('moves every open output and tablet from the live event to its rehearsal and back, without a reload', async () => {
    const cookie = await loginCookie(app);
    const { channels } = (
      await app.inject({ method: 'GET', url: '/api/channels', headers: { cookie } })
    ).json<ChannelsView>();
    const url = (id: string) => `${base}${channels.find((row) => row.channel.id === id)?.channel.path ?? ''}`;

    // The outputs are set up once, before anything is followed: a calm standby.
    const program = await driver.newPage({ width: 1920, height: 1080 });
    await program.goto(url('program'));
    await waitAttribute(program, 'overlay', 'data-state', 'standby');
    const preview = await driver.newPage({ width: 1920, height: 1080 });
    await preview.goto(url('preview'));
    await waitAttribute(preview, 'overlay', 'data-state', 'standby');
    expect(await preview.getByTestId('preview-label').innerText()).toContain('待命');
    await screenshot(preview, 'overlay-channel-preview-standby');
    expect(await program.getByTestId('event-bug').count()).toBe(0);

    // The operator opens the channels page and follows the live event (on air: confirmed first).
    const desk = await driver.newPage({ width: 1366, height: 900 });
    await driver.login(desk, 'operator', OPERATOR_PASSWORD, '#/channels');
    await desk.getByTestId('channels-page').waitFor();
    await desk.getByTestId('follow-select').selectOption(live.event.id);
    await desk.getByTestId('follow-switch').click();
    await desk.getByTestId('follow-dialog').waitFor();
    expect(await desk.getByTestId('follow-confirm').evaluate((el) => el === document.activeElement)).toBe(true);
    // Esc leaves everything as it was.
    await desk.keyboard.press('Escape');
    await desk.getByTestId('follow-dialog').waitFor({ state: 'hidden' });
    expect(await desk.getByTestId('follow-current').getAttribute('data-event')).toBe('');
    await desk.getByTestId('follow-switch').click();
    await desk.getByTestId('follow-confirm').click();
    await waitAttribute(desk, 'follow-current', 'data-event', live.event.id);

    // The venue's one seat sheet: a card per seat with its QR code, link and PIN.
    const sheet = await desk.context().newPage();
    await sheet.setViewportSize({ width: 1000, height: 1200 });
    await sheet.goto(`${base}/venue/seats/sheet`);
    expect(await sheet.getByTestId('venue-seat-card').count()).toBe(3);
    await screenshot(sheet, 'venue-seat-sheet');
    await sheet.close();

    // A venue seat's tablet joins once, by the venue sheet's link and PIN.
    const seats = (await app.inject({ method: 'GET', url: '/api/venue-seats', headers: { cookie } })).json<
      VenueSeatView[]
    >();
    const seat1 = seats.find((s) => s.seat === 1);
    if (!seat1) throw new Error('no venue seat 1');
    const tablet = await driver.newPage({ width: 1280, height: 800 });
    await tablet.goto(`${base}${seat1.joinPath}`);
    await tablet.getByTestId('judge-join-seat').waitFor();
    await tablet.getByTestId('judge-pin').fill(seat1.pin);
    await tablet.getByTestId('judge-join').click();
    await waitAttribute(tablet, 'judge-event', 'data-event', live.event.id);

    await waitAttribute(program, 'overlay', 'data-event', live.event.id);
    await waitAttribute(preview, 'overlay', 'data-event', live.event.id);
    for (const page of [program, preview, tablet]) await markLoaded(page);
    expect(await program.getByTestId('live-marker').innerText()).toBe('直播');
    expect(await tablet.getByTestId('judge-rehearsal').count()).toBe(0);
    expect(await tablet.getByTestId('judge-seat').innerText()).toBe('1 号评委');

    // The monitor shows each channel's output with the frame and rate it reported.
    await desk.waitForFunction(() => {
      const row = document.querySelector('[data-testid="monitor-row"][data-channel="program"]');
      return row?.querySelector('[data-testid="monitor-output"]')?.getAttribute('data-fps') !== '' && row !== null;
    });
    await desk.waitForFunction(
      () =>
        document
          .querySelector('[data-testid="monitor-row"][data-channel="program"]')
          ?.textContent?.includes('1920×1080') ?? false,
    );
    await desk.waitForSelector('[data-testid="venue-seat-row"][data-seat="1"][data-joined="true"]');
    await screenshot(desk, 'console-channels');

    // To the rehearsal: the live show is on air, so it is confirmed.
    await desk.getByTestId('follow-counterpart').click();
    await desk.getByTestId('follow-dialog').waitFor();
    await screenshot(desk, 'console-channels-confirm');
    await desk.getByTestId('follow-confirm').click();
    await waitAttribute(desk, 'follow-current', 'data-rehearsal', 'true');
    await waitAttribute(program, 'overlay', 'data-event', rehearsal.event.id);
    await waitAttribute(preview, 'overlay', 'data-event', rehearsal.event.id);
    await waitAttribute(tablet, 'judge-event', 'data-event', rehearsal.event.id);
    expect(await program.getByTestId('overlay').getAttribute('data-rehearsal')).toBe('true');
    expect(await program.getByTestId('live-marker').innerText()).toBe('演练');
    expect(await tablet.getByTestId('judge-rehearsal').innerText()).toBe('演练');
    expect(await preview.getByTestId('preview-label').innerText()).toContain('演练');
    expect(Number(await program.getByTestId('overlay').getAttribute('data-revision'))).toBe(
      rehearsal.snapshot.revision,
    );
    await screenshot(program, 'overlay-channel-rehearsal');
    await screenshot(tablet, 'judge-venue-rehearsal');

    // The rehearsal's own change reaches the outputs; the live event's do not.
    await rehearsal.run({ type: 'setBug', visible: false });
    await waitAttribute(program, 'overlay', 'data-revision', String(rehearsal.snapshot.revision));
    // The bug leaves with its exit animation (a change seen while watching animates).
    await program.getByTestId('event-bug').waitFor({ state: 'detached' });

    // And back to the live show.
    await desk.getByTestId('follow-counterpart').click();
    await desk.getByTestId('follow-confirm').click();
    await waitAttribute(desk, 'follow-current', 'data-event', live.event.id);
    await waitAttribute(program, 'overlay', 'data-event', live.event.id);
    await waitAttribute(preview, 'overlay', 'data-event', live.event.id);
    await waitAttribute(tablet, 'judge-event', 'data-event', live.event.id);
    expect(await program.getByTestId('live-marker').innerText()).toBe('直播');
    expect(await tablet.getByTestId('judge-rehearsal').count()).toBe(0);
    expect(Number(await program.getByTestId('overlay').getAttribute('data-revision'))).toBe(live.snapshot.revision);

    // Each switch was drawn as found: no entrance animated on either output.
    for (const page of [program, preview]) expect(await page.evaluate(() => window.chouchaOverlay?.entrances)).toBe(0);
    // Not one page was reloaded.
    for (const page of [program, preview, tablet]) expect(await stillFirstLoad(page)).toBe('first-load');
    // The switches are on record.
    const switches = app.services.db.prepare('SELECT to_event_id FROM follow_changes ORDER BY id').pluck().all();
    expect(switches).toEqual([live.event.id, rehearsal.event.id, live.event.id]);
  });

  it('takes a channel from CasparCG’s update() data, with the channel’s green background', async () => {
    const cookie = await loginCookie(app);
    const { channels } = (
      await app.inject({ method: 'GET', url: '/api/channels', headers: { cookie } })
    ).json<ChannelsView>();
    const green = channels.find((row) => row.channel.id === 'green')?.channel;
    if (!green) throw new Error('no green channel');
    const page = await driver.newPage({ width: 1920, height: 1080 });
    await page.addInitScript(() => {
      (window as unknown as { casparcg: object }).casparcg = {};
    });
    // CasparCG loads the template bare and hands it the channel with update(), then play().
    await page.goto(`${base}/overlay`);
    await page.evaluate(
      (data) => (window as unknown as { update: (d: string) => void }).update(data),
      JSON.stringify({ channel: green.id, key: green.key }),
    );
    await page.evaluate(() => (window as unknown as { play: () => void }).play());
    await waitAttribute(page, 'overlay', 'data-channel', 'green');
    await page.waitForFunction(() => document.body.classList.contains('bg-green'));
    await waitAttribute(page, 'overlay', 'data-event', app.services.follow.eventId() ?? '');
    expect(await page.getByTestId('overlay').getAttribute('data-state')).toBe('ready');
    await page.close();
  });
});
