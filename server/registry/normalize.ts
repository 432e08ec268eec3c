import { ANY_NAME_DOT, NAME_DOT, NAME_DOTS, NAME_SPACES } from '../protocol/name-rules';
import { AUDITEE_STATUSES, CONSENT_VALUES, GENDERS } from '../protocol/registry';
/**
 * Pure cell normalisation for roster imports. Spreadsheets come with full-width digits,
 * stray spaces, +86 prefixes and mixed forms of the same word; the registry stores one form.
 */

/** Full-width forms U+FF01–U+FF5E sit at a fixed distance from ASCII U+0021–U+007E. */
const FULL_WIDTH_OFFSET = 0xfee0;

/**
 * NFC and trimmed, including ideographic spaces and stray BOMs. A leading apostrophe before
 * = + - @ is the formula guard our own exports write (csv-writer.ts); it is not data.
 */
export function cleanText(raw: string): string {
  if (raw === '' || isCleanCell(raw)) return raw;
  const normalised = ALWAYS_NFC.test(raw) ? raw : raw.normalize('NFC');
  const trimmed = EDGE_SPACE.test(normalised) ? normalised.replace(EDGE_SPACES, '') : normalised;
  return trimmed.charCodeAt(0) === 39 && FORMULA_GUARD.test(trimmed) ? trimmed.slice(1) : trimmed;
}

/**
 * True for a non-empty cell that cleanText would return unchanged and that holds no refused
 * character (server/protocol/text-rules.ts): printable ASCII and CJK ideographs (always NFC), no space at either end, and no
 * formula-guard apostrophe. Most roster cells are like this.
 */
export function isCleanCell(raw: string): boolean {
  return CLEAN_CELL.test(raw) && raw.charCodeAt(0) !== 39;
}

const ALWAYS_NFC = /^[\u0020-\u007e\u4e00-\u9fff]*$/u;
const CLEAN_CELL = /^[\u0021-\u007e\u4e00-\u9fff](?:[\u0020-\u007e\u4e00-\u9fff]*[\u0021-\u007e\u4e00-\u9fff])?$/u;
const EDGE_SPACE = /^[\s\u3000\ufeff]|[\s\u3000\ufeff]$/u;
const EDGE_SPACES = /^[\s\u3000\ufeff]+|[\s\u3000\ufeff]+$/gu;
const FORMULA_GUARD = /^'[=+\-@]/u;

/** Full-width digits and latin letters (０-９, Ａ-Ｚ, ａ-ｚ, －) folded to ASCII. */
export function foldFullWidth(raw: string): string {
  if (!HAS_FULL_WIDTH.test(raw)) return raw;
  return raw.replace(/[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\uff0d]/gu, (ch) =>
    String.fromCharCode(ch.charCodeAt(0) - FULL_WIDTH_OFFSET),
  );
}

const HAS_FULL_WIDTH = /[\uff10-\uff5a]/u;

/** Registry numbers are strings of digits, latin letters, '-' and '_'; never JS numbers. */
export const NUMBER_PATTERN = /^[0-9A-Za-z][0-9A-Za-z_-]{0,31}$/;

export function cleanNumber(raw: string): string {
  const folded = foldFullWidth(cleanText(raw));
  return /\s/u.test(folded) ? folded.replace(/\s+/gu, '') : folded;
}

/**
 * The fixed vocabularies take their exact words only (trimmed, as every cell is), and an empty
 * cell as the documented default. A near word (休假, 在职, yes, F) is refused with the allowed
 * values rather than guessed: a guess would put a cadre on leave who is only on holiday, or count
 * a household as consenting to air from an ambiguous 1.
 */
function exactWord<T extends string>(words: readonly T[], empty: T): (raw: string) => T | undefined {
  return (raw) => {
    const cell = cleanText(raw);
    if (cell === '') return empty;
    return words.find((word) => word === cell);
  };
}

export const cleanStatus = exactWord(AUDITEE_STATUSES, '在岗');
export const cleanConsent = exactWord(CONSENT_VALUES, '未知');
export const cleanGender = exactWord(GENDERS, '');

/** How a refusal names the allowed words of each vocabulary, with what an empty cell means. */
export const ALLOWED_WORDS = {
  status: `${AUDITEE_STATUSES.join('、')}（留空视为在岗）`,
  consent: `${CONSENT_VALUES.join('、')}（留空视为未知）`,
  gender: `${GENDERS.filter(Boolean).join('、')}（可留空）`,
} as const;

/** A space run that goes: between two Han characters, or next to a middle dot (张\u3000三, 阿不都 · 热合曼). */
const SPACE_BETWEEN_HAN = new RegExp(
  String.raw`(?<=[\p{sc=Han}${NAME_DOT}])[${NAME_SPACES}]+(?=[\p{sc=Han}${NAME_DOT}])|(?<=${NAME_DOT})[${NAME_SPACES}]+|[${NAME_SPACES}]+(?=${NAME_DOT})`,
  'gu',
);
const SPACE_RUN = new RegExp(`[${NAME_SPACES}]+`, 'gu');
const NAME_NEEDS_RULE = new RegExp(`[${NAME_SPACES}${NAME_DOTS}]`, 'u');

/**
 * The stored form of a person's name (household heads, cadres), applied after cleanText (NFC,
 * trimmed) to a cell the text rules let through (invisible and format characters are refused
 * there, not removed here). Rosters align names with spaces (张\u3000三, 李 四) and write the dot of an
 * ethnic name in five forms; masking on air must see the same two characters whatever the roster
 * did, and the roster hash must not change with the alignment. So: every middle-dot form becomes
 * U+00B7, spaces between Han characters and around a dot go, and any other space run (between
 * latin words) becomes one U+0020. docs/data-format.md, "Cell rules".
 */
export function normaliseName(name: string): string {
  if (!NAME_NEEDS_RULE.test(name)) return name;
  return name.replace(ANY_NAME_DOT, NAME_DOT).replace(SPACE_BETWEEN_HAN, '').replace(SPACE_RUN, ' ');
}
