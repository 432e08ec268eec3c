import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../store/db';
import { AuthService } from './auth-service';

let dir: string;
let db: Db;
afterEach(() => {
  db?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function service(now: { t: number }, maxTrackedKeys?: number): Promise<AuthService> {
  dir = mkdtempSync(join(tmpdir(), 'choucha-auth-'));
  db = openDatabase(join(dir, 'auth.db'));
  const auth = new AuthService(
    db,
    () => new Date(now.t),
    (n) => randomBytes(n),
    maxTrackedKeys,
  );
  await auth.ensureUsers({ operator: 'right-password', supervisor: 'other-password' });
  return auth;
}

const code = async (run: () => Promise<unknown>) => {
  try {
    await run();
    return 'ok';
  } catch (error) {
    return (error as { code?: string }).code;
  }
};

describe('login rate limit', () => {
  it('refuses a sixth guess from that address within 15 minutes, even with the right password, and forgets after the window', async () => {
    const now = { t: Date.parse('2026-11-26T10:00:00Z') };
    const auth = await service(now);
    for (let i = 0; i < 5; i += 1)
      expect(await code(() => auth.login('operator', `guess-${i}`, '10.0.0.1'))).toBe('AUTH_INVALID_CREDENTIALS');
    expect(await code(() => auth.login('operator', 'right-password', '10.0.0.1'))).toBe('AUTH_RATE_LIMITED');
    // The guesser's address is refused, not the account: the operator's own laptop still logs in.
    expect(await code(() => auth.login('operator', 'right-password', '10.0.0.2'))).toBe('ok');
    now.t += 15 * 60 * 1000;
    expect(await code(() => auth.login('operator', 'right-password', '10.0.0.1'))).toBe('ok');
  });

  it('keeps its memory bounded when every guess uses a new username and address', async () => {
    const now = { t: Date.parse('2026-11-26T10:00:00Z') };
    const auth = await service(now, 20);
    for (let i = 0; i < 40; i += 1)
      expect(await code(() => auth.login(`nobody-${i}`, 'x', `10.1.0.${i}`))).toBe('AUTH_INVALID_CREDENTIALS');
    expect(auth.trackedFailureKeys).toBeLessThanOrEqual(20);
    expect(auth.trackedFailureKeys).toBeGreaterThan(0);
  });
});
