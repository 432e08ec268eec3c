import { expect } from 'vitest';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { screenshot } from './browser';

/** The console as a user drives it in chromium: pages in their own contexts, holds, steps, tablets. */
export class DeskDriver {
  readonly contexts: BrowserContext[] = [];

  constructor(
    readonly browser: Browser,
    readonly base: string,
  ) {}

  /** A page in a fresh context (its own cookies and storage, as a separate device). */
  async newPage(viewport = { width: 1366, height: 768 }): Promise<Page> {
    const context = await this.browser.newContext({ viewport });
    this.contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (error) => {
      throw error;
    });
    return page;
  }

  async login(page: Page, username: string, password: string, hash: string): Promise<void> {
    await page.goto(`${this.base}/console${hash}`);
    await page.getByTestId('login-username').fill(username);
    await page.getByTestId('login-password').fill(password);
    await page.getByTestId('login-submit').click();
  }

  /** Joins a judge's tablet to its seat by the printed link and PIN. */
  async joinTablet(joinPath: string, pin: string): Promise<Page> {
    const page = await this.newPage({ width: 1280, height: 800 });
    await page.goto(`${this.base}${joinPath}`);
    await page.getByTestId('judge-pin').fill(pin);
    await page.getByTestId('judge-join').click();
    await page.waitForSelector('[data-testid="tablet"][data-screen="waiting"]');
    return page;
  }

  async close(): Promise<void> {
    for (const context of this.contexts) await context.close().catch(() => undefined);
  }
}

/** Presses and holds a button for longer than the confirmation time, then lets go. */
export async function hold(page: Page, button: Locator, ms = 1300): Promise<void> {
  await expect.poll(() => button.isEnabled(), { timeout: 10_000 }).toBe(true);
  const box = await button.boundingBox();
  if (!box) throw new Error('button not visible');
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  const before = await button.innerText();
  await page.mouse.down();
  await page.waitForTimeout(ms);
  // On a loaded machine the page's hold timer runs late: keep holding (3 s at most) until the
  // button shows the step was taken, as a person keeps pressing until it does.
  const label = () => button.innerText({ timeout: 200 }).catch(() => '');
  for (let waited = 0; waited < 3000 && (await label()) === before; waited += 100) await page.waitForTimeout(100);
  await page.mouse.up();
}

export const revisionOf = async (page: Page) =>
  Number(await page.getAttribute('[data-testid="desk"]', 'data-revision'));
export const stepOf = (page: Page) => page.getAttribute('[data-testid="round-panel"]', 'data-step');
export const nextLabel = (page: Page) => page.getByTestId('next-action').innerText();

export async function waitStep(page: Page, step: string): Promise<void> {
  try {
    await page.waitForSelector(`[data-testid="round-panel"][data-step="${step}"]`, { timeout: 15_000 });
  } catch (error) {
    await screenshot(page, `failed-wait-${step}`);
    throw error;
  }
}

/** Takes the desk's one large button once it says `label`: a click, or a hold when irreversible. */
export async function nextAction(page: Page, label: string): Promise<void> {
  await expect.poll(() => nextLabel(page), { timeout: 10_000 }).toContain(label);
  const button = page.getByTestId('next-action');
  if ((await button.getAttribute('data-state')) === 'hold' || (await button.isDisabled())) {
    await hold(page, button);
  } else await button.click();
}

/** Records every household still pending as reached, 属实, 满意. */
export async function recordAllHouseholds(page: Page): Promise<void> {
  const pending = page.locator('[data-testid="household-row"][data-state="pending"]');
  while ((await pending.count()) > 0) {
    const row = pending.first();
    const number = await row.getAttribute('data-household');
    await row.getByTestId('outcome').selectOption('属实');
    await row.getByTestId('satisfaction').selectOption('满意');
    await row.getByTestId('record-outcome').click();
    await page.waitForSelector(`[data-testid="household-row"][data-household="${number}"][data-state="recorded"]`);
  }
}

/** Enters an overall score on a tablet and submits it through its confirmation. */
export async function scoreOnTablet(page: Page, score: number, submitted = true): Promise<void> {
  await page.waitForSelector('[data-testid="tablet"][data-screen="scoring"]', { timeout: 10_000 });
  await page.getByTestId('judge-item-value').first().fill(String(score));
  await page.getByTestId('judge-item-value').first().blur();
  await page.getByTestId('judge-submit').click();
  await page.getByTestId('judge-confirm-submit').click();
  if (submitted) await page.waitForSelector('[data-testid="tablet"][data-screen="submitted"]', { timeout: 10_000 });
}
