/**
 * Masking of private people's data. Applied on the server before anything reaches an
 * overlay, a public page or a registry listing: 张*三, 张*, 138****1234.
 */

import { ANY_NAME_DOT, NAME_SPACES } from './protocol/name-rules';
import { codePointFault } from './protocol/text-rules';

/** Spaces of every kind. */
const SPACES = new RegExp(`[${NAME_SPACES}]`, 'u');
/** A grapheme that is a real character of a name: it holds a letter or a digit (a filler, a symbol or a blank does not). */
const REAL = /[\p{L}\p{N}]/u;

/** Whether a character is dropped before masking: a space, or one the text rules refuse (it shows nothing). */
function dropped(char: string): boolean {
  const cp = char.codePointAt(0) ?? 0;
  return SPACES.test(char) || (cp >= 0xd800 && cp <= 0xdfff) || codePointFault(cp) !== null;
}

const segmenter = new Intl.Segmenter('zh', { granularity: 'grapheme' });

/**
 * A name as a reader sees it: NFC, no spaces or invisible characters between its parts (rosters
 * align 张\u3000三 and 李 四 with spaces), one middle dot form, split into grapheme clusters (a
 * character with its combining marks counts once).
 */
export function nameGraphemes(name: string): string[] {
  const clean = Array.from(name.normalize('NFC'))
    .filter((char) => !dropped(char))
    .join('')
    .replace(ANY_NAME_DOT, '·')
    .replace(/·{2,}/gu, '·')
    .replace(/^·|·$/gu, '');
  // Names stored before the text rules may still hold a filler the rules now refuse, or a blank
  // symbol (U+2800): only graphemes with a letter or digit count, so none can stand for a middle.
  return Array.from(segmenter.segment(clean), (s) => s.segment).filter((g) => g === '·' || REAL.test(g));
}

/**
 * 张*三, 张* (two characters: the surname only), 欧**明, * (one character: nothing shown),
 * 阿**·**曼 (the dots of an ethnic name stay). At most the first and the last character show, never
 * two real characters side by side.
 */
export function maskName(name: string): string {
  const chars = nameGraphemes(name);
  // The short rules count real characters: 阿·曼 is a two-character name, shown as 阿*.
  const real = chars.filter((c) => c !== '·');
  if (real.length === 0) return '';
  if (real.length === 1) return '*';
  if (real.length === 2) return `${real[0]}*`;
  const middle = chars.slice(1, -1).map((c) => (c === '·' ? '·' : '*'));
  return `${chars[0]}${middle.join('')}${chars.at(-1)}`;
}

export function maskPhone(phone: string): string {
  // Full-width digits (１３８…) count as digits: NFKC folds them to ASCII first.
  const digits = phone.normalize('NFKC').replace(/\D/gu, '');
  if (digits.length === 0) return '';
  if (digits.length === 11 && digits.startsWith('1')) return `${digits.slice(0, 3)}****${digits.slice(7)}`;
  if (digits.length <= 4) return '*'.repeat(digits.length);
  return `${'*'.repeat(digits.length - 4)}${digits.slice(-4)}`;
}
