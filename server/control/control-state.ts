import { remainingMs } from '../run-of-show/timer';
import { GRAPHIC_LABEL, ROUND_STEP_LABEL, type Graphic } from '../protocol/round';
import { HELD_COMMANDS, COMMAND_LABEL } from '../protocol/show-commands';
import type { MainStep } from '../protocol/outlook';
import type { ShowSnapshot } from '../protocol/show-views';
import type { Layer } from '../protocol/air';
import type { ControlState } from '../protocol/control';

/** A step armed by one token: confirmed before `until`, at the revision it was armed at. */
export interface Arm {
  step: MainStep;
  revision: number;
  until: number;
}

/** 05:00, 00:59: rounded up, so 00:00 shows only when time is really up (as the overlay's countdown). */
export function clockText(ms: number): string {
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  return `${String(Math.floor(seconds / 60)).padStart(2, '0')}:${String(seconds % 60).padStart(2, '0')}`;
}

const onAir = (cue: { graphic: Graphic; round: number | null; text: string | null } | null) =>
  cue === null ? null : { graphic: cue.graphic, label: GRAPHIC_LABEL[cue.graphic], round: cue.round, text: cue.text };

/** One value per layer. */
const perLayer = <T>(value: (layer: Layer) => T): Record<Layer, T> => ({
  main: value('main'),
  lower: value('lower'),
  timer: value('timer'),
  bug: value('bug'),
  strap: value('strap'),
  slate: value('slate'),
});

/** The state with no followed event: nothing on air, nothing to do. */
export function idleState(at: number): ControlState {
  return {
    at,
    event: null,
    air: { layers: perLayer(() => ({ program: null, preview: null })), restorable: [] },
    tally: {
      program: perLayer(() => ''),
      preview: perLayer(() => ''),
      onAir: perLayer(() => false),
      cued: perLayer(() => false),
      bug: false,
      restorable: false,
      armed: false,
    },
    round: null,
    next: null,
    armed: null,
    judges: { submitted: 0, expected: 0, display: '' },
    timer: { status: 'idle', running: false, remainingMs: 0, display: '' },
  };
}

/**
 * A control surface's state, from the staff snapshot (its outlook says what comes next; the desk
 * renders the same) and the token's armed step. Carries no name and no phone.
 */
export function controlState(snapshot: ShowSnapshot, at: number, arm: Arm | null): ControlState {
  const round = snapshot.rounds.at(-1) ?? null;
  const main = snapshot.outlook?.main ?? null;
  const armed = arm !== null && arm.until > at ? arm : null;
  const timer = round?.report ?? null;
  const remaining = timer ? remainingMs(timer, at) : 0;
  const judging = round?.judging ?? null;
  const { layers } = snapshot.air;
  return {
    at,
    event: {
      id: snapshot.eventId,
      title: snapshot.title,
      rehearsal: snapshot.rehearsal,
      live: snapshot.status === 'live',
      closed: snapshot.status === 'closed' || snapshot.status === 'abandoned',
      revision: snapshot.revision,
    },
    air: {
      layers: perLayer((layer) => ({ program: onAir(layers[layer].program), preview: onAir(layers[layer].preview) })),
      restorable: snapshot.air.restorable,
    },
    tally: {
      program: perLayer((layer) => layers[layer].program?.graphic ?? ''),
      preview: perLayer((layer) => layers[layer].preview?.graphic ?? ''),
      onAir: perLayer((layer) => layers[layer].program !== null),
      cued: perLayer((layer) => layers[layer].preview !== null),
      bug: layers.bug.program !== null,
      restorable: snapshot.air.restorable.length > 0,
      armed: armed !== null,
    },
    round:
      round === null
        ? null
        : {
            number: round.index + 1,
            of: snapshot.draw.plannedRounds,
            step: round.step,
            display: `第 ${round.index + 1} 轮 · ${ROUND_STEP_LABEL[round.step]}`,
          },
    next:
      main === null
        ? null
        : {
            step: main.command,
            label: main.label,
            irreversible: main.irreversible,
            needsArm: HELD_COMMANDS.has(main.command),
            supervisor: main.by === 'supervisor',
            blocked: main.blocked,
            display: main.label,
          },
    armed: armed === null ? null : { step: armed.step, label: COMMAND_LABEL[armed.step], until: armed.until },
    judges: {
      submitted: judging?.submitted ?? 0,
      expected: judging?.expected ?? 0,
      display: judging && judging.expected > 0 ? `${judging.submitted}/${judging.expected}` : '',
    },
    timer: {
      status: timer?.status ?? 'idle',
      running: timer?.status === 'running',
      remainingMs: remaining,
      display: timer ? clockText(remaining) : '',
    },
  };
}
