import { literalUnion } from './literal-union';

/**
 * The values a round of the show moves through, each declared once: the state machine, the
 * snapshot, the log, the desk, the tablets and the outputs all take them from here.
 */

/** The steps of a round, in order (the run-of-show's state machine moves through them). */
export const ROUND_STEPS = [
  'drawing',
  'presented',
  'reporting',
  'reported',
  'households',
  'judging',
  'judging-locked',
  'scores-revealed',
  'result',
] as const;
export type RoundStep = (typeof ROUND_STEPS)[number];
export const RoundStepSchema = literalUnion(ROUND_STEPS);
export const ROUND_STEP_LABEL: Record<RoundStep, string> = {
  drawing: '抽取人员',
  presented: '人员到场',
  reporting: '述职计时中',
  reported: '述职结束',
  households: '电话核实',
  judging: '评委评分中',
  'judging-locked': '评分已锁定',
  'scores-revealed': '已公布评分',
  result: '本轮结果',
};

/** Steps from which a round's judging has begun; and those after the scores were revealed (public from then). */
export const JUDGED_STEPS: readonly RoundStep[] = ['judging', 'judging-locked', 'scores-revealed', 'result'];
export const REVEALED_STEPS: readonly RoundStep[] = ['scores-revealed', 'result'];

/** The report timer's states. */
export const REPORT_STATUSES = ['idle', 'running', 'paused', 'finished'] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];
export const ReportStatusSchema = literalUnion(REPORT_STATUSES);
export const REPORT_STATUS_LABEL: Record<ReportStatus, string> = {
  idle: '未开始',
  running: '计时中',
  paused: '已暂停',
  finished: '已结束',
};

/** A verification call, as the call operator marks it. */
export const CALL_STATUSES = ['待呼叫', '呼叫中', '已接通', '未接通'] as const;
export type CallStatus = (typeof CALL_STATUSES)[number];
export const CallStatusSchema = literalUnion(CALL_STATUSES);

/** What the call found: the cadre's work confirmed, contradicted, or nobody reached. */
export const OUTCOMES = ['属实', '不符', '未联系上'] as const;
export type Outcome = (typeof OUTCOMES)[number];
export const OutcomeSchema = literalUnion(OUTCOMES);
/** The outcome meaning nobody answered: it carries no satisfaction. */
export const UNREACHED: Outcome = '未联系上';

/** The household's satisfaction answer (不了解 is not counted in the rate). */
export const SATISFACTION = ['满意', '基本满意', '不满意', '不了解'] as const;
export type Satisfaction = (typeof SATISFACTION)[number];
export const SatisfactionSchema = literalUnion(SATISFACTION);

/**
 * The graphics of the broadcast overlay: one per step of the run-of-show, the event bug, and the
 * operator's own (a typed strap or ticker, a fullscreen slate, the line-up test card, the QR code
 * of the public verify page). Each sits on one layer of the air (protocol/air.ts).
 */
export const GRAPHICS = [
  'opening',
  'entropy',
  'roll',
  'auditee',
  'countdown',
  'households',
  'judges',
  'result',
  'summary',
  'bug',
  'strap',
  'ticker',
  'slate',
  'testcard',
  'verifyQr',
] as const;
export type Graphic = (typeof GRAPHICS)[number];
export const GraphicSchema = literalUnion(GRAPHICS);
export const GRAPHIC_LABEL: Record<Graphic, string> = {
  opening: '开场卡',
  entropy: '公开随机数',
  roll: '摇号',
  auditee: '人员字幕条',
  countdown: '述职倒计时',
  households: '入户核实',
  judges: '评委评分',
  result: '本轮结果',
  summary: '本场汇总',
  bug: '角标',
  strap: '字幕条',
  ticker: '滚动字幕',
  slate: '全屏垫片',
  testcard: '测试卡',
  verifyQr: '核验二维码',
};
/** Graphics of a round (of the current round when cued); every other graphic is of the whole show. */
export const ROUND_GRAPHICS: readonly Graphic[] = ['roll', 'auditee', 'countdown', 'households', 'judges', 'result'];
export const isRoundGraphic = (graphic: Graphic): boolean => ROUND_GRAPHICS.includes(graphic);

/**
 * The judges' reveal, in server time from the reveal: each seat's score appears in turn, then the
 * highest and lowest are struck through, then the final score. Every output shows the same moment.
 */
export const REVEAL_TIMING = { leadMs: 800, perSeatMs: 700, strikeMs: 900, finalMs: 900 } as const;

/**
 * A replacement on the roll card, in server time from its start: the drawn name is struck through
 * with 递补 and the reason, held so viewers can read it, then the alternate moves in. Shorter than a
 * full roll (the result comes from the published order, nothing is rolled again); the run-of-show
 * schedules it, so the desk's lock and every output agree.
 */
export const REPLACEMENT_TIMING = { strikeMs: 600, readMs: 1600, moveMs: 900 } as const;
export const REPLACEMENT_MS = REPLACEMENT_TIMING.strikeMs + REPLACEMENT_TIMING.readMs + REPLACEMENT_TIMING.moveMs;

/** Who a socket is: staff (operator or supervisor), a broadcast output, a judge's tablet, the public. */
export const CLIENT_ROLES = ['staff', 'overlay', 'public', 'judge'] as const;
export type ClientRole = (typeof CLIENT_ROLES)[number];
export const ClientRoleSchema = literalUnion(CLIENT_ROLES);
