import { FIXED_ENTROPY, FIXED_SECRET, sealedFixture } from '../draw-engine/test-fixtures';
import { LAYERS, type Layer } from '../protocol/air';
import { initialShow, transition, type ShowCommand, type ShowState } from './run-of-show';

/** Shared by the run-of-show's tests: every reachable situation of a show, and what is legal in each. */
export const T0 = 1_800_000_000_000;

export function run(state: ShowState, ...commands: ShowCommand[]): ShowState {
  return commands.reduce((current, command) => {
    const result = transition(current, command);
    if (!result.ok) throw new Error(`${command.type}: ${result.code} ${result.message}`);
    return result.state;
  }, state);
}

export const current = (state: ShowState) => state.rounds.at(-1);

/** What is on air, layer by layer, in short ("households:0"): empty layers left out. */
export function onAirOf(state: ShowState): Partial<Record<Layer, string>> {
  const entries = LAYERS.flatMap((layer) => {
    const onAir = state.air.layers[layer].program;
    return onAir ? [[layer, onAir.round === null ? onAir.graphic : `${onAir.graphic}:${onAir.round}`]] : [];
  });
  return Object.fromEntries(entries) as Partial<Record<Layer, string>>;
}
const firstOpenHousehold = (state: ShowState) =>
  current(state)?.households.find((h) => h.replaced === null && h.outcome === null)?.number ??
  current(state)?.households[0]?.number ??
  'none';

/** Every reachable situation of a show, by name, built only through legal commands. */
export function situations(): Record<string, ShowState> {
  const s: Record<string, ShowState> = {};
  s.sealed = initialShow(sealedFixture(), {
    rehearsal: false,
    reportMinutes: 5,
    judges: [
      { seat: 1, recusals: [] },
      { seat: 2, recusals: [] },
    ],
  });
  s.live = run(s.sealed, { type: 'open', at: T0 });
  s.entropyLocked = run(s.live, { type: 'lockEntropy', at: T0, entropy: FIXED_ENTROPY });
  s.revealed = run(s.entropyLocked, { type: 'reveal', at: T0, secret: FIXED_SECRET });
  s.drawing = run(s.revealed, { type: 'drawAuditee', at: T0 });
  s.presented = run(s.drawing, { type: 'presentAuditee', at: T0 });
  s.reporting = run(s.presented, { type: 'startReport', at: T0 });
  s.paused = run(s.reporting, { type: 'pauseReport', at: T0 + 1000 });
  s.reported = run(s.reporting, { type: 'endReport', at: T0 + 2000 });
  s.households = run(s.reported, { type: 'drawHouseholds', at: T0 });
  let done = s.households;
  for (const h of current(done)?.households ?? []) {
    done = run(done, { type: 'recordOutcome', at: T0, household: h.number, outcome: '属实', satisfaction: '满意' });
  }
  s.callsDone = done;
  s.judging = run(s.callsDone, { type: 'openJudging', at: T0 });
  s.judgingLocked = run(s.judging, { type: 'lockJudging', at: T0 });
  s.scoresRevealed = run(s.judgingLocked, { type: 'revealScores', at: T0 });
  s.result = run(s.scoresRevealed, { type: 'showResult', at: T0 });
  s.closed = run(s.result, { type: 'close', at: T0 });
  return s;
}

export function commandsFor(state: ShowState): ShowCommand[] {
  const household = firstOpenHousehold(state);
  return [
    { type: 'open', at: T0 },
    { type: 'lockEntropy', at: T0, entropy: FIXED_ENTROPY },
    { type: 'reveal', at: T0, secret: FIXED_SECRET },
    { type: 'drawAuditee', at: T0 },
    { type: 'presentAuditee', at: T0 },
    { type: 'replaceAuditee', at: T0, reason: 'LEAVE' },
    { type: 'startReport', at: T0 },
    { type: 'pauseReport', at: T0 + 500 },
    { type: 'resumeReport', at: T0 + 700 },
    { type: 'extendReport', at: T0, seconds: 60 },
    { type: 'endReport', at: T0 + 900 },
    { type: 'drawHouseholds', at: T0 },
    { type: 'setCallStatus', at: T0, household, callStatus: '呼叫中' },
    { type: 'recordOutcome', at: T0, household, outcome: '属实', satisfaction: '基本满意' },
    { type: 'replaceHousehold', at: T0, household, reason: 'NO_ANSWER' },
    { type: 'openJudging', at: T0 },
    { type: 'lockJudging', at: T0 },
    { type: 'revealScores', at: T0 },
    { type: 'showResult', at: T0 },
    { type: 'finishRound', at: T0 },
    { type: 'close', at: T0 },
    { type: 'cue', at: T0, graphic: 'opening', round: null },
    { type: 'take', at: T0 },
    { type: 'out', at: T0, layer: 'main' },
    { type: 'restore', at: T0 },
    { type: 'clearAll', at: T0 },
    { type: 'setBug', at: T0, visible: true },
    { type: 'requestRecheck', at: T0, seat: 1 },
    { type: 'correctScore', at: T0, seat: 1, items: [8000], hundredths: 8000, reason: '录入错误' },
    {
      type: 'submitScore',
      at: T0,
      seat: 1,
      round: current(state)?.index ?? 0,
      auditeeNumber: current(state)?.auditeeNumber ?? '',
      hundredths: 8850,
      submissionId: 'sub-1',
    },
  ];
}

/** The legal commands in each situation; every other command must be refused. */
export const LEGAL: Record<string, ShowCommand['type'][]> = {
  sealed: ['open'],
  live: ['lockEntropy'],
  entropyLocked: ['reveal'],
  revealed: ['drawAuditee', 'close'],
  drawing: ['presentAuditee', 'replaceAuditee'],
  presented: ['replaceAuditee', 'startReport'],
  reporting: ['pauseReport', 'extendReport', 'endReport'],
  paused: ['resumeReport', 'extendReport', 'endReport'],
  reported: ['drawHouseholds'],
  households: ['setCallStatus', 'recordOutcome', 'replaceHousehold'],
  callsDone: ['setCallStatus', 'recordOutcome', 'replaceHousehold', 'openJudging'],
  judging: ['lockJudging', 'submitScore'],
  judgingLocked: ['revealScores'],
  scoresRevealed: ['showResult'],
  result: ['drawAuditee', 'close'],
  closed: [],
};

/**
 * The outputs stay under the operator's hand in every situation; a take needs something cued, an
 * out a graphic on the layer (`legalOut`), 恢复 a panic before it.
 */
export const ALWAYS_LEGAL: ShowCommand['type'][] = ['cue', 'clearAll', 'setBug'];

/** Whether taking the main layer out is legal: when a main card is on air. */
export const legalOut = (state: ShowState, command: ShowCommand): boolean =>
  command.type === 'out' && state.air.layers[command.layer].program !== null;
