import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { loadDemoCounty } from '../server/demo/load-demo';
import { SESSION_COOKIE } from '../server/protocol/auth';
import { CONTENT_SECURITY_POLICY } from '../server/http/security';
import { REALTIME_LIMITS } from '../server/live/socket-limits';
import { DICE, ScriptedShow } from './helpers/show-script';
import { ShowClient } from './helpers/show-client';
import { loginCookie, OPERATOR_PASSWORD, testApp } from './helpers/test-app';

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

describe('public sockets cannot stall the desk', () => {
  type Reply = { ok?: boolean; error?: { code: string }; revision?: number };
  const refused = (reply: unknown) => (reply as Reply).error?.code === 'SOCKET_RATE_LIMITED';
  /** Sends `count` show:sync at once and collects every answer (a dropped socket's asks reject). */
  const flood = async (client: ShowClient, count: number) => {
    const asks = Array.from({ length: count }, () => client.socket.timeout(10_000).emitWithAck('show:sync'));
    return (await Promise.allSettled(asks)).flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  };
  const disconnected = (client: ShowClient) =>
    client.waitFor(() => !client.socket.connected, 'the server to disconnect the flooding socket');
  let limited: ScriptedShow;
  beforeAll(async () => {
    limited = await ScriptedShow.create(app, base, { title: '限流测试' });
    await limited.open();
  });
  afterAll(() => limited?.staff.close());
  const publicViewer = () => ShowClient.connect(base, { eventId: limited.event.id, role: 'public' });

  it('a public socket flooding show:sync gets SOCKET_RATE_LIMITED, then is disconnected', async () => {
    const viewer = await publicViewer();
    // One ask after another, each answer awaited: nothing is lost in flight when the socket is dropped.
    const replies: unknown[] = [];
    for (let i = 0; i < 100 && viewer.socket.connected; i += 1) {
      const reply = await viewer.socket
        .timeout(2000)
        .emitWithAck('show:sync')
        .catch(() => null);
      if (reply !== null) replies.push(reply);
    }
    const served = replies.filter((r) => !refused(r));
    const { burst } = REALTIME_LIMITS.sockets.public.events['show:sync'];
    expect(served.length).toBeGreaterThanOrEqual(burst); // its first asks are answered with a snapshot
    expect(served.length).toBeLessThan(burst + 2);
    expect((served[0] as Reply).revision).toBe(limited.snapshot.revision);
    expect(replies.filter(refused).length).toBeGreaterThanOrEqual(REALTIME_LIMITS.sockets.public.refusals.burst);
    expect(replies.find(refused)).toMatchObject({ ok: false, error: { message: expect.stringContaining('频繁') } });
    expect(replies.length).toBeLessThan(100); // then it was dropped
    await disconnected(viewer);
    expect(log.join('')).toContain('socket disconnected: rate limit');
  });

  it('the operator’s step during a 3-socket flood is accepted, the flooders refused', async () => {
    const flooders = await Promise.all([publicViewer(), publicViewer(), publicViewer()]);
    const floods = flooders.map((f) => flood(f, 300));
    const ack = await limited.staff.send({ type: 'clearAll' });
    expect(ack).toMatchObject({ ok: true });
    // And a second, while the floods' answers are still going out.
    await limited.staff.until(ack.ok ? ack.revision : -1);
    expect(await limited.staff.send({ type: 'setBug', visible: true })).toMatchObject({ ok: true });
    // Each flooder was refused and dropped: most of its 300 asks were never served.
    for (const replies of await Promise.all(floods)) expect(replies.filter((r) => !refused(r)).length).toBeLessThan(10);
    for (const f of flooders) await disconnected(f);
    expect(log.join('').split('socket disconnected: rate limit').length - 1).toBeGreaterThanOrEqual(4);
  });

  it('connection attempts are limited per address for the public, never for staff', async () => {
    // An app of its own with a join burst of 5, so the shared app's address keeps its tokens.
    const joins = { ...REALTIME_LIMITS.joins, public: { burst: 5, perSecond: 0.01 } };
    const own = await testApp({ socketLimits: { ...REALTIME_LIMITS, joins } });
    try {
      await loadDemoCounty(own.app.services.db, { now: '2026-11-01T00:00:00.000Z', cadres: 200, teachers: 10 });
      const ownBase = await own.app.listen({ host: '127.0.0.1', port: 0 });
      const ownShow = await ScriptedShow.create(own.app, ownBase, { title: '连接限流' });
      const attempts = await Promise.allSettled(
        Array.from({ length: 8 }, () => ShowClient.connect(ownBase, { eventId: ownShow.event.id, role: 'public' })),
      );
      const joined = attempts.flatMap((a) => (a.status === 'fulfilled' ? [a.value] : []));
      const refusals = attempts.flatMap((a) =>
        a.status === 'rejected' ? [(a.reason as { body?: unknown }).body] : [],
      );
      expect(joined).toHaveLength(5);
      expect(refusals).toEqual(Array(3).fill({ error: expect.objectContaining({ code: 'SOCKET_RATE_LIMITED' }) }));
      // The desk on the same address still connects.
      const desk = await ShowClient.connect(
        ownBase,
        { eventId: ownShow.event.id, role: 'staff' },
        await loginCookie(own.app),
      );
      expect(desk.latest.role).toBe('staff');
      for (const client of [...joined, desk, ownShow.staff]) client.close();
    } finally {
      await own.close();
    }
  });

  it('an honest public viewer (reconnects, a sync after each) and an output’s clock samples are never refused', async () => {
    const viewer = await publicViewer();
    const replies: unknown[] = [];
    for (let i = 0; i < 4; i += 1) {
      replies.push(await viewer.socket.timeout(5000).emitWithAck('show:sync'));
      viewer.socket.disconnect();
      await new Promise((r) => setTimeout(r, 50));
      const connected = new Promise<void>((resolve) => viewer.socket.once('connect', () => resolve()));
      viewer.socket.connect();
      await connected;
    }
    const output = await ShowClient.connect(base, {
      eventId: limited.event.id,
      role: 'overlay',
      key: limited.overlayKey,
    });
    // What the overlay sends on connecting: 8 clock samples 40 ms apart, as overlay-state.svelte.ts does.
    for (let i = 0; i < 8; i += 1) {
      replies.push(await output.socket.timeout(5000).emitWithAck('clock:sync'));
      await new Promise((r) => setTimeout(r, 40));
    }
    expect(replies.filter(refused)).toEqual([]);
    expect(typeof replies.at(-1)).toBe('number');
    expect(viewer.socket.connected && output.socket.connected).toBe(true);
    viewer.close();
    output.close();
  });
});
