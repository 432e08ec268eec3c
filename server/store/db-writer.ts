import { Worker } from 'node:worker_threads';

/** Where insertLines stores rows: a table and its columns, the prefix's columns first. */
export interface InsertTarget {
  table: string;
  columns: readonly string[];
}

/** An error raised by SQLite in the writer thread, with its message and SQLite code. */
export class DbWriterError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = 'DbWriterError';
  }
}

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };

export const FIELD_SEPARATOR = '\u001f';

/**
 * A connection to the same database file in a worker thread, for bulk writes. Messages are
 * handled in order; `insertRows` does not wait for an answer, so the caller keeps parsing while
 * the worker stores. The first error is kept and thrown by the next awaited call.
 */
export class DbWriter {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private failure: DbWriterError | undefined;

  constructor(dbPath: string) {
    this.worker = new Worker(new URL('./db-writer-worker.mjs', import.meta.url), { workerData: { dbPath } });
    this.worker.on(
      'message',
      (message: { id: number; result?: unknown; error?: { message: string; code?: string } }) => {
        const waiter = this.pending.get(message.id);
        this.pending.delete(message.id);
        if (message.error) {
          const error = new DbWriterError(message.error.message, message.error.code);
          this.failure ??= error;
          waiter?.reject(error);
        } else {
          waiter?.resolve(message.result);
        }
      },
    );
    this.worker.on('error', (error) => {
      this.failure ??= new DbWriterError(error.message, undefined);
      for (const waiter of this.pending.values()) waiter.reject(this.failure);
      this.pending.clear();
    });
  }

  private call<T>(message: Record<string, unknown>): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.worker.postMessage({ ...message, id });
    });
  }

  exec(sql: string): Promise<null> {
    return this.call({ op: 'exec', sql });
  }

  run(sql: string, ...params: unknown[]): Promise<{ changes: number; lastInsertRowid: number }> {
    return this.call({ op: 'run', sql, params });
  }

  get<T>(sql: string, ...params: unknown[]): Promise<T | null> {
    return this.call({ op: 'get', sql, params });
  }

  all<T>(sql: string, ...params: unknown[]): Promise<T[]> {
    return this.call({ op: 'all', sql, params });
  }

  /** Runs statements in order, in one message. */
  batch(statements: readonly (readonly [string, readonly unknown[]])[]): Promise<null> {
    return this.call({ op: 'batch', statements });
  }

  /** Rows as arrays of column values. */
  raw(sql: string, ...params: unknown[]): Promise<unknown[][]> {
    return this.call({ op: 'raw', sql, params });
  }

  /**
   * Stores rows without waiting. `lines` holds one row per line: fields joined by U+001F, each
   * line ended by LF (fields hold no control characters). Each row is stored as `prefix`'s
   * values followed by the line's fields, into `target`'s columns in order.
   */
  insertLines(target: InsertTarget, prefix: readonly unknown[], lines: string): void {
    if (lines === '' || this.failure) return;
    const id = this.nextId++;
    this.worker.postMessage({ op: 'insertRows', ...target, prefix, payload: lines, id });
  }

  /** Waits until every message sent so far is handled; throws the first error. */
  async flush(): Promise<void> {
    await this.call({ op: 'exec', sql: 'SELECT 1' });
    // An insertLines error arrives before this answer but has no waiter of its own.
    if (this.failure) throw this.failure;
  }

  async close(): Promise<void> {
    try {
      await this.call({ op: 'close' });
    } catch {
      // closing after a failure: nothing more to report
    } finally {
      await this.worker.terminate();
    }
  }
}
