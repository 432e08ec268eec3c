import type { DbWriter } from '../../store/db-writer';
import { gridPath, PATH_SEPARATOR } from './grid-places';
import type { ProblemList } from './import-problems';
import { dataRows, type OpenedFileOf } from './opened-files';
import { MAX_LENGTH, RowReader } from './row-reader';

/**
 * Adds the file's grid units (with their ancestors) and sets their leaders, in one batch of
 * statements: a unit's parent is found by path, so no ids travel back and forth.
 */
export async function importGrid(
  writer: DbWriter,
  file: OpenedFileOf<'grid'>,
  problems: ProblemList,
  maxRows: number,
): Promise<void> {
  const reader = new RowReader(file, file.mapping.columns, problems);
  const statements: [string, unknown[]][] = [];
  const ensure = (level: string, parentPath: string | null, path: string, name: string) =>
    statements.push([
      `INSERT INTO grid_units (level, parent_id, path, name)
       VALUES (?, (SELECT id FROM grid_units WHERE path = ?), ?, ?) ON CONFLICT (path) DO NOTHING`,
      [level, parentPath, path, name],
    ]);
  const definedAt = new Map<string, number>();
  for (const row of dataRows(file, problems, maxRows)) {
    reader.read(row);
    const town = reader.text('town', MAX_LENGTH.place, true);
    const area = reader.text('area', MAX_LENGTH.place, false);
    const village = reader.text('village', MAX_LENGTH.place, false);
    const leader = reader.text('leader', MAX_LENGTH.leader, false);
    const leaderPost = reader.text('leaderPost', MAX_LENGTH.post, false);
    if (town === '') continue;
    if (village !== '' && area === '') {
      reader.problem('area', 'MISSING_FIELD', `填写了村却缺少「${reader.column('area')}」`);
      continue;
    }
    const path = village !== '' ? gridPath(town, area, village) : area !== '' ? gridPath(town, area) : gridPath(town);
    const first = definedAt.get(path);
    if (first !== undefined) {
      reader.problem(
        undefined,
        'DUPLICATE_GRID_UNIT',
        `网格「${path.split(PATH_SEPARATOR).join(' / ')}」重复（首次出现在第 ${first} 行）`,
      );
      continue;
    }
    definedAt.set(path, row.row);
    ensure('town', null, gridPath(town), town);
    if (area !== '') ensure('area', gridPath(town), gridPath(town, area), area);
    if (village !== '') ensure('village', gridPath(town, area), gridPath(town, area, village), village);
    statements.push(['UPDATE grid_units SET leader = ?, leader_post = ? WHERE path = ?', [leader, leaderPost, path]]);
  }
  if (!problems.any) await writer.batch(statements);
}
