import { sha256Hex } from '../draw-engine/sha256';
import type { DrawState } from '../draw-engine/ceremony';

/** How many pool entries the lottery roll shows before it lands. */
export const REEL_LENGTH = 36;

/**
 * The names a lottery roll passes over: a sample of the real pool, chosen by hashing (no
 * randomness: every output and every reload gets the same reel), ending on the drawn auditee.
 * It only presents a result already decided by the draw.
 */
export function rollReel(pool: readonly string[], drawn: string, salt: string, length = REEL_LENGTH): string[] {
  const others = pool.filter((number) => number !== drawn);
  const wanted = Math.min(length - 1, others.length);
  const picked = new Set<number>();
  for (let i = 0; picked.size < wanted; i += 1) {
    const index = Number.parseInt(sha256Hex(`${salt}:${i}`).slice(0, 12), 16) % others.length;
    picked.add(index);
  }
  return [...[...picked].map((index) => others[index] as string), drawn];
}

/** The stratum a drawn auditee was drawn from, with its size (null when the plan draws a total). */
export interface RollStratum {
  name: string;
  size: number;
}

/**
 * The stratum of the auditee stage that drew `drawn` ('' stages are a plan's total: no stratum).
 * A stratified or ratio draw picks each auditee inside one stratum, so the roll must show that
 * stratum and pass only over its members, never over the whole pool.
 */
export function rollStratum(draw: Pick<DrawState, 'auditeeStages' | 'pool'>, drawn: string): RollStratum | null {
  const stage = draw.auditeeStages?.find((s) => s.order.includes(drawn));
  if (!stage || stage.stratum === '') return null;
  return { name: stage.stratum, size: draw.pool.auditees.filter((a) => a.stratum === stage.stratum).length };
}

/** The pool numbers a roll may pass over: the drawn auditee's stratum, or the whole pool. */
export function reelPool(draw: Pick<DrawState, 'auditeeStages' | 'pool'>, drawn: string): string[] {
  const stratum = rollStratum(draw, drawn);
  return draw.pool.auditees.filter((a) => stratum === null || a.stratum === stratum.name).map((a) => a.number);
}
