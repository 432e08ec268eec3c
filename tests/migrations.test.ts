import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { openDatabase, schemaVersion } from '../server/store/db';
import { MIGRATIONS } from '../server/store/migrations';
import { BUILTIN_PROGRAMS, ensureBuiltinPrograms, listPrograms } from '../server/registry/programs';
import { importRosterFiles } from '../server/registry/import/import-files';
import { listVersions, verifyRosterVersion } from '../server/registry/roster-repository';
import {
  CADRE_HEADER,
  cadreRows,
  csvBytes,
  GRID_HEADER,
  GRID_ROWS,
  HOUSEHOLD_HEADER,
  householdRows,
  tempDir,
  writeTemp,
} from './helpers/roster-fixture';

const PROGRAM = 'cadre-household';
let dir: string;
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A database as choucha left it at schema version 6, holding one imported roster. */
async function databaseAtVersion6(path: string): Promise<void> {
  const db = openDatabase(
    path,
    MIGRATIONS.filter((m) => m.version <= 6),
  );
  // The built-ins as choucha wrote them before programs had versions (migration 14).
  const insert = db.prepare(
    `INSERT INTO programs (code, name, auditee_label, contact_label, unit_label, sort_order)
     VALUES (@code, @name, @auditeeLabel, @contactLabel, @unitLabel, @sortOrder)`,
  );
  for (const { department: _department, ...program } of BUILTIN_PROGRAMS) insert.run(program);
  const files = {
    'grid.csv': csvBytes(GRID_HEADER, GRID_ROWS, 'utf8'),
    'cadres.csv': csvBytes(CADRE_HEADER, cadreRows(), 'utf8'),
    'households.csv': csvBytes(HOUSEHOLD_HEADER, householdRows(), 'utf8'),
  };
  await importRosterFiles(
    db,
    Object.entries(files).map(([name, content]) => ({ path: writeTemp(dir, name, content), name })),
    { programCode: PROGRAM, actor: 'tester', now: '2026-11-26T08:00:00.000Z' },
  );
  expect(schemaVersion(db)).toBe(6);
  db.close();
}

it('migration 7 rebuilds the roster tables with the same rows, keys, checks and immutability', async () => {
  const path = join(dir, 'old.db');
  await databaseAtVersion6(path);
  const before = openDatabase(
    path,
    MIGRATIONS.filter((m) => m.version <= 6),
  );
  const rowsBefore = {
    auditees: before.prepare('SELECT * FROM auditees ORDER BY version_id, number').all(),
    contacts: before.prepare('SELECT * FROM contacts ORDER BY version_id, number').all(),
  };
  before.close();
  expect(rowsBefore.contacts.length).toBeGreaterThan(10);

  const db = openDatabase(path);
  expect(schemaVersion(db)).toBe(Math.max(...MIGRATIONS.map((m) => m.version)));
  expect(db.prepare('SELECT * FROM auditees ORDER BY version_id, number').all()).toEqual(rowsBefore.auditees);
  expect(db.prepare('SELECT * FROM contacts ORDER BY version_id, number').all()).toEqual(rowsBefore.contacts);
  const [version] = listVersions(db, PROGRAM);
  expect(verifyRosterVersion(db, PROGRAM, version?.id as number).ok).toBe(true);

  // Same primary keys (WITHOUT ROWID, contacts clustered by auditee), no IN-list checks left.
  const schema = (table: string) =>
    db.prepare("SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?").pluck().get(table) as string;
  expect(schema('auditees')).toMatch(/PRIMARY KEY \(version_id, number\)\s*\)\s*WITHOUT ROWID/u);
  expect(schema('contacts')).toMatch(/PRIMARY KEY \(version_id, auditee_number, number\)\s*\)\s*WITHOUT ROWID/u);
  expect(schema('auditees')).not.toMatch(/ IN \(/u);
  expect(schema('contacts')).not.toMatch(/ IN \(/u);

  // Rows stay immutable, and the value rules still hold.
  const contact = rowsBefore.contacts[0] as { number: string };
  expect(() => db.prepare("UPDATE contacts SET name = 'x' WHERE number = ?").run(contact.number)).toThrow(
    'ROSTER_VERSION_IMMUTABLE',
  );
  expect(() => db.prepare('DELETE FROM contacts WHERE number = ?').run(contact.number)).toThrow(
    'ROSTER_VERSION_IMMUTABLE',
  );
  expect(() => db.prepare("UPDATE auditees SET name = 'x'").run()).toThrow('ROSTER_VERSION_IMMUTABLE');
  expect(() => db.prepare('DELETE FROM auditees').run()).toThrow('ROSTER_VERSION_IMMUTABLE');
  const versionId = version?.id as number;
  expect(() =>
    db.prepare("INSERT INTO contacts VALUES (?, 'z1', 'x', 'x', 'x', 'x', '', 'a', '愿意')").run(versionId),
  ).toThrow(/CHECK constraint failed/u);
  expect(() =>
    db.prepare("INSERT INTO auditees VALUES (?, 'z1', 'x', '男', 'x', '', '', 'x', '', '', '', '退休')").run(versionId),
  ).toThrow(/CHECK constraint failed/u);
  expect(() =>
    db.prepare("INSERT INTO contacts VALUES (9999, 'z1', 'x', 'x', 'x', 'x', '', 'a', '同意')").run(),
  ).toThrow(/FOREIGN KEY constraint failed/u);
  db.close();
});

it('migration 14 gives every program of an old database its version 1, which never changes', async () => {
  const path = join(dir, 'old.db');
  await databaseAtVersion6(path);
  const db = openDatabase(path);
  ensureBuiltinPrograms(db);
  const programs = listPrograms(db);
  expect(programs.map((p) => [p.code, p.version, p.householdScoreRule, p.questionnaire.questions.length])).toEqual(
    BUILTIN_PROGRAMS.map((p) => [p.code, 1, 'satisfaction', 0]),
  );
  expect(programs.find((p) => p.code === 'teacher-parent')?.department).toBe('县教育局');
  // Seeding again changes nothing; a version row can be neither changed nor removed.
  ensureBuiltinPrograms(db);
  expect(db.prepare('SELECT COUNT(*) FROM program_versions').pluck().get()).toBe(BUILTIN_PROGRAMS.length);
  expect(() => db.prepare("UPDATE program_versions SET definition = '{}'").run()).toThrow(/immutable/u);
  expect(() => db.prepare('DELETE FROM program_versions').run()).toThrow(/immutable/u);
  // The roster imported before the migration still verifies.
  const [version] = listVersions(db, PROGRAM);
  expect(verifyRosterVersion(db, PROGRAM, version?.id as number).ok).toBe(true);
  db.close();
});
