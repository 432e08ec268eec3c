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
  const keys = loadCountyKeys(options.keyDir ?? keyDirFor(options.dbPath), options.random);
  const publicLog = new PublicLogService(db, keys, options.clock);
  return { draws: new DrawService(db, options.clock, options.random, keys, publicLog), keys, publicLog };
}
