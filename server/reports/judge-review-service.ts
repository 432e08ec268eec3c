import { inScope, type ProgramScope } from '../protocol/auth';
import type { Db } from '../store/db';
import { AppError } from '../errors';
import type { ShowRunner } from '../live/show-runner';
import { roundScore } from '../run-of-show/round-score';
import { recusedSeats, type ShowState } from '../run-of-show/run-of-show';
import type { EventRecord } from '../events/event-repository';
import {
  DEFAULT_JUDGE_REVIEW_RULES,
  type JudgeReview,
  type JudgeReviewQuery,
  type JudgeReviewRules,
} from '../protocol/judge-review';
import { judgeFigures, reviewRows, type PanelRound } from '../scoring/judge-review';
import { csvLine, neutraliseFormula, UTF8_BOM } from '../registry/export/csv-writer';
import {
  GROUP_HEADERS,
  groupColumns,
  JUDGE_HEADERS,
  judgeColumns,
  ROW_HEADERS,
  rowColumns,
} from './judge-review-columns';

/**
 * The judges' report over the stored shows: every closed, real (not rehearsal) event of the period,
 * replayed from its verified log, its revealed rounds handed to the pure core. Supervisors only.
 */
export class JudgeReviewService {
  constructor(
    private readonly db: Db,
    private readonly shows: ShowRunner,
    private readonly rules: JudgeReviewRules = DEFAULT_JUDGE_REVIEW_RULES,
  ) {}

  private placement(versionId: number, number: string): { unit: string; town: string } {
    const row = this.db
      .prepare('SELECT unit, town FROM auditees WHERE version_id = ? AND number = ?')
      .get(versionId, number) as { unit: string; town: string } | undefined;
    return { unit: row?.unit || '（未记录）', town: row?.town || '（未记录）' };
  }

  private panelRounds(event: EventRecord, state: ShowState): PanelRound[] {
    const names = new Map((event.settings.judges ?? []).map((j) => [j.seat, j.name]));
    return state.rounds.flatMap((round) => {
      const score = roundScore(state, round);
      if (score === null) return [];
      const aggregate = score.judges;
      const criteria = aggregate?.criteria ?? [];
      return [
        {
          eventId: event.id,
          eventTitle: event.title,
          eventDate: event.eventDate,
          round: round.index,
          auditeeNumber: round.auditeeNumber,
          placement: this.placement(state.draw.roster.versionId, round.auditeeNumber),
          panel: state.judges.map((j) => ({ seat: j.seat, judge: names.get(j.seat) ?? `${j.seat} 号席` })),
          recused: recusedSeats(state, round.auditeeNumber),
          scores: round.scores.map((s) => ({ seat: s.seat, hundredths: s.hundredths })),
          droppedHigh: [...(aggregate?.droppedHigh ?? []), ...criteria.flatMap((c) => c.droppedHigh)],
          droppedLow: [...(aggregate?.droppedLow ?? []), ...criteria.flatMap((c) => c.droppedLow)],
          rechecks: round.rechecks,
          correctedSeats: round.corrections.map((c) => c.seat),
        },
      ];
    });
  }

  /** The panels of the period's closed events in the given programs (null: every program). */
  report(query: JudgeReviewQuery, programs: ProgramScope = null): JudgeReview {
    const rows = this.db
      .prepare(
        `SELECT id, program_code AS program FROM events
         WHERE rehearsal = 0 AND draw_id IS NOT NULL AND event_date BETWEEN ? AND ?
         ORDER BY event_date, created_at, id`,
      )
      .all(query.from, query.to) as { id: string; program: string }[];
    const shows = rows
      .filter((row) => inScope(programs, row.program))
      .map((row) => row.id)
      .filter((id) => query.event === undefined || id === query.event)
      .map((id) => this.shows.loadOrDamage(id))
      // A damaged log is reported where it is read (the desk, the record); here it has no rounds.
      .flatMap((show) =>
        show instanceof AppError || show.state.status !== 'closed' || show.state.rehearsal ? [] : [show],
      );
    const rounds = shows.flatMap((show) => this.panelRounds(show.event, show.state));
    const reviewed = reviewRows(rounds, this.rules);
    return {
      query,
      rules: this.rules,
      events: shows.map(({ event }) => ({ id: event.id, title: event.title, eventDate: event.eventDate })),
      rounds: rounds.length,
      judges: judgeFigures(rounds, reviewed, this.rules),
      rows: reviewed,
    };
  }

  csv(query: JudgeReviewQuery, programs: ProgramScope = null): string {
    const review = this.report(query, programs);
    return UTF8_BOM + csvLine(JUDGE_HEADERS) + review.judges.map((j) => csvLine(judgeColumns(j, review))).join('');
  }

  async xlsx(query: JudgeReviewQuery, programs: ProgramScope = null): Promise<Buffer> {
    const review = this.report(query, programs);
    // Loaded when a workbook is made: at the top it would cost every server start a fifth of a second.
    const { default: ExcelJS } = await import('exceljs');
    const workbook = new ExcelJS.Workbook();
    const add = (name: string, headers: string[], rows: string[][]) => {
      const sheet = workbook.addWorksheet(name);
      sheet.addRow(headers).font = { bold: true };
      // Text cells stay text: a value starting with = is written with an apostrophe, never as a formula.
      for (const row of rows) sheet.addRow(row.map(neutraliseFormula));
      sheet.columns.forEach((c) => (c.width = 14));
    };
    add(
      '评委汇总',
      JUDGE_HEADERS,
      review.judges.map((j) => judgeColumns(j, review)),
    );
    add(
      '分组偏差',
      GROUP_HEADERS,
      review.judges.flatMap((j) => j.groups.map((g) => groupColumns(j.judge, g))),
    );
    add('逐轮明细', ROW_HEADERS, review.rows.map(rowColumns));
    return Buffer.from(await workbook.xlsx.writeBuffer());
  }
}
