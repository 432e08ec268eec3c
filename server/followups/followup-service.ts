import type { Db } from '../store/db';
import type { Clock } from '../runtime';
import { AppError } from '../errors';
import { lowestTierOf, parseAuditRecord, shortfalls } from '../run-of-show/audit-record';
import type { EventSummary } from '../protocol/show';
import type {
  CreateRectificationBody,
  FollowupCandidate,
  Followups,
  RecheckBody,
  Rectification,
  UpdateRectificationBody,
} from '../protocol/followups';
import type { EventService } from '../events/event-service';
import { isOverdue } from '../reports/county-report';

interface HistoryJoin {
  auditeeNumber: string;
  auditedOn: string;
  eventId: string;
  eventTitle: string | null;
  settings: string | null;
  result: string;
}

/** Statuses that still need a 回头看. */
const OPEN = ['待整改', '整改中', '已整改'];

/**
 * Follow-up (整改 and 回头看): which closed rounds fell below their threshold, the rectification
 * items registered for them, and a 回头看 whose plan draws only from the cadres still open.
 */
export class FollowupService {
  constructor(
    private readonly db: Db,
    private readonly events: EventService,
    private readonly clock: Clock,
  ) {}

  private person(program: string, number: string): { name: string; unit: string } {
    const row = this.db
      .prepare(
        `SELECT a.name, a.unit FROM auditees a JOIN roster_versions v ON v.id = a.version_id
         WHERE v.program_code = ? AND a.number = ? ORDER BY v.id DESC LIMIT 1`,
      )
      .get(program, number) as { name: string; unit: string } | undefined;
    return row ?? { name: '', unit: '' };
  }

  list(program: string): Followups {
    const today = this.clock().toISOString().slice(0, 10);
    const rows = this.db
      .prepare(
        `SELECT h.auditee_number AS auditeeNumber, h.audited_on AS auditedOn, h.event_id AS eventId,
                e.title AS eventTitle, e.settings, h.result
         FROM audit_history h LEFT JOIN events e ON e.id = h.event_id
         WHERE h.program_code = ? ORDER BY h.audited_on DESC, h.id DESC`,
      )
      .all(program) as HistoryJoin[];
    const registered = new Set(
      (
        this.db
          .prepare("SELECT auditee_number || '|' || event_id FROM rectifications WHERE program_code = ?")
          .pluck()
          .all(program) as string[]
      ).map(String),
    );
    const candidates: FollowupCandidate[] = [];
    for (const row of rows) {
      // One entry per auditee and event (a registered one, or a repeated history row, is skipped).
      const key = `${row.auditeeNumber}|${row.eventId}`;
      if (registered.has(key)) continue;
      const record = parseAuditRecord(row.result);
      if (!record) continue;
      const reasons = shortfalls(record, lowestTierOf(row.settings));
      if (reasons.length === 0) continue;
      registered.add(key);
      candidates.push({
        auditeeNumber: row.auditeeNumber,
        ...this.person(program, row.auditeeNumber),
        eventId: row.eventId,
        eventTitle: row.eventTitle ?? row.eventId,
        auditedOn: row.auditedOn,
        tier: record.tier ?? null,
        combinedHundredths: record.combinedHundredths ?? null,
        reasons,
      });
    }
    const items = (
      this.db
        .prepare(
          `SELECT r.*, COALESCE(e.title, r.event_id) AS event_title FROM rectifications r
           LEFT JOIN events e ON e.id = r.event_id WHERE r.program_code = ? ORDER BY r.deadline, r.id`,
        )
        .all(program) as {
        id: number;
        auditee_number: string;
        event_id: string;
        event_title: string;
        item: string;
        owner: string;
        deadline: string;
        status: Rectification['status'];
        note: string;
        updated_at: string;
      }[]
    ).map((r) => ({
      id: r.id,
      auditeeNumber: r.auditee_number,
      ...this.person(program, r.auditee_number),
      eventId: r.event_id,
      eventTitle: r.event_title,
      item: r.item,
      owner: r.owner,
      deadline: r.deadline,
      status: r.status,
      note: r.note,
      overdue: isOverdue(r.deadline, r.status, today),
      updatedAt: r.updated_at,
    }));
    return { candidates, items };
  }

  create(body: CreateRectificationBody, actor: string): Followups {
    const audited = this.db
      .prepare('SELECT 1 FROM audit_history WHERE program_code = ? AND auditee_number = ? AND event_id = ?')
      .get(body.program, body.auditeeNumber, body.eventId);
    if (!audited) throw new AppError('RECHECK_NOT_AUDITED');
    const now = this.clock().toISOString();
    this.db
      .prepare(
        `INSERT INTO rectifications (program_code, auditee_number, event_id, item, owner, deadline, status, created_at, created_by, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, '待整改', ?, ?, ?)`,
      )
      .run(
        body.program,
        body.auditeeNumber,
        body.eventId,
        body.item.trim(),
        body.owner.trim(),
        body.deadline,
        now,
        actor,
        now,
      );
    return this.list(body.program);
  }

  update(id: number, body: UpdateRectificationBody): Followups {
    const row = this.db.prepare('SELECT program_code FROM rectifications WHERE id = ?').get(id) as
      { program_code: string } | undefined;
    if (!row) throw new AppError('RECTIFICATION_NOT_FOUND');
    this.db
      .prepare('UPDATE rectifications SET status = ?, note = ?, updated_at = ? WHERE id = ?')
      .run(body.status, body.note.trim(), this.clock().toISOString(), id);
    return this.list(row.program_code);
  }

  /**
   * A 回头看 as a draft event: a check without judges whose plan draws `count` cadres (at most all)
   * only from those with open rectifications. It is sealed, committed and verifiable like any draw.
   */
  recheck(body: RecheckBody, actor: string): EventSummary {
    const open = this.db
      .prepare(
        `SELECT DISTINCT auditee_number FROM rectifications WHERE program_code = ? AND status IN (${OPEN.map(() => '?').join(', ')})
         ORDER BY auditee_number`,
      )
      .pluck()
      .all(body.program, ...OPEN) as string[];
    if (open.length === 0) throw new AppError('RECHECK_NOTHING_OPEN');
    return this.events.createEvent(
      {
        title: body.title,
        eventDate: body.eventDate,
        venue: '',
        mode: 'special',
        settings: {
          plan: {
            version: 1,
            programCode: body.program,
            eventDate: body.eventDate,
            eligibility: {
              grid: [],
              units: [],
              industries: [],
              statuses: ['在岗', '请假', '出差'],
              coolDownDays: 0,
              avoid: [],
              contactsRequirePhone: true,
              contactsRequireConsent: false,
              only: open,
            },
            auditees: { mode: 'total', count: Math.min(body.count, open.length) },
            contactsPerAuditee: 3,
            replacementCaps: { auditees: 2, contactsPerAuditee: 3 },
          },
          reportMinutes: 3,
          rollSeconds: 4,
          judges: [],
        },
      },
      actor,
    );
  }
}
