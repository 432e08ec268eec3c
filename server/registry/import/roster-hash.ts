import type { DbWriter } from '../../store/db-writer';
import { RosterHasher } from '../canonical';
import { AUDITEE_LINE_SQL, CONTACT_LINE_SQL } from '../roster-repository';

export type RosterSectionName = 'auditees' | 'contacts';
export type RosterDigest = ReturnType<RosterHasher['digest']>;

/**
 * The canonical hash of the rows this import brings. Their lines are hashed as they arrive and
 * also kept: exported rosters usually come sorted by number, and then that hash is the result; a
 * file out of order (FirstRows tells) is hashed again after sorting its lines in memory (reading
 * 300,000 rows back from SQLite in number order took 2 s). Only a part carried over from the
 * previous version is hashed from the stored rows instead (result() is then undefined).
 */
export class ImportRosterHash {
  private readonly streamed: RosterHasher;
  private complete = true;
  private section: RosterSectionName = 'auditees';
  private readonly kept = { auditees: [] as string[], contacts: [] as string[] };
  private readonly sorted = { auditees: true, contacts: true };

  constructor(private readonly programCode: string) {
    this.streamed = new RosterHasher(programCode);
  }

  /** One part comes from the previous version: hash the stored rows instead. */
  carriedOver(): void {
    this.complete = false;
  }

  /** Auditees first, then contacts, as RosterHasher wants them. */
  begin(section: RosterSectionName): void {
    this.section = section;
    if (!this.complete) return;
    if (section === 'auditees') this.streamed.beginAuditees();
    else this.streamed.beginContacts();
  }

  /** A batch of accepted rows as canonical lines. */
  lines(text: string): void {
    if (!this.complete) return;
    this.kept[this.section].push(text);
    if (this.section === 'auditees') this.streamed.auditeeLines(text);
    else this.streamed.contactLines(text);
  }

  /** Whether the section's rows came in number order (FirstRows.inNumberOrder). */
  endSection(inNumberOrder: boolean): void {
    this.sorted[this.section] = inNumberOrder;
  }

  result(): RosterDigest | undefined {
    if (!this.complete) return undefined;
    if (this.sorted.auditees && this.sorted.contacts) return this.streamed.digest();
    const hasher = new RosterHasher(this.programCode);
    hasher.beginAuditees();
    inNumberOrder(this.kept.auditees, this.sorted.auditees, (text) => hasher.auditeeLines(text));
    hasher.beginContacts();
    inNumberOrder(this.kept.contacts, this.sorted.contacts, (text) => hasher.contactLines(text));
    return hasher.digest();
  }
}

/**
 * Feeds canonical lines in number order. Each line starts with its number and U+001F, which sorts
 * below every character a number may hold, so whole lines sort as their numbers do (numbers are
 * unique here: repeats are refused before this runs). Fed in pieces: one joined copy of a county's
 * lines would add tens of megabytes to the peak.
 */
function inNumberOrder(texts: readonly string[], sorted: boolean, feed: (text: string) => void): void {
  if (sorted) {
    for (const text of texts) feed(text);
    return;
  }
  const lines = texts.join('').split('\n');
  lines.pop(); // after the last LF
  lines.sort();
  for (let at = 0; at < lines.length; at += 2048) feed(`${lines.slice(at, at + 2048).join('\n')}\n`);
}

/** The canonical hash of rows stored in the open transaction, read back in number order. */
export async function hashStoredVersion(
  writer: DbWriter,
  programCode: string,
  versionId: number,
): Promise<RosterDigest> {
  const hasher = new RosterHasher(programCode);
  hasher.beginAuditees();
  const auditees = await writer.raw(
    `SELECT ${AUDITEE_LINE_SQL} FROM auditees WHERE version_id = ? ORDER BY number`,
    versionId,
  );
  hasher.auditeeLines(auditees.map((row) => row[0] as string).join(''));
  hasher.beginContacts();
  const contacts = await writer.raw(
    `SELECT ${CONTACT_LINE_SQL} FROM contacts WHERE version_id = ? ORDER BY number`,
    versionId,
  );
  hasher.contactLines(contacts.map((row) => row[0] as string).join(''));
  return hasher.digest();
}
