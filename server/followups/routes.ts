import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { AuthService } from '../auth/auth-service';
import { requireStaff } from '../auth/routes';
import { READ_ROLES } from '../protocol/auth';
import {
  CreateRectificationBodySchema,
  FollowupsSchema,
  RecheckBodySchema,
  UpdateRectificationBodySchema,
} from '../protocol/followups';
import { EventSummarySchema } from '../protocol/show';
import type { FollowupService } from './followup-service';
import { DecimalInteger, ROW_ID } from '../protocol/decimal-integer';

/** Follow-up routes: staff read; the operator registers items, updates them and starts a 回头看. */
export function followupRoutes(followups: FollowupService, auth: AuthService) {
  return async (app: FastifyInstance): Promise<void> => {
    const typed = app.withTypeProvider<TypeBoxTypeProvider>();
    const staff = requireStaff(auth, READ_ROLES);
    const operator = requireStaff(auth, ['operator']);
    typed.get(
      '/api/followups',
      {
        schema: {
          querystring: Type.Object({ program: Type.String({ maxLength: 64 }) }),
          response: { 200: FollowupsSchema },
        },
        onRequest: staff,
      },
      async (request) => followups.list(request.query.program),
    );
    typed.post(
      '/api/followups',
      { schema: { body: CreateRectificationBodySchema, response: { 200: FollowupsSchema } }, onRequest: operator },
      async (request) => followups.create(request.body, request.staff?.username ?? 'operator'),
    );
    typed.post(
      '/api/followups/:id/status',
      {
        schema: {
          params: Type.Object({ id: DecimalInteger(ROW_ID) }),
          body: UpdateRectificationBodySchema,
          response: { 200: FollowupsSchema },
        },
        onRequest: operator,
        config: { scope: 'rectification' },
      },
      async (request) => followups.update(request.params.id, request.body),
    );
    typed.post(
      '/api/followups/recheck',
      { schema: { body: RecheckBodySchema, response: { 200: EventSummarySchema } }, onRequest: operator },
      async (request) => followups.recheck(request.body, request.staff?.username ?? 'operator'),
    );
  };
}
