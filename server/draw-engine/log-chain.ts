import { canonicalJson } from '../draw-engine/canonical-json';
import { lengthPrefixed } from '../draw-engine/seed';
import { sha256Hex } from '../draw-engine/sha256';

/**
 * The draw's append-only log as a hash chain: each entry's hash covers its content and the
 * previous entry's hash, so no entry can be changed, removed or reordered unnoticed.
 */
export const LOG_TAG = 'choucha-log-v1';
export const GENESIS_HASH = '0'.repeat(64);

export interface LogEntry {
  seq: number;
  at: string;
  actor: string;
  type: string;
  payload: unknown;
  prevHash: string;
  hash: string;
}

export function entryHash(entry: Omit<LogEntry, 'hash'>): string {
  return sha256Hex(
    lengthPrefixed([
      LOG_TAG,
      String(entry.seq),
      entry.at,
      entry.actor,
      entry.type,
      canonicalJson(entry.payload),
      entry.prevHash,
    ]),
  );
}

export function appendEntry(
  previous: LogEntry | undefined,
  entry: Omit<LogEntry, 'seq' | 'prevHash' | 'hash'>,
): LogEntry {
  const base = { ...entry, seq: (previous?.seq ?? 0) + 1, prevHash: previous?.hash ?? GENESIS_HASH };
  return { ...base, hash: entryHash(base) };
}

/** The first broken link, or null when the whole chain holds. */
export function findChainBreak(entries: readonly LogEntry[]): { seq: number; problem: string } | null {
  let prev = GENESIS_HASH;
  for (let i = 0; i < entries.length; i += 1) {
    const entry = entries[i] as LogEntry;
    if (entry.seq !== i + 1) return { seq: entry.seq, problem: `序号应为 ${i + 1}` };
    if (entry.prevHash !== prev) return { seq: entry.seq, problem: '前一条哈希不符' };
    if (entryHash(entry) !== entry.hash) return { seq: entry.seq, problem: '本条哈希不符' };
    prev = entry.hash;
  }
  return null;
}
