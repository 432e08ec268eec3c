import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../server/store/db';
import { ensureBuiltinPrograms } from '../server/registry/programs';
import { importRosterFiles } from '../server/registry/import/import-files';
import { ImportRejectedError } from '../server/registry/import/roster-import';
import {
  AUDITEE_FIELDS,
  CONTACT_FIELDS,
  rosterHash,
  type AuditeeRow,
  type ContactRow,
} from '../server/registry/canonical';
import { listVersions, verifyRosterVersion } from '../server/registry/roster-repository';
import { csvCell } from '../server/registry/export/csv-writer';
import {
  CADRE_HEADER,
  cadreRows,
  csvBytes,
  GRID_HEADER,
  GRID_ROWS,
  HOUSEHOLD_HEADER,
  householdRows,
  shuffled,
  tempDir,
  writeTemp,
  xlsxBytes,
  type CsvEncoding,
} from './helpers/roster-fixture';
import { registryDigest } from './helpers/db-snapshot';

const PROGRAM = 'cadre-household';
let dir: string;
let db: Db;

beforeEach(() => {
  dir = tempDir();
  db = openDatabase(join(dir, 'test.db'));
  ensureBuiltinPrograms(db);
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const options = { programCode: PROGRAM, actor: 'tester', now: '2026-11-26T08:00:00.000Z' };

async function importFiles(
  files: Record<string, Buffer | string>,
  extra: Partial<Parameters<typeof importRosterFiles>[2]> = {},
) {
  const paths = Object.entries(files).map(([name, content]) => ({ path: writeTemp(dir, name, content), name }));
  return importRosterFiles(db, paths, { ...options, ...extra });
}

async function importFixture(encoding: CsvEncoding = 'utf8') {
  return importFiles({
    'grid.csv': csvBytes(GRID_HEADER, GRID_ROWS, encoding),
    'cadres.csv': csvBytes(CADRE_HEADER, cadreRows(), encoding),
    'households.csv': csvBytes(HOUSEHOLD_HEADER, householdRows(), encoding),
  });
}

/** The expected hash, computed in memory from the fixture rows, independently of the import. */
function expectedHash(): string {
  const auditees: AuditeeRow[] = cadreRows().map(
    ([number, name, gender, unit, industry, post, town, area, village, phone, status]) => ({
      number: number as string,
      name: name as string,
      gender: gender as string,
      unit: unit as string,
      industry: industry as string,
      post: post as string,
      town: town as string,
      area: area as string,
      village: village as string,
      phone: phone as string,
      status: status as string,
    }),
  );
  const contacts: ContactRow[] = householdRows().map(
    ([number, name, town, area, village, phone, auditeeNumber, consent]) => ({
      number: number as string,
      name: name as string,
      town: town as string,
      area: area as string,
      village: village as string,
      phone: phone as string,
      auditeeNumber: auditeeNumber as string,
      consent: consent as string,
    }),
  );
  return rosterHash(PROGRAM, auditees, contacts);
}

async function rejection(promise: Promise<unknown>): Promise<ImportRejectedError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ImportRejectedError) return error;
    throw error;
  }
  throw new Error('the import was accepted but should have been rejected');
}

describe('roster import round trips', () => {
  it.each<CsvEncoding>(['utf8', 'utf8-bom', 'gbk', 'gb18030', 'utf16le-bom'])(
    'gives the documented hash for the same roster as CSV in %s',
    async (encoding) => {
      const result = await importFixture(encoding);
      expect(result.status).toBe('created');
      expect(result.version?.hash).toBe(expectedHash());
      expect(result.version?.auditeeCount).toBe(4);
      expect(result.version?.contactCount).toBe(20);
    },
  );

  it('gives the same hash for XLSX, with numbers stored as numeric cells', async () => {
    const cadres = cadreRows().map((row) => row.map((cell, i) => (i === 9 && cell !== '' ? Number(cell) : cell)));
    const result = await importFiles({
      'grid.xlsx': await xlsxBytes(GRID_HEADER, GRID_ROWS),
      'cadres.xlsx': await xlsxBytes(CADRE_HEADER, cadres),
      'households.xlsx': await xlsxBytes(HOUSEHOLD_HEADER, householdRows()),
    });
    expect(result.version?.hash).toBe(expectedHash());
    expect(result.files.map((f) => f.encoding)).toEqual(['XLSX', 'XLSX', 'XLSX']);
  });

  it('gives the same hash in another row order, with LF endings and padded, full-width cells', async () => {
    const messy = cadreRows().map((row) =>
      row.map((cell, i) =>
        i === 0 ? ` ${cell.replace(/\d/gu, (d) => String.fromCharCode(0xff10 + Number(d)))} ` : cell,
      ),
    );
    const result = await importFiles({
      'grid.csv': csvBytes(GRID_HEADER, shuffled(GRID_ROWS), 'utf8', '\n'),
      'cadres.csv': csvBytes(CADRE_HEADER, shuffled(messy), 'utf8', '\n') + '\n,,,\n\n',
      'households.csv': csvBytes(HOUSEHOLD_HEADER, shuffled(householdRows()), 'gbk', '\n'),
    });
    expect(result.version?.hash).toBe(expectedHash());
  });

  it.each([
    ['cadres in order, households not', false, true],
    ['households in order, cadres not', true, false],
  ])('gives the same hash with %s', async (_name, shuffleCadres, shuffleHouseholds) => {
    // Rows out of order are hashed after sorting in memory, section by section.
    const cadres = cadreRows();
    const households = householdRows();
    const reversed = <T>(rows: T[]) => [...rows].reverse();
    const result = await importFiles({
      'grid.csv': csvBytes(GRID_HEADER, GRID_ROWS),
      'cadres.csv': csvBytes(CADRE_HEADER, shuffleCadres ? reversed(cadres) : cadres),
      'households.csv': csvBytes(HOUSEHOLD_HEADER, shuffleHouseholds ? reversed(households) : households),
    });
    expect(result.version?.hash).toBe(expectedHash());
    expect(verifyRosterVersion(db, PROGRAM, result.version?.id as number).ok).toBe(true);
  });

  it('keeps leading zeros and 20-digit numbers exact', async () => {
    await importFixture();
    const numbers = db.prepare('SELECT number FROM auditees ORDER BY number').pluck().all();
    expect(numbers).toEqual(['00001', '00002', '00010', '12345678901234567890']);
  });

  it('recognises English headers', async () => {
    const english = [
      'number',
      'name',
      'gender',
      'unit',
      'industry',
      'post',
      'town',
      'area',
      'village',
      'phone',
      'status',
    ];
    const result = await importFiles({
      'grid.csv': csvBytes(GRID_HEADER, GRID_ROWS),
      'cadres.csv': csvBytes(english, cadreRows()),
      'households.csv': csvBytes(
        ['household_no', 'head', 'town', 'area', 'village', 'mobile', 'cadre_no', 'consent'],
        householdRows(),
      ),
    });
    expect(result.version?.hash).toBe(expectedHash());
  });

  it('creates no new version for identical content, and carries the other part over on a partial import', async () => {
    await importFixture();
    const again = await importFiles({ 'cadres.csv': csvBytes(CADRE_HEADER, cadreRows(), 'gbk') });
    expect(again.status).toBe('unchanged');
    expect(listVersions(db, PROGRAM)).toHaveLength(1);

    const changed = cadreRows();
    (changed[0] as string[])[10] = '请假';
    const partial = await importFiles({ 'cadres-v2.csv': csvBytes(CADRE_HEADER, changed) });
    expect(partial.status).toBe('created');
    expect(partial.version?.seq).toBe(2);
    expect(partial.version?.contactCount).toBe(20);
    expect(partial.version?.hash).not.toBe(expectedHash());
  });

  it('keeps cells starting with = + - @ as data, and our CSV output guards them', async () => {
    const rows = cadreRows();
    (rows[0] as string[])[1] = '=HYPERLINK("x")';
    (rows[1] as string[])[5] = '@SUM(1)\\x"';
    await importFiles({
      'grid.csv': csvBytes(GRID_HEADER, GRID_ROWS),
      'cadres.csv': csvBytes(CADRE_HEADER, rows),
      'households.csv': csvBytes(HOUSEHOLD_HEADER, householdRows()),
    });
    expect(db.prepare("SELECT name FROM auditees WHERE number = '00001'").pluck().get()).toBe('=HYPERLINK("x")');
    expect(db.prepare("SELECT post FROM auditees WHERE number = '00002'").pluck().get()).toBe('@SUM(1)\\x"');
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
  });
});

describe('roster import refuses bad input, says where, and writes nothing', () => {
  type Case = {
    name: string;
    files: () => Promise<Record<string, Buffer | string>> | Record<string, Buffer | string>;
    code: string;
    row?: number;
    column?: string;
    message: RegExp;
    maxFileBytes?: number;
  };
  const withCadres = (edit: (rows: string[][]) => void) => () => {
    const rows = cadreRows();
    edit(rows);
    return { 'cadres.csv': csvBytes(CADRE_HEADER, rows) };
  };
  const withHouseholds = (edit: (rows: string[][]) => void) => () => {
    const rows = householdRows();
    edit(rows);
    return { 'households.csv': csvBytes(HOUSEHOLD_HEADER, rows) };
  };
  const cases: Case[] = [
    {
      name: 'a duplicate number',
      files: withCadres((r) => r.push([...(r[0] as string[])])),
      code: 'DUPLICATE_NUMBER',
      row: 6,
      column: '干部编号',
      message: /编号 00001 重复（首次出现在第 2 行）/u,
    },
    {
      // Sorted files are checked without a lookup table until the first row out of order.
      name: 'a number repeated on the next row of a sorted file',
      files: withHouseholds((r) => r.splice(2, 0, [...(r[1] as string[])])),
      code: 'DUPLICATE_NUMBER',
      row: 4,
      column: '户编号',
      message: /重复（首次出现在第 3 行）/u,
    },
    {
      name: 'a number repeated after the rows went out of order',
      files: withHouseholds((r) => {
        r.reverse();
        r.push([...(r[3] as string[])]);
      }),
      code: 'DUPLICATE_NUMBER',
      column: '户编号',
      message: /重复（首次出现在第 5 行）/u,
    },
    {
      name: 'a household whose cadre does not exist',
      files: withHouseholds((r) => ((r[3] as string[])[6] = '99999')),
      code: 'DANGLING_AUDITEE',
      row: 5,
      column: '联系干部编号',
      message: /联系干部编号 99999 在干部名单中不存在/u,
    },
    {
      name: 'a missing required field',
      files: withCadres((r) => ((r[2] as string[])[1] = '  ')),
      code: 'MISSING_FIELD',
      row: 4,
      column: '姓名',
      message: /缺少必填项「姓名」/u,
    },
    {
      name: 'a malformed phone',
      files: withCadres((r) => ((r[1] as string[])[9] = '1381234')),
      code: 'MALFORMED_PHONE',
      row: 3,
      column: '手机号',
      message: /手机号格式不正确：「1381234」/u,
    },
    {
      name: 'an unknown grid unit',
      files: withHouseholds((r) => ((r[0] as string[])[4] = '不存在村')),
      code: 'UNKNOWN_GRID_UNIT',
      row: 2,
      column: '村',
      message: /网格中没有「城关街道 \/ 东片 \/ 不存在村」/u,
    },
    {
      name: 'an unknown 工作片',
      files: withHouseholds((r) => ((r[4] as string[])[3] = '不存在片')),
      code: 'UNKNOWN_GRID_UNIT',
      row: 6,
      column: '工作片',
      message: /网格中没有「城关街道 \/ 不存在片」/u,
    },
    {
      name: 'an unknown 乡镇',
      files: withHouseholds((r) => ((r[4] as string[])[2] = '不存在镇')),
      code: 'UNKNOWN_GRID_UNIT',
      row: 6,
      column: '乡镇',
      message: /网格中没有「不存在镇」/u,
    },
    {
      name: 'an over-long cell',
      files: withCadres((r) => ((r[0] as string[])[3] = '局'.repeat(65))),
      code: 'CELL_TOO_LONG',
      row: 2,
      column: '单位',
      message: /内容过长：65 个字，上限 64 个字/u,
    },
    {
      name: 'an unknown status',
      files: withCadres((r) => ((r[0] as string[])[10] = '退休')),
      code: 'INVALID_STATUS',
      row: 2,
      column: '状态',
      message: /状态「退休」无法识别/u,
    },
    {
      name: 'a status outside the fixed words (休假 is not 请假)',
      files: withCadres((r) => ((r[1] as string[])[10] = '休假')),
      code: 'INVALID_STATUS',
      row: 3,
      column: '状态',
      message: /状态「休假」无法识别：只接受 在岗、请假、出差、离岗（留空视为在岗）/u,
    },
    {
      name: 'a consent outside the fixed words',
      files: withHouseholds((r) => ((r[2] as string[])[7] = '是')),
      code: 'INVALID_CONSENT',
      row: 4,
      column: '同意上镜',
      message: /同意上镜「是」无法识别：只接受 同意、不同意、未知（留空视为未知）/u,
    },
    {
      name: 'a gender outside the fixed words',
      files: withCadres((r) => ((r[0] as string[])[2] = 'F')),
      code: 'INVALID_GENDER',
      row: 2,
      column: '性别',
      message: /性别「F」无法识别：只接受 男、女（可留空）/u,
    },
    {
      name: 'a number with spaces inside',
      files: withCadres((r) => ((r[0] as string[])[0] = '00 01;')),
      code: 'INVALID_NUMBER',
      row: 2,
      message: /只能由数字、字母/u,
    },
    {
      name: 'a bad row after many good ones',
      files: withHouseholds((r) => r.push(['99999', '', '城关街道', '东片', '东岭社区', '', '00001', ''])),
      code: 'MISSING_FIELD',
      row: 22,
      column: '户主姓名',
      message: /缺少必填项/u,
    },
    {
      name: 'a binary file that is not CSV or XLSX',
      files: () => ({ 'photo.csv': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]) }),
      code: 'NOT_CSV_OR_XLSX',
      message: /不是 CSV 或 XLSX/u,
    },
    {
      name: 'an old .xls file',
      files: () => ({ 'old.xls': Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]) }),
      code: 'LEGACY_XLS',
      message: /另存为 \.xlsx/u,
    },
    {
      name: 'a broken XLSX',
      files: () => ({ 'broken.xlsx': Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(200, 7)]) }),
      code: 'MALFORMED_XLSX',
      message: /无法读取 XLSX/u,
    },
    {
      name: 'a file over the size limit',
      files: () => ({ 'big.csv': csvBytes(CADRE_HEADER, cadreRows()) }),
      maxFileBytes: 100,
      code: 'FILE_TOO_LARGE',
      message: /超过上限/u,
    },
    {
      name: 'an unterminated quote',
      files: () => ({ 'cadres.csv': `${CADRE_HEADER.join(',')}\n00001,"张三,男\n` }),
      code: 'MALFORMED_CSV',
      message: /引号未闭合/u,
    },
    {
      name: 'a missing column',
      files: () => ({
        'cadres.csv': csvBytes(
          CADRE_HEADER.filter((h) => h !== '单位'),
          cadreRows().map((r) => r.filter((_c, i) => i !== 3)),
        ),
      }),
      code: 'MISSING_COLUMN',
      column: '单位',
      message: /缺少必需的列「单位」/u,
    },
    {
      name: 'a header nobody knows',
      files: () => ({ 'what.csv': 'a,b,c\n1,2,3\n' }),
      code: 'UNKNOWN_FILE_KIND',
      message: /无法识别表头/u,
    },
    { name: 'an empty file', files: () => ({ 'empty.csv': '\r\n\r\n' }), code: 'EMPTY_FILE', message: /文件是空的/u },
    {
      name: 'two cadre files at once',
      files: () => ({ 'a.csv': csvBytes(CADRE_HEADER, cadreRows()), 'b.csv': csvBytes(CADRE_HEADER, cadreRows()) }),
      code: 'DUPLICATE_FILE_KIND',
      message: /一次只能导入一份/u,
    },
  ];

  it.each(cases)('rejects $name', async (testCase) => {
    await importFixture();
    const before = registryDigest(db);
    const error = await rejection(
      importFiles(await testCase.files(), testCase.maxFileBytes ? { maxFileBytes: testCase.maxFileBytes } : {}),
    );
    const problem = error.problems.find((p) => p.code === testCase.code);
    expect(problem, JSON.stringify(error.problems)).toBeDefined();
    expect(problem?.message).toMatch(testCase.message);
    if (testCase.row !== undefined) expect(problem?.row).toBe(testCase.row);
    if (testCase.column !== undefined) expect(problem?.column).toBe(testCase.column);
    expect(problem?.file).toBeTruthy();
    expect(registryDigest(db)).toBe(before);
  });

  it('reports a household without its village once, not once per check', async () => {
    await importFixture();
    const rows = householdRows();
    (rows[0] as string[])[4] = '';
    const error = await rejection(importFiles({ 'households.csv': csvBytes(HOUSEHOLD_HEADER, rows) }));
    expect(error.problems.filter((p) => p.row === 2)).toEqual([
      expect.objectContaining({ code: 'MISSING_FIELD', column: '村', message: '缺少必填项「村」' }),
    ]);
  });

  it('refuses a first import without households, naming what is missing', async () => {
    const error = await rejection(
      importFiles({ 'grid.csv': csvBytes(GRID_HEADER, GRID_ROWS), 'cadres.csv': csvBytes(CADRE_HEADER, cadreRows()) }),
    );
    expect(error.problems.map((p) => p.code)).toContain('MISSING_ROSTER_FILES');
    expect(listVersions(db, PROGRAM)).toHaveLength(0);
    expect(db.prepare('SELECT COUNT(*) FROM grid_units').pluck().get()).toBe(0);
  });

  it('lists at most 200 problems but counts them all', async () => {
    await importFixture();
    const rows = Array.from({ length: 500 }, (_, i) => [
      `9${String(i).padStart(4, '0')}`,
      '张三',
      '男',
      '单位',
      '',
      '',
      '城关街道',
      '',
      '',
      'bad-phone',
      '',
    ]);
    const error = await rejection(importFiles({ 'cadres.csv': csvBytes(CADRE_HEADER, rows) }));
    expect(error.problems).toHaveLength(200);
    expect(error.totalProblems).toBeGreaterThanOrEqual(500);
  });
});

describe('roster versions are immutable', () => {
  it.each([
    ["UPDATE auditees SET name = '篡改' WHERE number = '00001'"],
    ["DELETE FROM contacts WHERE number = '10001'"],
    ["UPDATE roster_versions SET hash = 'x'"],
    ['DELETE FROM roster_versions'],
  ])('the database refuses: %s', async (sql) => {
    await importFixture();
    const before = registryDigest(db);
    expect(() => db.exec(sql)).toThrow(/ROSTER_VERSION_IMMUTABLE/u);
    expect(registryDigest(db)).toBe(before);
  });

  it('a row slipped into a sealed version is caught by recomputing its hash', async () => {
    const result = await importFixture();
    const id = result.version?.id as number;
    expect(verifyRosterVersion(db, PROGRAM, id).ok).toBe(true);
    db.exec(
      "INSERT INTO contacts (version_id, number, name, town, area, village, phone, auditee_number, consent) VALUES (1, '77777', '新', '城关街道', '东片', '东岭社区', '', '00001', '同意')",
    );
    const check = verifyRosterVersion(db, PROGRAM, id);
    expect(check.ok).toBe(false);
    expect(check.actual.contactCount).toBe(21);
    expect(check.actual.hash).not.toBe(result.version?.hash);
  });

  it('a change to any field of any row, made behind the triggers’ back, is caught by recomputing the hash', async () => {
    const result = await importFixture();
    const id = result.version?.id as number;
    // What an outsider with the database file could do: drop the guards, then edit.
    for (const trigger of ['auditees_no_update', 'contacts_no_update']) db.exec(`DROP TRIGGER ${trigger}`);
    const edits: [string, string, string][] = [
      ...AUDITEE_FIELDS.map((field): [string, string, string] => ['auditees', field, "number = '00002'"]),
      ...CONTACT_FIELDS.map((field): [string, string, string] => [
        'contacts',
        field === 'auditeeNumber' ? 'auditee_number' : field,
        "number = '10002'",
      ]),
    ];
    expect(edits).toHaveLength(19);
    for (const [table, column, where] of edits) {
      const original = db.prepare(`SELECT ${column} FROM ${table} WHERE ${where}`).pluck().get() as string;
      // Checked columns get another allowed value; any other field gets one more character.
      const allowed = { consent: ['同意', '未知'], status: ['在岗', '离岗'] }[column];
      const changed = allowed ? (allowed.find((v) => v !== original) as string) : `${original}改`;
      db.prepare(`UPDATE ${table} SET ${column} = ? WHERE ${where}`).run(changed);
      expect(verifyRosterVersion(db, PROGRAM, id).ok, `${table}.${column}`).toBe(false);
      const restoreWhere = column === 'number' ? 'number = ?' : where;
      db.prepare(`UPDATE ${table} SET ${column} = ? WHERE ${restoreWhere}`).run(
        original,
        ...(column === 'number' ? [changed] : []),
      );
      expect(verifyRosterVersion(db, PROGRAM, id).ok).toBe(true);
    }
  });
});
