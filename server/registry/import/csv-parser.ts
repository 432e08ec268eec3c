/**
 * An incremental RFC 4180 CSV parser: feed decoded text in chunks of any size, get records.
 * Quoted fields may hold delimiters, quotes ("") and line breaks; CRLF, LF and CR all end a
 * record. Pure: no I/O, so memory is bounded by the caller's chunk size and the field cap.
 * Strict as csv-parse is by default: text after a closing quote (CSV_INVALID_CLOSING_QUOTE), a quote
 * inside an unquoted field (CSV_INVALID_OPENING_QUOTE), a quote opening an unclosed field at the end, and, with `fieldCount: 'header'`, a record whose field count
 * differs from the header's (CSV_RECORD_INCONSISTENT_FIELDS_LENGTH) are refused with the record's number.
 */
export class CsvSyntaxError extends Error {
  constructor(
    message: string,
    readonly record: number,
  ) {
    super(message);
    this.name = 'CsvSyntaxError';
  }
}

export interface CsvParserOptions {
  delimiter?: string;
  maxFieldLength?: number;
  /**
   * 'header': every record with content must have as many fields as the first one (the header);
   * a record of empty cells only (a blank line, `,,,`) is let through whatever its count, for the
   * caller to skip, since it holds nothing to misplace. Excel writes every row of a sheet with the
   * same count, so a row with fewer or more fields means a broken file or a cell shifted by a stray
   * delimiter; guessing which cells are missing would put values in the wrong columns.
   */
  fieldCount?: 'header';
}

export type CsvRecordHandler = (fields: string[], recordNumber: number) => void;

const QUOTE = 34;
const CR = 13;
const LF = 10;

export class CsvParser {
  private delimiter: number | undefined;
  private fields: string[] = [];
  private field = '';
  private inQuotes = false;
  /** A quote seen inside a quoted field: either the closing quote or the first of "". */
  private quotePending = false;
  /** The previous chunk ended on CR: a leading LF in the next chunk belongs to it. */
  private skipLeadingLf = false;
  private fieldStarted = false;
  private recordNumber = 1;
  private pendingHead = '';

  constructor(
    private readonly onRecord: CsvRecordHandler,
    options: CsvParserOptions = {},
  ) {
    if (options.delimiter !== undefined) this.delimiter = options.delimiter.charCodeAt(0);
    this.maxFieldLength = options.maxFieldLength ?? 65_536;
    this.checkFieldCount = options.fieldCount === 'header';
  }

  private readonly maxFieldLength: number;
  private readonly checkFieldCount: boolean;
  /** The header's field count: the first record that is not a blank line. */
  private headerFields: number | undefined;

  push(chunk: string): void {
    if (this.delimiter === undefined) {
      // Decide the delimiter from the first line (comma, tab or semicolon), outside quotes.
      this.pendingHead += chunk;
      const lineEnd = this.pendingHead.search(/[\r\n]/u);
      if (lineEnd < 0 && this.pendingHead.length < 65_536) return;
      this.delimiter = detectDelimiter(lineEnd < 0 ? this.pendingHead : this.pendingHead.slice(0, lineEnd));
      chunk = this.pendingHead;
      this.pendingHead = '';
    }
    this.scan(chunk);
  }

  end(): void {
    if (this.delimiter === undefined) {
      this.delimiter = detectDelimiter(this.pendingHead);
      const head = this.pendingHead;
      this.pendingHead = '';
      this.scan(head);
    }
    if (this.inQuotes && !this.quotePending) {
      throw new CsvSyntaxError('引号未闭合', this.recordNumber);
    }
    this.inQuotes = false;
    this.quotePending = false;
    if (this.fieldStarted || this.fields.length > 0) this.finishRecord();
  }

  private scan(text: string): void {
    const delimiter = this.delimiter as number;
    let i = 0;
    const n = text.length;
    if (n === 0) return;
    if (this.skipLeadingLf) {
      this.skipLeadingLf = false;
      if (text.charCodeAt(0) === LF) i = 1;
    }
    while (i < n) {
      if (this.inQuotes) {
        if (this.quotePending) {
          this.quotePending = false;
          if (text.charCodeAt(i) === QUOTE) {
            this.appendField('"');
            i += 1;
            continue;
          }
          const next = text.charCodeAt(i);
          if (next !== delimiter && next !== LF && next !== CR) {
            throw new CsvSyntaxError('右引号后面还有文字（右引号应紧跟分隔符或换行）', this.recordNumber);
          }
          this.inQuotes = false; // that quote closed the field
          continue;
        }
        const nextQuote = text.indexOf('"', i);
        if (nextQuote < 0) {
          this.appendField(text.slice(i));
          return;
        }
        this.appendField(text.slice(i, nextQuote));
        this.quotePending = true;
        i = nextQuote + 1;
        continue;
      }
      const c = text.charCodeAt(i);
      if (c === delimiter) {
        this.fields.push(this.field);
        this.field = '';
        this.fieldStarted = true;
        i += 1;
      } else if (c === LF || c === CR) {
        this.finishRecord();
        i += 1;
        if (c === CR) {
          if (i < n) {
            if (text.charCodeAt(i) === LF) i += 1;
          } else {
            this.skipLeadingLf = true;
          }
        }
      } else if (c === QUOTE && this.field === '') {
        this.inQuotes = true;
        this.fieldStarted = true;
        i += 1;
      } else if (c === QUOTE) {
        throw new CsvSyntaxError(
          '单元格中间出现引号：含引号的单元格须整个用引号括起，其中的引号写成两个（""）',
          this.recordNumber,
        );
      } else {
        // Plain run up to the next special character.
        let j = i + 1;
        while (j < n) {
          const d = text.charCodeAt(j);
          if (d === delimiter || d === LF || d === CR || d === QUOTE) break;
          j += 1;
        }
        this.appendField(text.slice(i, j));
        this.fieldStarted = true;
        i = j;
      }
    }
  }

  private appendField(part: string): void {
    this.field += part;
    if (this.field.length > this.maxFieldLength) {
      throw new CsvSyntaxError(`单元格超过 ${this.maxFieldLength} 个字符`, this.recordNumber);
    }
  }

  private finishRecord(): void {
    this.fields.push(this.field);
    const fields = this.fields;
    if (this.checkFieldCount && fields.length !== this.headerFields && !isBlank(fields)) {
      if (this.headerFields === undefined) this.headerFields = fields.length;
      else {
        throw new CsvSyntaxError(
          `这一行有 ${fields.length} 个字段，表头有 ${this.headerFields} 个（多出或缺少分隔符）`,
          this.recordNumber,
        );
      }
    }
    this.fields = [];
    this.field = '';
    this.fieldStarted = false;
    const recordNumber = this.recordNumber;
    this.recordNumber += 1;
    this.onRecord(fields, recordNumber);
  }
}

function isBlank(fields: readonly string[]): boolean {
  return fields.every((field) => field.trim() === '');
}

export function detectDelimiter(firstLine: string): number {
  let best = ',';
  let bestCount = 0;
  for (const candidate of [',', '\t', ';']) {
    let count = 0;
    let quoted = false;
    for (const ch of firstLine) {
      if (ch === '"') quoted = !quoted;
      else if (!quoted && ch === candidate) count += 1;
    }
    if (count > bestCount) {
      best = candidate;
      bestCount = count;
    }
  }
  return best.charCodeAt(0);
}

/** Parses a whole string; for tests and small inputs. */
export function parseCsv(text: string, options?: { delimiter?: string }): string[][] {
  const records: string[][] = [];
  const parser = new CsvParser((fields) => records.push(fields), options);
  parser.push(text);
  parser.end();
  return records;
}
