import { cleanText } from './normalize';

/**
 * The one stored form of a phone number (docs/data-format.md, "Phones"). A roster writes one phone
 * as 0539-2251234, 0539 2251234, (0539)2251234, +86 539 2251234 or in full-width digits; each of
 * them must be stored alike, or one household gets two forms and its roster two hashes. The digits
 * decide the form, never how they were grouped: separators go, a country prefix goes, and a landline's
 * area code is found by the national numbering plan (below), then written before one '-'.
 */

/** Removed wherever they stand: every space (JavaScript's `\s`), hyphen and dash forms, and round brackets. */
export const PHONE_SEPARATORS = '\\s\\-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d()\uff08\uff09';

/** The country prefixes removed from the start: China's +86, written with a plus or with 00. */
export const COUNTRY_PREFIXES = ['+86', '0086'] as const;

/** A mobile: 11 digits starting with 1, stored as the 11 digits. */
export const MOBILE = /^1\d{10}$/u;

/**
 * A landline: area code (010, 02X, or four digits 0[3-9]XX; China's numbering plan has no other
 * codes) and a local number of 7 or 8 digits. Stored as `<area code>-<local number>`.
 */
export const LANDLINE = /^(010|02\d|0[3-9]\d\d)(\d{7,8})$/u;

const SEPARATORS = new RegExp(`[${PHONE_SEPARATORS}]`, 'gu');
/** ０–９ and ＋, folded to ASCII (other full-width letters are no part of a phone and are refused). */
const FULL_WIDTH = /[\uff10-\uff19\uff0b]/gu;
const FULL_WIDTH_OFFSET = 0xfee0;

export type PhoneResult = { ok: true; phone: string } | { ok: false };

/**
 * The stored form of a phone cell, after cleanText (NFC, trimmed, formula guard). Empty stays empty
 * (such a contact is never drawn for a call). Extensions (转 801, -801) are refused: nothing in the
 * show dials them, and a guess at where the number ends would store the wrong digits.
 */
export function cleanPhone(raw: string): PhoneResult {
  if (MOBILE.test(raw)) return { ok: true, phone: raw }; // the usual case, nothing to clean
  const bare = cleanText(raw)
    .replace(FULL_WIDTH, (ch) => String.fromCharCode(ch.charCodeAt(0) - FULL_WIDTH_OFFSET))
    .replace(SEPARATORS, '');
  if (bare === '') return { ok: true, phone: '' };
  const prefix = COUNTRY_PREFIXES.find((p) => bare.startsWith(p));
  let digits = prefix === undefined ? bare : bare.slice(prefix.length);
  if (!/^\d+$/u.test(digits)) return { ok: false };
  if (MOBILE.test(digits)) return { ok: true, phone: digits };
  // Written internationally, a landline drops its trunk 0 (+86 539 2251234); some keep it (+86 0539…).
  if (prefix !== undefined && !digits.startsWith('0')) digits = `0${digits}`;
  const landline = LANDLINE.exec(digits);
  return landline === null ? { ok: false } : { ok: true, phone: `${landline[1]}-${landline[2]}` };
}
