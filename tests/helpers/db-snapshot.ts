import { createHash } from 'node:crypto';
import type { Db } from '../../server/store/db';

/** A digest of every row of the registry tables: equal digests mean nothing was written. */
export function registryDigest(db: Db): string {
  const hash = createHash('sha256');
  for (const table of ['grid_units', 'roster_versions', 'auditees', 'contacts']) {
    const rows = db.prepare(`SELECT * FROM ${table} ORDER BY 1, 2`).raw().all();
    hash.update(`${table}:${JSON.stringify(rows)}\n`);
  }
  return hash.digest('hex');
}
