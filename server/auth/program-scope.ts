import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Db } from '../store/db';
import { AppError } from '../errors';
import { inScope, type ProgramScope } from '../protocol/auth';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * `county`: the route serves the whole county (output channels, control surfaces, venue
     * tablets), so only an account of every program may call it. `rectification`: its `:id` is a
     * rectification (整改), whose program is checked.
     */
    scope?: 'county' | 'rectification';
  }
}

/** Which program a request names: a program code itself, or an event or draw (which belongs to one). */
export interface ProgramOf {
  event(eventId: string): string | undefined;
  draw(drawId: string): string | undefined;
  rectification(id: number): string | undefined;
}

export function programsOf(db: Db): ProgramOf {
  const event = db.prepare('SELECT program_code FROM events WHERE id = ?').pluck();
  const draw = db.prepare('SELECT program_code FROM draws WHERE id = ?').pluck();
  const rectification = db.prepare('SELECT program_code FROM rectifications WHERE id = ?').pluck();
  return {
    event: (eventId) => event.get(eventId) as string | undefined,
    draw: (drawId) => draw.get(drawId) as string | undefined,
    rectification: (id) => rectification.get(id) as string | undefined,
  };
}

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const field = (source: unknown, name: string): unknown =>
  typeof source === 'object' && source !== null ? (source as Record<string, unknown>)[name] : undefined;

/**
 * Every program a request names, wherever it names one: a `:program`, `:eventId` or `:drawId`
 * parameter, a `program` or `event` query, a body's `program`, `eventId` or plan. One reading for
 * every route, so a new route that names a program is checked without anyone remembering to.
 */
export function namedPrograms(
  request: Pick<FastifyRequest, 'params' | 'query' | 'body' | 'routeOptions'>,
  of: ProgramOf,
): string[] {
  const { params, query, body } = request;
  const codes = [text(field(params, 'program')), text(field(query, 'program')), text(field(body, 'program'))];
  const events = [text(field(params, 'eventId')), text(field(query, 'event')), text(field(body, 'eventId'))];
  const plan = field(body, 'plan') ?? field(field(body, 'settings'), 'plan');
  codes.push(text(field(plan, 'programCode')));
  const drawId = text(field(params, 'drawId'));
  const rectification = field(params, 'id');
  const named = [
    ...codes,
    ...events.map((id) => (id === undefined ? undefined : of.event(id))),
    drawId === undefined ? undefined : of.draw(drawId),
    request.routeOptions.config.scope === 'rectification' && typeof rectification === 'number'
      ? of.rectification(rectification)
      : undefined,
  ];
  return [...new Set(named.filter((code): code is string => code !== undefined))];
}

/**
 * The program scope, checked once for every staff route after its input is read: a staff account
 * acts only in its own programs (AUTH_OUT_OF_SCOPE otherwise), and a county-wide route needs an
 * account of every program. Lists are filtered by their services with the same scope.
 */
export function registerProgramScope(app: FastifyInstance, of: ProgramOf): void {
  const check = async (request: FastifyRequest) => {
    const staff = request.staff;
    if (!staff) return;
    if (request.routeOptions.config.scope === 'county' && staff.programs !== null) {
      throw new AppError('AUTH_OUT_OF_SCOPE');
    }
    refuseOutOfScope(staff.programs, namedPrograms(request, of));
  };
  // Before the body is read, what the address names (a route's own login hook has run by then);
  // once it is read, the query and body too (and the routes that log in at preValidation).
  app.addHook('preValidation', check);
  app.addHook('preHandler', check);
}

export function refuseOutOfScope(scope: ProgramScope, programs: readonly string[]): void {
  if (programs.some((program) => !inScope(scope, program))) throw new AppError('AUTH_OUT_OF_SCOPE');
}
