import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import {
  AccountsSchema,
  CreateAccountBodySchema,
  GrantBodySchema,
  OneTimePasswordSchema,
  USERNAME_PATTERN,
  type AccountSession,
} from '../protocol/auth';
import type { AuthService } from './auth-service';
import type { AccountService } from './account-service';
import { requireAccount } from './routes';

const UsernameParams = Type.Object({ username: Type.String({ pattern: USERNAME_PATTERN }) });

/** The administrator's account routes: list with the log, create, change a grant, disable, enable, reset a password. */
export function accountRoutes(accounts: AccountService, auth: AuthService) {
  return async (app: FastifyInstance): Promise<void> => {
    const typed = app.withTypeProvider<TypeBoxTypeProvider>();
    const admin = requireAccount(auth, 'admin');
    const actor = (request: { account?: AccountSession }) => (request.account as AccountSession).username;
    typed.get('/api/accounts', { schema: { response: { 200: AccountsSchema } }, onRequest: admin }, async () =>
      accounts.list(),
    );
    typed.post(
      '/api/accounts',
      { schema: { body: CreateAccountBodySchema, response: { 200: OneTimePasswordSchema } }, onRequest: admin },
      async (request, reply) => {
        reply.header('cache-control', 'no-store');
        return accounts.create(actor(request), request.body);
      },
    );
    typed.post(
      '/api/accounts/:username/grant',
      {
        schema: { params: UsernameParams, body: GrantBodySchema, response: { 200: AccountsSchema } },
        onRequest: admin,
      },
      async (request) => accounts.grant(actor(request), request.params.username, request.body),
    );
    typed.post(
      '/api/accounts/:username/disable',
      { schema: { params: UsernameParams, response: { 200: AccountsSchema } }, onRequest: admin },
      async (request) => accounts.disable(actor(request), request.params.username),
    );
    typed.post(
      '/api/accounts/:username/enable',
      { schema: { params: UsernameParams, response: { 200: AccountsSchema } }, onRequest: admin },
      async (request) => accounts.enable(actor(request), request.params.username),
    );
    typed.post(
      '/api/accounts/:username/reset-password',
      { schema: { params: UsernameParams, response: { 200: OneTimePasswordSchema } }, onRequest: admin },
      async (request, reply) => {
        reply.header('cache-control', 'no-store');
        return accounts.resetPassword(actor(request), request.params.username);
      },
    );
  };
}
