import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { AuthService } from '../auth/auth-service';
import { requireStaff, scopeOf } from '../auth/routes';
import { READ_ROLES } from '../protocol/auth';
import { CountyReportQuerySchema, CountyReportSchema } from '../protocol/reports';
import type { CountyReportService } from './county-report-service';

/**
 * The county view (县级总览): the reader's (查阅) across every program, each department's staff
 * across their own programs (it names units and their scores, never a phone).
 */
export function countyReportRoutes(county: CountyReportService, auth: AuthService) {
  return async (app: FastifyInstance): Promise<void> => {
    const typed = app.withTypeProvider<TypeBoxTypeProvider>();
    const staff = requireStaff(auth, READ_ROLES);
    typed.get(
      '/api/county-report',
      { schema: { querystring: CountyReportQuerySchema, response: { 200: CountyReportSchema } }, onRequest: staff },
      async (request) => county.report(request.query, scopeOf(request)),
    );
    typed.get(
      '/api/county-report.xlsx',
      { schema: { querystring: CountyReportQuerySchema }, onRequest: staff },
      async (request, reply) => {
        const visible = scopeOf(request);
        reply.header(
          'content-disposition',
          `attachment; filename="choucha-county-${request.query.from}-${request.query.to}.xlsx"`,
        );
        reply.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
        return county.xlsx(request.query, visible);
      },
    );
  };
}
