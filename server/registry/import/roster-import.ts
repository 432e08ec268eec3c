import type { Db } from '../../store/db';
import { DbWriter, type InsertTarget } from '../../store/db-writer';
import type { ImportProblem, ImportResult, RosterVersionDto } from '../../protocol/registry';
import {
  cleanConsent,
  cleanGender,
  cleanNumber,
  cleanPhone,
  cleanStatus,
  cleanText,
  hasControlCharacter,
  isCleanCell,
  NUMBER_PATTERN,
} from '../normalize';
import { canonicalLine, FIELD_SEPARATOR as US, RosterHasher } from '../canonical';
import { findProgram, type Program } from '../programs';
import {
  AUDITEE_COLUMNS_SQL,
  AUDITEE_LINE_SQL,
  CONTACT_COLUMNS_SQL,
  CONTACT_LINE_SQL,
  getVersion,
  latestVersion,
} from '../roster-repository';
import {
  recogniseHeader,
  REQUIRED_FIELDS,
  AUDITEE_HEADERS,
  CONTACT_HEADERS,
  GRID_HEADERS,
  type FileKind,
  type HeaderMapping,
} from './file-kinds';
import { UnreadableFileError, type RawRow } from './row-sources';

/** One file handed to an import: its name, its rows (header first) and how they were decoded. */
export interface ImportSource {
  fileName: string;
  rows: Iterable<RawRow>;
  encoding: string;
}

export interface ImportOptions {
  programCode: string;
  actor: string;
  /** ISO timestamp from the app's clock. */
  now: string;
  maxProblems?: number;
  maxRowsPerFile?: number;
}

export class ImportRejectedError extends Error {
  constructor(
    readonly problems: ImportProblem[],
    readonly totalProblems: number,
  ) {
    super(`import rejected: ${totalProblems} problem(s)`);
    this.name = 'ImportRejectedError';
  }
}

export const DEFAULT_MAX_PROBLEMS = 200;
export const DEFAULT_MAX_ROWS_PER_FILE = 2_000_000;

/** Longest accepted text per field, in characters. */
const MAX_LENGTH = {
  name: 32,
  unit: 64,
  industry: 32,
  post: 64,
  place: 32,
  leader: 32,
} as const;

/** Collects problems up to a cap but keeps counting, so the report says how many there were. */
class ProblemList {
  readonly items: ImportProblem[] = [];
  total = 0;
  constructor(private readonly cap: number) {}
  add(problem: ImportProblem): void {
    this.total += 1;
    if (this.items.length < this.cap) this.items.push(problem);
  }
  get any(): boolean {
    return this.total > 0;
  }
}

function shown(value: string): string {
  const chars = Array.from(value);
  return chars.length > 40 ? `${chars.slice(0, 40).join('')}…` : value;
}

const PATH_SEPARATOR = '\u001f';

/**
 * The canonical hash of the rows this import brings. Their lines are hashed as they arrive and
 * also kept: exported rosters usually come sorted by number, and then that hash is the result; a
 * file out of order (FirstRows tells) is hashed again after sorting its lines in memory (reading
 * 300,000 rows back from SQLite in number order took 2 s). Only a part carried over from the
 * previous version is hashed from the stored rows instead (result() is then undefined).
 */
class ImportRosterHash {
  private readonly streamed: RosterHasher;
  private complete = true;
  private section: 'auditees' | 'contacts' = 'auditees';
  private readonly kept = { auditees: [] as string[], contacts: [] as string[] };
  private readonly sorted = { auditees: true, contacts: true };

  constructor(private readonly programCode: string) {
    this.streamed = new RosterHasher(programCode);
  }

  /** One part comes from the previous version: hash the stored rows instead. */
  carriedOver(): void {
    this.complete = false;
  }

  beginAuditees(): void {
    this.section = 'auditees';
    if (this.complete) this.streamed.beginAuditees();
  }

  beginContacts(): void {
    this.section = 'contacts';
    if (this.complete) this.streamed.beginContacts();
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

  result(): ReturnType<RosterHasher['digest']> | undefined {
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

function gridPath(town: string, area?: string, village?: string): string {
  if (area === undefined) return town;
  return village === undefined ? town + PATH_SEPARATOR + area : town + PATH_SEPARATOR + area + PATH_SEPARATOR + village;
}

interface OpenedFile {
  source: ImportSource;
  iterator: Iterator<RawRow>;
  mapping: HeaderMapping;
  header: string[];
  rowCount: number;
}

const KIND_LABEL: Record<FileKind, string> = { grid: '网格表', auditees: '人员名单', contacts: '联系对象名单' };

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
  const program = findProgram(db, options.programCode);
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
    if (problems.any) throw new ImportRejectedError(problems.items, problems.total);
    const gridFile = opened.find((f) => f.mapping.kind === 'grid');
    const auditeeFile = opened.find((f) => f.mapping.kind === 'auditees');
    const contactFile = opened.find((f) => f.mapping.kind === 'contacts');
    await begun;
    if (gridFile) {
      await importGrid(writer, gridFile, problems, maxRows);
      if (problems.any) throw new ImportRejectedError(problems.items, problems.total);
    }
    let status: ImportResult['status'] = 'grid-updated';
    let versionId: number | undefined;
    let unchangedVersion: RosterVersionDto | undefined;
    if (auditeeFile || contactFile || !gridFile) {
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
    await writer.exec('COMMIT');
    finished = true;
    const version =
      versionId !== undefined
        ? getVersion(db, program.code, versionId)
        : (unchangedVersion ?? latestVersion(db, program.code));
    return {
      status,
      ...(version ? { version } : {}),
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
  { auditeeFile, contactFile }: { auditeeFile?: OpenedFile | undefined; contactFile?: OpenedFile | undefined },
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
    auditeeNumbers = importAuditees(writer, versionId, auditeeFile, places, problems, maxRows, rosterHash);
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
    importContacts(writer, versionId, contactFile, places, auditeeNumbers, program, problems, maxRows, rosterHash);
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
  if (problems.any) throw new ImportRejectedError(problems.items, problems.total);

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

/** The canonical hash of rows stored in the open transaction, read back in number order. */
async function hashStoredVersion(
  writer: DbWriter,
  programCode: string,
  versionId: number,
): Promise<ReturnType<RosterHasher['digest']>> {
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

/**
 * Collects validated rows as canonical lines and hands them to the writer in batches. The same
 * text feeds the streaming hash, so each row is serialised once.
 */
class RowBatcher {
  private lines: string[] = [];
  constructor(
    private readonly writer: DbWriter,
    private readonly target: InsertTarget,
    private readonly prefix: unknown[],
    private readonly onBatch: (lines: string) => void,
    private readonly size = 2_000,
  ) {}
  /** One row as its canonical line (see canonicalLine). */
  add(line: string): void {
    this.lines.push(line);
    if (this.lines.length >= this.size) this.flush();
  }
  flush(): void {
    const text = this.lines.join('');
    this.lines = [];
    this.writer.insertLines(this.target, this.prefix, text);
    this.onBatch(text);
  }
}

function openFiles(sources: readonly ImportSource[], problems: ProblemList): OpenedFile[] {
  const opened: OpenedFile[] = [];
  for (const source of sources) {
    const iterator = source.rows[Symbol.iterator]();
    let header: RawRow | undefined;
    try {
      for (let next = iterator.next(); !next.done; next = iterator.next()) {
        if (next.value.cells.some((c) => c.trim() !== '')) {
          header = next.value;
          break;
        }
      }
    } catch (error) {
      if (error instanceof UnreadableFileError) {
        problems.add({ file: source.fileName, row: error.row, code: error.code, message: error.message });
        continue;
      }
      throw error;
    }
    if (header === undefined) {
      problems.add({ file: source.fileName, code: 'EMPTY_FILE', message: '文件是空的，没有表头和数据' });
      continue;
    }
    const mapping = recogniseHeader(header.cells);
    if (mapping === undefined) {
      problems.add({
        file: source.fileName,
        row: header.row,
        code: 'UNKNOWN_FILE_KIND',
        message: '无法识别表头：人员名单需要「干部编号」等编号列，联系对象名单需要「户编号」列，网格表需要「乡镇」列',
      });
      continue;
    }
    const duplicate = opened.find((f) => f.mapping.kind === mapping.kind);
    if (duplicate) {
      problems.add({
        file: source.fileName,
        code: 'DUPLICATE_FILE_KIND',
        message: `与「${duplicate.source.fileName}」同为${KIND_LABEL[mapping.kind]}，一次只能导入一份`,
      });
      continue;
    }
    const required = REQUIRED_FIELDS[mapping.kind] as string[];
    const aliases: Record<string, readonly string[]> =
      mapping.kind === 'auditees' ? AUDITEE_HEADERS : mapping.kind === 'contacts' ? CONTACT_HEADERS : GRID_HEADERS;
    for (const field of required) {
      if (!(mapping.columns as Map<string, number>).has(field)) {
        problems.add({
          file: source.fileName,
          row: header.row,
          code: 'MISSING_COLUMN',
          column: aliases[field]?.[0],
          message: `缺少必需的列「${aliases[field]?.[0] ?? field}」`,
        });
      }
    }
    opened.push({ source, iterator, mapping, header: header.cells, rowCount: 0 });
  }
  return opened;
}

function isBlankRow(cells: readonly string[]): boolean {
  for (const cell of cells) if (cell !== '' && cell.trim() !== '') return false;
  return true;
}

/** Iterates a file's data rows, skipping blank ones; turns read errors into problems. */
function* dataRows(file: OpenedFile, problems: ProblemList, maxRows: number): Generator<RawRow> {
  try {
    for (let next = file.iterator.next(); !next.done; next = file.iterator.next()) {
      const row = next.value;
      if (isBlankRow(row.cells)) continue;
      file.rowCount += 1;
      if (file.rowCount > maxRows) {
        problems.add({
          file: file.source.fileName,
          row: row.row,
          code: 'TOO_MANY_ROWS',
          message: `数据行超过上限 ${maxRows} 行`,
        });
        return;
      }
      yield row;
    }
  } catch (error) {
    if (error instanceof UnreadableFileError) {
      problems.add({ file: file.source.fileName, row: error.row, code: error.code, message: error.message });
      return;
    }
    throw error;
  }
}

/** Reads named cells of a row, cleaning text and reporting over-long or control-character cells. */
class RowReader<F extends string> {
  constructor(
    private readonly file: OpenedFile,
    private readonly columns: Map<F, number>,
    private readonly problems: ProblemList,
  ) {}
  row!: RawRow;

  raw(field: F): string {
    const index = this.columns.get(field);
    return index === undefined ? '' : (this.row.cells[index] ?? '');
  }

  column(field: F): string {
    const index = this.columns.get(field);
    return index === undefined ? field : (this.file.header[index] ?? field);
  }

  problem(field: F | undefined, code: string, message: string): void {
    this.problems.add({
      file: this.file.source.fileName,
      row: this.row.row,
      ...(field === undefined ? {} : { column: this.column(field) }),
      code,
      message,
    });
  }

  text(field: F, maxLength: number, required: boolean): string {
    const raw = this.raw(field);
    // Most cells are already clean: short, NFC, no control characters, no edge spaces.
    if (raw.length <= maxLength && isCleanCell(raw)) return raw;
    const value = cleanText(raw);
    if (value === '') {
      if (required) this.problem(field, 'MISSING_FIELD', `缺少必填项「${this.column(field)}」`);
      return '';
    }
    if (hasControlCharacter(value)) {
      this.problem(field, 'CONTROL_CHARACTER', '含有不可见的控制字符（如换行），请删除');
    }
    // UTF-16 length is at least the character count: count characters only when it may be too long.
    const length = value.length > maxLength ? Array.from(value).length : value.length;
    if (length > maxLength) {
      this.problem(field, 'CELL_TOO_LONG', `内容过长：${length} 个字，上限 ${maxLength} 个字`);
    }
    return value;
  }

  number(field: F, required: boolean): string {
    const raw = this.raw(field);
    if (NUMBER_PATTERN.test(raw)) return raw; // already a clean number
    const value = cleanNumber(raw);
    if (value === '') {
      if (required) this.problem(field, 'MISSING_FIELD', `缺少必填项「${this.column(field)}」`);
      return '';
    }
    if (!NUMBER_PATTERN.test(value)) {
      this.problem(field, 'INVALID_NUMBER', `编号「${shown(value)}」不合规：只能由数字、字母、- 和 _ 组成，最长 32 位`);
    }
    return value;
  }

  phone(field: F): string {
    const raw = this.raw(field);
    const result = cleanPhone(raw);
    if (!result.ok) {
      this.problem(
        field,
        'MALFORMED_PHONE',
        `手机号格式不正确：「${shown(cleanText(raw))}」（应为 11 位手机号或带区号的固定电话）`,
      );
      return '';
    }
    return result.phone;
  }

  /** Checks the 乡镇/工作片/村 path against the county grid. */
  place(places: GridPlaces, town: string, area: string, village: string, villageRequired: boolean): void {
    if (town === '') return; // reported as a missing field
    if ((village !== '' && area === '') || (villageRequired && village === '')) {
      const field = (village !== '' ? 'area' : 'village') as F;
      this.problem(field, 'MISSING_FIELD', `缺少必填项「${this.column(field)}」`);
      return;
    }
    const missing = places.missingLevel(town, area, village);
    if (missing === undefined) return;
    const path = missing === 'town' ? [town] : missing === 'area' ? [town, area] : [town, area, village];
    this.problem(missing as F, 'UNKNOWN_GRID_UNIT', `网格中没有「${path.join(' / ')}」，请先导入网格表或更正名称`);
  }
}

/**
 * The county grid's units as nested lookups (乡镇 → 工作片 → 村), so checking a row's place
 * finds its three names without building a path string per row.
 */
class GridPlaces {
  private readonly towns = new Map<string, Map<string, Set<string>>>();

  constructor(paths: Iterable<string>) {
    for (const path of paths) {
      const [town, area, village] = path.split(PATH_SEPARATOR) as [string, string?, string?];
      let areas = this.towns.get(town);
      if (areas === undefined) this.towns.set(town, (areas = new Map()));
      if (area === undefined) continue;
      let villages = areas.get(area);
      if (villages === undefined) areas.set(area, (villages = new Set()));
      if (village !== undefined) villages.add(village);
    }
  }

  /** The highest level of the path missing from the grid; an empty area or village is not looked up. */
  missingLevel(town: string, area: string, village: string): 'town' | 'area' | 'village' | undefined {
    const areas = this.towns.get(town);
    if (areas === undefined) return 'town';
    if (area === '') return undefined;
    const villages = areas.get(area);
    if (villages === undefined) return 'area';
    return village === '' || villages.has(village) ? undefined : 'village';
  }
}

/**
 * Adds the file's grid units (with their ancestors) and sets their leaders, in one batch of
 * statements: a unit's parent is found by path, so no ids travel back and forth.
 */
async function importGrid(writer: DbWriter, file: OpenedFile, problems: ProblemList, maxRows: number): Promise<void> {
  const columns = file.mapping.columns as Map<'town' | 'area' | 'village' | 'leader' | 'leaderPost', number>;
  const reader = new RowReader(file, columns, problems);
  const statements: [string, unknown[]][] = [];
  const ensure = (level: string, parentPath: string | null, path: string, name: string) =>
    statements.push([
      `INSERT INTO grid_units (level, parent_id, path, name)
       VALUES (?, (SELECT id FROM grid_units WHERE path = ?), ?, ?) ON CONFLICT (path) DO NOTHING`,
      [level, parentPath, path, name],
    ]);
  const definedAt = new Map<string, number>();
  for (const row of dataRows(file, problems, maxRows)) {
    reader.row = row;
    const town = reader.text('town', MAX_LENGTH.place, true);
    const area = reader.text('area', MAX_LENGTH.place, false);
    const village = reader.text('village', MAX_LENGTH.place, false);
    const leader = reader.text('leader', MAX_LENGTH.leader, false);
    const leaderPost = reader.text('leaderPost', MAX_LENGTH.post, false);
    if (town === '') continue;
    if (village !== '' && area === '') {
      reader.problem('area', 'MISSING_FIELD', `填写了村却缺少「${reader.column('area')}」`);
      continue;
    }
    const path = village !== '' ? gridPath(town, area, village) : area !== '' ? gridPath(town, area) : gridPath(town);
    const first = definedAt.get(path);
    if (first !== undefined) {
      reader.problem(
        undefined,
        'DUPLICATE_GRID_UNIT',
        `网格「${path.split(PATH_SEPARATOR).join(' / ')}」重复（首次出现在第 ${first} 行）`,
      );
      continue;
    }
    definedAt.set(path, row.row);
    ensure('town', null, gridPath(town), town);
    if (area !== '') ensure('area', gridPath(town), gridPath(town, area), area);
    if (village !== '') ensure('village', gridPath(town, area), gridPath(town, area, village), village);
    statements.push(['UPDATE grid_units SET leader = ?, leader_post = ? WHERE path = ?', [leader, leaderPost, path]]);
  }
  if (!problems.any) await writer.batch(statements);
}

/**
 * The row where each number of a file first appeared, to report repeats. Exported rosters
 * usually come sorted by number: while they do, a repeat can only be the previous row's number,
 * so numbers are appended to plain arrays; the first row out of order moves them into a Map.
 * (Hashing 300,000 fresh strings into a Map cost about 0.25 s of the demo county's import.)
 */
class FirstRows {
  private sortedNumbers: string[] = [];
  private sortedRows: number[] = [];
  private byNumber: Map<string, number> | undefined;

  /** The row where `number` appeared before, or undefined when it is new (it is then recorded at `row`). */
  firstRow(number: string, row: number): number | undefined {
    if (this.byNumber === undefined) {
      const last = this.sortedNumbers.length - 1;
      const previous = this.sortedNumbers[last];
      if (previous === undefined || number > previous) {
        this.sortedNumbers.push(number);
        this.sortedRows.push(row);
        return undefined;
      }
      if (number === previous) return this.sortedRows[last];
      this.byNumber = new Map();
      this.sortedNumbers.forEach((n, i) => this.byNumber?.set(n, this.sortedRows[i] as number));
      this.sortedNumbers = [];
      this.sortedRows = [];
    }
    const first = this.byNumber.get(number);
    if (first === undefined) this.byNumber.set(number, row);
    return first;
  }

  /** True while every number so far came after the one before it. */
  get inNumberOrder(): boolean {
    return this.byNumber === undefined;
  }

  numbers(): Iterable<string> {
    return this.byNumber?.keys() ?? this.sortedNumbers;
  }
}

function importAuditees(
  writer: DbWriter,
  versionId: number,
  file: OpenedFile,
  places: GridPlaces,
  problems: ProblemList,
  maxRows: number,
  rosterHash: ImportRosterHash,
): Set<string> {
  type F =
    'number' | 'name' | 'gender' | 'unit' | 'industry' | 'post' | 'town' | 'area' | 'village' | 'phone' | 'status';
  const reader = new RowReader(file, file.mapping.columns as Map<F, number>, problems);
  const insert = new RowBatcher(
    writer,
    { table: 'auditees', columns: ['version_id', ...AUDITEE_COLUMNS_SQL.split(', ')] },
    [versionId],
    (lines) => rosterHash.lines(lines),
  );
  const seen = new FirstRows();
  rosterHash.beginAuditees();
  for (const row of dataRows(file, problems, maxRows)) {
    reader.row = row;
    const before = problems.total;
    const number = reader.number('number', true);
    const name = reader.text('name', MAX_LENGTH.name, true);
    const genderRaw = reader.raw('gender');
    const gender = cleanGender(genderRaw);
    if (gender === undefined)
      reader.problem('gender', 'INVALID_GENDER', `性别「${shown(cleanText(genderRaw))}」无法识别（应为 男 或 女）`);
    const unit = reader.text('unit', MAX_LENGTH.unit, true);
    const industry = reader.text('industry', MAX_LENGTH.industry, false);
    const post = reader.text('post', MAX_LENGTH.post, false);
    const town = reader.text('town', MAX_LENGTH.place, true);
    const area = reader.text('area', MAX_LENGTH.place, false);
    const village = reader.text('village', MAX_LENGTH.place, false);
    reader.place(places, town, area, village, false);
    const phone = reader.phone('phone');
    const statusRaw = reader.raw('status');
    const status = cleanStatus(statusRaw);
    if (status === undefined) {
      reader.problem(
        'status',
        'INVALID_STATUS',
        `状态「${shown(cleanText(statusRaw))}」无法识别（应为 在岗、请假、出差 或 离岗）`,
      );
    }
    if (number !== '') {
      const first = seen.firstRow(number, row.row);
      if (first !== undefined) {
        reader.problem('number', 'DUPLICATE_NUMBER', `编号 ${number} 重复（首次出现在第 ${first} 行）`);
      }
    }
    if (problems.total !== before || problems.any) continue;
    insert.add(
      canonicalLine([number, name, gender ?? '', unit, industry, post, town, area, village, phone, status as string]),
    );
  }
  insert.flush();
  rosterHash.endSection(seen.inNumberOrder);
  return new Set(seen.numbers());
}

function importContacts(
  writer: DbWriter,
  versionId: number,
  file: OpenedFile,
  places: GridPlaces,
  auditeeNumbers: Set<string>,
  program: Program,
  problems: ProblemList,
  maxRows: number,
  rosterHash: ImportRosterHash,
): void {
  type F = 'number' | 'name' | 'town' | 'area' | 'village' | 'phone' | 'auditeeNumber' | 'consent';
  const reader = new RowReader(file, file.mapping.columns as Map<F, number>, problems);
  const insert = new RowBatcher(
    writer,
    { table: 'contacts', columns: ['version_id', ...CONTACT_COLUMNS_SQL.split(', ')] },
    [versionId],
    (lines) => rosterHash.lines(lines),
  );
  const seen = new FirstRows();
  let knownAuditee = '';
  rosterHash.beginContacts();
  for (const row of dataRows(file, problems, maxRows)) {
    reader.row = row;
    const before = problems.total;
    const number = reader.number('number', true);
    const name = reader.text('name', MAX_LENGTH.name, true);
    const town = reader.text('town', MAX_LENGTH.place, true);
    const area = reader.text('area', MAX_LENGTH.place, false);
    const village = reader.text('village', MAX_LENGTH.place, true);
    reader.place(places, town, area, village, true);
    const phone = reader.phone('phone');
    const auditeeNumber = reader.number('auditeeNumber', true);
    // Households of one cadre usually come together: look the cadre up once per run of rows.
    if (auditeeNumber === knownAuditee) {
      // checked on an earlier row
    } else if (auditeeNumbers.has(auditeeNumber)) {
      knownAuditee = auditeeNumber;
    } else if (auditeeNumber !== '') {
      reader.problem(
        'auditeeNumber',
        'DANGLING_AUDITEE',
        `联系${program.auditeeLabel}编号 ${shown(auditeeNumber)} 在${program.auditeeLabel}名单中不存在`,
      );
    }
    const consentRaw = reader.raw('consent');
    const consent = cleanConsent(consentRaw);
    if (consent === undefined) {
      reader.problem(
        'consent',
        'INVALID_CONSENT',
        `同意上镜「${shown(cleanText(consentRaw))}」无法识别（应为 同意、不同意 或 未知）`,
      );
    }
    if (number !== '') {
      const first = seen.firstRow(number, row.row);
      if (first !== undefined) {
        reader.problem('number', 'DUPLICATE_NUMBER', `编号 ${number} 重复（首次出现在第 ${first} 行）`);
      }
    }
    if (problems.total !== before || problems.any) continue;
    // The canonical line, written out: this loop runs once per contact (300,000 in the demo).
    insert.add(
      number +
        US +
        name +
        US +
        town +
        US +
        area +
        US +
        village +
        US +
        phone +
        US +
        auditeeNumber +
        US +
        (consent as string) +
        '\n',
    );
  }
  insert.flush();
  rosterHash.endSection(seen.inNumberOrder);
}
