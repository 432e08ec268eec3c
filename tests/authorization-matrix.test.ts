import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { loadDemoCounty } from '../server/demo/load-demo';
import { WORK_ROLES, type ProgramScope, type WorkRole } from '../server/protocol/auth';
import type { EventSummary } from '../server/protocol/events';
import type { ShowSnapshot } from '../server/protocol/show';
import { DEMO_PLAN } from './helpers/draw-fixture';
import { grantedAccount } from './helpers/accounts';
import { concreteRoute, ROUTES, STAFF_ACCESS } from './helpers/route-table';
import { ScriptedShow } from './helpers/show-script';
import { ShowClient } from './helpers/show-client';
import { testApp } from './helpers/test-app';

/**
 * The authorization matrix: every staff route called by every role in three scopes — the
 * program the route names (cadre-household), another program only (teacher-parent), every
 * program — and refused or admitted exactly as the table says; the live show's sockets likewise.
 */
const SCOPES = { own: ['cadre-household'], other: ['teacher-parent'], county: null } as const satisfies Record<
  string,
  ProgramScope
>;
type ScopeName = keyof typeof SCOPES;
const REFUSALS = ['AUTH_REQUIRED', 'AUTH_FORBIDDEN', 'AUTH_OUT_OF_SCOPE', 'AUTH_PASSWORD_SETUP_REQUIRED'];

let app: FastifyInstance;
let close: () => Promise<void>;
let base: string;
let show: ScriptedShow;
let rectificationId: number;
const cookies = new Map<string, string>();
const cookieOf = (role: WorkRole, scope: ScopeName) => cookies.get(`${role}:${scope}`) as string;

beforeAll(async () => {
  ({ app, close } = await testApp());
  await loadDemoCounty(app.services.db, { now: '2026-11-01T00:00:00.000Z', cadres: 200, teachers: 10 });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
  show = await ScriptedShow.create(app, base, { rollSeconds: 2, mode: 'routine' });
  for (const role of WORK_ROLES) {
    for (const [name, scope] of Object.entries(SCOPES)) {
      cookies.set(`${role}:${name}`, await grantedAccount(app, `${role}-${name}`, role, scope));
    }
  }
  // A rectification of the program, as a closed show's finding would leave (its route is checked by its id).
  rectificationId = Number(
    app.services.db
      .prepare(
        `INSERT INTO rectifications (program_code, auditee_number, event_id, item, owner, deadline, status,
           created_at, created_by, updated_at)
         VALUES ('cadre-household', '00001', ?, '入户走访记录不实', '县纪委', '2026-12-31', '待整改', ?, 'operator', ?)`,
      )
      .run(show.event.id, '2026-11-01T00:00:00.000Z', '2026-11-01T00:00:00.000Z').lastInsertRowid,
  );
});
afterAll(async () => {
  show?.close();
  await close?.();
});

const followupBody = () => ({
  program: 'cadre-household',
  auditeeNumber: show.snapshot.rounds[0]?.auditee.number ?? '00001',
  eventId: show.event.id,
  item: '入户走访记录不实',
  owner: '县纪委',
  deadline: '2026-12-31',
});
const eventBody = () => ({
  title: '矩阵测试活动',
  eventDate: '2026-12-01',
  venue: '县会议室',
  mode: 'routine',
  settings: { plan: DEMO_PLAN, reportMinutes: 5, rollSeconds: 2, judges: [] },
});
const REPORT_QUERY = '?program=cadre-household&by=town&from=2026-01-01&to=2026-12-31';

/** What each route is sent: enough for a body or query that names the program to be read. */
function request(route: string): { url: string; payload: object | undefined } {
  const [method, pattern] = route.split(' ') as [string, string];
  const url = concreteRoute(pattern, { drawId: show.snapshot.draw.drawId, eventId: show.event.id }).replace(
    '/api/followups/1/',
    `/api/followups/${rectificationId}/`,
  );
  const bodies: Record<string, object> = {
    'POST /api/draws/preview': { plan: DEMO_PLAN },
    'POST /api/draws': { title: '矩阵测试', plan: DEMO_PLAN },
    'POST /api/events': eventBody(),
    'PUT /api/events/:eventId': eventBody(),
    'POST /api/followups': followupBody(),
    'POST /api/followups/:id/status': { status: '整改中', note: '' },
    'POST /api/followups/recheck': { program: 'cadre-household', title: '回头看', eventDate: '2026-12-20', count: 1 },
  };
  const queries: Record<string, string> = {
    'GET /api/reports': REPORT_QUERY,
    'GET /api/reports.xlsx': REPORT_QUERY,
    'GET /reports/notice': REPORT_QUERY,
    'GET /api/followups': '?program=cadre-household',
    'GET /api/judge-review': '?from=2026-01-01&to=2026-12-31',
    'GET /api/judge-review.csv': '?from=2026-01-01&to=2026-12-31',
    'GET /api/judge-review.xlsx': '?from=2026-01-01&to=2026-12-31',
    'GET /api/county-report': '?from=2026-01-01&to=2026-12-31',
    'GET /api/county-report.xlsx': '?from=2026-01-01&to=2026-12-31',
  };
  return { url: url + (queries[route] ?? ''), payload: method === 'GET' ? undefined : (bodies[route] ?? {}) };
}

describe('authorization matrix', () => {
  it('covers every staff route of the security table', () => {
    const staffRoutes = Object.entries(ROUTES)
      .filter(([, access]) => access === 'staff')
      .map(([route]) => route);
    expect(Object.keys(STAFF_ACCESS).sort()).toEqual(staffRoutes.sort());
  });

  it('admits or refuses every role in every scope exactly as the table says', async () => {
    const mismatches: string[] = [];
    for (const [route, access] of Object.entries(STAFF_ACCESS)) {
      const [method] = route.split(' ') as ['GET' | 'POST' | 'PUT' | 'DELETE'];
      for (const role of WORK_ROLES) {
        for (const scope of Object.keys(SCOPES) as ScopeName[]) {
          const { url, payload } = request(route);
          const response = await app.inject({ method, url, headers: { cookie: cookieOf(role, scope) }, payload });
          const code = response.statusCode >= 400 ? response.json<{ error?: { code: string } }>().error?.code : 'ok';
          const admittedRole = access.roles.includes(role);
          const admittedScope =
            access.scope === 'none' || scope === 'county' || (access.scope === 'program' && scope === 'own');
          const expected = !admittedRole ? 'refused' : admittedScope ? 'admitted' : 'AUTH_OUT_OF_SCOPE';
          const got = code !== undefined && REFUSALS.includes(code) ? code : 'admitted';
          const ok =
            expected === 'refused'
              ? got === 'AUTH_FORBIDDEN' || got === 'AUTH_OUT_OF_SCOPE'
              : expected === 'admitted'
                ? got === 'admitted'
                : got === expected;
          if (!ok) mismatches.push(`${route} · ${role}/${scope}: expected ${expected}, got ${got} (${code})`);
        }
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('lists only the account’s own programs and their events', async () => {
    const get = async <T>(url: string, role: WorkRole, scope: ScopeName) =>
      (await app.inject({ method: 'GET', url, headers: { cookie: cookieOf(role, scope) } })).json<T>();
    const other = await get<EventSummary[]>('/api/events', 'operator', 'other');
    expect(other.map((e) => e.programCode)).not.toContain('cadre-household');
    const own = await get<EventSummary[]>('/api/events', 'operator', 'own');
    expect(own.map((e) => e.id)).toContain(show.event.id);
    expect((await get<{ code: string }[]>('/api/programs', 'caller', 'other')).map((p) => p.code)).toEqual([
      'teacher-parent',
    ]);
    expect((await get<{ code: string }[]>('/api/programs', 'reader', 'county')).length).toBeGreaterThanOrEqual(4);
  });

  it('gives another program’s staff only the public snapshot of a show', async () => {
    const snapshot = async (role: WorkRole, scope: ScopeName) =>
      (
        await app.inject({
          method: 'GET',
          url: `/api/events/${show.event.id}/snapshot`,
          headers: { cookie: cookieOf(role, scope) },
        })
      ).json<ShowSnapshot>();
    expect((await snapshot('operator', 'other')).role).toBe('public');
    expect((await snapshot('operator', 'own')).role).toBe('staff');
  });

  it('opens a show’s staff socket to its program’s desks and callers only', async () => {
    const attempt = async (role: WorkRole, scope: ScopeName) => {
      try {
        const client = await ShowClient.connect(
          base,
          { eventId: show.event.id, role: 'staff', label: `${role}-${scope}` },
          cookieOf(role, scope),
        );
        client.close();
        return 'admitted';
      } catch (error) {
        return (error as { data?: { error?: { code?: string } } }).data?.error?.code ?? String(error);
      }
    };
    const results: Record<string, string> = {};
    for (const role of WORK_ROLES)
      for (const scope of ['own', 'other'] as const) results[`${role}:${scope}`] = await attempt(role, scope);
    expect(results).toEqual({
      'operator:own': 'admitted',
      'operator:other': 'AUTH_OUT_OF_SCOPE',
      'caller:own': 'admitted',
      'caller:other': 'AUTH_OUT_OF_SCOPE',
      'supervisor:own': 'admitted',
      'supervisor:other': 'AUTH_OUT_OF_SCOPE',
      'reader:own': 'AUTH_FORBIDDEN',
      'reader:other': 'AUTH_FORBIDDEN',
    });
  });

  it('shows a caller the phones of the round being called and nothing else, and takes only its calls', async () => {
    const caller = await ShowClient.connect(
      base,
      { eventId: show.event.id, role: 'staff', label: '话务员' },
      cookieOf('caller', 'own'),
    );
    const masked = (phone: string) => phone.includes('*');
    try {
      await show.open();
      await show.entropyAndReveal();
      await show.run({ type: 'drawAuditee' });
      await show.run({ type: 'presentAuditee' });
      expect(caller.latest.rounds[0]?.households.every((h) => masked(h.phone))).toBe(true);
      const drawn = await show.run({ type: 'drawHouseholds' });
      const calling = (await caller.until(drawn.revision)).rounds[0];
      expect(calling?.households.length).toBeGreaterThan(0);
      expect(calling?.households.some((h) => masked(h.phone))).toBe(false);
      expect(caller.latest.outlook?.open).toEqual(['setCallStatus', 'recordOutcome']);
      const household = calling?.households[0]?.number ?? '';
      const recorded = await caller.send({ type: 'recordOutcome', household, outcome: '属实', satisfaction: '满意' });
      if (!recorded.ok) throw new Error(recorded.error.code);
      const refused = await caller.send({ type: 'finishRound' });
      expect(refused.ok ? 'ok' : refused.error.code).toBe('AUTH_FORBIDDEN');
      await show.staff.until(recorded.revision);
      await show.callHouseholds([{ outcome: '属实', satisfaction: '基本满意' }]);
      await show.run({ type: 'finishRound' });
      const next = await show.run({ type: 'drawAuditee' });
      // The round called before is over: its phones are masked again on the caller's screen.
      const after = await caller.until(next.revision);
      expect(after.rounds[0]?.households.every((h) => masked(h.phone))).toBe(true);
    } finally {
      caller.close();
    }
  });
});
