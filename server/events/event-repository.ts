import type { Db } from '../store/db';
import { AppError } from '../errors';
import { canonicalJson } from '../draw-engine/canonical-json';
import type { CountySettings, EventMode, EventSettings } from '../protocol/events';

/** An event as stored, with its settings parsed once when it is read. */
export interface EventRecord {
  id: string;
  title: string;
  eventDate: string;
  venue: string;
  mode: EventMode;
  programCode: string;
  rehearsal: boolean;
  rehearsalOf: string | null;
  settings: EventSettings;
  drawId: string | null;
  overlayKey: string;
}

/** What an event is declared with (create and update). */
export interface EventDeclaration {
  title: string;
  eventDate: string;
  venue: string;
  mode: EventMode;
  settings: EventSettings;
}

interface EventRow {
  id: string;
  title: string;
  event_date: string;
  venue: string;
  mode: EventMode;
  program_code: string;
  rehearsal: number;
  rehearsal_of: string | null;
  settings: string;
  draw_id: string | null;
  overlay_key: string;
}

function toRecord(row: EventRow): EventRecord {
  return {
    id: row.id,
    title: row.title,
    eventDate: row.event_date,
    venue: row.venue,
    mode: row.mode,
    programCode: row.program_code,
    rehearsal: row.rehearsal === 1,
    rehearsalOf: row.rehearsal_of,
    settings: JSON.parse(row.settings) as EventSettings,
    drawId: row.draw_id,
    overlayKey: row.overlay_key,
  };
}

/** The `events` table (and the county's settings): rows in, records out, no rules. */
export class EventRepository {
  constructor(private readonly db: Db) {}

  /** The event, or EVENT_NOT_FOUND. */
  get(eventId: string): EventRecord {
    const row = this.db.prepare('SELECT * FROM events WHERE id = ?').get(eventId) as EventRow | undefined;
    if (!row) throw new AppError('EVENT_NOT_FOUND');
    return toRecord(row);
  }

  /** Newest first. */
  list(): EventRecord[] {
    return (this.db.prepare('SELECT * FROM events ORDER BY created_at DESC, id').all() as EventRow[]).map(toRecord);
  }

  /** The event that ran a draw as its show, if any. */
  idOfDraw(drawId: string): string | undefined {
    return this.db.prepare('SELECT id FROM events WHERE draw_id = ?').pluck().get(drawId) as string | undefined;
  }

  insert(id: string, declaration: EventDeclaration, created: { overlayKey: string; at: string; by: string }): void {
    this.db
      .prepare(
        `INSERT INTO events (id, title, event_date, venue, mode, program_code, settings, overlay_key, created_at, created_by)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        id,
        declaration.title,
        declaration.eventDate,
        declaration.venue,
        declaration.mode,
        declaration.settings.plan.programCode,
        canonicalJson(declaration.settings),
        created.overlayKey,
        created.at,
        created.by,
      );
  }

  update(eventId: string, declaration: EventDeclaration): void {
    this.db
      .prepare(
        'UPDATE events SET title = ?, event_date = ?, venue = ?, mode = ?, program_code = ?, settings = ? WHERE id = ?',
      )
      .run(
        declaration.title,
        declaration.eventDate,
        declaration.venue,
        declaration.mode,
        declaration.settings.plan.programCode,
        canonicalJson(declaration.settings),
        eventId,
      );
  }

  /** A rehearsal row copied from its event, settings byte for byte (not yet sealed). */
  insertRehearsalOf(source: string, id: string, created: { overlayKey: string; at: string; by: string }): void {
    this.db
      .prepare(
        `INSERT INTO events (id, title, event_date, venue, mode, program_code, rehearsal, rehearsal_of, settings, overlay_key, created_at, created_by)
         SELECT ?, title, event_date, venue, mode, program_code, 1, id, settings, ?, ?, ? FROM events WHERE id = ?`,
      )
      .run(id, created.overlayKey, created.at, created.by, source);
  }

  /** Ties the event to its sealed draw (the schema freezes the row from then on). */
  attachDraw(eventId: string, drawId: string): void {
    this.db.prepare('UPDATE events SET draw_id = ? WHERE id = ?').run(drawId, eventId);
  }

  countySettings(): CountySettings {
    const value = this.db.prepare("SELECT value FROM settings WHERE key = 'publicAuditeeNames'").pluck().get() as
      string | undefined;
    return { publicAuditeeNames: value === '"masked"' ? 'masked' : 'full' };
  }

  saveCountySettings(settings: CountySettings): void {
    this.db
      .prepare(
        "INSERT INTO settings (key, value) VALUES ('publicAuditeeNames', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
      )
      .run(JSON.stringify(settings.publicAuditeeNames));
  }
}
