import { Value } from '@sinclair/typebox/value';
import {
  FANOUT_STALE_MS,
  FanoutStatusSchema,
  fanoutModeLabel,
  type FanoutMode,
  type FanoutProcessState,
  type FanoutStatus,
  type RedisState,
} from '$protocol/fanout';

/**
 * The output monitor's view of public viewing, from the primary's `show:fanout` status and the
 * revisions the desk has seen. Pure: the desk's state class feeds it the status, its revisions and the time.
 */

/** A status as it came over the socket, checked on arrival: what does not match the protocol is not shown. */
export function readFanoutStatus(value: unknown): FanoutStatus | null {
  return Value.Check(FanoutStatusSchema, value) ? value : null;
}

/**
 * A process's copy of the show against the desk's: the same revision, not yet caught up (normal for
 * a heartbeat or two after every step), behind for longer than that, or none held yet.
 */
export type HeldRevision = 'current' | 'catching-up' | 'behind' | 'none';

export interface FanoutRow {
  fanoutId: string;
  pid: number;
  state: FanoutProcessState;
  viewers: number;
  revision: number | null;
  held: HeldRevision;
  /** Revisions between the one held and the desk's (0 when current or none held). */
  behindBy: number;
  lagMs: number | null;
  memoryMb: number;
}

export interface PublicViewing {
  mode: FanoutMode;
  modeLabel: string;
  /** null: one process, no Redis. */
  redis: RedisState | null;
  rows: FanoutRow[];
  /**
   * Viewers last reported by processes now lost: the server's count leaves them out (it counts only
   * what it hears), yet they may well still be watching, so the monitor names them beside it.
   */
  lostViewers: number;
}

/** A revision the desk received, and the local time it arrived (ms): the desk's recent ones, oldest first. */
export interface SeenRevision {
  revision: number;
  at: number;
}

/**
 * A fan-out reports the revision it holds once a heartbeat and the desk hears it up to a viewer
 * interval later, so every process looks behind for a moment after each step. Behind for as long
 * as it takes a silent process to be called lost is worth the operator's eye.
 */
export const BEHIND_AFTER_MS = FANOUT_STALE_MS;

/** Counted from the first newer revision the desk saw, so a process stuck while steps follow each other is still caught. */
function heldRevision(revision: number | null, seen: readonly SeenRevision[], now: number): HeldRevision {
  if (revision === null) return 'none';
  const newer = seen.find((entry) => entry.revision > revision);
  if (newer === undefined) return 'current';
  return now - newer.at > BEHIND_AFTER_MS ? 'behind' : 'catching-up';
}

/** How many of its latest revisions the desk remembers the arrival of (a process further behind is long behind). */
export const SEEN_KEPT = 64;

/** The desk's seen revisions after a snapshot arrives: a newer revision is added, an old or repeated one changes nothing. */
export function rememberRevision(seen: readonly SeenRevision[], revision: number, at: number): readonly SeenRevision[] {
  if (revision <= (seen.at(-1)?.revision ?? -1)) return seen;
  return [...seen, { revision, at }].slice(-SEEN_KEPT);
}

/** The monitor's rows; null before the first status (or after one that failed its check). */
export function publicViewing(
  status: FanoutStatus | null,
  seen: readonly SeenRevision[],
  now: number,
): PublicViewing | null {
  if (status === null) return null;
  const lost = status.processes.filter((process) => process.state === 'lost');
  return {
    mode: status.mode,
    modeLabel: fanoutModeLabel(status.mode, status.processes.length),
    redis: status.redis,
    rows: status.processes.map((process) => ({
      fanoutId: process.fanoutId,
      pid: process.pid,
      state: process.state,
      viewers: process.viewers,
      revision: process.revision,
      held: heldRevision(process.revision, seen, now),
      behindBy: process.revision === null ? 0 : Math.max(0, (seen.at(-1)?.revision ?? 0) - process.revision),
      lagMs: process.lagMs === null ? null : Math.round(process.lagMs),
      memoryMb: Math.round(process.rssBytes / 2 ** 20),
    })),
    lostViewers: lost.reduce((sum, process) => sum + process.viewers, 0),
  };
}
