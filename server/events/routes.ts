import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { AuthService } from '../auth/auth-service';
import { requireStaff, scopeOf } from '../auth/routes';
import { READ_ROLES, WORK_ROLES, inScope } from '../protocol/auth';
import { CountySettingsSchema, CreateEventBodySchema, EventSummarySchema, PublicEventSchema } from '../protocol/events';
import { CommitmentSchema } from '../protocol/draw';
import type { EventService } from './event-service';

/** An event id in a URL (the event, show and seat routes share it). */
export const EventParams = Type.Object({ eventId: Type.String({ pattern: '^[A-Za-z0-9-]{1,40}$' }) });

/** Event routes: operators declare, seal and rehearse events; the public site lists the sealed ones. */
export function eventRoutes(events: EventService, auth: AuthService, publicBase: () => string) {
  return async (app: FastifyInstance): Promise<void> => {
    const typed = app.withTypeProvider<TypeBoxTypeProvider>();
    const operator = requireStaff(auth, ['operator']);

    typed.post(
      '/api/events',
      { schema: { body: CreateEventBodySchema, response: { 200: EventSummarySchema } }, onRequest: operator },
      async (request) => events.createEvent(request.body, request.staff?.username ?? 'operator'),
    );
    typed.put(
      '/api/events/:eventId',
      {
        schema: { params: EventParams, body: CreateEventBodySchema, response: { 200: EventSummarySchema } },
        onRequest: operator,
      },
      async (request) => events.updateEvent(request.params.eventId, request.body),
    );
    typed.get(
      '/api/events',
      // Every role finds its programs' events here (a caller, the show it calls).
      { schema: { response: { 200: Type.Array(EventSummarySchema) } }, onRequest: requireStaff(auth, WORK_ROLES) },
      async (request) => events.listEvents().filter((event) => inScope(scopeOf(request), event.programCode)),
    );
    typed.get(
      '/api/events/:eventId',
      {
        schema: {
          params: EventParams,
          response: {
            200: Type.Object({ event: EventSummarySchema, overlayKey: Type.String(), publicUrl: Type.String() }),
          },
        },
        onRequest: requireStaff(auth, READ_ROLES),
      },
      async (request) => ({
        event: events.event(request.params.eventId),
        overlayKey: events.overlayKey(request.params.eventId),
        // The console copies output URLs from this, not from the address its browser happened to use.
        publicUrl: publicBase(),
      }),
    );
    typed.post(
      '/api/events/:eventId/seal',
      { schema: { params: EventParams, response: { 200: EventSummarySchema } }, onRequest: operator },
      async (request) => events.sealEvent(request.params.eventId, request.staff?.username ?? 'operator'),
    );
    // The notary's commitment, from the notary's own console: only the supervisor registers it.
    typed.put(
      '/api/events/:eventId/notary-commitment',
      {
        schema: {
          params: EventParams,
          body: Type.Object({ commitment: CommitmentSchema }, { additionalProperties: false }),
          response: { 200: EventSummarySchema },
        },
        onRequest: requireStaff(auth, ['supervisor']),
      },
      async (request) =>
        events.registerNotaryCommitment(
          request.params.eventId,
          request.body.commitment,
          request.staff?.username ?? 'supervisor',
        ),
    );
    typed.post(
      '/api/events/:eventId/rehearsal',
      { schema: { params: EventParams, response: { 200: EventSummarySchema } }, onRequest: operator },
      async (request) => events.rehearse(request.params.eventId, request.staff?.username ?? 'operator'),
    );
    typed.get(
      '/api/public/events',
      { schema: { response: { 200: Type.Array(PublicEventSchema) } } },
      async (_request, reply) => {
        reply.header('cache-control', 'no-cache');
        return events.publicEvents();
      },
    );
    // The county's settings are read wherever events are listed (the reader's list too); changed county-wide only.
    typed.get(
      '/api/settings',
      { schema: { response: { 200: CountySettingsSchema } }, onRequest: requireStaff(auth, READ_ROLES) },
      async () => events.settings(),
    );
    typed.put(
      '/api/settings',
      {
        schema: { body: CountySettingsSchema, response: { 200: CountySettingsSchema } },
        onRequest: operator,
        config: { scope: 'county' },
      },
      async (request) => events.updateSettings(request.body),
    );
  };
}
