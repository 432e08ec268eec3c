/** Separates the names of a grid unit's path (乡镇 / 工作片 / 村) in grid_units.path. */
export const PATH_SEPARATOR = '\u001f';

export function gridPath(town: string, area?: string, village?: string): string {
  if (area === undefined) return town;
  return village === undefined ? town + PATH_SEPARATOR + area : town + PATH_SEPARATOR + area + PATH_SEPARATOR + village;
}

/**
 * The county grid's units as nested lookups (乡镇 → 工作片 → 村), so checking a row's place
 * finds its three names without building a path string per row.
 */
export class GridPlaces {
  private readonly towns = new Map<string, Map<string, Set<string>>>();

  constructor(paths: Iterable<string>) {
    for (const path of paths) {
      const [town, area, village] = path.split(PATH_SEPARATOR) as [string, string?, string?];
      let areas = this.towns.get(town);
      if (areas === undefined) this.towns.set(town, (areas = new Map()));
      if (area === undefined) continue;
      let villages = areas.get(area);
      if (villages === undefined) areas.set(area, (villages = new Set()));
      if (village !== undefined) villages.add(village);
    }
  }

  /** The highest level of the path missing from the grid; an empty area or village is not looked up. */
  missingLevel(town: string, area: string, village: string): 'town' | 'area' | 'village' | undefined {
    const areas = this.towns.get(town);
    if (areas === undefined) return 'town';
    if (area === '') return undefined;
    const villages = areas.get(area);
    if (villages === undefined) return 'area';
    return village === '' || villages.has(village) ? undefined : 'village';
  }
}
