import { FailureLimiter } from '../auth/failure-limiter';
import { FAILURE_WINDOW_MS, MAX_FAILURES } from '../auth/auth-service';
import type { Db } from '../store/db';
import type { Clock, RandomBytes } from '../runtime';
import { AppError } from '../errors';
import type { ErrorCode } from '../protocol/errors';
import type {
  ClientRole,
  CommandAck,
  CreateEventBody,
  EventSettings,
  EventStatus,
  CountySettings,
  EventLogEntry,
  EventSummary,
  PublicEvent,
  JudgeJoinBody,
  JudgeSetting,
  JudgeSubmission,
  SeatView,
  ShowCommandEnvelope,
  ShowSnapshot,
} from '../protocol/show';
import { initialShow, recusedSeats, transition, type ShowCommand, type ShowState } from '../run-of-show/run-of-show';
import { sha256Hex } from '../draw-engine/sha256';
import { appendEntry } from '../draw-engine/log-chain';
import { appendLogRow, SHOW_LOG, verifiedLog, type StoredLogEntry } from '../store/log-store';
import { canonicalJson } from '../draw-engine/canonical-json';
import type { DrawCommand } from '../draw-engine/ceremony';
import { maskName, maskPhone } from '../privacy';
import type { DrawService } from '../draws/draw-service';
import { rollReel } from '../run-of-show/roll-reel';
import { publishedRounds, type ShowSection } from '../verify/show-section';
import { roundScore } from '../run-of-show/round-score';
import type { DrawBundle } from '../verify/bundle';
import { DEFAULT_SCORING_RULES, outliers } from '../scoring/scoring';
import { scopeOf } from '../protocol/draw';
import { describeLogEntry } from '../run-of-show/log-text';
import { auditRecords, type Placement } from '../run-of-show/audit-record';
import { plannedAuditees } from '../protocol/draw';
import { judgeScoreCommand, toCoreCommand } from './core-commands';
import { loggedCommand } from '../run-of-show/logged-command';
import { outlook } from '../run-of-show/outlook';

interface EventRow {
  id: string;
  title: string;
  event_date: string;
  venue: string;
  mode: EventSummary['mode'];
  program_code: string;
  rehearsal: number;
  rehearsal_of: string | null;
  settings: string;
  draw_id: string | null;
  overlay_key: string;
}

/** A stored log entry with the command it records (parsed once, when the show is loaded). */
type ShowLogEntry = StoredLogEntry & { command: ShowCommand };

interface LoadedShow {
  event: EventRow;
  state: ShowState;
  log: ShowLogEntry[];
}

interface PersonRow {
  number: string;
  name: string;
  unit?: string;
  post?: string;
  town: string;
  area: string;
  village: string;
  phone?: string;
}

/**
 * Events (抽查活动) and their live show. The server owns the state: a command is checked
 * against the run-of-show state machine, appended to the hash-chained show log (and the draw's
 * own log) in one transaction, and only then answered and broadcast with its revision.
 */
export class ShowService {
  private readonly loaded = new Map<string, LoadedShow>();
  private readonly listeners = new Set<(eventId: string) => void>();
  /** Failed seat joins per seat (wrong PIN or token), within a sliding window. */
  private readonly joinFailures = new FailureLimiter({
    maxFailures: MAX_FAILURES,
    windowMs: FAILURE_WINDOW_MS,
    maxKeys: 10_000,
  });
  /** Roll reels with their names, by event, round and drawn auditee (fixed once drawn). */
  private readonly reels = new Map<string, { number: string; name: string }[]>();

  constructor(
    private readonly db: Db,
    private readonly draws: DrawService,
    private readonly clock: Clock,
    private readonly random: RandomBytes,
  ) {}

  /** Called after every accepted command (the realtime layer broadcasts). */
  onChange(listener: (eventId: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private row(eventId: string): EventRow {
    const row = this.db.prepare('SELECT * FROM events WHERE id = ?').get(eventId) as EventRow | undefined;
    if (!row) throw new AppError('EVENT_NOT_FOUND');
    return row;
  }

  private status(row: EventRow): EventStatus {
    if (row.draw_id === null) return 'draft';
    const loaded = this.loadOrDamage(row.id);
    if (loaded instanceof AppError) return 'damaged';
    return loaded.state.status === 'sealed' ? 'sealed' : loaded.state.status;
  }

  private summary(row: EventRow): EventSummary {
    return {
      id: row.id,
      title: row.title,
      eventDate: row.event_date,
      venue: row.venue,
      mode: row.mode,
      programCode: row.program_code,
      rehearsal: row.rehearsal === 1,
      rehearsalOf: row.rehearsal_of,
      status: this.status(row),
      drawId: row.draw_id,
      settings: JSON.parse(row.settings) as EventSettings,
    };
  }

  private newId(prefix: string): string {
    return `${prefix}${this.clock().toISOString().slice(0, 10).replace(/-/gu, '')}-${this.random(4).toString('hex')}`;
  }

  createEvent(body: CreateEventBody, actor: string): EventSummary {
    const id = this.newId('E');
    this.db
      .prepare(
        `INSERT INTO events (id, title, event_date, venue, mode, program_code, settings, overlay_key, created_at, created_by)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        id,
        body.title,
        body.eventDate,
        body.venue,
        body.mode,
        body.settings.plan.programCode,
        canonicalJson(body.settings),
        this.random(18).toString('base64url'),
        this.clock().toISOString(),
        actor,
      );
    return this.summary(this.row(id));
  }

  updateEvent(eventId: string, body: CreateEventBody): EventSummary {
    const row = this.row(eventId);
    if (row.draw_id !== null) throw new AppError('EVENT_SEALED');
    this.db
      .prepare(
        'UPDATE events SET title = ?, event_date = ?, venue = ?, mode = ?, program_code = ?, settings = ? WHERE id = ?',
      )
      .run(
        body.title,
        body.eventDate,
        body.venue,
        body.mode,
        body.settings.plan.programCode,
        canonicalJson(body.settings),
        eventId,
      );
    return this.summary(this.row(eventId));
  }

  /** Freezes the event: its plan becomes a sealed draw with a published commitment. */
  sealEvent(eventId: string, actor: string): EventSummary {
    const row = this.row(eventId);
    if (row.draw_id !== null) throw new AppError('EVENT_SEALED');
    const settings = JSON.parse(row.settings) as EventSettings;
    const title = row.rehearsal === 1 ? `【演练】${row.title}` : row.title;
    const draw = this.draws.seal({ title, plan: settings.plan }, actor);
    this.db.transaction(() => {
      this.db.prepare('UPDATE events SET draw_id = ? WHERE id = ?').run(draw.drawId, eventId);
      const seat = this.db.prepare('INSERT INTO judge_seats (event_id, seat, token) VALUES (?, ?, ?)');
      for (const judge of settings.judges ?? []) seat.run(eventId, judge.seat, this.random(12).toString('base64url'));
    })();
    return this.summary(this.row(eventId));
  }

  /** A rehearsal (演练): a sealed copy with its own secret and draw, never mixed into real records. */
  rehearse(eventId: string, actor: string): EventSummary {
    const row = this.row(eventId);
    const id = this.newId('R');
    this.db
      .prepare(
        `INSERT INTO events (id, title, event_date, venue, mode, program_code, rehearsal, rehearsal_of, settings, overlay_key, created_at, created_by)
         VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?)`,
      )
      .run(
        id,
        row.title,
        row.event_date,
        row.venue,
        row.mode,
        row.program_code,
        row.id,
        row.settings,
        this.random(18).toString('base64url'),
        this.clock().toISOString(),
        actor,
      );
    return this.sealEvent(id, actor);
  }

  listEvents(): EventSummary[] {
    return (this.db.prepare('SELECT * FROM events ORDER BY created_at DESC, id').all() as EventRow[]).map((row) =>
      this.summary(row),
    );
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
        const snapshot = this.snapshot(event.id, 'public');
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
        };
      });
  }

  /** Every sealed event whose stored log or frozen draw fails its checks, with the reason (start-up alarm). */
  integrityProblems(): { eventId: string; title: string; message: string }[] {
    return this.listEvents().flatMap((event) => {
      const damage = event.status === 'damaged' ? this.loadOrDamage(event.id) : null;
      return damage instanceof AppError ? [{ eventId: event.id, title: event.title, message: damage.message }] : [];
    });
  }

  /** The loaded show, or the STORE_CORRUPT error that keeps it from loading (a damaged log or draw). */
  private loadOrDamage(eventId: string): LoadedShow | AppError {
    try {
      return this.load(eventId);
    } catch (error) {
      if (error instanceof AppError && error.code === 'STORE_CORRUPT') return error;
      throw error;
    }
  }

  settings(): CountySettings {
    const value = this.db.prepare("SELECT value FROM settings WHERE key = 'publicAuditeeNames'").pluck().get() as
      string | undefined;
    return { publicAuditeeNames: value === '"masked"' ? 'masked' : 'full' };
  }

  updateSettings(settings: CountySettings): CountySettings {
    this.db
      .prepare(
        "INSERT INTO settings (key, value) VALUES ('publicAuditeeNames', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
      )
      .run(JSON.stringify(settings.publicAuditeeNames));
    // Public snapshots change: every open show is broadcast again.
    for (const event of this.listEvents()) if (event.status === 'live') for (const l of this.listeners) l(event.id);
    return this.settings();
  }

  event(eventId: string): EventSummary {
    return this.summary(this.row(eventId));
  }

  overlayKey(eventId: string): string {
    return this.row(eventId).overlay_key;
  }

  private load(eventId: string): LoadedShow {
    const cached = this.loaded.get(eventId);
    if (cached) return cached;
    const event = this.row(eventId);
    if (event.draw_id === null) throw new AppError('EVENT_NOT_SEALED');
    const settings = JSON.parse(event.settings) as EventSettings;
    let state = initialShow(this.draws.sealedStateOf(event.draw_id), {
      rehearsal: event.rehearsal === 1,
      reportMinutes: settings.reportMinutes,
      rollSeconds: settings.rollSeconds,
      judges: (settings.judges ?? []).map((j) => ({ seat: j.seat, recusals: j.recusals })),
    });
    const log: ShowLogEntry[] = [];
    for (const entry of verifiedLog(this.db, SHOW_LOG, eventId, `活动「${event.title}」`)) {
      const command = loggedCommand(entry);
      if (command === null) throw new Error(`show ${eventId} log entry ${entry.seq} is not a show command`);
      const result = transition(state, command);
      if (!result.ok) throw new Error(`show ${eventId} log entry ${entry.seq} does not replay: ${result.message}`);
      state = result.state;
      log.push({ ...entry, command });
    }
    const loaded = { event, state, log };
    this.loaded.set(eventId, loaded);
    return loaded;
  }

  /**
   * A draw's verification bundle; when an event ran the draw as a show, with the show's log and
   * each round's result, so anyone can replay the show and recompute every score.
   */
  bundle(drawId: string): DrawBundle {
    const bundle = this.draws.bundle(drawId);
    const eventId = this.db.prepare('SELECT id FROM events WHERE draw_id = ?').pluck().get(drawId) as
      string | undefined;
    if (eventId === undefined) return bundle;
    const { event, state, log } = this.load(eventId);
    const settings = JSON.parse(event.settings) as EventSettings;
    const entries = log.map(({ idempotencyKey: _key, command: _command, ...entry }) => entry);
    const show: ShowSection = {
      eventId,
      rehearsal: event.rehearsal === 1,
      reportMinutes: settings.reportMinutes,
      rollSeconds: settings.rollSeconds,
      judges: state.judges,
      log: entries,
      logHead: entries.at(-1)?.hash ?? '',
      rounds: publishedRounds(state, entries),
    };
    return { ...bundle, show };
  }

  /** Server time in ms: outputs align their roll and countdown to it. */
  now(): number {
    return this.clock().getTime();
  }

  revision(eventId: string): number {
    return this.load(eventId).log.length;
  }

  /**
   * Runs one command. A repeated idempotency key gets the first answer and changes nothing; a
   * stale revision is refused with a fresh snapshot and changes nothing.
   */
  command(eventId: string, envelope: ShowCommandEnvelope, actor: string): CommandAck {
    const show = this.load(eventId);
    const at = this.clock().getTime();
    const secret = () => this.draws.secretOf(show.event.draw_id as string);
    return this.apply(eventId, toCoreCommand(envelope.command, { at, secret }), envelope, actor);
  }

  /** Checks a command against the state machine, logs it, then answers and broadcasts. */
  private apply(
    eventId: string,
    command: ShowCommand,
    envelope: { revision: number; idempotencyKey: string },
    actor: string,
  ): CommandAck {
    const show = this.load(eventId);
    const earlier = show.log.find((entry) => entry.idempotencyKey === envelope.idempotencyKey);
    if (earlier) return { ok: true, revision: earlier.seq, repeated: true };
    if (envelope.revision !== show.log.length) {
      return { ok: false, ...new AppError('SHOW_STALE_REVISION').toBody(), snapshot: this.snapshot(eventId, 'staff') };
    }
    const at = command.at;
    const result = transition(show.state, command);
    if (!result.ok) {
      const error = new AppError(result.code as ErrorCode, {
        message: result.message,
        ...(result.drawCode ? { details: { drawCode: result.drawCode } } : {}),
      });
      return { ok: false, ...error.toBody() };
    }
    const { type, ...payload } = command;
    const iso = new Date(at).toISOString();
    const entry = appendEntry(show.log.at(-1), { at: iso, actor, type, payload });
    const drawCommands = result.effects.flatMap((effect) =>
      effect.type === 'draw' ? [effect.command as DrawCommand] : [],
    );
    // Closing a real show writes each round into its auditee's audit history, with the log entry.
    const versionId = result.state.draw.roster.versionId;
    const records =
      command.type === 'close'
        ? auditRecords(
            result.state,
            (number) =>
              (this.db
                .prepare('SELECT town, area, village, unit, industry FROM auditees WHERE version_id = ? AND number = ?')
                .get(versionId, number) as Placement | undefined) ?? null,
          )
        : [];
    this.db.transaction(() => {
      appendLogRow(this.db, SHOW_LOG, eventId, entry, envelope.idempotencyKey);
      if (drawCommands.length > 0) this.draws.record(show.event.draw_id as string, drawCommands, actor, iso);
      const history = this.db.prepare(
        'INSERT INTO audit_history (program_code, auditee_number, audited_on, event_id, mode, result) VALUES (?, ?, ?, ?, ?, ?)',
      );
      for (const record of records) {
        history.run(
          show.event.program_code,
          record.auditeeNumber,
          show.event.event_date,
          eventId,
          show.event.mode,
          canonicalJson(record),
        );
      }
    })();
    this.loaded.set(eventId, {
      event: show.event,
      state: result.state,
      log: [...show.log, { ...entry, idempotencyKey: envelope.idempotencyKey, command }],
    });
    for (const listener of this.listeners) listener(eventId);
    return { ok: true, revision: entry.seq, repeated: false };
  }

  /** The show log in words, for staff (the console's event log and the printed record). */
  logEntries(eventId: string, afterSeq = 0): EventLogEntry[] {
    return this.load(eventId)
      .log.filter((entry) => entry.seq > afterSeq)
      .map((entry) => ({
        seq: entry.seq,
        at: entry.at,
        actor: entry.actor,
        type: entry.command.type,
        text: describeLogEntry(entry.type, entry.payload),
        hash: entry.hash,
      }));
  }

  /** The state for a role. Households' names and phones are masked here for all but staff. */
  snapshot(eventId: string, role: ClientRole, judgeSeat: number | null = null, supervisor = false): ShowSnapshot {
    const { event, state, log } = this.load(eventId);
    const settings = JSON.parse(event.settings) as EventSettings;
    const judges = settings.judges ?? [];
    const versionId = state.draw.roster.versionId;
    const staff = role === 'staff';
    // The public site names auditees as the county decides; the broadcast itself shows them.
    const maskAuditees = role === 'public' && this.settings().publicAuditeeNames === 'masked';
    const auditeeName = (name: string) => (maskAuditees ? maskName(name) : name);
    const auditee = (number: string) => this.person('auditees', versionId, number);
    const contact = (auditeeNumber: string, number: string) => this.contact(versionId, auditeeNumber, number);
    return {
      eventId,
      title: event.title,
      eventDate: event.event_date,
      venue: event.venue,
      mode: event.mode,
      rehearsal: event.rehearsal === 1,
      status: state.status === 'sealed' ? 'sealed' : state.status,
      revision: log.length,
      serverTime: this.clock().getTime(),
      role,
      draw: {
        drawId: state.draw.drawId,
        rosterHash: state.draw.roster.hash,
        planHash: state.draw.planHash,
        poolHash: state.draw.poolHash,
        poolSize: state.draw.pool.auditees.length,
        plannedRounds: plannedAuditees(settings.plan),
        commitment: state.draw.commitment,
        entropy: state.draw.entropy,
        secret: state.draw.secret,
        seed: state.draw.seed,
        scope: scopeOf(settings.plan),
      },
      air: state.air,
      scoring: settings.plan.scoring ?? DEFAULT_SCORING_RULES,
      judgeSeats: judges.length,
      rounds: state.rounds.map((round) => {
        const person = auditee(round.auditeeNumber);
        return {
          index: round.index,
          step: round.step,
          auditee: {
            number: round.auditeeNumber,
            name: auditeeName(person?.name ?? ''),
            unit: person?.unit ?? '',
            post: person?.post ?? '',
            gridPath: person ? [person.town, person.area, person.village].filter(Boolean).join(' / ') : '',
          },
          roll: {
            ...round.roll,
            reel: this.reel(eventId, state, round.index, round.auditeeNumber).map((entry) =>
              maskAuditees ? { ...entry, name: maskName(entry.name) } : entry,
            ),
          },
          replacedAuditees: round.replacedAuditees.map((r) => ({
            number: r.number,
            name: auditeeName(auditee(r.number)?.name ?? ''),
            reason: r.reason,
          })),
          report: round.report,
          households: round.households.map((h) => {
            const row = contact(round.auditeeNumber, h.number);
            return {
              number: h.number,
              name: staff ? (row?.name ?? '') : maskName(row?.name ?? ''),
              village: row?.village ?? '',
              phone: staff ? (row?.phone ?? '') : maskPhone(row?.phone ?? ''),
              callStatus: h.callStatus,
              outcome: h.outcome,
              satisfaction: h.satisfaction,
              replaced: h.replaced,
            };
          }),
          judging: this.judgingView(state, round, judges, role, judgeSeat, supervisor, settings),
          revealedAt: round.revealedAt,
          score: roundScore(state, round),
        };
      }),
      logHead: log.at(-1)?.hash ?? '',
      outlook: staff ? outlook(state) : null,
    };
  }

  private reel(eventId: string, state: ShowState, round: number, drawn: string): { number: string; name: string }[] {
    const key = `${eventId}:${round}:${drawn}`;
    const cached = this.reels.get(key);
    if (cached) return cached;
    const pool = state.draw.pool.auditees.map((a) => a.number);
    const versionId = state.draw.roster.versionId;
    const reel = rollReel(pool, drawn, `${state.draw.drawId}:${round}:${drawn}`).map((number) => ({
      number,
      name: this.person('auditees', versionId, number)?.name ?? '',
    }));
    this.reels.set(key, reel);
    return reel;
  }

  /** Who has submitted, and the scores only where the role may see them (never another judge's before the reveal). */
  private judgingView(
    state: ShowState,
    round: ShowState['rounds'][number],
    judges: readonly JudgeSetting[],
    role: ClientRole,
    judgeSeat: number | null,
    supervisor: boolean,
    settings: EventSettings,
  ): ShowSnapshot['rounds'][number]['judging'] {
    const recused = new Set(recusedSeats(state, round.auditeeNumber));
    const revealed = round.step === 'scores-revealed' || round.step === 'result';
    return {
      seats: judges.map((j) => ({
        seat: j.seat,
        name: j.name,
        recused: recused.has(j.seat),
        submitted: round.scores.some((s) => s.seat === j.seat),
      })),
      submitted: round.scores.length,
      expected: judges.filter((j) => !recused.has(j.seat)).length,
      scores:
        role === 'staff' || revealed
          ? round.scores.map(({ seat, hundredths, items }) => ({
              seat,
              score: hundredths / 100,
              items: items.map((v) => v / 100),
            }))
          : null,
      outliers: supervisor ? outliers(round.scores, settings.plan.scoring ?? DEFAULT_SCORING_RULES) : [],
      rechecks:
        role === 'staff' ? round.rechecks : role === 'judge' ? round.rechecks.filter((s) => s === judgeSeat) : [],
      corrections:
        role === 'staff' || revealed
          ? round.corrections.map((c) => ({ seat: c.seat, from: c.from / 100, to: c.to / 100, reason: c.reason }))
          : [],
      mine: role === 'judge' ? this.ownScore(round, judgeSeat) : null,
    };
  }

  private ownScore(round: ShowState['rounds'][number], seat: number | null): { score: number; items: number[] } | null {
    const own = round.scores.find((s) => s.seat === seat);
    return own ? { score: own.hundredths / 100, items: own.items.map((v) => v / 100) } : null;
  }

  /** The seats of an event with their join links and PINs, for the operator's printable sheet. */
  seats(eventId: string): SeatView[] {
    const event = this.row(eventId);
    const judges = (JSON.parse(event.settings) as EventSettings).judges ?? [];
    const rows = this.db
      .prepare('SELECT seat, token, device_id AS deviceId FROM judge_seats WHERE event_id = ?')
      .all(eventId) as {
      seat: number;
      token: string;
      deviceId: string | null;
    }[];
    return judges.map((j) => {
      const row = rows.find((r) => r.seat === j.seat);
      return {
        seat: j.seat,
        name: j.name,
        pin: j.pin,
        joinPath: row ? `/judge?event=${eventId}&seat=${j.seat}&token=${row.token}` : '',
        joined: Boolean(row?.deviceId),
      };
    });
  }

  /**
   * A judge joins a seat with its link's token and the PIN. One device per seat: another device
   * is refused until the operator releases the seat; the same device may rejoin (after a reload).
   */
  joinSeat(body: JudgeJoinBody): { judgeKey: string; seat: number; name: string } {
    const event = this.row(body.eventId);
    const judge = ((JSON.parse(event.settings) as EventSettings).judges ?? []).find((j) => j.seat === body.seat);
    const row = this.db
      .prepare('SELECT token, device_id AS deviceId FROM judge_seats WHERE event_id = ? AND seat = ?')
      .get(body.eventId, body.seat) as { token: string; deviceId: string | null } | undefined;
    // A PIN has few digits: a seat link photographed off a table must not be brute-forced.
    const seatKey = [`seat:${body.eventId}:${body.seat}`];
    const now = this.clock().getTime();
    if (this.joinFailures.blocked(seatKey, now)) throw new AppError('JUDGE_JOIN_RATE_LIMITED');
    if (!judge || !row || !safeEqual(row.token, body.token) || !safeEqual(judge.pin, body.pin)) {
      this.joinFailures.fail(seatKey, now);
      throw new AppError('JUDGE_JOIN_INVALID');
    }
    this.joinFailures.succeed(seatKey);
    if (row.deviceId !== null && row.deviceId !== body.deviceId) throw new AppError('JUDGE_SEAT_TAKEN');
    const judgeKey = this.random(24).toString('base64url');
    this.db
      .prepare('UPDATE judge_seats SET device_id = ?, session_hash = ?, joined_at = ? WHERE event_id = ? AND seat = ?')
      .run(body.deviceId, sha256Hex(judgeKey), this.clock().toISOString(), body.eventId, body.seat);
    return { judgeKey, seat: judge.seat, name: judge.name };
  }

  /** The seat a judge's key opens, if any. */
  judgeSeatFor(eventId: string, judgeKey: string | undefined): number | null {
    if (!judgeKey) return null;
    const seat = this.db
      .prepare('SELECT seat FROM judge_seats WHERE event_id = ? AND session_hash = ?')
      .pluck()
      .get(eventId, sha256Hex(judgeKey)) as number | undefined;
    return seat ?? null;
  }

  releaseSeat(eventId: string, seat: number): void {
    this.row(eventId);
    const result = this.db
      .prepare(
        'UPDATE judge_seats SET device_id = NULL, session_hash = NULL, joined_at = NULL WHERE event_id = ? AND seat = ?',
      )
      .run(eventId, seat);
    if (result.changes === 0) throw new AppError('NOT_FOUND', { message: `没有 ${seat} 号席位` });
  }

  /** A judge's score: tied to the round and auditee it was entered for; its id makes retries safe. */
  submitScore(eventId: string, seat: number, submission: JudgeSubmission): CommandAck {
    return this.apply(
      eventId,
      judgeScoreCommand(seat, submission, this.clock().getTime()),
      { revision: this.revision(eventId), idempotencyKey: submission.submissionId },
      `judge:${seat}`,
    );
  }

  private person(table: 'auditees', versionId: number, number: string): PersonRow | undefined {
    return this.db
      .prepare(`SELECT number, name, unit, post, town, area, village FROM ${table} WHERE version_id = ? AND number = ?`)
      .get(versionId, number) as PersonRow | undefined;
  }

  /** Contacts are keyed by their auditee first (see the schema), so the lookup names both. */
  private contact(versionId: number, auditeeNumber: string, number: string): PersonRow | undefined {
    return this.db
      .prepare(
        'SELECT number, name, town, area, village, phone FROM contacts WHERE version_id = ? AND auditee_number = ? AND number = ?',
      )
      .get(versionId, auditeeNumber, number) as PersonRow | undefined;
  }

  /** Whether a key opens an event's overlay outputs (compared in constant time). */
  overlayKeyMatches(eventId: string, key: string | undefined): boolean {
    return key !== undefined && safeEqual(this.row(eventId).overlay_key, key);
  }
}

/** String comparison whose time does not depend on where the strings differ. */
function safeEqual(expected: string, given: string): boolean {
  if (expected.length !== given.length) return false;
  let diff = 0;
  for (let i = 0; i < given.length; i += 1) diff |= expected.charCodeAt(i) ^ given.charCodeAt(i);
  return diff === 0;
}
