import {
  COVERING_LAYERS,
  GRAPHIC_LAYER,
  GRAPHIC_ZONE,
  LAYERS,
  TEXT_GRAPHICS,
  zonesOverlap,
  type AirView,
  type Layer,
} from '../protocol/air';
import { GRAPHICS, GRAPHIC_LABEL, JUDGED_STEPS, isRoundGraphic, type Graphic } from '../protocol/round';
import {
  refuse,
  type AirState,
  type GraphicCue,
  type LayerState,
  type OnAir,
  type ShowCommand,
  type ShowResult,
  type ShowState,
} from './show-state';

/** The graphic a step brings on air with it, on that graphic's layer: the step's button is its take. */
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

export function emptyAir(): AirState {
  const layers = Object.fromEntries(LAYERS.map((layer) => [layer, { program: null, preview: null }]));
  return { layers: layers as Record<Layer, LayerState>, restorable: null };
}

/** The cue of a graphic for the show as it stands: a round graphic is of the current round. */
export function cueOf(state: ShowState, graphic: Graphic): Pick<GraphicCue, 'graphic' | 'round'> {
  const round = isRoundGraphic(graphic) && state.rounds.length > 0 ? state.rounds.length - 1 : null;
  return { graphic, round };
}

/** Whether a graphic has something to show yet (a reason in Chinese when it does not). */
export function graphicUnavailable(state: ShowState, cue: Pick<GraphicCue, 'graphic' | 'round'>): string | null {
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

/** The air as it stands at a time: a graphic taken with an auto-out time is gone once it passed. */
export function airAt(air: AirState, now: number): AirState {
  const expired = LAYERS.filter((layer) => {
    const outAt = air.layers[layer].program?.outAt;
    return outAt !== undefined && outAt !== null && outAt <= now;
  });
  if (expired.length === 0) return air;
  const layers = { ...air.layers };
  for (const layer of expired) layers[layer] = { ...layers[layer], program: null };
  return { ...air, layers };
}

/** The first moment after `now` at which an auto-out graphic leaves (null: none is timed). */
export function nextAutoOut(air: AirState, now: number): number | null {
  const times = LAYERS.map((layer) => air.layers[layer].program?.outAt ?? null).filter(
    (outAt): outAt is number => outAt !== null && outAt > now,
  );
  return times.length === 0 ? null : Math.min(...times);
}

/** Whether anything but the bug is on air (the log stamp goes with a graphic, not the bug alone). */
export const graphicOnAir = (air: AirState): boolean =>
  LAYERS.some((layer) => layer !== 'bug' && air.layers[layer].program !== null);

/**
 * The layers a graphic taken to `layer` takes out: every other layer whose graphic's zone overlaps
 * it (the declared collision rule, protocol/air.ts). The slate covers, and neither takes out nor is.
 */
export function displacedBy(air: AirState, layer: Layer, graphic: Graphic): Layer[] {
  if (COVERING_LAYERS.includes(layer)) return [];
  return LAYERS.filter((other) => {
    const onAir = air.layers[other].program;
    return (
      other !== layer &&
      onAir !== null &&
      !COVERING_LAYERS.includes(other) &&
      zonesOverlap(GRAPHIC_ZONE[graphic], GRAPHIC_ZONE[onAir.graphic])
    );
  });
}

function putOnAir(air: AirState, onAir: OnAir, keepPreview = true): AirState {
  const layer = GRAPHIC_LAYER[onAir.graphic];
  const layers = { ...air.layers };
  for (const other of displacedBy(air, layer, onAir.graphic)) layers[other] = { ...layers[other], program: null };
  const preview = keepPreview ? layers[layer].preview : null;
  layers[layer] = { program: onAir, preview };
  return { ...air, layers };
}

/** Whether a logged command of this type puts a graphic on air (a step's own graphic, a take, 恢复). */
export const setsProgram = (type: string): boolean =>
  type === 'take' || type === 'restore' || Object.hasOwn(STEP_GRAPHIC, type);

/**
 * The log entry that last put a graphic on air, while one is (only an out or the panic takes them
 * off, and only a setter brings one back). Its short hash goes on the programme, so a recording of
 * the broadcast can be checked against the bundle's show log.
 */
export function programEntry(
  air: AirState,
  log: readonly { seq: number; type: string; hash: string }[],
): { seq: number; short: string } | null {
  if (!graphicOnAir(air)) return null;
  const entry = log.findLast((e) => setsProgram(e.type));
  return entry ? { seq: entry.seq, short: entry.hash.slice(0, 8) } : null;
}

/** After a step: its own graphic goes on air on its layer (the event bug comes up with the opening). */
export function withStepGraphic(state: ShowState, type: ShowCommand['type']): ShowState {
  const graphic = STEP_GRAPHIC[type];
  if (graphic === undefined) return state;
  let air = putOnAir(withoutStaleCues(state), { ...cueOf(state, graphic), text: null, outAt: null });
  if (type === 'open') air = putOnAir(air, BUG);
  // The show moved on: what the panic cleared is no longer what belongs on air.
  return { ...state, air: { ...air, restorable: null } };
}

/**
 * The air without previews of an earlier round's graphics once a new round is drawn: a cue left
 * from round 1 must not go on air with round 2's take.
 */
function withoutStaleCues(state: ShowState): AirState {
  const latest = state.rounds.length - 1;
  const layers = { ...state.air.layers };
  for (const layer of LAYERS) {
    const round = layers[layer].preview?.round;
    if (round !== undefined && round !== null && round < latest) layers[layer] = { ...layers[layer], preview: null };
  }
  return { ...state.air, layers };
}

/** Cued graphics (on layers that do not cover) whose zones overlap each other: a take of all would lose one. */
function collidingCues(air: AirState, layers: readonly Layer[]): [Graphic, Graphic] | null {
  const cued = layers.flatMap((layer) => {
    const preview = air.layers[layer].preview;
    return preview && !COVERING_LAYERS.includes(layer) ? [preview.graphic] : [];
  });
  for (const [i, a] of cued.entries())
    for (const b of cued.slice(i + 1)) if (zonesOverlap(GRAPHIC_ZONE[a], GRAPHIC_ZONE[b])) return [a, b];
  return null;
}

const BUG: OnAir = { graphic: 'bug', round: null, text: null, outAt: null };

type AirCommand = Extract<ShowCommand, { type: 'cue' | 'take' | 'out' | 'clearAll' | 'restore' | 'setBug' }>;

/** Cue, take, out, the panic and 恢复, the bug: the outputs stay under the operator's hand in every state. */
export function airCommand(state: ShowState, command: AirCommand): ShowResult {
  const air = state.air;
  const done = (next: AirState): ShowResult => ({ ok: true, state: { ...state, air: next }, effects: [] });
  switch (command.type) {
    case 'cue': {
      if (!GRAPHICS.includes(command.graphic)) return refuse('SHOW_BAD_VALUE', '没有这个画面');
      const needsText = TEXT_GRAPHICS.includes(command.graphic);
      const text = command.text?.trim() ?? '';
      if (needsText && text === '') return refuse('SHOW_BAD_VALUE', `「${GRAPHIC_LABEL[command.graphic]}」须填写文字`);
      if (!needsText && command.text !== undefined)
        return refuse('SHOW_BAD_VALUE', `「${GRAPHIC_LABEL[command.graphic]}」不带文字`);
      const unavailable = graphicUnavailable(state, command);
      if (unavailable) return refuse('SHOW_GRAPHIC_UNAVAILABLE', unavailable);
      const layer = GRAPHIC_LAYER[command.graphic];
      const preview = {
        graphic: command.graphic,
        round: command.round,
        text: needsText ? text : null,
        autoOutSeconds: command.autoOutSeconds ?? null,
      };
      return done({ ...air, layers: { ...air.layers, [layer]: { ...air.layers[layer], preview } } });
    }
    case 'take': {
      const layers = command.layer ? [command.layer] : LAYERS.filter((layer) => air.layers[layer].preview !== null);
      const colliding = collidingCues(air, layers);
      if (colliding) {
        const [a, b] = colliding.map((graphic) => GRAPHIC_LABEL[graphic]);
        return refuse('SHOW_BAD_VALUE', `预览中的「${a}」与「${b}」位置重叠，不能一起切出：请逐层切换上屏`);
      }
      let next: AirState = { ...air, restorable: null };
      for (const layer of layers) {
        const cued = next.layers[layer].preview;
        if (cued === null) return refuse('SHOW_NOTHING_CUED', '预览中没有画面可切出');
        const { autoOutSeconds, ...cue } = cued;
        const outAt = autoOutSeconds === null ? null : command.at + autoOutSeconds * 1000;
        next = putOnAir(next, { ...cue, outAt }, false);
      }
      return layers.length === 0 ? refuse('SHOW_NOTHING_CUED', '预览中没有画面可切出') : done(next);
    }
    case 'out':
      if (air.layers[command.layer].program === null) return refuse('SHOW_LAYER_EMPTY', '这一层没有画面在播出');
      return done({
        ...air,
        layers: { ...air.layers, [command.layer]: { ...air.layers[command.layer], program: null } },
      });
    case 'clearAll': {
      // The panic button: nothing on air, at once, remembered for 恢复. The previews stay cued.
      const onAir = LAYERS.filter((layer) => air.layers[layer].program !== null);
      if (onAir.length === 0) return done(air); // a second press keeps what the first one saved
      const restorable = Object.fromEntries(onAir.map((layer) => [layer, air.layers[layer].program]));
      const layers = Object.fromEntries(LAYERS.map((layer) => [layer, { ...air.layers[layer], program: null }]));
      return done({ layers: layers as Record<Layer, LayerState>, restorable });
    }
    case 'restore': {
      if (air.restorable === null)
        return refuse('SHOW_NOTHING_TO_RESTORE', '没有可恢复的画面：恢复只在清空画面之后可用');
      const saved = air.restorable;
      const layers = Object.fromEntries(
        LAYERS.map((layer) => [layer, { ...air.layers[layer], program: saved[layer] ?? null }]),
      );
      // An auto-out graphic comes back with its own time: if that passed, it stays out.
      return done(airAt({ layers: layers as Record<Layer, LayerState>, restorable: null }, command.at));
    }
    case 'setBug':
      return done(
        command.visible
          ? putOnAir(air, BUG)
          : { ...air, layers: { ...air.layers, bug: { ...air.layers.bug, program: null } } },
      );
  }
}

/** The air as every client sees it at `now`: expired graphics gone, each preview's collisions named. */
export function airView(
  stored: AirState,
  now: number,
  log: readonly { seq: number; type: string; hash: string }[],
): AirView {
  const air = airAt(stored, now);
  const layers = Object.fromEntries(
    LAYERS.map((layer) => {
      const { program, preview } = air.layers[layer];
      return [layer, { program, preview, displaces: preview ? displacedBy(air, layer, preview.graphic) : [] }];
    }),
  ) as AirView['layers'];
  const restorable = LAYERS.filter((layer) => air.restorable?.[layer] !== undefined);
  return { layers, restorable, programLog: programEntry(air, log) };
}
