import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { loadDemoCounty } from '../server/demo/load-demo';
import type { EventSummary } from '../server/protocol/show';
import { ScriptedShow } from './helpers/show-script';
import { loginCookie, SUPERVISOR_PASSWORD, testApp } from './helpers/test-app';

let app: FastifyInstance;
let close: () => Promise<void>;
let show: ScriptedShow;
let operator: string;

beforeAll(async () => {
  ({ app, close } = await testApp());
  await loadDemoCounty(app.services.db, { now: '2026-11-01T00:00:00.000Z', cadres: 200, teachers: 10 });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  show = await ScriptedShow.create(app, base, { rollSeconds: 2 });
  operator = await loginCookie(app);
});
afterAll(async () => {
  show?.close();
  await close?.();
});

const put = (cookie: string, eventId: string) =>
  app.inject({ method: 'PUT', url: '/api/channels/follow', headers: { cookie }, payload: { eventId } });

describe('the event the outputs follow', () => {
  it('follows nothing until the operator chooses, then the event or its rehearsal, each switch kept', async () => {
    const first = await app.inject({ method: 'GET', url: '/api/channels/follow', headers: { cookie: operator } });
    expect(first.json()).toMatchObject({ eventId: null });

    const live = await put(operator, show.event.id);
    expect(live.statusCode).toBe(200);
    expect(live.json()).toMatchObject({ eventId: show.event.id, rehearsal: false, changedBy: 'operator' });

    const copy = await app.inject({
      method: 'POST',
      url: `/api/events/${show.event.id}/rehearsal`,
      headers: { cookie: operator },
    });
    const rehearsal = copy.json<EventSummary>();
    expect((await put(operator, rehearsal.id)).json()).toMatchObject({ eventId: rehearsal.id, rehearsal: true });
    expect((await put(operator, show.event.id)).json()).toMatchObject({ eventId: show.event.id });

    const changes = app.services.db
      .prepare('SELECT from_event_id AS "from", to_event_id AS "to" FROM follow_changes ORDER BY id')
      .all();
    expect(changes).toEqual([
      { from: null, to: show.event.id },
      { from: show.event.id, to: rehearsal.id },
      { from: rehearsal.id, to: show.event.id },
    ]);
  });

  it('is switched by the operator only, and only to an event that exists', async () => {
    const supervisor = await loginCookie(app, 'supervisor', SUPERVISOR_PASSWORD);
    expect((await put(supervisor, show.event.id)).statusCode).toBe(403);
    expect((await put(operator, 'no-such-event')).json().error.code).toBe('EVENT_NOT_FOUND');
    const anonymous = await app.inject({ method: 'GET', url: '/api/channels/follow' });
    expect(anonymous.statusCode).toBe(401);
  });
});
