import { claimsOf } from '../registry/visit-log';
import type { Db } from '../store/db';
import type { StaffRole, WorkRole } from '../protocol/auth';
import type { Clock } from '../runtime';
import { AppError } from '../errors';
import type { ErrorCode } from '../protocol/errors';
import type { ClientRole } from '../protocol/round';
import type { CommandAck } from '../protocol/show-socket';
import type { EventLogEntry, ProjectedSnapshot, ShowSnapshot } from '../protocol/show-views';
import type { ShowCommandEnvelope } from '../protocol/show-commands';
import type { JudgeSubmission } from '../protocol/judges';
import { initialShow, transition, type AirState, type ShowCommand, type ShowState } from '../run-of-show/run-of-show';
import { nextAutoOut } from '../run-of-show/air';
import {
  projectSnapshot,
  type AuditeeFacts,
  type ContactFacts,
  type ReelEntry,
  type SnapshotViewer,
} from '../run-of-show/project-snapshot';
import { appendEntry } from '../draw-engine/log-chain';
import { appendLogRow, SHOW_LOG, verifiedLog, type StoredLogEntry } from '../store/log-store';
import { canonicalJson } from '../draw-engine/canonical-json';
import type { DrawCommand } from '../draw-engine/ceremony';
import type { DrawService } from '../draws/draw-service';
import { reelPool, rollReel } from '../run-of-show/roll-reel';
import { publishedRounds, type ShowSection } from '../verify/show-section';
import type { DrawBundle } from '../verify/bundle';
import { scopeOf } from '../protocol/draw';
import { describeLogEntry } from '../run-of-show/log-text';
import { stepRefusal } from '../run-of-show/step-rules';
import { auditRecords, type Placement } from '../run-of-show/audit-record';
import type { EventRecord, EventRepository } from '../events/event-repository';
import { judgeScoreCommand, toCoreCommand } from './core-commands';
import { loggedCommand } from '../run-of-show/logged-command';
import type { RecordLogEntry } from '../print/record-timeline';

/** A stored log entry with the command it records (parsed once, when the show is loaded). */
type ShowLogEntry = StoredLogEntry & { command: ShowCommand };

/** A sealed event's show: its event, the state its verified log replays to, and that log. */
export interface LoadedShow {
  event: EventRecord;
  state: ShowState;
  log: ShowLogEntry[];
}

/**
 * The live show of each sealed event. The server owns the state: a command is checked against the
 * run-of-show state machine, appended to the hash-chained show log (and the draw's own log) in one
 * transaction, and only then answered and broadcast with its revision.
 */
export class ShowRunner {
  private readonly loaded = new Map<string, LoadedShow>();
  private readonly listeners = new Set<(eventId: string) => void>();
  /** Roll reels with their names, by event, round and drawn auditee (fixed once drawn). */
  private readonly reels = new Map<string, ReelEntry[]>();
  /**
   * Each role's snapshot of a loaded show, built once: every command loads a new show, so a sync or
   * a reconnect between commands is a lookup, not a projection with its database reads.
   */
  private readonly snapshots = new WeakMap<LoadedShow, Map<string, ProjectedSnapshot>>();
  /** The configured public origin (set by the app once it knows it), for the links on air. */
  private publicBase: (() => string) | null = null;
  /** Per event: the timer that rebuilds the snapshots when an auto-out graphic's time comes. */
  private readonly autoOuts = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(
    private readonly db: Db,
    private readonly events: EventRepository,
    private readonly draws: DrawService,
    private readonly clock: Clock,
  ) {}

  /** The public origin the snapshots' links point at (the app's publicBase; unset in the scripts). */
  usePublicBase(publicBase: () => string): void {
    this.publicBase = publicBase;
  }

  /** Called after every accepted command (the realtime layer broadcasts). */
  onChange(listener: (eventId: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Tells every listener the event's snapshots changed (e.g. the county's public naming). */
  announce(eventId: string): void {
    for (const listener of this.listeners) listener(eventId);
  }

  /** The loaded show, or the STORE_CORRUPT error that keeps it from loading (a damaged log or draw). */
  loadOrDamage(eventId: string): LoadedShow | AppError {
    try {
      return this.load(eventId);
    } catch (error) {
      if (error instanceof AppError && error.code === 'STORE_CORRUPT') return error;
      throw error;
    }
  }

  /** Replays the verified log from the sealed draw, once; later commands keep the cache current. */
  private load(eventId: string): LoadedShow {
    const cached = this.loaded.get(eventId);
    if (cached) return cached;
    const event = this.events.get(eventId);
    if (event.drawId === null) throw new AppError('EVENT_NOT_SEALED');
    const { settings } = event;
    let state = initialShow(this.draws.sealedStateOf(event.drawId), {
      rehearsal: event.rehearsal,
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
    this.scheduleAutoOut(eventId, state.air, this.clock().getTime());
    return loaded;
  }

  /**
   * A draw's verification bundle; when an event ran the draw as a show, with the show's log and
   * each round's result, so anyone can replay the show and recompute every score.
   */
  bundle(drawId: string): DrawBundle {
    const eventId = this.events.idOfDraw(drawId);
    if (eventId === undefined) return this.draws.bundle(drawId);
    const { event, state, log } = this.load(eventId);
    const entries = log.map(({ idempotencyKey: _key, command: _command, ...entry }) => entry);
    const show: ShowSection = {
      eventId,
      rehearsal: event.rehearsal,
      mode: event.mode,
      reportMinutes: event.settings.reportMinutes,
      rollSeconds: event.settings.rollSeconds,
      judges: state.judges,
      log: entries,
      logHead: entries.at(-1)?.hash ?? '',
      rounds: publishedRounds(state, entries),
    };
    return this.draws.bundle(drawId, show);
  }

  /** Server time in ms: outputs align their roll and countdown to it. */
  now(): number {
    return this.clock().getTime();
  }

  /** Whether the notary may type the digits now: the show is live and the lock is the open step. */
  entropyOpen(eventId: string): boolean {
    return stepRefusal(this.load(eventId).state, 'lockEntropy', 'supervisor') === null;
  }

  revision(eventId: string): number {
    return this.load(eventId).log.length;
  }

  /**
   * Runs one command. A repeated idempotency key gets the first answer and changes nothing; a
   * stale revision is refused with a fresh snapshot and changes nothing.
   */
  command(eventId: string, envelope: ShowCommandEnvelope, actor: string, role: StaffRole = 'operator'): CommandAck {
    const show = this.load(eventId);
    const at = this.clock().getTime();
    const drawId = show.event.drawId as string;
    const context = {
      at,
      role,
      secret: () => this.draws.secretOf(drawId),
      simulatedNotarySecret: () => this.draws.simulatedNotarySecretOf(drawId),
    };
    return this.apply(eventId, toCoreCommand(envelope.command, context), envelope, actor);
  }

  /**
   * A judge's score: tied to the round and auditee it was entered for; its id makes retries safe.
   * The id is the tablet's own, so it is kept per seat: another seat sending the same id is a new
   * score, not a retry (a ':' never appears in a console's key, so the two cannot meet either).
   */
  submitScore(eventId: string, seat: number, submission: JudgeSubmission): CommandAck {
    return this.apply(
      eventId,
      judgeScoreCommand(seat, submission, this.clock().getTime()),
      { revision: this.revision(eventId), idempotencyKey: `judge:${seat}:${submission.submissionId}` },
      `judge:${seat}`,
    );
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
    const { event } = show;
    this.db.transaction(() => {
      appendLogRow(this.db, SHOW_LOG, eventId, entry, envelope.idempotencyKey);
      if (drawCommands.length > 0) this.draws.record(event.drawId as string, drawCommands, actor, iso);
      // The end of a show (closed, or abandoned) goes into the county's public log with both heads.
      if (result.state.status === 'closed' && show.state.status !== 'closed') {
        const drawId = event.drawId as string;
        const { state: drawState, log: drawLog } = this.draws.current(drawId);
        this.draws.appendFinal(drawId, drawState, drawLog, { head: entry.hash, length: entry.seq }, iso);
      }
      const history = this.db.prepare(
        'INSERT INTO audit_history (program_code, auditee_number, audited_on, event_id, mode, result) VALUES (?, ?, ?, ?, ?, ?)',
      );
      for (const record of records) {
        history.run(
          event.programCode,
          record.auditeeNumber,
          event.eventDate,
          eventId,
          event.mode,
          canonicalJson(record),
        );
      }
    })();
    this.loaded.set(eventId, {
      event,
      state: result.state,
      log: [...show.log, { ...entry, idempotencyKey: envelope.idempotencyKey, command }],
    });
    this.announce(eventId);
    this.scheduleAutoOut(eventId, result.state.air, at);
    return { ok: true, revision: entry.seq, repeated: false };
  }

  /**
   * When an auto-out graphic's time comes, the snapshots are rebuilt without it and every client
   * hears at once (outputs also clear it by their server clock, on the frame). Nothing is logged:
   * the time was logged with the take, and replaying the log gives the same air.
   */
  private scheduleAutoOut(eventId: string, air: AirState, after: number): void {
    clearTimeout(this.autoOuts.get(eventId));
    this.autoOuts.delete(eventId);
    const due = nextAutoOut(air, after);
    if (due === null) return;
    const timer = setTimeout(
      () => {
        this.autoOuts.delete(eventId);
        const show = this.loaded.get(eventId);
        if (!show) return;
        this.snapshots.delete(show);
        this.announce(eventId);
        this.scheduleAutoOut(eventId, show.state.air, due);
      },
      Math.max(0, due - this.clock().getTime()),
    );
    timer.unref();
    this.autoOuts.set(eventId, timer);
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

  /** The log with each entry's command as logged, for the printed record (staff only). */
  recordLog(eventId: string): RecordLogEntry[] {
    return this.load(eventId).log.map(({ seq, at, actor, hash, command }) => ({ seq, at, actor, hash, command }));
  }

  /** The state for a role (for staff, for its desk), masked for it (see projectSnapshot). */
  snapshot(
    eventId: string,
    role: ClientRole,
    judgeSeat: number | null = null,
    desk: WorkRole = 'operator',
  ): ShowSnapshot {
    const show = this.load(eventId);
    const { publicAuditeeNames } = this.events.countySettings();
    const serverTime = this.clock().getTime();
    // The county's naming is read each time: changing it loads no new show.
    const key = `${role} ${judgeSeat} ${desk} ${publicAuditeeNames}`;
    const views = this.snapshots.get(show) ?? new Map<string, ProjectedSnapshot>();
    this.snapshots.set(show, views);
    const base = this.publicBase?.() ?? null;
    const links = { verify: base === null ? null : `${base}/verify?draw=${show.state.draw.drawId}` };
    const cached = views.get(key);
    if (cached) return { ...cached, serverTime, links };
    const built = this.project(eventId, show, { role, judgeSeat, desk, publicAuditeeNames }, serverTime);
    views.set(key, built);
    return { ...built, links };
  }

  private project(eventId: string, show: LoadedShow, viewer: SnapshotViewer, serverTime: number): ProjectedSnapshot {
    const { event, state, log } = show;
    const versionId = state.draw.roster.versionId;
    return projectSnapshot(
      state,
      { ...event, scope: scopeOf(event.settings.plan), sealTreeHead: this.draws.sealTreeHeadOf(state.draw.drawId) },
      {
        auditee: (number) => this.auditee(versionId, number),
        contact: (auditeeNumber, number) => this.contact(versionId, auditeeNumber, number),
        reel: (round, drawn) => this.reel(eventId, state, round, drawn),
        claims: (number) => {
          const pinned = state.draw.roster.visitLog;
          return pinned ? claimsOf(this.db, pinned.versionId, number) : [];
        },
      },
      viewer,
      { revision: log.length, logHead: log.at(-1)?.hash ?? '', serverTime, log },
    );
  }

  private reel(eventId: string, state: ShowState, round: number, drawn: string): ReelEntry[] {
    const key = `${eventId}:${round}:${drawn}`;
    const cached = this.reels.get(key);
    if (cached) return cached;
    // Only the drawn auditee's stratum: a stratified round never passes over another stratum's names.
    const pool = reelPool(state.draw, drawn);
    const versionId = state.draw.roster.versionId;
    const reel = rollReel(pool, drawn, `${state.draw.drawId}:${round}:${drawn}`).map((number) => ({
      number,
      name: this.auditee(versionId, number)?.name ?? '',
    }));
    this.reels.set(key, reel);
    return reel;
  }

  private auditee(versionId: number, number: string): AuditeeFacts | undefined {
    return this.db
      .prepare('SELECT number, name, unit, post, town, area, village FROM auditees WHERE version_id = ? AND number = ?')
      .get(versionId, number) as AuditeeFacts | undefined;
  }

  /** Contacts are keyed by their auditee first (see the schema), so the lookup names both. */
  private contact(versionId: number, auditeeNumber: string, number: string): ContactFacts | undefined {
    return this.db
      .prepare(
        'SELECT number, name, town, area, village, phone FROM contacts WHERE version_id = ? AND auditee_number = ? AND number = ?',
      )
      .get(versionId, auditeeNumber, number) as ContactFacts | undefined;
  }
}
