import { createHash } from 'node:crypto';
import type { Db } from '../store/db';
import type { Clock, RandomBytes } from '../runtime';
import { AppError } from '../errors';
import type { SessionUser, StaffRole } from '../protocol/auth';
import { generatePassword, hashPassword, verifyPassword } from './passwords';
import { FailureLimiter } from './failure-limiter';

export const SESSION_HOURS = 12;
export const MAX_FAILURES = 5;
export const FAILURE_WINDOW_MS = 15 * 60 * 1000;
const MAX_TRACKED_KEYS = 10_000;

export const DEFAULT_USERS: readonly { username: string; role: StaffRole }[] = [
  { username: 'operator', role: 'operator' },
  { username: 'supervisor', role: 'supervisor' },
];

const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

export class AuthService {
  /** Failed logins per client address and per username, within a sliding window. */
  private readonly failures: FailureLimiter;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly random: RandomBytes,
    /** How many addresses and usernames the login limiter remembers at most. */
    maxTrackedKeys = MAX_TRACKED_KEYS,
  ) {
    this.failures = new FailureLimiter({
      maxFailures: MAX_FAILURES,
      windowMs: FAILURE_WINDOW_MS,
      maxKeys: maxTrackedKeys,
    });
  }

  /**
   * Creates the operator and supervisor accounts on first start. A password comes from the
   * given values (environment) or is generated; generated ones are returned to be shown once.
   */
  ensureUsers(
    passwords: Partial<Record<StaffRole, string>>,
  ): { username: string; role: StaffRole; password: string }[] {
    const created: { username: string; role: StaffRole; password: string }[] = [];
    const exists = this.db.prepare('SELECT 1 FROM users WHERE username = ?').pluck();
    const insert = this.db.prepare('INSERT INTO users (username, role, password_hash, created_at) VALUES (?, ?, ?, ?)');
    for (const user of DEFAULT_USERS) {
      if (exists.get(user.username)) continue;
      const password = passwords[user.role] ?? generatePassword(this.random);
      insert.run(user.username, user.role, hashPassword(password, this.random(16)), this.clock().toISOString());
      if (passwords[user.role] === undefined) created.push({ ...user, password });
    }
    return created;
  }

  setPassword(username: string, password: string): void {
    const result = this.db
      .prepare('UPDATE users SET password_hash = ? WHERE username = ?')
      .run(hashPassword(password, this.random(16)), username);
    if (result.changes === 0) throw new AppError('NOT_FOUND');
    this.db.prepare('DELETE FROM sessions WHERE username = ?').run(username);
  }

  login(
    username: string,
    password: string,
    clientAddress: string,
  ): { token: string; user: SessionUser; expiresAt: Date } {
    const now = this.clock().getTime();
    const keys = [`ip:${clientAddress}`, `user:${username}`];
    if (this.failures.blocked(keys, now)) throw new AppError('AUTH_RATE_LIMITED');
    const row = this.db
      .prepare('SELECT username, role, password_hash AS hash FROM users WHERE username = ?')
      .get(username) as { username: string; role: StaffRole; hash: string } | undefined;
    // Verify against a dummy hash when the user is unknown, so timing does not tell.
    const ok = verifyPassword(password, row?.hash ?? dummyHash()) && row !== undefined;
    if (!ok) {
      this.failures.fail(keys, now);
      throw new AppError('AUTH_INVALID_CREDENTIALS');
    }
    this.failures.succeed(keys);
    const token = this.random(32).toString('base64url');
    const expiresAt = new Date(now + SESSION_HOURS * 3600 * 1000);
    this.db
      .prepare('INSERT INTO sessions (token_hash, username, created_at, expires_at) VALUES (?, ?, ?, ?)')
      .run(tokenHash(token), row.username, new Date(now).toISOString(), expiresAt.toISOString());
    return { token, user: { username: row.username, role: row.role }, expiresAt };
  }

  /** How many addresses and usernames are being tracked (for tests and monitoring). */
  get trackedFailureKeys(): number {
    return this.failures.size;
  }

  logout(token: string): void {
    this.db.prepare('DELETE FROM sessions WHERE token_hash = ?').run(tokenHash(token));
  }

  resolve(token: string | undefined): SessionUser | undefined {
    if (!token) return undefined;
    const row = this.db
      .prepare(
        `SELECT u.username, u.role, s.expires_at AS expiresAt FROM sessions s
         JOIN users u ON u.username = s.username WHERE s.token_hash = ?`,
      )
      .get(tokenHash(token)) as { username: string; role: StaffRole; expiresAt: string } | undefined;
    if (!row || Date.parse(row.expiresAt) <= this.clock().getTime()) return undefined;
    return { username: row.username, role: row.role };
  }
}

let cachedDummyHash: string | undefined;
function dummyHash(): string {
  cachedDummyHash ??= hashPassword('choucha-dummy-password', Buffer.alloc(16));
  return cachedDummyHash;
}
