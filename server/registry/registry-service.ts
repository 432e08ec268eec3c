import type { Db } from '../store/db';
import { AppError } from '../errors';
import { maskPhone } from '../privacy';
import { parseAuditRecord } from '../run-of-show/audit-record';
import type {
  AuditHistoryEntry,
  RosterFacets,
  AuditeeDetail,
  AuditeeSummary,
  ContactSummary,
  GridNode,
  GridQuery,
  GridView,
  RosterVersionDto,
  SearchResult,
} from '../protocol/registry';
import type { AuditeeStatus, Consent, Gender } from '../protocol/registry';
import { SEARCH_PAGE_SIZE } from '../protocol/registry';
import type { EventMode } from '../protocol/modes';
import { findProgram, listPrograms, type Program } from './programs';
import { getVersion, latestVersion, listVersions } from './roster-repository';

const SEP = '\u001f';

interface Counts {
  auditees: number;
  contacts: number;
}

/** Read side of the registry: the grid with counts, a cadre's households, search. */
export class RegistryService {
  /** Versions are immutable, so their per-grid-unit counts can be cached for good. */
  private readonly countCache = new Map<number, Map<string, Counts>>();

  constructor(private readonly db: Db) {}

  programs(): Program[] {
    return listPrograms(this.db);
  }

  program(code: string): Program {
    const program = findProgram(this.db, code);
    if (!program) throw new AppError('PROGRAM_NOT_FOUND');
    return program;
  }

  versions(programCode: string): RosterVersionDto[] {
    this.program(programCode);
    return listVersions(this.db, programCode);
  }

  version(programCode: string, versionId?: number): RosterVersionDto {
    this.program(programCode);
    if (versionId !== undefined) {
      const version = getVersion(this.db, programCode, versionId);
      if (!version) throw new AppError('ROSTER_VERSION_NOT_FOUND');
      return version;
    }
    const version = latestVersion(this.db, programCode);
    if (!version) throw new AppError('ROSTER_EMPTY');
    return version;
  }

  /** The towns (with their 工作片), units and industries of a roster version, with auditee counts. */
  facets(programCode: string, versionId?: number): RosterFacets {
    const version = this.version(programCode, versionId);
    type Row = { name: string; count: number };
    const grouped = (column: 'unit' | 'industry') =>
      this.db
        .prepare(
          `SELECT ${column} AS name, COUNT(*) AS count FROM auditees WHERE version_id = ? AND ${column} <> '' GROUP BY ${column} ORDER BY count DESC, name`,
        )
        .all(version.id) as Row[];
    // In the grid's own order (as the registry lists it), not the code-point order of the names.
    const areas = this.db
      .prepare(
        `SELECT a.town AS town, a.area AS area, COUNT(*) AS count FROM auditees a
         LEFT JOIN grid_units t ON t.level = 'town' AND t.parent_id IS NULL AND t.name = a.town
         LEFT JOIN grid_units g ON g.level = 'area' AND g.parent_id = t.id AND g.name = a.area
         WHERE a.version_id = ? GROUP BY a.town, a.area ORDER BY MIN(t.id), MIN(g.id), a.town, a.area`,
      )
      .all(version.id) as { town: string; area: string; count: number }[];
    const towns = new Map<string, RosterFacets['towns'][number]>();
    for (const row of areas) {
      const town = towns.get(row.town) ?? { name: row.town, count: 0, areas: [] };
      town.count += row.count;
      if (row.area !== '') town.areas.push({ name: row.area, count: row.count });
      towns.set(row.town, town);
    }
    return {
      versionId: version.id,
      towns: [...towns.values()],
      units: grouped('unit'),
      industries: grouped('industry'),
    };
  }

  private counts(versionId: number): Map<string, Counts> {
    const cached = this.countCache.get(versionId);
    if (cached) return cached;
    const counts = new Map<string, Counts>();
    const bump = (key: string, field: keyof Counts, n: number) => {
      const entry = counts.get(key) ?? { auditees: 0, contacts: 0 };
      entry[field] += n;
      counts.set(key, entry);
    };
    const add = (table: 'auditees' | 'contacts') => {
      const rows = this.db
        .prepare(
          `SELECT town, area, village, COUNT(*) AS n FROM ${table} WHERE version_id = ? GROUP BY town, area, village`,
        )
        .all(versionId) as { town: string; area: string; village: string; n: number }[];
      for (const row of rows) {
        bump('', table, row.n);
        bump(row.town, table, row.n);
        if (row.area) bump([row.town, row.area].join(SEP), table, row.n);
        if (row.village) bump([row.town, row.area, row.village].join(SEP), table, row.n);
      }
    };
    add('auditees');
    add('contacts');
    this.countCache.set(versionId, counts);
    return counts;
  }

  grid(programCode: string, query: GridQuery): GridView {
    const version = this.version(programCode, query.version);
    const path = [query.town, query.area, query.village].filter((p): p is string => !!p);
    if ((query.area && !query.town) || (query.village && !query.area)) throw new AppError('VALIDATION_FAILED');
    const counts = this.counts(version.id);
    const zero = { auditees: 0, contacts: 0 };
    const level = (['county', 'town', 'area', 'village'] as const)[path.length] ?? 'village';
    let parentId: number | null = null;
    if (path.length > 0) {
      const unit = this.db.prepare('SELECT id FROM grid_units WHERE path = ?').pluck().get(path.join(SEP)) as
        number | undefined;
      if (unit === undefined) throw new AppError('NOT_FOUND', { message: `网格中没有「${path.join(' / ')}」` });
      parentId = unit;
    }
    const children: GridNode[] =
      level === 'village'
        ? []
        : (
            this.db
              .prepare(
                `SELECT g.name, g.path, g.leader, g.leader_post AS leaderPost,
                        (SELECT COUNT(*) FROM grid_units c WHERE c.parent_id = g.id) AS children
                 FROM grid_units g WHERE ${parentId === null ? 'g.parent_id IS NULL' : 'g.parent_id = ?'} ORDER BY g.id`,
              )
              .all(...(parentId === null ? [] : [parentId])) as (Omit<GridNode, 'auditees' | 'contacts'> & {
              path: string;
            })[]
          ).map(({ path: unitPath, ...unit }) => ({ ...unit, ...(counts.get(unitPath) ?? zero) }));
    const auditees = level === 'village' ? this.auditeesIn(version.id, path) : [];
    return { version, level, path, totals: counts.get(path.join(SEP)) ?? zero, children, auditees };
  }

  private auditeesIn(versionId: number, [town, area, village]: string[]): AuditeeSummary[] {
    const rows = this.db
      .prepare(
        `SELECT a.*, (SELECT COUNT(*) FROM contacts c WHERE c.version_id = a.version_id AND c.auditee_number = a.number) AS contacts
         FROM auditees a WHERE a.version_id = ? AND a.town = ? AND a.area = ? AND a.village = ? ORDER BY a.number`,
      )
      .all(versionId, town, area, village) as AuditeeRowWithCount[];
    return rows.map(toAuditeeSummary);
  }

  auditee(programCode: string, number: string, versionId?: number): AuditeeDetail {
    const version = this.version(programCode, versionId);
    const row = this.db
      .prepare(
        `SELECT a.*, (SELECT COUNT(*) FROM contacts c WHERE c.version_id = a.version_id AND c.auditee_number = a.number) AS contacts
         FROM auditees a WHERE a.version_id = ? AND a.number = ?`,
      )
      .get(version.id, number) as AuditeeRowWithCount | undefined;
    if (!row) throw new AppError('AUDITEE_NOT_FOUND');
    const contacts = this.db
      .prepare('SELECT * FROM contacts WHERE version_id = ? AND auditee_number = ? ORDER BY number')
      .all(version.id, number) as ContactRow[];
    return {
      version,
      auditee: toAuditeeSummary(row),
      contacts: contacts.map(toContactSummary),
      history: this.history(programCode, number),
    };
  }

  /** An auditee's closed rounds, newest first (written when a show closes; see audit-record.ts). */
  history(programCode: string, number: string): AuditHistoryEntry[] {
    const rows = this.db
      .prepare(
        `SELECT h.audited_on AS auditedOn, h.event_id AS eventId, COALESCE(e.title, '') AS eventTitle, h.mode, h.result
         FROM audit_history h LEFT JOIN events e ON e.id = h.event_id
         WHERE h.program_code = ? AND h.auditee_number = ? ORDER BY h.audited_on DESC, h.id DESC`,
      )
      .all(programCode, number) as {
      auditedOn: string;
      eventId: string;
      eventTitle: string;
      mode: EventMode;
      result: string;
    }[];
    return rows.map((row) => {
      const record = parseAuditRecord(row.result) ?? {};
      return {
        auditedOn: row.auditedOn,
        eventId: row.eventId,
        eventTitle: row.eventTitle,
        mode: row.mode,
        householdsSampled: record.households?.sampled ?? 0,
        householdsConfirmed: record.households?.confirmed ?? 0,
        satisfactionRateHundredths: record.satisfactionRateHundredths ?? null,
        judgesHundredths: record.judgesHundredths ?? null,
        combinedHundredths: record.combinedHundredths ?? null,
        tier: record.tier ?? null,
        replacedBefore: record.replacedAuditees?.length ?? 0,
      };
    });
  }

  /** One page of matches by number prefix or name, exact numbers first, with both totals. */
  search(programCode: string, q: string, versionId?: number, page = 1): SearchResult {
    const version = this.version(programCode, versionId);
    const term = q.trim().normalize('NFC');
    const like = `%${term.replace(/[\\%_]/gu, (c) => `\\${c}`)}%`;
    const prefix = `${term.replace(/[\\%_]/gu, (c) => `\\${c}`)}%`;
    const offset = (page - 1) * SEARCH_PAGE_SIZE;
    const matches = `version_id = ? AND (number LIKE ? ESCAPE '\\' OR name LIKE ? ESCAPE '\\')`;
    const total = (table: 'auditees' | 'contacts') =>
      (
        this.db.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE ${matches}`).get(version.id, prefix, like) as {
          n: number;
        }
      ).n;
    const auditees = this.db
      .prepare(
        `SELECT a.*, (SELECT COUNT(*) FROM contacts c WHERE c.version_id = a.version_id AND c.auditee_number = a.number) AS contacts
         FROM auditees a WHERE a.version_id = ? AND (a.number LIKE ? ESCAPE '\\' OR a.name LIKE ? ESCAPE '\\')
         ORDER BY (a.number = ?) DESC, a.number LIMIT ? OFFSET ?`,
      )
      .all(version.id, prefix, like, term, SEARCH_PAGE_SIZE, offset) as AuditeeRowWithCount[];
    const contacts = this.db
      .prepare(`SELECT * FROM contacts WHERE ${matches} ORDER BY (number = ?) DESC, number LIMIT ? OFFSET ?`)
      .all(version.id, prefix, like, term, SEARCH_PAGE_SIZE, offset) as ContactRow[];
    return {
      version,
      auditees: auditees.map(toAuditeeSummary),
      contacts: contacts.map(toContactSummary),
      page,
      pageSize: SEARCH_PAGE_SIZE,
      auditeesTotal: total('auditees'),
      contactsTotal: total('contacts'),
    };
  }
}

interface AuditeeRowWithCount {
  number: string;
  name: string;
  gender: Gender;
  unit: string;
  industry: string;
  post: string;
  town: string;
  area: string;
  village: string;
  phone: string;
  /** The roster tables' CHECK constraints hold these to their value lists. */
  status: AuditeeStatus;
  contacts: number;
}

interface ContactRow {
  number: string;
  name: string;
  town: string;
  area: string;
  village: string;
  phone: string;
  auditee_number: string;
  consent: Consent;
}

function toAuditeeSummary({ phone, ...row }: AuditeeRowWithCount): AuditeeSummary {
  return {
    number: row.number,
    name: row.name,
    gender: row.gender,
    unit: row.unit,
    industry: row.industry,
    post: row.post,
    town: row.town,
    area: row.area,
    village: row.village,
    phoneMasked: maskPhone(phone),
    status: row.status,
    contacts: row.contacts,
  };
}

function toContactSummary(row: ContactRow): ContactSummary {
  return {
    number: row.number,
    name: row.name,
    town: row.town,
    area: row.area,
    village: row.village,
    phoneMasked: maskPhone(row.phone),
    auditeeNumber: row.auditee_number,
    consent: row.consent,
  };
}
