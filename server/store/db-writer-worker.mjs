// The write side of a bulk import, on a connection of its own in a worker thread: the importing
// thread parses and validates while this one stores, so the two cores work at once.
// Plain JavaScript on purpose: it loads in any runner (node, tsx, vitest) without a TS loader.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const db = new Database(workerData.dbPath);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.pragma('foreign_keys = ON');
db.pragma('busy_timeout = 5000');
db.pragma('cache_size = -65536');

const FIELD_SEPARATOR = '\u001f';

const statements = new Map();
function statement(sql) {
  let stmt = statements.get(sql);
  if (!stmt) {
    stmt = db.prepare(sql);
    statements.set(sql, stmt);
  }
  return stmt;
}

function handle(message) {
  switch (message.op) {
    case 'exec':
      db.exec(message.sql);
      return null;
    case 'run': {
      const info = statement(message.sql).run(...message.params);
      return { changes: info.changes, lastInsertRowid: Number(info.lastInsertRowid) };
    }
    case 'get':
      return statement(message.sql).get(...message.params) ?? null;
    case 'all':
      return statement(message.sql).all(...message.params);
    case 'raw':
      return statement(message.sql)
        .raw(true)
        .all(...message.params);
    case 'insertRows':
      statement(message.sql).run(...message.prefix, linesToJson(message.payload));
      return null;
    case 'batch':
      for (const [sql, params] of message.statements) statement(sql).run(...params);
      return null;
    case 'close':
      db.close();
      return null;
    default:
      throw new Error(`unknown op ${message.op}`);
  }
}

/**
 * Canonical lines (fields joined by U+001F, each line ended by LF; no control characters in any
 * field) as a JSON array of string arrays, for INSERT … SELECT … FROM json_each(?). Done with
 * a few whole-string replacements instead of splitting every row: SQLite parses the JSON in C,
 * far faster than binding each row's fields one call at a time.
 */
export function linesToJson(lines) {
  if (lines === '') return '[]';
  const body = lines
    .slice(0, -1)
    .replace(/[\\"]/g, '\\$&')
    .replaceAll(FIELD_SEPARATOR, '","')
    .replaceAll('\n', '"],["');
  return `[["${body}"]]`;
}

parentPort.on('message', (message) => {
  try {
    parentPort.postMessage({ id: message.id, result: handle(message) });
  } catch (error) {
    parentPort.postMessage({ id: message.id, error: { message: error.message, code: error.code } });
  }
});
