import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { AppError } from '../errors';
import { SignedTreeHeadSchema } from '../protocol/draw';
import { DecimalInteger } from '../protocol/decimal-integer';
import {
  ConsistencyQuery,
  InclusionQuery,
  LOG_INDEX,
  ProofSchema,
  PublicDrawSchema,
  PublicLogHeadSchema,
  PublicLogLeafRowSchema,
  PublicLogLeavesQuery,
} from '../protocol/public-log';
import type { PublicLogService } from './public-log-service';

/**
 * The public log's routes, all public and read-only: anyone may fetch heads, leaves and proofs, and
 * check that the log only ever grew (a monitor can poll the head and ask for consistency proofs).
 */
export function publicLogRoutes(publicLog: PublicLogService) {
  return async (app: FastifyInstance): Promise<void> => {
    const typed = app.withTypeProvider<TypeBoxTypeProvider>();
    typed.get(
      '/api/public-log/head',
      { schema: { response: { 200: PublicLogHeadSchema } } },
      async (_request, reply) => {
        reply.header('cache-control', 'no-cache');
        return { head: publicLog.latestHead(), publicKey: publicLog.publicKey(), keyId: publicLog.keyId() };
      },
    );
    typed.get(
      '/api/public-log/heads/:size',
      {
        schema: {
          params: Type.Object({ size: DecimalInteger(LOG_INDEX) }, { additionalProperties: false }),
          response: { 200: SignedTreeHeadSchema },
        },
      },
      async (request) => {
        const head = publicLog.head(request.params.size);
        if (!head) throw new AppError('NOT_FOUND', { message: `公开日志没有 ${request.params.size} 条时的树头` });
        return head;
      },
    );
    typed.get(
      '/api/public-log/leaves',
      { schema: { querystring: PublicLogLeavesQuery, response: { 200: Type.Array(PublicLogLeafRowSchema) } } },
      async (request) => publicLog.leaves(request.query.from ?? 0, request.query.limit ?? 1000),
    );
    typed.get(
      '/api/public-log/proof/inclusion',
      { schema: { querystring: InclusionQuery, response: { 200: ProofSchema } } },
      async (request) => {
        const proof = publicLog.inclusion(request.query.index, request.query.size);
        if (!proof) throw new AppError('NOT_FOUND', { message: '公开日志中没有这一条，或树的大小超出现有记录' });
        return { proof };
      },
    );
    typed.get(
      '/api/public-log/proof/consistency',
      { schema: { querystring: ConsistencyQuery, response: { 200: ProofSchema } } },
      async (request) => {
        const proof = publicLog.consistency(request.query.from, request.query.to);
        if (!proof) throw new AppError('NOT_FOUND', { message: '树的大小超出现有记录' });
        return { proof };
      },
    );
    typed.get(
      '/api/public/draws',
      { schema: { response: { 200: Type.Array(PublicDrawSchema) } } },
      async (_request, reply) => {
        reply.header('cache-control', 'no-cache');
        return publicLog.publicDraws();
      },
    );
  };
}
