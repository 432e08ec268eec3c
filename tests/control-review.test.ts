import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { loadDemoCounty } from '../server/demo/load-demo';
import { ScriptedShow } from './helpers/show-script';
import { loginCookie, testApp } from './helpers/test-app';

/**
 * Review of issue 19 (adversarial): a Stream Deck button pressed twice (a bounce, a double tap, or
 * Companion retrying a POST whose answer it lost). The desk sends each step at the revision it
 * saw, so its second click is stale; the control API sends every `next` at the current revision,
 * so the second press runs the step after. This test fails on main.
 */
let app: FastifyInstance;
let close: () => Promise<void>;
let show: ScriptedShow;
let token: string;
/** The app's clock runs this far ahead of the real one (the roll's wait is passed by moving it). */
let ahead = 0;

beforeAll(async () => {
  ({ app, close } = await testApp({
    clock: () => new Date(Date.now() + ahead),
    controlLimits: {
      commands: { burst: 1000, perSecond: 1000 },
      reads: { burst: 1000, perSecond: 1000 },
      failures: { maxFailures: 1000, windowMs: 60_000, maxKeys: 100 },
    },
  }));
  await loadDemoCounty(app.services.db, { now: '2026-11-01T00:00:00.000Z', cadres: 200, teachers: 10 });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  show = await ScriptedShow.create(app, base, { rollSeconds: 2, judges: 3 });
  const operator = await loginCookie(app);
  const made = await app.inject({
    method: 'POST',
    url: '/api/control/tokens',
    headers: { cookie: operator },
    payload: { name: '评审面板' },
  });
  token = made.json<{ token: string }>().token;
  const followed = await app.inject({
    method: 'PUT',
    url: '/api/channels/follow',
    headers: { cookie: operator },
    payload: { eventId: show.event.id },
  });
  expect(followed.statusCode).toBe(200);
});
afterAll(async () => {
  show?.close();
  await close?.();
});

const press = async (path: string, body: object = {}) => {
  const response = await app.inject({
    method: 'POST',
    url: `/api/control/v1/${path}`,
    headers: { authorization: `Bearer ${token}` },
    payload: body,
  });
  return { status: response.statusCode, body: response.json<{ error?: { code: string } }>() };
};
const lastStep = () => app.services.shows.logEntries(show.event.id).at(-1)?.type;

describe('a control button pressed twice', () => {
  it('runs one step, not the step after it too', async () => {
    await show.open();
    await show.entropyAndReveal();
    await show.run({ type: 'drawAuditee' });
    ahead += 10_000; // the roll has landed: 出示人员 may be pressed
    expect((await press('next')).status).toBe(200);
    expect(lastStep()).toBe('presentAuditee');
    // The same button again, at once (a bounce or a retry): the report timer must not start on air.
    const again = await press('next');
    expect(lastStep()).toBe('presentAuditee');
    expect(again.status).not.toBe(200);
  });
});
