import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { privateHouseholdNames } from './helpers/private-names';
import type { FastifyInstance } from 'fastify';
import { loadDemoCounty } from '../server/demo/load-demo';
import { verifyBundle } from '../server/verify/bundle';
import type { EventSummary, SeatView, ShowCommandBody } from '../server/protocol/show';
import { DEMO_PLAN } from './helpers/draw-fixture';
import { ShowClient } from './helpers/show-client';
import { loginCookie, SUPERVISOR_PASSWORD, testApp } from './helpers/test-app';
import { qrSvg } from '../server/print/seat-sheet';

let app: FastifyInstance;
let close: () => Promise<void>;
let base: string;
let operator: string;
let event: EventSummary;
let seats: SeatView[];
const clients: ShowClient[] = [];

beforeAll(async () => {
  // The seat sheet's links are built on the configured public address (CHOUCHA_PUBLIC_URL), not the Host header.
  ({ app, close } = await testApp({ publicUrl: 'http://192.168.1.20:3000' }));
  await loadDemoCounty(app.services.db, { now: '2026-11-01T00:00:00.000Z', cadres: 300, teachers: 10 });
  operator = await loginCookie(app);
  const plan = {
    ...DEMO_PLAN,
    eligibility: { ...DEMO_PLAN.eligibility, grid: [['城关街道']] },
    auditees: { mode: 'total' as const, count: 2 },
  };
  const pool = app.services.draws.preview(plan);
  const townCadres = app.services.db
    .prepare("SELECT number FROM auditees WHERE version_id = ? AND town = '城关街道' ORDER BY number")
    .pluck()
    .all(pool.rosterVersionId) as string[];
  const judges = [1, 2, 3, 4, 5].map((seat) => ({
    seat,
    name: ['王人大', '李政协', '张代表', '刘专家', '陈群众'][seat - 1] as string,
    pin: `${seat}${seat}${seat}${seat}`,
    // Seat 5 has declared a conflict with every cadre of this town: it sits out every round.
    recusals: seat === 5 ? townCadres : [],
  }));
  const created = await app.inject({
    method: 'POST',
    url: '/api/events',
    headers: { cookie: operator },
    payload: {
      title: '评委测试',
      eventDate: '2026-11-26',
      venue: '演播厅',
      mode: 'televised',
      settings: { plan, reportMinutes: 5, rollSeconds: 4, judges },
    },
  });
  expect(created.statusCode, created.body).toBe(200);
  event = (
    await app.inject({
      method: 'POST',
      url: `/api/events/${created.json<EventSummary>().id}/seal`,
      headers: { cookie: operator },
    })
  ).json<EventSummary>();
  seats = (
    await app.inject({ method: 'GET', url: `/api/events/${event.id}/seats`, headers: { cookie: operator } })
  ).json<SeatView[]>();
  base = await app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  for (const c of clients) c.close();
  await close();
});

const tokenOf = (seat: number) =>
  new URL(`http://x${seats.find((s) => s.seat === seat)?.joinPath}`).searchParams.get('token') as string;

async function join(seat: number, deviceId: string, pin = `${seat}${seat}${seat}${seat}`) {
  return app.inject({
    method: 'POST',
    url: '/api/judges/join',
    payload: { eventId: event.id, seat, token: tokenOf(seat), pin, deviceId },
  });
}

describe('judges on tablets', () => {
  const judges = new Map<number, ShowClient>();
  let desk: ShowClient;
  let viewer: ShowClient;

  it('join a seat by its link and PIN, one device per seat until the operator releases it', async () => {
    expect((await join(1, 'tablet-one-0001', '0000')).json()).toMatchObject({ error: { code: 'JUDGE_JOIN_INVALID' } });
    const first = await join(1, 'tablet-one-0001');
    expect(first.json()).toMatchObject({ seat: 1, name: '王人大' });
    expect((await join(1, 'tablet-two-0002')).json()).toMatchObject({ error: { code: 'JUDGE_SEAT_TAKEN' } });
    expect((await join(1, 'tablet-one-0001')).statusCode).toBe(200); // the same tablet after a reload
    const release = await app.inject({
      method: 'POST',
      url: `/api/events/${event.id}/seats/1/release`,
      headers: { cookie: operator },
    });
    expect(release.statusCode).toBe(200);
    expect((await join(1, 'tablet-two-0002')).statusCode).toBe(200);
    await expect(
      ShowClient.connect(base, { eventId: event.id, role: 'judge', key: 'not-a-key' }),
    ).rejects.toMatchObject({
      body: { error: { code: 'JUDGE_JOIN_INVALID' } },
    });
  });

  it('prints a seat sheet for the operator only: each seat with its QR code, link and PIN', async () => {
    const sheet = await app.inject({
      method: 'GET',
      url: `/events/${event.id}/seats/sheet`,
      headers: { cookie: operator, host: 'evil.example' },
    });
    expect(sheet.statusCode).toBe(200);
    expect(sheet.headers['content-type']).toContain('text/html');
    for (const seat of seats) {
      const url = `http://192.168.1.20:3000${seat.joinPath}`;
      expect(sheet.body).toContain(url.replaceAll('&', '&amp;'));
      // The QR code drawn for the seat encodes exactly its join link.
      expect(sheet.body).toContain(qrSvg(url));
      expect(sheet.body).toContain(`PIN：<b>${seat.pin}</b>`);
    }
    expect(sheet.body.match(/data-testid="seat-card"/gu)).toHaveLength(5);
    const supervisor = await loginCookie(app, 'supervisor', SUPERVISOR_PASSWORD);
    expect(
      (await app.inject({ method: 'GET', url: `/events/${event.id}/seats/sheet`, headers: { cookie: supervisor } }))
        .statusCode,
    ).toBe(403);
    expect((await app.inject({ method: 'GET', url: `/events/${event.id}/seats/sheet` })).statusCode).toBe(401);
  });

  it('run a two-round show with five judges: scores stay private until the reveal, recusal changes n', async () => {
    for (const seat of [1, 2, 3, 4, 5]) {
      const { judgeKey } = (await join(seat, `tablet-${seat}-final`)).json<{ judgeKey: string }>();
      if (seat === 1) {
        // Seat 1 moved to another tablet above: release it first, as the operator would.
        await app.inject({
          method: 'POST',
          url: `/api/events/${event.id}/seats/1/release`,
          headers: { cookie: operator },
        });
        const again = (await join(1, 'tablet-1-final')).json<{ judgeKey: string }>();
        judges.set(1, await ShowClient.connect(base, { eventId: event.id, role: 'judge', key: again.judgeKey }));
        continue;
      }
      judges.set(seat, await ShowClient.connect(base, { eventId: event.id, role: 'judge', key: judgeKey }));
    }
    clients.push(...judges.values());
    desk = await ShowClient.connect(base, { eventId: event.id, role: 'staff' }, operator);
    viewer = await ShowClient.connect(base, { eventId: event.id, role: 'public' });
    clients.push(desk, viewer);
    expect(await judges.get(2)?.send({ type: 'open' })).toMatchObject({ ok: false, error: { code: 'AUTH_REQUIRED' } });

    // The notary locks the dice from the supervisor's own console.
    const notary = await ShowClient.connect(
      base,
      { eventId: event.id, role: 'staff' },
      await loginCookie(app, 'supervisor', SUPERVISOR_PASSWORD),
    );
    clients.push(notary);
    const step = async (command: ShowCommandBody) => {
      const ack = await (command.type === 'lockEntropy' ? notary : desk).send(command);
      if (!ack.ok) throw new Error(`${command.type}: ${ack.error.code}`);
      await desk.until(ack.revision);
      await notary.until(ack.revision);
    };
    await step({ type: 'open' });
    await step({ type: 'lockEntropy', entropy: '11223344556611223344' });
    await step({ type: 'reveal' });

    for (let round = 0; round < 2; round += 1) {
      for (const type of ['drawAuditee', 'presentAuditee', 'startReport', 'endReport', 'drawHouseholds'] as const)
        await step({ type });
      for (const h of desk.latest.rounds[round]?.households ?? []) {
        await step({ type: 'recordOutcome', household: h.number, outcome: '属实', satisfaction: '满意' });
      }
      const auditeeNumber = desk.latest.rounds[round]?.auditee.number as string;
      const submit = (seat: number, score: number, id: string, extra: object = {}) =>
        judges
          .get(seat)
          ?.socket.timeout(5000)
          .emitWithAck('judge:submit', { submissionId: id, round, auditeeNumber, items: [score], ...extra });

      expect(await submit(2, 90, `early-${round}-0001`)).toMatchObject({
        ok: false,
        error: { code: 'SHOW_JUDGING_CLOSED' },
      });
      await step({ type: 'openJudging' });
      if (round === 1) {
        const previous = desk.latest.rounds[0]?.auditee.number as string;
        expect(await submit(2, 90, 'stale-previous-round', { round: 0, auditeeNumber: previous })).toMatchObject({
          ok: false,
          error: { code: 'SHOW_STALE_SUBMISSION' },
        });
      }
      for (const [seat, score] of [
        [1, 88],
        [2, 91.5],
        [3, 79],
        [4, 85],
      ] as const) {
        expect(await submit(seat, score, `score-${round}-${seat}-a`)).toMatchObject({ ok: true });
      }
      expect(await submit(4, 86, `score-${round}-4-b`)).toMatchObject({ ok: true }); // 修改 before the lock
      expect(await submit(4, 86, `score-${round}-4-b`)).toMatchObject({ ok: true, repeated: true }); // a retry
      expect(await submit(5, 99, `score-${round}-5-a`)).toMatchObject({ ok: false, error: { code: 'SHOW_RECUSED' } });

      const revision = (await desk.until(desk.latest.revision)).revision;
      for (const [seat, client] of judges) {
        const mine = (await client.until(revision)).rounds[round]?.judging;
        expect(mine?.scores).toBeNull(); // never another judge's score before the reveal
        expect(mine?.submitted).toBe(4);
        expect(mine?.expected).toBe(4);
        const own = seat === 5 ? null : seat === 4 ? 86 : seat === 2 ? 91.5 : seat === 1 ? 88 : 79;
        expect(mine?.mine).toEqual(own === null ? null : { score: own, items: [own] });
        expect(mine?.seats.find((s) => s.seat === 5)?.recused).toBe(true);
      }
      expect((await viewer.until(revision)).rounds[round]?.judging.scores).toBeNull();
      expect(desk.latest.rounds[round]?.judging.scores).toEqual([
        { seat: 1, score: 88, items: [88] },
        { seat: 2, score: 91.5, items: [91.5] },
        { seat: 3, score: 79, items: [79] },
        { seat: 4, score: 86, items: [86] },
      ]);

      await step({ type: 'lockJudging' });
      expect(await submit(3, 99, `late-${round}-3`)).toMatchObject({
        ok: false,
        error: { code: 'SHOW_JUDGING_CLOSED' },
      });
      await step({ type: 'revealScores' });
      expect((await viewer.until(desk.latest.revision)).rounds[round]?.judging.scores).toHaveLength(4);
      await step({ type: 'showResult' });
    }
    await step({ type: 'close' });
    expect(verifyBundle(app.services.shows.bundle(desk.latest.draw.drawId)).ok).toBe(true);
    // The public saw every household masked: no full phone, no full name, in any message.
    const fullNames = privateHouseholdNames(desk.latest);
    const publicTraffic = JSON.stringify(viewer.snapshots);
    expect(publicTraffic).not.toMatch(/(?<![0-9a-f])100\d{8}(?!\d)/u);
    for (const name of fullNames) expect(publicTraffic.includes(`"${name}"`)).toBe(false);
    // Nothing a judge's tablet ever received held another seat's score before that round's reveal.
    const beforeReveal = [...judges.values()].flatMap((c) =>
      c.snapshots.flatMap((snapshot) => snapshot.rounds.filter((r) => !['scores-revealed', 'result'].includes(r.step))),
    );
    expect(beforeReveal.length).toBeGreaterThan(20);
    expect(beforeReveal.every((r) => r.judging.scores === null)).toBe(true);
  }, 60_000);
});
