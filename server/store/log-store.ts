import type { Db } from './db';
import { findChainBreak, type LogEntry } from '../draw-engine/log-chain';
import { AppError } from '../errors';
import { canonicalJson } from '../draw-engine/canonical-json';

/**
 * The two hash-chained logs share one row format (docs/verification.md §7): the draw's log,
 * keyed by draw, and the show's log, keyed by event (with the command's idempotency key).
 */
export const DRAW_LOG = { table: 'draw_log', owner: 'draw_id', keyed: false } as const;
export const SHOW_LOG = { table: 'show_log', owner: 'event_id', keyed: true } as const;
export type LogTable = typeof DRAW_LOG | typeof SHOW_LOG;

export interface StoredLogEntry extends LogEntry {
  idempotencyKey: string | null;
}

interface LogRow {
  seq: number;
  at: string;
  actor: string;
  type: string;
  payload: string;
  idempotency_key?: string | null;
  prev_hash: string;
  hash: string;
}

/** One owner's entries, in order. */
export function readLog(db: Db, log: LogTable, ownerId: string): StoredLogEntry[] {
  const rows = db.prepare(`SELECT * FROM ${log.table} WHERE ${log.owner} = ? ORDER BY seq`).all(ownerId) as LogRow[];
  return rows.map((r) => ({
    seq: r.seq,
    at: r.at,
    actor: r.actor,
    type: r.type,
    payload: JSON.parse(r.payload) as unknown,
    prevHash: r.prev_hash,
    hash: r.hash,
    idempotencyKey: r.idempotency_key ?? null,
  }));
}

/**
 * One owner's entries, refused (STORE_CORRUPT) unless every row parses and the hash chain holds:
 * a damaged or edited row must stop the show with a clear error, never replay into another state.
 */
export function verifiedLog(db: Db, log: LogTable, ownerId: string, what: string): StoredLogEntry[] {
  let entries: StoredLogEntry[];
  try {
    entries = readLog(db, log, ownerId);
  } catch (error) {
    if (error instanceof SyntaxError) {
      throw new AppError('STORE_CORRUPT', { message: `${what}的日志有一行无法读取（内容损坏），已停止处理` });
    }
    throw error;
  }
  const broken = findChainBreak(entries);
  if (broken) {
    throw new AppError('STORE_CORRUPT', {
      message: `${what}的日志第 ${broken.seq} 条哈希链校验失败（${broken.problem}），可能被改动或损坏，已停止处理`,
    });
  }
  return entries;
}

/** Appends an entry already chained by appendEntry; call inside the caller's transaction. */
export function appendLogRow(
  db: Db,
  log: LogTable,
  ownerId: string,
  entry: LogEntry,
  idempotencyKey: string | null = null,
): void {
  const values = [
    ownerId,
    entry.seq,
    entry.at,
    entry.actor,
    entry.type,
    canonicalJson(entry.payload),
    entry.prevHash,
    entry.hash,
  ];
  if (log.keyed) {
    db.prepare(
      `INSERT INTO ${log.table} (${log.owner}, seq, at, actor, type, payload, prev_hash, hash, idempotency_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(...values, idempotencyKey);
  } else {
    db.prepare(
      `INSERT INTO ${log.table} (${log.owner}, seq, at, actor, type, payload, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(...values);
  }
}
