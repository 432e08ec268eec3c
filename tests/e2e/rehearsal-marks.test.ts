import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { loadDemoCounty } from '../../server/demo/load-demo';
import { defaultPlan } from '../../server/draw-engine/default-plan';
import { launchChromium, screenshot } from '../helpers/browser';
import { testApp } from '../helpers/test-app';
import { ScriptedShow } from '../helpers/show-script';

/**
 * A rehearsal is marked 演练 wherever the public can reach it (its live page by its event id, its
 * results, its bundle on /verify and in `npm run verify`), and a sealed event nothing has been
 * drawn from is not called verified: its commitment is published, there is nothing to check yet.
 */
const ROOT = join(import.meta.dirname, '..', '..');
let app: FastifyInstance;
let close: () => Promise<void>;
let browser: Browser;
let base: string;
let rehearsal: ScriptedShow;
let undrawn: ScriptedShow;
let dir: string;

const plan = defaultPlan('2026-11-26', {
  eligibility: { ...defaultPlan('2026-11-26').eligibility, grid: [['城关街道']] },
  auditees: { mode: 'total', count: 1 },
  contactsPerAuditee: 2,
});

beforeAll(async () => {
  ({ app, close } = await testApp());
  await loadDemoCounty(app.services.db, { now: '2026-11-01T00:00:00.000Z', cadres: 300, teachers: 10 });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
  browser = await launchChromium();
  rehearsal = await ScriptedShow.create(app, base, {
    title: '示范县干部作风电视抽查',
    plan,
    rollSeconds: 2,
    rehearsal: true,
  });
  undrawn = await ScriptedShow.create(app, base, { title: '示范县十二月专项抽查', plan });
  dir = mkdtempSync(join(tmpdir(), 'choucha-rehearsal-'));
});
afterAll(async () => {
  rehearsal?.close();
  undrawn?.close();
  await browser?.close();
  await close?.();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function newPage(viewport: { width: number; height: number }): Promise<Page> {
  const page = await browser.newPage({ viewport });
  page.on('pageerror', (error) => {
    throw error;
  });
  return page;
}

function cli(bundle: string, name: string): { status: number | null; stdout: string } {
  const path = join(dir, name);
  writeFileSync(path, bundle);
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/verify.ts', path], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return { status: run.status, stdout: run.stdout };
}

describe('rehearsal and status marks', () => {
  it('marks a rehearsal’s public live page and its results 演练, on a phone', async () => {
    const listed = (await app.inject({ method: 'GET', url: '/api/public/events' })).json<{ id: string }[]>();
    expect(listed.map((e) => e.id)).not.toContain(rehearsal.event.id);
    const phone = await newPage({ width: 390, height: 844 });
    await phone.goto(`${base}/public#/e/${rehearsal.event.id}`);
    await phone.getByTestId('public-rehearsal').waitFor();
    expect(await phone.getByTestId('public-rehearsal').innerText()).toContain('不计入');
    expect(await phone.locator('h1').innerText()).toMatch(/^演练/u);
    await rehearsal.open();
    await rehearsal.entropyAndReveal();
    await rehearsal.run({ type: 'drawAuditee' });
    await rehearsal.run({ type: 'presentAuditee' });
    await rehearsal.run({ type: 'startReport' });
    await rehearsal.run({ type: 'endReport' });
    await rehearsal.run({ type: 'drawHouseholds' });
    await rehearsal.callHouseholds([{ outcome: '属实', satisfaction: '满意' }]);
    await rehearsal.run({ type: 'openJudging' });
    await rehearsal.judgesScore([88, 90, 86, 92, 85]);
    await rehearsal.run({ type: 'lockJudging' });
    await rehearsal.run({ type: 'revealScores' });
    await rehearsal.run({ type: 'showResult' });
    await phone.getByTestId('public-score').waitFor();
    expect(await phone.getByTestId('public-score-rehearsal').innerText()).toContain('演练结果');
    expect(await phone.getByTestId('public-rehearsal').isVisible()).toBe(true);
    await phone.getByTestId('public-score').scrollIntoViewIfNeeded();
    await phone.evaluate(() => window.scrollTo(0, 0));
    await screenshot(phone, 'public-rehearsal-phone');
    await phone.close();
  });

  it('verifies a rehearsal’s bundle on /verify and says plainly it is a rehearsal', async () => {
    const page = await newPage({ width: 1280, height: 900 });
    await page.goto(`${base}/verify?draw=${rehearsal.snapshot.draw.drawId}`);
    const verdict = page.getByTestId('verify-verdict');
    await verdict.waitFor();
    expect(await verdict.getAttribute('data-state')).toBe('pass');
    expect(await verdict.getAttribute('data-rehearsal')).toBe('true');
    expect(await page.getByTestId('verify-rehearsal').innerText()).toBe('演练');
    expect(await page.getByTestId('verify-headline').innerText()).toMatch(/^演练 · 验证通过/u);
    expect(await page.getByTestId('verify-note').first().innerText()).toContain('不计入');
    const states = await page.getByTestId('verify-check').evaluateAll((items) => items.map((i) => i.dataset.state));
    expect(states.every((s) => s === 'pass')).toBe(true);
    await screenshot(page, 'verify-rehearsal');
    await page.close();
  });

  it('says a sealed event with nothing drawn has nothing to verify yet, not 验证通过', async () => {
    const page = await newPage({ width: 1280, height: 900 });
    await page.goto(`${base}/verify?draw=${undrawn.snapshot.draw.drawId}`);
    const verdict = page.getByTestId('verify-verdict');
    await verdict.waitFor();
    expect(await verdict.getAttribute('data-state')).toBe('undrawn');
    expect(await verdict.getAttribute('data-rehearsal')).toBe('false');
    const headline = await page.getByTestId('verify-headline').innerText();
    expect(headline).toContain('尚未抽取');
    expect(headline).not.toContain('验证通过');
    expect(await page.getByTestId('verify-note').innerText()).toContain('承诺值');
    expect(await page.getByTestId('verify-rehearsal').count()).toBe(0);
    await screenshot(page, 'verify-undrawn');
    await page.close();
  });

  it('npm run verify prints the same distinctions', async () => {
    const fetchBundle = async (drawId: string) =>
      (await app.inject({ method: 'GET', url: `/api/draws/${drawId}/bundle` })).body;
    const ofRehearsal = cli(await fetchBundle(rehearsal.snapshot.draw.drawId), 'rehearsal.json');
    expect(ofRehearsal.status, ofRehearsal.stdout).toBe(0);
    expect(ofRehearsal.stdout).toMatch(/结论：全部检查通过。演练 · 验证通过/u);
    expect(ofRehearsal.stdout).toContain('不计入');
    const ofUndrawn = cli(await fetchBundle(undrawn.snapshot.draw.drawId), 'undrawn.json');
    expect(ofUndrawn.status, ofUndrawn.stdout).toBe(0);
    expect(ofUndrawn.stdout).toMatch(/结论：全部检查通过。已封存，尚未抽取/u);
    expect(ofUndrawn.stdout).not.toContain('验证通过');
    expect(ofUndrawn.stdout).not.toContain('演练');
  }, 60_000);
});
