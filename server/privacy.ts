/**
 * Masking of private people's data. Applied on the server before anything reaches an
 * overlay, a public page or a registry listing: 张*三, 张*, 138****1234.
 */

import { NAME_DOTS, NAME_SPACES } from './protocol/name-rules';

/** Spaces of every kind and characters that show nothing (zero-width, joiners, bidi controls, soft hyphen). */
const INVISIBLE_OR_SPACE = new RegExp(
  String.raw`\u034F|\u1160|[${NAME_SPACES}\u00AD\u061C\u115F\u180E\u200B-\u200F\u202A-\u202E\u2060-\u206F\u3164\uFEFF\uFFA0]`,
  'gu',
);
/** The middle dots that separate the parts of a name (阿不都·热合曼), in their usual forms. */
const ANY_NAME_DOT = new RegExp(`[${NAME_DOTS}]`, 'gu');
const segmenter = new Intl.Segmenter('zh', { granularity: 'grapheme' });

/**
 * A name as a reader sees it: NFC, no spaces or invisible characters between its parts (rosters
 * align 张\u3000三 and 李 四 with spaces), one middle dot form, split into grapheme clusters (a
 * character with its combining marks counts once).
 */
export function nameGraphemes(name: string): string[] {
  const clean = name
    .normalize('NFC')
    .replace(INVISIBLE_OR_SPACE, '')
    .replace(ANY_NAME_DOT, '·')
    .replace(/·{2,}/gu, '·')
    .replace(/^·|·$/gu, '');
  return Array.from(segmenter.segment(clean), (s) => s.segment);
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
