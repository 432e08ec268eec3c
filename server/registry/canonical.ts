import { createHash } from 'node:crypto';

/**
 * The canonical form of a roster version and its SHA-256 (docs/data-format.md).
 * Same content in any row order, file encoding or spreadsheet format gives the same hash.
 */
export const ROSTER_HASH_TAG = 'choucha-roster-v1';
export const FIELD_SEPARATOR = '\u001f';
export const ROW_TERMINATOR = '\n';

export const AUDITEE_FIELDS = [
  'number',
  'name',
  'gender',
  'unit',
  'industry',
  'post',
  'town',
  'area',
  'village',
  'phone',
  'status',
] as const;

export const CONTACT_FIELDS = [
  'number',
  'name',
  'town',
  'area',
  'village',
  'phone',
  'auditeeNumber',
  'consent',
] as const;

export type AuditeeRow = Record<(typeof AUDITEE_FIELDS)[number], string>;
export type ContactRow = Record<(typeof CONTACT_FIELDS)[number], string>;

export function canonicalLine(values: readonly string[]): string {
  return values.join(FIELD_SEPARATOR) + ROW_TERMINATOR;
}

/** Byte order of the UTF-8 encodings, which is also SQLite's BINARY collation. */
export function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/**
 * Incremental hasher: feed auditees sorted by number, then contacts sorted by number.
 * The caller guarantees the order (SQLite `ORDER BY number` on a BINARY column does).
 * Lines are buffered so the digest is updated in large pieces, not once per row.
 */
export class RosterHasher {
  private readonly hash = createHash('sha256');
  private section: 'start' | 'auditees' | 'contacts' = 'start';
  private pending: string[] = [];
  private auditeeCount = 0;
  private contactCount = 0;

  constructor(programCode: string) {
    this.write(canonicalLine([ROSTER_HASH_TAG]));
    this.write(canonicalLine(['program', programCode]));
  }

  private pendingLength = 0;

  /** Lines are hashed in pieces of about 64K characters, as they come, not all at the end. */
  private write(line: string): void {
    this.pending.push(line);
    this.pendingLength += line.length;
    if (this.pendingLength >= 65_536) this.flush();
  }

  private flush(): void {
    this.hash.update(this.pending.join(''), 'utf8');
    this.pending = [];
    this.pendingLength = 0;
  }

  beginAuditees(): void {
    if (this.section !== 'start') throw new Error('auditees must come first');
    this.section = 'auditees';
    this.write(canonicalLine(['auditees']));
  }

  auditee(values: readonly string[]): void {
    this.auditeeCount += 1;
    this.write(canonicalLine(values));
  }

  /** Several auditee lines at once, already in canonical form (each ends with LF). */
  auditeeLines(lines: string): void {
    this.auditeeCount += countLines(lines);
    this.write(lines);
  }

  beginContacts(): void {
    if (this.section !== 'auditees') throw new Error('contacts must follow auditees');
    this.section = 'contacts';
    this.write(canonicalLine(['contacts']));
  }

  contact(values: readonly string[]): void {
    this.contactCount += 1;
    this.write(canonicalLine(values));
  }

  contactLines(lines: string): void {
    this.contactCount += countLines(lines);
    this.write(lines);
  }

  digest(): { hash: string; auditeeCount: number; contactCount: number } {
    if (this.section !== 'contacts') throw new Error('roster hash needs both sections');
    this.write(canonicalLine(['end', String(this.auditeeCount), String(this.contactCount)]));
    this.flush();
    return { hash: this.hash.digest('hex'), auditeeCount: this.auditeeCount, contactCount: this.contactCount };
  }
}

function countLines(text: string): number {
  let count = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) count += 1;
  return count;
}

/** Whole-roster hash from in-memory rows, for tests and small rosters. */
export function rosterHash(
  programCode: string,
  auditees: readonly AuditeeRow[],
  contacts: readonly ContactRow[],
): string {
  const hasher = new RosterHasher(programCode);
  hasher.beginAuditees();
  for (const row of [...auditees].sort((a, b) => compareUtf8(a.number, b.number))) {
    hasher.auditee(AUDITEE_FIELDS.map((f) => row[f]));
  }
  hasher.beginContacts();
  for (const row of [...contacts].sort((a, b) => compareUtf8(a.number, b.number))) {
    hasher.contact(CONTACT_FIELDS.map((f) => row[f]));
  }
  return hasher.digest().hash;
}
