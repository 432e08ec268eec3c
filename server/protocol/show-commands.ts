import { Type, type Static, type TObject, type TProperties } from '@sinclair/typebox';
import { RoleSchema, STAFF_ROLES, type StaffRole, type WorkRole } from './auth';
import { AuditeeReasonSchema, ContactReasonSchema, SecretSchema } from './draw';
import { CallStatusSchema, GraphicSchema, OutcomeSchema, SatisfactionSchema } from './round';
import { AIR_TEXT_MAX, AUTO_OUT_MAX_SECONDS, LayerSchema } from './air';
import { OPTIONS_MAX, QUESTIONS_MAX } from './programs';

/**
 * The commands of the show, declared once: what a console sends (`ShowCommandBodySchema`), and
 * what the show log records and the run-of-show applies (`LoggedShowCommandSchema`: the same
 * commands with the server's time, the revealed secret, scores in hundredths, and judges' scores).
 * Bundles publish the log, so the logged shapes are part of the verifiable format.
 */
const closed = { additionalProperties: false } as const;
const command = <const T extends string, P extends TProperties = Record<never, never>>(type: T, properties?: P) =>
  Type.Object({ type: Type.Literal(type), ...(properties ?? ({} as P)) }, closed);

const Seat = Type.Integer({ minimum: 1, maximum: 30 });
const HouseholdNumber = Type.String({ maxLength: 32 });
/** Judges enter points (0–100, two decimals at most); the log keeps hundredths. */
const Points = Type.Array(Type.Number({ minimum: 0, maximum: 100 }), { minItems: 1, maxItems: 10 });

const Open = command('open');
const LockEntropy = command('lockEntropy', { entropy: Type.String({ maxLength: 400 }) });
const Reveal = command('reveal');
/** Supervisor (the notary): their own secret, from their file or printed words, after the server's. */
const RevealNotary = command('revealNotary', { secret: SecretSchema });
/**
 * Abandons the show and its draw (作废), with the reason: the rule when the notary cannot reveal,
 * or the draw cannot go on. It stays in the public log as abandoned; a new event must be sealed.
 */
const Abandon = command('abandon', { reason: Type.String({ minLength: 2, maxLength: 200 }) });
const DrawAuditee = command('drawAuditee');
const PresentAuditee = command('presentAuditee');
const ReplaceAuditee = command('replaceAuditee', { reason: AuditeeReasonSchema });
const StartReport = command('startReport');
const PauseReport = command('pauseReport');
const ResumeReport = command('resumeReport');
const ExtendReport = command('extendReport', { seconds: Type.Integer({ minimum: 1, maximum: 600 }) });
const EndReport = command('endReport');
const DrawHouseholds = command('drawHouseholds');
const SetCallStatus = command('setCallStatus', { household: HouseholdNumber, callStatus: CallStatusSchema });
/**
 * The chosen option's index per question of the plan's questionnaire (plan.program), in order:
 * required when the household was reached and the plan has questions; absent otherwise.
 */
const Answers = Type.Array(Type.Integer({ minimum: 0, maximum: OPTIONS_MAX - 1 }), { maxItems: QUESTIONS_MAX });
const RecordOutcome = command('recordOutcome', {
  household: HouseholdNumber,
  outcome: OutcomeSchema,
  satisfaction: Type.Union([SatisfactionSchema, Type.Null()]),
  answers: Type.Optional(Answers),
});
const ReplaceHousehold = command('replaceHousehold', { household: HouseholdNumber, reason: ContactReasonSchema });
/**
 * Corrects a recorded household's outcome and satisfaction, with a reason: the operator until the
 * round's result is published, after that only the supervisor (on the current round, until the next
 * draw). Both versions stay in the log.
 */
const CorrectOutcome = command('correctOutcome', {
  household: HouseholdNumber,
  outcome: OutcomeSchema,
  satisfaction: Type.Union([SatisfactionSchema, Type.Null()]),
  answers: Type.Optional(Answers),
  reason: Type.String({ minLength: 2, maxLength: 200 }),
});
const OpenJudging = command('openJudging');
/**
 * Locks the round's scores. `without`: the seats the operator knowingly locks without (not
 * submitted, offline, or holding an unsent score) after a second confirmation; every expected seat
 * without a score must be named. Logged, so the decision is part of the record.
 */
const LockJudging = command('lockJudging', { without: Type.Optional(Type.Array(Seat, { maxItems: 30 })) });
const RevealScores = command('revealScores');
const ShowResult = command('showResult');
/** A check without judges (日常 / 专项): the round ends when its households are recorded. */
const FinishRound = command('finishRound');
const Close = command('close');
/**
 * Cues a graphic to its layer's preview: `text` for a strap, ticker or slate (the operator's own
 * words, shown as text), `autoOutSeconds` for a graphic that takes itself out after that long on air.
 */
const Cue = command('cue', {
  graphic: GraphicSchema,
  round: Type.Union([Type.Integer({ minimum: 0, maximum: 1000 }), Type.Null()]),
  text: Type.Optional(Type.String({ minLength: 1, maxLength: AIR_TEXT_MAX })),
  autoOutSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: AUTO_OUT_MAX_SECONDS })),
});
/** Takes a layer's cued graphic to air; without a layer, every cued layer at once. */
const Take = command('take', { layer: Type.Optional(LayerSchema) });
/** Takes a layer off air. */
const Out = command('out', { layer: LayerSchema });
/** Supervisor: ask one judge to recheck their score once, before the lock. */
const RequestRecheck = command('requestRecheck', { seat: Seat });
/** Supervisor: correct a seat's score after the lock, with a reason; the old version stays in the log. */
const CorrectScore = command('correctScore', {
  seat: Seat,
  items: Points,
  reason: Type.String({ minLength: 2, maxLength: 200 }),
});
/** The panic: every layer off air at once, remembered for 恢复. */
const ClearAll = command('clearAll');
/** 恢复: exactly what was on air when the panic cleared it comes back. */
const Restore = command('restore');
const SetBug = command('setBug', { visible: Type.Boolean() });

/** Operators' commands; the server adds the time. */
export const ShowCommandBodySchema = Type.Union([
  Open,
  LockEntropy,
  Reveal,
  RevealNotary,
  Abandon,
  DrawAuditee,
  PresentAuditee,
  ReplaceAuditee,
  StartReport,
  PauseReport,
  ResumeReport,
  ExtendReport,
  EndReport,
  DrawHouseholds,
  SetCallStatus,
  RecordOutcome,
  ReplaceHousehold,
  CorrectOutcome,
  OpenJudging,
  LockJudging,
  RevealScores,
  ShowResult,
  FinishRound,
  Close,
  Cue,
  Take,
  Out,
  RequestRecheck,
  CorrectScore,
  ClearAll,
  Restore,
  SetBug,
]);
export type ShowCommandBody = Static<typeof ShowCommandBodySchema>;
export type ShowCommandType = ShowCommandBody['type'];
export const SHOW_COMMAND_TYPES: readonly ShowCommandType[] = ShowCommandBodySchema.anyOf.map(
  (member) => member.properties.type.const,
);
export const ShowCommandTypeSchema = Type.Union(ShowCommandBodySchema.anyOf.map((member) => member.properties.type));

/**
 * Commands that cannot be undone (draws, reveals, closing): UIs must ask for a deliberate
 * confirmation (hold or type-to-confirm) before sending them, never act on a single click.
 */
export const IRREVERSIBLE_COMMANDS: ReadonlySet<ShowCommandType> = new Set<ShowCommandType>([
  'lockEntropy',
  'reveal',
  'revealNotary',
  'abandon',
  'drawAuditee',
  'replaceAuditee',
  'drawHouseholds',
  'replaceHousehold',
  'revealScores',
  'close',
]);

/**
 * Commands the desk sends only after a deliberate hold: the irreversible ones, and those whose
 * effect on the record is final for the round (locking the scores, ending the report, ending or
 * showing a round's result).
 */
export const HELD_COMMANDS: ReadonlySet<ShowCommandType> = new Set<ShowCommandType>([
  ...IRREVERSIBLE_COMMANDS,
  'lockJudging',
  'endReport',
  'finishRound',
  'showResult',
  'correctOutcome',
]);

/** What each step of the show is called on the desk's button and in the rundown. */
export const COMMAND_LABEL: Record<ShowCommandType, string> = {
  open: '开始直播',
  lockEntropy: '锁定公开随机数',
  reveal: '公开密钥',
  revealNotary: '公证员公开密钥',
  abandon: '作废本场',
  drawAuditee: '摇号抽取',
  presentAuditee: '确认人员到场',
  replaceAuditee: '递补人员',
  startReport: '开始述职计时',
  pauseReport: '暂停计时',
  resumeReport: '继续计时',
  extendReport: '延长述职',
  endReport: '结束述职',
  drawHouseholds: '抽取核实户',
  setCallStatus: '呼叫状态',
  recordOutcome: '记录核实结果',
  replaceHousehold: '递补核实户',
  correctOutcome: '更正核实结果',
  openJudging: '开始评分',
  lockJudging: '锁定评分',
  revealScores: '公布评分',
  showResult: '显示本轮结果',
  finishRound: '完成本轮核实',
  close: '结束直播',
  cue: '预览画面',
  take: '切换上屏',
  out: '撤下',
  requestRecheck: '请评委复核',
  correctScore: '更正评分',
  clearAll: '清空画面',
  restore: '恢复画面',
  setBug: '角标',
};

/**
 * Who may send a command: the operator runs the show; the supervisor (the notary) alone types and
 * locks the public entropy, reveals the notary's secret, asks for rechecks and corrects scores; both
 * may correct household outcomes (at their own steps) and abandon the show.
 */
export function rolesFor(type: ShowCommandType): readonly StaffRole[] {
  if (type === 'correctOutcome' || type === 'abandon') return STAFF_ROLES;
  if (type === 'lockEntropy' || type === 'revealNotary') return ['supervisor'];
  if (type === 'requestRecheck' || type === 'correctScore') return ['supervisor'];
  return ['operator'];
}

/** What a caller (话务员) may send: the calls of the round being called, nothing else. */
export const CALLER_COMMANDS: readonly ShowCommandType[] = ['setCallStatus', 'recordOutcome'];

/** Every account role that may send a command: its show roles, and the caller for the calls. */
export function workRolesFor(type: ShowCommandType): readonly WorkRole[] {
  return CALLER_COMMANDS.includes(type) ? [...rolesFor(type), 'caller'] : rolesFor(type);
}

/**
 * The show role an account acts with, as the run-of-show and the log know them: a caller records
 * calls by the operator's rules; a reader acts as nobody.
 */
export function showRoleOf(role: WorkRole): StaffRole | null {
  if (role === 'caller') return 'operator';
  return role === 'reader' ? null : role;
}

/** A command as sent: the revision the sender last saw, and a key that makes retries safe. */
export const ShowCommandEnvelopeSchema = Type.Object(
  {
    revision: Type.Integer({ minimum: 0 }),
    idempotencyKey: Type.String({ minLength: 8, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' }),
    command: ShowCommandBodySchema,
  },
  closed,
);
export type ShowCommandEnvelope = Static<typeof ShowCommandEnvelopeSchema>;

/** A command as logged: the body's fields and the server's time (ms). Old logs may carry more fields. */
const timed = <T extends TObject, E extends TProperties = Record<never, never>>(body: T, extra?: E) =>
  Type.Composite([body, Type.Object({ at: Type.Number(), ...(extra ?? ({} as E)) })]);
const Hundredths = Type.Integer();

/** From a judge's tablet: tied to the round and the auditee it was entered for. */
const SubmitScore = Type.Object({
  type: Type.Literal('submitScore'),
  at: Type.Number(),
  seat: Type.Integer(),
  round: Type.Integer(),
  auditeeNumber: Type.String(),
  hundredths: Hundredths,
  /** Per criterion, in hundredths (logs written before rubrics have none: one item, the total). */
  items: Type.Optional(Type.Array(Hundredths)),
  submissionId: Type.String(),
});

/** Every command the run-of-show applies, as the show log records it (bundles publish it). */
export const LoggedShowCommandSchema = Type.Union([
  timed(Open),
  /** `by`: the role that locked it (format 2; older logs have none). */
  timed(LockEntropy, { by: Type.Optional(RoleSchema) }),
  /** The server's secret; a rehearsal's simulated notary secret with it (format 2). */
  Type.Object({
    type: Type.Literal('reveal'),
    at: Type.Number(),
    secret: Type.String(),
    notarySecret: Type.Optional(Type.String()),
  }),
  timed(RevealNotary),
  /** `by`: who abandoned it; once the seed is fixed, only the supervisor (notary) may. */
  timed(Abandon, { by: Type.Optional(RoleSchema) }),
  timed(DrawAuditee),
  timed(PresentAuditee),
  timed(ReplaceAuditee),
  timed(StartReport),
  timed(PauseReport),
  timed(ResumeReport),
  timed(ExtendReport),
  timed(EndReport),
  timed(DrawHouseholds),
  timed(SetCallStatus),
  timed(RecordOutcome),
  timed(ReplaceHousehold),
  timed(CorrectOutcome, { by: RoleSchema }),
  timed(OpenJudging),
  timed(LockJudging),
  timed(RevealScores),
  timed(ShowResult),
  timed(FinishRound),
  timed(Close),
  timed(Cue),
  timed(Take),
  timed(Out),
  timed(RequestRecheck),
  Type.Object({
    type: Type.Literal('correctScore'),
    at: Type.Number(),
    seat: Type.Integer(),
    /** Per criterion and in total, in hundredths. */
    items: Type.Array(Hundredths),
    hundredths: Hundredths,
    reason: Type.String(),
  }),
  timed(ClearAll),
  timed(Restore),
  timed(SetBug),
  SubmitScore,
]);
export type LoggedShowCommand = Static<typeof LoggedShowCommandSchema>;
export type LoggedCommandType = LoggedShowCommand['type'];
export const LoggedCommandTypeSchema = Type.Union(
  LoggedShowCommandSchema.anyOf.map((member) => member.properties.type),
);
