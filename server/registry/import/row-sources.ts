import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { COUNTED_LIMITS, countedArchive, ZipLimitError, type CountedLimits } from './counted-zip';
import { zipBombReason, zipEntries, type ZipDirectoryEntry } from './zip-guard';
import type ExcelJS from 'exceljs';
import { CsvParser, CsvSyntaxError } from './csv-parser';
import type { ImportProblemCode } from '../../protocol/registry';
import {
  createDecoder,
  detectEncoding,
  looksBinary,
  REPLACEMENT_CHARACTER,
  type DetectedEncoding,
} from './text-decoding';

/** One spreadsheet row as text cells, with its 1-based row number in the file. */
export interface RawRow {
  row: number;
  cells: string[];
}

export class UnreadableFileError extends Error {
  constructor(
    readonly code: Extract<
      ImportProblemCode,
      'NOT_CSV_OR_XLSX' | 'MALFORMED_CSV' | 'MALFORMED_XLSX' | 'LEGACY_XLS' | 'XLSX_BOMB' | 'MALFORMED_TEXT'
    >,
    message: string,
    readonly row?: number,
    /** 0-based index of the cell at fault, when one is. */
    readonly column?: number,
  ) {
    super(message);
    this.name = 'UnreadableFileError';
  }
}

export type SpreadsheetFormat = 'csv' | 'xlsx';

export const CHUNK_BYTES = 1 << 20;
/** Decoded text goes to the parser in pieces this long, so only a few hundred parsed rows are alive at once. */
export const PARSE_SLICE = 1 << 14;

/** Tells CSV from XLSX by content, not by name: a zip is XLSX, an OLE file is the old .xls. */
export function sniffFormat(head: Uint8Array): SpreadsheetFormat {
  if (head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) return 'xlsx';
  if (head[0] === 0xd0 && head[1] === 0xcf && head[2] === 0x11 && head[3] === 0xe0) {
    throw new UnreadableFileError('LEGACY_XLS', '不支持旧版 .xls 文件，请在 Excel 中另存为 .xlsx 或 CSV');
  }
  return 'csv';
}

/**
 * Streams records out of CSV bytes given as chunks, decoded as detected from the file's head.
 * Decoding holds for the whole file, not only the head it was judged from: a chunk whose text holds
 * U+FFFD (an undecodable byte, see createDecoder) has its rows searched, and the first cell holding
 * it ends the file with MALFORMED_TEXT at its row and column. Every record must have as many fields
 * as the header (CsvParser's fieldCount).
 */
export function* csvRows(chunks: Iterable<Buffer>, detected: DetectedEncoding): Generator<RawRow> {
  const decoder = createDecoder(detected.encoding);
  const ready: RawRow[] = [];
  const parser = new CsvParser((cells, row) => ready.push({ row, cells }), { fieldCount: 'header' });
  const label = encodingLabel(detected);
  // Set once decoded text held U+FFFD; rows are searched from then on (its record may end later).
  // Rows go out one by one, so the header and the rows before the bad one are read as usual.
  let undecodable = false;
  function* take(): Generator<RawRow> {
    if (!undecodable) {
      yield* ready.splice(0);
      return;
    }
    for (const row of ready.splice(0)) {
      refuseUndecodable(row, label);
      yield row;
    }
  }
  let first = true;
  try {
    for (const chunk of chunks) {
      const text = decoder.write(first ? chunk.subarray(detected.bomLength) : chunk);
      first = false;
      if (!undecodable && text.includes(REPLACEMENT_CHARACTER)) undecodable = true;
      for (let at = 0; at < text.length; at += PARSE_SLICE) {
        parser.push(at === 0 && text.length <= PARSE_SLICE ? text : text.slice(at, at + PARSE_SLICE));
        yield* take();
      }
    }
    const tail = decoder.end();
    if (tail.includes(REPLACEMENT_CHARACTER)) undecodable = true;
    parser.push(tail);
    parser.end();
    yield* take();
  } catch (error) {
    if (error instanceof CsvSyntaxError) {
      throw new UnreadableFileError('MALFORMED_CSV', `CSV 格式错误：${error.message}`, error.record);
    }
    throw error;
  }
}

/** Refuses a row with a cell that holds U+FFFD: bytes the file's encoding cannot decode, or an earlier wrong decoding. */
export function refuseUndecodable(row: RawRow, encoding: string): void {
  const column = row.cells.findIndex((cell) => cell.includes(REPLACEMENT_CHARACTER));
  if (column < 0) return;
  throw new UnreadableFileError(
    'MALFORMED_TEXT',
    `这一行含有无法解码的字节（或替换字符 U+FFFD），文件编码为 ${encoding}：文件可能混用了编码` +
      '（如 UTF-8 文件中夹有 GBK 文字），请整份另存为 UTF-8 后重新导入',
    row.row,
    column,
  );
}

/** Judges a CSV's encoding from its first megabyte; refuses binary content. */
export function detectCsvEncoding(head: Uint8Array): DetectedEncoding {
  const detected = detectEncoding(head);
  if (looksBinary(head.subarray(0, 65_536), detected.encoding)) {
    throw new UnreadableFileError('NOT_CSV_OR_XLSX', '文件不是 CSV 或 XLSX 表格');
  }
  return detected;
}

export function encodingLabel(detected: DetectedEncoding): string {
  if (detected.encoding === 'utf-8') return detected.bomLength > 0 ? 'UTF-8（带 BOM）' : 'UTF-8';
  if (detected.encoding === 'gb18030') return 'GBK/GB18030';
  return 'UTF-16';
}

/** Reads a file in fixed chunks, synchronously, so an import can run inside one transaction. */
export function* fileChunks(path: string, chunkBytes = CHUNK_BYTES): Generator<Buffer> {
  const fd = openSync(path, 'r');
  try {
    for (;;) {
      const buffer = Buffer.allocUnsafe(chunkBytes);
      const read = readSync(fd, buffer, 0, chunkBytes, null);
      if (read === 0) return;
      yield buffer.subarray(0, read);
    }
  } finally {
    closeSync(fd);
  }
}

export function readHead(path: string, bytes = 8): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const read = readSync(fd, buffer, 0, bytes, 0);
    return buffer.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

/** Text of one XLSX cell. Formulas are data: their text is kept, never evaluated. */
export function xlsxCellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') {
    return Number.isInteger(value) && Math.abs(value) < 1e21 ? value.toFixed(0) : String(value);
  }
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if ('richText' in value) return value.richText.map((part) => part.text).join('');
  if ('formula' in value && typeof value.formula === 'string') return `=${value.formula}`;
  if ('sharedFormula' in value && typeof value.sharedFormula === 'string') return `=${value.sharedFormula}`;
  if ('text' in value && typeof value.text === 'string') return value.text;
  if ('error' in value) return String(value.error);
  return '';
}

/** Reads the zip directory from the file's tail and refuses an archive that says it would unpack too far. */
function zipDirectory(path: string): ZipDirectoryEntry[] {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    // The directory of an XLSX is small; 4 MB of tail holds it for any real workbook.
    const length = Math.min(size, 4 * 1024 * 1024);
    const tail = Buffer.alloc(length);
    readSync(fd, tail, 0, length, size - length);
    const entries = zipEntries(tail, size);
    if (entries === null) throw new UnreadableFileError('MALFORMED_XLSX', '无法读取 XLSX 文件：压缩包目录损坏');
    const reason = zipBombReason(entries);
    if (reason) throw new UnreadableFileError('XLSX_BOMB', `XLSX 文件疑为压缩炸弹，未解压：${reason}`);
    return entries;
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads the first worksheet of an XLSX file with exceljs's streaming reader, fed the archive as
 * counted-zip.ts re-packs it: every entry inflated and counted first, refused at a limit whatever
 * the directory claims. Rows are collected (the import itself is synchronous); `maxRows` bounds memory.
 */
export async function readXlsxRows(
  path: string,
  maxRows: number,
  limits: CountedLimits = COUNTED_LIMITS,
): Promise<RawRow[]> {
  const entries = zipDirectory(path);
  const file = await open(path, 'r');
  const source = Readable.from(countedArchive(file, entries, { bytes: 0, compressed: 0, refusal: null }, limits));
  // exceljs pipes the source into its unzipper, which never hears of the source's errors: race them.
  const failed = new Promise<never>((_, reject) => source.once('error', reject));
  try {
    return await Promise.race([worksheetRows(source, maxRows), failed]);
  } catch (error) {
    if (error instanceof UnreadableFileError) throw error;
    if (error instanceof ZipLimitError) {
      throw new UnreadableFileError(
        'XLSX_BOMB',
        `XLSX 文件疑为压缩炸弹，已中止解压：${error.reason}（已解压 ${error.count.bytes} 字节）`,
      );
    }
    throw new UnreadableFileError(
      'MALFORMED_XLSX',
      `无法读取 XLSX 文件：${error instanceof Error ? error.message : String(error)}`,
    );
  } finally {
    source.destroy();
    await file.close();
  }
}

async function worksheetRows(source: Readable, maxRows: number): Promise<RawRow[]> {
  const rows: RawRow[] = [];
  // Loaded when a workbook is read: at the top it would cost every server start a fifth of a second.
  const { default: excel } = await import('exceljs');
  const reader = new excel.stream.xlsx.WorkbookReader(source, {
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'ignore',
    worksheets: 'emit',
  });
  for await (const worksheet of reader) {
    for await (const row of worksheet) {
      const cells: string[] = [];
      const values = row.values as ExcelJS.CellValue[];
      for (let i = 1; i < values.length; i += 1) cells.push(xlsxCellText(values[i]));
      const read = { row: row.number, cells };
      refuseUndecodable(read, 'XLSX（UTF-8）');
      rows.push(read);
      if (rows.length > maxRows) return rows;
    }
    break; // only the first worksheet holds the roster
  }
  return rows;
}
