import type { FastifyInstance } from 'fastify';
import { DEMO_PLAN } from './draw-fixture';
import { ScriptedShow } from './show-script';

/** Rounds of each of the two shows. */
export const BIASED_SHOW_ROUNDS = 3;
const ROUNDS = BIASED_SHOW_ROUNDS;

/** Each seat's small, fixed error (hundredths), round by round. */
const ERRORS = [
  [0, 50, -50, 100, -100],
  [50, -50, 0, -100, 100],
  [-50, 100, 50, -100, 0],
];

async function runShow(
  app: FastifyInstance,
  base: string,
  unit: string,
  title: string,
  eventDate: string,
  bias: number,
) {
  const show = await ScriptedShow.create(app, base, {
    title,
    eventDate,
    rollSeconds: 2,
    plan: {
      ...DEMO_PLAN,
      eventDate,
      eligibility: { ...DEMO_PLAN.eligibility, units: [unit] },
      auditees: { mode: 'total', count: ROUNDS },
      contactsPerAuditee: 2,
    },
  });
  await show.open();
  await show.entropyAndReveal();
  for (let round = 0; round < ROUNDS; round += 1) {
    await show.run({ type: 'drawAuditee' });
    await show.run({ type: 'presentAuditee' });
    await show.run({ type: 'startReport' });
    await show.run({ type: 'endReport' });
    await show.run({ type: 'drawHouseholds' });
    await show.callHouseholds([{ outcome: '属实', satisfaction: '满意' }]);
    await show.run({ type: 'openJudging' });
    const level = 85 + round;
    await show.judgesScore(
      (ERRORS[round] as number[]).map((error, seat) => level + error / 100 + (seat === 2 ? bias : 0)),
    );
    if (round === 0 && bias === 0) await show.run({ type: 'requestRecheck', seat: 2 });
    await show.run({ type: 'lockJudging' });
    if (round === 1 && bias === 0) {
      await show.run({ type: 'correctScore', seat: 4, items: [level - 1], reason: '录入有误，经评委本人确认' });
    }
    await show.run({ type: 'revealScores' });
    await show.run({ type: 'showResult' });
  }
  await show.run({ type: 'close' });
  show.close();
}

/**
 * Two closed events of five judges on a demo county: 春季电视抽查 draws from the first of the two
 * largest non-government units, with 张代表 (seat 3) scoring its cadres 8 points above the others;
 * 秋季电视抽查 from the second, unbiased, with a recheck asked of seat 2 and seat 4's score corrected.
 * Returns the two units, sorted.
 */
export async function runBiasedShows(app: FastifyInstance, base: string): Promise<string[]> {
  const units = (
    app.services.db
      .prepare(
        "SELECT unit FROM auditees WHERE unit NOT LIKE '%人民政府' GROUP BY unit ORDER BY COUNT(*) DESC, unit LIMIT 2",
      )
      .pluck()
      .all() as string[]
  ).sort();
  await runShow(app, base, units[0] as string, '春季电视抽查', '2026-04-20', 8);
  await runShow(app, base, units[1] as string, '秋季电视抽查', '2026-10-20', 0);
  return units;
}
