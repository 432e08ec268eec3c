import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { loadDemoCounty } from '../server/demo/load-demo';
import { defaultPlan } from '../server/draw-engine/default-plan';
import { verifyBundle } from '../server/verify/bundle';
import type { Followups } from '../server/protocol/followups';
import type { EventSummary, ShowCommandBody } from '../server/protocol/show';
import { rolesFor } from '../server/protocol/show-commands';
import { loginCookie, testApp } from './helpers/test-app';
import { DICE, ScriptedShow } from './helpers/show-script';

/** Follow-up: rounds below their threshold, rectification items, and a verifiable 回头看. */
let app: FastifyInstance;
let close: () => Promise<void>;
let base: string;
let cookie: string;
let show: ScriptedShow;

const plan = defaultPlan('2026-11-26', {
  eligibility: { ...defaultPlan('2026-11-26').eligibility, grid: [['城关街道']] },
  auditees: { mode: 'total', count: 2 },
  contactsPerAuditee: 2,
});

const list = async () =>
  (
    await app.inject({ method: 'GET', url: '/api/followups?program=cadre-household', headers: { cookie } })
  ).json<Followups>();
const post = (url: string, payload: unknown) =>
  app.inject({ method: 'POST', url, headers: { cookie }, payload: payload as Record<string, unknown> });

beforeAll(async () => {
  ({ app, close } = await testApp());
  await loadDemoCounty(app.services.db, { now: '2026-11-01T00:00:00.000Z', cadres: 300, teachers: 10 });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
  cookie = await loginCookie(app);
  show = await ScriptedShow.create(app, base, { title: '第四季度电视抽查', plan, rollSeconds: 2 });
  await show.open();
  await show.entropyAndReveal();
  for (let i = 0; i < 2; i += 1) {
    for (const type of ['drawAuditee', 'presentAuditee', 'startReport', 'endReport', 'drawHouseholds'] as const) {
      await show.run({ type });
    }
    // Round 1: poor marks from judges and households (不合格); round 2: fine but one household says 不符.
    await show.callHouseholds(
      i === 0
        ? [{ outcome: '属实', satisfaction: '不满意' }]
        : [
            { outcome: '不符', satisfaction: '满意' },
            { outcome: '属实', satisfaction: '满意' },
          ],
    );
    await show.run({ type: 'openJudging' });
    await show.judgesScore(i === 0 ? [40, 42, 45, 41, 43] : [92, 93, 94, 95, 91]);
    for (const type of ['lockJudging', 'revealScores', 'showResult'] as const) await show.run({ type });
  }
  await show.run({ type: 'close' });
});
afterAll(async () => {
  show?.close();
  await close?.();
});

describe('follow-up: 整改 and 回头看', () => {
  it('lists the rounds below their threshold with the reasons', async () => {
    const { candidates, items } = await list();
    expect(items).toEqual([]);
    const [first, second] = show.snapshot.rounds;
    expect(first?.score?.tier).toBe('不合格');
    expect(candidates.map((c) => c.auditeeNumber).sort()).toEqual(
      [first?.auditee.number, second?.auditee.number].sort(),
    );
    const poor = candidates.find((c) => c.auditeeNumber === first?.auditee.number);
    expect(poor?.reasons).toEqual(['等次为「不合格」']);
    expect(poor?.name).toBe(first?.auditee.name);
    const contradicted = candidates.find((c) => c.auditeeNumber === second?.auditee.number);
    expect(contradicted?.reasons).toEqual(['1 户反映情况不符']);
  });

  it('registers rectification items with owner and deadline, flags overdue ones, and tracks their status', async () => {
    const [first, second] = show.snapshot.rounds;
    const eventId = show.event.id;
    let response = await post('/api/followups', {
      program: 'cadre-household',
      auditeeNumber: first?.auditee.number,
      eventId,
      item: '入户走访不到位，限期补访全部联系户',
      owner: '城关街道党工委',
      deadline: '2020-01-31',
    });
    expect(response.statusCode, response.body).toBe(200);
    response = await post('/api/followups', {
      program: 'cadre-household',
      auditeeNumber: second?.auditee.number,
      eventId,
      item: '核实反映不符的情况并说明',
      owner: '县纪委监委',
      deadline: '2099-12-31',
    });
    const after = response.json<Followups>();
    expect(after.candidates).toEqual([]);
    expect(after.items.map((i) => [i.status, i.overdue])).toEqual([
      ['待整改', true],
      ['待整改', false],
    ]);
    const refused = await post('/api/followups', {
      program: 'cadre-household',
      auditeeNumber: '00001',
      eventId: 'E-none',
      item: '无此抽查',
      owner: '某单位',
      deadline: '2099-01-01',
    });
    expect(refused.json<{ error: { code: string } }>().error.code).toBe('RECHECK_NOT_AUDITED');
    const id = after.items.find((i) => i.auditeeNumber === second?.auditee.number)?.id as number;
    const done = await post(`/api/followups/${id}/status`, { status: '已核验', note: '经复核属实' });
    expect(done.json<Followups>().items.find((i) => i.id === id)).toMatchObject({
      status: '已核验',
      note: '经复核属实',
    });
    const anonymous = await app.inject({ method: 'GET', url: '/api/followups?program=cadre-household' });
    expect(anonymous.statusCode).toBe(401);
  });

  it('starts a 回头看 that draws only from the cadres still open, verifiable like any draw', async () => {
    const open = show.snapshot.rounds[0]?.auditee.number as string;
    const response = await post('/api/followups/recheck', {
      program: 'cadre-household',
      title: '十二月回头看',
      eventDate: '2026-12-20',
      count: 5,
    });
    expect(response.statusCode, response.body).toBe(200);
    const draft = response.json<EventSummary>();
    expect(draft.status).toBe('draft');
    expect(draft.settings.plan.eligibility.only).toEqual([open]);
    expect(draft.settings.plan.auditees).toEqual({ mode: 'total', count: 1 });
    const sealed = await post(`/api/events/${draft.id}/seal`, undefined);
    expect(sealed.statusCode, sealed.body).toBe(200);
    const shows = app.services.shows;
    let revision = 0;
    const run = (command: ShowCommandBody) => {
      // The notary's steps come from the supervisor, the rest from the operator, as on the consoles.
      const role = rolesFor(command.type).includes('operator') ? 'operator' : 'supervisor';
      const ack = shows.command(draft.id, { revision, idempotencyKey: `recheck-${revision}`, command }, role, role);
      if (!ack.ok) throw new Error(`${command.type}: ${ack.error.message}`);
      revision = ack.revision;
    };
    run({ type: 'open' });
    run({ type: 'lockEntropy', entropy: DICE });
    run({ type: 'reveal' });
    run({ type: 'drawAuditee' });
    const snapshot = shows.snapshot(draft.id, 'staff');
    expect(snapshot.draw.poolSize).toBe(1);
    expect(snapshot.draw.scope).toContain('回头看：限 1 名需复查人员');
    expect(snapshot.rounds[0]?.auditee.number).toBe(open);
    run({ type: 'presentAuditee' });
    run({ type: 'drawHouseholds' });
    for (const h of shows.snapshot(draft.id, 'staff').rounds[0]?.households ?? []) {
      run({ type: 'recordOutcome', household: h.number, outcome: '属实', satisfaction: '满意' });
    }
    run({ type: 'finishRound' });
    run({ type: 'close' });
    const report = verifyBundle(shows.bundle(snapshot.draw.drawId));
    expect(report.checks.filter((c) => !c.ok)).toEqual([]);
    const history = app.services.db.prepare('SELECT mode FROM audit_history WHERE event_id = ?').pluck().all(draft.id);
    expect(history).toEqual(['special']);
  });

  it('prints a 通报 of one event: its rounds only', async () => {
    const date = '2026-11-26';
    const url = `/reports/notice?program=cadre-household&by=town&from=${date}&to=${date}&event=${show.event.id}`;
    const notice = await app.inject({ method: 'GET', url, headers: { cookie } });
    expect(notice.body).toContain('第四季度电视抽查');
    expect(notice.body).toContain('本期共抽查 2 人次');
    const report = app.services.reports.report({
      program: 'cadre-household',
      by: 'town',
      from: '2026-01-01',
      to: '2026-12-31',
      event: 'E-other',
    });
    expect(report.total.audited).toBe(0);
  });

  it('refuses a 回头看 when nothing is open', async () => {
    const { items } = await list();
    for (const item of items) await post(`/api/followups/${item.id}/status`, { status: '已核验', note: '' });
    const response = await post('/api/followups/recheck', {
      program: 'cadre-household',
      title: '空',
      eventDate: '2026-12-30',
      count: 1,
    });
    expect(response.json<{ error: { code: string } }>().error.code).toBe('RECHECK_NOTHING_OPEN');
  });
});
