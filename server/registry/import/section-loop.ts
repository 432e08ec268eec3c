import type { DbWriter, InsertTarget } from '../../store/db-writer';
import type { ProblemList } from './import-problems';
import { dataRows, type OpenedFile } from './opened-files';
import type { ImportRosterHash, RosterSectionName } from './roster-hash';
import { RowReader } from './row-reader';

/** What one part of the roster (auditees or contacts) needs from the loop that imports its file. */
export interface RosterSection<F extends string> {
  /** Its table, which is also its part of the roster hash. */
  readonly name: RosterSectionName;
  /** The table's columns after version_id, in the order of the canonical line. */
  readonly columnsSql: string;
  /**
   * Validates the reader's row once its number is read, reporting problems through the reader,
   * and gives the row's canonical line (see canonicalLine), which is dropped if any problem was found.
   */
  line(reader: RowReader<F>, number: string): string;
}

/** A file whose columns are a section's fields. */
type SectionFile<F extends string> = OpenedFile & { mapping: { columns: Map<F, number> } };

/**
 * Validates a section's file row by row, reports repeated numbers, and streams the accepted rows'
 * canonical lines to the writer and the roster hash. Returns where each number first appeared.
 */
export function importSection<F extends string>(
  writer: DbWriter,
  versionId: number,
  file: SectionFile<F | 'number'>,
  section: RosterSection<F | 'number'>,
  problems: ProblemList,
  maxRows: number,
  rosterHash: ImportRosterHash,
): FirstRows {
  const reader = new RowReader<F | 'number'>(file, file.mapping.columns, problems);
  const insert = new RowBatcher(
    writer,
    { table: section.name, columns: ['version_id', ...section.columnsSql.split(', ')] },
    [versionId],
    (lines) => rosterHash.lines(lines),
  );
  const seen = new FirstRows();
  rosterHash.begin(section.name);
  for (const row of dataRows(file, problems, maxRows)) {
    reader.read(row);
    const number = reader.number('number', true);
    const line = section.line(reader, number);
    if (number !== '') {
      const first = seen.firstRow(number, row.row);
      if (first !== undefined) {
        reader.problem('number', 'DUPLICATE_NUMBER', `编号 ${number} 重复（首次出现在第 ${first} 行）`);
      }
    }
    // Once anything is wrong the import is refused: storing more rows would be wasted.
    if (problems.any) continue;
    insert.add(line);
  }
  insert.flush();
  rosterHash.endSection(seen.inNumberOrder);
  return seen;
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

/**
 * The row where each number of a file first appeared, to report repeats. Exported rosters
 * usually come sorted by number: while they do, a repeat can only be the previous row's number,
 * so numbers are appended to plain arrays; the first row out of order moves them into a Map.
 * (Hashing 300,000 fresh strings into a Map cost about 0.25 s of the demo county's import.)
 */
export class FirstRows {
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
