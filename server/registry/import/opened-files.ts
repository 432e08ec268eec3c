import {
  recogniseHeader,
  REQUIRED_FIELDS,
  AUDITEE_HEADERS,
  CONTACT_HEADERS,
  GRID_HEADERS,
  VISIT_HEADERS,
  type FileKind,
  type HeaderMapping,
} from './file-kinds';
import type { ImportProblem } from '../../protocol/registry';
import type { ProblemList } from './import-problems';
import { UnreadableFileError, type RawRow } from './row-sources';

/** One file handed to an import: its name, its rows (header first) and how they were decoded. */
export interface ImportSource {
  fileName: string;
  rows: Iterable<RawRow>;
  encoding: string;
}

/** A file whose header was read and recognised; its data rows are still to come from `iterator`. */
export interface OpenedFile<M extends HeaderMapping = HeaderMapping> {
  source: ImportSource;
  iterator: Iterator<RawRow>;
  mapping: M;
  header: string[];
  rowCount: number;
  /** A read error (an undecodable byte, broken CSV) ended the file before its last row. */
  cutShort: boolean;
}

export type OpenedFileOf<K extends FileKind> = OpenedFile<Extract<HeaderMapping, { kind: K }>>;

/** The opened file of one kind, if the import brings one. */
export function fileOfKind<K extends FileKind>(opened: readonly OpenedFile[], kind: K): OpenedFileOf<K> | undefined {
  return opened.find((file): file is OpenedFileOf<K> => file.mapping.kind === kind);
}

const KIND_LABEL: Record<FileKind, string> = {
  grid: '网格表',
  auditees: '人员名单',
  contacts: '联系对象名单',
  visits: '走访记录',
};

/**
 * Reads each file's header (its first non-blank row) and tells its kind. Unreadable, empty or
 * unrecognised files, a second file of one kind and missing required columns become problems.
 */
export function openFiles(sources: readonly ImportSource[], problems: ProblemList): OpenedFile[] {
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
        problems.add(unreadableProblem(source.fileName, error, undefined));
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
        message:
          '无法识别表头：人员名单需要「干部编号」等编号列，联系对象名单需要「户编号」列，网格表需要「乡镇」列，走访记录需要「日期」「诉求内容」列',
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
    const aliases: Record<string, readonly string[]> = {
      auditees: AUDITEE_HEADERS,
      contacts: CONTACT_HEADERS,
      grid: GRID_HEADERS,
      visits: VISIT_HEADERS,
    }[mapping.kind];
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
    for (const { first, second } of mapping.repeated) {
      const name = columnName(header.cells, first);
      problems.add({
        file: source.fileName,
        row: header.row,
        column: name,
        code: 'DUPLICATE_COLUMN',
        message: `表头「${name}」与「${columnName(header.cells, second)}」是同一列（第 ${first + 1} 列和第 ${second + 1} 列），请只保留一列`,
      });
    }
    opened.push({ source, iterator, mapping, header: header.cells, rowCount: 0, cutShort: false });
  }
  return opened;
}

function isBlankRow(cells: readonly string[]): boolean {
  for (const cell of cells) if (cell !== '' && cell.trim() !== '') return false;
  return true;
}

/** Iterates a file's data rows, skipping blank ones; turns read errors into problems. */
export function* dataRows(file: OpenedFile, problems: ProblemList, maxRows: number): Generator<RawRow> {
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
      problems.add(unreadableProblem(file.source.fileName, error, file.header));
      file.cutShort = true;
      return;
    }
    throw error;
  }
}

/** A read error as a problem; a cell at fault is named by its header (or its position, in the header row itself). */
export function unreadableProblem(
  fileName: string,
  error: UnreadableFileError,
  header: readonly string[] | undefined,
): ImportProblem {
  const column = error.column === undefined ? undefined : columnName(header, error.column);
  return {
    file: fileName,
    ...(error.row === undefined ? {} : { row: error.row }),
    ...(column === undefined ? {} : { column }),
    code: error.code,
    message: error.message,
  };
}

/** A column as the spreadsheet user finds it: its header text, else its position. */
export function columnName(header: readonly string[] | undefined, index: number): string {
  const text = header?.[index]?.trim();
  return text ? text : `第 ${index + 1} 列`;
}
