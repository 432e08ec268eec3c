import type { WorkRole } from '../../server/protocol/auth';

/**
 * Every route the app serves and who may call it: the security review's table (tests/security.test.ts)
 * and the authorization matrix's (tests/authorization-matrix.test.ts) read it.
 */
export type Access = 'public' | 'staff' | 'credential' | 'control' | 'admin';
/**
 * Who may call each route. `credential`: anyone holding what the route asks for in its body (a
 * seat's token and PIN, a login, a command's socket role), checked by the route itself. `control`:
 * a control surface's token (Companion), as `Authorization: Bearer`; never a session cookie.
 * `admin`: the county administrator's session alone (accounts); staff routes refuse that session.
 */
export const ROUTES: Record<string, Access> = {
  'POST /api/auth/login': 'credential',
  'POST /api/auth/logout': 'public',
  'GET /api/auth/me': 'staff',
  'POST /api/auth/password': 'staff',
  'GET /api/accounts': 'admin',
  'POST /api/accounts': 'admin',
  'POST /api/accounts/:username/grant': 'admin',
  'POST /api/accounts/:username/disable': 'admin',
  'POST /api/accounts/:username/enable': 'admin',
  'POST /api/accounts/:username/reset-password': 'admin',
  'GET /api/program-definitions': 'admin',
  'POST /api/program-definitions': 'admin',
  'PUT /api/program-definitions/:code': 'admin',
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
  'PUT /api/events/:eventId/notary-commitment': 'staff',
  'GET /api/public-log/head': 'public',
  'GET /api/public-log/heads/:size': 'public',
  'GET /api/public-log/leaves': 'public',
  'GET /api/public-log/proof/inclusion': 'public',
  'GET /api/public-log/proof/consistency': 'public',
  'GET /api/public/draws': 'public',
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
  'GET /api/county-report': 'staff',
  'GET /api/county-report.xlsx': 'staff',
  /** The judges' report: a supervisor's session (an operator's is refused, see tests/judge-review.test.ts). */
  'GET /api/judge-review': 'staff',
  'GET /api/judge-review.csv': 'staff',
  'GET /api/judge-review.xlsx': 'staff',
  'GET /api/followups': 'staff',
  'POST /api/followups': 'staff',
  'POST /api/followups/:id/status': 'staff',
  'POST /api/followups/recheck': 'staff',
  'GET /api/channels/follow': 'staff',
  'PUT /api/channels/follow': 'staff',
  'GET /api/channels': 'staff',
  'POST /api/channels': 'staff',
  'PUT /api/channels/:channelId': 'staff',
  'DELETE /api/channels/:channelId': 'staff',
  'POST /api/channels/:channelId/key': 'staff',
  'GET /api/venue-seats': 'staff',
  /** A venue seat's token and its PIN, like an event's seat. */
  'POST /api/venue-seats/join': 'credential',
  /** The venue seat's card for the PIN screen: opened by the link's token, never the PIN. */
  'GET /api/venue-seats/card': 'credential',
  'POST /api/venue-seats/:seat/release': 'staff',
  'GET /venue/seats/sheet': 'staff',
  'GET /api/control/tokens': 'staff',
  'POST /api/control/tokens': 'staff',
  'POST /api/control/tokens/:id/revoke': 'staff',
  'GET /api/control/calls': 'staff',
  'POST /api/control/v1/cue': 'control',
  'POST /api/control/v1/take': 'control',
  'POST /api/control/v1/out': 'control',
  'POST /api/control/v1/panic': 'control',
  'POST /api/control/v1/restore': 'control',
  'POST /api/control/v1/bug': 'control',
  'POST /api/control/v1/timer/pause': 'control',
  'POST /api/control/v1/timer/resume': 'control',
  'POST /api/control/v1/timer/extend': 'control',
  'POST /api/control/v1/next': 'control',
  'POST /api/control/v1/arm': 'control',
  'POST /api/control/v1/confirm': 'control',
  'GET /api/control/v1/state': 'control',
  'GET /api/control/v1/vmix.json': 'control',
  'GET /assets/*': 'public',
  'GET /fonts/noto-sans-sc/*': 'public',
  /** The OGraf graphics (docs/ograf.md): files, their package and the read-only Server API; no secret in any. */
  'GET /ograf/graphics/*': 'public',
  'GET /ograf/choucha-ograf.zip': 'public',
  'GET /ograf/v1': 'public',
  'GET /ograf/v1/': 'public',
  'GET /ograf/v1/graphics': 'public',
  'GET /ograf/v1/graphics/:graphicId': 'public',
  'GET /': 'public',
  'GET /print.js': 'public',
  'GET /console': 'public',
  'GET /verify': 'public',
  'GET /judge': 'public',
  'GET /overlay': 'public',
  'GET /public': 'public',
};

/** A route's pattern filled in with real values: the show's draw and event, the demo's program and people. */
export function concreteRoute(url: string, ids: { drawId: string; eventId: string }): string {
  return url
    .replace(':program', 'cadre-household')
    .replace(':number', '00001')
    .replace(':file', 'auditees.csv')
    .replace(':drawId', ids.drawId)
    .replace(':eventId', ids.eventId)
    .replace('.:format', '.csv')
    .replace(':seat', '1')
    .replace(':username', 'nobody')
    .replace(':code', 'cadre-household')
    .replace(':channelId', 'program')
    .replace(':id', '1')
    .replace('/assets/*', '/assets/missing.js')
    .replace('/fonts/noto-sans-sc/*', '/fonts/noto-sans-sc/400.css')
    .replace('/ograf/graphics/*', '/ograf/graphics/choucha-auditee/graphic.mjs')
    .replace(':graphicId', 'choucha-auditee');
}

/**
 * What a staff route names, for the program scope: `program` (a program, an event, a draw or a
 * rectification of the demo's cadre-household program), `county` (the county's broadcast kit:
 * accounts of every program only), `none` (names no program: own account, or a list the server
 * filters to the account's programs).
 */
export type RouteScope = 'program' | 'county' | 'none';
const DESK = ['operator', 'supervisor'] as const;
const READ = ['operator', 'supervisor', 'reader'] as const;
const EVERY = ['operator', 'caller', 'supervisor', 'reader'] as const;

/** Every staff route: the roles it admits, and what it names for the program scope. */
export const STAFF_ACCESS: Record<string, { roles: readonly WorkRole[]; scope: RouteScope }> = {
  'GET /api/auth/me': { roles: EVERY, scope: 'none' },
  'POST /api/auth/password': { roles: EVERY, scope: 'none' },
  'GET /api/programs': { roles: EVERY, scope: 'none' },
  'GET /api/programs/:program/roster-versions': { roles: DESK, scope: 'program' },
  'GET /api/programs/:program/facets': { roles: DESK, scope: 'program' },
  'GET /api/programs/:program/grid': { roles: DESK, scope: 'program' },
  'GET /api/programs/:program/auditees/:number': { roles: DESK, scope: 'program' },
  'GET /api/programs/:program/search': { roles: DESK, scope: 'program' },
  'GET /api/programs/:program/templates/:file': { roles: DESK, scope: 'program' },
  'POST /api/programs/:program/imports': { roles: ['operator'], scope: 'program' },
  'POST /api/draws/preview': { roles: DESK, scope: 'program' },
  'POST /api/draws': { roles: ['operator'], scope: 'program' },
  'GET /api/draws': { roles: READ, scope: 'none' },
  /** Sent empty, as the matrix sends it: a command without a type is the operator's. */
  'POST /api/draws/:drawId/commands': { roles: ['operator'], scope: 'program' },
  'POST /api/events': { roles: ['operator'], scope: 'program' },
  'PUT /api/events/:eventId': { roles: ['operator'], scope: 'program' },
  'GET /api/events': { roles: EVERY, scope: 'none' },
  'GET /api/events/:eventId': { roles: READ, scope: 'program' },
  'POST /api/events/:eventId/seal': { roles: ['operator'], scope: 'program' },
  'POST /api/events/:eventId/rehearsal': { roles: ['operator'], scope: 'program' },
  'PUT /api/events/:eventId/notary-commitment': { roles: ['supervisor'], scope: 'program' },
  'GET /api/settings': { roles: READ, scope: 'none' },
  'PUT /api/settings': { roles: ['operator'], scope: 'county' },
  'GET /api/events/:eventId/log': { roles: READ, scope: 'program' },
  'GET /api/events/:eventId/results.:format': { roles: READ, scope: 'program' },
  'GET /events/:eventId/record': { roles: READ, scope: 'program' },
  'GET /api/events/:eventId/seats': { roles: ['operator'], scope: 'program' },
  'POST /api/events/:eventId/seats/:seat/release': { roles: ['operator'], scope: 'program' },
  'POST /api/events/:eventId/seats/:seat/unlock': { roles: ['operator'], scope: 'program' },
  'GET /events/:eventId/seats/sheet': { roles: ['operator'], scope: 'program' },
  'POST /api/events/:eventId/commands': { roles: ['operator', 'supervisor', 'caller'], scope: 'program' },
  'GET /api/reports': { roles: READ, scope: 'program' },
  'GET /api/reports.xlsx': { roles: READ, scope: 'program' },
  'GET /reports/notice': { roles: READ, scope: 'program' },
  'GET /api/county-report': { roles: READ, scope: 'none' },
  'GET /api/county-report.xlsx': { roles: READ, scope: 'none' },
  'GET /api/judge-review': { roles: ['supervisor', 'reader'], scope: 'none' },
  'GET /api/judge-review.csv': { roles: ['supervisor', 'reader'], scope: 'none' },
  'GET /api/judge-review.xlsx': { roles: ['supervisor', 'reader'], scope: 'none' },
  'GET /api/followups': { roles: READ, scope: 'program' },
  'POST /api/followups': { roles: ['operator'], scope: 'program' },
  'POST /api/followups/:id/status': { roles: ['operator'], scope: 'program' },
  'POST /api/followups/recheck': { roles: ['operator'], scope: 'program' },
  'GET /api/channels/follow': { roles: DESK, scope: 'none' },
  'PUT /api/channels/follow': { roles: ['operator'], scope: 'county' },
  'GET /api/channels': { roles: DESK, scope: 'none' },
  'POST /api/channels': { roles: ['operator'], scope: 'county' },
  'PUT /api/channels/:channelId': { roles: ['operator'], scope: 'county' },
  'DELETE /api/channels/:channelId': { roles: ['operator'], scope: 'county' },
  'POST /api/channels/:channelId/key': { roles: ['operator'], scope: 'county' },
  'GET /api/venue-seats': { roles: ['operator'], scope: 'county' },
  'POST /api/venue-seats/:seat/release': { roles: ['operator'], scope: 'county' },
  'GET /venue/seats/sheet': { roles: ['operator'], scope: 'county' },
  'GET /api/control/tokens': { roles: ['operator'], scope: 'county' },
  'POST /api/control/tokens': { roles: ['operator'], scope: 'county' },
  'POST /api/control/tokens/:id/revoke': { roles: ['operator'], scope: 'county' },
  'GET /api/control/calls': { roles: ['operator'], scope: 'county' },
};
