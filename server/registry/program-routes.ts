import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Db } from '../store/db';
import type { Clock } from '../runtime';
import type { AuthService } from '../auth/auth-service';
import { requireAccount } from '../auth/routes';
import type { AccountSession } from '../protocol/auth';
import {
  CreateProgramBodySchema,
  ProgramCodeParamsSchema,
  ProgramDefinitionsSchema,
  UpdateProgramBodySchema,
} from '../protocol/programs';
import { createProgram, programDefinitions, updateProgram } from './programs';

/**
 * The administrator's program definitions: list every program with its versions, create one,
 * save a new version of one. Sealed plans name the version they were sealed with; old versions
 * never change.
 */
export function programRoutes(db: Db, auth: AuthService, clock: Clock) {
  return async (app: FastifyInstance): Promise<void> => {
    const typed = app.withTypeProvider<TypeBoxTypeProvider>();
    const admin = requireAccount(auth, 'admin');
    const actor = (request: { account?: AccountSession }) => (request.account as AccountSession).username;
    typed.get(
      '/api/program-definitions',
      { schema: { response: { 200: ProgramDefinitionsSchema } }, onRequest: admin },
      async () => programDefinitions(db),
    );
    typed.post(
      '/api/program-definitions',
      { schema: { body: CreateProgramBodySchema, response: { 200: ProgramDefinitionsSchema } }, onRequest: admin },
      async (request) => createProgram(db, request.body, clock().toISOString(), actor(request)),
    );
    typed.put(
      '/api/program-definitions/:code',
      {
        schema: {
          params: ProgramCodeParamsSchema,
          body: UpdateProgramBodySchema,
          response: { 200: ProgramDefinitionsSchema },
        },
        onRequest: admin,
      },
      async (request) => updateProgram(db, request.params.code, request.body, clock().toISOString(), actor(request)),
    );
  };
}
