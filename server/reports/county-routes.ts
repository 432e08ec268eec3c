import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { AuthService } from '../auth/auth-service';
import { requireStaff } from '../auth/routes';
import { CountyReportQuerySchema, CountyReportSchema } from '../protocol/reports';
import type { CountyReportService, VisiblePrograms } from './county-report-service';

/**
 * The programs the logged-in account may see in the county view: null is every program.
 * THE ONE PLACE to wire program-scoped accounts: return `request.staff.programs` once accounts carry it.
 */
export function visibleProgramsOf(request: FastifyRequest): VisiblePrograms {
  void request;
  return null;
}

/** The county view (县级总览): staff only (it names units and their scores). */
export function countyReportRoutes(county: CountyReportService, auth: AuthService) {
  return async (app: FastifyInstance): Promise<void> => {
    const typed = app.withTypeProvider<TypeBoxTypeProvider>();
    const staff = requireStaff(auth);
    typed.get(
      '/api/county-report',
      { schema: { querystring: CountyReportQuerySchema, response: { 200: CountyReportSchema } }, onRequest: staff },
      async (request) => county.report(request.query, visibleProgramsOf(request)),
    );
    typed.get(
      '/api/county-report.xlsx',
      { schema: { querystring: CountyReportQuerySchema }, onRequest: staff },
      async (request, reply) => {
        const visible = visibleProgramsOf(request);
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
