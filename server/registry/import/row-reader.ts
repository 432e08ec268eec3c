import { cleanNumber, cleanPhone, cleanText, hasControlCharacter, isCleanCell, NUMBER_PATTERN } from '../normalize';
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

/** Reads named cells of a row, cleaning text and reporting over-long or control-character cells. */
export class RowReader<F extends string> {
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
