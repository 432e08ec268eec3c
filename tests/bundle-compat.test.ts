import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { loadDemoCounty } from '../server/demo/load-demo';
import { verifyBundle, type DrawBundle } from '../server/verify/bundle';
import { DEMO_PLAN } from './helpers/draw-fixture';
import { testApp } from './helpers/test-app';
import { ScriptedShow } from './helpers/show-script';

let app: FastifyInstance;
let close: () => Promise<void>;
let bundle: DrawBundle;
let show: ScriptedShow;

beforeAll(async () => {
  ({ app, close } = await testApp());
  await loadDemoCounty(app.services.db, { now: '2026-11-01T00:00:00.000Z', cadres: 300, teachers: 10 });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  show = await ScriptedShow.create(app, base, { plan: DEMO_PLAN, rollSeconds: 2 });
  await show.runToClose();
  bundle = app.services.shows.bundle(show.snapshot.draw.drawId);
});
afterAll(async () => {
  show.close();
  await close();
});

/** A round's result as bundles of the first format published it: these keys, and its sentences then. */
const FIRST_FORMAT = {
  judges: ['counted', 'droppedHigh', 'droppedLow', 'method', 'finalHundredths', 'announcement'],
  households: [
    'sampled',
    'reached',
    'counted',
    'satisfied',
    'confirmed',
    'satisfactionRateHundredths',
    'responseRateHundredths',
    'scoreHundredths',
  ],
};
const pick = (value: object, keys: readonly string[]): Record<string, unknown> =>
  Object.fromEntries(Object.entries(value).filter(([key]) => keys.includes(key)));

function asFirstFormat(source: DrawBundle): DrawBundle {
  const copy: DrawBundle = JSON.parse(JSON.stringify(source));
  for (const round of copy.show?.rounds ?? []) {
    if (!round.score) continue;
    const score = round.score;
    const judges = score.judges ? { ...pick(score.judges, FIRST_FORMAT.judges), announcement: '旧版措辞' } : null;
    Object.assign(round, {
      score: {
        judges,
        households: pick(score.households, FIRST_FORMAT.households),
        combinedHundredths: score.combinedHundredths,
        tier: score.tier,
      },
    });
  }
  return copy;
}

describe('bundles of an earlier format', () => {
  it('verify when every figure they publish agrees, whatever fields and sentences they lack', () => {
    expect(verifyBundle(bundle).ok).toBe(true);
    const first = asFirstFormat(bundle);
    expect(JSON.stringify(first)).not.toBe(JSON.stringify(bundle));
    const report = verifyBundle(first);
    expect(report.checks.filter((c) => !c.ok)).toEqual([]);
  });

  it('still fail when a published figure differs', () => {
    const first = asFirstFormat(bundle);
    const round = first.show?.rounds.find((r) => r.score?.combinedHundredths !== null);
    if (!round?.score || round.score.combinedHundredths === null) throw new Error('no scored round');
    round.score.combinedHundredths += 1;
    const failed = verifyBundle(first)
      .checks.filter((c) => !c.ok)
      .map((c) => c.id);
    expect(failed).toContain('show-scores');
  });
});
