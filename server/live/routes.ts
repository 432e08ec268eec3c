import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { AuthService } from '../auth/auth-service';
import { requireStaff } from '../auth/routes';
import { ERROR_CATALOGUE } from '../protocol/errors';
import { READ_ROLES, SESSION_COOKIE, inScope, type SessionUser, type WorkRole } from '../protocol/auth';
import { EventLogEntrySchema, ShowCommandEnvelopeSchema, ShowSnapshotSchema } from '../protocol/show';
import { showRoleOf, workRolesFor } from '../protocol/show-commands';
import type { ProgramOf } from '../auth/program-scope';
import type { ShowRunner } from './show-runner';
import type { EventService } from '../events/event-service';
import { EventParams } from '../events/routes';
import { renderBulletin, type BulletinSeal } from '../print/bulletin';
import { resultsCsv, resultsXlsx, resultTables } from './results-export';
import { ResultSheetSchema } from '../protocol/results';
import { renderRecord } from '../print/record';
import { AppError } from '../errors';
import { DecimalInteger, ROW_ID } from '../protocol/decimal-integer';

/**
 * Show routes: staff run a sealed event's show and read its log and results; anyone may read its
 * public snapshot and its bulletin (`sealOf`: the draw's seal and the county key, as printed).
 */
/** Every role that sends show commands: the desks, and the caller its calls. */
const COMMAND_ROLES: readonly WorkRole[] = ['operator', 'supervisor', 'caller'];

export function showRoutes(
  shows: ShowRunner,
  events: EventService,
  auth: AuthService,
  publicBase: () => string,
  sealOf: (drawId: string) => BulletinSeal,
  /** The county's time zone: printed records give local times. */
  timeZone: string,
  programOf: ProgramOf,
) {
  return async (app: FastifyInstance): Promise<void> => {
    const typed = app.withTypeProvider<TypeBoxTypeProvider>();
    // Logs, results and records are read by the reader (查阅) too: none of them carries a phone.
    const staff = requireStaff(auth, READ_ROLES);

    typed.get(
      '/api/events/:eventId/snapshot',
      { schema: { params: EventParams, response: { 200: ShowSnapshotSchema } } },
      async (request) => {
        const user = auth.resolve(request.cookies[SESSION_COOKIE]);
        // Staff get their own desk's snapshot, as over the socket (a supervisor's phones masked, a
        // caller's only its round's); staff of another program, like anyone, the public one.
        const program = programOf.event(request.params.eventId);
        if (user && program !== undefined && inScope(user.programs, program)) {
          return shows.snapshot(request.params.eventId, 'staff', null, user.role);
        }
        return shows.snapshot(request.params.eventId, 'public');
      },
    );
    typed.get(
      '/api/events/:eventId/log',
      {
        schema: {
          params: EventParams,
          querystring: Type.Object({ after: Type.Optional(DecimalInteger({ minimum: 0, maximum: ROW_ID.maximum })) }),
          response: { 200: Type.Array(EventLogEntrySchema) },
        },
        onRequest: staff,
      },
      async (request) => shows.logEntries(request.params.eventId, request.query.after ?? 0),
    );
    typed.get(
      '/api/events/:eventId/results.:format',
      {
        schema: {
          params: Type.Object({
            eventId: Type.String({ pattern: '^[A-Za-z0-9-]{1,40}$' }),
            format: Type.Union([Type.Literal('csv'), Type.Literal('xlsx')]),
          }),
          // One table per CSV (default the rounds); the XLSX has them all as sheets.
          querystring: Type.Object({ sheet: Type.Optional(ResultSheetSchema) }),
        },
        onRequest: staff,
      },
      async (request, reply) => {
        const { eventId, format } = request.params;
        const snapshot = shows.snapshot(eventId, 'staff');
        const tables = resultTables(snapshot, shows.recordLog(eventId), timeZone);
        const sheet = request.query.sheet ?? 'rounds';
        const name = `choucha-results-${eventId}${format === 'csv' && sheet !== 'rounds' ? `-${sheet}` : ''}.${format}`;
        reply.header('content-disposition', `attachment; filename="${name}"`);
        reply.header('cache-control', 'no-store');
        if (format === 'csv') {
          reply.type('text/csv; charset=utf-8');
          return resultsCsv(tables[sheet]);
        }
        reply.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
        return resultsXlsx(snapshot, tables);
      },
    );
    typed.get(
      '/events/:eventId/record',
      { schema: { params: EventParams }, onRequest: staff },
      async (request, reply) => {
        const event = events.event(request.params.eventId);
        if (event.drawId === null) throw new AppError('EVENT_NOT_SEALED');
        const snapshot = shows.snapshot(event.id, 'staff');
        const verifyUrl = `${publicBase()}/verify?draw=${snapshot.draw.drawId}`;
        reply.type('text/html; charset=utf-8');
        reply.header('cache-control', 'no-store');
        return renderRecord(
          event,
          snapshot,
          shows.recordLog(event.id),
          sealOf(snapshot.draw.drawId),
          verifyUrl,
          timeZone,
        );
      },
    );
    typed.get('/events/:eventId/bulletin', { schema: { params: EventParams } }, async (request, reply) => {
      const event = events.event(request.params.eventId);
      const snapshot = shows.snapshot(request.params.eventId, 'public');
      const verifyUrl = `${publicBase()}/verify?draw=${snapshot.draw.drawId}`;
      reply.type('text/html; charset=utf-8');
      // A printed page is read once and printed: a cache must not keep an old state of the show.
      reply.header('cache-control', 'no-store');
      return renderBulletin(event, snapshot, sealOf(snapshot.draw.drawId), verifyUrl);
    });

    typed.post(
      '/api/events/:eventId/commands',
      {
        schema: { params: EventParams, body: ShowCommandEnvelopeSchema },
        // Any role that sends commands before the body is read (and the event's program checked);
        // the command's own roles once it is valid.
        onRequest: requireStaff(auth, COMMAND_ROLES),
      },
      async (request, reply) => {
        await requireStaff(auth, workRolesFor(request.body.command.type))(request);
        const staff = request.staff as SessionUser;
        const ack = shows.command(
          request.params.eventId,
          request.body,
          staff.username,
          showRoleOf(staff.role) ?? 'operator',
        );
        if (!ack.ok) reply.status(ERROR_CATALOGUE[ack.error.code].status);
        // A refusal's fresh snapshot is the sender's desk's own (masked phones), as over the socket.
        if (!ack.ok && ack.snapshot && staff.role !== 'operator') {
          return { ...ack, snapshot: shows.snapshot(request.params.eventId, 'staff', null, staff.role) };
        }
        return ack;
      },
    );
  };
}
