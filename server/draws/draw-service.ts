import { createHash } from 'node:crypto';
import type { Db } from '../store/db';
import type { Clock, RandomBytes } from '../runtime';
import { AppError, refuseMalformedText } from '../errors';
import type {
  DrawCommandBody,
  DrawListItem,
  DrawPlan,
  DrawView,
  PoolPreview,
  SealDrawBody,
  SignedTreeHead,
} from '../protocol/draw';
import { SealDrawBodySchema, stratifiesByRisk } from '../protocol/draw';
import { applyDrawCommand, type DrawCommand, type DrawState } from '../draw-engine/ceremony';
import {
  buildBundle,
  commandOf,
  countReplacements,
  sealedState,
  sealPayloadV2,
  type DrawBundle,
  type SealedShow,
  type SealPayload,
} from '../verify/bundle';
import type { ShowSection } from '../verify/show-section';
import type { StaffRole } from '../protocol/auth';
import type { CountyKeys } from '../keys/county-keys';
import type { PublicLogService } from '../public-log/public-log-service';
import {
  buildPool,
  checkScoringRules,
  planHash,
  PlanError,
  selectPool,
  strataOf,
  stratumSizes,
  type AuditRecord,
  type EligibilityAuditee,
  type EligibilityContact,
  type Pool,
} from '../draw-engine/eligibility';
import { appendEntry, type LogEntry } from '../draw-engine/log-chain';
import { appendLogRow, DRAW_LOG, verifiedLog } from '../store/log-store';
import { canonicalJson } from '../draw-engine/canonical-json';
import { commitmentOf } from '../draw-engine/seed';
import { getVersion, latestVersion, verifyRosterVersion } from '../registry/roster-repository';
import { lowestTierOf, parseAuditRecord, shortfalls } from '../run-of-show/audit-record';
import { findProgram, planProgram } from '../registry/programs';
import { verifyVisitLog, visitLogForRoster } from '../registry/visit-log';

interface DrawRow {
  id: string;
  program_code: string;
  roster_version_id: number;
  title: string;
  plan: string;
  pool: string;
  /** Format 1 only: the secret as plain hex ('' from format 2, where secret_box holds it sealed). */
  secret: string;
  secret_box: string | null;
  notary_box: string | null;
  created_at: string;
}

/** Who the seal names as the second party: the notary's registered commitment, or a rehearsal's simulation. */
export type SealNotary = { commitment: string } | 'simulated' | null;

/** What an event adds to a seal: the show it will run, and the notary. */
export interface SealContext {
  show: SealedShow | null;
  notary: SealNotary;
}

interface LoadedDraw {
  row: DrawRow;
  state: DrawState;
  log: LogEntry[];
}

/** SHA-256 of a text's UTF-8, as the engine's sha256Hex gives it, at native speed. */
function sha256OfText(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * Seals draws and runs their ceremony: the thin layer between the pure draw engine and SQLite.
 * Every accepted command is appended to the draw's hash-chained log in the same transaction
 * that makes it visible; the state is always the fold of that log.
 */
export class DrawService {
  /** Roster rows per immutable version, for previews and sealing. */
  private readonly rowsCache = new Map<number, { auditees: EligibilityAuditee[]; contacts: EligibilityContact[] }>();
  private readonly loaded = new Map<string, LoadedDraw>();

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly random: RandomBytes,
    private readonly keys: CountyKeys,
    private readonly publicLog: PublicLogService,
  ) {}

  private rosterRows(versionId: number) {
    const cached = this.rowsCache.get(versionId);
    if (cached) return cached;
    const auditees = this.db
      .prepare('SELECT number, unit, industry, town, area, village, status FROM auditees WHERE version_id = ?')
      .all(versionId) as EligibilityAuditee[];
    const contacts = this.db
      .prepare('SELECT number, auditee_number AS auditeeNumber, phone, consent FROM contacts WHERE version_id = ?')
      .all(versionId) as EligibilityContact[];
    const rows = { auditees, contacts };
    this.rowsCache.clear(); // one version at a time: a county roster is tens of megabytes
    this.rowsCache.set(versionId, rows);
    return rows;
  }

  /**
   * The audit history a plan reads: dates for the cool-down and, only when its strata are risk
   * tiers, whether each round fell short (every stored result parsed, once per event's rules).
   */
  private history(plan: DrawPlan): AuditRecord[] {
    if (!stratifiesByRisk(plan)) {
      return this.db
        .prepare(
          'SELECT auditee_number AS auditeeNumber, audited_on AS auditedOn FROM audit_history WHERE program_code = ?',
        )
        .all(plan.programCode) as AuditRecord[];
    }
    const rows = this.db
      .prepare(
        `SELECT h.auditee_number AS auditeeNumber, h.audited_on AS auditedOn, h.event_id AS eventId, h.result,
                e.settings
         FROM audit_history h LEFT JOIN events e ON e.id = h.event_id WHERE h.program_code = ?`,
      )
      .all(plan.programCode) as {
      auditeeNumber: string;
      auditedOn: string;
      eventId: string;
      result: string;
      settings: string | null;
    }[];
    const lowestTiers = new Map<string, string>();
    return rows.map((row) => {
      let lowest = lowestTiers.get(row.eventId);
      if (lowest === undefined) {
        lowest = lowestTierOf(row.settings);
        lowestTiers.set(row.eventId, lowest);
      }
      const record = parseAuditRecord(row.result);
      return {
        auditeeNumber: row.auditeeNumber,
        auditedOn: row.auditedOn,
        needsRecheck: record !== null && shortfalls(record, lowest).length > 0,
      };
    });
  }

  private version(plan: DrawPlan, rosterVersionId?: number) {
    if (!findProgram(this.db, plan.programCode)) throw new AppError('PROGRAM_NOT_FOUND');
    const version =
      rosterVersionId === undefined
        ? latestVersion(this.db, plan.programCode)
        : getVersion(this.db, plan.programCode, rosterVersionId);
    if (!version) throw new AppError(rosterVersionId === undefined ? 'ROSTER_EMPTY' : 'ROSTER_VERSION_NOT_FOUND');
    return version;
  }

  private pool(plan: DrawPlan, versionId: number) {
    const { auditees, contacts } = this.rosterRows(versionId);
    try {
      return buildPool(plan, auditees, contacts, this.history(plan));
    } catch (error) {
      if (error instanceof PlanError) throw new AppError(error.code, { message: error.message });
      throw error;
    }
  }

  /** The pool a plan would freeze, without freezing it: for editing a plan with live counts. */
  preview(plan: DrawPlan, rosterVersionId?: number): PoolPreview {
    const version = this.version(plan, rosterVersionId);
    const { auditees, contacts } = this.rosterRows(version.id);
    const selected = selectPool(plan, auditees, contacts, this.history(plan));
    let strata: PoolPreview['strata'] = [];
    let problem: PoolPreview['problem'];
    try {
      checkScoringRules(plan);
      strata = strataOf(plan, selected.pool.auditees);
    } catch (error) {
      if (!(error instanceof PlanError)) throw error;
      problem = { code: error.code, message: error.message };
    }
    return {
      rosterVersionId: version.id,
      rosterHash: version.hash,
      poolSize: selected.pool.auditees.length,
      excluded: selected.excluded,
      strata,
      stratumSizes: stratumSizes(selected.pool.auditees),
      contactsShort: selected.contactsShort,
      ...(problem ? { problem } : {}),
    };
  }

  /**
   * Freezes the roster version, plan and pool, draws the server's 32-byte secret (stored sealed
   * with the vault key) and publishes its commitment with the notary's; the seal record goes into
   * the public log in the same transaction. Nothing random about the result exists yet.
   */
  seal(sent: SealDrawBody, actor: string, context: SealContext = { show: null, notary: null }): DrawView {
    // Requests are checked as they come; a draft saved before the text rules is checked here, so
    // no lone surrogate is hashed into a plan (the reference verifier cannot read it as UTF-8).
    refuseMalformedText('stored', sent, SealDrawBodySchema);
    // The plan names the program's current version with its questionnaire and rule (the server's
    // own, whatever was sent), so they are hashed with the plan and published in the bundle.
    const body = { ...sent, plan: { ...sent.plan, program: planProgram(this.db, sent.plan.programCode) } };
    const requested: SealNotary = body.notaryCommitment ? { commitment: body.notaryCommitment } : context.notary;
    if (body.plan.notary === 'required' && requested === null) throw new AppError('DRAW_NOTARY_COMMITMENT_MISSING');
    if (body.plan.notary !== 'required' && requested !== null) throw new AppError('DRAW_NOTARY_NOT_APPLICABLE');
    const version = this.version(body.plan, body.rosterVersionId);
    if (!verifyRosterVersion(this.db, body.plan.programCode, version.id).ok)
      throw new AppError('ROSTER_VERSION_TAMPERED');
    // The visit log the callers will check is pinned with the roster, after the same recount.
    const visitLog = visitLogForRoster(this.db, body.plan.programCode, version.id);
    if (visitLog && !verifyVisitLog(this.db, visitLog).ok) throw new AppError('VISIT_LOG_TAMPERED');
    const report = this.pool(body.plan, version.id);
    // The frozen pool's text is built once, stored, and hashed as stored: poolHash(pool) is the
    // SHA-256 of exactly this text (node:crypto here, the engine's portable one in verifiers).
    const poolJson = canonicalJson(report.pool);
    const secret = this.random(32).toString('hex');
    const simulatedSecret = requested === 'simulated' ? this.random(32).toString('hex') : null;
    const notary =
      requested === null
        ? null
        : requested === 'simulated'
          ? { commitment: commitmentOf(simulatedSecret ?? ''), simulated: true }
          : { commitment: requested.commitment, simulated: false };
    const drawId = `D${this.clock().toISOString().slice(0, 10).replace(/-/gu, '')}-${this.random(4).toString('hex')}`;
    const payload = sealPayloadV2(
      {
        drawId,
        programCode: body.plan.programCode,
        roster: {
          versionId: version.id,
          hash: version.hash,
          auditeeCount: version.auditeeCount,
          contactCount: version.contactCount,
          ...(visitLog
            ? {
                visitLog: {
                  versionId: visitLog.id,
                  hash: visitLog.hash,
                  entryCount: visitLog.entryCount,
                  contactCount: visitLog.contactCount,
                },
              }
            : {}),
        },
        planHash: planHash(body.plan),
        poolHash: sha256OfText(poolJson),
        commitment: commitmentOf(secret),
      },
      notary,
      context.show,
    );
    const now = this.clock().toISOString();
    const entry = appendEntry(undefined, { at: now, actor, type: 'seal', payload });
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO draws (id, program_code, roster_version_id, title, plan, pool, secret, secret_box, notary_box,
                              created_at, created_by)
           VALUES (?, ?, ?, ?, ?, ?, '', ?, ?, ?, ?)`,
        )
        .run(
          drawId,
          body.plan.programCode,
          version.id,
          body.title,
          canonicalJson(body.plan),
          poolJson,
          this.keys.sealSecret(drawId, secret),
          simulatedSecret === null ? null : this.keys.sealSecret(drawId, simulatedSecret),
          now,
          actor,
        );
      this.insertEntry(drawId, entry);
      this.publicLog.append({ kind: 'seal', drawId, title: body.title, sealHash: entry.hash, seal: payload, at: now });
    })();
    this.loaded.delete(drawId);
    return this.view(drawId);
  }

  private insertEntry(drawId: string, entry: LogEntry): void {
    appendLogRow(this.db, DRAW_LOG, drawId, entry);
  }

  /** The draw's state, folded from its log (cached; the log only ever grows through this service). */
  private load(drawId: string): LoadedDraw {
    const cached = this.loaded.get(drawId);
    if (cached) return cached;
    const row = this.db.prepare('SELECT * FROM draws WHERE id = ?').get(drawId) as DrawRow | undefined;
    if (!row) throw new AppError('DRAW_NOT_FOUND');
    const log: LogEntry[] = verifiedLog(this.db, DRAW_LOG, drawId, `抽取 ${drawId} `);
    const seal = log[0];
    if (!seal || seal.type !== 'seal') {
      throw new AppError('STORE_CORRUPT', { message: `抽取 ${drawId} 的日志缺少封存记录，已停止处理` });
    }
    const sealed = seal.payload as SealPayload;
    const plan = JSON.parse(row.plan) as DrawPlan;
    const pool = JSON.parse(row.pool) as Pool;
    // The frozen plan and pool must still be what the seal hashed.
    if (planHash(plan) !== sealed.planHash || sha256OfText(row.pool) !== sealed.poolHash) {
      throw new AppError('STORE_CORRUPT', {
        message: `抽取 ${drawId} 的方案或名单池与封存时的哈希不符，可能被改动，已停止处理`,
      });
    }
    let state = sealedState(sealed, plan, pool, seal.hash);
    for (const entry of log.slice(1)) {
      const result = applyDrawCommand(state, commandOf(entry));
      if (!result.ok) throw new Error(`draw ${drawId} log entry ${entry.seq} does not replay: ${result.message}`);
      state = result.state;
    }
    const loaded = { row, state, log };
    this.loaded.set(drawId, loaded);
    return loaded;
  }

  /** Runs one ceremony command; accepted commands are logged before they are answered. */
  command(drawId: string, body: DrawCommandBody, actor: string, role: StaffRole = 'operator'): DrawView {
    const draw = this.load(drawId);
    // A show's draw moves only with the show, through its log: never around it.
    if (this.db.prepare('SELECT 1 FROM events WHERE draw_id = ?').get(drawId))
      throw new AppError('DRAW_OWNED_BY_EVENT');
    // Once the seed is fixed a result exists: only the notary may void it.
    if (body.type === 'abandon' && draw.state.seed !== null && role !== 'supervisor') {
      throw new AppError('AUTH_FORBIDDEN', { message: '种子已确定：只有监督员（公证员）可以作废本次抽取' });
    }
    const command = this.ceremonyCommand(drawId, body, role);
    const result = applyDrawCommand(draw.state, command);
    if (!result.ok) throw new AppError(result.code, { message: result.message });
    const { type, ...payload } = command;
    const normalised = type === 'lockEntropy' ? { ...payload, entropy: result.state.entropy } : payload;
    const at = this.clock().toISOString();
    const entry = appendEntry(draw.log.at(-1), { at, actor, type, payload: normalised });
    const log = [...draw.log, entry];
    this.db.transaction(() => {
      this.insertEntry(drawId, entry);
      if (result.state.abandoned) this.appendFinal(drawId, result.state, log, null, at);
    })();
    this.loaded.set(drawId, { row: draw.row, state: result.state, log });
    return this.view(drawId);
  }

  /**
   * A request as the ceremony applies it: the reveal given the server's secret (and a rehearsal's
   * simulated notary secret), the entropy tagged with the role that typed it.
   */
  ceremonyCommand(drawId: string, body: DrawCommandBody, role: StaffRole): DrawCommand {
    switch (body.type) {
      case 'reveal': {
        const notarySecret = this.simulatedNotarySecretOf(drawId);
        return { type: 'reveal', secret: this.secretOf(drawId), ...(notarySecret ? { notarySecret } : {}) };
      }
      case 'lockEntropy':
        return this.load(drawId).state.sealVersion === 2 ? { ...body, by: role } : body;
      default:
        return body;
    }
  }

  /**
   * Appends a draw's final record to the public log (the show closed, or the draw was abandoned).
   * Call inside the caller's transaction.
   */
  appendFinal(
    drawId: string,
    state: DrawState,
    drawLog: readonly LogEntry[],
    show: { head: string; length: number } | null,
    at: string,
  ): void {
    if (state.sealVersion !== 2) return;
    this.publicLog.append({
      kind: 'final',
      drawId,
      status: state.abandoned ? 'abandoned' : 'completed',
      reason: state.abandoned?.reason ?? null,
      drawLogHead: drawLog.at(-1)?.hash ?? '',
      drawLogLength: drawLog.length,
      showLogHead: show?.head ?? null,
      showLogLength: show?.length ?? 0,
      at,
    });
  }

  /** The draw as it was sealed, before any ceremony step: the show folds its own log from here. */
  sealedStateOf(drawId: string): DrawState {
    const { row, log } = this.load(drawId);
    const seal = log[0];
    return sealedState(
      seal?.payload as SealPayload,
      JSON.parse(row.plan) as DrawPlan,
      JSON.parse(row.pool) as Pool,
      seal?.hash ?? '',
    );
  }

  /** The server's secret, opened from its box with the vault key (format 1: stored as it was). */
  secretOf(drawId: string): string {
    const { row } = this.load(drawId);
    return row.secret_box === null ? row.secret : this.keys.openSecret(drawId, row.secret_box);
  }

  /** A rehearsal's simulated notary secret, revealed with the server's (null for any other draw). */
  simulatedNotarySecretOf(drawId: string): string | null {
    const { row } = this.load(drawId);
    return row.notary_box === null ? null : this.keys.openSecret(drawId, row.notary_box);
  }

  /**
   * Appends ceremony commands another component already applied (the show): each must replay on
   * the draw's own state. Call inside the caller's transaction; the cache is refreshed lazily.
   */
  record(drawId: string, commands: readonly DrawCommand[], actor: string, at: string): void {
    let { state, log } = this.load(drawId);
    for (const command of commands) {
      const result = applyDrawCommand(state, command);
      if (!result.ok) throw new Error(`draw ${drawId}: ${command.type} does not apply: ${result.message}`);
      state = result.state;
      const { type, ...payload } = command;
      const entry = appendEntry(log.at(-1), { at, actor, type, payload });
      this.insertEntry(drawId, entry);
      log = [...log, entry];
    }
    this.loaded.delete(drawId);
  }

  view(drawId: string): DrawView {
    const { row, state, log } = this.load(drawId);
    return { ...this.viewOf(row, state), logLength: log.length, logHead: log.at(-1)?.hash ?? '' };
  }

  private viewOf(row: DrawRow, state: DrawState): Omit<DrawView, 'logLength' | 'logHead'> {
    const status: DrawView['status'] = state.abandoned
      ? 'abandoned'
      : state.auditeeStages !== null
        ? 'drawing'
        : state.seed !== null
          ? 'revealed'
          : state.secret !== null
            ? 'awaiting-notary'
            : state.entropy !== null
              ? 'entropy-locked'
              : 'sealed';
    return {
      drawId: state.drawId,
      title: row.title,
      programCode: state.programCode,
      createdAt: row.created_at,
      status,
      roster: state.roster,
      plan: state.plan,
      planHash: state.planHash,
      poolHash: state.poolHash,
      poolSize: state.pool.auditees.length,
      strata: strataOf(state.plan, state.pool.auditees),
      commitment: state.commitment,
      sealVersion: state.sealVersion,
      sealHash: state.sealHash,
      notary: state.notary,
      notarySecret: state.notarySecret,
      abandoned: state.abandoned,
      sealTreeHead: this.publicLog.sealHeadOf(state.drawId),
      entropy: state.entropy,
      secret: state.secret,
      seed: state.seed,
      auditeeStages:
        state.auditeeStages?.map((s) => ({ stratum: s.stratum, quota: s.quota, selections: s.selections })) ?? null,
      contactStages: state.contactStages.map((s) => ({ auditeeNumber: s.auditeeNumber, selections: s.selections })),
      replacements: countReplacements(state),
    };
  }

  /** The public log's signed head right after the draw's seal leaf (what its bulletin prints). */
  sealTreeHeadOf(drawId: string): SignedTreeHead | null {
    return this.publicLog.sealHeadOf(drawId);
  }

  list(): DrawListItem[] {
    const ids = this.db.prepare('SELECT id FROM draws ORDER BY created_at DESC, id').pluck().all() as string[];
    return ids.map((id) => {
      const view = this.view(id);
      return {
        drawId: id,
        title: view.title,
        programCode: view.programCode,
        createdAt: view.createdAt,
        status: view.status,
        poolSize: view.poolSize,
      };
    });
  }

  bundle(drawId: string, show?: ShowSection): DrawBundle {
    const { state, log } = this.load(drawId);
    return buildBundle(state, log, show, this.publicLog.proofFor(drawId) ?? undefined);
  }

  /** The draw's state and log as they stand (the show appends its final record with them). */
  current(drawId: string): { state: DrawState; log: LogEntry[] } {
    const { state, log } = this.load(drawId);
    return { state, log };
  }
}
