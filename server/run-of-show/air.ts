import { GRAPHICS, GRAPHIC_LABEL, JUDGED_STEPS, isRoundGraphic, type Graphic } from '../protocol/round';
import {
  refuse,
  type AirState,
  type GraphicCue,
  type ShowCommand,
  type ShowResult,
  type ShowState,
} from './show-state';

/** The graphic a step brings on air with it: the step's button is its take. */
const STEP_GRAPHIC: Partial<Record<ShowCommand['type'], Graphic>> = {
  open: 'opening',
  lockEntropy: 'entropy',
  reveal: 'entropy',
  revealNotary: 'entropy',
  abandon: 'summary',
  drawAuditee: 'roll',
  replaceAuditee: 'roll',
  presentAuditee: 'auditee',
  startReport: 'countdown',
  drawHouseholds: 'households',
  openJudging: 'judges',
  revealScores: 'judges',
  showResult: 'result',
  finishRound: 'result',
  close: 'summary',
};

/** The cue of a graphic for the show as it stands: a round graphic is of the current round. */
export function cueOf(state: ShowState, graphic: Graphic): GraphicCue {
  return { graphic, round: isRoundGraphic(graphic) && state.rounds.length > 0 ? state.rounds.length - 1 : null };
}

/** Whether a graphic has something to show yet (a reason in Chinese when it does not). */
export function graphicUnavailable(state: ShowState, cue: GraphicCue): string | null {
  const round = cue.round === null ? undefined : state.rounds[cue.round];
  if (cue.round !== null && !round) return `没有第 ${cue.round + 1} 轮`;
  if (!isRoundGraphic(cue.graphic)) {
    // On air while the notary types, too: the digits appear as they are typed (not logged until the lock).
    if (cue.graphic === 'entropy')
      return state.draw.entropy === null && state.status !== 'live' ? '公开随机数尚未锁定' : null;
    if (cue.graphic === 'summary') return state.rounds.some((r) => r.step === 'result') ? null : '还没有完成的轮次';
    return null;
  }
  if (!round) return `「${GRAPHIC_LABEL[cue.graphic]}」须指定轮次`;
  switch (cue.graphic) {
    case 'households':
      return round.households.length === 0 ? '本轮尚未抽取联系对象' : null;
    case 'judges':
      return JUDGED_STEPS.includes(round.step) ? null : '本轮尚未开始评分';
    case 'result':
      return round.step === 'result' ? null : '本轮结果尚未公布';
    default:
      return null;
  }
}

/** Whether a logged command of this type puts a graphic on air (a step's own graphic, or a take). */
export const setsProgram = (type: string): boolean => type === 'take' || Object.hasOwn(STEP_GRAPHIC, type);

/**
 * The log entry that put the program on air: the last entry that set the program, while it is
 * on air (only a clear takes it off, and only a setter brings one back). Its short hash goes on
 * the graphic, so a recording of the broadcast can be checked against the bundle's show log.
 */
export function programEntry(
  air: AirState,
  log: readonly { seq: number; type: string; hash: string }[],
): { seq: number; short: string } | null {
  if (air.program === null) return null;
  const entry = log.findLast((e) => setsProgram(e.type));
  return entry ? { seq: entry.seq, short: entry.hash.slice(0, 8) } : null;
}

/** After a step: its own graphic goes on air (the event bug comes up with the opening). */
export function withStepGraphic(state: ShowState, type: ShowCommand['type']): ShowState {
  const graphic = STEP_GRAPHIC[type];
  if (graphic === undefined) return state;
  const program = cueOf(state, graphic);
  return { ...state, air: { ...state.air, program, bug: state.air.bug || type === 'open' } };
}

/** Cue, take, clear and the bug: the outputs stay under the operator's hand in every state. */
export function airCommand(
  state: ShowState,
  command: Extract<ShowCommand, { type: 'cue' | 'take' | 'clearAll' | 'setBug' }>,
): ShowResult {
  const air = state.air;
  switch (command.type) {
    case 'cue': {
      if (!GRAPHICS.includes(command.graphic)) return refuse('SHOW_BAD_VALUE', '没有这个画面');
      const cue = { graphic: command.graphic, round: command.round };
      const unavailable = graphicUnavailable(state, cue);
      if (unavailable) return refuse('SHOW_GRAPHIC_UNAVAILABLE', unavailable);
      return { ok: true, state: { ...state, air: { ...air, preview: cue } }, effects: [] };
    }
    case 'take':
      if (air.preview === null) return refuse('SHOW_NOTHING_CUED', '预览中没有画面可切出');
      return { ok: true, state: { ...state, air: { ...air, program: air.preview, preview: null } }, effects: [] };
    case 'clearAll':
      // The panic button: nothing on air, at once. The preview stays cued.
      return { ok: true, state: { ...state, air: { ...air, program: null, bug: false } }, effects: [] };
    case 'setBug':
      return { ok: true, state: { ...state, air: { ...air, bug: command.visible } }, effects: [] };
  }
}
