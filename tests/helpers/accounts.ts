import type { FastifyInstance } from 'fastify';
import type { AccountRole, OneTimePassword, ProgramScope } from '../../server/protocol/auth';
import { ADMIN_PASSWORD, loginCookie } from './test-app';

/**
 * An account made as the county does it: the administrator creates it with its role and programs,
 * its owner logs in with the one-time password and sets their own. Returns the owner's session cookie.
 */
export async function grantedAccount(
  app: FastifyInstance,
  username: string,
  role: AccountRole,
  programs: ProgramScope,
  password = `${username}-own-password`,
): Promise<string> {
  const admin = await loginCookie(app, 'admin', ADMIN_PASSWORD);
  const created = await app.inject({
    method: 'POST',
    url: '/api/accounts',
    headers: { cookie: admin },
    payload: { username, role, programs },
  });
  if (created.statusCode !== 200) throw new Error(created.body);
  const oneTime = created.json<OneTimePassword>().password;
  const first = await loginCookie(app, username, oneTime);
  const set = await app.inject({
    method: 'POST',
    url: '/api/auth/password',
    headers: { cookie: first },
    payload: { current: oneTime, next: password },
  });
  if (set.statusCode !== 200) throw new Error(set.body);
  return loginCookie(app, username, password);
}
