import type { Db } from '../store/db';
import type { Clock, RandomBytes } from '../runtime';
import { keyDirFor, loadCountyKeys, type CountyKeys } from '../keys/county-keys';
import { PublicLogService } from '../public-log/public-log-service';
import { DrawService } from './draw-service';

/**
 * The draw service with the county's keys and public log, for the app and the command-line tools
 * alike (one database, one key folder, one public log).
 */
export function openDraws(
  db: Db,
  options: { dbPath: string; keyDir?: string; clock: Clock; random: RandomBytes },
): { draws: DrawService; keys: CountyKeys; publicLog: PublicLogService } {
  const dir = options.keyDir ?? keyDirFor(options.dbPath);
  const signedKey = db.prepare('SELECT key_id FROM public_log_heads ORDER BY tree_size DESC LIMIT 1').pluck().get() as
    string | undefined;
  const sealed = db.prepare('SELECT 1 FROM draws WHERE secret_box IS NOT NULL LIMIT 1').get() !== undefined;
  const keys = loadCountyKeys(dir, options.random, signedKey === undefined && !sealed);
  // The key folder must be this database's: another county's (or a regenerated) key would fork the log.
  if (signedKey !== undefined && signedKey !== keys.keyId) {
    throw new Error(
      `the signing key in ${dir ?? 'memory'} (fingerprint ${keys.keyId}) is not the one that signed this ` +
        `database's public log (${signedKey}); restore the right key folder`,
    );
  }
  const publicLog = new PublicLogService(db, keys, options.clock);
  return { draws: new DrawService(db, options.clock, options.random, keys, publicLog), keys, publicLog };
}
