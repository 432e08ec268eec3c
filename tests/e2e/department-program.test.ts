import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { loadDemoCounty } from '../../server/demo/load-demo';
import { generateDemoCounty } from '../../server/demo/demo-county';
import type { DrawBundle } from '../../server/verify/bundle';
import { launchChromium, screenshot } from '../helpers/browser';
import { DEMO_PLAN } from '../helpers/draw-fixture';
import { nextAction } from '../helpers/desk-driver';
import { AFTER_SCHOOL, typeProgram, typeQuestions } from '../helpers/program-editor';
import { tempDir } from '../helpers/roster-fixture';
import { ScriptedShow } from '../helpers/show-script';
import { ShowClient } from '../helpers/show-client';
import { ADMIN_PASSWORD, loginCookie, testApp } from '../helpers/test-app';

/**
 * A department's own 可抽查 system, end to end in the browser (issue 22): the county administrator
 * defines 县教育局's 校外培训家访 program with a three-question questionnaire and grants its
 * accounts; the bureau's operator imports its roster and runs a routine check; its caller (话务员)
 * records each parent's answers on a phone and never sees a phone outside the round being called;
 * the households' scores and the round's result follow the questionnaire's points; the bundle
 * verifies with `npm run verify`, which recomputes those scores; the bureau's operator can neither
 * see nor act on another program; 纪委's reader (查阅) reads the county view across both programs.
 */
const ROOT = join(import.meta.dirname, '..', '..');
let app: FastifyInstance;
let close: () => Promise<void>;
let browser: Browser;
let base: string;
let admin: Page;
let cadreShow: ScriptedShow;
let show: ScriptedShow;
const own = (username: string) => `${username}-own-password`;

beforeAll(async () => {
  ({ app, close } = await testApp());
  await loadDemoCounty(app.services.db, { now: '2026-11-01T00:00:00.000Z', cadres: 60, teachers: 10 });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
  // The county's own routine check of 干部联系群众 this month, for the county view.
  cadreShow = await ScriptedShow.create(app, base, {
    mode: 'routine',
    title: '干部联系群众十二月日常抽查',
    eventDate: '2026-12-01',
    plan: { ...DEMO_PLAN, auditees: { mode: 'total', count: 1 }, contactsPerAuditee: 3 },
  });
  await cadreShow.runToClose();
  browser = await launchChromium();
}, 180_000);
afterAll(async () => {
  cadreShow?.close();
  show?.close();
  await browser?.close();
  await close?.();
});

async function logIn(page: Page, username: string, password: string) {
  await page.goto(`${base}/console`);
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
}

/** The administrator grants an account in the browser; its owner logs in and sets their own password. */
async function grant(owner: Page, username: string, role: string, program: string | null) {
  await admin.getByTestId('tab-accounts').click();
  await admin.getByTestId('account-username').fill(username);
  await admin.getByTestId('account-grant-role').selectOption(role);
  // The form keeps the last account's programs (a department's accounts come together): set them anew.
  if (program === null) await admin.getByTestId('account-grant-every').check();
  else {
    await admin.getByTestId('account-grant-every').uncheck();
    await admin.locator(`[data-testid="account-grant-program"][data-program="${program}"]`).check();
  }
  await admin.getByTestId('account-create').click();
  const oneTime = (await admin.getByTestId('account-issued-password').innerText()).trim();
  await admin.getByRole('button', { name: '已交付，关闭' }).click();
  await logIn(owner, username, oneTime);
  await owner.getByTestId('set-password-current').fill(oneTime);
  await owner.getByTestId('set-password-next').fill(own(username));
  await owner.getByTestId('set-password-again').fill(own(username));
  await owner.getByTestId('set-password-submit').click();
}

const desktop = () => browser.newPage({ viewport: { width: 1366, height: 900 } });

describe('a department’s own program', () => {
  let operator: Page;
  let phone: Page;

  it('the administrator defines the program and grants the bureau’s operator, caller and the reader', async () => {
    admin = await desktop();
    await logIn(admin, 'admin', ADMIN_PASSWORD);
    await typeProgram(admin, AFTER_SCHOOL);
    await typeQuestions(admin, AFTER_SCHOOL);
    await admin.getByTestId('program-save').click();
    await admin.getByTestId('programs-saved').waitFor();
    const row = admin.locator('[data-testid="program-row"][data-code="after-school"]');
    expect(await row.getAttribute('data-version')).toBe('1');

    operator = await desktop();
    await grant(operator, 'jyj-operator', 'operator', 'after-school');
    await operator.getByTestId('tab-events').waitFor();
    phone = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    await grant(phone, 'jyj-caller', 'caller', 'after-school');
    await phone.getByTestId('caller-desk').waitFor();
    const accounts = admin.getByTestId('accounts-table');
    const scopeOf = (username: string) =>
      accounts.locator(`[data-testid="account-row"][data-username="${username}"]`).getByTestId('account-scope');
    expect(await scopeOf('jyj-operator').innerText()).toBe('校外培训家访');
    expect(await scopeOf('jyj-caller').innerText()).toBe('校外培训家访');
    await screenshot(admin, 'console-accounts-roles');
  }, 120_000);

  it('the bureau’s operator sees only its program, imports its roster and seals a routine check', async () => {
    // Its own programs' pages; the county's broadcast kit (outputs, control surfaces) is not its to manage.
    expect(await operator.locator('nav button').allInnerTexts()).toEqual([
      '抽查活动',
      '统计报表',
      '县级总览',
      '整改跟踪',
      '名册',
      '导入名册',
      '名册版本',
    ]);
    await operator.getByTestId('tab-import').click();
    const programs = await operator.getByTestId('program-select').locator('option').allInnerTexts();
    expect(programs).toEqual(['校外培训家访']);
    const files = generateDemoCounty({ cadres: 60, teachers: 10 });
    await operator.getByTestId('import-files').setInputFiles([
      { name: '教师名单.csv', mimeType: 'text/csv', buffer: files.teachers },
      { name: '家长名单.csv', mimeType: 'text/csv', buffer: files.parents },
    ]);
    await operator.getByTestId('import-submit').click();
    await operator.locator('[data-testid="import-result"]').waitFor();

    // Another program is out of its reach, by address as well as on screen: a typed refusal.
    const cookie = await loginCookie(app, 'jyj-operator', own('jyj-operator'));
    const grid = await app.inject({ url: '/api/programs/cadre-household/grid', headers: { cookie } });
    expect(grid.statusCode).toBe(403);
    expect(grid.json<{ error: { code: string } }>().error.code).toBe('AUTH_OUT_OF_SCOPE');
    const command = await app.inject({
      method: 'POST',
      url: `/api/events/${cadreShow.event.id}/commands`,
      headers: { cookie },
      payload: { revision: 0, idempotencyKey: 'outofscope01', command: { type: 'close' } },
    });
    expect(command.json<{ error: { code: string } }>().error.code).toBe('AUTH_OUT_OF_SCOPE');
    const socket = await ShowClient.connect(
      base,
      { eventId: cadreShow.event.id, role: 'staff', label: '越权' },
      cookie,
    ).catch((error: { data?: { error?: { code?: string } } }) => error.data?.error?.code);
    expect(socket).toBe('AUTH_OUT_OF_SCOPE');
    const events = await app.inject({ url: '/api/events', headers: { cookie } });
    expect(events.json<{ id: string }[]>().map((e) => e.id)).not.toContain(cadreShow.event.id);

    show = await ScriptedShow.create(app, base, {
      mode: 'routine',
      title: '县教育局校外培训家访日常抽查',
      eventDate: '2026-12-02',
      plan: { ...DEMO_PLAN, programCode: 'after-school', auditees: { mode: 'total', count: 1 }, contactsPerAuditee: 3 },
      operatorCookie: cookie,
    });
    expect(show.snapshot.questionnaire).toMatchObject({ version: 1, householdScoreRule: 'questionnaire' });
    await show.open();
    await show.entropyAndReveal();
    await show.run({ type: 'drawAuditee' });
    await show.run({ type: 'presentAuditee' });
  }, 120_000);

  it('the caller records each parent’s answers on the phone; scores follow the points', async () => {
    await phone.getByTestId('caller-waiting').waitFor();
    expect(await phone.content()).not.toMatch(/1\d{10}/u);
    // The bureau's operator takes the step from its own desk.
    await operator.goto(`${base}/console#/desk/${show.event.id}`);
    await operator.getByTestId('desk').waitFor();
    await nextAction(operator, '抽取核实户');
    await phone.locator('[data-testid="caller-desk"][data-state="calling"]').waitFor();
    // 30 + 20 + 30 + 满意 100 = 180 of 180; 30 + 10 + 15 + 基本满意 75 = 130; the third is not reached.
    const picks = [
      { outcome: '属实', answers: [0, 0, 0], satisfaction: '满意' },
      { outcome: '属实', answers: [0, 1, 1], satisfaction: '基本满意' },
      { outcome: '未联系上', answers: [], satisfaction: null },
    ];
    expect(await phone.getByTestId('call-card').count()).toBe(picks.length);
    for (const [i, pick] of picks.entries()) {
      const card = phone.locator('[data-testid="call-card"][data-state="pending"]').first();
      expect(await card.getByTestId('call-phone').innerText()).toMatch(/^1\d{10}$/u);
      await card.locator('[data-testid="call-status-option"][data-value="已接通"]').click();
      await card.locator(`[data-testid="qf-outcome"][data-value="${pick.outcome}"]`).click();
      for (const [qi, oi] of pick.answers.entries()) {
        await card
          .locator(`[data-testid="qf-question"][data-index="${qi}"] [data-testid="qf-option"][data-index="${oi}"]`)
          .click();
      }
      if (pick.satisfaction)
        await card.locator(`[data-testid="qf-satisfaction"][data-value="${pick.satisfaction}"]`).click();
      if (i === 1) {
        await card.scrollIntoViewIfNeeded();
        await screenshot(phone, 'console-caller-questionnaire');
      }
      await card.getByTestId('qf-submit').click();
      await expect.poll(() => phone.locator('[data-testid="call-card"][data-state="recorded"]').count()).toBe(i + 1);
    }
    await expect.poll(() => show.round.households.filter((h) => h.outcome !== null).length).toBe(3);
    expect(show.round.households.map((h) => h.answers)).toEqual([[0, 0, 0], [0, 1, 1], null]);
    // Each parent's own score: 180 and 130 of 180; the one not reached does not count.
    expect(show.round.households.map((h) => h.scoreHundredths)).toEqual([10000, 7222, null]);
  }, 120_000);

  it('takes the phones off the caller’s screen once the round is no longer being called', async () => {
    await nextAction(operator, '完成本轮核实');
    await expect.poll(() => show.round.step).toBe('result');
    // (180 + 130) × 10000 ÷ (2 × 180) = 8611.1 → 86.11; a routine check's result is the households' score.
    expect(show.round.score?.households.scoreHundredths).toBe(8611);
    expect(show.round.score?.combinedHundredths).toBe(8611);
    expect(show.round.score?.tier).toBe('良好');
    await phone.getByTestId('caller-waiting').waitFor();
    expect(await phone.getByTestId('call-phone').count()).toBe(0);
    expect(await phone.content()).not.toMatch(/1\d{10}/u);
    await show.run({ type: 'close' });
  });

  it('publishes a bundle that `npm run verify` checks, recomputing the households’ scores', async () => {
    const dir = tempDir();
    const bundle = JSON.parse(
      (await app.inject({ url: `/api/draws/${show.snapshot.draw.drawId}/bundle` })).body,
    ) as DrawBundle;
    expect(bundle.show?.rounds[0]?.score?.households.scoreHundredths).toBe(8611);
    const verify = (file: string) =>
      spawnSync(process.execPath, ['--import', 'tsx', 'scripts/verify.ts', file], { cwd: ROOT, encoding: 'utf8' });
    const path = join(dir, 'bundle.json');
    writeFileSync(path, JSON.stringify(bundle));
    const verified = verify(path);
    expect(verified.status, verified.stdout).toBe(0);
    expect(verified.stdout).toContain('全部检查通过');
    // One parent's answer changed after the show: the recomputed score no longer matches the published one.
    const forged = JSON.parse(JSON.stringify(bundle)) as DrawBundle;
    const answered = forged.show?.rounds[0]?.households.find((h) => Array.isArray(h.answers));
    if (!answered?.answers) throw new Error('no answers in the bundle');
    answered.answers[2] = 2;
    const forgedPath = join(dir, 'forged.json');
    writeFileSync(forgedPath, JSON.stringify(forged));
    const refused = verify(forgedPath);
    expect(refused.status).not.toBe(0);
    expect(refused.stdout).toContain('未通过的检查');
  }, 60_000);

  it('the reader reads the county view across both programs, and nothing to act on', async () => {
    const reader = await desktop();
    await grant(reader, 'jw-reader', 'reader', null);
    await reader.getByTestId('tab-events').waitFor();
    const tabs = await reader.locator('nav button').allInnerTexts();
    expect(tabs).toEqual(['抽查活动', '统计报表', '县级总览', '评委评价', '整改跟踪']);
    // Every program's events, to read: no 新建活动, and the public naming is not the reader's to change.
    const list = reader.getByTestId('event-list');
    await expect.poll(() => list.innerText()).toContain('县教育局校外培训家访日常抽查');
    expect(await list.innerText()).toContain('干部联系群众十二月日常抽查');
    expect(await reader.getByTestId('new-event').count()).toBe(0);
    expect(await reader.getByTestId('public-names').isDisabled()).toBe(true);
    await reader.getByTestId('tab-county').click();
    await reader.locator('[data-testid="county-view"][data-state="ready"]').waitFor();
    await reader.getByTestId('county-programs').waitFor();
    const audited = async (program: string) =>
      reader
        .locator(`[data-testid="county-program-row"][data-program="${program}"]`)
        .getByTestId('county-program-audited')
        .innerText();
    expect(await audited('cadre-household')).toBe('1');
    expect(await audited('after-school')).toBe('1');
    expect(await reader.getByTestId('county-departments').innerText()).toContain('县教育局');
    await screenshot(reader, 'console-county-view-reader');
  }, 60_000);
});
