import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { loadDemoCounty } from '../server/demo/load-demo';
import type { CommandAck, EventSummary, ShowCommandBody } from '../server/protocol/show';
import { DEMO_PLAN } from './helpers/draw-fixture';
import { ShowClient } from './helpers/show-client';
import { loginCookie, SUPERVISOR_PASSWORD, testApp } from './helpers/test-app';

/** One valid example of every show command. */
const COMMANDS: ShowCommandBody[] = [
  { type: 'open' },
  { type: 'lockEntropy', entropy: '12345678901234567890' },
  { type: 'reveal' },
  { type: 'revealNotary', secret: 'ab'.repeat(32) },
  { type: 'abandon', reason: '公证员无法到场' },
  { type: 'drawAuditee' },
  { type: 'presentAuditee' },
  { type: 'replaceAuditee', reason: 'LEAVE' },
  { type: 'startReport' },
  { type: 'pauseReport' },
  { type: 'resumeReport' },
  { type: 'extendReport', seconds: 30 },
  { type: 'endReport' },
  { type: 'drawHouseholds' },
  { type: 'setCallStatus', household: '0000001', callStatus: '呼叫中' },
  { type: 'recordOutcome', household: '0000001', outcome: '属实', satisfaction: '满意' },
  { type: 'replaceHousehold', household: '0000001', reason: 'NO_ANSWER' },
  { type: 'openJudging' },
  { type: 'lockJudging' },
  { type: 'revealScores' },
  { type: 'showResult' },
  { type: 'close' },
];

type Role = 'operator' | 'supervisor' | 'overlay' | 'public' | 'judge';
/** The notary's own steps: typing and locking the dice, revealing their secret. */
const NOTARY_STEPS: ShowCommandBody['type'][] = ['lockEntropy', 'revealNotary'];
/**
 * Who may send what: the operator everything but the notary's steps, the supervisor (notary) those
 * and abandoning the show; outputs and the public nothing.
 */
const allowed = (role: Role, type: ShowCommandBody['type']) =>
  (role === 'operator' && !NOTARY_STEPS.includes(type)) ||
  (role === 'supervisor' && (NOTARY_STEPS.includes(type) || type === 'abandon'));

let app: FastifyInstance;
let close: () => Promise<void>;
let base: string;
let event: EventSummary;
const cookies: Partial<Record<Role, string>> = {};
const sockets: Partial<Record<Role, ShowClient>> = {};

beforeAll(async () => {
  ({ app, close } = await testApp());
  await loadDemoCounty(app.services.db, { now: '2026-11-01T00:00:00.000Z', cadres: 200, teachers: 10 });
  const { events, seats } = app.services;
  event = events.sealEvent(
    events.createEvent(
      {
        title: '权限测试',
        eventDate: '2026-11-26',
        venue: '',
        mode: 'televised',
        settings: {
          plan: DEMO_PLAN,
          reportMinutes: 5,
          rollSeconds: 4,
          judges: [{ seat: 1, name: '评委', pin: '1234', recusals: [] }],
        },
      },
      'operator',
    ).id,
    'operator',
  );
  base = await app.listen({ host: '127.0.0.1', port: 0 });
  cookies.operator = await loginCookie(app);
  cookies.supervisor = await loginCookie(app, 'supervisor', SUPERVISOR_PASSWORD);
  sockets.operator = await ShowClient.connect(base, { eventId: event.id, role: 'staff' }, cookies.operator);
  sockets.supervisor = await ShowClient.connect(base, { eventId: event.id, role: 'staff' }, cookies.supervisor);
  sockets.overlay = await ShowClient.connect(base, {
    eventId: event.id,
    role: 'overlay',
    key: events.overlayKey(event.id),
  });
  sockets.public = await ShowClient.connect(base, { eventId: event.id, role: 'public' });
  const token = new URLSearchParams(seats.seats(event.id)[0]?.joinPath.split('?')[1]).get('token') as string;
  const { judgeKey } = await seats.joinSeat(
    { eventId: event.id, seat: 1, token, pin: '1234', deviceId: 'matrix-tablet-1' },
    '127.0.0.1',
  );
  sockets.judge = await ShowClient.connect(base, { eventId: event.id, role: 'judge', key: judgeKey });
});

afterAll(async () => {
  for (const s of Object.values(sockets)) s?.close();
  await close();
});

const isAuthRefusal = (ack: CommandAck) => !ack.ok && ack.error.code.startsWith('AUTH_');

describe('authorization matrix: every show command × every role', () => {
  const cases = (['operator', 'supervisor', 'overlay', 'public', 'judge'] as Role[]).flatMap((role) =>
    COMMANDS.map((command) => [role, command.type, command] as const),
  );

  it.each(cases)('socket: %s sends %s', async (role, type, command) => {
    const client = sockets[role] as ShowClient;
    // A stale revision is fine here: authorization is decided before the state is consulted.
    const ack = await client.send(command, { revision: 999 });
    expect(isAuthRefusal(ack), JSON.stringify(ack)).toBe(!allowed(role, type));
    if (!allowed(role, type))
      expect(ack).toMatchObject({
        error: { code: role === 'supervisor' || role === 'operator' ? 'AUTH_FORBIDDEN' : 'AUTH_REQUIRED' },
      });
  });

  it.each(cases)('HTTP: %s sends %s', async (role, type, command) => {
    const cookie = role === 'operator' || role === 'supervisor' ? cookies[role] : undefined;
    const response = await app.inject({
      method: 'POST',
      url: `/api/events/${event.id}/commands`,
      headers: cookie ? { cookie } : {},
      payload: { revision: 999, idempotencyKey: `matrix-${role}-${type}`, command },
    });
    const body = response.json<{ error?: { code: string } }>();
    expect(body.error?.code?.startsWith('AUTH_') ?? false, response.body).toBe(!allowed(role, type));
  });

  it('lets only judges submit scores', async () => {
    for (const role of ['operator', 'supervisor', 'overlay', 'public'] as Role[]) {
      const ack = await sockets[role]?.socket.timeout(5000).emitWithAck('judge:submit', {
        submissionId: `matrix-${role}-x`,
        round: 0,
        auditeeNumber: '00001',
        items: [90],
      });
      expect(ack, role).toMatchObject({ ok: false, error: { code: 'AUTH_REQUIRED' } });
    }
    const judged = await sockets.judge?.socket
      .timeout(5000)
      .emitWithAck('judge:submit', { submissionId: 'matrix-judge-x', round: 0, auditeeNumber: '00001', items: [90] });
    // Past authorization, the state decides: the show has not started.
    expect(judged).toMatchObject({ ok: false, error: { code: 'SHOW_NOT_LIVE' } });
  });

  it('changed nothing: every allowed command above was refused as stale', () => {
    expect(app.services.shows.revision(event.id)).toBe(0);
  });

  it('keeps staff-only routes closed to the public', async () => {
    for (const [method, url] of [
      ['GET', '/api/events'],
      ['GET', `/api/events/${event.id}`],
      ['POST', `/api/events/${event.id}/seal`],
      ['POST', `/api/events/${event.id}/rehearsal`],
      ['POST', '/api/draws'],
      ['GET', '/api/draws'],
      ['GET', `/api/events/${event.id}/log`],
      ['GET', `/api/events/${event.id}/results.csv`],
      ['GET', `/api/events/${event.id}/results.xlsx`],
      ['GET', `/events/${event.id}/record`],
      ['GET', '/api/programs/cadre-household/facets'],
    ] as const) {
      const response = await app.inject({ method, url, payload: method === 'POST' ? {} : undefined });
      expect(response.statusCode, `${method} ${url}: ${response.body}`).toBe(401);
    }
    const snapshot = await app.inject({ method: 'GET', url: `/api/events/${event.id}/snapshot` });
    expect(snapshot.json<{ role: string }>().role).toBe('public');
  });
});
