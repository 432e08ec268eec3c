import type { Db } from '../store/db';
import type { Clock } from '../runtime';
import { AppError } from '../errors';
import type { EventService } from '../events/event-service';
import type { FollowView } from '../protocol/channels';

/** A change of the followed event, for the realtime layer to move every output and tablet at once. */
export interface FollowChange {
  from: string | null;
  to: string;
}

/**
 * Which event the installation's outputs and seats follow (one row). Every switch is kept in
 * `follow_changes`, so the record shows when the outputs went from the rehearsal to the live show.
 */
export class FollowService {
  private readonly listeners = new Set<(change: FollowChange) => void>();

  constructor(
    private readonly db: Db,
    private readonly events: EventService,
    private readonly clock: Clock,
  ) {}

  /** The followed event's id, or null. */
  eventId(): string | null {
    const row = this.db.prepare('SELECT event_id AS eventId FROM output_follow WHERE id = 1').get() as
      { eventId: string } | undefined;
    return row?.eventId ?? null;
  }

  view(): FollowView {
    const row = this.db
      .prepare(
        'SELECT event_id AS eventId, changed_at AS changedAt, changed_by AS changedBy FROM output_follow WHERE id = 1',
      )
      .get() as { eventId: string; changedAt: string; changedBy: string } | undefined;
    if (!row) return { eventId: null, title: null, rehearsal: false, changedAt: null, changedBy: null };
    const event = this.events.event(row.eventId);
    return { ...row, title: event.title, rehearsal: event.rehearsal };
  }

  /** Points every output and seat at a sealed event (a draft has no show to follow). */
  follow(eventId: string, actor: string): FollowView {
    const event = this.events.event(eventId);
    if (event.drawId === null) throw new AppError('EVENT_NOT_SEALED');
    const from = this.eventId();
    if (from === eventId) return this.view();
    const at = this.clock().toISOString();
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO output_follow (id, event_id, changed_at, changed_by) VALUES (1, ?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET event_id = excluded.event_id, changed_at = excluded.changed_at,
             changed_by = excluded.changed_by`,
        )
        .run(eventId, at, actor);
      this.db
        .prepare('INSERT INTO follow_changes (at, from_event_id, to_event_id, changed_by) VALUES (?, ?, ?, ?)')
        .run(at, from, eventId, actor);
    })();
    for (const listener of this.listeners) listener({ from, to: eventId });
    return this.view();
  }

  /** Listens to switches; the returned function stops listening. */
  onChange(listener: (change: FollowChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
