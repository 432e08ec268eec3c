/**
 * The characters a person's name is laid out with, declared once for the two places that read
 * names: the roster import, which stores one form (server/registry/normalize.ts, normaliseName),
 * and the masking of names on public surfaces (server/privacy.ts), which must see the same letters.
 */

/** Every kind of space a roster aligns names with (ASCII, no-break, U+2000–U+200A, ideographic U+3000): JavaScript's `\s`, as a class body. */
export const NAME_SPACES = String.raw`\s`;

/** The middle-dot forms that separate the parts of an ethnic name (阿不都·热合曼): U+00B7, U+2022, U+2027, U+30FB, U+FF65. */
export const NAME_DOTS = '\u00b7\u2022\u2027\u30fb\uff65';

/** The one form stored and shown: U+00B7 MIDDLE DOT. */
export const NAME_DOT = '\u00b7';

/** Any of the middle-dot forms, for replacing each with NAME_DOT (import and masking alike). */
export const ANY_NAME_DOT = new RegExp(`[${NAME_DOTS}]`, 'gu');
