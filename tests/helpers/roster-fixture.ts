import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { csvLine } from '../../server/registry/export/csv-writer';

/** A small roster written the way real spreadsheets arrive: CSV in several encodings, or XLSX. */
export const GRID_HEADER = ['乡镇', '工作片', '村', '负责人', '负责人职务'];
export const CADRE_HEADER = [
  '干部编号',
  '姓名',
  '性别',
  '单位',
  '行业',
  '职务',
  '乡镇',
  '工作片',
  '村',
  '手机号',
  '状态',
];
export const HOUSEHOLD_HEADER = ['户编号', '户主姓名', '乡镇', '工作片', '村', '手机号', '联系干部编号', '同意上镜'];

export const GRID_ROWS: string[][] = [
  ['城关街道', '', '', '许云辉', '副县长'],
  ['城关街道', '东片', '', '李伟', '党委副书记'],
  ['城关街道', '东片', '东岭社区', '王强', '副科级干部'],
  ['城关街道', '东片', '石桥社区', '', ''],
  ['许家湖镇', '', '', '张梅', '县委常委'],
  ['许家湖镇', '西片', '', '', ''],
  ['许家湖镇', '西片', '王家庄村', '赵敏', '驻村第一书记'],
];

export function cadreRows(): string[][] {
  return [
    ['00001', '张三', '男', '县财政局', '经济管理', '科员', '城关街道', '东片', '东岭社区', '10012345678', '在岗'],
    [
      '00002',
      '欧阳晓明',
      '女',
      '县教育和体育局',
      '教育',
      '副科长',
      '城关街道',
      '东片',
      '石桥社区',
      '10087654321',
      '请假',
    ],
    ['00010', '李四', '男', '许家湖镇人民政府', '乡镇', '', '许家湖镇', '西片', '王家庄村', '', '在岗'],
    ['12345678901234567890', '王五', '', '县公安局', '政法', '科长', '许家湖镇', '', '', '10011112222', '出差'],
  ];
}

export function householdRows(): string[][] {
  const rows: string[][] = [];
  const cadres = ['00001', '00002', '00010', '12345678901234567890'];
  const villages: [string, string, string][] = [
    ['城关街道', '东片', '东岭社区'],
    ['城关街道', '东片', '石桥社区'],
    ['许家湖镇', '西片', '王家庄村'],
    ['许家湖镇', '西片', '王家庄村'],
  ];
  cadres.forEach((cadre, c) => {
    for (let h = 1; h <= 5; h += 1) {
      const [town, area, village] = villages[c] as [string, string, string];
      rows.push([
        `${c + 1}${String(h).padStart(4, '0')}`,
        `户主${c}${h}`,
        town,
        area,
        village,
        h === 5 ? '' : `100${String(c * 10 + h).padStart(8, '0')}`,
        cadre,
        h === 4 ? '不同意' : '同意',
      ]);
    }
  });
  return rows;
}

export type CsvEncoding = 'utf8' | 'utf8-bom' | 'gbk' | 'gb18030' | 'utf16le-bom';

export function csvBytes(header: string[], rows: string[][], encoding: CsvEncoding = 'utf8', lineEnd = '\r\n'): Buffer {
  const text = [header, ...rows].map((r) => csvLine(r).replace(/\r\n$/u, lineEnd)).join('');
  switch (encoding) {
    case 'utf8':
      return Buffer.from(text, 'utf8');
    case 'utf8-bom':
      return Buffer.from(`\ufeff${text}`, 'utf8');
    case 'gbk':
      return iconv.encode(text, 'gbk');
    case 'gb18030':
      return iconv.encode(text, 'gb18030');
    case 'utf16le-bom':
      return Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(text.replace(/,/gu, '\t'), 'utf16le')]);
  }
}

export async function xlsxBytes(header: string[], rows: (string | number)[][]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('名单');
  sheet.addRow(header);
  for (const row of rows) sheet.addRow(row);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

export function tempDir(prefix = 'choucha-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function writeTemp(dir: string, name: string, content: Buffer | string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

export function shuffled<T>(items: readonly T[]): T[] {
  // A fixed permutation (reverse then rotate), so the test is deterministic.
  const reversed = [...items].reverse();
  return [...reversed.slice(2), ...reversed.slice(0, 2)];
}
