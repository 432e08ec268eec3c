import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { AppError } from '../errors';
import {
  AccountSessionSchema,
  LoginBodySchema,
  SESSION_COOKIE,
  SetPasswordBodySchema,
  STAFF_ROLES,
  type AccountSession,
  type ProgramScope,
  type SessionUser,
  type WorkRole,
} from '../protocol/auth';
import type { AccountService } from './account-service';
import { SESSION_HOURS, type AuthService } from './auth-service';

declare module 'fastify' {
  interface FastifyRequest {
    staff?: SessionUser;
    /** Any logged-in account (an administrator's too), set by requireAccount. */
    account?: AccountSession;
  }
}

/**
 * A request hook that admits only logged-in staff of the given roles (before any body is read);
 * by default the desk's roles, operator and supervisor, so a caller or reader is let in only where
 * a route names them. An administrator is not staff; an account that must still set its own
 * password is told so. The program scope is checked after the input is read (program-scope.ts).
 */
export function requireStaff(auth: AuthService, roles: readonly WorkRole[] = STAFF_ROLES) {
  return async (request: FastifyRequest): Promise<void> => {
    const token = request.cookies[SESSION_COOKIE];
    const user = auth.resolve(token);
    if (!user) {
      const account = auth.resolveAccount(token);
      if (!account) throw new AppError('AUTH_REQUIRED');
      if (account.mustSetPassword) throw new AppError('AUTH_PASSWORD_SETUP_REQUIRED');
      throw new AppError('AUTH_FORBIDDEN');
    }
    if (!roles.includes(user.role)) throw new AppError('AUTH_FORBIDDEN');
    request.staff = user;
  };
}

/** The programs of the request's staff account (null: every program); only after requireStaff. */
export const scopeOf = (request: FastifyRequest): ProgramScope => (request.staff ? request.staff.programs : []);

/** Any logged-in account; `admin` only the administrator, with its own password set. */
export function requireAccount(auth: AuthService, only?: 'admin') {
  return async (request: FastifyRequest): Promise<void> => {
    const account = auth.resolveAccount(request.cookies[SESSION_COOKIE]);
    if (!account) throw new AppError('AUTH_REQUIRED');
    if (only) {
      if (account.mustSetPassword) throw new AppError('AUTH_PASSWORD_SETUP_REQUIRED');
      if (account.role !== only) throw new AppError('AUTH_FORBIDDEN');
    }
    request.account = account;
  };
}

export function authRoutes(auth: AuthService, accounts: AccountService, options: { secureCookies: boolean }) {
  return async (app: FastifyInstance): Promise<void> => {
    const typed = app.withTypeProvider<TypeBoxTypeProvider>();
    const logIn = async (username: string, password: string, ip: string, reply: FastifyReply) => {
      const session = await auth.login(username, password, ip);
      reply.setCookie(SESSION_COOKIE, session.token, {
        path: '/',
        httpOnly: true,
        sameSite: 'strict',
        secure: options.secureCookies,
        // A lifetime, not a date: the browser's clock (a venue laptop) may differ from the server's.
        maxAge: SESSION_HOURS * 3600,
      });
      return session.user;
    };
    typed.post(
      '/api/auth/login',
      { schema: { body: LoginBodySchema, response: { 200: AccountSessionSchema } } },
      async (request, reply) => logIn(request.body.username, request.body.password, request.ip, reply),
    );
    // One's own password: the one-time password's replacement at first login, or a later change.
    // Every session of the account ends; this one is opened again with the new password.
    typed.post(
      '/api/auth/password',
      {
        schema: { body: SetPasswordBodySchema, response: { 200: AccountSessionSchema } },
        onRequest: requireAccount(auth),
      },
      async (request, reply) => {
        const { username } = request.account as AccountSession;
        await accounts.setOwnPassword(username, request.body.current, request.body.next);
        return logIn(username, request.body.next, request.ip, reply);
      },
    );
    typed.post('/api/auth/logout', async (request, reply) => {
      const token = request.cookies[SESSION_COOKIE];
      if (token) auth.logout(token);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return { ok: true };
    });
    typed.get(
      '/api/auth/me',
      { schema: { response: { 200: AccountSessionSchema } }, onRequest: requireAccount(auth) },
      async (request) => request.account as AccountSession,
    );
  };
}
