import { literalUnion } from './literal-union';

/**
 * The characters no text in choucha may carry, whatever brought it (a JSON body, a socket payload,
 * a roster cell). Each class is refused with its name, never silently dropped or replaced: a
 * dropped character changes an official record, and each of these breaks something real —
 * a bidi override reverses a name on air, U+2028 ends a line in the canonical form and in
 * JavaScript source, a lone surrogate cannot be written as UTF-8 (the bundle's hashes and the
 * reference verifier read UTF-8), U+FFFD means a file was decoded with the wrong encoding.
 * docs/data-format.md lists the same classes.
 */
export const TEXT_FAULTS = [
  'LONE_SURROGATE',
  'CONTROL',
  'LINE_SEPARATOR',
  'BIDI_CONTROL',
  'INVISIBLE_FORMAT',
  'REPLACEMENT',
  'NONCHARACTER',
] as const;
export const TextFaultSchema = literalUnion(TEXT_FAULTS);
export type TextFault = (typeof TEXT_FAULTS)[number];

export const TEXT_FAULT_LABEL: Record<TextFault, string> = {
  LONE_SURROGATE: '不成对的代理码元（文字编码已损坏）',
  CONTROL: '控制字符（含换行、制表符、U+0085）',
  LINE_SEPARATOR: '行分隔符或段分隔符（U+2028、U+2029）',
  BIDI_CONTROL: '文字方向控制符（会让文字倒序显示）',
  INVISIBLE_FORMAT: '不可见的格式字符（零宽字符、软连字符等）',
  REPLACEMENT: '替换字符 U+FFFD（文件编码无法识别）',
  NONCHARACTER: 'Unicode 非字符码位',
};

/** Where a text's first refused character sits: its class, its code point (U+202E) and its index in UTF-16 units. */
export interface TextFaultAt {
  fault: TextFault;
  codePoint: string;
  index: number;
}

export interface TextRuleOptions {
  /** Multi-line text (notes, reasons): U+000A is allowed; every other control character still is not. */
  lines?: boolean;
}

const LF = 0x0a;

/** The class of one code point, or null when it is allowed (lone surrogates are found by the caller). */
export function codePointFault(cp: number, { lines = false }: TextRuleOptions = {}): TextFault | null {
  if (cp < 0x20) return lines && cp === LF ? null : 'CONTROL';
  if (cp < 0x7f) return null;
  if (cp <= 0x9f) return 'CONTROL'; // DEL and C1, incl. U+0085 NEXT LINE
  if (cp === 0x2028 || cp === 0x2029) return 'LINE_SEPARATOR';
  if (isBidiControl(cp)) return 'BIDI_CONTROL';
  if (isInvisibleFormat(cp)) return 'INVISIBLE_FORMAT';
  if (cp === 0xfffd) return 'REPLACEMENT';
  if ((cp >= 0xfdd0 && cp <= 0xfdef) || (cp & 0xfffe) === 0xfffe) return 'NONCHARACTER';
  return null;
}

function isBidiControl(cp: number): boolean {
  return (
    cp === 0x061c || cp === 0x200e || cp === 0x200f || (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069)
  );
}

/**
 * Characters that show nothing: every format character (Unicode Cf, outside bidi) and every
 * default-ignorable code point (the Hangul fillers, U+FFF0–U+FFF8, the unassigned tag plane…), but
 * not the variation selectors, which pick a glyph of the character before them (an IVS on a rare
 * surname). A short list was not enough: 王\u{1D173}五 (MUSICAL SYMBOL BEGIN BEAM) passed it and was
 * masked 王*五 on air, the invisible character taken for the name's middle.
 */
const INVISIBLE = /[\p{Cf}\p{Default_Ignorable_Code_Point}]/u;
const VARIATION_SELECTOR = /\p{Variation_Selector}/u;

function isInvisibleFormat(cp: number): boolean {
  if (cp < 0xad) return false;
  const char = String.fromCodePoint(cp);
  return INVISIBLE.test(char) && !VARIATION_SELECTOR.test(char);
}

/** Most text is printable ASCII and CJK ideographs: one regular-expression test and no loop. */
const PLAIN_TEXT = /^[\u0020-\u007e\u3000-\u303f\u4e00-\u9fff\uff01-\uff5e]*$/u;

/** The first refused character of a text, or null when the text may be stored. */
export function findTextFault(value: string, options: TextRuleOptions = {}): TextFaultAt | null {
  if (PLAIN_TEXT.test(value)) return null;
  for (let index = 0; index < value.length; index += 1) {
    const unit = value.charCodeAt(index);
    let cp = unit;
    if (unit >= 0xd800 && unit <= 0xdfff) {
      const next = value.charCodeAt(index + 1);
      if (unit > 0xdbff || !(next >= 0xdc00 && next <= 0xdfff)) {
        return { fault: 'LONE_SURROGATE', codePoint: formatCodePoint(unit), index };
      }
      cp = ((unit - 0xd800) << 10) + (next - 0xdc00) + 0x10000;
    }
    const fault = codePointFault(cp, options);
    if (fault) return { fault, codePoint: formatCodePoint(cp), index };
    if (cp > 0xffff) index += 1;
  }
  return null;
}

export function formatCodePoint(cp: number): string {
  return `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
}
