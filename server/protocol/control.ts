import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { literalUnion } from './literal-union';
import { GraphicSchema, ReportStatusSchema, RoundStepSchema } from './round';
import { MAIN_STEPS } from './outlook';
import { AIR_TEXT_MAX, AUTO_OUT_MAX_SECONDS, LAYERS, LayerSchema, type Layer } from './air';

/**
 * The control API for hardware control surfaces (Bitfocus Companion on a Stream Deck): a token per
 * surface, made and revoked by the operator in the console; calls authenticate with
 * `Authorization: Bearer <token>` only (a query `?token=` only for the websocket and the vMix data
 * source, whose clients cannot send headers). Every call drives the event the installation's
 * outputs follow, through the same show commands as the desk.
 */

/** What a control token looks like: a prefix (so a leaked one is recognisable) and 32 random bytes. */
export const CONTROL_TOKEN_PATTERN = '^chc_[A-Za-z0-9_-]{43}$';

/** How long an armed irreversible step waits for its confirm. */
export const ARM_WINDOW_MS = 5000;

/** Everything a control call can do; the call log records which. */
export const CONTROL_ACTIONS = [
  'cue',
  'take',
  'out',
  'panic',
  'restore',
  'bug',
  'timer-pause',
  'timer-resume',
  'timer-extend',
  'next',
  'arm',
  'confirm',
  'state',
  'vmix',
  'websocket',
] as const;
export type ControlAction = (typeof CONTROL_ACTIONS)[number];
export const ControlActionSchema = literalUnion(CONTROL_ACTIONS);
export const CONTROL_ACTION_LABEL: Record<ControlAction, string> = {
  cue: '预览画面',
  take: '切换上屏',
  out: '下屏',
  panic: '清空画面',
  restore: '恢复画面',
  bug: '角标',
  'timer-pause': '暂停计时',
  'timer-resume': '继续计时',
  'timer-extend': '延长述职',
  next: '下一步',
  arm: '预备',
  confirm: '确认',
  state: '读取状态',
  vmix: 'vMix 数据源',
  websocket: '状态推送连接',
};

const closed = { additionalProperties: false } as const;

// ---- console (session cookie): tokens and the call log ----

export const ControlTokenCreateSchema = Type.Object({ name: Type.String({ minLength: 1, maxLength: 40 }) }, closed);
export type ControlTokenCreate = Static<typeof ControlTokenCreateSchema>;

export const ControlTokenViewSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  createdAt: Type.String(),
  createdBy: Type.String(),
  revokedAt: Type.Union([Type.String(), Type.Null()]),
  revokedBy: Type.Union([Type.String(), Type.Null()]),
  lastUsedAt: Type.Union([Type.String(), Type.Null()]),
});
export type ControlTokenView = Static<typeof ControlTokenViewSchema>;

/** A new token: shown once, never stored (the server keeps its SHA-256). */
export const ControlTokenCreatedSchema = Type.Object({ token: Type.String(), view: ControlTokenViewSchema });
export type ControlTokenCreated = Static<typeof ControlTokenCreatedSchema>;

/** One logged call: when, which token (null: no token matched), what, and 'ok' or the refusal's code. */
export const ControlCallViewSchema = Type.Object({
  id: Type.Integer(),
  at: Type.String(),
  tokenId: Type.Union([Type.Integer(), Type.Null()]),
  tokenName: Type.Union([Type.String(), Type.Null()]),
  action: ControlActionSchema,
  outcome: Type.String(),
  /** The refusal's message (empty when the call was carried out). */
  message: Type.String(),
});
export type ControlCallView = Static<typeof ControlCallViewSchema>;

// ---- control surface (bearer token): bodies ----

/**
 * A graphic to cue on its layer's preview; `round` defaults to the one the desk would cue now (the
 * current round). `text` for a strap, ticker or slate; `autoOutSeconds` takes it out by itself.
 */
export const ControlCueSchema = Type.Object(
  {
    graphic: GraphicSchema,
    round: Type.Optional(Type.Union([Type.Integer({ minimum: 0, maximum: 1000 }), Type.Null()])),
    text: Type.Optional(Type.String({ minLength: 1, maxLength: AIR_TEXT_MAX })),
    autoOutSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: AUTO_OUT_MAX_SECONDS })),
  },
  closed,
);
export type ControlCue = Static<typeof ControlCueSchema>;

/** Take one layer's cued graphic to air; without `layer`, every cued layer at once. */
export const ControlTakeSchema = Type.Object({ layer: Type.Optional(LayerSchema) }, closed);
export type ControlTake = Static<typeof ControlTakeSchema>;

export const ControlOutSchema = Type.Object({ layer: LayerSchema }, closed);
export type ControlOut = Static<typeof ControlOutSchema>;

/** Companion's Generic HTTP module sends `{}` when its body is left empty. */
export const ControlEmptySchema = Type.Object({}, closed);

/** `visible` sets the bug (its layer); without it the bug toggles. */
export const ControlBugSchema = Type.Object({ visible: Type.Optional(Type.Boolean()) }, closed);
export type ControlBug = Static<typeof ControlBugSchema>;

export const ControlExtendSchema = Type.Object({ seconds: Type.Integer({ minimum: 1, maximum: 600 }) }, closed);
export type ControlExtend = Static<typeof ControlExtendSchema>;

export const MainStepSchema = literalUnion(MAIN_STEPS);

/** Arm or confirm the next irreversible step; `step`, when given, must be the one (a button per step). */
export const ControlStepSchema = Type.Object({ step: Type.Optional(MainStepSchema) }, closed);
export type ControlStep = Static<typeof ControlStepSchema>;

export const ControlTokenQuerySchema = Type.Object({ token: Type.Optional(Type.String({ maxLength: 80 })) }, closed);

// ---- control surface: the state (feedback and tally) ----

const GraphicOnAirSchema = Type.Object({
  graphic: GraphicSchema,
  label: Type.String(),
  round: Type.Union([Type.Integer(), Type.Null()]),
  /** A strap's, ticker's or slate's text (null for the others). */
  text: Type.Union([Type.String(), Type.Null()]),
});

/** One value per layer, for Companion's flat JSON paths (`tally.onAir.lower`). */
const perLayer = <T extends TSchema>(schema: T) =>
  Type.Object(Object.fromEntries(LAYERS.map((layer) => [layer, schema])) as Record<Layer, T>);

/**
 * What a control surface shows on its buttons: what is on air and cued on each layer, the current
 * step, what comes next (and whether it must be armed), the judges, the timer. Flat `display`
 * strings are ready for a button's text; booleans for tally colours. No names, no phones: vmix.json
 * carries what is on air.
 */
export const ControlStateSchema = Type.Object({
  /** Server time (ms) the state was read at. */
  at: Type.Number(),
  /** The event the installation's outputs follow (null: none chosen; commands are refused). */
  event: Type.Union([
    Type.Object({
      id: Type.String(),
      title: Type.String(),
      rehearsal: Type.Boolean(),
      live: Type.Boolean(),
      closed: Type.Boolean(),
      revision: Type.Integer(),
    }),
    Type.Null(),
  ]),
  air: Type.Object({
    layers: perLayer(
      Type.Object({
        program: Type.Union([GraphicOnAirSchema, Type.Null()]),
        preview: Type.Union([GraphicOnAirSchema, Type.Null()]),
      }),
    ),
    /** The layers 恢复 would bring back (empty: nothing to restore). */
    restorable: Type.Array(LayerSchema),
  }),
  /** Tally, flat: per layer the graphic on air and cued ('' when none), and whether any is. */
  tally: Type.Object({
    program: perLayer(Type.String()),
    preview: perLayer(Type.String()),
    onAir: perLayer(Type.Boolean()),
    cued: perLayer(Type.Boolean()),
    bug: Type.Boolean(),
    restorable: Type.Boolean(),
    armed: Type.Boolean(),
  }),
  round: Type.Union([
    Type.Object({
      /** 1-based, as said on air: 第 1 轮. */
      number: Type.Integer(),
      of: Type.Integer(),
      step: RoundStepSchema,
      display: Type.String(),
    }),
    Type.Null(),
  ]),
  next: Type.Union([
    Type.Object({
      step: MainStepSchema,
      label: Type.String(),
      irreversible: Type.Boolean(),
      /** Held on the desk, armed then confirmed from a control surface. */
      needsArm: Type.Boolean(),
      /** The supervisor's step (the notary's digits and secret): not from a control surface. */
      supervisor: Type.Boolean(),
      blocked: Type.Union([Type.String(), Type.Null()]),
      display: Type.String(),
    }),
    Type.Null(),
  ]),
  /** The step armed by this token, until when (server ms). */
  armed: Type.Union([Type.Object({ step: MainStepSchema, label: Type.String(), until: Type.Number() }), Type.Null()]),
  judges: Type.Object({ submitted: Type.Integer(), expected: Type.Integer(), display: Type.String() }),
  timer: Type.Object({
    status: ReportStatusSchema,
    running: Type.Boolean(),
    remainingMs: Type.Number(),
    /** 04:59 */
    display: Type.String(),
  }),
});
export type ControlState = Static<typeof ControlStateSchema>;

/** The answer to a control command: the show's new revision and the state right after it. */
export const ControlDoneSchema = Type.Object({
  ok: Type.Literal(true),
  revision: Type.Integer(),
  state: ControlStateSchema,
});
export type ControlDone = Static<typeof ControlDoneSchema>;

/**
 * vMix's JSON data source: an array of objects, each a row. Row 0 is the show, then one row per
 * household of the current round; every row has every field ('' where it does not apply), masked
 * exactly as on air (the overlay's snapshot).
 */
export const VMIX_FIELDS = [
  'kind',
  'title',
  'rehearsal',
  'round',
  'step',
  'auditeeName',
  'auditeeUnit',
  'auditeePost',
  'timer',
  'judges',
  'judgesScore',
  'householdsScore',
  'combinedScore',
  'tier',
  'householdIndex',
  'householdName',
  'householdVillage',
  'callStatus',
  'outcome',
  'satisfaction',
] as const;
export type VmixField = (typeof VMIX_FIELDS)[number];
export const VmixRowSchema = Type.Record(literalUnion(VMIX_FIELDS), Type.String());
export type VmixRow = Record<VmixField, string>;
