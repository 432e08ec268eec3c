import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { loadDemoCounty } from '../../server/demo/load-demo';
import { generateDemoCounty } from '../../server/demo/demo-county';
import { csvSourceFromBuffer } from '../../server/registry/import/import-files';
import { importRoster } from '../../server/registry/import/roster-import';
import type { DrawBundle } from '../../server/verify/bundle';
import { verifyBundle } from '../../server/verify/bundle';
import { launchChromium, screenshot } from '../helpers/browser';
import { DeskDriver, hold, revisionOf } from '../helpers/desk-driver';
import { DEMO_PLAN } from '../helpers/draw-fixture';
import { ScriptedShow } from '../helpers/show-script';
import { ADMIN_PASSWORD, OPERATOR_PASSWORD, testApp } from '../helpers/test-app';
import { AFTER_SCHOOL, typeProgram, typeQuestions } from '../helpers/program-editor';

/**
 * Programs a department defines, in the browser (issue 22): the administrator creates the 县教育局's
 * 校外培训家访 program with a three-question questionnaire in the 项目 tab; its roster is imported and
 * a routine check sealed; the operator records each household's answers on the desk's
 * questionnaire form; the households' scores follow the questionnaire's points and the bundle verifies.
 */
let app: FastifyInstance;
let close: () => Promise<void>;
let browser: Browser;
let driver: DeskDriver;
let base: string;
let admin: Page;

beforeAll(async () => {
  ({ app, close } = await testApp());
  await loadDemoCounty(app.services.db, { now: '2026-11-01T00:00:00.000Z', cadres: 60, teachers: 10 });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
  browser = await launchChromium();
  driver = new DeskDriver(browser, base);
}, 120_000);
afterAll(async () => {
  await driver?.close();
  await browser?.close();
  await close?.();
});

describe('项目 (program editor)', () => {
  it('the administrator creates a program with a three-question questionnaire; saving makes version 1', async () => {
    admin = await driver.newPage({ width: 1366, height: 900 });
    await driver.login(admin, 'admin', ADMIN_PASSWORD, '');
    await admin.getByTestId('tab-programs').click();
    await admin.getByTestId('programs-table').waitFor();
    expect(await admin.getByTestId('program-row').count()).toBe(4);
    await typeProgram(admin, AFTER_SCHOOL);
    // The rule needs questions: the editor says so before anything is sent.
    expect(await admin.getByTestId('program-problems').innerText()).toContain('按问卷计分须至少有一道题');
    expect(await admin.getByTestId('program-save').isDisabled()).toBe(true);
    await typeQuestions(admin, AFTER_SCHOOL);
    await admin.getByTestId('program-preview-toggle').check();
    await admin.getByTestId('program-preview').getByTestId('qf-outcome').first().click();
    expect(await admin.getByTestId('program-preview').getByTestId('qf-question').count()).toBe(3);
    expect(await admin.getByTestId('program-problems').count()).toBe(0);
    await admin.evaluate(() => window.scrollTo(0, 0));
    await screenshot(admin, 'console-program-editor');
    await admin.getByTestId('program-save').click();
    await admin.getByTestId('programs-saved').waitFor();
    const row = admin.locator('[data-testid="program-row"][data-code="after-school"]');
    expect(await row.getAttribute('data-version')).toBe('1');
    expect(await row.getByTestId('program-department').innerText()).toBe('县教育局');

    // An edit is a new version; the first stays as it was.
    await row.getByTestId('program-edit').click();
    expect(await admin.getByTestId('program-history').innerText()).toContain('历史版本（1）');
    await admin.getByTestId('program-name').fill('校外培训家访抽查');
    await admin.getByTestId('program-save').click();
    await admin.getByTestId('programs-saved').waitFor();
    expect(await row.getAttribute('data-version')).toBe('2');
  }, 60_000);

  it('the operator records each household’s answers on the desk; scores follow the points', async () => {
    const files = generateDemoCounty({ cadres: 60, teachers: 10 });
    await importRoster(
      app.services.db,
      [csvSourceFromBuffer('教师名单.csv', files.teachers), csvSourceFromBuffer('家长名单.csv', files.parents)],
      { programCode: 'after-school', actor: 'operator', now: '2026-11-02T00:00:00.000Z' },
    );
    const show = await ScriptedShow.create(app, base, {
      mode: 'routine',
      title: '县教育局校外培训家访日常抽查',
      plan: { ...DEMO_PLAN, programCode: 'after-school', auditees: { mode: 'total', count: 1 }, contactsPerAuditee: 3 },
    });
    await show.open();
    await show.entropyAndReveal();
    await show.run({ type: 'drawAuditee' });
    await show.run({ type: 'presentAuditee' });
    await show.run({ type: 'drawHouseholds' });
    expect(show.snapshot.questionnaire).toMatchObject({ version: 2, householdScoreRule: 'questionnaire' });

    const desk = await driver.newPage({ width: 1366, height: 900 });
    await driver.login(desk, 'operator', OPERATOR_PASSWORD, `#/desk/${show.event.id}`);
    await desk.getByTestId('households-panel').waitFor();
    const picks = [
      { outcome: '属实', answers: [0, 0, 0], satisfaction: '满意', score: '100.00' }, // 180 of 180
      { outcome: '属实', answers: [0, 1, 1], satisfaction: '基本满意', score: '72.22' }, // 130 of 180
      { outcome: '未联系上', answers: [], satisfaction: null, score: null },
    ];
    for (const pick of picks) {
      const row = desk.locator('[data-testid="household-row"][data-state="pending"]').first();
      const number = (await row.getAttribute('data-household')) as string;
      await row.getByTestId('questionnaire-open').click();
      const form = desk.locator(`[data-testid="questionnaire-row"][data-household="${number}"]`);
      await form.locator(`[data-testid="qf-outcome"][data-value="${pick.outcome}"]`).click();
      if (pick.satisfaction) {
        expect(await form.getByTestId('qf-submit').isDisabled()).toBe(true);
        for (const [qi, oi] of pick.answers.entries()) {
          await form
            .locator(`[data-testid="qf-question"][data-index="${qi}"] [data-testid="qf-option"][data-index="${oi}"]`)
            .click();
        }
        await form.locator(`[data-testid="qf-satisfaction"][data-value="${pick.satisfaction}"]`).click();
      }
      if (pick === picks[1]) await screenshot(desk, 'console-desk-questionnaire');
      await form.getByTestId('qf-submit').click();
      const recorded = desk.locator(`[data-testid="household-row"][data-household="${number}"][data-state="recorded"]`);
      await recorded.waitFor();
      if (pick.score) expect(await recorded.getByTestId('household-score').innerText()).toBe(`${pick.score} 分`);
    }
    // A correction of the answers alone, on the same form, held to confirm: 30 + 20 + 0 + 100 = 150.
    const first = desk.locator('[data-testid="household-row"][data-state="recorded"]').first();
    await first.getByTestId('correct-outcome-open').click();
    const correction = first.getByTestId('correct-outcome-form');
    await correction
      .locator('[data-testid="qf-question"][data-index="2"] [data-testid="qf-option"][data-index="2"]')
      .click();
    await correction.getByTestId('qf-submit').click();
    expect(await correction.getByTestId('correct-outcome-chosen').innerText()).toContain('是 / 是 / 未解决');
    await correction.getByTestId('correct-reason').fill('回听录音，问题尚未解决');
    await correction.getByTestId('correct-outcome-hold').scrollIntoViewIfNeeded();
    await hold(desk, correction.getByTestId('correct-outcome-hold'));
    await expect.poll(() => first.getByTestId('household-score').innerText()).toBe('83.33 分');
    expect(await first.getByTestId('outcome-correction').innerText()).toContain('是 / 是 / 已解决');
    await show.staff.until(await revisionOf(desk));
    const households = show.snapshot.rounds[0]?.households ?? [];
    expect(households.map((h) => h.answers)).toEqual([[0, 0, 2], [0, 1, 1], null]);

    // The questionnaire form on a phone-sized screen (390 px): every option a finger can press.
    const phone = await driver.newPage({ width: 390, height: 844 });
    await driver.login(phone, 'admin', ADMIN_PASSWORD, '');
    await phone.getByTestId('tab-programs').click();
    await phone.locator('[data-testid="program-row"][data-code="after-school"]').getByTestId('program-edit').click();
    await phone.getByTestId('program-preview-toggle').check();
    const preview = phone.getByTestId('program-preview');
    await preview.locator('[data-testid="qf-outcome"]').first().click();
    const width = await preview.getByTestId('questionnaire-form').evaluate((el) => el.getBoundingClientRect().width);
    expect(width).toBeLessThanOrEqual(390);
    await preview.getByTestId('qf-option').first().click();
    await preview.getByTestId('questionnaire-form').scrollIntoViewIfNeeded();
    await phone.evaluate(() => document.querySelector('[data-testid="program-preview"]')?.scrollIntoView());
    await screenshot(phone, 'console-questionnaire-phone');
    for (const option of await preview.getByTestId('qf-option').all()) {
      const box = await option.boundingBox();
      expect(box?.height ?? 0).toBeGreaterThanOrEqual(44);
      expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(390);
    }

    await show.run({ type: 'finishRound' });
    await show.run({ type: 'close' });
    const bundle = JSON.parse(
      (await app.inject({ url: `/api/draws/${show.snapshot.draw.drawId}/bundle` })).body,
    ) as DrawBundle;
    // (150 + 130) × 10000 ÷ (2 × 180) = 7777.8 → 77.78
    expect(bundle.show?.rounds[0]?.score?.households.scoreHundredths).toBe(7778);
    expect(verifyBundle(bundle).checks.filter((c) => !c.ok)).toEqual([]);
    show.close();
  }, 120_000);
});
