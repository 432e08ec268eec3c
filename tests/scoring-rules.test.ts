import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { loadDemoCounty } from '../server/demo/load-demo';
import { verifyBundle, type DrawBundle } from '../server/verify/bundle';
import { DEFAULT_SCORING_RULES, RUBRIC_EXAMPLE, type ScoringRules } from '../server/protocol/scoring';
import { DEMO_PLAN } from './helpers/draw-fixture';
import { loginCookie, SUPERVISOR_PASSWORD, testApp } from './helpers/test-app';
import { ShowClient } from './helpers/show-client';
import { JUDGE_NAMES, ScriptedShow } from './helpers/show-script';

let app: FastifyInstance;
let close: () => Promise<void>;
let cookie: string;
let base: string;

beforeAll(async () => {
  ({ app, close } = await testApp());
  await loadDemoCounty(app.services.db, { now: '2026-11-01T00:00:00.000Z', cadres: 300, teachers: 10 });
  cookie = await loginCookie(app);
  base = await app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await close();
});

const RULES: ScoringRules = {
  ...DEFAULT_SCORING_RULES,
  criteria: RUBRIC_EXAMPLE,
  trim: { perSide: 1, fromJudges: 4, on: 'totals' },
  weights: { judges: 50, households: 50 },
};

describe('scoring rules are part of the sealed plan', () => {
  it('names what is wrong with rules that cannot work in the preview, and refuses to seal them', async () => {
    const plan = { ...DEMO_PLAN, scoring: { ...RULES, weights: { judges: 70, households: 40 } } };
    const preview = await app.inject({
      method: 'POST',
      url: '/api/draws/preview',
      headers: { cookie },
      payload: { plan },
    });
    expect(preview.statusCode).toBe(200);
    expect(preview.json().problem.code).toBe('PLAN_INVALID');
    expect(preview.json().problem.message).toContain('评委与群众权重之和须为 100%');
    const sealed = await app.inject({
      method: 'POST',
      url: '/api/draws',
      headers: { cookie },
      payload: { title: '坏规则', plan },
    });
    expect(sealed.statusCode).toBe(422);
    expect(sealed.json().error.code).toBe('PLAN_INVALID');
  });

  it('hashes the rules with the plan and carries them in the bundle, which still verifies', async () => {
    const seal = async (plan: object) => {
      const response = await app.inject({
        method: 'POST',
        url: '/api/draws',
        headers: { cookie },
        payload: { title: '评分规则', plan },
      });
      expect(response.statusCode, response.body).toBe(200);
      return response.json<{ drawId: string; planHash: string }>();
    };
    const withRules = await seal({ ...DEMO_PLAN, scoring: RULES });
    const without = await seal(DEMO_PLAN);
    expect(withRules.planHash).not.toBe(without.planHash);
    const bundle = (
      await app.inject({ method: 'GET', url: `/api/draws/${withRules.drawId}/bundle` })
    ).json<DrawBundle>();
    expect((bundle as unknown as { plan: { scoring: ScoringRules } }).plan.scoring).toEqual(RULES);
    const report = verifyBundle(bundle);
    expect(report.ok).toBe(true);
    // Changing a weight after the fact breaks the plan hash.
    const tampered = JSON.parse(JSON.stringify(bundle)) as { plan: { scoring: ScoringRules } };
    tampered.plan.scoring.weights = { judges: 90, households: 10 };
    expect(verifyBundle(tampered).ok).toBe(false);
  });

  it('scores a show by its own declared rules (50/50 here, not the default 60/40)', async () => {
    const plan = {
      ...DEMO_PLAN,
      auditees: { mode: 'total' as const, count: 1 },
      contactsPerAuditee: 2,
      scoring: RULES,
    };
    const show = await ScriptedShow.create(app, base, { plan, rollSeconds: 2 });
    try {
      await show.open();
      await show.entropyAndReveal();
      for (const type of ['drawAuditee', 'presentAuditee', 'startReport', 'endReport', 'drawHouseholds'] as const) {
        await show.run({ type });
      }
      await show.callHouseholds([{ outcome: '属实', satisfaction: '基本满意' }]);
      await show.run({ type: 'openJudging' });
      // Per criterion (工作实绩 /40, 群众评价 /30, 现场答辩 /30): totals 80, 90, 85, 95, 70.
      await show.judgesScore([
        [32, 24, 24],
        [36, 27, 27],
        [34, 25.5, 25.5],
        [38, 28.5, 28.5],
        [28, 21, 21],
      ]);
      await show.run({ type: 'lockJudging' });
      await show.run({ type: 'revealScores' });
      const score = show.round.score;
      // Judges: drop 95 and 70 → (80+90+85)/3 = 85; households: one 基本满意 = 75; 50/50 → 80 (良好).
      expect(score?.judges?.finalHundredths).toBe(8500);
      expect(score?.households.scoreHundredths).toBe(7500);
      expect(score?.combinedHundredths).toBe(8000);
      expect(score?.tier).toBe('良好');
      await show.run({ type: 'showResult' });
      await show.run({ type: 'close' });

      // The bundle carries the show: replayed and recomputed by the verifier, tampering named.
      const response = await app.inject({ method: 'GET', url: `/api/draws/${show.event.drawId}/bundle` });
      const bundle = JSON.parse(response.body) as DrawBundle;
      expect(bundle.show?.rounds[0]?.score?.combinedHundredths).toBe(8000);
      expect(bundle.show?.rounds[0]?.scores.map((s) => [s.seat, s.hundredths, s.versions])).toEqual([
        [1, 8000, 1],
        [2, 9000, 1],
        [3, 8500, 1],
        [4, 9500, 1],
        [5, 7000, 1],
      ]);
      expect(response.body).not.toContain(JUDGE_NAMES[0]);
      const report = verifyBundle(bundle);
      expect(report.checks.filter((c) => c.id.startsWith('show')).map((c) => [c.id, c.ok])).toEqual([
        ['show-present', true],
        ['show-log', true],
        ['show-replay', true],
        ['show-scores', true],
        ['show-draw', true],
      ]);
      expect(report.ok).toBe(true);

      const published = JSON.parse(response.body) as DrawBundle;
      (published.show?.rounds[0]?.score as { tier: string }).tier = '优秀';
      expect(verifyBundle(published).checks.find((c) => c.id === 'show-scores')?.ok).toBe(false);

      const rewritten = JSON.parse(response.body) as DrawBundle;
      const entry = rewritten.show?.log.find((e) => e.type === 'submitScore');
      (entry?.payload as { hundredths: number }).hundredths = 10_000;
      expect(verifyBundle(rewritten).checks.find((c) => c.id === 'show-log')?.ok).toBe(false);
    } finally {
      show.close();
    }
  });

  it('flags outliers to the supervisor only, who alone asks for a recheck and corrects after the lock; the bundle keeps both versions', async () => {
    const plan = { ...DEMO_PLAN, auditees: { mode: 'total' as const, count: 1 }, contactsPerAuditee: 1 };
    const show = await ScriptedShow.create(app, base, { plan, rollSeconds: 2 });
    const supervisor = await ShowClient.connect(
      base,
      { eventId: show.event.id, role: 'staff' },
      await loginCookie(app, 'supervisor', SUPERVISOR_PASSWORD),
    );
    try {
      await show.open();
      await show.entropyAndReveal();
      for (const type of ['drawAuditee', 'presentAuditee', 'startReport', 'endReport', 'drawHouseholds'] as const) {
        await show.run({ type });
      }
      await show.callHouseholds([{ outcome: '属实', satisfaction: '满意' }]);
      await show.run({ type: 'openJudging' });
      await show.judgesScore([88, 90, 91, 60, 89]);
      const revision = show.snapshot.revision;
      // Seat 4 is 29 points under the median: flagged to the supervisor, never to the operator.
      expect((await supervisor.until(revision)).rounds[0]?.judging.outliers).toEqual([4]);
      expect(show.snapshot.rounds[0]?.judging.outliers).toEqual([]);

      const byOperator = await show.staff.send({ type: 'requestRecheck', seat: 4 });
      expect(byOperator).toMatchObject({ ok: false, error: { code: 'AUTH_FORBIDDEN' } });
      const asked = await supervisor.send({ type: 'requestRecheck', seat: 4 });
      expect(asked).toMatchObject({ ok: true });
      expect((await show.staff.until((asked as { revision: number }).revision)).rounds[0]?.judging.rechecks).toEqual([
        4,
      ]);

      await show.run({ type: 'lockJudging' });
      const reason = '4 号评委复核后口头确认误录，监督员更正';
      const corrected = await supervisor.send(
        { type: 'correctScore', seat: 4, items: [86], reason },
        { revision: show.snapshot.revision },
      );
      expect(corrected).toMatchObject({ ok: true });
      await show.staff.until((corrected as { revision: number }).revision);
      await show.run({ type: 'revealScores' });
      // 88 90 91 86 89 → drop 91 and 86 → (88+90+89)/3 = 89.
      expect(show.round.score?.judges?.finalHundredths).toBe(8900);
      expect(show.round.judging.corrections).toEqual([{ seat: 4, from: 60, to: 86, reason }]);

      const bundle = JSON.parse(
        (await app.inject({ method: 'GET', url: `/api/draws/${show.event.drawId}/bundle` })).body,
      ) as DrawBundle;
      expect(bundle.show?.rounds[0]?.scores.find((s) => s.seat === 4)).toMatchObject({ hundredths: 8600, versions: 2 });
      expect(bundle.show?.rounds[0]?.corrections).toEqual([{ seat: 4, from: 6000, to: 8600, reason }]);
      expect(verifyBundle(bundle).ok).toBe(true);
    } finally {
      supervisor.close();
      show.close();
    }
  });
});
