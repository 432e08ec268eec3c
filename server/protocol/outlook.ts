import { Type, type Static } from '@sinclair/typebox';
import { RoleSchema } from './auth';
import { literalUnion } from './literal-union';
import { GraphicSchema } from './round';
import { ShowCommandTypeSchema, type ShowCommandType } from './show-commands';

/**
 * What the run-of-show says comes next, computed by the pure core and sent to staff with each
 * snapshot: the desk's large button, the rundown and the cue buttons render it and never work
 * it out themselves.
 */

/** The steps the desk's large button can offer (all without arguments, but the notary's digits and secret). */
export const MAIN_STEPS = [
  'open',
  'lockEntropy',
  'reveal',
  'revealNotary',
  'drawAuditee',
  'presentAuditee',
  'startReport',
  'endReport',
  'drawHouseholds',
  'finishRound',
  'openJudging',
  'lockJudging',
  'revealScores',
  'showResult',
  'close',
] as const satisfies readonly ShowCommandType[];
export type MainStep = (typeof MAIN_STEPS)[number];

export const RUNDOWN_STATES = ['done', 'current', 'todo'] as const;
export type RundownState = (typeof RUNDOWN_STATES)[number];

export const OutlookSchema = Type.Object({
  /** The next step of the run-of-show; null once the show is closed. */
  main: Type.Union([
    Type.Object({
      command: literalUnion(MAIN_STEPS),
      label: Type.String(),
      /**
       * Whose step it is: the notary (supervisor) locks the digits and reveals their own secret;
       * every other step is the operator's. The other desk shows `waiting` instead of a button.
       */
      by: RoleSchema,
      /** What the desk that does not take the step shows (等待监督员锁定公开随机数…). */
      waiting: Type.String(),
      /** Cannot be undone (draws, reveals, closing). */
      irreversible: Type.Boolean(),
      /** Needs a deliberate hold before it is sent (HELD_COMMANDS). */
      hold: Type.Boolean(),
      /** Seats that should score and have not: a lock must name them, after a second confirmation. */
      seatsMissing: Type.Array(Type.Integer()),
      /** Why the step must wait (the button is shown, disabled, with this reason). */
      blocked: Type.Union([Type.String(), Type.Null()]),
      /** The step waits until this server time (the roll lands), with the reason until then. */
      notBefore: Type.Union([Type.Object({ at: Type.Number(), reason: Type.String() }), Type.Null()]),
    }),
    Type.Null(),
  ]),
  /** Every command type the state machine accepts now (its arguments are checked when sent). */
  open: Type.Array(ShowCommandTypeSchema),
  /** The run-of-show as a list: what is done, where the show is, what is still to come. */
  rundown: Type.Array(
    Type.Object({
      id: Type.String(),
      label: Type.String(),
      state: literalUnion(RUNDOWN_STATES),
      /** Round items: the round they belong to (0-based). */
      round: Type.Union([Type.Integer(), Type.Null()]),
    }),
  ),
  /** Each graphic as it would be cued now (round graphics: the current round), and why not yet. */
  cues: Type.Array(
    Type.Object({
      graphic: GraphicSchema,
      round: Type.Union([Type.Integer(), Type.Null()]),
      unavailable: Type.Union([Type.String(), Type.Null()]),
    }),
  ),
});
export type Outlook = Static<typeof OutlookSchema>;
export type MainStepView = NonNullable<Outlook['main']>;
export type RundownItem = Outlook['rundown'][number];
