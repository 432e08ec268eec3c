import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { AuthService } from '../auth/auth-service';
import { requireStaff } from '../auth/routes';
import {
  JudgeJoinBodySchema,
  JudgeJoinResultSchema,
  SeatCardSchema,
  SeatLinkQuerySchema,
  SeatViewSchema,
  SEAT_NUMBER,
} from '../protocol/judges';
import { DecimalInteger } from '../protocol/decimal-integer';
import { renderSeatSheet } from '../print/seat-sheet';
import { AppError } from '../errors';
import type { EventService } from '../events/event-service';
import { EventParams } from '../events/routes';
import type { SeatService } from './seat-service';

/** A seat in a URL. */
const SeatParams = Type.Object({
  eventId: Type.String({ pattern: '^[A-Za-z0-9-]{1,40}$' }),
  seat: DecimalInteger(SEAT_NUMBER),
});

/** Judges' seat routes: a tablet joins with its link and PIN; the operator lists, prints and releases seats. */
export function seatRoutes(seats: SeatService, events: EventService, auth: AuthService, publicBase: () => string) {
  return async (app: FastifyInstance): Promise<void> => {
    const typed = app.withTypeProvider<TypeBoxTypeProvider>();
    const operator = requireStaff(auth, ['operator']);

    typed.post(
      '/api/judges/join',
      { schema: { body: JudgeJoinBodySchema, response: { 200: JudgeJoinResultSchema } } },
      async (request) => seats.joinSeat(request.body, request.ip),
    );
    typed.get(
      '/api/judges/seat',
      { schema: { querystring: SeatLinkQuerySchema, response: { 200: SeatCardSchema } } },
      async (request, reply) => {
        reply.header('cache-control', 'no-store');
        return seats.seatCard(request.query);
      },
    );
    typed.get(
      '/api/events/:eventId/seats',
      { schema: { params: EventParams, response: { 200: Type.Array(SeatViewSchema) } }, onRequest: operator },
      async (request) => seats.seats(request.params.eventId),
    );
    typed.post(
      '/api/events/:eventId/seats/:seat/release',
      {
        schema: {
          params: SeatParams,
        },
        onRequest: operator,
      },
      async (request) => {
        seats.releaseSeat(request.params.eventId, request.params.seat);
        return { ok: true };
      },
    );
    typed.post(
      '/api/events/:eventId/seats/:seat/unlock',
      { schema: { params: SeatParams }, onRequest: operator },
      async (request) => {
        seats.clearLock(request.params.eventId, request.params.seat);
        return { ok: true };
      },
    );

    typed.get(
      '/events/:eventId/seats/sheet',
      { schema: { params: EventParams }, onRequest: operator },
      async (request, reply) => {
        const event = events.event(request.params.eventId);
        if (event.drawId === null) throw new AppError('EVENT_NOT_SEALED');
        reply.type('text/html; charset=utf-8');
        reply.header('cache-control', 'no-store');
        return renderSeatSheet(event, seats.seats(event.id), publicBase());
      },
    );
  };
}
