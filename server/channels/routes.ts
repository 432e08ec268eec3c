import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { AuthService } from '../auth/auth-service';
import { requireStaff } from '../auth/routes';
import { FollowBodySchema, FollowViewSchema } from '../protocol/channels';
import type { FollowService } from './follow-service';

/** The installation's outputs: which event they follow (staff read it, the operator switches it). */
export function channelRoutes(follow: FollowService, auth: AuthService) {
  return async (app: FastifyInstance): Promise<void> => {
    const typed = app.withTypeProvider<TypeBoxTypeProvider>();
    typed.get(
      '/api/channels/follow',
      { schema: { response: { 200: FollowViewSchema } }, onRequest: requireStaff(auth) },
      async () => follow.view(),
    );
    typed.put(
      '/api/channels/follow',
      {
        schema: { body: FollowBodySchema, response: { 200: FollowViewSchema } },
        onRequest: requireStaff(auth, ['operator']),
      },
      async (request) => follow.follow(request.body.eventId, request.staff?.username ?? 'operator'),
    );
  };
}
