import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { AuthService } from '../auth/auth-service';
import { requireStaff, scopeOf } from '../auth/routes';
import { READ_ROLES, inScope } from '../protocol/auth';
import { showRoleOf } from '../protocol/show-commands';
import {
  DrawCommandBodySchema,
  DrawListItemSchema,
  DrawPlanSchema,
  DrawViewSchema,
  PoolPreviewSchema,
  SealDrawBodySchema,
} from '../protocol/draw';
import type { DrawBundle } from '../verify/bundle';
import type { DrawService } from '../draws/draw-service';
import type { StaffRole } from '../protocol/auth';

const DrawParams = Type.Object({ drawId: Type.String({ pattern: '^[A-Za-z0-9-]{1,40}$' }) });

/**
 * Who may send a ceremony step: the supervisor (the notary) alone types the public entropy and
 * reveals the notary's secret; either may abandon; the rest is the operator's.
 */
function drawCommandRoles(type: string | undefined): StaffRole[] {
  if (type === 'lockEntropy' || type === 'revealNotary') return ['supervisor'];
  if (type === 'abandon') return ['operator', 'supervisor'];
  return ['operator'];
}

/**
 * Draw routes. Reading a draw and its bundle is public (anyone may verify); sealing and the
 * ceremony need staff.
 */
export function drawRoutes(
  draws: DrawService,
  auth: AuthService,
  /** The bundle with the show's part when the draw ran as a show (see ShowRunner.bundle). */
  bundleOf: (drawId: string) => DrawBundle = (drawId) => draws.bundle(drawId),
) {
  return async (app: FastifyInstance): Promise<void> => {
    const typed = app.withTypeProvider<TypeBoxTypeProvider>();
    const staff = requireStaff(auth);
    const readers = requireStaff(auth, READ_ROLES);
    const operator = requireStaff(auth, ['operator']);

    typed.post(
      '/api/draws/preview',
      {
        schema: {
          body: Type.Object(
            { plan: DrawPlanSchema, rosterVersionId: Type.Optional(Type.Integer({ minimum: 1 })) },
            { additionalProperties: false },
          ),
          response: { 200: PoolPreviewSchema },
        },
        onRequest: staff,
      },
      async (request) => draws.preview(request.body.plan, request.body.rosterVersionId),
    );

    typed.post(
      '/api/draws',
      { schema: { body: SealDrawBodySchema, response: { 200: DrawViewSchema } }, onRequest: operator },
      async (request) => draws.seal(request.body, request.staff?.username ?? 'operator'),
    );

    typed.get(
      '/api/draws',
      { schema: { response: { 200: Type.Array(DrawListItemSchema) } }, onRequest: readers },
      async (request) => draws.list().filter((draw) => inScope(scopeOf(request), draw.programCode)),
    );

    typed.get(
      '/api/draws/:drawId',
      { schema: { params: DrawParams, response: { 200: DrawViewSchema } } },
      async (request) => draws.view(request.params.drawId),
    );

    typed.post(
      '/api/draws/:drawId/commands',
      {
        schema: { params: DrawParams, body: DrawCommandBodySchema, response: { 200: DrawViewSchema } },
        // Staff before the body is read (and the draw's program checked); the command's roles once it is read.
        onRequest: staff,
        preValidation: async (request) => {
          const body = request.body as { type?: string };
          await requireStaff(auth, drawCommandRoles(body.type))(request);
        },
      },
      async (request) =>
        draws.command(
          request.params.drawId,
          request.body,
          request.staff?.username ?? 'operator',
          showRoleOf(request.staff?.role ?? 'operator') ?? 'operator',
        ),
    );

    typed.get('/api/draws/:drawId/bundle', { schema: { params: DrawParams } }, async (request, reply) => {
      const bundle = bundleOf(request.params.drawId);
      reply.header('content-disposition', `attachment; filename="choucha-bundle-${request.params.drawId}.json"`);
      reply.type('application/json; charset=utf-8');
      return JSON.stringify(bundle, null, 1);
    });
  };
}
