import { mkdtempSync, rmSync, createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { AppError } from '../errors';
import type { Db } from '../store/db';
import type { Clock } from '../runtime';
import type { AuthService } from '../auth/auth-service';
import { requireStaff, scopeOf } from '../auth/routes';
import { WORK_ROLES, inScope } from '../protocol/auth';
import {
  AuditeeDetailSchema,
  AuditeeParamsSchema,
  GridQuerySchema,
  GridViewSchema,
  ImportResultSchema,
  ProgramParamsSchema,
  RosterFacetsSchema,
  ProgramSchema,
  RosterVersionSchema,
  SearchQuerySchema,
  SearchResultSchema,
  VersionQuerySchema,
  type ImportProblem,
} from '../protocol/registry';
import { importRosterFiles, type FileToImport } from './import/import-files';
import { ImportRejectedError } from './import/roster-import';
import type { RegistryService } from './registry-service';
import { TEMPLATE_KINDS, templateCsv, templateXlsx } from './templates';

export interface RegistryRouteOptions {
  db: Db;
  registry: RegistryService;
  auth: AuthService;
  clock: Clock;
  maxUploadBytes: number;
  /** Throws when an import must wait (a televised show on air). */
  refuseImportNow: () => void;
}

export function registryRoutes({ db, registry, auth, clock, maxUploadBytes, refuseImportNow }: RegistryRouteOptions) {
  return async (app: FastifyInstance): Promise<void> => {
    const typed = app.withTypeProvider<TypeBoxTypeProvider>();
    const staff = requireStaff(auth);
    const operator = requireStaff(auth, ['operator']);

    typed.get(
      '/api/programs',
      // Every role's own programs (their labels name auditees and contacts on every screen).
      { schema: { response: { 200: Type.Array(ProgramSchema) } }, onRequest: requireStaff(auth, WORK_ROLES) },
      async (request) => registry.programs().filter((program) => inScope(scopeOf(request), program.code)),
    );

    typed.get(
      '/api/programs/:program/roster-versions',
      {
        schema: { params: ProgramParamsSchema, response: { 200: Type.Array(RosterVersionSchema) } },
        onRequest: staff,
      },
      async (request) => registry.versions(request.params.program),
    );

    typed.get(
      '/api/programs/:program/facets',
      {
        schema: {
          params: ProgramParamsSchema,
          querystring: VersionQuerySchema,
          response: { 200: RosterFacetsSchema },
        },
        onRequest: staff,
      },
      async (request) => registry.facets(request.params.program, request.query.version),
    );

    typed.get(
      '/api/programs/:program/grid',
      {
        schema: { params: ProgramParamsSchema, querystring: GridQuerySchema, response: { 200: GridViewSchema } },
        onRequest: staff,
      },
      async (request) => registry.grid(request.params.program, request.query),
    );

    typed.get(
      '/api/programs/:program/auditees/:number',
      {
        schema: {
          params: AuditeeParamsSchema,
          querystring: VersionQuerySchema,
          response: { 200: AuditeeDetailSchema },
        },
        onRequest: staff,
      },
      async (request) => registry.auditee(request.params.program, request.params.number, request.query.version),
    );

    typed.get(
      '/api/programs/:program/search',
      {
        schema: { params: ProgramParamsSchema, querystring: SearchQuerySchema, response: { 200: SearchResultSchema } },
        onRequest: staff,
      },
      async (request) =>
        registry.search(request.params.program, request.query.q, request.query.version, request.query.page),
    );

    typed.get(
      '/api/programs/:program/templates/:file',
      {
        schema: {
          params: Type.Object({
            program: Type.String({ maxLength: 64 }),
            file: Type.String({ pattern: `^(${TEMPLATE_KINDS.join('|')})\\.(csv|xlsx)$` }),
          }),
        },
        onRequest: staff,
      },
      async (request, reply) => {
        const program = registry.program(request.params.program);
        const [kind, format] = request.params.file.split('.') as [(typeof TEMPLATE_KINDS)[number], 'csv' | 'xlsx'];
        const label = {
          grid: '网格表',
          auditees: `${program.auditeeLabel}名单`,
          contacts: `${program.contactLabel}名单`,
          visits: '走访记录',
        }[kind];
        const fileName = `${program.name}-${label}模板.${format}`;
        reply.header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(fileName)}`);
        if (format === 'csv') {
          reply.type('text/csv; charset=utf-8');
          return templateCsv(program, kind);
        }
        reply.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
        return templateXlsx(program, kind);
      },
    );

    typed.post(
      '/api/programs/:program/imports',
      { schema: { params: ProgramParamsSchema, response: { 200: ImportResultSchema } }, onRequest: operator },
      async (request) => {
        const program = registry.program(request.params.program);
        refuseImportNow();
        if (!request.isMultipart()) throw new AppError('IMPORT_NO_FILES');
        const dir = mkdtempSync(join(tmpdir(), 'choucha-import-'));
        try {
          const files: FileToImport[] = [];
          const tooLarge: ImportProblem[] = [];
          for await (const part of request.files({
            limits: { fileSize: maxUploadBytes, files: 10 },
            throwFileSizeLimit: false,
          })) {
            const path = join(dir, `upload-${files.length}`);
            await pipeline(part.file, createWriteStream(path));
            const name = part.filename || `文件${files.length + 1}`;
            if (part.file.truncated) {
              tooLarge.push({
                file: name,
                code: 'FILE_TOO_LARGE',
                message: `文件超过大小上限 ${(maxUploadBytes / 1048576).toFixed(0)} MB`,
              });
            }
            files.push({ path, name });
          }
          if (tooLarge.length > 0) throw new ImportRejectedError(tooLarge, tooLarge.length);
          if (files.length === 0) throw new AppError('IMPORT_NO_FILES');
          return await importRosterFiles(db, files, {
            programCode: program.code,
            actor: request.staff?.username ?? 'unknown',
            now: clock().toISOString(),
            maxFileBytes: maxUploadBytes,
          });
        } catch (error) {
          if (error instanceof ImportRejectedError) {
            throw new AppError('IMPORT_INVALID', {
              details: { problems: error.problems, totalProblems: error.totalProblems },
            });
          }
          throw error;
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      },
    );
  };
}
