import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { loadDemoCounty } from '../../server/demo/load-demo';
import { defaultPlan } from '../../server/draw-engine/default-plan';
import { readLog, SHOW_LOG } from '../../server/store/log-store';
import type { EventSummary } from '../../server/protocol/show';
import { launchChromium, screenshot } from '../helpers/browser';
import { loginCookie, OPERATOR_PASSWORD, SUPERVISOR_PASSWORD, testApp } from '../helpers/test-app';
import { DICE, ScriptedShow } from '../helpers/show-script';
import { DeskDriver, hold, nextAction, recordAllHouseholds, revisionOf } from '../helpers/desk-driver';

/**
 * The notary's console end to end in chromium: the supervisor makes the notary's secret in their
 * own browser and registers only its commitment, the operator seals, the supervisor types the
 * dice digits (on air as they are typed) and locks them, the operator reveals the server's
 * secret, the supervisor reveals their own from the key file (a wrong one refused), and the draw
 * goes on with each graphic on air carrying the show-log entry that put it there.
 */
let app: FastifyInstance;
let dir: string;
let close: () => Promise<void>;
let browser: Browser;
let base: string;
let driver: DeskDriver;
let eventId = '';
let operator: Page;
let notary: Page;
let overlay: Page;
/** A viewer's phone on the public live page. */
let phone: Page;
let secret = '';
let keyFile = '';

const plan = defaultPlan('2026-11-26', {
  eligibility: { ...defaultPlan('2026-11-26').eligibility, grid: [['城关街道']] },
  auditees: { mode: 'total', count: 1 },
  contactsPerAuditee: 2,
  notary: 'required',
});
const logEntries = () => readLog(app.services.db, SHOW_LOG, eventId);
const logTypes = () => logEntries().map((entry) => entry.type);
/** The outputs follow the server over sockets: polled, with room for a busy machine. */
const poll = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 10_000 });
const stampOf = async (page: Page) => (await page.getByTestId('log-stamp').innerText()).trim();

beforeAll(async () => {
  ({ app, dir, close } = await testApp());
  await loadDemoCounty(app.services.db, { now: '2026-11-01T00:00:00.000Z', cadres: 300, teachers: 10 });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
  browser = await launchChromium();
  driver = new DeskDriver(browser, base);
  const created = await app.inject({
    method: 'POST',
    url: '/api/events',
    headers: { cookie: await loginCookie(app) },
    payload: {
      title: '示范县十二月例行抽查',
      eventDate: '2026-11-26',
      venue: '县融媒体中心',
      mode: 'routine',
      settings: { plan, reportMinutes: 1, rollSeconds: 2, judges: [] },
    },
  });
  eventId = created.json<EventSummary>().id;
});
afterAll(async () => {
  await driver?.close();
  await browser?.close();
  await close?.();
});

describe('the notary’s console', () => {
  it('makes the secret in the browser, keeps it off the server, and registers only its commitment', async () => {
    operator = await driver.newPage();
    await driver.login(operator, 'operator', OPERATOR_PASSWORD, `#/events/${eventId}`);
    await operator.getByTestId('seal-awaiting-notary').waitFor();
    expect(await operator.getByTestId('open-seal').isDisabled()).toBe(true);

    notary = await driver.newPage();
    await driver.login(notary, 'supervisor', SUPERVISOR_PASSWORD, '#/events');
    const draft = notary.locator(`[data-testid="event-row"][data-event="${eventId}"] [data-testid="draft-link"]`);
    expect(await draft.innerText()).toBe('生成公证密钥');
    await draft.click();
    await notary.getByTestId('notary-key-panel').waitFor();
    await notary.getByTestId('notary-generate').click();
    await notary.getByTestId('notary-qr').waitFor();
    const words = await notary.locator('[data-testid="notary-words"] .w').allInnerTexts();
    expect(words).toHaveLength(16);
    expect(words.every((w) => /^[0-9a-f]{4}$/u.test(w))).toBe(true);
    secret = words.join('');
    const commitment = createHash('sha256').update(Buffer.from(secret, 'hex')).digest('hex');
    expect(await notary.getByTestId('notary-commitment').innerText()).toBe(commitment);
    await screenshot(notary, 'notary-key-created');

    const [download] = await Promise.all([
      notary.waitForEvent('download'),
      notary.getByTestId('notary-download').click(),
    ]);
    keyFile = join(dir, 'notary-key.txt');
    await download.saveAs(keyFile);
    const text = readFileSync(keyFile, 'utf8');
    expect(text).toContain(`活动编号：${eventId}`);
    expect(text).toContain(words.join(' '));
    expect(text).toContain(commitment);
    expect(text).toContain('请封存于信封，直播中公开时使用');

    await notary.getByTestId('notary-register').click();
    await notary.getByTestId('notary-registered-now').waitFor();
    expect(app.services.events.event(eventId).notaryCommitment).toBe(commitment);
    // Only the commitment reached the server: the secret is in no file of the database.
    for (const file of readdirSync(dir).filter((f) => f.startsWith('choucha.db'))) {
      expect(readFileSync(join(dir, file)).includes(secret), file).toBe(false);
    }

    // The operator's seal waits for the commitment, then seals.
    await operator.getByTestId('refresh-notary').click();
    await operator.getByTestId('seal-notary-ready').waitFor();
    await operator.getByTestId('open-seal').click();
    expect(await operator.getByTestId('seal-notary').innerText()).toContain(commitment.slice(0, 16));
    await operator.getByTestId('seal-confirm-text').fill('封存');
    await operator.getByTestId('seal-confirm').click();
    await operator.getByTestId('event-page').waitFor();
    expect(app.services.shows.snapshot(eventId, 'public').draw.notary).toEqual({ commitment, simulated: false });
  });

  it('puts the digits on air as the notary types them; only the notary locks them', async () => {
    const key = (await operator.getByTestId('output-url-program').innerText()).match(/key=([^&\s]+)/u)?.[1] as string;
    overlay = await driver.newPage({ width: 1920, height: 1080 });
    await overlay.goto(`${base}/overlay?event=${eventId}&key=${key}`);
    phone = await driver.newPage({ width: 390, height: 844 });
    await phone.goto(`${base}/public#/e/${eventId}`);
    await operator.goto(`${base}/console#/desk/${eventId}`);
    await notary.goto(`${base}/console#/desk/${eventId}`);
    await nextAction(operator, '开始直播');
    await operator.waitForSelector('[data-testid="desk"][data-status="live"]');
    await poll(() => operator.getByTestId('next-waiting').innerText()).toBe('等待监督员锁定公开随机数');
    // The operator takes the entropy graphic; the digits then appear on it as they are typed.
    await operator.getByTestId('cue-entropy').click();
    await poll(() => operator.getByTestId('take').isEnabled()).toBe(true);
    await operator.getByTestId('take').click();
    await overlay.getByTestId('entropy-card').waitFor();

    await notary.getByTestId('entropy-input').pressSequentially(DICE.slice(0, 12), { delay: 40 });
    const onAir = overlay.locator('[data-testid="entropy-digits"][data-state="typing"] .digit');
    await poll(() => onAir.allInnerTexts().then((d) => d.join(''))).toBe(DICE.slice(0, 12));
    await poll(() => operator.getByTestId('entropy-typed').innerText()).toBe(DICE.slice(0, 12));
    await poll(() => phone.getByTestId('public-phase').innerText()).toBe(`公证员录入中：${DICE.slice(0, 12)}`);
    await screenshot(overlay, 'overlay-entropy-typing');
    await notary.getByTestId('entropy-input').pressSequentially(DICE.slice(12), { delay: 20 });
    await poll(() => onAir.allInnerTexts().then((d) => d.join(''))).toBe(DICE);
    await screenshot(notary, 'notary-desk-digits');
    // Typing is not logged: only the lock is.
    expect(logTypes()).toEqual(['open', 'cue', 'take']);
    await hold(notary, notary.getByTestId('next-action'));
    await notary.getByTestId('entropy-locked').waitFor();
    expect(logTypes().at(-1)).toBe('lockEntropy');
    expect(logEntries().at(-1)?.actor).toBe('supervisor');
    await overlay.locator('[data-testid="entropy-digits"][data-state="locked"]').waitFor();
  });

  it('reveals the notary’s secret from the file after the server’s; a wrong secret is refused', async () => {
    await nextAction(operator, '公开密钥');
    await poll(() => logTypes().at(-1)).toBe('reveal');
    await poll(() => operator.getByTestId('next-waiting').innerText()).toBe('等待公证员公开密钥');
    await notary.getByTestId('notary-reveal-panel').waitFor();

    const before = await revisionOf(notary);
    await notary.getByTestId('notary-secret-input').fill('ab'.repeat(32));
    await hold(notary, notary.getByTestId('next-action'));
    const message = notary.getByTestId('desk-message');
    await message.waitFor();
    expect(await message.getAttribute('data-code')).toBe('DRAW_NOTARY_MISMATCH');
    expect(await message.innerText()).toContain('公证员密钥与封存时登记的承诺值不符');
    expect(await revisionOf(notary)).toBe(before);
    expect(logTypes().at(-1)).toBe('reveal');

    await notary.getByTestId('notary-file').setInputFiles(keyFile);
    await poll(() => notary.getByTestId('notary-secret-input').inputValue()).toBe(secret);
    await hold(notary, notary.getByTestId('next-action'));
    await poll(() => logTypes().at(-1)).toBe('revealNotary');
    const snapshot = app.services.shows.snapshot(eventId, 'overlay');
    expect(snapshot.draw.notarySecret).toBe(secret);
    expect(snapshot.draw.seed).toMatch(/^[0-9a-f]{64}$/u);
    await overlay.getByTestId('entropy-notary').getByText('✓ 与承诺值一致').waitFor();
    const reveal = logEntries().at(-1);
    await poll(() => stampOf(overlay)).toBe(`日志 ${reveal?.hash.slice(0, 8)}`);
  });

  it('carries on with the draw: each graphic on air shows the log entry that put it there', async () => {
    await nextAction(operator, '摇号抽取');
    await poll(() => logTypes().at(-1)).toBe('drawAuditee');
    await overlay.locator('[data-testid="graphic"][data-graphic="roll"]').waitFor();
    await poll(() => stampOf(overlay)).toBe(`日志 ${logEntries().at(-1)?.hash.slice(0, 8)}`);
    await nextAction(operator, '确认人员到场');
    await nextAction(operator, '抽取核实户');
    await operator.locator('[data-testid="household-row"]').first().waitFor();
    await recordAllHouseholds(operator);
    await nextAction(operator, '完成本轮核实');
    await poll(() => logTypes().at(-1)).toBe('finishRound');
    const finish = logEntries().at(-1);
    await overlay.locator('[data-testid="graphic"][data-graphic="result"]').waitFor();
    await poll(() => stampOf(overlay)).toBe(`日志 ${finish?.hash.slice(0, 8)}`);
    expect(await overlay.getByTestId('log-stamp').getAttribute('data-seq')).toBe(String(finish?.seq));
    await overlay.waitForTimeout(800); // the entrance settles
    await screenshot(overlay, 'overlay-result-log-stamp');
    // A reloaded output shows the same entry.
    await overlay.reload();
    await overlay.locator('[data-testid="graphic"][data-graphic="result"]').waitFor();
    expect(await stampOf(overlay)).toBe(`日志 ${finish?.hash.slice(0, 8)}`);
  });

  it('voids a show whose notary cannot reveal, with the reason on air', async () => {
    const second = await ScriptedShow.create(app, base, {
      title: '示范县十二月专项抽查',
      plan,
      mode: 'routine',
      notary: true,
      rollSeconds: 2,
    });
    try {
      await second.open();
      await overlay.goto(second.overlayUrl());
      await notary.goto(`${base}/console#/desk/${second.event.id}`);
      await notary.getByTestId('abandon-open').click();
      expect(await notary.getByTestId('abandon-rule').innerText()).toBe(
        '本场作废，须重新封存新的抽查；绝不改用服务器单方密钥。',
      );
      expect(await notary.getByTestId('abandon-submit').isDisabled()).toBe(true);
      await notary.getByTestId('abandon-reason').fill('公证员密钥文件遗失，无法公开');
      await hold(notary, notary.getByTestId('abandon-submit'));
      await overlay.getByTestId('show-abandoned').waitFor();
      expect(await overlay.getByTestId('show-abandoned').innerText()).toContain('公证员密钥文件遗失，无法公开');
      expect(app.services.events.event(second.event.id).status).toBe('abandoned');
      await overlay.waitForTimeout(800);
      await screenshot(overlay, 'overlay-abandoned');
    } finally {
      second.close();
    }
  });
});
