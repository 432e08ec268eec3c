import { sha256Hex } from '../draw-engine/sha256';

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
