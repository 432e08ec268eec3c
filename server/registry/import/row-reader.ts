import type { ImportProblemCode } from '../../protocol/registry';
import { findTextFault, TEXT_FAULT_LABEL } from '../../protocol/text-rules';
import { cleanNumber, cleanText, isCleanCell, normaliseName, NUMBER_PATTERN } from '../normalize';
import { cleanPhone } from '../phone';
import type { GridPlaces } from './grid-places';
import { shown, type ProblemList } from './import-problems';
import type { OpenedFile } from './opened-files';
import type { RawRow } from './row-sources';

/** Longest accepted text per field, in characters. */
export const MAX_LENGTH = {
  name: 32,
  unit: 64,
  industry: 32,
  post: 64,
  place: 32,
  leader: 32,
} as const;

type PlaceField = 'town' | 'area' | 'village';

/** Reads named cells of a row, cleaning text and reporting refused characters and over-long cells. */
export class RowReader<F extends string> {
  constructor(
    private readonly file: OpenedFile,
    private readonly columns: Map<F, number>,
    private readonly problems: ProblemList,
  ) {}
  private current!: RawRow;

  get row(): RawRow {
    return this.current;
  }

  read(row: RawRow): void {
    this.current = row;
  }

  /**
   * Every accessor below refuses a cell holding a character text-rules.ts refuses (controls incl.
   * U+0085, U+2028, bidi controls, zero-width…) as it came in: before trimming, so an edge
   * character is refused too rather than silently dropped. The check runs where a cell fails its
   * accessor's fast path (a clean cell, number or phone is plain text already), so each cell is
   * scanned once: 2.4 million cells in the demo county's import.
   */
  private refuseFaults(field: F, cell: string): void {
    const found = findTextFault(cell);
    if (found === null) return;
    const position = Array.from(cell.slice(0, found.index)).length + 1;
    this.problem(
      field,
      'REFUSED_CHARACTER',
      `第 ${position} 个字符是${TEXT_FAULT_LABEL[found.fault]}（${found.codePoint}），请删除后重新导入`,
    );
  }

  private raw(field: F): string {
    const index = this.columns.get(field);
    return index === undefined ? '' : (this.current.cells[index] ?? '');
  }

  /** A cell of a fixed vocabulary (性别, 状态, 同意上镜), for the caller to match against its words. */
  word(field: F): string {
    const raw = this.raw(field);
    if (raw !== '' && !isCleanCell(raw)) this.refuseFaults(field, raw);
    return raw;
  }

  column(field: F): string {
    const index = this.columns.get(field);
    return index === undefined ? field : (this.file.header[index] ?? field);
  }

  problem(field: F | undefined, code: ImportProblemCode, message: string): void {
    this.problems.add({
      file: this.file.source.fileName,
      row: this.current.row,
      ...(field === undefined ? {} : { column: this.column(field) }),
      code,
      message,
    });
  }

  text(field: F, maxLength: number, required: boolean): string {
    const raw = this.raw(field);
    // Most cells are already clean: short, NFC, no control characters, no edge spaces.
    if (raw.length <= maxLength && isCleanCell(raw)) return raw;
    if (raw !== '') this.refuseFaults(field, raw);
    const value = cleanText(raw);
    if (value === '') {
      if (required) this.problem(field, 'MISSING_FIELD', `缺少必填项「${this.column(field)}」`);
      return '';
    }
    // UTF-16 length is at least the character count: count characters only when it may be too long.
    const length = value.length > maxLength ? Array.from(value).length : value.length;
    if (length > maxLength) {
      this.problem(field, 'CELL_TOO_LONG', `内容过长：${length} 个字，上限 ${maxLength} 个字`);
    }
    return value;
  }

  /** A person's name: text, then the declared name rule (normaliseName: 张\u3000三 → 张三, 阿不都•热合曼 → 阿不都·热合曼). */
  name(field: F, maxLength: number, required: boolean): string {
    return normaliseName(this.text(field, maxLength, required));
  }

  number(field: F, required: boolean): string {
    const raw = this.raw(field);
    if (NUMBER_PATTERN.test(raw)) return raw; // already a clean number
    this.refuseFaults(field, raw);
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
    // A phone given as stored (11 digits, or 0 + area code) is plain text; anything else is checked.
    if (!(result.ok && result.phone === raw)) this.refuseFaults(field, raw);
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

  /** Checks the 乡镇/工作片/村 path against the county grid (for files whose fields include the three). */
  place(
    this: RowReader<F | PlaceField>,
    places: GridPlaces,
    town: string,
    area: string,
    village: string,
    villageRequired: boolean,
  ): void {
    // An empty town, or an empty village where one is required, is already reported as a missing field.
    if (town === '' || (villageRequired && village === '')) return;
    if (village !== '' && area === '') {
      this.problem('area', 'MISSING_FIELD', `缺少必填项「${this.column('area')}」`);
      return;
    }
    const missing = places.missingLevel(town, area, village);
    if (missing === undefined) return;
    const path = missing === 'town' ? [town] : missing === 'area' ? [town, area] : [town, area, village];
    this.problem(missing, 'UNKNOWN_GRID_UNIT', `网格中没有「${path.join(' / ')}」，请先导入网格表或更正名称`);
  }
}
