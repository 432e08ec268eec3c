import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp, type AppOptions } from '../../server/app';
import { tempDir } from './roster-fixture';

export const OPERATOR_PASSWORD = 'operator-test-pass';
export const SUPERVISOR_PASSWORD = 'supervisor-test-pass';
export const ADMIN_PASSWORD = 'admin-test-pass';

/** A whole app on a fresh temporary database file, with known passwords. */
export async function testApp(
  options: Partial<AppOptions> = {},
): Promise<{ app: FastifyInstance; dir: string; close: () => Promise<void> }> {
  const dir = tempDir();
  const app = await buildApp({
    dbPath: join(dir, 'choucha.db'),
    initialPasswords: { admin: ADMIN_PASSWORD, operator: OPERATOR_PASSWORD, supervisor: SUPERVISOR_PASSWORD },
    ...options,
  });
  return {
    app,
    dir,
    close: async () => {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function loginCookie(
  app: FastifyInstance,
  username = 'operator',
  password = OPERATOR_PASSWORD,
): Promise<string> {
  const response = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
  if (response.statusCode !== 200) throw new Error(`login failed: ${response.body}`);
  return String(response.headers['set-cookie']).split(';')[0] as string;
}
