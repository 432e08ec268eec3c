import type { Db } from '../store/db';
import type { RosterVersionDto } from '../protocol/registry';
import { AUDITEE_FIELDS, CONTACT_FIELDS, FIELD_SEPARATOR, ROW_TERMINATOR, RosterHasher } from './canonical';

interface VersionRow {
  id: number;
  programCode: string;
  seq: number;
  createdAt: string;
  createdBy: string;
  sources: string;
  auditeeCount: number;
  contactCount: number;
  hash: string | null;
}

const VERSION_COLUMNS = `id, program_code AS programCode, seq, created_at AS createdAt, created_by AS createdBy,
  sources, auditee_count AS auditeeCount, contact_count AS contactCount, hash`;

function toDto(row: VersionRow): RosterVersionDto {
  return { ...row, sources: JSON.parse(row.sources) as string[], hash: row.hash ?? '' };
}

/** Only sealed versions (hash set) exist for readers; an import in progress is invisible. */
export function latestVersion(db: Db, programCode: string): RosterVersionDto | undefined {
  const row = db
    .prepare(
      `SELECT ${VERSION_COLUMNS} FROM roster_versions
       WHERE program_code = ? AND hash IS NOT NULL ORDER BY seq DESC LIMIT 1`,
    )
    .get(programCode) as VersionRow | undefined;
  return row && toDto(row);
}

export function getVersion(db: Db, programCode: string, id: number): RosterVersionDto | undefined {
  const row = db
    .prepare(
      `SELECT ${VERSION_COLUMNS} FROM roster_versions
       WHERE program_code = ? AND id = ? AND hash IS NOT NULL`,
    )
    .get(programCode, id) as VersionRow | undefined;
  return row && toDto(row);
}

export function listVersions(db: Db, programCode: string): RosterVersionDto[] {
  return (
    db
      .prepare(
        `SELECT ${VERSION_COLUMNS} FROM roster_versions
         WHERE program_code = ? AND hash IS NOT NULL ORDER BY seq DESC`,
      )
      .all(programCode) as VersionRow[]
  ).map(toDto);
}

const AUDITEE_COLUMNS_SQL = 'number, name, gender, unit, industry, post, town, area, village, phone, status';
const CONTACT_COLUMNS_SQL = 'number, name, town, area, village, phone, auditee_number, consent';

// The SQL column lists must follow the canonical field order exactly.
if (AUDITEE_COLUMNS_SQL.split(', ').join() !== AUDITEE_FIELDS.join()) {
  throw new Error('auditee column order differs from the canonical order');
}
if (CONTACT_COLUMNS_SQL.replace('auditee_number', 'auditeeNumber').split(', ').join() !== CONTACT_FIELDS.join()) {
  throw new Error('contact column order differs from the canonical order');
}

/**
 * A row's canonical line (see canonicalLine), built by SQLite: one string per row reaches
 * JavaScript instead of an array of eight or eleven, which makes re-hashing a county roster
 * (at every seal) about a third faster.
 */
function canonicalLineSql(columns: string): string {
  return `${columns.split(', ').join(' || char(31) || ')} || char(10)`;
}
if (FIELD_SEPARATOR !== String.fromCharCode(31) || ROW_TERMINATOR !== String.fromCharCode(10)) {
  throw new Error('canonicalLineSql no longer matches canonicalLine');
}
export const AUDITEE_LINE_SQL = canonicalLineSql(AUDITEE_COLUMNS_SQL);
export const CONTACT_LINE_SQL = canonicalLineSql(CONTACT_COLUMNS_SQL);

/** Recomputes a version's canonical hash from its stored rows, streaming in number order. */
export function computeVersionHash(db: Db, programCode: string, versionId: number): ReturnType<RosterHasher['digest']> {
  const hasher = new RosterHasher(programCode);
  hasher.beginAuditees();
  const auditees = db.prepare(`SELECT ${AUDITEE_LINE_SQL} FROM auditees WHERE version_id = ? ORDER BY number`);
  for (const line of auditees.pluck().iterate(versionId)) hasher.auditeeLines(line as string);
  hasher.beginContacts();
  const contacts = db.prepare(`SELECT ${CONTACT_LINE_SQL} FROM contacts WHERE version_id = ? ORDER BY number`);
  for (const line of contacts.pluck().iterate(versionId)) hasher.contactLines(line as string);
  return hasher.digest();
}

/**
 * Recomputes a sealed version's hash and counts from its rows and compares them with what was
 * sealed. UPDATE and DELETE are refused by triggers; this catches anything else (an INSERT into
 * a sealed version, a file edited outside choucha).
 */
export function verifyRosterVersion(
  db: Db,
  programCode: string,
  versionId: number,
): {
  ok: boolean;
  sealed: { hash: string; auditeeCount: number; contactCount: number };
  actual: ReturnType<RosterHasher['digest']>;
} {
  const version = getVersion(db, programCode, versionId);
  if (!version) throw new Error(`no sealed roster version ${versionId} of ${programCode}`);
  const actual = computeVersionHash(db, programCode, versionId);
  const sealed = { hash: version.hash, auditeeCount: version.auditeeCount, contactCount: version.contactCount };
  const ok =
    actual.hash === sealed.hash &&
    actual.auditeeCount === sealed.auditeeCount &&
    actual.contactCount === sealed.contactCount;
  return { ok, sealed, actual };
}

export { AUDITEE_COLUMNS_SQL, CONTACT_COLUMNS_SQL };
