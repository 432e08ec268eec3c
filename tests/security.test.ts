import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { loadDemoCounty } from '../server/demo/load-demo';
import { SESSION_COOKIE } from '../server/protocol/auth';
import { CONTENT_SECURITY_POLICY } from '../server/http/security';
import { DICE, ScriptedShow } from './helpers/show-script';
import { ShowClient } from './helpers/show-client';
import { loginCookie, OPERATOR_PASSWORD, SUPERVISOR_PASSWORD, testApp } from './helpers/test-app';
import type { SeatView } from '../server/protocol/judges';

/**
 * The security review, as tests: every route classified and checked for who may call it, security
 * headers and a content security policy on every page, CORS closed to other origins (HTTP and
 * socket.io), session cookies HttpOnly and SameSite, and no secret (the operator's secret before the
 * reveal, PINs, tokens, keys, password hashes) in a message to a role that should not have it, in
 * the server's log, or in the bundle before the reveal.
 */
let app: FastifyInstance;
let close: () => Promise<void>;
let base: string;
let show: ScriptedShow;
let cookie: string;
const log: string[] = [];

beforeAll(async () => {
  ({ app, close } = await testApp({ logger: true, logStream: { write: (line) => void log.push(line) } }));
  await loadDemoCounty(app.services.db, { now: '2026-11-01T00:00:00.000Z', cadres: 200, teachers: 10 });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
  show = await ScriptedShow.create(app, base, { rollSeconds: 2 });
  cookie = await loginCookie(app);
});
afterAll(async () => {
  show?.staff.close();
  await close?.();
});

type Access = 'public' | 'staff' | 'credential';
/**
 * Who may call each route. `credential`: anyone holding what the route asks for in its body (a
 * seat's token and PIN, a login, a command's socket role), checked by the route itself.
 */
const ROUTES: Record<string, Access> = {
  'POST /api/auth/login': 'credential',
  'POST /api/auth/logout': 'public',
  'GET /api/auth/me': 'staff',
  'GET /api/programs': 'staff',
  'GET /api/programs/:program/roster-versions': 'staff',
  'GET /api/programs/:program/facets': 'staff',
  'GET /api/programs/:program/grid': 'staff',
  'GET /api/programs/:program/auditees/:number': 'staff',
  'GET /api/programs/:program/search': 'staff',
  'GET /api/programs/:program/templates/:file': 'staff',
  'POST /api/programs/:program/imports': 'staff',
  'POST /api/draws/preview': 'staff',
  'POST /api/draws': 'staff',
  'GET /api/draws': 'staff',
  'GET /api/draws/:drawId': 'public',
  'POST /api/draws/:drawId/commands': 'staff',
  'GET /api/draws/:drawId/bundle': 'public',
  'POST /api/events': 'staff',
  'PUT /api/events/:eventId': 'staff',
  'GET /api/events': 'staff',
  'GET /api/events/:eventId': 'staff',
  'POST /api/events/:eventId/seal': 'staff',
  'POST /api/events/:eventId/rehearsal': 'staff',
  'GET /api/events/:eventId/snapshot': 'public',
  'GET /api/public/events': 'public',
  'GET /api/settings': 'staff',
  'PUT /api/settings': 'staff',
  'GET /api/events/:eventId/log': 'staff',
  'GET /api/events/:eventId/results.:format': 'staff',
  'GET /events/:eventId/record': 'staff',
  'POST /api/judges/join': 'credential',
  /** The seat's card (seat, judge, event, 演练) for the PIN screen: opened by the link's token, never the PIN. */
  'GET /api/judges/seat': 'credential',
  'GET /api/events/:eventId/seats': 'staff',
  'POST /api/events/:eventId/seats/:seat/release': 'staff',
  'POST /api/events/:eventId/seats/:seat/unlock': 'staff',
  'GET /events/:eventId/seats/sheet': 'staff',
  'GET /events/:eventId/bulletin': 'public',
  'POST /api/events/:eventId/commands': 'staff',
  'GET /api/reports': 'staff',
  'GET /api/reports.xlsx': 'staff',
  'GET /reports/notice': 'staff',
  'GET /api/followups': 'staff',
  'POST /api/followups': 'staff',
  'POST /api/followups/:id/status': 'staff',
  'POST /api/followups/recheck': 'staff',
  'GET /assets/*': 'public',
  'GET /fonts/noto-sans-sc/*': 'public',
  'GET /': 'public',
  'GET /print.js': 'public',
  'GET /console': 'public',
  'GET /verify': 'public',
  'GET /judge': 'public',
  'GET /overlay': 'public',
  'GET /public': 'public',
};

function concrete(url: string): string {
  return url
    .replace(':program', 'cadre-household')
    .replace(':number', '00001')
    .replace(':file', 'auditees.csv')
    .replace(':drawId', show.snapshot.draw.drawId)
    .replace(':eventId', show.event.id)
    .replace('.:format', '.csv')
    .replace(':seat', '1')
    .replace(':id', '1')
    .replace('/assets/*', '/assets/missing.js')
    .replace('/fonts/noto-sans-sc/*', '/fonts/noto-sans-sc/400.css');
}

describe('authorization over every route', () => {
  it('classifies every route the app serves', () => {
    const served = app.services.routes.map((r) => `${r.method} ${r.url}`);
    expect(served.filter((route) => !(route in ROUTES))).toEqual([]);
    expect(Object.keys(ROUTES).filter((route) => !served.includes(route))).toEqual([]);
  });

  it('refuses every staff route without a login, before reading the body, and with a forged session', async () => {
    for (const [route, access] of Object.entries(ROUTES)) {
      if (access !== 'staff') continue;
      const [method, url] = route.split(' ') as ['GET' | 'POST' | 'PUT', string];
      for (const headers of [{}, { cookie: `${SESSION_COOKIE}=${'f'.repeat(64)}` }]) {
        const response = await app.inject({
          method,
          url: concrete(url),
          headers,
          payload: method === 'GET' ? undefined : {},
        });
        expect(response.statusCode, route).toBe(401);
        expect(response.json<{ error: { code: string } }>().error.code, route).toBe('AUTH_REQUIRED');
      }
    }
  });

  it('answers every public route without a login', async () => {
    for (const [route, access] of Object.entries(ROUTES)) {
      if (access !== 'public') continue;
      const [method, url] = route.split(' ') as ['GET' | 'POST', string];
      const response = await app.inject({ method, url: concrete(url) });
      expect([401, 403, 500], route).not.toContain(response.statusCode);
    }
  });
});

describe('pages and headers', () => {
  const pages = () => [
    '/console',
    '/verify',
    '/judge',
    '/overlay',
    '/public',
    `/events/${show.event.id}/bulletin`,
    `/events/${show.event.id}/record`,
    `/events/${show.event.id}/seats/sheet`,
    '/reports/notice?program=cadre-household&by=town&from=2026-01-01&to=2026-12-31',
  ];

  it('serve every page with a content security policy that runs no inline script, and the usual headers', async () => {
    for (const url of pages()) {
      const response = await app.inject({ method: 'GET', url, headers: { cookie } });
      expect(response.statusCode, url).toBe(200);
      expect(response.headers['content-type'], url).toMatch(/^text\/html/u);
      expect(response.headers['content-security-policy'], url).toBe(CONTENT_SECURITY_POLICY);
      expect(response.headers['x-content-type-options'], url).toBe('nosniff');
      expect(response.headers['x-frame-options'], url).toBe('SAMEORIGIN');
      expect(response.headers['referrer-policy'], url).toBe('no-referrer');
      // Every script is a file of ours; no handler attribute, no inline script a CSP would have to allow.
      expect(response.body, url).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/iu);
      expect(response.body, url).not.toMatch(/\son[a-z]+\s*=/iu);
    }
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/script-src[^;]*unsafe/u);
    const print = await app.inject({ method: 'GET', url: '/print.js' });
    expect(print.headers['content-type']).toMatch(/javascript/u);
    expect(print.body).toContain('window.print()');
  });

  it('keeps API answers out of other sites: no CORS header, preflights and cross-origin writes refused', async () => {
    const evil = 'http://evil.example';
    const read = await app.inject({ method: 'GET', url: '/api/public/events', headers: { origin: evil } });
    expect(read.statusCode).toBe(200);
    expect(read.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await app.inject({
      method: 'OPTIONS',
      url: '/api/auth/login',
      headers: { origin: evil, 'access-control-request-method': 'POST' },
    });
    expect(preflight.statusCode).toBe(403);
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    for (const origin of [evil, 'null', `http://127.0.0.1.evil.example`]) {
      const login = await app.inject({
        method: 'POST',
        url: '/api/auth/login',
        headers: { origin, host: 'choucha.local:3000' },
        payload: { username: 'operator', password: OPERATOR_PASSWORD },
      });
      expect(login.statusCode, origin).toBe(403);
      expect(login.json<{ error: { code: string } }>().error.code).toBe('AUTH_CROSS_ORIGIN');
      expect(login.headers['set-cookie']).toBeUndefined();
    }
    // The console itself (same origin) logs in as ever.
    const own = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { origin: 'http://choucha.local:3000', host: 'choucha.local:3000' },
      payload: { username: 'operator', password: OPERATOR_PASSWORD },
    });
    expect(own.statusCode).toBe(200);
  });

  it('sets the session cookie HttpOnly, SameSite=Strict, for the whole site; Secure behind HTTPS', async () => {
    const login = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'operator', password: OPERATOR_PASSWORD },
    });
    const setCookie = String(login.headers['set-cookie']);
    expect(setCookie).toMatch(new RegExp(`^${SESSION_COOKIE}=`, 'u'));
    expect(setCookie).toMatch(/;\s*HttpOnly/iu);
    expect(setCookie).toMatch(/;\s*SameSite=Strict/iu);
    expect(setCookie).toMatch(/;\s*Path=\//iu);
    expect(setCookie).not.toMatch(/;\s*Secure/iu);
    const secure = await testApp({ secureCookies: true });
    try {
      const response = await secure.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: 'operator', password: OPERATOR_PASSWORD },
      });
      expect(String(response.headers['set-cookie'])).toMatch(/;\s*Secure/iu);
    } finally {
      await secure.close();
    }
  });

  it('accepts realtime connections from its own pages only', async () => {
    const auth = { eventId: show.event.id, role: 'public' as const };
    await expect(ShowClient.connect(base, auth, undefined, { origin: 'http://evil.example' })).rejects.toThrow();
    const own = await ShowClient.connect(base, auth, undefined, { origin: base });
    expect(own.latest.revision).toBe(show.snapshot.revision);
    own.close();
  });
});

describe('secrets', () => {
  it('never sends the operator’s secret, PINs, tokens, keys or password hashes to a role without them', async () => {
    const db = app.services.db;
    const event = show.event.id;
    const drawId = show.snapshot.draw.drawId;
    const secret = db.prepare('SELECT secret FROM draws WHERE id = ?').pluck().get(drawId) as string;
    const overlayKey = show.overlayKey;
    const seatTokens = db.prepare('SELECT token FROM judge_seats WHERE event_id = ?').pluck().all(event) as string[];
    const passwordHashes = db.prepare('SELECT password_hash FROM users').pluck().all() as string[];
    const sessionToken = cookie.split('=')[1] as string;
    expect(secret).toMatch(/^[0-9a-f]{64}$/u);
    expect(seatTokens.length).toBe(5);

    const joined = await app.inject({
      method: 'POST',
      url: '/api/judges/join',
      payload: { eventId: event, seat: 1, token: seatTokens[0], pin: show.seats[0]?.pin, deviceId: 'tablet-sec-1' },
    });
    const judgeKey = joined.json<{ judgeKey: string }>().judgeKey;
    const viewer = await ShowClient.connect(base, { eventId: event, role: 'public' });
    const overlay = await ShowClient.connect(base, { eventId: event, role: 'overlay', key: overlayKey });
    const judge = await ShowClient.connect(base, { eventId: event, role: 'judge', key: judgeKey });

    await show.run({ type: 'open' });
    await show.run({ type: 'lockEntropy', entropy: DICE });
    const beforeReveal = async () => [
      ...(await Promise.all(
        [
          '/api/public/events',
          `/api/events/${event}/snapshot`,
          `/api/draws/${drawId}`,
          `/api/draws/${drawId}/bundle`,
          `/events/${event}/bulletin`,
        ].map(async (url) => [url, (await app.inject({ method: 'GET', url })).body] as const),
      )),
      ['staff socket', JSON.stringify(show.staff.snapshots)] as const,
      [
        'staff event page',
        (await app.inject({ method: 'GET', url: `/api/events/${event}`, headers: { cookie } })).body,
      ] as const,
    ];
    for (const [where, body] of await beforeReveal())
      expect(body.includes(secret), `${where} before the reveal`).toBe(false);

    await show.run({ type: 'reveal' });
    await show.run({ type: 'drawAuditee' });
    await show.run({ type: 'presentAuditee' });
    const bundle = (await app.inject({ method: 'GET', url: `/api/draws/${drawId}/bundle` })).body;
    expect(bundle.includes(secret), 'the bundle after the reveal carries the secret').toBe(true);

    const outsiders: [string, string][] = [
      ['public socket', JSON.stringify(viewer.snapshots)],
      ['overlay socket', JSON.stringify(overlay.snapshots)],
      ['judge socket', JSON.stringify(judge.snapshots)],
      ['public snapshot', (await app.inject({ method: 'GET', url: `/api/events/${event}/snapshot` })).body],
      ['bundle', bundle],
      ['public events', (await app.inject({ method: 'GET', url: '/api/public/events' })).body],
    ];
    const credentials = {
      overlayKey,
      judgeKey,
      sessionToken,
      ...Object.fromEntries(seatTokens.map((t, i) => [`seat ${i + 1} token`, t])),
      ...Object.fromEntries(passwordHashes.map((h, i) => [`password hash ${i}`, h])),
    };
    for (const [where, body] of outsiders) {
      for (const [name, value] of Object.entries(credentials)) {
        expect(body.includes(value), `${where} carries ${name}`).toBe(false);
      }
      expect(body, where).not.toMatch(/"(pin|pins|token|judgeKey|overlayKey|passwordHash|password_hash)"\s*:/u);
    }
    // The judge's own messages carry no other seat's credentials either, and the staff's none of the passwords.
    const staffText = JSON.stringify(show.staff.snapshots);
    for (const hash of passwordHashes) expect(staffText.includes(hash)).toBe(false);

    // The server's log: requests (seat links and overlay URLs carry credentials in their query) and refusals.
    await app.inject({ method: 'GET', url: `/overlay?event=${event}&key=${encodeURIComponent(overlayKey)}` });
    await app.inject({ method: 'GET', url: `/judge?event=${event}&seat=1&token=${seatTokens[1]}` });
    await app.inject({
      method: 'POST',
      url: '/api/judges/join',
      payload: { eventId: event, seat: 2, token: seatTokens[1], pin: '000000', deviceId: 'tablet-sec-2' },
    });
    const text = log.join('');
    expect(text).toContain('/overlay?event='); // the log is really being written
    for (const [name, value] of Object.entries({ ...credentials, secretBeforeReveal: secret })) {
      expect(text.includes(value), `the log carries ${name}`).toBe(false);
    }
    expect(text.includes(OPERATOR_PASSWORD)).toBe(false);
    viewer.close();
    overlay.close();
    judge.close();
  });
});

/**
 * Authority ends when it is taken away, and the limits stop the guesser, not the owner: a released
 * seat's old tablet, a logged-out or re-passworded desk and an expired session are refused and
 * disconnected; a judge's score id is the seat's own; wrong PINs or passwords from one address do
 * not lock out the owner at another; the operator clears a seat's lock; PINs are not read back.
 */
describe('authority ends when it is taken away; limits stop the guesser', () => {
  let own: { app: FastifyInstance; close: () => Promise<void> };
  let ownBase: string;
  let live: ScriptedShow;
  let operator: string;
  /** The server's clock runs ahead by this much (to expire sessions without waiting 12 hours). */
  let skewMs = 0;
  const sockets: ShowClient[] = [];

  beforeAll(async () => {
    own = await testApp({ clock: () => new Date(Date.now() + skewMs) });
    await loadDemoCounty(own.app.services.db, { now: '2026-11-01T00:00:00.000Z', cadres: 200, teachers: 10 });
    ownBase = await own.app.listen({ host: '127.0.0.1', port: 0 });
    live = await ScriptedShow.create(own.app, ownBase, { rollSeconds: 2 });
    operator = await loginCookie(own.app);
    // Up to the judges' scoring, so a tablet can submit.
    await live.open();
    await live.entropyAndReveal();
    for (const type of ['drawAuditee', 'presentAuditee', 'startReport', 'endReport', 'drawHouseholds'] as const)
      await live.run({ type });
    await live.callHouseholds([{ outcome: '属实', satisfaction: '满意' }]);
    await live.run({ type: 'openJudging' });
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    live?.staff.close();
    await own?.close();
  });

  const seatOf = (seat: number) => live.seats.find((s) => s.seat === seat) as SeatView;
  const tokenOf = (seat: number) => new URL(`http://x${seatOf(seat).joinPath}`).searchParams.get('token') as string;
  const join = (seat: number, options: { pin?: string; deviceId?: string; address?: string } = {}) =>
    own.app.inject({
      method: 'POST',
      url: '/api/judges/join',
      remoteAddress: options.address ?? '127.0.0.1',
      payload: {
        eventId: live.event.id,
        seat,
        token: tokenOf(seat),
        pin: options.pin ?? seatOf(seat).pin,
        deviceId: options.deviceId ?? `tablet-${seat}-own`,
      },
    });
  const tablet = async (seat: number, deviceId: string) => {
    const joined = await join(seat, { deviceId });
    expect(joined.statusCode, joined.body).toBe(200);
    const client = await ShowClient.connect(ownBase, {
      eventId: live.event.id,
      role: 'judge',
      key: joined.json<{ judgeKey: string }>().judgeKey,
    });
    sockets.push(client);
    return { client, judgeKey: joined.json<{ judgeKey: string }>().judgeKey };
  };
  const desk = async (cookie: string) => {
    const client = await ShowClient.connect(ownBase, { eventId: live.event.id, role: 'staff' }, cookie);
    sockets.push(client);
    return client;
  };
  /** Resolves with the reason the server gave and how the socket was closed. */
  const closing = (client: ShowClient) =>
    new Promise<{ reason: string; disconnect: string }>((resolve) => {
      let reason = '';
      client.socket.once('auth:revoked', (notice) => (reason = notice.reason));
      client.socket.once('disconnect', (disconnect) => resolve({ reason, disconnect }));
    });
  const submit = (client: ShowClient, submissionId = randomUUID().replace(/-/gu, ''), points = 88) =>
    client.socket.timeout(5000).emitWithAck('judge:submit', {
      submissionId,
      round: live.round.index,
      auditeeNumber: live.round.auditee.number,
      items: [points],
    });
  const scoredSeats = () =>
    (live.snapshot.rounds.at(-1)?.judging.seats ?? []).filter((s) => s.submitted).map((s) => s.seat);

  it('disconnects a released seat’s old tablet, refuses its key, and lets a new tablet score as the seat', async () => {
    const old = await tablet(4, 'tablet-4-old');
    const closed = closing(old.client);
    const released = await own.app.inject({
      method: 'POST',
      url: `/api/events/${live.event.id}/seats/4/release`,
      headers: { cookie: operator },
    });
    expect(released.statusCode).toBe(200);
    expect(await closed).toEqual({ reason: 'seat-released', disconnect: 'io server disconnect' });
    // Its key no longer opens a socket either.
    const again = await ShowClient.connect(ownBase, { eventId: live.event.id, role: 'judge', key: old.judgeKey }).then(
      () => 'connected',
      (error: { body?: { error?: { code?: string } } }) => error.body?.error?.code,
    );
    expect(again).toBe('JUDGE_JOIN_INVALID');
    expect(scoredSeats()).not.toContain(4);

    const fresh = await tablet(4, 'tablet-4-new');
    const ack = await submit(fresh.client);
    expect(ack.ok).toBe(true);
    if (ack.ok) await live.staff.until(ack.revision);
    expect(scoredSeats()).toContain(4);
  });

  it('refuses a score from a tablet whose key was ended elsewhere (no announcement), and disconnects it', async () => {
    const { client } = await tablet(5, 'tablet-5-own');
    const closed = closing(client);
    // As another process would: the seat freed in the database, nothing told this one.
    own.app.services.db
      .prepare('UPDATE judge_seats SET device_id = NULL, session_hash = NULL WHERE event_id = ? AND seat = 5')
      .run(live.event.id);
    const ack = await submit(client);
    expect(ack.ok ? 'ok' : ack.error.code).toBe('AUTH_REQUIRED');
    expect(await closed).toEqual({ reason: 'seat-released', disconnect: 'io server disconnect' });
    expect(scoredSeats()).not.toContain(5);
  });

  it('keeps a judge’s submission id per seat: seat 3 reusing seat 1’s id is recorded, seat 1 repeating it is not', async () => {
    const one = await tablet(1, 'tablet-1-own');
    const three = await tablet(3, 'tablet-3-own');
    const id = 'shared-submission-id';
    const first = await submit(one.client, id, 90);
    expect(first).toMatchObject({ ok: true, repeated: false });
    const other = await submit(three.client, id, 80);
    expect(other).toMatchObject({ ok: true, repeated: false });
    if (other.ok) await live.staff.until(other.revision);
    expect(scoredSeats()).toEqual(expect.arrayContaining([1, 3]));
    const retry = await submit(one.client, id, 90);
    expect(retry).toMatchObject({ ok: true, repeated: true });
  });

  it('disconnects a logged-out session’s desk at once and refuses the session afterwards', async () => {
    const cookie = await loginCookie(own.app);
    const client = await desk(cookie);
    const closed = closing(client);
    const out = await own.app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie } });
    expect(out.statusCode).toBe(200);
    expect(await closed).toEqual({ reason: 'logged-out', disconnect: 'io server disconnect' });
    const again = await ShowClient.connect(ownBase, { eventId: live.event.id, role: 'staff' }, cookie).then(
      () => 'connected',
      (error: { body?: { error?: { code?: string } } }) => error.body?.error?.code,
    );
    expect(again).toBe('AUTH_REQUIRED');
  });

  it('disconnects every desk of an account when its password changes; a session ended elsewhere is refused', async () => {
    const first = await desk(await loginCookie(own.app, 'supervisor', SUPERVISOR_PASSWORD));
    const second = await desk(await loginCookie(own.app, 'supervisor', SUPERVISOR_PASSWORD));
    const closed = [closing(first), closing(second)];
    await own.app.services.auth.setPassword('supervisor', 'a-new-supervisor-pass');
    for (const result of await Promise.all(closed))
      expect(result).toEqual({ reason: 'password-changed', disconnect: 'io server disconnect' });
    await own.app.services.auth.setPassword('supervisor', SUPERVISOR_PASSWORD);

    // `npm run set-password` runs in another process: this one hears of it at the desk's next command.
    const cookie = await loginCookie(own.app);
    const client = await desk(cookie);
    const ended = closing(client);
    own.app.services.db.prepare('DELETE FROM sessions WHERE token_hash = ?').run(
      createHash('sha256')
        .update(cookie.split('=')[1] as string)
        .digest('hex'),
    );
    const ack = await client.send({ type: 'lockJudging' });
    expect(ack.ok ? 'ok' : ack.error.code).toBe('AUTH_REQUIRED');
    expect(await ended).toEqual({ reason: 'session-ended', disconnect: 'io server disconnect' });
  });

  it('keeps a seat joinable by its real tablet after five wrong joins from another address', async () => {
    for (let i = 0; i < 5; i += 1)
      expect((await join(2, { pin: '000000', address: '203.0.113.50' })).json().error.code).toBe('JUDGE_JOIN_INVALID');
    const guesser = await join(2, { address: '203.0.113.50' });
    expect(guesser.json().error.code).toBe('JUDGE_JOIN_RATE_LIMITED');
    const real = await join(2, { address: '192.168.1.22' });
    expect(real.statusCode, real.body).toBe(200);
  });

  it('lets the operator clear a seat’s lock (and releasing a seat clears it too)', async () => {
    const seatList = async () =>
      (
        await own.app.inject({
          method: 'GET',
          url: `/api/events/${live.event.id}/seats`,
          headers: { cookie: operator },
        })
      ).json<SeatView[]>();
    for (let i = 0; i < 5; i += 1) await join(2, { pin: '000000', address: '192.168.1.23' });
    expect((await join(2, { address: '192.168.1.23' })).json().error.code).toBe('JUDGE_JOIN_RATE_LIMITED');
    expect((await seatList()).find((s) => s.seat === 2)?.joinFailures).toBe(10); // with the last test's five
    const unlock = await own.app.inject({
      method: 'POST',
      url: `/api/events/${live.event.id}/seats/2/unlock`,
      headers: { cookie: operator },
    });
    expect(unlock.statusCode).toBe(200);
    expect((await seatList()).find((s) => s.seat === 2)?.joinFailures).toBe(0);
    // The same device that joined in the last test rejoins from the address that was locked.
    expect((await join(2, { address: '192.168.1.23', deviceId: 'tablet-2-own' })).statusCode).toBe(200);

    for (let i = 0; i < 5; i += 1) await join(2, { pin: '000000', address: '192.168.1.24' });
    await own.app.inject({
      method: 'POST',
      url: `/api/events/${live.event.id}/seats/2/release`,
      headers: { cookie: operator },
    });
    expect((await join(2, { address: '192.168.1.24', deviceId: 'tablet-2-other' })).statusCode).toBe(200);
  });

  it('slows but never refuses the right PIN once many addresses have guessed at a seat', async () => {
    for (let i = 0; i < 21; i += 1) await join(3, { pin: '000000', address: `198.51.100.${i + 1}` });
    const real = await join(3, { address: '192.168.1.25', deviceId: 'tablet-3-own' });
    expect(real.statusCode, real.body).toBe(200);
  });

  it('lets the operator log in from another address after five wrong passwords at one address', async () => {
    const login = (password: string, address: string) =>
      own.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        remoteAddress: address,
        payload: { username: 'operator', password },
      });
    for (let i = 0; i < 5; i += 1)
      expect((await login(`wrong-${i}`, '203.0.113.60')).json().error.code).toBe('AUTH_INVALID_CREDENTIALS');
    expect((await login(OPERATOR_PASSWORD, '203.0.113.60')).json().error.code).toBe('AUTH_RATE_LIMITED');
    expect((await login(OPERATOR_PASSWORD, '192.168.1.10')).statusCode).toBe(200);
  });

  it('answers other requests while 60 wrong logins are being checked (scrypt off the main thread)', async () => {
    let pending = 60;
    const logins = Array.from({ length: 60 }, (_, i) =>
      own.app
        .inject({
          method: 'POST',
          url: '/api/auth/login',
          remoteAddress: `10.60.0.${i + 1}`,
          payload: { username: 'supervisor', password: `wrong-${i}` },
        })
        .finally(() => (pending -= 1)),
    );
    const other = await own.app.inject({ method: 'GET', url: '/api/public/events' });
    expect(other.statusCode).toBe(200);
    expect(pending, 'logins still being checked when the other request was answered').toBeGreaterThan(0);
    for (const response of await Promise.all(logins))
      expect(response.json().error.code).toBe('AUTH_INVALID_CREDENTIALS');
  });

  it('does not give PINs back to the supervisor (or anyone) through the event routes', async () => {
    const supervisor = await loginCookie(own.app, 'supervisor', SUPERVISOR_PASSWORD);
    const pins = live.seats.map((s) => s.pin);
    for (const cookie of [supervisor, operator]) {
      for (const url of ['/api/events', `/api/events/${live.event.id}`]) {
        const body = (await own.app.inject({ method: 'GET', url, headers: { cookie } })).body;
        expect(body, url).not.toMatch(/"pin"\s*:/u);
        for (const pin of pins) expect(body.includes(`"${pin}"`), `${url} carries a PIN`).toBe(false);
      }
    }
    // The seat list (and its printable sheet) stays the operator's alone.
    const seats = await own.app.inject({
      method: 'GET',
      url: `/api/events/${live.event.id}/seats`,
      headers: { cookie: supervisor },
    });
    expect(seats.statusCode).toBe(403);
  });

  it('refuses an expired session’s desk at its next command, and disconnects it', async () => {
    const client = await desk(await loginCookie(own.app));
    const closed = closing(client);
    skewMs = 13 * 3600 * 1000;
    const ack = await client.send({ type: 'lockJudging' });
    expect(ack.ok ? 'ok' : ack.error.code).toBe('AUTH_REQUIRED');
    expect(await closed).toEqual({ reason: 'session-expired', disconnect: 'io server disconnect' });
  });
});
