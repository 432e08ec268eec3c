import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { AppError } from '../errors';
import {
  LoginBodySchema,
  SESSION_COOKIE,
  SessionUserSchema,
  STAFF_ROLES,
  type SessionUser,
  type StaffRole,
} from '../protocol/auth';
import { SESSION_HOURS, type AuthService } from './auth-service';

declare module 'fastify' {
  interface FastifyRequest {
    staff?: SessionUser;
  }
}

/** A request hook that admits only logged-in staff of the given roles (before any body is read). */
export function requireStaff(auth: AuthService, roles: readonly StaffRole[] = STAFF_ROLES) {
  return async (request: FastifyRequest): Promise<void> => {
    const user = auth.resolve(request.cookies[SESSION_COOKIE]);
    if (!user) throw new AppError('AUTH_REQUIRED');
    if (!roles.includes(user.role)) throw new AppError('AUTH_FORBIDDEN');
    request.staff = user;
  };
}

export function authRoutes(auth: AuthService, options: { secureCookies: boolean }) {
  return async (app: FastifyInstance): Promise<void> => {
    const typed = app.withTypeProvider<TypeBoxTypeProvider>();
    typed.post(
      '/api/auth/login',
      { schema: { body: LoginBodySchema, response: { 200: SessionUserSchema } } },
      async (request, reply) => {
        const session = await auth.login(request.body.username, request.body.password, request.ip);
        reply.setCookie(SESSION_COOKIE, session.token, {
          path: '/',
          httpOnly: true,
          sameSite: 'strict',
          secure: options.secureCookies,
          // A lifetime, not a date: the browser's clock (a venue laptop) may differ from the server's.
          maxAge: SESSION_HOURS * 3600,
        });
        return session.user;
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
      { schema: { response: { 200: SessionUserSchema } }, onRequest: requireStaff(auth) },
      async (request) => request.staff as SessionUser,
    );
  };
}
