import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { AuthService } from '../auth/auth-service';
import { requireStaff } from '../auth/routes';

/** Outputs, control surfaces and venue tablets are the county's broadcast kit: an account of every program manages them. */
const COUNTY = { scope: 'county' } as const;
import {
  ChannelCreateBodySchema,
  ChannelParamsSchema,
  ChannelsViewSchema,
  ChannelUpdateBodySchema,
  ChannelViewSchema,
  FollowBodySchema,
  FollowViewSchema,
  VenueJoinBodySchema,
  VenueJoinResultSchema,
  VenueSeatLinkQuerySchema,
  VenueSeatNoticeSchema,
  VenueSeatParamsSchema,
  VenueSeatViewSchema,
  type ChannelConnection,
} from '../protocol/channels';
import { renderVenueSeatSheet } from '../print/seat-sheet';
import type { ChannelService } from './channel-service';
import type { FollowService } from './follow-service';
import type { VenueSeats } from './venue-seats';

export interface ChannelRouteDeps {
  follow: FollowService;
  channels: ChannelService;
  venue: VenueSeats;
  /** The outputs connected on each channel now (the realtime layer's monitor). */
  connections: () => Map<string, ChannelConnection[]>;
  publicBase: () => string;
}

/**
 * The installation's outputs: which event they follow (staff read it, the operator switches it),
 * the output channels with their permanent links, and the venue's judges' seats.
 */
export function channelRoutes(deps: ChannelRouteDeps, auth: AuthService) {
  const { follow, channels, venue } = deps;
  return async (app: FastifyInstance): Promise<void> => {
    const typed = app.withTypeProvider<TypeBoxTypeProvider>();
    const operator = requireStaff(auth, ['operator']);
    typed.get(
      '/api/channels/follow',
      { schema: { response: { 200: FollowViewSchema } }, onRequest: requireStaff(auth) },
      async () => follow.view(),
    );
    typed.put(
      '/api/channels/follow',
      { schema: { body: FollowBodySchema, response: { 200: FollowViewSchema } }, onRequest: operator, config: COUNTY },
      async (request) => follow.follow(request.body.eventId, request.staff?.username ?? 'operator'),
    );

    typed.get(
      '/api/channels',
      { schema: { response: { 200: ChannelsViewSchema } }, onRequest: requireStaff(auth) },
      async (_request, reply) => {
        reply.header('cache-control', 'no-store');
        const connections = deps.connections();
        return {
          follow: follow.view(),
          publicUrl: deps.publicBase(),
          channels: channels.list().map((channel) => ({ channel, connections: connections.get(channel.id) ?? [] })),
        };
      },
    );
    typed.post(
      '/api/channels',
      {
        schema: { body: ChannelCreateBodySchema, response: { 200: ChannelViewSchema } },
        onRequest: operator,
        config: COUNTY,
      },
      async (request) => channels.create(request.body),
    );
    typed.put(
      '/api/channels/:channelId',
      {
        schema: { params: ChannelParamsSchema, body: ChannelUpdateBodySchema, response: { 200: ChannelViewSchema } },
        onRequest: operator,
        config: COUNTY,
      },
      async (request) => channels.update(request.params.channelId, request.body),
    );
    typed.delete(
      '/api/channels/:channelId',
      { schema: { params: ChannelParamsSchema }, onRequest: operator, config: COUNTY },
      async (request) => {
        channels.remove(request.params.channelId);
        return { ok: true };
      },
    );
    typed.post(
      '/api/channels/:channelId/key',
      {
        schema: { params: ChannelParamsSchema, response: { 200: ChannelViewSchema } },
        onRequest: operator,
        config: COUNTY,
      },
      async (request) => channels.regenerateKey(request.params.channelId),
    );

    typed.get(
      '/api/venue-seats',
      { schema: { response: { 200: Type.Array(VenueSeatViewSchema) } }, onRequest: operator, config: COUNTY },
      async (_request, reply) => {
        reply.header('cache-control', 'no-store');
        return venue.list();
      },
    );
    typed.post(
      '/api/venue-seats/join',
      { schema: { body: VenueJoinBodySchema, response: { 200: VenueJoinResultSchema } } },
      async (request) => venue.join(request.body, request.ip),
    );
    typed.get(
      '/api/venue-seats/card',
      { schema: { querystring: VenueSeatLinkQuerySchema, response: { 200: VenueSeatNoticeSchema } } },
      async (request, reply) => {
        reply.header('cache-control', 'no-store');
        return venue.card(request.query);
      },
    );
    typed.post(
      '/api/venue-seats/:seat/release',
      { schema: { params: VenueSeatParamsSchema }, onRequest: operator, config: COUNTY },
      async (request) => {
        venue.release(request.params.seat);
        return { ok: true };
      },
    );
    typed.get('/venue/seats/sheet', { onRequest: operator, config: COUNTY }, async (_request, reply) => {
      reply.type('text/html; charset=utf-8');
      reply.header('cache-control', 'no-store');
      return renderVenueSeatSheet(venue.list(), deps.publicBase());
    });
  };
}
