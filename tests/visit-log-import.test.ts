import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../server/store/db';
import { ensureBuiltinPrograms, findProgram } from '../server/registry/programs';
import { importRosterFiles } from '../server/registry/import/import-files';
import { ImportRejectedError } from '../server/registry/import/roster-import';
import { listVersions } from '../server/registry/roster-repository';
import { claimsOf, listVisitLogs, verifyVisitLog, visitLogForRoster } from '../server/registry/visit-log';
import { recogniseHeader } from '../server/registry/import/file-kinds';
import { templateHeaders } from '../server/registry/templates';
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
} from './helpers/roster-fixture';

const PROGRAM = 'cadre-household';
const VISIT_HEADER = ['户编号', '日期', '类别', '诉求内容', '办理情况', '办理状态'];
const VISIT_ROWS: string[][] = [
  ['10001', '2026-03-05', '走访', '了解春耕备耕情况', '宣讲惠农补贴政策', ''],
  ['10001', '2026-05-12', '诉求', '村口路灯不亮', '联系供电所更换灯具', '已解决'],
  ['10002', '2026/6/1', '诉求', '孩子入学需开具居住证明', '已协调社区开具', '办理中'],
  ['20003', '2026年7月8日', '走访', '', '', ''],
  ['40005', '2026-09-30', '诉求', '申请低保', '材料已报乡镇民政办', '未解决'],
];
const NOW = '2026-11-26T08:00:00.000Z';
const options = { programCode: PROGRAM, actor: 'tester', now: NOW };

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

async function importFiles(files: Record<string, Buffer | string>, now = NOW) {
  const paths = Object.entries(files).map(([name, content]) => ({ path: writeTemp(dir, name, content), name }));
  return importRosterFiles(db, paths, { ...options, now });
}

async function importRoster() {
  return importFiles({
    'grid.csv': csvBytes(GRID_HEADER, GRID_ROWS),
    'cadres.csv': csvBytes(CADRE_HEADER, cadreRows()),
    'households.csv': csvBytes(HOUSEHOLD_HEADER, householdRows()),
  });
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

/** The documented hash (docs/data-format.md, Visit logs), computed here from the rows as stored. */
function expectedHash(rows: string[][]): string {
  const US = '\u001f';
  const line = (fields: string[]) => fields.join(US) + '\n';
  const stored = rows.map(([contact, date, kind, asked, done, status]) => {
    const d = /^(\d{4})\D(\d{1,2})\D(\d{1,2})/u.exec(date ?? '') as RegExpExecArray;
    const iso = `${d[1]}-${(d[2] ?? '').padStart(2, '0')}-${(d[3] ?? '').padStart(2, '0')}`;
    return line([contact, iso, kind, asked, done, status] as string[]);
  });
  stored.sort((a, b) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));
  const contacts = new Set(rows.map((r) => r[0]));
  const text =
    line(['choucha-visits-v1']) +
    line(['program', PROGRAM]) +
    stored.join('') +
    line(['end', String(rows.length), String(contacts.size)]);
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

describe('visit log import (走访记录/民情台账)', () => {
  it('reads the template of every program as a visit log', () => {
    const program = findProgram(db, PROGRAM);
    if (!program) throw new Error('no program');
    const mapping = recogniseHeader(templateHeaders(program, 'visits'));
    expect(mapping?.kind).toBe('visits');
    expect(mapping?.unknown).toEqual([]);
  });

  it('imports a good file as a new hashed version, leaving the roster and its hash as they were', async () => {
    const roster = await importRoster();
    const rosterHash = roster.version?.hash;
    const result = await importFiles({ '走访记录.csv': csvBytes(VISIT_HEADER, VISIT_ROWS, 'gbk') });
    expect(result.status).toBe('visits-updated');
    expect(result.files).toMatchObject([{ kind: 'visits', rows: 5, encoding: 'GBK/GB18030' }]);
    expect(result.visitLog?.status).toBe('created');
    expect(result.visitLog?.version).toMatchObject({
      seq: 1,
      rosterVersionId: roster.version?.id,
      entryCount: 5,
      contactCount: 4,
      hash: expectedHash(VISIT_ROWS),
    });
    // The roster: still one version, same hash.
    expect(listVersions(db, PROGRAM).map((v) => v.hash)).toEqual([rosterHash]);
    const version = listVisitLogs(db, PROGRAM)[0];
    if (!version) throw new Error('no visit log');
    expect(verifyVisitLog(db, version).ok).toBe(true);
    expect(claimsOf(db, version.id, '10001')).toEqual([
      { date: '2026-03-05', kind: '走访', asked: '了解春耕备耕情况', done: '宣讲惠农补贴政策', status: null },
      { date: '2026-05-12', kind: '诉求', asked: '村口路灯不亮', done: '联系供电所更换灯具', status: '已解决' },
    ]);
    expect(claimsOf(db, version.id, '10002')[0]?.date).toBe('2026-06-01');
  });

  it('gives the same hash in another order, as XLSX; the same entries again make no new version', async () => {
    await importRoster();
    const first = await importFiles({ 'a.csv': csvBytes(VISIT_HEADER, VISIT_ROWS) });
    const again = await importFiles({ 'b.xlsx': await xlsxBytes(VISIT_HEADER, shuffled(VISIT_ROWS)) });
    expect(again.status).toBe('unchanged');
    expect(again.visitLog).toMatchObject({ status: 'unchanged', version: { seq: 1 } });
    expect(again.visitLog?.version.hash).toBe(first.visitLog?.version.hash);
    expect(listVisitLogs(db, PROGRAM)).toHaveLength(1);

    const more = [...VISIT_ROWS, ['10003', '2026-10-01', '走访', '回访', '', '']];
    const next = await importFiles({ 'c.csv': csvBytes(VISIT_HEADER, more) });
    expect(next.visitLog).toMatchObject({ status: 'created', version: { seq: 2, entryCount: 6 } });
    expect(listVisitLogs(db, PROGRAM).map((v) => v.seq)).toEqual([2, 1]);
    // Version 1 is still there, entry for entry.
    const v1 = listVisitLogs(db, PROGRAM)[1];
    if (!v1) throw new Error('no version 1');
    expect(verifyVisitLog(db, v1).ok).toBe(true);
    expect(visitLogForRoster(db, PROGRAM, v1.rosterVersionId)?.seq).toBe(2);
  });

  it('imports a visit log with the roster files in one go, checked against the new roster', async () => {
    const result = await importFiles({
      'grid.csv': csvBytes(GRID_HEADER, GRID_ROWS),
      'cadres.csv': csvBytes(CADRE_HEADER, cadreRows()),
      'households.csv': csvBytes(HOUSEHOLD_HEADER, householdRows()),
      'visits.csv': csvBytes(VISIT_HEADER, VISIT_ROWS),
    });
    expect(result.status).toBe('created');
    expect(result.visitLog?.version.rosterVersionId).toBe(result.version?.id);
  });

  it('refuses bad rows with typed codes, and stores nothing', async () => {
    await importRoster();
    const bad = [
      ['99999', '2026-03-05', '走访', '', '', ''], // not in the roster
      ['10001', '2026-02-30', '走访', '', '', ''], // no such day
      ['10001', '2027-01-01', '走访', '', '', ''], // after the import
      ['10001', '2026-03-05', '回访', '', '', ''], // neither 走访 nor 诉求
      ['10001', '2026-03-05', '诉求', '路灯', '', ''], // a need without a status
      ['10001', '2026-03-05', '诉求', '路灯', '', '完成'], // not a status word
      ['10001', '2026-03-05', '诉求', '', '', '已解决'], // a need without what was asked
      ['10001', '2026-03-05', '走访', '甲'.repeat(201), '', ''], // too long
      ['10001', '', '走访', '', '', ''], // no date
    ];
    const error = await rejection(importFiles({ 'bad.csv': csvBytes(VISIT_HEADER, bad) }));
    expect(error.problems.map((p) => [p.row, p.code])).toEqual([
      [2, 'UNKNOWN_CONTACT'],
      [3, 'INVALID_DATE'],
      [4, 'INVALID_DATE'],
      [5, 'INVALID_VISIT_KIND'],
      [6, 'INVALID_VISIT_STATUS'],
      [7, 'INVALID_VISIT_STATUS'],
      [8, 'MISSING_FIELD'],
      [9, 'CELL_TOO_LONG'],
      [10, 'MISSING_FIELD'],
    ]);
    expect(error.problems[0]?.column).toBe('户编号');
    expect(listVisitLogs(db, PROGRAM)).toEqual([]);
    expect(db.prepare('SELECT COUNT(*) FROM visit_log_versions').pluck().get()).toBe(0);
    expect(db.prepare('SELECT COUNT(*) FROM visit_entries').pluck().get()).toBe(0);
  });

  it('refuses a visit log missing a column, or before any roster', async () => {
    const noRoster = await rejection(importFiles({ 'v.csv': csvBytes(VISIT_HEADER, VISIT_ROWS) }));
    expect(noRoster.problems.map((p) => p.code)).toEqual(['MISSING_ROSTER_FILES']);
    await importRoster();
    const header = ['户编号', '日期', '诉求内容', '办理情况'];
    const missing = await rejection(importFiles({ 'v.csv': csvBytes(header, [['10001', '2026-03-05', '', '']]) }));
    expect(missing.problems.map((p) => [p.code, p.column])).toEqual([['MISSING_COLUMN', '类别']]);
  });

  it('never lets a stored version change: updates and deletes are refused by the database', async () => {
    await importRoster();
    await importFiles({ 'a.csv': csvBytes(VISIT_HEADER, VISIT_ROWS) });
    expect(() => db.prepare("UPDATE visit_entries SET done = '已办结'").run()).toThrow('VISIT_LOG_IMMUTABLE');
    expect(() => db.prepare('DELETE FROM visit_entries').run()).toThrow('VISIT_LOG_IMMUTABLE');
    expect(() => db.prepare("UPDATE visit_log_versions SET hash = 'x'").run()).toThrow('VISIT_LOG_IMMUTABLE');
    expect(() => db.prepare('DELETE FROM visit_log_versions').run()).toThrow('VISIT_LOG_IMMUTABLE');
    // An insert into a sealed version is caught by the recount every seal makes.
    const version = listVisitLogs(db, PROGRAM)[0];
    if (!version) throw new Error('no visit log');
    db.prepare("INSERT INTO visit_entries VALUES (?, '10003', '2026-01-01', '诉求', '加塞的诉求', '', '已解决')").run(
      version.id,
    );
    expect(verifyVisitLog(db, version).ok).toBe(false);
  });
});
