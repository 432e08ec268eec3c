import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DbWriter, DbWriterError, FIELD_SEPARATOR as US } from './db-writer';

let dir: string;
let path: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'choucha-writer-'));
  path = join(dir, 'w.db');
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE t (batch INTEGER NOT NULL, a TEXT NOT NULL, b TEXT NOT NULL, c TEXT NOT NULL)');
  db.close();
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const target = { table: 't', columns: ['batch', 'a', 'b', 'c'] };
const lines = (from: number, count: number) =>
  Array.from({ length: count }, (_v, i) => `n${from + i}${US}名${from + i}${US}${i % 2 ? '' : 'x'}\n`).join('');

function rows(): unknown[][] {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare('SELECT batch, a, b, c FROM t ORDER BY rowid').raw().all() as unknown[][];
  } finally {
    db.close();
  }
}

describe('DbWriter.insertLines', () => {
  it('stores every line with its prefix, whole statements and the remainder alike, only at COMMIT', async () => {
    const writer = new DbWriter(path);
    await writer.exec('BEGIN IMMEDIATE');
    writer.insertLines(target, [1], lines(0, 123)); // two full statements of 50 and 23 more
    writer.insertLines(target, [2], lines(123, 1));
    writer.insertLines(target, [3], '');
    await writer.flush();
    expect(rows()).toEqual([]); // another connection sees nothing before the commit
    await writer.exec('COMMIT');
    await writer.close();
    const stored = rows();
    expect(stored).toHaveLength(124);
    expect(stored[0]).toEqual([1, 'n0', '名0', 'x']);
    expect(stored[51]).toEqual([1, 'n51', '名51', '']);
    expect(stored[122]).toEqual([1, 'n122', '名122', 'x']);
    expect(stored[123]).toEqual([2, 'n123', '名123', 'x']);
  });

  it('reports a line with the wrong number of fields at the next awaited call, and stores none of it', async () => {
    const writer = new DbWriter(path);
    await writer.exec('BEGIN IMMEDIATE');
    writer.insertLines(target, [1], `${lines(0, 10)}a${US}b\n`);
    const error = await writer.flush().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DbWriterError);
    expect((error as Error).message).toMatch(/row has 3 values, t takes 4/u);
    await writer.close();
    expect(rows()).toEqual([]);
  });

  it('refuses text whose last line has no LF instead of looping', async () => {
    const writer = new DbWriter(path);
    writer.insertLines(target, [1], `a${US}b${US}c`);
    await expect(writer.flush()).rejects.toThrow(/no LF/u);
    await writer.close();
  });
});
