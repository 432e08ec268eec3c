import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { AuthService } from '../auth/auth-service';
import { requireStaff } from '../auth/routes';
import { ERROR_CATALOGUE } from '../protocol/errors';
import { SESSION_COOKIE } from '../protocol/auth';
import {
  CountySettingsSchema,
  CreateEventBodySchema,
  EventLogEntrySchema,
  EventSummarySchema,
  JudgeJoinBodySchema,
  JudgeJoinResultSchema,
  PublicEventSchema,
  SeatViewSchema,
  ShowCommandEnvelopeSchema,
  ShowSnapshotSchema,
  rolesFor,
} from '../protocol/show';
import type { ShowService } from '../live/show-service';
import { renderBulletin } from '../print/bulletin';
import { renderSeatSheet } from '../print/seat-sheet';
import { resultsCsv, resultsXlsx } from '../live/results-export';
import { renderRecord } from '../print/record';
import { AppError } from '../errors';

const EventParams = Type.Object({ eventId: Type.String({ pattern: '^[A-Za-z0-9-]{1,40}$' }) });

/** Event routes: staff prepare and run events; anyone may read the public snapshot of a sealed one. */
export function showRoutes(shows: ShowService, auth: AuthService) {
  return async (app: FastifyInstance): Promise<void> => {
    const typed = app.withTypeProvider<TypeBoxTypeProvider>();
    const staff = requireStaff(auth);
    const operator = requireStaff(auth, ['operator']);

    typed.post(
      '/api/events',
      { schema: { body: CreateEventBodySchema, response: { 200: EventSummarySchema } }, onRequest: operator },
      async (request) => shows.createEvent(request.body, request.staff?.username ?? 'operator'),
    );
    typed.put(
      '/api/events/:eventId',
      {
        schema: { params: EventParams, body: CreateEventBodySchema, response: { 200: EventSummarySchema } },
        onRequest: operator,
      },
      async (request) => shows.updateEvent(request.params.eventId, request.body),
    );
    typed.get(
      '/api/events',
      { schema: { response: { 200: Type.Array(EventSummarySchema) } }, onRequest: staff },
      async () => shows.listEvents(),
    );
    typed.get(
      '/api/events/:eventId',
      {
        schema: {
          params: EventParams,
          response: { 200: Type.Object({ event: EventSummarySchema, overlayKey: Type.String() }) },
        },
        onRequest: staff,
      },
      async (request) => ({
        event: shows.event(request.params.eventId),
        overlayKey: shows.overlayKey(request.params.eventId),
      }),
    );
    typed.post(
      '/api/events/:eventId/seal',
      { schema: { params: EventParams, response: { 200: EventSummarySchema } }, onRequest: operator },
      async (request) => shows.sealEvent(request.params.eventId, request.staff?.username ?? 'operator'),
    );
    typed.post(
      '/api/events/:eventId/rehearsal',
      { schema: { params: EventParams, response: { 200: EventSummarySchema } }, onRequest: operator },
      async (request) => shows.rehearse(request.params.eventId, request.staff?.username ?? 'operator'),
    );
    typed.get(
      '/api/events/:eventId/snapshot',
      { schema: { params: EventParams, response: { 200: ShowSnapshotSchema } } },
      async (request) => {
        const isStaff = auth.resolve(request.cookies[SESSION_COOKIE]) !== undefined;
        return shows.snapshot(request.params.eventId, isStaff ? 'staff' : 'public');
      },
    );
    typed.get(
      '/api/public/events',
      { schema: { response: { 200: Type.Array(PublicEventSchema) } } },
      async (_request, reply) => {
        reply.header('cache-control', 'no-cache');
        return shows.publicEvents();
      },
    );
    typed.get('/api/settings', { schema: { response: { 200: CountySettingsSchema } }, onRequest: staff }, async () =>
      shows.settings(),
    );
    typed.put(
      '/api/settings',
      { schema: { body: CountySettingsSchema, response: { 200: CountySettingsSchema } }, onRequest: operator },
      async (request) => shows.updateSettings(request.body),
    );
    typed.get(
      '/api/events/:eventId/log',
      {
        schema: {
          params: EventParams,
          querystring: Type.Object({ after: Type.Optional(Type.Integer({ minimum: 0 })) }),
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
        },
        onRequest: staff,
      },
      async (request, reply) => {
        const snapshot = shows.snapshot(request.params.eventId, 'staff');
        const name = `choucha-results-${request.params.eventId}.${request.params.format}`;
        reply.header('content-disposition', `attachment; filename="${name}"`);
        reply.header('cache-control', 'no-store');
        if (request.params.format === 'csv') {
          reply.type('text/csv; charset=utf-8');
          return resultsCsv(snapshot);
        }
        reply.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
        return resultsXlsx(snapshot);
      },
    );
    typed.get(
      '/events/:eventId/record',
      { schema: { params: EventParams }, onRequest: staff },
      async (request, reply) => {
        const event = shows.event(request.params.eventId);
        if (event.drawId === null) throw new AppError('EVENT_NOT_SEALED');
        const snapshot = shows.snapshot(event.id, 'staff');
        const verifyUrl = `${request.protocol}://${request.host}/verify?draw=${snapshot.draw.drawId}`;
        reply.type('text/html; charset=utf-8');
        reply.header('cache-control', 'no-store');
        return renderRecord(event, snapshot, shows.logEntries(event.id), verifyUrl);
      },
    );
    typed.post(
      '/api/judges/join',
      { schema: { body: JudgeJoinBodySchema, response: { 200: JudgeJoinResultSchema } } },
      async (request) => shows.joinSeat(request.body),
    );
    typed.get(
      '/api/events/:eventId/seats',
      { schema: { params: EventParams, response: { 200: Type.Array(SeatViewSchema) } }, onRequest: operator },
      async (request) => shows.seats(request.params.eventId),
    );
    typed.post(
      '/api/events/:eventId/seats/:seat/release',
      {
        schema: {
          params: Type.Object({
            eventId: Type.String({ pattern: '^[A-Za-z0-9-]{1,40}$' }),
            seat: Type.Integer({ minimum: 1, maximum: 30 }),
          }),
        },
        onRequest: operator,
      },
      async (request) => {
        shows.releaseSeat(request.params.eventId, request.params.seat);
        return { ok: true };
      },
    );

    typed.get(
      '/events/:eventId/seats/sheet',
      { schema: { params: EventParams }, onRequest: operator },
      async (request, reply) => {
        const event = shows.event(request.params.eventId);
        if (event.drawId === null) throw new AppError('EVENT_NOT_SEALED');
        reply.type('text/html; charset=utf-8');
        reply.header('cache-control', 'no-store');
        return renderSeatSheet(event, shows.seats(event.id), `${request.protocol}://${request.host}`);
      },
    );

    typed.get('/events/:eventId/bulletin', { schema: { params: EventParams } }, async (request, reply) => {
      const event = shows.event(request.params.eventId);
      const snapshot = shows.snapshot(request.params.eventId, 'public');
      const verifyUrl = `${request.protocol}://${request.host}/verify?draw=${snapshot.draw.drawId}`;
      reply.type('text/html; charset=utf-8');
      return renderBulletin(event, snapshot, verifyUrl);
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
        const ack = shows.command(request.params.eventId, request.body, request.staff?.username ?? 'operator');
        if (!ack.ok) reply.status(ERROR_CATALOGUE[ack.error.code].status);
        return ack;
      },
    );
  };
}
