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
      insertLines(message);
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

// Rows go in 50 to a statement: per-row statements spend more in the binding layer than SQLite
// spends storing, and a JSON array read by json_each was slower still (measured on the demo county).
const ROWS_PER_STATEMENT = 50;

function insertStatement(table, columns, rows) {
  const row = `(${columns.map(() => '?').join(', ')})`;
  return statement(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${new Array(rows).fill(row).join(', ')}`);
}

/**
 * Stores canonical lines (fields joined by U+001F, each line ended by LF; no control characters
 * in any field), each row preceded by the `prefix` values (e.g. the version id). Fields are cut
 * straight into one reused parameter array: split() and spreading cost a fifth of the time.
 */
function insertLines({ table, columns, prefix, payload }) {
  const width = columns.length;
  const full = insertStatement(table, columns, ROWS_PER_STATEMENT);
  const params = new Array(width * ROWS_PER_STATEMENT);
  let rows = 0;
  for (let start = 0; start < payload.length;) {
    const end = payload.indexOf('\n', start);
    if (end < 0) throw new Error('insertRows: the last line has no LF');
    let at = rows * width;
    const rowEnd = at + width;
    for (const value of prefix) params[at++] = value;
    for (let from = start; ;) {
      const separator = payload.indexOf(FIELD_SEPARATOR, from);
      if (separator < 0 || separator > end) {
        params[at++] = payload.slice(from, end);
        break;
      }
      params[at++] = payload.slice(from, separator);
      from = separator + 1;
    }
    if (at !== rowEnd) throw new Error(`row has ${at - rowEnd + width} values, ${table} takes ${width}`);
    start = end + 1;
    rows += 1;
    if (rows === ROWS_PER_STATEMENT) {
      full.run(params);
      rows = 0;
    }
  }
  if (rows > 0) insertStatement(table, columns, rows).run(params.slice(0, rows * width));
}

parentPort.on('message', (message) => {
  try {
    parentPort.postMessage({ id: message.id, result: handle(message) });
  } catch (error) {
    parentPort.postMessage({ id: message.id, error: { message: error.message, code: error.code } });
  }
});
