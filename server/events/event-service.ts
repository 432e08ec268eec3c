import type { Db } from '../store/db';
import type { Clock, RandomBytes } from '../runtime';
import { AppError } from '../errors';
import type {
  CountySettings,
  CreateEventBody,
  EventSettings,
  EventStatus,
  EventSummary,
  PublicEvent,
} from '../protocol/events';
import type { DrawService } from '../draws/draw-service';
import type { ShowRunner } from '../live/show-runner';
import type { SeatService } from '../judges/seat-service';
import { sameSecret } from '../auth/same-secret';
import type { EventDeclaration, EventRecord, EventRepository } from './event-repository';

/**
 * Events (抽查活动): declared as drafts, sealed into a draw with a published commitment (its
 * judges' seats issued), rehearsed as sealed copies; listed for staff and, without names, for the
 * public site. Where an event stands comes from its show.
 */
export class EventService {
  constructor(
    private readonly db: Db,
    private readonly events: EventRepository,
    private readonly draws: DrawService,
    private readonly shows: ShowRunner,
    private readonly seats: SeatService,
    private readonly clock: Clock,
    private readonly random: RandomBytes,
  ) {}

  private status(event: EventRecord): EventStatus {
    if (event.drawId === null) return 'draft';
    const loaded = this.shows.loadOrDamage(event.id);
    if (loaded instanceof AppError) return 'damaged';
    if (loaded.state.abandoned) return 'abandoned';
    return loaded.state.status === 'sealed' ? 'sealed' : loaded.state.status;
  }

  /** The notary's commitment registered for a draft (null when none was). */
  private notaryCommitment(eventId: string): string | null {
    return (
      (this.db.prepare('SELECT commitment FROM notary_commitments WHERE event_id = ?').pluck().get(eventId) as
        string | undefined) ?? null
    );
  }

  /**
   * Registers the notary's commitment, made on the notary's own device (the secret never comes
   * here before the reveal). Only for a draft whose plan calls for a notary; a new one replaces
   * the old until the event is sealed.
   */
  registerNotaryCommitment(eventId: string, commitment: string, actor: string): EventSummary {
    const event = this.events.get(eventId);
    if (event.drawId !== null) throw new AppError('EVENT_SEALED');
    if (event.settings.plan.notary !== 'required') throw new AppError('EVENT_NOTARY_NOT_REQUIRED');
    this.db
      .prepare(
        `INSERT INTO notary_commitments (event_id, commitment, registered_at, registered_by) VALUES (?, ?, ?, ?)
         ON CONFLICT (event_id) DO UPDATE SET commitment = excluded.commitment,
           registered_at = excluded.registered_at, registered_by = excluded.registered_by`,
      )
      .run(eventId, commitment, this.clock().toISOString(), actor);
    return this.event(eventId);
  }

  private summary(event: EventRecord): EventSummary {
    return {
      id: event.id,
      title: event.title,
      eventDate: event.eventDate,
      venue: event.venue,
      mode: event.mode,
      programCode: event.programCode,
      rehearsal: event.rehearsal,
      rehearsalOf: event.rehearsalOf,
      status: this.status(event),
      drawId: event.drawId,
      // PINs stay in the operator's seat list and printed sheet; an event read back never carries them.
      settings: {
        ...event.settings,
        judges: event.settings.judges?.map(({ seat, name, recusals }) => ({ seat, name, recusals })),
      },
      notaryCommitment: this.notaryCommitment(event.id),
    };
  }

  /**
   * The declaration to store: every judge with a PIN. A PIN the editor left out is the one the
   * seat already has (PINs are not read back, so the editor cannot send it); a new seat needs one.
   */
  private declaration(body: CreateEventBody, current: EventSettings | null): EventDeclaration {
    const judges = body.settings.judges?.map(({ pin, ...judge }) => {
      const kept = pin ?? current?.judges?.find((j) => j.seat === judge.seat)?.pin;
      if (kept === undefined) {
        throw new AppError('VALIDATION_FAILED', { message: `${judge.seat} 号评委需要设置 PIN（4–6 位数字）` });
      }
      return { ...judge, pin: kept };
    });
    const { judges: _sent, ...settings } = body.settings;
    return { ...body, settings: judges === undefined ? settings : { ...settings, judges } };
  }

  private newId(prefix: string): string {
    return `${prefix}${this.clock().toISOString().slice(0, 10).replace(/-/gu, '')}-${this.random(4).toString('hex')}`;
  }

  /** A fresh overlay key, and when and by whom a row is created. */
  private created(actor: string): { overlayKey: string; at: string; by: string } {
    return { overlayKey: this.random(18).toString('base64url'), at: this.clock().toISOString(), by: actor };
  }

  createEvent(body: CreateEventBody, actor: string): EventSummary {
    const id = this.newId('E');
    this.events.insert(id, this.declaration(body, null), this.created(actor));
    return this.event(id);
  }

  updateEvent(eventId: string, body: CreateEventBody): EventSummary {
    const current = this.events.get(eventId);
    if (current.drawId !== null) throw new AppError('EVENT_SEALED');
    this.events.update(eventId, this.declaration(body, current.settings));
    return this.event(eventId);
  }

  /** Freezes the event: its plan becomes a sealed draw with a published commitment. */
  sealEvent(eventId: string, actor: string): EventSummary {
    const event = this.events.get(eventId);
    if (event.drawId !== null) throw new AppError('EVENT_SEALED');
    const title = event.rehearsal ? `【演练】${event.title}` : event.title;
    const { settings } = event;
    const registered = this.notaryCommitment(eventId);
    // A rehearsal's notary is simulated (and says so); a real event needs the notary's own commitment.
    const notary =
      settings.plan.notary !== 'required'
        ? null
        : event.rehearsal
          ? 'simulated'
          : registered === null
            ? null
            : { commitment: registered };
    const draw = this.draws.seal({ title, plan: settings.plan }, actor, {
      notary,
      show: {
        eventId,
        rehearsal: event.rehearsal,
        mode: event.mode,
        reportMinutes: settings.reportMinutes,
        rollSeconds: settings.rollSeconds,
        judges: (settings.judges ?? []).map((j) => ({ seat: j.seat, recusals: j.recusals })),
      },
    });
    this.db.transaction(() => {
      this.events.attachDraw(eventId, draw.drawId);
      this.seats.issueSeats(eventId, event.settings.judges ?? []);
    })();
    return this.event(eventId);
  }

  /** A rehearsal (演练): a sealed copy with its own secret and draw, never mixed into real records. */
  rehearse(eventId: string, actor: string): EventSummary {
    this.events.get(eventId);
    const id = this.newId('R');
    this.events.insertRehearsalOf(eventId, id, this.created(actor));
    return this.sealEvent(id, actor);
  }

  event(eventId: string): EventSummary {
    return this.summary(this.events.get(eventId));
  }

  listEvents(): EventSummary[] {
    return this.events.list().map((event) => this.summary(event));
  }

  /**
   * Refuses a roster import while a televised show (rehearsals too: they use the same outputs) is
   * on air: an import holds the database's write lock for a second or more, which would stall
   * every step of the show.
   */
  refuseImportOnAir(): void {
    const onAir = this.listEvents().find((event) => event.status === 'live' && event.mode === 'televised');
    if (onAir === undefined) return;
    throw new AppError('IMPORT_DURING_LIVE_SHOW', {
      message: `「${onAir.title}」正在直播：导入名册时服务器会停顿一两秒，画面和评分也会停顿，请在直播结束后再导入`,
    });
  }

  /** The public site's list: every sealed, live or closed event that is not a rehearsal. */
  publicEvents(): PublicEvent[] {
    return this.listEvents()
      .filter((event) => event.drawId !== null && !event.rehearsal && event.status !== 'damaged')
      .map((event) => {
        const snapshot = this.shows.snapshot(event.id, 'public');
        return {
          id: event.id,
          title: event.title,
          eventDate: event.eventDate,
          venue: event.venue,
          mode: event.mode,
          status: event.status,
          drawId: snapshot.draw.drawId,
          scope: snapshot.draw.scope,
          poolSize: snapshot.draw.poolSize,
          plannedRounds: snapshot.draw.plannedRounds,
          rosterHash: snapshot.draw.rosterHash,
          planHash: snapshot.draw.planHash,
          poolHash: snapshot.draw.poolHash,
          commitment: snapshot.draw.commitment,
          notary: this.draws.view(snapshot.draw.drawId).notary,
        };
      });
  }

  /** Every sealed event whose stored log or frozen draw fails its checks, with the reason (start-up alarm). */
  integrityProblems(): { eventId: string; title: string; message: string }[] {
    return this.listEvents().flatMap((event) => {
      const damage = event.status === 'damaged' ? this.shows.loadOrDamage(event.id) : null;
      return damage instanceof AppError ? [{ eventId: event.id, title: event.title, message: damage.message }] : [];
    });
  }

  settings(): CountySettings {
    return this.events.countySettings();
  }

  updateSettings(settings: CountySettings): CountySettings {
    this.events.saveCountySettings(settings);
    // Public snapshots change: every open show is broadcast again.
    for (const event of this.listEvents()) if (event.status === 'live') this.shows.announce(event.id);
    return this.settings();
  }

  overlayKey(eventId: string): string {
    return this.events.get(eventId).overlayKey;
  }

  /** Whether a key opens an event's overlay outputs (compared in constant time). */
  overlayKeyMatches(eventId: string, key: string | undefined): boolean {
    return key !== undefined && sameSecret(this.events.get(eventId).overlayKey, key);
  }
}
