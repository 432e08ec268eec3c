import type { Db } from '../store/db';
import { csvSourceFromBuffer } from '../registry/import/import-files';
import { importRoster } from '../registry/import/roster-import';
import { latestVersion } from '../registry/roster-repository';
import { DEFAULT_PROGRAM } from '../registry/programs';
import { generateDemoCounty, generateDemoVisits, type DemoCountyOptions } from './demo-county';

/** Loads the demo county through the real import path, as an operator's files would be. */
export async function loadDemoCounty(
  db: Db,
  options: DemoCountyOptions & { now: string },
): Promise<ReturnType<typeof generateDemoCounty>['counts'] & { visits: number }> {
  const files = generateDemoCounty(options);
  const importOptions = { actor: 'demo', now: options.now };
  await importRoster(
    db,
    [
      csvSourceFromBuffer('示范县网格.csv', files.grid),
      csvSourceFromBuffer('示范县干部名单.csv', files.cadres),
      csvSourceFromBuffer('示范县联系户名单.csv', files.households),
    ],
    { ...importOptions, programCode: DEFAULT_PROGRAM },
  );
  // The cadres' visit log, a version of its own: the roster above keeps its hash.
  const visits = await importRoster(
    db,
    [csvSourceFromBuffer('示范县走访记录.csv', generateDemoVisits(files.counts.households, options.now.slice(0, 10)))],
    { ...importOptions, programCode: DEFAULT_PROGRAM },
  );
  await importRoster(
    db,
    [
      csvSourceFromBuffer('示范县教师名单.csv', files.teachers),
      csvSourceFromBuffer('示范县家长名单.csv', files.parents),
    ],
    { ...importOptions, programCode: 'teacher-parent' },
  );
  return { ...files.counts, visits: visits.visitLog?.version.entryCount ?? 0 };
}

export function registryIsEmpty(db: Db): boolean {
  return latestVersion(db, DEFAULT_PROGRAM) === undefined;
}
