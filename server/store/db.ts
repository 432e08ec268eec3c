import Database from 'better-sqlite3';
import { MIGRATIONS, type Migration } from './migrations';

export type Db = Database.Database;

/** Opens (or creates) the database file with the pragmas choucha relies on, and migrates it. */
export function openDatabase(path: string, migrations: readonly Migration[] = MIGRATIONS): Db {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  // Writes block the event loop while they wait: a file held by another program fails the step after 2 s.
  db.pragma('busy_timeout = 2000');
  // 64 MB of page cache: a 300,000-row import must not spill its B-tree pages.
  db.pragma('cache_size = -65536');
  migrate(db, migrations);
  return db;
}

export function migrate(db: Db, migrations: readonly Migration[]): number {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL)');
  const applied = new Set(
    db
      .prepare('SELECT version FROM schema_migrations')
      .pluck()
      .all()
      .map((v) => Number(v)),
  );
  let count = 0;
  for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
    if (applied.has(migration.version)) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      db.prepare('INSERT INTO schema_migrations (version, name) VALUES (?, ?)').run(migration.version, migration.name);
    })();
    count += 1;
  }
  return count;
}

export function schemaVersion(db: Db): number {
  const v = db.prepare('SELECT MAX(version) FROM schema_migrations').pluck().get();
  return typeof v === 'number' ? v : 0;
}
