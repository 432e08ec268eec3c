import type { Db } from '../store/db';
import type { Clock, RandomBytes } from '../runtime';
import { AppError } from '../errors';
import {
  ACCOUNT_ROLE_LABEL,
  type AccountAction,
  type AccountLogEntry,
  type AccountRole,
  type Accounts,
  type AccountView,
  type CreateAccountBody,
  type GrantBody,
  type OneTimePassword,
  type ProgramScope,
} from '../protocol/auth';
import { parseScope, storeScope, type AuthService } from './auth-service';
import { generatePassword, hashPassword } from './passwords';

/**
 * The county administrator's accounts: create one with a one-time password (its owner sets their
 * own at first login), disable it (its sessions and sockets end at once), enable it, reset its
 * password. Every action, and every user setting their own password, is in the account log.
 */
export class AccountService {
  constructor(
    private readonly db: Db,
    private readonly auth: AuthService,
    private readonly clock: Clock,
    private readonly random: RandomBytes,
  ) {}

  list(): Accounts {
    const accounts = (
      this.db
        .prepare(
          `SELECT username, role, programs, created_at AS createdAt, created_by AS createdBy, disabled_at AS disabledAt,
                  must_set_password AS mustSetPassword FROM users ORDER BY created_at, username`,
        )
        .all() as {
        username: string;
        role: AccountRole;
        programs: string | null;
        createdAt: string;
        createdBy: string | null;
        disabledAt: string | null;
        mustSetPassword: number;
      }[]
    ).map((r): AccountView => ({
      username: r.username,
      role: r.role,
      programs: parseScope(r.programs),
      createdAt: r.createdAt,
      createdBy: r.createdBy,
      disabled: r.disabledAt !== null,
      mustSetPassword: r.mustSetPassword === 1,
    }));
    const log = this.db
      .prepare('SELECT at, actor, action, target, detail FROM account_log ORDER BY id DESC LIMIT 200')
      .all() as AccountLogEntry[];
    const programs = this.db.prepare('SELECT code, name FROM programs ORDER BY sort_order, code').all() as {
      code: string;
      name: string;
    }[];
    return { accounts, log, programs };
  }

  log(actor: string, action: AccountAction, target: string, detail = ''): void {
    this.db
      .prepare('INSERT INTO account_log (at, actor, action, target, detail) VALUES (?, ?, ?, ?, ?)')
      .run(this.clock().toISOString(), actor, action, target, detail);
  }

  async create(actor: string, body: CreateAccountBody): Promise<OneTimePassword> {
    if (this.db.prepare('SELECT 1 FROM users WHERE username = ?').get(body.username)) {
      throw new AppError('ACCOUNT_EXISTS');
    }
    const grant = { role: body.role, programs: body.programs ?? null };
    this.checkGrant(grant);
    const password = generatePassword(this.random);
    const hash = await hashPassword(password, this.random(16));
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO users (username, role, programs, password_hash, created_at, created_by, must_set_password)
           VALUES (?, ?, ?, ?, ?, ?, 1)`,
        )
        .run(body.username, grant.role, storeScope(grant.programs), hash, this.clock().toISOString(), actor);
      this.log(actor, 'create', body.username, this.grantDetail(grant));
    })();
    return { username: body.username, password, accounts: this.list() };
  }

  /**
   * A new role or program scope. The account's sessions end and its sockets close at once, so
   * nothing it opened keeps the old grant; its owner logs in again.
   */
  grant(actor: string, username: string, body: GrantBody): Accounts {
    const target = this.existing(username);
    this.checkGrant(body);
    if (target.role === 'admin' && body.role !== 'admin') this.keepAnAdmin(actor, username);
    this.db.transaction(() => {
      this.db
        .prepare('UPDATE users SET role = ?, programs = ? WHERE username = ?')
        .run(body.role, storeScope(body.programs), username);
      this.log(actor, 'grant', username, this.grantDetail(body));
    })();
    this.auth.endSessions(username, 'account-changed');
    return this.list();
  }

  /** The administrator is county-wide; every other role names programs that exist, or every program. */
  private checkGrant(body: GrantBody): void {
    if (body.role === 'admin' && body.programs !== null) throw new AppError('ACCOUNT_SCOPE_INVALID');
    if (body.programs === null) return;
    const known = this.db.prepare('SELECT 1 FROM programs WHERE code = ?').pluck();
    if (body.programs.some((code) => known.get(code) === undefined)) throw new AppError('ACCOUNT_SCOPE_INVALID');
  }

  /** The account log's words for a grant: 话务员 · 干部联系群众、教师联系家长 (or 全部项目), as named at the time. */
  private grantDetail(grant: { role: AccountRole; programs: ProgramScope }): string {
    const name = this.db.prepare('SELECT name FROM programs WHERE code = ?').pluck();
    const programs = grant.programs === null ? '全部项目' : grant.programs.map((code) => name.get(code)).join('、');
    return `${ACCOUNT_ROLE_LABEL[grant.role]} · ${programs}`;
  }

  private keepAnAdmin(actor: string, username: string): void {
    const otherAdmins = this.db
      .prepare("SELECT COUNT(*) FROM users WHERE role = 'admin' AND disabled_at IS NULL AND username <> ?")
      .pluck()
      .get(username) as number;
    if (username === actor || otherAdmins === 0) throw new AppError('ACCOUNT_LAST_ADMIN');
  }

  disable(actor: string, username: string): Accounts {
    const target = this.existing(username);
    if (username === actor) throw new AppError('ACCOUNT_LAST_ADMIN');
    if (target.role === 'admin') this.keepAnAdmin(actor, username);
    this.db.transaction(() => {
      this.db
        .prepare('UPDATE users SET disabled_at = ? WHERE username = ? AND disabled_at IS NULL')
        .run(this.clock().toISOString(), username);
      this.log(actor, 'disable', username);
    })();
    this.auth.endSessions(username, 'account-disabled');
    return this.list();
  }

  enable(actor: string, username: string): Accounts {
    this.existing(username);
    this.db.transaction(() => {
      this.db.prepare('UPDATE users SET disabled_at = NULL WHERE username = ?').run(username);
      this.log(actor, 'enable', username);
    })();
    return this.list();
  }

  async resetPassword(actor: string, username: string): Promise<OneTimePassword> {
    this.existing(username);
    const password = generatePassword(this.random);
    await this.auth.setPassword(username, password, { mustSetPassword: true });
    this.log(actor, 'reset-password', username);
    return { username, password, accounts: this.list() };
  }

  /** A user replacing their own password (the one-time one, or any later change). */
  async setOwnPassword(username: string, current: string, next: string): Promise<void> {
    if (!(await this.auth.checkPassword(username, current))) throw new AppError('AUTH_INVALID_CREDENTIALS');
    await this.auth.setPassword(username, next);
    this.log(username, 'set-password', username);
  }

  private existing(username: string): { role: AccountRole } {
    const row = this.db.prepare('SELECT role FROM users WHERE username = ?').get(username) as
      { role: AccountRole } | undefined;
    if (!row) throw new AppError('NOT_FOUND');
    return row;
  }
}
