import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Debian's chromium, headless, with the flags this machine's closed network needs. Every page it
 * opens is watched for content-security-policy refusals: closing the browser fails the suite if
 * the policy blocked anything (a script of ours the policy forgot, or an injected one).
 */
export async function launchChromium(): Promise<Browser> {
  const browser = await launchBare();
  const violations: string[] = [];
  const watch = (page: Page) =>
    page.on('console', (message) => {
      if (/Content Security Policy/iu.test(message.text())) violations.push(`${page.url()}: ${message.text()}`);
    });
  const newPage = browser.newPage.bind(browser);
  browser.newPage = async (options) => {
    const page = await newPage(options);
    watch(page);
    return page;
  };
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (options) => {
    const context = await newContext(options);
    context.on('page', watch);
    return context;
  };
  const close = browser.close.bind(browser);
  browser.close = async (options) => {
    await close(options);
    if (violations.length > 0) throw new Error(`content security policy refusals:\n${violations.join('\n')}`);
  };
  return browser;
}

/** Chromium without the policy watch: for tests that provoke refusals on purpose. */
export function launchBare(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

/** Screenshots go to test-results/ by default; `npm run screenshots` points them at docs/. */
export const SCREENSHOT_DIR =
  process.env.CHOUCHA_SCREENSHOTS ?? join(import.meta.dirname, '..', '..', 'test-results', 'screenshots');

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  // The Chinese font is shipped with the app; wait until it has loaded so no glyph is a box.
  await page.evaluate(async () => {
    const text = document.body.innerText;
    // Offline pages (a tablet in a Wi-Fi drop) cannot fetch more: they show what they already have.
    await Promise.all([
      document.fonts.load("400 16px 'Noto Sans SC'", text),
      document.fonts.load("700 16px 'Noto Sans SC'", text),
    ]).catch(() => undefined);
    await document.fonts.ready;
  });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path });
  return path;
}
