import { AUDITEE_REPLACEMENT_REASONS, CONTACT_REPLACEMENT_REASONS } from '../protocol/draw';
import type { LoggedShowCommand } from '../protocol/show-commands';
import type { RoundView, ShowSnapshot } from '../protocol/show-views';
import { localTime } from '../local-time/local-time';
import { describeLogEntry } from '../run-of-show/log-text';
import { maskName } from '../privacy';
import { correctionTexts } from '../scoring/findings';
import { formatFinal } from '../scoring/format';

/**
 * What the printed 抽查记录 says happened, built from the staff snapshot (names, final scores) and
 * the show log (who did what, when). Every step names its subject: the cadre drawn by number and
 * name, the household by number and masked name, the judge by seat and name. Air and cue commands
 * go to an appendix: they say what was on screen, not what was decided.
 */

/** One logged command with its stored envelope. */
export interface RecordLogEntry {
  seq: number;
  /** ISO time (UTC) as logged. */
  at: string;
  actor: string;
  hash: string;
  command: LoggedShowCommand;
}

export interface RecordStep {
  seq: number;
  /** As logged (ISO, UTC). */
  at: string;
  hash: string;
  /** Local time (HH:MM:SS in the county's zone). */
  time: string;
  /** Who did it, in words (操作员 operator, 3 号评委 王人大). */
  actor: string;
  text: string;
}

/** One judge's score of a round, with every version the log holds. */
export interface JudgeScoreLine {
  seat: number;
  name: string;
  recused: boolean;
  /** Each version in order: the submission(s), then the supervisor's corrections. */
  versions: {
    seq: number;
    time: string;
    kind: '提交' | '复核后提交' | '更正';
    items: string[];
    total: string;
    reason: string | null;
  }[];
  /** The version that counts (the last), or null when the seat scored nothing. */
  final: string | null;
  recheckAsked: boolean;
  /** 去掉最高分 / 去掉最低分 / 计入 (empty when the round was not scored). */
  trimmed: '' | '去掉最高分' | '去掉最低分' | '计入';
}

export interface HouseholdLine {
  number: string;
  /** Masked: the record is filed and copied; a household is a private person. */
  name: string;
  village: string;
  callStatus: string;
  outcome: string;
  satisfaction: string;
  /** 递补：reason → the replacement's number. */
  replaced: string;
  /** Earlier findings corrected since, oldest first: before → after（reason，who）. */
  corrections: string[];
}

export interface RoundRecord {
  index: number;
  round: RoundView;
  steps: RecordStep[];
  households: HouseholdLine[];
  judges: JudgeScoreLine[];
}

export interface ShowRecord {
  /** Before the first draw: opening, entropy, the reveal. */
  opening: RecordStep[];
  rounds: RoundRecord[];
  /** After the last round: closing, abandonment. */
  closing: RecordStep[];
  /** Every cue, take, out, clear and bug in order (the appendix). */
  air: RecordStep[];
  /**
   * Every step in log order, with its command's type, the round it belongs to (null: before the
   * first draw or after the last) and the household it names (null: none).
   */
  all: (RecordStep & { type: LoggedShowCommand['type']; round: number | null; household: string | null })[];
  /** The county's zone the local times are in. */
  timeZone: string;
  /** The first and last logged times, local. */
  started: string | null;
  ended: string | null;
}

const AIR_COMMANDS: ReadonlySet<LoggedShowCommand['type']> = new Set([
  'cue',
  'take',
  'out',
  'clearAll',
  'restore',
  'setBug',
]);

const points = (hundredths: number) => (hundredths / 100).toFixed(2);

const auditeeLabel = (a: { number: string; name: string }) => `${a.number} ${a.name}`;

/** The cadres of a round in the order they were drawn: the replaced ones, then the one audited. */
const drawnChain = (round: RoundView) => [...round.replacedAuditees, round.auditee];

function householdLabel(round: RoundView | undefined, number: string): string {
  const household = round?.households.find((h) => h.number === number);
  return household ? `${number} ${maskName(household.name)}` : number;
}

/** What a step says, naming its subject where the log's own words do not. */
function stepText(
  command: LoggedShowCommand,
  round: RoundView | undefined,
  drawn: number,
  judgeName: (seat: number) => string,
  questions: ShowSnapshot['questionnaire']['questions'] = [],
): string {
  const chain = round ? drawnChain(round) : [];
  /** A finding's questionnaire answers in words: 问卷：是 / 部分 / 已解决. */
  const answered = (answers: readonly number[] | undefined) =>
    answers && answers.length > 0
      ? `，问卷：${answers.map((a, i) => questions[i]?.options[a]?.label ?? '?').join(' / ')}`
      : '';
  switch (command.type) {
    case 'drawAuditee': {
      const first = chain[0];
      return first ? `摇号抽中 ${auditeeLabel(first)}` : describeLogEntry(command.type, command);
    }
    case 'replaceAuditee': {
      const out = chain[drawn];
      const next = chain[drawn + 1];
      const reason = AUDITEE_REPLACEMENT_REASONS[command.reason];
      return out && next
        ? `${auditeeLabel(out)} 因${reason}递补，递补抽中 ${auditeeLabel(next)}`
        : describeLogEntry(command.type, command);
    }
    case 'presentAuditee':
      return chain[drawn] ? `确认 ${auditeeLabel(chain[drawn])} 到场` : describeLogEntry(command.type, command);
    case 'drawHouseholds': {
      const replacements = new Set(round?.households.flatMap((h) => (h.replaced?.by ? [h.replaced.by] : [])));
      const first = round?.households.filter((h) => !replacements.has(h.number)) ?? [];
      return `抽取核实户 ${first.length} 户：${first.map((h) => householdLabel(round, h.number)).join('、')}`;
    }
    case 'setCallStatus':
      return `户 ${householdLabel(round, command.household)}：${command.callStatus}`;
    case 'recordOutcome':
      return `户 ${householdLabel(round, command.household)}：${command.outcome}${command.satisfaction ? `，${command.satisfaction}` : ''}${answered(command.answers)}`;
    case 'replaceHousehold': {
      const by = round?.households.find((h) => h.number === command.household)?.replaced?.by;
      const reason = CONTACT_REPLACEMENT_REASONS[command.reason];
      return `户 ${householdLabel(round, command.household)} 因${reason}递补${by ? `，递补抽中 ${householdLabel(round, by)}` : ''}`;
    }
    case 'correctOutcome':
      return `${command.by === 'supervisor' ? '监督员' : '操作员'}更正户 ${householdLabel(round, command.household)}：${command.outcome}${
        command.satisfaction ? `，${command.satisfaction}` : ''
      }${answered(command.answers)}（原因：${command.reason}）`;
    case 'submitScore':
      // The actor column names the judge: the tablet's seat.
      return `提交评分 ${points(command.hundredths)}`;
    case 'requestRecheck':
      return `监督员请 ${command.seat} 号评委 ${judgeName(command.seat)} 复核`;
    case 'correctScore':
      return `监督员更正 ${command.seat} 号评委 ${judgeName(command.seat)} 的评分为 ${points(command.hundredths)}（原因：${command.reason}）`;
    default:
      return describeLogEntry(command.type, command);
  }
}

/** 3 号评委 王人大 for a tablet, the account name for a console. */
function actorLabel(actor: string, judgeName: (seat: number) => string): string {
  const judge = /^judge:(\d+)$/u.exec(actor);
  if (judge) return `${judge[1]} 号评委 ${judgeName(Number(judge[1]))}`;
  return actor;
}

function householdLines(round: RoundView): HouseholdLine[] {
  const blank = (value: string | null) => value ?? '—';
  return round.households.map((h) => {
    return {
      number: h.number,
      name: maskName(h.name),
      village: h.village,
      callStatus: h.callStatus,
      outcome: blank(h.outcome),
      // Under a questionnaire, the household's own score by the plan's rule beside its satisfaction.
      satisfaction:
        h.answers !== null && h.scoreHundredths !== null
          ? `${blank(h.satisfaction)}（户得分 ${formatFinal(h.scoreHundredths)}）`
          : blank(h.satisfaction),
      replaced: h.replaced
        ? `${CONTACT_REPLACEMENT_REASONS[h.replaced.reason]}${h.replaced.by ? ` → ${h.replaced.by}` : ''}`
        : '',
      corrections: correctionTexts(h),
    };
  });
}

/**
 * The record's model. `log` is the show log in order, `timeZone` the county's (IANA). Pure: the
 * same snapshot and log always give the same record.
 */
export function buildShowRecord(snapshot: ShowSnapshot, log: readonly RecordLogEntry[], timeZone: string): ShowRecord {
  const rounds: RoundRecord[] = snapshot.rounds.map((round) => ({
    index: round.index,
    round,
    steps: [],
    households: householdLines(round),
    judges: round.judging.seats.map((s) => ({
      seat: s.seat,
      name: s.name,
      recused: s.recused,
      versions: [],
      final: null,
      recheckAsked: round.judging.rechecks.includes(s.seat),
      trimmed: '',
    })),
  }));
  const record: ShowRecord = {
    opening: [],
    rounds,
    closing: [],
    air: [],
    all: [],
    started: null,
    ended: null,
    timeZone,
  };
  let current = -1;
  /** How many of the current round's drawn cadres were replaced so far. */
  let drawn = 0;
  const rechecked = new Set<string>();
  for (const entry of log) {
    const { command } = entry;
    if (command.type === 'drawAuditee') {
      current += 1;
      drawn = 0;
    }
    const index = command.type === 'submitScore' ? command.round : current;
    const round = rounds[index];
    const judgeName = (seat: number) => round?.round.judging.seats.find((s) => s.seat === seat)?.name ?? '';
    const step: RecordStep = {
      seq: entry.seq,
      at: entry.at,
      hash: entry.hash,
      time: localTime(entry.at, timeZone),
      actor: actorLabel(entry.actor, judgeName),
      text: stepText(command, round?.round, drawn, judgeName, snapshot.questionnaire.questions),
    };
    record.started ??= step.time;
    record.ended = step.time;
    if (command.type === 'replaceAuditee') drawn += 1;
    const household = 'household' in command ? command.household : null;
    record.all.push({ ...step, type: command.type, round: round ? index : null, household });
    if (AIR_COMMANDS.has(command.type)) record.air.push(step);
    else if (round && command.type !== 'close' && command.type !== 'abandon') round.steps.push(step);
    else if (current < 0) record.opening.push(step);
    else record.closing.push(step);

    if (round && command.type === 'requestRecheck') rechecked.add(`${index}:${command.seat}`);
    if (round && (command.type === 'submitScore' || command.type === 'correctScore')) {
      const judge = round.judges.find((j) => j.seat === command.seat);
      if (!judge) continue;
      const items = command.items ?? [command.hundredths];
      const kind =
        command.type === 'correctScore' ? '更正' : rechecked.has(`${index}:${command.seat}`) ? '复核后提交' : '提交';
      judge.versions.push({
        seq: entry.seq,
        time: step.time,
        kind,
        items: items.map(points),
        total: points(command.hundredths),
        reason: command.type === 'correctScore' ? command.reason : null,
      });
      judge.final = points(command.hundredths);
    }
  }
  for (const { round, judges } of rounds) {
    const counted = round.score?.judges;
    if (!counted) continue;
    for (const judge of judges) {
      if (counted.droppedHigh.includes(judge.seat)) judge.trimmed = '去掉最高分';
      else if (counted.droppedLow.includes(judge.seat)) judge.trimmed = '去掉最低分';
      else if (counted.counted.includes(judge.seat)) judge.trimmed = '计入';
    }
  }
  return record;
}
