import { timingSafeEqual } from 'node:crypto';

/**
 * Whether a given secret (seat token, PIN, overlay key) is the stored one, in time that does not
 * depend on where they differ. Compared as UTF-16 code units, like the strings themselves.
 */
export function sameSecret(expected: string, given: string): boolean {
  const a = Buffer.from(expected, 'utf16le');
  const b = Buffer.from(given, 'utf16le');
  return a.length === b.length && timingSafeEqual(a, b);
}
