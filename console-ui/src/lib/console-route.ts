/**
 * Where the console is, from the address: #/registry, #/events/new, #/desk/E…/outputs. Every place a
 * user would come back to with Back — a registry level, a cadre, a search page, a desk tab — is in
 * the hash, so reload keeps it and Back/Forward walk it without leaving the app.
 */
export type Tab =
  | 'events'
  | 'channels'
  | 'reports'
  | 'county'
  | 'judges'
  | 'followups'
  | 'registry'
  | 'import'
  | 'versions'
  | 'control';
export const TAB_IDS: readonly Tab[] = [
  'events',
  'channels',
  'reports',
  'county',
  'judges',
  'followups',
  'registry',
  'import',
  'versions',
  'control',
];

export const DESK_TABS = ['step', 'outputs', 'log'] as const;
export type DeskTab = (typeof DESK_TABS)[number];

/** A place in the registry browser: the grid level, the cadre open on it, a search and its page. */
export interface RegistryPlace {
  /** [] is the county, [town], [town, area], [town, area, village]. */
  path: string[];
  auditee: string | null;
  q: string;
  page: number;
}
export const COUNTY: RegistryPlace = { path: [], auditee: null, q: '', page: 1 };

export type Route =
  | { page: 'tab'; tab: Tab; place: RegistryPlace }
  | { page: 'new-event' }
  | { page: 'event'; id: string }
  | { page: 'desk'; id: string; tab: DeskTab }
  | { page: 'results'; id: string };

const decode = (part: string) => {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
};

export function parseRoute(hash: string): Route {
  const [where = '', query = ''] = hash.replace(/^#\/?/u, '').split('?');
  const parts = where.split('/').map(decode);
  const [head, id, sub] = parts;
  if (head === 'events' && id === 'new') return { page: 'new-event' };
  if (head === 'events' && id) return { page: 'event', id };
  if (head === 'desk' && id) return { page: 'desk', id, tab: DESK_TABS.find((t) => t === sub) ?? 'step' };
  if (head === 'results' && id) return { page: 'results', id };
  const tab = TAB_IDS.find((t) => t === head) ?? 'registry';
  if (tab !== 'registry') return { page: 'tab', tab, place: COUNTY };
  const params = new URLSearchParams(query);
  const page = Number(params.get('p') ?? '1');
  return {
    page: 'tab',
    tab,
    place: {
      path: head === 'registry' ? parts.slice(1, 4).filter(Boolean) : [],
      auditee: params.get('a') || null,
      q: params.get('q') ?? '',
      page: Number.isInteger(page) && page >= 1 ? page : 1,
    },
  };
}

export function registryHash(place: RegistryPlace): string {
  const params = new URLSearchParams();
  if (place.auditee) params.set('a', place.auditee);
  if (place.q) params.set('q', place.q);
  if (place.q && place.page > 1) params.set('p', String(place.page));
  const query = params.toString();
  return `#/registry${place.path.map((p) => `/${encodeURIComponent(p)}`).join('')}${query ? `?${query}` : ''}`;
}

export const deskHash = (id: string, tab: DeskTab) => `#/desk/${id}${tab === 'step' ? '' : `/${tab}`}`;

/** Whether two routes are the same page at another place (a desk tab, a registry level): kept mounted. */
export function samePage(a: Route, b: Route): boolean {
  if (a.page === 'desk' && b.page === 'desk') return a.id === b.id;
  return a.page === 'tab' && b.page === 'tab' && a.tab === 'registry' && b.tab === 'registry';
}
