import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { loadDemoCounty } from '../server/demo/load-demo';
import { verifyBundle, type DrawBundle } from '../server/draw/bundle';
import { DEFAULT_SCORING_RULES, RUBRIC_EXAMPLE, type ScoringRules } from '../server/protocol/scoring';
import { DEMO_PLAN } from './helpers/draw-fixture';
import { loginCookie, testApp } from './helpers/test-app';
import { ScriptedShow } from './helpers/show-script';

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
      await show.judgesScore([80, 90, 85, 95, 70]);
      await show.run({ type: 'lockJudging' });
      await show.run({ type: 'revealScores' });
      const score = show.round.score;
      // Judges: drop 95 and 70 → (80+90+85)/3 = 85; households: one 基本满意 = 75; 50/50 → 80 (良好).
      expect(score?.judges?.finalHundredths).toBe(8500);
      expect(score?.households.scoreHundredths).toBe(7500);
      expect(score?.combinedHundredths).toBe(8000);
      expect(score?.tier).toBe('良好');
    } finally {
      show.close();
    }
  });
});
