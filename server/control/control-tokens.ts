import type { Db } from '../store/db';
import type { Clock, RandomBytes } from '../runtime';
import { AppError } from '../errors';
import { tokenHash } from '../auth/auth-service';
import { sameSecret } from '../auth/same-secret';
import type { ControlAction, ControlCallView, ControlTokenCreated, ControlTokenView } from '../protocol/control';

/** A token as the control API knows it once matched. */
export interface ControlToken {
  id: number;
  name: string;
  revoked: boolean;
}

const VIEW_COLUMNS = `id, name, created_at AS createdAt, created_by AS createdBy, revoked_at AS revokedAt,
  revoked_by AS revokedBy, last_used_at AS lastUsedAt`;

/** How many calls the console's log shows. */
export const CALLS_SHOWN = 100;

/**
 * The control tokens (only their SHA-256 is stored) and the log of control calls. Made and revoked
 * by the operator in the console; a revoked token stays in the table, so the log keeps its name and
 * a call with it is recognised (and still refused).
 */
export class ControlTokens {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly random: RandomBytes,
  ) {}

  create(name: string, actor: string): ControlTokenCreated {
    const token = `chc_${this.random(32).toString('base64url')}`;
    const id = Number(
      this.db
        .prepare('INSERT INTO control_tokens (name, token_hash, created_at, created_by) VALUES (?, ?, ?, ?)')
        .run(name, tokenHash(token), this.clock().toISOString(), actor).lastInsertRowid,
    );
    return { token, view: this.view(id) };
  }

  list(): ControlTokenView[] {
    return this.db.prepare(`SELECT ${VIEW_COLUMNS} FROM control_tokens ORDER BY id DESC`).all() as ControlTokenView[];
  }

  view(id: number): ControlTokenView {
    const row = this.db.prepare(`SELECT ${VIEW_COLUMNS} FROM control_tokens WHERE id = ?`).get(id) as
      ControlTokenView | undefined;
    if (!row) throw new AppError('CONTROL_TOKEN_NOT_FOUND');
    return row;
  }

  /** Revokes a token at once: its next call is refused (an open websocket is closed by the caller). */
  revoke(id: number, actor: string): ControlTokenView {
    const view = this.view(id);
    if (view.revokedAt !== null) return view;
    this.db
      .prepare('UPDATE control_tokens SET revoked_at = ?, revoked_by = ? WHERE id = ?')
      .run(this.clock().toISOString(), actor, id);
    return this.view(id);
  }

  /**
   * The token a presented one is, revoked or not, or null. Compared by SHA-256 against every stored
   * hash in constant time, with no early exit, so the time taken says nothing about how close a
   * guess came (there are a handful of tokens per installation).
   */
  match(presented: string): ControlToken | null {
    const hash = tokenHash(presented);
    const rows = this.db
      .prepare('SELECT id, name, token_hash AS hash, revoked_at AS revokedAt FROM control_tokens')
      .all() as { id: number; name: string; hash: string; revokedAt: string | null }[];
    let found: ControlToken | null = null;
    for (const row of rows) {
      if (sameSecret(row.hash, hash)) found = { id: row.id, name: row.name, revoked: row.revokedAt !== null };
    }
    return found;
  }

  touch(id: number): void {
    this.db.prepare('UPDATE control_tokens SET last_used_at = ? WHERE id = ?').run(this.clock().toISOString(), id);
  }

  /** Logs one call with the token's name (null when no token matched) and 'ok' or the refusal's code. */
  logCall(token: ControlToken | null, action: ControlAction, outcome: string, message = ''): void {
    const at = this.clock().toISOString();
    this.db.transaction(() => {
      this.db
        .prepare(
          'INSERT INTO control_calls (at, token_id, token_name, action, outcome, message) VALUES (?, ?, ?, ?, ?, ?)',
        )
        .run(at, token?.id ?? null, token?.name ?? null, action, outcome, message);
      if (token && !token.revoked) this.touch(token.id);
    })();
  }

  /** The latest calls, newest first. */
  calls(limit = CALLS_SHOWN): ControlCallView[] {
    return this.db
      .prepare(
        `SELECT id, at, token_id AS tokenId, token_name AS tokenName, action, outcome, message
         FROM control_calls ORDER BY id DESC LIMIT ?`,
      )
      .all(limit) as ControlCallView[];
  }
}
