/**
 * The overlay's layers for `npm run bench -- layers`, in Debian's headless chromium at 1920×1080
 * against a real server, every layer change sent by an operator's socket as the desk sends it:
 * frame timing while three layers animate at once (the ticker on the strap layer, the running
 * countdown on the timer layer, the lower third going in and out), reload to every on-air layer's
 * state, and memory after 1,000 layer changes against after 10.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { buildApp } from '../../server/app';
import { loadDemoCounty } from '../../server/demo/load-demo';
import { defaultPlan } from '../../server/draw-engine/default-plan';
import { LAYERS, TEXT_TEMPLATES } from '../../server/protocol/air';
import type { ShowCommandBody, ShowSnapshot } from '../../server/protocol/show';
import { launchChromium } from '../../tests/helpers/browser';
import { ShowClient } from '../../tests/helpers/show-client';
import { buildIfStale } from '../build-if-stale.mjs';
import { below, type BenchRecord, judged, median } from './record';
import { senderOf } from './sender';

/** How long the frames are watched while the three layers animate. */
const WINDOW_MS = 8000;
/** The lower third goes out or comes in this often during the window (entrance 450 ms, exit 220 ms). */
const TOGGLE_MS = 700;
const RELOADS = 7;

const TICKER = TEXT_TEMPLATES.ticker[0] as string;
const STRAP = TEXT_TEMPLATES.strap[0] as string;

/**
 * One cycle of ten layer changes across the layers (each an out, a cue and its take, the panic or
 * 恢复), ending where it began: bug, lower third, countdown and ticker on air. So after 10, 1,000
 * and 2,000 changes the same graphics are on air, and any growth is what the changes left behind.
 */
const CYCLE: readonly (readonly ShowCommandBody[])[] = [
  [{ type: 'out', layer: 'lower' }],
  [
    { type: 'cue', graphic: 'auditee', round: 0 },
    { type: 'take', layer: 'lower' },
  ],
  [
    { type: 'cue', graphic: 'strap', round: null, text: STRAP },
    { type: 'take', layer: 'strap' },
  ],
  [{ type: 'out', layer: 'timer' }],
  [
    { type: 'cue', graphic: 'countdown', round: 0 },
    { type: 'take', layer: 'timer' },
  ],
  [{ type: 'clearAll' }],
  [{ type: 'restore' }],
  [
    { type: 'cue', graphic: 'ticker', round: null, text: TICKER },
    { type: 'take', layer: 'strap' },
  ],
  [{ type: 'out', layer: 'bug' }],
  [
    { type: 'cue', graphic: 'bug', round: null },
    { type: 'take', layer: 'bug' },
  ],
];

/** `layer:graphic` of every layer on air in a snapshot, in LAYERS order. */
const onAir = (snapshot: ShowSnapshot): string[] =>
  LAYERS.flatMap((layer) => {
    const program = snapshot.air.layers[layer].program;
    return program ? [`${layer}:${program.graphic}`] : [];
  });

/** `layer:graphic` of every layer the page draws, in document order (LAYERS order). */
const drawnLayers = (page: Page): Promise<string[]> =>
  page.evaluate(`[...document.querySelectorAll('[data-testid="graphic"]')].map(
    (el) => el.getAttribute('data-layer') + ':' + el.getAttribute('data-graphic'))`);

/** What the frames looked like while the three layers animated (measured in the page). */
interface FrameWindow {
  stamps: number[];
  longTasks: number[];
  entrances: number;
  strapText: boolean;
  strapMoved: boolean;
  clockBefore: string;
  clockAfter: string;
}

// A string, not a function: tsx would wrap named functions in a helper the page does not have.
const WATCH_FRAMES = `new Promise((resolve) => {
  const strapBoxes = () => [...document.querySelectorAll('[data-layer="strap"] *')].map((el) => {
    const box = el.getBoundingClientRect();
    return box.x + ',' + box.y;
  }).join(' ');
  const clock = () => document.querySelector('[data-testid="countdown-clock"]')?.textContent ?? '';
  const strap = document.querySelector('[data-layer="strap"]');
  const boxesBefore = strapBoxes();
  const clockBefore = clock();
  const entrancesBefore = window.chouchaOverlay.entrances;
  window.longTasks = [];
  const stamps = [];
  const until = performance.now() + ${WINDOW_MS};
  requestAnimationFrame(function tick(t) {
    stamps.push(t);
    if (t < until) return requestAnimationFrame(tick);
    resolve({
      stamps,
      longTasks: window.longTasks,
      entrances: window.chouchaOverlay.entrances - entrancesBefore,
      strapText: (strap?.textContent ?? '').trim().length > 0,
      strapMoved: boxesBefore !== '' && strapBoxes() !== boxesBefore,
      clockBefore,
      clockAfter: clock(),
    });
  });
})`;

/** The same window's frames on an empty page in the same browser: what the machine itself allows. */
const BARE_FRAMES = `new Promise((resolve) => {
  const stamps = [];
  const until = performance.now() + ${WINDOW_MS};
  requestAnimationFrame(function tick(t) {
    stamps.push(t);
    if (t < until) requestAnimationFrame(tick);
    else resolve(stamps);
  });
})`;

const intervalsOf = (stamps: readonly number[]): number[] => stamps.slice(1).map((t, i) => t - (stamps[i] as number));
const droppedOf = (intervals: readonly number[]): number => intervals.filter((v) => v > 25).length;

export async function benchLayers(records: BenchRecord[], work: string): Promise<void> {
  buildIfStale({ quiet: true });
  const password = 'bench-operator-pass';
  const app = await buildApp({ dbPath: join(work, 'layers.db'), initialPasswords: { operator: password } });
  await loadDemoCounty(app.services.db, { now: new Date().toISOString(), cadres: 300, teachers: 10 });
  const { events, shows } = app.services;
  const plan = defaultPlan(new Date().toISOString().slice(0, 10), {
    auditees: { mode: 'total', count: 1 },
    contactsPerAuditee: 3,
  });
  const draft = events.createEvent(
    {
      title: '图层基准测试',
      eventDate: plan.eventDate,
      venue: '',
      mode: 'televised',
      // A long report, so the countdown runs through the whole section.
      settings: { plan, reportMinutes: 60, rollSeconds: 2 },
    },
    'bench',
  );
  const eventId = events.sealEvent(draft.id, 'bench').id;
  // Up to the report (the entropy is the supervisor's on the desk; here the service takes it).
  let revision = 0;
  for (const command of [
    { type: 'open' },
    { type: 'lockEntropy', entropy: '27182818284590452353602874' },
    { type: 'reveal' },
    { type: 'drawAuditee' },
    { type: 'presentAuditee' },
    { type: 'startReport' },
  ] as const) {
    const ack = shows.command(
      eventId,
      { revision, idempotencyKey: `layers-setup-${revision}`, command },
      'bench',
      senderOf(command.type),
    );
    if (!ack.ok) throw new Error(`${command.type}: ${ack.error.message}`);
    revision = ack.revision;
  }

  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  const login = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'operator', password }),
  });
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] as string;
  const operator = await ShowClient.connect(base, { eventId, role: 'staff', label: '基准测试操作台' }, cookie);
  let key = 0;
  /** Sends commands one after another from the operator's socket; the revision of the last. */
  const send = async (commands: readonly ShowCommandBody[]): Promise<number> => {
    for (const command of commands) {
      const ack = await operator.send(command, { revision, key: `layers-${(key += 1)}` });
      if (!ack.ok) throw new Error(`${command.type}: ${ack.error.code} ${ack.error.message}`);
      revision = ack.revision;
    }
    operator.snapshots.splice(0, operator.snapshots.length - 1); // keep only the latest
    return revision;
  };
  // The ticker joins the bug, the lower third and the countdown: four layers on air.
  await send(CYCLE[7] as readonly ShowCommandBody[]);
  await operator.until(revision);
  const expected = onAir(operator.latest);
  if (expected.length < 4) throw new Error(`only ${expected.join(', ')} on air`);

  const url = `${base}/overlay?event=${eventId}&key=${encodeURIComponent(events.overlayKey(eventId))}`;
  const browser = await launchChromium();
  try {
    const bare = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await bare.setContent('<!doctype html><html><body></body></html>');
    const bareIntervals = intervalsOf(await bare.evaluate<number[]>(BARE_FRAMES));
    await bare.close();

    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await page.addInitScript(() => {
      const w = window as unknown as { longTasks: number[] };
      w.longTasks = [];
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) w.longTasks.push(entry.duration);
      }).observe({ type: 'longtask', buffered: true });
    });
    const drawn = (rev: number) =>
      page.waitForFunction(
        (r) => Number(document.querySelector('[data-testid="overlay"]')?.getAttribute('data-revision')) >= r,
        rev,
        { timeout: 15_000 },
      );
    await page.goto(url);
    await drawn(revision);
    await page.waitForTimeout(1000); // the first entrances and the clock sync settle

    // Three layers animating at once: the ticker scrolls, the countdown runs, the lower third goes
    // out and comes back in every TOGGLE_MS, sent from the operator's socket while the page counts.
    let watching = true;
    const watched = page.evaluate<FrameWindow>(WATCH_FRAMES).finally(() => (watching = false));
    for (let i = 0; watching; i += 1) {
      await send(i % 2 === 0 ? [{ type: 'out', layer: 'lower' }] : (CYCLE[1] as readonly ShowCommandBody[]));
      await new Promise((resolve) => setTimeout(resolve, TOGGLE_MS));
    }
    const frames = await watched;
    // Back to the four layers (the toggling may have stopped with the lower third out).
    if (operator.latest.air.layers.lower.program === null) await send(CYCLE[1] as readonly ShowCommandBody[]);
    await drawn(revision);
    const intervals = intervalsOf(frames.stamps);
    const ticker = frames.strapMoved
      ? 'ticker scrolling'
      : frames.strapText
        ? 'ticker drawn, not moving'
        : 'strap layer empty: no ticker renderer yet';
    const clock =
      frames.clockBefore !== frames.clockAfter
        ? `countdown ${frames.clockBefore}→${frames.clockAfter}`
        : 'countdown NOT running';
    const what = `${ticker}, ${clock}, lower third ${frames.entrances} entrances`;
    records.push(
      judged(
        {
          name: `layers: frame interval, median (${intervals.length} frames over ${WINDOW_MS / 1000} s: ${what})`,
          value: median(intervals),
          unit: 'ms',
        },
        { text: '≤ 20 ms (50 fps)', test: (r) => r.value <= 20 },
      ),
    );
    records.push({
      name: 'layers: frame interval, worst',
      value: Math.max(...intervals),
      unit: 'ms',
      baseline: { name: 'empty page', value: Math.max(...bareIntervals) },
    });
    records.push({
      name: `layers: frames dropped (interval over 25 ms, at the display rate of 60 Hz; empty page, same browser: ${droppedOf(bareIntervals)} of ${bareIntervals.length})`,
      value: droppedOf(intervals),
      unit: `of ${intervals.length}`,
    });
    const longest = Math.max(0, ...frames.longTasks);
    records.push(
      judged(
        {
          name: `layers: long tasks over 50 ms while three layers animate${longest > 50 ? ` (longest ${longest.toFixed(0)} ms)` : ''}`,
          value: frames.longTasks.filter((d) => d > 50).length,
          unit: '',
        },
        { text: '0', test: (r) => r.value === 0 },
      ),
    );

    // Reload with four layers on air: navigation start to every on-air layer drawn, nothing replayed.
    await operator.until(revision);
    const wanted = onAir(operator.latest);
    const reloads: number[] = [];
    let matched = 0;
    let replayed = 0;
    for (let i = 0; i < RELOADS; i += 1) {
      await page.reload();
      await drawn(revision);
      await page.waitForFunction('(window.chouchaOverlay?.readyAt ?? null) !== null', undefined, { timeout: 15_000 });
      const diagnostics = await page.evaluate<{ readyAt: number; entrances: number }>(
        '({ readyAt: window.chouchaOverlay.readyAt, entrances: window.chouchaOverlay.entrances })',
      );
      reloads.push(diagnostics.readyAt);
      replayed += diagnostics.entrances;
      if ((await drawnLayers(page)).join(' ') === wanted.join(' ')) matched += 1;
    }
    records.push(
      judged(
        {
          name: `layers: reload to every layer's current state, ${wanted.length} on air (${wanted.map((l) => l.split(':')[1]).join(', ')}), median of ${RELOADS}`,
          value: median(reloads),
          unit: 'ms',
        },
        below(500, '< 500 ms'),
      ),
    );
    records.push(
      judged(
        {
          name: `layers: reloads that drew exactly the snapshot's on-air layers, and entrances replayed (${replayed})`,
          value: matched,
          unit: `of ${RELOADS}`,
        },
        { text: `${RELOADS} of ${RELOADS}, 0 replayed`, test: (r) => r.value === RELOADS && replayed === 0 },
      ),
    );

    // Memory: layer changes through the operator's socket, each drawn before the next.
    const client = await page.context().newCDPSession(page);
    await client.send('Performance.enable');
    let changes = 0;
    const after = async (count: number) => {
      for (; changes < count; changes += 1)
        await drawn(await send(CYCLE[changes % CYCLE.length] as readonly ShowCommandBody[]));
      await page.waitForTimeout(600); // the last exit and entrance finish
      await client.send('HeapProfiler.collectGarbage');
      await client.send('HeapProfiler.collectGarbage');
      const { usedSize } = await client.send('Runtime.getHeapUsage');
      const { metrics } = await client.send('Performance.getMetrics');
      const metric = (name: string) => metrics.find((m) => m.name === name)?.value ?? Number.NaN;
      const layers = (await drawnLayers(page)).join(' ');
      if (layers !== wanted.join(' ')) throw new Error(`after ${count} changes the page draws ${layers}`);
      return { heap: usedSize / 1048576, nodes: metric('Nodes'), listeners: metric('JSEventListeners') };
    };
    const early = await after(10);
    const late = await after(1000);
    records.push({ name: 'layers: overlay JS heap after 10 layer changes', value: early.heap, unit: 'MB' });
    records.push(
      judged(
        {
          name: 'layers: overlay JS heap after 1,000 layer changes (out, cue and take, panic and 恢复 on 4 layers)',
          value: late.heap,
          unit: 'MB',
          baseline: { name: 'after 10', value: early.heap },
          ratio: late.heap / early.heap,
        },
        { text: 'no growth beyond noise (≤ 1.25×)', test: (r) => (r.ratio ?? Infinity) <= 1.25 },
      ),
    );
    records.push(
      judged(
        {
          name: `layers: DOM nodes after 1,000 layer changes (${late.listeners} listeners; after 10: ${early.listeners})`,
          value: late.nodes,
          unit: 'nodes',
          baseline: { name: 'after 10', value: early.nodes },
          ratio: late.nodes / early.nodes,
        },
        {
          text: 'no more nodes or listeners than after 10',
          test: (r) => r.value <= early.nodes && late.listeners <= early.listeners,
        },
      ),
    );
    const later = await after(2000);
    records.push({
      name: 'layers: overlay JS heap after 2,000 layer changes',
      value: later.heap,
      unit: 'MB',
      baseline: { name: 'after 1,000', value: late.heap },
      ratio: later.heap / late.heap,
    });
    await page.close();
  } finally {
    operator.close();
    await browser.close();
    await app.close();
  }
}
