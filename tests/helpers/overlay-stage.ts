import type { Browser, Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { loadDemoCounty } from '../../server/demo/load-demo';
import { launchChromium } from './browser';
import { testApp } from './test-app';
import { ScriptedShow } from './show-script';
import type { OverlayDiagnostics } from '../../overlay/src/lib/overlay-state.svelte';

declare global {
  /** What the overlay exposes for its tests (see overlay-state.svelte.ts). */
  interface Window {
    chouchaOverlay?: OverlayDiagnostics;
  }
}

/** The stage of the overlay's browser tests: the demo county served, chromium, and the shows run on it. */
export class OverlayStage {
  app!: FastifyInstance;
  base = '';
  browser!: Browser;
  private close: (() => Promise<void>) | null = null;
  private readonly shows: ScriptedShow[] = [];

  async start(): Promise<void> {
    const started = await testApp();
    this.app = started.app;
    this.close = started.close;
    await loadDemoCounty(this.app.services.db, { now: '2026-11-01T00:00:00.000Z', cadres: 300, teachers: 10 });
    this.base = await this.app.listen({ host: '127.0.0.1', port: 0 });
    this.browser = await launchChromium();
  }

  async stop(): Promise<void> {
    for (const show of this.shows) show.close();
    await this.browser?.close();
    await this.close?.();
  }

  async newShow(options: Parameters<typeof ScriptedShow.create>[2] = {}): Promise<ScriptedShow> {
    const show = await ScriptedShow.create(this.app, this.base, options);
    this.shows.push(show);
    return show;
  }

  /** A programme output at 1920×1080 that fails the test on any page error. */
  async openOverlay(url: string): Promise<Page> {
    const page = await this.browser.newPage({ viewport: { width: 1920, height: 1080 } });
    page.on('pageerror', (error) => {
      throw error;
    });
    await page.goto(url);
    return page;
  }
}
