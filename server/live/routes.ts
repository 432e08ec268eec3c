import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { AuthService } from '../auth/auth-service';
import { requireStaff } from '../auth/routes';
import { ERROR_CATALOGUE } from '../protocol/errors';
import { SESSION_COOKIE } from '../protocol/auth';
import { EventLogEntrySchema, ShowCommandEnvelopeSchema, ShowSnapshotSchema, rolesFor } from '../protocol/show';
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
export function showRoutes(
  shows: ShowRunner,
  events: EventService,
  auth: AuthService,
  publicBase: () => string,
  sealOf: (drawId: string) => BulletinSeal,
  /** The county's time zone: printed records give local times. */
  timeZone: string,
) {
  return async (app: FastifyInstance): Promise<void> => {
    const typed = app.withTypeProvider<TypeBoxTypeProvider>();
    const staff = requireStaff(auth);

    typed.get(
      '/api/events/:eventId/snapshot',
      { schema: { params: EventParams, response: { 200: ShowSnapshotSchema } } },
      async (request) => {
        const user = auth.resolve(request.cookies[SESSION_COOKIE]);
        // The supervisor's own snapshot, as over the socket: households' phones masked.
        if (user?.role === 'supervisor') return shows.snapshot(request.params.eventId, 'staff', null, true);
        return shows.snapshot(request.params.eventId, user ? 'staff' : 'public');
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
        // Any staff session before the body is read; the command's own roles once it is valid.
        preValidation: requireStaff(auth),
      },
      async (request, reply) => {
        await requireStaff(auth, rolesFor(request.body.command.type))(request);
        const staff = request.staff;
        const ack = shows.command(request.params.eventId, request.body, staff?.username ?? 'operator', staff?.role);
        if (!ack.ok) reply.status(ERROR_CATALOGUE[ack.error.code].status);
        // A refusal's fresh snapshot is the supervisor's own (masked phones), as over the socket.
        if (!ack.ok && ack.snapshot && request.staff?.role === 'supervisor') {
          return { ...ack, snapshot: shows.snapshot(request.params.eventId, 'staff', null, true) };
        }
        return ack;
      },
    );
  };
}
