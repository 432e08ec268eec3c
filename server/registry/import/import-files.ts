import { statSync } from 'node:fs';
import { basename } from 'node:path';
import type { Db } from '../../store/db';
import { findTextFault, TEXT_FAULT_LABEL } from '../../protocol/text-rules';
import type { ImportResult } from '../../protocol/registry';
import { ImportRejectedError } from './import-problems';
import { unreadableProblem, type ImportSource } from './opened-files';
import { DEFAULT_MAX_ROWS_PER_FILE, importRoster, type ImportOptions } from './roster-import';
import {
  CHUNK_BYTES,
  csvRows,
  detectCsvEncoding,
  encodingLabel,
  fileChunks,
  readHead,
  readXlsxRows,
  sniffFormat,
  UnreadableFileError,
} from './row-sources';

export const DEFAULT_MAX_FILE_BYTES = 100 * 1024 * 1024;

export interface FileToImport {
  path: string;
  /** The name the user knows the file by (an upload's original name). */
  name?: string;
}

/**
 * Imports roster files from disk: tells CSV from XLSX by content, detects the text encoding,
 * streams CSV in 1 MB chunks and reads XLSX with a streaming reader, then runs the import.
 */
export async function importRosterFiles(
  db: Db,
  files: readonly FileToImport[],
  options: ImportOptions & { maxFileBytes?: number },
): Promise<ImportResult> {
  const maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const maxRows = options.maxRowsPerFile ?? DEFAULT_MAX_ROWS_PER_FILE;
  const sources: ImportSource[] = [];
  const problems: ImportRejectedError['problems'] = [];
  for (const [index, file] of files.entries()) {
    const given = file.name ?? basename(file.path);
    // A file's name is stored with the roster version and shown on the console: it meets the text
    // rules like any cell. Refused by its place in the upload, so the problem does not echo it.
    const fault = findTextFault(given);
    const name = fault === null ? given : `文件${index + 1}`;
    if (fault !== null) {
      problems.push({
        file: name,
        code: 'REFUSED_CHARACTER',
        message: `文件名的第 ${Array.from(given.slice(0, fault.index)).length + 1} 个字符是${TEXT_FAULT_LABEL[fault.fault]}（${fault.codePoint}），请改名后重新导入`,
      });
      continue;
    }
    try {
      const size = statSync(file.path).size;
      if (size > maxFileBytes) {
        problems.push({
          file: name,
          code: 'FILE_TOO_LARGE',
          message: `文件大小 ${(size / 1048576).toFixed(1)} MB，超过上限 ${(maxFileBytes / 1048576).toFixed(0)} MB`,
        });
        continue;
      }
      const head = readHead(file.path, CHUNK_BYTES);
      if (sniffFormat(head) === 'xlsx') {
        // A .xlsx must still be read asynchronously; its rows are then imported like any other.
        sources.push({ fileName: name, rows: await readXlsxRows(file.path, maxRows + 1), encoding: 'XLSX' });
      } else {
        const detected = detectCsvEncoding(head);
        sources.push({
          fileName: name,
          rows: csvRows(fileChunks(file.path), detected),
          encoding: encodingLabel(detected),
        });
      }
    } catch (error) {
      if (error instanceof UnreadableFileError) {
        problems.push(unreadableProblem(name, error, undefined));
        continue;
      }
      throw error;
    }
  }
  if (problems.length > 0) throw new ImportRejectedError(problems, problems.length);
  return importRoster(db, sources, options);
}

/** An in-memory CSV (a generated demo file, a test fixture) as an import source. */
export function csvSourceFromBuffer(fileName: string, content: Buffer): ImportSource {
  const detected = detectCsvEncoding(content.subarray(0, CHUNK_BYTES));
  const chunks = function* () {
    for (let offset = 0; offset < content.length; offset += CHUNK_BYTES) {
      yield content.subarray(offset, offset + CHUNK_BYTES);
    }
  };
  return { fileName, rows: csvRows(chunks(), detected), encoding: encodingLabel(detected) };
}
