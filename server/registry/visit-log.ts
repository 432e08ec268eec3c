import { createHash } from 'node:crypto';
import type { Db } from '../store/db';
import type { VisitKind, VisitLogVersionDto, VisitStatus } from '../protocol/registry';
import { canonicalLine } from './canonical';

/**
 * A program's visit logs (走访记录/民情台账): immutable, hashed versions kept apart from the
 * roster (docs/data-format.md, "Visit logs"). The hash is SHA-256 over the tag, the program, every
 * entry's canonical line in UTF-8 byte order (SQLite's BINARY collation sorts them so) and the
 * counts: the same entries in any row order, encoding or format give the same hash.
 */
export const VISIT_LOG_HASH_TAG = 'choucha-visits-v1';

/** The entry's columns after version_id, in the order of its canonical line. */
export const VISIT_COLUMNS_SQL = 'contact_number, visited_on, kind, asked, done, status';
const VISIT_LINE_SQL = `${VISIT_COLUMNS_SQL.split(', ').join(' || char(31) || ')} || char(10)`;
/** The canonical lines of a version's entries, sorted as the hash takes them. */
export const VISIT_LINES_SQL = `SELECT ${VISIT_LINE_SQL} AS line FROM visit_entries WHERE version_id = ? ORDER BY line`;

/** A claim as the staff snapshot shows it (server/protocol/show-views.ts, ClaimView). */
export interface VisitClaim {
  date: string;
  kind: VisitKind;
  asked: string;
  done: string;
  /** Null for a visit that recorded none. */
  status: VisitStatus | null;
}

export interface VisitLogDigest {
  hash: string;
  entryCount: number;
  contactCount: number;
}

/** The digest of sorted canonical lines (each ends with LF, contact number first). */
export function visitLogDigest(programCode: string, sortedLines: Iterable<string>): VisitLogDigest {
  const hash = createHash('sha256');
  hash.update(canonicalLine([VISIT_LOG_HASH_TAG]), 'utf8');
  hash.update(canonicalLine(['program', programCode]), 'utf8');
  let entryCount = 0;
  const contacts = new Set<string>();
  for (const line of sortedLines) {
    entryCount += 1;
    contacts.add(line.slice(0, line.indexOf('\u001f')));
    hash.update(line, 'utf8');
  }
  hash.update(canonicalLine(['end', String(entryCount), String(contacts.size)]), 'utf8');
  return { hash: hash.digest('hex'), entryCount, contactCount: contacts.size };
}

interface VersionRow {
  id: number;
  programCode: string;
  seq: number;
  rosterVersionId: number;
  createdAt: string;
  createdBy: string;
  sources: string;
  entryCount: number;
  contactCount: number;
  hash: string | null;
}

const VERSION_COLUMNS = `id, program_code AS programCode, seq, roster_version_id AS rosterVersionId,
  created_at AS createdAt, created_by AS createdBy, sources, entry_count AS entryCount,
  contact_count AS contactCount, hash`;

function toDto(row: VersionRow): VisitLogVersionDto {
  return { ...row, sources: JSON.parse(row.sources) as string[], hash: row.hash ?? '' };
}

/** Only sealed versions (hash set) exist for readers; an import in progress is invisible. */
export function latestVisitLog(db: Db, programCode: string): VisitLogVersionDto | undefined {
  const row = db
    .prepare(
      `SELECT ${VERSION_COLUMNS} FROM visit_log_versions
       WHERE program_code = ? AND hash IS NOT NULL ORDER BY seq DESC LIMIT 1`,
    )
    .get(programCode) as VersionRow | undefined;
  return row && toDto(row);
}

export function getVisitLog(db: Db, programCode: string, id: number): VisitLogVersionDto | undefined {
  const row = db
    .prepare(`SELECT ${VERSION_COLUMNS} FROM visit_log_versions WHERE program_code = ? AND id = ? AND hash IS NOT NULL`)
    .get(programCode, id) as VersionRow | undefined;
  return row && toDto(row);
}

export function listVisitLogs(db: Db, programCode: string): VisitLogVersionDto[] {
  return (
    db
      .prepare(
        `SELECT ${VERSION_COLUMNS} FROM visit_log_versions
         WHERE program_code = ? AND hash IS NOT NULL ORDER BY seq DESC`,
      )
      .all(programCode) as VersionRow[]
  ).map(toDto);
}

/**
 * The visit log a draw sealed on a roster version pins: the latest one checked against that
 * roster version or an earlier one (a log imported for a later roster is not this roster's claim).
 */
export function visitLogForRoster(
  db: Db,
  programCode: string,
  rosterVersionId: number,
): VisitLogVersionDto | undefined {
  const row = db
    .prepare(
      `SELECT ${VERSION_COLUMNS} FROM visit_log_versions
       WHERE program_code = ? AND hash IS NOT NULL AND roster_version_id <= ? ORDER BY seq DESC LIMIT 1`,
    )
    .get(programCode, rosterVersionId) as VersionRow | undefined;
  return row && toDto(row);
}

/** Recomputes a sealed version's hash and counts from its stored entries and compares them. */
export function verifyVisitLog(db: Db, version: VisitLogVersionDto): { ok: boolean; actual: VisitLogDigest } {
  const lines = db.prepare(VISIT_LINES_SQL).pluck().iterate(version.id) as IterableIterator<string>;
  const actual = visitLogDigest(version.programCode, lines);
  const ok =
    actual.hash === version.hash &&
    actual.entryCount === version.entryCount &&
    actual.contactCount === version.contactCount;
  return { ok, actual };
}

/** One contact's entries in a version, oldest first. */
export function claimsOf(db: Db, versionId: number, contactNumber: string): VisitClaim[] {
  const rows = db
    .prepare(
      `SELECT visited_on AS date, kind, asked, done, status FROM visit_entries
       WHERE version_id = ? AND contact_number = ? ORDER BY visited_on, kind, asked, done, status`,
    )
    .all(versionId, contactNumber) as (Omit<VisitClaim, 'status'> & { status: VisitStatus | '' })[];
  return rows.map((row) => ({ ...row, status: row.status === '' ? null : row.status }));
}
