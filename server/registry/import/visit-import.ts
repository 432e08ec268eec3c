import type { DbWriter } from '../../store/db-writer';
import { VISIT_KINDS, VISIT_STATUSES, type VisitLogVersionDto, type VisitStatus } from '../../protocol/registry';
import { FIELD_SEPARATOR as US } from '../canonical';
import { cleanText } from '../normalize';
import type { ProgramLabels } from '../programs';
import { VISIT_COLUMNS_SQL, visitLogDigest } from '../visit-log';
import { shown, type ProblemList } from './import-problems';
import { dataRows, type OpenedFileOf } from './opened-files';
import { RowReader } from './row-reader';

/** Longest accepted 诉求内容 and 办理情况, in characters: a sentence or two, read out on the phone. */
export const MAX_VISIT_TEXT = 200;

const VISIT_STATUS_SET = new Map<string, VisitStatus>(VISIT_STATUSES.map((s) => [s, s]));

const DATE_FORMS = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/u;

/** A calendar date as YYYY-MM-DD (2026/3/5 and 2026年3月5日 too), or undefined. */
export function cleanVisitDate(raw: string): string | undefined {
  const match = DATE_FORMS.exec(raw);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

export interface VisitImportContext {
  program: ProgramLabels;
  /** The roster version the entries are checked against (new in this import, or the latest). */
  rosterVersionId: number;
  /** Its contact numbers. */
  contactNumbers: ReadonlySet<string>;
  /** The previous visit log version, to tell an unchanged import. */
  previous: VisitLogVersionDto | undefined;
  sources: readonly string[];
  actor: string;
  now: string;
}

/**
 * Validates a visit log file row by row (contact in the roster, a real date not after the import,
 * 走访 or 诉求, a need's status) and stores it as a new version on the writer's transaction.
 * Returns its id, or `unchanged` when the entries hash like the previous version.
 */
export async function importVisitLog(
  writer: DbWriter,
  file: OpenedFileOf<'visits'>,
  context: VisitImportContext,
  problems: ProblemList,
  maxRows: number,
): Promise<{ unchanged: true } | { unchanged: false; versionId: number }> {
  const { program, contactNumbers } = context;
  const seq =
    (
      await writer.get<{ seq: number | null }>(
        'SELECT MAX(seq) AS seq FROM visit_log_versions WHERE program_code = ?',
        program.code,
      )
    )?.seq ?? 0;
  const { lastInsertRowid: versionId } = await writer.run(
    `INSERT INTO visit_log_versions (program_code, seq, roster_version_id, created_at, created_by, sources)
     VALUES (?, ?, ?, ?, ?, ?)`,
    program.code,
    seq + 1,
    context.rosterVersionId,
    context.now,
    context.actor,
    JSON.stringify(context.sources),
  );
  const today = context.now.slice(0, 10);
  // A log spans a few hundred days: each written date is checked once (a fifth of the demo's time).
  const dates = new Map<string, string | undefined>();
  const reader = new RowReader(file, file.mapping.columns, problems);
  const target = { table: 'visit_entries', columns: ['version_id', ...VISIT_COLUMNS_SQL.split(', ')] };
  let batch: string[] = [];
  const accepted: string[] = [];
  for (const row of dataRows(file, problems, maxRows)) {
    reader.read(row);
    const contact = reader.number('contactNumber', true);
    if (contact !== '' && !contactNumbers.has(contact)) {
      reader.problem(
        'contactNumber',
        'UNKNOWN_CONTACT',
        `${program.contactLabel}编号 ${shown(contact)} 不在名册（版本 ${context.rosterVersionId}）中`,
      );
    }
    const dateRaw = reader.text('date', 16, true);
    let date = dates.get(dateRaw);
    if (date === undefined && !dates.has(dateRaw)) {
      date = dateRaw === '' ? '' : cleanVisitDate(dateRaw);
      dates.set(dateRaw, date);
    }
    if (date === undefined) {
      reader.problem('date', 'INVALID_DATE', `日期「${shown(dateRaw)}」不合规：请写成 2026-03-05`);
    } else if (date > today) {
      reader.problem('date', 'INVALID_DATE', `日期 ${date} 晚于导入当天（${today}）`);
    }
    const kindRaw = cleanText(reader.word('kind'));
    const kind = kindRaw === VISIT_KINDS[0] || kindRaw === VISIT_KINDS[1] ? kindRaw : undefined;
    if (kind === undefined) {
      reader.problem(
        'kind',
        'INVALID_VISIT_KIND',
        kindRaw === ''
          ? `缺少必填项「${reader.column('kind')}」：只接受 ${VISIT_KINDS.join('、')}`
          : `类别「${shown(kindRaw)}」无法识别：只接受 ${VISIT_KINDS.join('、')}`,
      );
    }
    const asked = reader.text('asked', MAX_VISIT_TEXT, kind === '诉求');
    const done = reader.text('done', MAX_VISIT_TEXT, false);
    const statusRaw = cleanText(reader.word('status'));
    const status = statusRaw === '' ? undefined : VISIT_STATUS_SET.get(statusRaw);
    if (status === undefined && (statusRaw !== '' || kind === '诉求')) {
      reader.problem(
        'status',
        'INVALID_VISIT_STATUS',
        statusRaw === ''
          ? `诉求须填写「${reader.column('status')}」：${VISIT_STATUSES.join('、')}`
          : `办理状态「${shown(statusRaw)}」无法识别：只接受 ${VISIT_STATUSES.join('、')}（走访可留空）`,
      );
    }
    // Once anything is wrong the import is refused: storing more rows would be wasted.
    if (problems.any) continue;
    const line = `${contact}${US}${date}${US}${kind ?? ''}${US}${asked}${US}${done}${US}${status ?? ''}\n`;
    batch.push(line);
    accepted.push(line);
    if (batch.length >= 2_000) {
      writer.insertLines(target, [versionId], batch.join(''));
      batch = [];
    }
  }
  if (!problems.any) writer.insertLines(target, [versionId], batch.join(''));
  await writer.flush();
  problems.refuseIfAny();

  // Hashed from the accepted lines, sorted here as SQLite sorts them (verifyVisitLog reads them back so).
  const digest = visitLogDigest(program.code, sortedAsUtf8(accepted));
  if (context.previous && context.previous.hash === digest.hash) return { unchanged: true };
  await writer.run(
    'UPDATE visit_log_versions SET hash = ?, entry_count = ?, contact_count = ? WHERE id = ?',
    digest.hash,
    digest.entryCount,
    digest.contactCount,
    versionId,
  );
  return { unchanged: false, versionId };
}

const SURROGATE = /[\ud800-\udfff]/u;

/**
 * Lines in UTF-8 byte order (memcmp, SQLite's BINARY collation). Without characters beyond the BMP
 * this is JavaScript's own string order (UTF-16 units then compare as code points do); with one,
 * the lines are compared as UTF-8 bytes. 330,000 demo lines sort in about 0.3 s the first way.
 */
export function sortedAsUtf8(lines: string[]): string[] {
  if (!lines.some((line) => SURROGATE.test(line))) return lines.sort();
  return lines
    .map((line) => Buffer.from(line, 'utf8'))
    .sort(Buffer.compare)
    .map((bytes) => bytes.toString('utf8'));
}
