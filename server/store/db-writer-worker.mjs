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

const statements = new Map();
function statement(sql) {
  let stmt = statements.get(sql);
  if (!stmt) {
    stmt = db.prepare(sql);
    statements.set(sql, stmt);
  }
  return stmt;
}

const FIELD_SEPARATOR = '\u001f';

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
    case 'insertRows': {
      // Rows arrive as one string (cheap to pass between threads): each row is its fields joined
      // by U+001F and ended by LF, the roster's canonical line format.
      const stmt = statement(message.sql);
      const rows = Buffer.from(message.payload).toString('utf8').split('\n');
      for (let i = 0; i < rows.length - 1; i += 1) {
        stmt.run(...message.prefix, ...rows[i].split(FIELD_SEPARATOR));
      }
      return null;
    }
    case 'close':
      db.close();
      return null;
    default:
      throw new Error(`unknown op ${message.op}`);
  }
}

parentPort.on('message', (message) => {
  try {
    parentPort.postMessage({ id: message.id, result: handle(message) });
  } catch (error) {
    parentPort.postMessage({ id: message.id, error: { message: error.message, code: error.code } });
  }
});
