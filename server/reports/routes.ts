import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { AuthService } from '../auth/auth-service';
import { requireStaff } from '../auth/routes';
import { READ_ROLES } from '../protocol/auth';
import { ReportQuerySchema, ReportSchema } from '../protocol/reports';
import type { ReportService } from './report-service';

/** Reports over the audit history: staff only (they name auditees). */
export function reportRoutes(reports: ReportService, auth: AuthService) {
  return async (app: FastifyInstance): Promise<void> => {
    const typed = app.withTypeProvider<TypeBoxTypeProvider>();
    // The reader (查阅) reads every report; the program's scope is checked on the query.
    const staff = requireStaff(auth, READ_ROLES);
    typed.get(
      '/api/reports',
      { schema: { querystring: ReportQuerySchema, response: { 200: ReportSchema } }, onRequest: staff },
      async (request) => reports.report(request.query),
    );
    typed.get(
      '/api/reports.xlsx',
      { schema: { querystring: ReportQuerySchema }, onRequest: staff },
      async (request, reply) => {
        reply.header(
          'content-disposition',
          `attachment; filename="choucha-report-${request.query.from}-${request.query.to}.xlsx"`,
        );
        reply.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
        return reports.xlsx(request.query);
      },
    );
    typed.get(
      '/reports/notice',
      { schema: { querystring: ReportQuerySchema }, onRequest: staff },
      async (request, reply) => {
        reply.type('text/html; charset=utf-8');
        reply.header('cache-control', 'no-store');
        return reports.notice(request.query);
      },
    );
  };
}
