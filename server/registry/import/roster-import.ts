import type { Db } from '../../store/db';
import { DbWriter } from '../../store/db-writer';
import type { ImportResult, RosterVersionDto, VisitLogVersionDto } from '../../protocol/registry';
import { programLabels, type ProgramLabels as Program } from '../programs';
import { AUDITEE_COLUMNS_SQL, CONTACT_COLUMNS_SQL, getVersion, latestVersion } from '../roster-repository';
import { importGrid } from './grid-import';
import { GridPlaces } from './grid-places';
import { ImportRejectedError, ProblemList } from './import-problems';
import { fileOfKind, openFiles, type ImportSource, type OpenedFileOf } from './opened-files';
import { hashStoredVersion, ImportRosterHash } from './roster-hash';
import { auditeeSection, contactSection } from './roster-sections';
import { importSection } from './section-loop';
import { importVisitLog } from './visit-import';
import { getVisitLog, latestVisitLog } from '../visit-log';

export { ImportRejectedError } from './import-problems';
export type { ImportSource } from './opened-files';

export interface ImportOptions {
  programCode: string;
  actor: string;
  /** ISO timestamp from the app's clock. */
  now: string;
  maxProblems?: number;
  maxRowsPerFile?: number;
}

export const DEFAULT_MAX_PROBLEMS = 200;
export const DEFAULT_MAX_ROWS_PER_FILE = 2_000_000;

/**
 * Imports roster files into a new immutable version, all or nothing, in one transaction.
 * Grid files update the county grid; an auditee or contact file replaces that part of the
 * roster, the other part is carried over from the latest version. Throws ImportRejectedError
 * listing every problem (file, row, column, Chinese message) when anything is wrong.
 *
 * Rows are parsed and validated here while a writer thread stores them (see DbWriter): the
 * transaction lives on the writer's connection, so nothing is visible until it commits.
 */
export async function importRoster(
  db: Db,
  sources: readonly ImportSource[],
  options: ImportOptions,
): Promise<ImportResult> {
  const program = programLabels(db, options.programCode);
  if (program === undefined) throw new Error(`unknown program ${options.programCode}`);
  const problems = new ProblemList(options.maxProblems ?? DEFAULT_MAX_PROBLEMS);
  const maxRows = options.maxRowsPerFile ?? DEFAULT_MAX_ROWS_PER_FILE;

  // The writer thread starts (and takes the write lock) while the files' headers are read.
  const writer = new DbWriter(db.name);
  const begun = writer.exec('BEGIN IMMEDIATE');
  begun.catch(() => undefined); // observed below; a refusal here must not go unhandled meanwhile
  let finished = false;
  try {
    const opened = openFiles(sources, problems);
    problems.refuseIfAny();
    const gridFile = fileOfKind(opened, 'grid');
    const auditeeFile = fileOfKind(opened, 'auditees');
    const contactFile = fileOfKind(opened, 'contacts');
    const visitFile = fileOfKind(opened, 'visits');
    await begun;
    if (gridFile) {
      await importGrid(writer, gridFile, problems, maxRows);
      problems.refuseIfAny();
    }
    let status: ImportResult['status'] = 'grid-updated';
    let versionId: number | undefined;
    let unchangedVersion: RosterVersionDto | undefined;
    if (auditeeFile || contactFile || (!gridFile && !visitFile)) {
      // The roster part runs in a savepoint: an import identical to the latest version rolls
      // back to it, while a grid file in the same import still commits.
      await writer.exec('SAVEPOINT roster_part');
      const part = await importRosterPart(db, writer, program, sources, options, problems, maxRows, {
        auditeeFile,
        contactFile,
      });
      if (part.unchanged) {
        await writer.exec('ROLLBACK TO roster_part');
        status = 'unchanged';
        unchangedVersion = part.version;
      } else {
        status = 'created';
        versionId = part.versionId;
      }
      await writer.exec('RELEASE roster_part');
    }
    let visits: { status: 'created' | 'unchanged'; id: number | undefined } | undefined;
    if (visitFile) {
      // Checked against the roster this import leaves: the new version, else the latest.
      const rosterVersionId = versionId ?? unchangedVersion?.id ?? latestVersion(db, program.code)?.id;
      if (rosterVersionId === undefined) {
        problems.add({
          file: visitFile.source.fileName,
          code: 'MISSING_ROSTER_FILES',
          message: `导入走访记录前需先导入${program.auditeeLabel}名单和${program.contactLabel}名单`,
        });
        throw new ImportRejectedError(problems.items, problems.total);
      }
      // A new roster version's rows are only on the writer's connection yet; a committed one is
      // read here, at a sixth of the cost (300,000 numbers through the worker took a second).
      const numbersSql = 'SELECT number FROM contacts WHERE version_id = ?';
      const contactNumbers = new Set(
        versionId !== undefined
          ? (await writer.raw(numbersSql, rosterVersionId)).map((row) => row[0] as string)
          : (db.prepare(numbersSql).pluck().all(rosterVersionId) as string[]),
      );
      await writer.exec('SAVEPOINT visit_part');
      const part = await importVisitLog(
        writer,
        visitFile,
        {
          program,
          rosterVersionId,
          contactNumbers,
          previous: latestVisitLog(db, program.code),
          sources: sources.map((s) => s.fileName),
          actor: options.actor,
          now: options.now,
        },
        problems,
        maxRows,
      );
      if (part.unchanged) await writer.exec('ROLLBACK TO visit_part');
      await writer.exec('RELEASE visit_part');
      visits = part.unchanged ? { status: 'unchanged', id: undefined } : { status: 'created', id: part.versionId };
      if (!auditeeFile && !contactFile && !gridFile) status = part.unchanged ? 'unchanged' : 'visits-updated';
    }
    await writer.exec('COMMIT');
    finished = true;
    const version =
      versionId !== undefined
        ? getVersion(db, program.code, versionId)
        : (unchangedVersion ?? latestVersion(db, program.code));
    const visitVersion: VisitLogVersionDto | undefined =
      visits === undefined
        ? undefined
        : visits.id !== undefined
          ? getVisitLog(db, program.code, visits.id)
          : latestVisitLog(db, program.code);
    return {
      status,
      ...(version ? { version } : {}),
      ...(visits && visitVersion ? { visitLog: { status: visits.status, version: visitVersion } } : {}),
      files: opened.map((f) => ({
        name: f.source.fileName,
        kind: f.mapping.kind,
        encoding: f.source.encoding,
        rows: f.rowCount,
        ignoredColumns: f.mapping.unknown,
      })),
    };
  } finally {
    if (!finished) await writer.exec('ROLLBACK').catch(() => null);
    await writer.close();
  }
}

async function importRosterPart(
  db: Db,
  writer: DbWriter,
  program: Program,
  sources: readonly ImportSource[],
  options: ImportOptions,
  problems: ProblemList,
  maxRows: number,
  {
    auditeeFile,
    contactFile,
  }: { auditeeFile?: OpenedFileOf<'auditees'> | undefined; contactFile?: OpenedFileOf<'contacts'> | undefined },
): Promise<{ unchanged: true; version: RosterVersionDto } | { unchanged: false; versionId: number }> {
  const places = new GridPlaces((await writer.raw('SELECT path FROM grid_units')).map((row) => row[0] as string));
  const previous = latestVersion(db, program.code);
  const seq =
    (
      await writer.get<{ seq: number | null }>(
        'SELECT MAX(seq) AS seq FROM roster_versions WHERE program_code = ?',
        program.code,
      )
    )?.seq ?? 0;
  const { lastInsertRowid: versionId } = await writer.run(
    'INSERT INTO roster_versions (program_code, seq, created_at, created_by, sources) VALUES (?, ?, ?, ?, ?)',
    program.code,
    seq + 1,
    options.now,
    options.actor,
    JSON.stringify(sources.map((s) => s.fileName)),
  );

  const rosterHash = new ImportRosterHash(program.code);
  if (!auditeeFile || !contactFile) rosterHash.carriedOver();
  let auditeeNumbers: Set<string>;
  if (auditeeFile) {
    const section = auditeeSection(places);
    const seen = importSection(writer, versionId, auditeeFile, section, problems, maxRows, rosterHash);
    auditeeNumbers = new Set(seen.numbers());
  } else if (previous) {
    await writer.run(
      `INSERT INTO auditees (version_id, ${AUDITEE_COLUMNS_SQL}) SELECT ?, ${AUDITEE_COLUMNS_SQL} FROM auditees WHERE version_id = ?`,
      versionId,
      previous.id,
    );
    auditeeNumbers = new Set(
      db.prepare('SELECT number FROM auditees WHERE version_id = ?').pluck().all(previous.id) as string[],
    );
  } else {
    auditeeNumbers = new Set();
  }
  if (contactFile) {
    // An auditee file cut short by a read error lacks its later numbers: checking contacts
    // against them would bury the one real problem under a dangling number per household.
    const section = contactSection(places, auditeeFile?.cutShort ? undefined : auditeeNumbers, program);
    importSection(writer, versionId, contactFile, section, problems, maxRows, rosterHash);
  } else if (previous) {
    await writer.run(
      `INSERT INTO contacts (version_id, ${CONTACT_COLUMNS_SQL}) SELECT ?, ${CONTACT_COLUMNS_SQL} FROM contacts WHERE version_id = ?`,
      versionId,
      previous.id,
    );
    // With problems already found, rows of the new auditee list were not stored: the check
    // would only report noise, and the import is refused anyway.
    if (!problems.any) {
      const dangling = await writer.all<{ number: string; auditeeNumber: string }>(
        `SELECT number, auditee_number AS auditeeNumber FROM contacts c WHERE version_id = ?
         AND NOT EXISTS (SELECT 1 FROM auditees a WHERE a.version_id = c.version_id AND a.number = c.auditee_number)
         ORDER BY number`,
        versionId,
      );
      for (const row of dangling) {
        problems.add({
          file: `${program.contactLabel}名单（沿用版本 ${previous.seq}）`,
          code: 'DANGLING_AUDITEE',
          message: `${program.contactLabel} ${row.number} 的联系${program.auditeeLabel}编号 ${row.auditeeNumber} 不在新的${program.auditeeLabel}名单中`,
        });
      }
    }
  }
  if (!previous) {
    const missing = !auditeeFile ? program.auditeeLabel : !contactFile ? program.contactLabel : undefined;
    if (missing !== undefined) {
      problems.add({
        file: sources.map((s) => s.fileName).join('、'),
        code: 'MISSING_ROSTER_FILES',
        message: `首次导入需要同时提供${program.auditeeLabel}名单和${program.contactLabel}名单（缺少${missing}名单）`,
      });
    }
  }
  await writer.flush();
  problems.refuseIfAny();

  const computed = rosterHash.result() ?? (await hashStoredVersion(writer, program.code, versionId));
  if (previous && previous.hash === computed.hash) return { unchanged: true, version: previous };
  await writer.run(
    'UPDATE roster_versions SET hash = ?, auditee_count = ?, contact_count = ? WHERE id = ?',
    computed.hash,
    computed.auditeeCount,
    computed.contactCount,
    versionId,
  );
  return { unchanged: false, versionId };
}
