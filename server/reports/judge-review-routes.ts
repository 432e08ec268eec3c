import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { AuthService } from '../auth/auth-service';
import { requireStaff, scopeOf } from '../auth/routes';
import { JudgeReviewQuerySchema, JudgeReviewSchema, type JudgeReviewQuery } from '../protocol/judge-review';
import type { JudgeReviewService } from './judge-review-service';

/** The judges' report: supervisors only (it evaluates the panel); never on air or public. */
export function judgeReviewRoutes(reviews: JudgeReviewService, auth: AuthService) {
  return async (app: FastifyInstance): Promise<void> => {
    const typed = app.withTypeProvider<TypeBoxTypeProvider>();
    // The supervisor, and the reader (纪委, 组织部), who reads every report.
    const supervisor = requireStaff(auth, ['supervisor', 'reader']);
    const fileName = (query: JudgeReviewQuery, ext: string) =>
      `choucha-judges-${query.event ?? `${query.from}-${query.to}`}.${ext}`;
    typed.get(
      '/api/judge-review',
      { schema: { querystring: JudgeReviewQuerySchema, response: { 200: JudgeReviewSchema } }, onRequest: supervisor },
      async (request, reply) => {
        reply.header('cache-control', 'no-store');
        return reviews.report(request.query, scopeOf(request));
      },
    );
    typed.get(
      '/api/judge-review.csv',
      { schema: { querystring: JudgeReviewQuerySchema }, onRequest: supervisor },
      async (request, reply) => {
        reply.header('content-disposition', `attachment; filename="${fileName(request.query, 'csv')}"`);
        reply.header('cache-control', 'no-store');
        reply.type('text/csv; charset=utf-8');
        return reviews.csv(request.query, scopeOf(request));
      },
    );
    typed.get(
      '/api/judge-review.xlsx',
      { schema: { querystring: JudgeReviewQuerySchema }, onRequest: supervisor },
      async (request, reply) => {
        reply.header('content-disposition', `attachment; filename="${fileName(request.query, 'xlsx')}"`);
        reply.header('cache-control', 'no-store');
        reply.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
        return reviews.xlsx(request.query, scopeOf(request));
      },
    );
  };
}
