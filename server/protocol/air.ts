import { Type, type Static } from '@sinclair/typebox';
import { literalUnion } from './literal-union';
import { GraphicSchema, type Graphic } from './round';

/**
 * The air as layers, declared once: each layer holds one graphic on air and one cued to preview,
 * and is taken and taken out on its own, so a lower third, the countdown, the bug and a strap are on
 * air together. Each graphic sits on one layer and declares the zone of the frame it covers.
 */
export const LAYERS = ['main', 'lower', 'timer', 'bug', 'strap', 'slate'] as const;
export type Layer = (typeof LAYERS)[number];
export const LayerSchema = literalUnion(LAYERS);
export const LAYER_LABEL: Record<Layer, string> = {
  main: '主画面',
  lower: '下三分之一',
  timer: '计时',
  bug: '角标',
  strap: '字幕条',
  slate: '全屏垫片',
};

export const GRAPHIC_LAYER: Record<Graphic, Layer> = {
  opening: 'main',
  entropy: 'main',
  roll: 'main',
  households: 'main',
  judges: 'main',
  result: 'main',
  summary: 'main',
  auditee: 'lower',
  verifyQr: 'lower',
  countdown: 'timer',
  bug: 'bug',
  strap: 'strap',
  ticker: 'strap',
  slate: 'slate',
  testcard: 'slate',
};

/** A rectangle of the 1920×1080 frame, in pixels. */
export interface Zone {
  x: number;
  y: number;
  w: number;
  h: number;
}
export const FRAME: Zone = { x: 0, y: 0, w: 1920, h: 1080 };
/** Title-safe: 5% in from every edge (EBU R 95); every graphic but the fullscreen ones stays inside. */
export const TITLE_SAFE: Zone = { x: 96, y: 54, w: 1728, h: 972 };

const MAIN: Zone = { x: 96, y: 130, w: 1728, h: 800 };
/**
 * Where each graphic is drawn. The bug sits top left, the main card in the middle, the lower third
 * and the countdown side by side above the strap, the strap along the bottom of title-safe: the
 * lower third, the countdown, the bug and a strap never overlap. A main card covers the lower third
 * and the countdown (it is as tall as the safe area allows).
 */
export const GRAPHIC_ZONE: Record<Graphic, Zone> = {
  opening: MAIN,
  entropy: MAIN,
  roll: MAIN,
  households: MAIN,
  judges: MAIN,
  result: MAIN,
  summary: MAIN,
  auditee: { x: 96, y: 770, w: 1100, h: 160 },
  verifyQr: { x: 1384, y: 130, w: 440, h: 800 },
  countdown: { x: 1224, y: 770, w: 600, h: 160 },
  bug: { x: 96, y: 54, w: 1100, h: 56 },
  strap: { x: 96, y: 946, w: 1728, h: 80 },
  ticker: { x: 96, y: 946, w: 1728, h: 80 },
  slate: FRAME,
  testcard: FRAME,
};

/**
 * The declared rule when graphics would collide: a take takes out every graphic on another layer
 * whose zone overlaps the one taken. The slate layer covers the whole frame above the rest and takes
 * nothing out, so what was under a slate is still there when it goes.
 */
export const COVERING_LAYERS: readonly Layer[] = ['slate'];

export function zonesOverlap(a: Zone, b: Zone): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

/** Graphics that carry the operator's own text (typed on the desk or from a template). */
export const TEXT_GRAPHICS: readonly Graphic[] = ['strap', 'ticker', 'slate'];
export const AIR_TEXT_MAX = 120;
/** Ready texts for the unplanned minute; the operator may edit them before cueing. */
export const TEXT_TEMPLATES: Record<'strap' | 'ticker' | 'slate', readonly string[]> = {
  strap: ['现场正在连线核实户，请稍候', '评委正在评分', '欢迎收看本期电视抽查'],
  ticker: ['本次抽查全程公开，结果可在县政府网站核验', '抽查对象由公开随机数与密钥共同确定，任何人无法事先预知'],
  slate: ['稍后继续', '技术故障，请稍候', '节目即将开始'],
};
/** How long a graphic may stay on air before it takes itself out (seconds). */
export const AUTO_OUT_MAX_SECONDS = 3600;

/** A graphic cued or on air: of a round (or the whole show), with its text for a strap or slate. */
export const AirGraphicSchema = Type.Object({
  graphic: GraphicSchema,
  round: Type.Union([Type.Integer(), Type.Null()]),
  text: Type.Union([Type.String(), Type.Null()]),
});

/** One layer: what is on air (until `outAt`, server ms, for an auto-out graphic), what is cued. */
export const LayerAirSchema = Type.Object({
  program: Type.Union([
    Type.Composite([AirGraphicSchema, Type.Object({ outAt: Type.Union([Type.Number(), Type.Null()]) })]),
    Type.Null(),
  ]),
  preview: Type.Union([
    Type.Composite([AirGraphicSchema, Type.Object({ autoOutSeconds: Type.Union([Type.Integer(), Type.Null()]) })]),
    Type.Null(),
  ]),
  /** The layers whose graphics taking this preview would take out (the collision rule). */
  displaces: Type.Array(LayerSchema),
});
export type LayerAirView = Static<typeof LayerAirSchema>;

export const AirViewSchema = Type.Object({
  layers: Type.Object(
    Object.fromEntries(LAYERS.map((layer) => [layer, LayerAirSchema])) as Record<Layer, typeof LayerAirSchema>,
  ),
  /** The layers 恢复 brings back: what was on air when the panic cleared it (empty: nothing to restore). */
  restorable: Type.Array(LayerSchema),
  /**
   * The show-log entry that last put a graphic on air (its seq and the first 8 hex digits of its
   * hash), while anything is on air: drawn on the programme, so a recording can be checked against
   * the bundle's show log.
   */
  programLog: Type.Union([Type.Object({ seq: Type.Integer(), short: Type.String() }), Type.Null()]),
});
export type AirView = Static<typeof AirViewSchema>;
