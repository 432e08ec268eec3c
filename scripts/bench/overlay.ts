/**
 * The overlay's figures for `npm run bench`, in Debian's headless chromium against a real server:
 * frame timing during the roll, reload to the current graphic, JS size gzipped, and memory after
 * 1,000 graphic changes against after 10.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildApp } from '../../server/app';
import { loadDemoCounty } from '../../server/demo/load-demo';
import { defaultPlan } from '../../server/draw-engine/default-plan';
import type { ShowCommandBody } from '../../server/protocol/show';
import { launchChromium } from '../../tests/helpers/browser';
import { buildIfStale } from '../build-if-stale.mjs';
import { below, type BenchRecord, judged, median } from './record';
import { senderOf } from './sender';

const ROOT = join(import.meta.dirname, '..', '..');

/** The overlay page's own scripts (entry and preloaded chunks), gzipped as a browser would fetch them. */
function overlayScriptBytes(): number {
  const html = readFileSync(join(ROOT, 'dist', 'overlay', 'index.html'), 'utf8');
  const files = [...html.matchAll(/(?:src|href)="\/assets\/([^"]+\.js)"/gu)].map((m) => m[1] as string);
  return files.reduce(
    (sum, file) => sum + gzipSync(readFileSync(join(ROOT, 'dist', 'assets', file)), { level: 9 }).length,
    0,
  );
}

/** One OGraf graphic's scripts (its graphic.mjs and the runtime beside it), gzipped: what a renderer fetches. */
function ografScriptBytes(): number {
  const folder = join(ROOT, 'dist', 'ograf', 'graphics', 'choucha-auditee');
  return ['graphic.mjs', 'choucha-ograf.mjs'].reduce(
    (sum, file) => sum + gzipSync(readFileSync(join(folder, file)), { level: 9 }).length,
    0,
  );
}

/** The outputs' JS as a renderer fetches it (rows shared by the `overlay` and `layers` sections). */
export function benchOverlayScripts(records: BenchRecord[]): void {
  buildIfStale({ quiet: true });
  records.push(
    judged(
      {
        name: 'overlay JS (entry and chunks), gzipped',
        value: overlayScriptBytes() / 1024,
        unit: 'KB',
      },
      below(100, '< 100 KB'),
    ),
    judged(
      {
        name: 'one OGraf graphic’s JS (graphic.mjs and its runtime), gzipped',
        value: ografScriptBytes() / 1024,
        unit: 'KB',
      },
      below(100, '< 100 KB'),
    ),
  );
}

export async function benchOverlay(records: BenchRecord[], work: string): Promise<void> {
  buildIfStale({ quiet: true });
  const app = await buildApp({ dbPath: join(work, 'overlay.db') });
  await loadDemoCounty(app.services.db, { now: new Date().toISOString(), cadres: 300, teachers: 10 });
  const { events, shows } = app.services;
  const plan = defaultPlan(new Date().toISOString().slice(0, 10), {
    auditees: { mode: 'total', count: 1 },
    contactsPerAuditee: 3,
  });
  const draft = events.createEvent(
    {
      title: '画面基准测试',
      eventDate: plan.eventDate,
      venue: '',
      mode: 'televised',
      settings: { plan, reportMinutes: 5, rollSeconds: 6 },
    },
    'bench',
  );
  const eventId = events.sealEvent(draft.id, 'bench').id;
  let revision = 0;
  let key = 0;
  const run = (command: ShowCommandBody) => {
    const ack = shows.command(
      eventId,
      { revision, idempotencyKey: `overlay-bench-${(key += 1)}`, command },
      'bench',
      senderOf(command.type),
    );
    if (!ack.ok) throw new Error(`${command.type}: ${ack.error.message}`);
    revision = ack.revision;
    return ack.revision;
  };
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  const url = `${base}/overlay?event=${eventId}&key=${encodeURIComponent(events.overlayKey(eventId))}`;
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await page.addInitScript(() => {
      const w = window as unknown as { longTasks: number[] };
      w.longTasks = [];
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) w.longTasks.push(entry.duration);
      }).observe({ type: 'longtask', buffered: true });
    });
    await page.goto(url);
    const drawn = (rev: number, graphic?: string) =>
      page.waitForFunction(
        ([r, g]) => {
          const stage = document.querySelector('[data-testid="overlay"]');
          return (
            Number(stage?.getAttribute('data-revision')) >= (r as number) &&
            (g === null || stage?.getAttribute('data-graphic') === g)
          );
        },
        [rev, graphic ?? null] as const,
        { timeout: 15_000 },
      );
    run({ type: 'open' });
    run({ type: 'lockEntropy', entropy: '31415926535897932384626433' });
    run({ type: 'reveal' });

    // Frame timing over the whole roll, as the page's frames start (rAF timestamps).
    await drawn(revision);
    const rollRevision = run({ type: 'drawAuditee' });
    await drawn(rollRevision, 'roll');
    // A string, not a function: tsx would wrap named functions in a helper the page does not have.
    const frames = await page.evaluate<{ stamps: number[]; longTasks: number[] }>(`new Promise((resolve) => {
      window.longTasks = [];
      const stamps = [];
      requestAnimationFrame(function tick(t) {
        stamps.push(t);
        const phase = document.querySelector('[data-testid="lottery-roll"]')?.getAttribute('data-phase');
        if (phase === 'landed') resolve({ stamps, longTasks: window.longTasks });
        else requestAnimationFrame(tick);
      });
    })`);
    const intervals = frames.stamps.slice(1).map((t, i) => t - (frames.stamps[i] as number));
    records.push(
      judged(
        {
          name: `roll frame interval, median (${intervals.length} frames)`,
          value: median(intervals),
          unit: 'ms',
        },
        { text: '≤ 20 ms (50 fps)', test: (r) => r.value <= 20 },
      ),
    );
    records.push({ name: 'roll frame interval, worst', value: Math.max(...intervals), unit: 'ms' });
    records.push({
      name: 'frames dropped during the roll (interval over 25 ms, at the display rate of 60 Hz)',
      value: intervals.filter((v) => v > 25).length,
      unit: `of ${intervals.length}`,
    });
    records.push(
      judged(
        {
          name: 'long tasks over 50 ms during the roll',
          value: frames.longTasks.filter((d) => d > 50).length,
          unit: '',
        },
        { text: '0', test: (r) => r.value === 0 },
      ),
    );

    // Reload while a graphic is on air: navigation start to the current graphic drawn.
    const reloads: number[] = [];
    for (let i = 0; i < 7; i += 1) {
      await page.reload();
      await drawn(revision, 'roll');
      reloads.push(
        await page.evaluate(
          () => (window as { chouchaOverlay?: { readyAt: number | null } }).chouchaOverlay?.readyAt ?? Number.NaN,
        ),
      );
    }
    records.push(
      judged(
        {
          name: 'reload to the current graphic (median of 7)',
          value: median(reloads),
          unit: 'ms',
        },
        below(500, '< 500 ms'),
      ),
    );

    // Memory: graphic changes through the real protocol, each drawn before the next.
    run({ type: 'presentAuditee' });
    const client = await page.context().newCDPSession(page);
    const heapAfter = async (changes: number, done: { count: number }) => {
      for (; done.count < changes; done.count += 1) {
        run({
          type: 'cue',
          graphic: done.count % 2 === 0 ? 'opening' : 'auditee',
          round: done.count % 2 === 0 ? null : 0,
        });
        await drawn(run({ type: 'take' }));
      }
      await page.waitForTimeout(600); // the last exit and entrance finish
      await client.send('HeapProfiler.collectGarbage');
      await client.send('HeapProfiler.collectGarbage');
      const { usedSize } = await client.send('Runtime.getHeapUsage');
      const { metrics } = await client.send('Performance.getMetrics');
      const metric = (name: string) => metrics.find((m) => m.name === name)?.value ?? Number.NaN;
      return { heap: usedSize / 1048576, nodes: metric('Nodes'), listeners: metric('JSEventListeners') };
    };
    await client.send('Performance.enable');
    const done = { count: 0 };
    const early = await heapAfter(10, done);
    const late = await heapAfter(1000, done);
    records.push({ name: 'overlay JS heap after 10 graphic changes', value: early.heap, unit: 'MB' });
    records.push(
      judged(
        {
          name: 'overlay JS heap after 1,000 graphic changes',
          value: late.heap,
          unit: 'MB',
          baseline: { name: 'after 10', value: early.heap },
          ratio: late.heap / early.heap,
        },
        { text: 'no growth beyond noise (≤ 1.25×)', test: (r) => (r.ratio ?? Infinity) <= 1.25 },
      ),
    );
    const later = await heapAfter(2000, done);
    records.push({
      name: 'overlay JS heap after 2,000 graphic changes',
      value: later.heap,
      unit: 'MB',
      baseline: { name: 'after 1,000', value: late.heap },
      ratio: later.heap / late.heap,
    });
    records.push({
      name: 'overlay DOM nodes / listeners after 1,000 changes (after 10)',
      value: late.nodes,
      unit: `nodes, ${late.listeners} listeners (${early.nodes} nodes, ${early.listeners} listeners)`,
    });
    await page.close();
  } finally {
    await browser.close();
    await app.close();
  }
}
