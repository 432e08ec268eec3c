import { createHash } from 'node:crypto';
import type { Db } from '../store/db';
import type { Clock, RandomBytes } from '../runtime';
import { AppError } from '../errors';
import {
  isStaffRole,
  type AccountRole,
  type AccountSession,
  type ProgramScope,
  type SessionUser,
} from '../protocol/auth';
import { generatePassword, hashPassword, verifyPassword } from './passwords';
import { GuessLimiter } from './guess-limiter';
import { RevocationFeed } from './revocations';

export const SESSION_HOURS = 12;
export const MAX_FAILURES = 5;
export const FAILURE_WINDOW_MS = 15 * 60 * 1000;
const MAX_TRACKED_KEYS = 10_000;
/** Failures at one account (or seat) from all addresses before every attempt at it waits. */
export const BACKSTOP_FAILURES = 20;
/** The backstop's first wait, doubled with each further failure up to the cap. */
export const BACKSTOP_BASE_DELAY_MS = 250;
export const BACKSTOP_MAX_DELAY_MS = 4000;
/** The same limits for every secret a person guesses at: an account's password, a seat's PIN. */
export const GUESS_LIMITS = {
  maxFailures: MAX_FAILURES,
  windowMs: FAILURE_WINDOW_MS,
  backstop: BACKSTOP_FAILURES,
  baseDelayMs: BACKSTOP_BASE_DELAY_MS,
  maxDelayMs: BACKSTOP_MAX_DELAY_MS,
} as const;

/** The accounts every installation starts with; the administrator makes the rest. */
export const DEFAULT_USERS: readonly { username: string; role: AccountRole }[] = [
  { username: 'admin', role: 'admin' },
  { username: 'operator', role: 'operator' },
  { username: 'supervisor', role: 'supervisor' },
];

/** An account's program scope as stored: a JSON array of program codes, or NULL for every program. */
export const parseScope = (stored: string | null): ProgramScope =>
  stored === null ? null : (JSON.parse(stored) as string[]);
export const storeScope = (scope: ProgramScope): string | null => (scope === null ? null : JSON.stringify(scope));

interface AccountRow {
  username: string;
  role: AccountRole;
  programs: string | null;
  hash: string;
  disabledAt: string | null;
  mustSetPassword: number;
}
const ACCOUNT_COLUMNS =
  'username, role, programs, password_hash AS hash, disabled_at AS disabledAt, must_set_password AS mustSetPassword';

export const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

/** Where a session stands, looked up by its token's hash (a socket keeps only the hash). */
export type SessionState = { user: SessionUser } | { ended: 'session-expired' | 'session-ended' };

export class AuthService {
  /** Failed logins per (username, client address), with a per-username backstop whose waits are taken in turn. */
  private readonly failures: GuessLimiter;
  /** Logouts and password changes, for the realtime layer to close the sockets they admitted. */
  readonly revocations = new RevocationFeed();

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly random: RandomBytes,
    /** How many addresses and usernames the login limiter remembers at most. */
    maxTrackedKeys = MAX_TRACKED_KEYS,
  ) {
    this.failures = new GuessLimiter({ ...GUESS_LIMITS, maxKeys: maxTrackedKeys });
  }

  /**
   * Creates the administrator, operator and supervisor accounts on first start. A password comes from the
   * given values (environment) or is generated; generated ones are returned to be shown once.
   */
  async ensureUsers(
    passwords: Partial<Record<AccountRole, string>>,
  ): Promise<{ username: string; role: AccountRole; password: string }[]> {
    const created: { username: string; role: AccountRole; password: string }[] = [];
    const exists = this.db.prepare('SELECT 1 FROM users WHERE username = ?').pluck();
    const insert = this.db.prepare('INSERT INTO users (username, role, password_hash, created_at) VALUES (?, ?, ?, ?)');
    for (const user of DEFAULT_USERS) {
      if (exists.get(user.username)) continue;
      const password = passwords[user.role] ?? generatePassword(this.random);
      const hash = await hashPassword(password, this.random(16));
      insert.run(user.username, user.role, hash, this.clock().toISOString());
      if (passwords[user.role] === undefined) created.push({ ...user, password });
    }
    return created;
  }

  /**
   * A new password ends every session of the account; sockets opened with them are closed by the
   * realtime layer (this process at once; another process, like `npm run set-password`, on its
   * next sweep or the socket's next command).
   */
  async setPassword(
    username: string,
    password: string,
    options: { mustSetPassword?: boolean; reason?: 'password-changed' | 'account-disabled' } = {},
  ): Promise<void> {
    const hash = await hashPassword(password, this.random(16));
    const result = this.db
      .prepare('UPDATE users SET password_hash = ?, must_set_password = ? WHERE username = ?')
      .run(hash, options.mustSetPassword ? 1 : 0, username);
    if (result.changes === 0) throw new AppError('NOT_FOUND');
    this.endSessions(username, options.reason ?? 'password-changed');
  }

  /** Ends every session of an account and closes the sockets they opened. */
  endSessions(username: string, reason: 'password-changed' | 'account-disabled' | 'account-changed'): void {
    const ended = this.db
      .prepare('DELETE FROM sessions WHERE username = ? RETURNING token_hash')
      .pluck()
      .all(username) as string[];
    this.revocations.announce({ kind: 'session', tokenHashes: ended, reason });
  }

  /** Whether `password` is the account's current one (for a user changing their own). */
  async checkPassword(username: string, password: string): Promise<boolean> {
    const row = this.account(username);
    return verifyPassword(password, row?.hash ?? (await dummyHash()));
  }

  private account(username: string): AccountRow | undefined {
    return this.db.prepare(`SELECT ${ACCOUNT_COLUMNS} FROM users WHERE username = ?`).get(username) as
      AccountRow | undefined;
  }

  async login(
    username: string,
    password: string,
    clientAddress: string,
  ): Promise<{ token: string; user: AccountSession; expiresAt: Date }> {
    const guess = await this.failures.guess(
      username,
      clientAddress,
      () => this.clock().getTime(),
      async () => {
        const row = this.account(username);
        // Verify against a dummy hash when the user is unknown, so timing does not tell.
        const ok = await verifyPassword(password, row?.hash ?? (await dummyHash()));
        return ok ? row : undefined;
      },
    );
    if (guess.outcome === 'refused') throw new AppError('AUTH_RATE_LIMITED');
    if (guess.outcome === 'wrong') throw new AppError('AUTH_INVALID_CREDENTIALS');
    const row = guess.opened;
    // Told only to whoever knows the password: a disabled account opens nothing.
    if (row.disabledAt !== null) throw new AppError('AUTH_ACCOUNT_DISABLED');
    const now = this.clock().getTime();
    const token = this.random(32).toString('base64url');
    const expiresAt = new Date(now + SESSION_HOURS * 3600 * 1000);
    this.db
      .prepare('INSERT INTO sessions (token_hash, username, created_at, expires_at) VALUES (?, ?, ?, ?)')
      .run(tokenHash(token), row.username, new Date(now).toISOString(), expiresAt.toISOString());
    return {
      token,
      user: {
        username: row.username,
        role: row.role,
        programs: parseScope(row.programs),
        mustSetPassword: row.mustSetPassword === 1,
      },
      expiresAt,
    };
  }

  /** How many addresses and usernames are being tracked (for tests and monitoring). */
  get trackedFailureKeys(): number {
    return this.failures.size;
  }

  logout(token: string): void {
    const hash = tokenHash(token);
    this.db.prepare('DELETE FROM sessions WHERE token_hash = ?').run(hash);
    this.revocations.announce({ kind: 'session', tokenHashes: [hash], reason: 'logged-out' });
  }

  /**
   * The staff session a token opens: any account's but the administrator's, with its own password set.
   * Staff routes and sockets admit only these (an administrator's session is not one).
   */
  resolve(token: string | undefined): SessionUser | undefined {
    if (!token) return undefined;
    const state = this.session(tokenHash(token));
    return 'user' in state ? state.user : undefined;
  }

  /** Any account's session (an administrator's, or one that must still set its password). */
  resolveAccount(token: string | undefined): AccountSession | undefined {
    if (!token) return undefined;
    const row = this.sessionRow(tokenHash(token));
    if (!row || Date.parse(row.expiresAt) <= this.clock().getTime()) return undefined;
    return {
      username: row.username,
      role: row.role,
      programs: parseScope(row.programs),
      mustSetPassword: row.mustSetPassword === 1,
    };
  }

  private sessionRow(hash: string) {
    return this.db
      .prepare(
        `SELECT u.username, u.role, u.programs, u.must_set_password AS mustSetPassword, s.expires_at AS expiresAt
         FROM sessions s JOIN users u ON u.username = s.username
         WHERE s.token_hash = ? AND u.disabled_at IS NULL`,
      )
      .get(hash) as
      | { username: string; role: AccountRole; programs: string | null; mustSetPassword: number; expiresAt: string }
      | undefined;
  }

  /** A staff session by its token's hash: its user, or why it no longer opens anything. */
  session(hash: string): SessionState {
    const row = this.sessionRow(hash);
    if (!row || !isStaffRole(row.role) || row.mustSetPassword === 1) return { ended: 'session-ended' };
    if (Date.parse(row.expiresAt) <= this.clock().getTime()) return { ended: 'session-expired' };
    return { user: { username: row.username, role: row.role, programs: parseScope(row.programs) } };
  }
}

let cachedDummyHash: Promise<string> | undefined;
function dummyHash(): Promise<string> {
  cachedDummyHash ??= hashPassword('choucha-dummy-password', Buffer.alloc(16));
  return cachedDummyHash;
}
