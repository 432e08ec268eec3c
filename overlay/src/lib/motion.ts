import { REPLACEMENT_TIMING, REVEAL_TIMING } from '$protocol/show';

/**
 * Motion as pure functions of server time: an output that reloads, or a second output, computes
 * the same frame for the same moment. Nothing here reads a clock.
 */

/** Full turns over the reel before it settles. */
export const ROLL_TURNS = 2;

export interface RollFrame {
  /** Position along the reel, in rows (fractional while moving). */
  position: number;
  /** Index into the reel of the row at the window's centre. */
  index: number;
  /** How far the centre row has moved on, 0–1 (for the sub-row offset). */
  fraction: number;
  phase: 'waiting' | 'rolling' | 'landed';
}

/** Cubic ease-out: fast at first, settling gently on the result. */
const easeOut = (u: number) => 1 - (1 - u) ** 3;

export function rollFrame(reelLength: number, startsAt: number, landsAt: number, now: number): RollFrame {
  const total = reelLength * ROLL_TURNS + (reelLength - 1);
  if (reelLength <= 1 || now >= landsAt) {
    return { position: total, index: reelLength - 1, fraction: 0, phase: 'landed' };
  }
  if (now <= startsAt) return { position: 0, index: 0, fraction: 0, phase: 'waiting' };
  const position = total * easeOut((now - startsAt) / (landsAt - startsAt));
  const whole = Math.floor(position);
  return { position, index: whole % reelLength, fraction: position - whole, phase: 'rolling' };
}

export interface SwapFrame {
  /** The replacement on screen (index into the round's replacedAuditees), -1 before the first. */
  active: number;
  phase: 'none' | 'striking' | 'moving' | 'landed';
  /** How far the strike-through has drawn across the replaced name, 0–1. */
  strike: number;
  /** How far the alternate has moved into the window's centre (eased), 0–1. */
  move: number;
}

/** Ease in and out: a calm start and a calm stop, for a name that must be read. */
const easeInOut = (u: number) => (u < 0.5 ? 4 * u ** 3 : 1 - (-2 * u + 2) ** 3 / 2);
const clamp01 = (u: number) => Math.min(1, Math.max(0, u));

/**
 * The replacement shown at a server moment: the latest one that has started. Its name is struck
 * through first (and held while the reason is read), then the alternate moves in, ending at landsAt.
 */
export function swapFrame(replacements: readonly { startsAt: number; landsAt: number }[], now: number): SwapFrame {
  let active = -1;
  for (const [i, r] of replacements.entries()) if (r.startsAt <= now) active = i;
  const current = replacements[active];
  if (current === undefined) return { active, phase: 'none', strike: 0, move: 0 };
  if (now >= current.landsAt) return { active, phase: 'landed', strike: 1, move: 1 };
  const strike = clamp01((now - current.startsAt) / REPLACEMENT_TIMING.strikeMs);
  const move = easeInOut(clamp01((now - (current.landsAt - REPLACEMENT_TIMING.moveMs)) / REPLACEMENT_TIMING.moveMs));
  return { active, phase: move > 0 ? 'moving' : 'striking', strike, move };
}

export interface RevealFrame {
  /** How many seats (in seat order) show their score. */
  shown: number;
  /** Whether the dropped scores are struck through. */
  struck: boolean;
  /** Whether the final score and the announcement show. */
  final: boolean;
  /** Server time of the next change, or null when the reveal is complete. */
  nextAt: number | null;
}

export function revealFrame(seats: number, revealedAt: number, now: number): RevealFrame {
  const { leadMs, perSeatMs, strikeMs, finalMs } = REVEAL_TIMING;
  const firstAt = revealedAt + leadMs;
  const lastSeatAt = firstAt + (seats - 1) * perSeatMs;
  const strikeAt = lastSeatAt + strikeMs;
  const finalAt = strikeAt + finalMs;
  const shown = now < firstAt ? 0 : Math.min(seats, Math.floor((now - firstAt) / perSeatMs) + 1);
  const struck = now >= strikeAt;
  const final = now >= finalAt;
  let nextAt: number | null = null;
  if (shown < seats) nextAt = firstAt + shown * perSeatMs;
  else if (!struck) nextAt = strikeAt;
  else if (!final) nextAt = finalAt;
  return { shown, struck, final, nextAt };
}

/** 05:00, 00:59 (rounded up, so 00:00 shows only when time is really up). */
export function formatClock(ms: number): string {
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  return `${String(Math.floor(seconds / 60)).padStart(2, '0')}:${String(seconds % 60).padStart(2, '0')}`;
}

/** 1234abcd…ef90: long hex shortened for the screen (the full value is on the verify page). */
export function shortHash(hex: string, head = 8, tail = 4): string {
  return hex.length <= head + tail + 1 ? hex : `${hex.slice(0, head)}…${hex.slice(-tail)}`;
}

/** 66.67% from hundredths of a percent. */
export function percent(hundredths: number | null): string {
  if (hundredths === null) return '—';
  const whole = Math.floor(hundredths / 100);
  const fraction = hundredths % 100;
  return fraction === 0 ? `${whole}%` : `${whole}.${String(fraction).padStart(2, '0')}%`;
}
