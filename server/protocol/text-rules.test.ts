import { describe, expect, it } from 'vitest';
import { findTextFault, TEXT_FAULTS, type TextFault } from './text-rules';

/** One representative of each refused class, and where it sits in the text. */
const REFUSED: [string, TextFault, string][] = [
  ['张\uD800三', 'LONE_SURROGATE', 'U+D800'],
  ['张三\uDC00', 'LONE_SURROGATE', 'U+DC00'],
  ['\uDE00\uD83D', 'LONE_SURROGATE', 'U+DE00'],
  ['张\u0000三', 'CONTROL', 'U+0000'],
  ['张\t三', 'CONTROL', 'U+0009'],
  ['张\r三', 'CONTROL', 'U+000D'],
  ['张\n三', 'CONTROL', 'U+000A'],
  ['张\u007f三', 'CONTROL', 'U+007F'],
  ['张\u0085三', 'CONTROL', 'U+0085'],
  ['张\u009f三', 'CONTROL', 'U+009F'],
  ['张\u2028三', 'LINE_SEPARATOR', 'U+2028'],
  ['张\u2029三', 'LINE_SEPARATOR', 'U+2029'],
  ['\u202e三张', 'BIDI_CONTROL', 'U+202E'],
  ['张\u202a三', 'BIDI_CONTROL', 'U+202A'],
  ['张\u2066三', 'BIDI_CONTROL', 'U+2066'],
  ['张\u200f三', 'BIDI_CONTROL', 'U+200F'],
  ['张\u061c三', 'BIDI_CONTROL', 'U+061C'],
  ['王\u200b五', 'INVISIBLE_FORMAT', 'U+200B'],
  ['王\u200d五', 'INVISIBLE_FORMAT', 'U+200D'],
  ['王\u2060五', 'INVISIBLE_FORMAT', 'U+2060'],
  ['王\ufeff五', 'INVISIBLE_FORMAT', 'U+FEFF'],
  ['王\u00ad五', 'INVISIBLE_FORMAT', 'U+00AD'],
  ['王\u3164五', 'INVISIBLE_FORMAT', 'U+3164'],
  ['王\u{e0041}五', 'INVISIBLE_FORMAT', 'U+E0041'],
  ['Ǯ\ufffd\ufffd', 'REPLACEMENT', 'U+FFFD'],
  ['王\ufdd0五', 'NONCHARACTER', 'U+FDD0'],
  ['王\uffff五', 'NONCHARACTER', 'U+FFFF'],
  ['王\u{1fffe}五', 'NONCHARACTER', 'U+1FFFE'],
];

describe('text rules', () => {
  it.each(REFUSED)('refuses %j as %s at %s', (text, fault, codePoint) => {
    const found = findTextFault(text);
    expect(found).toMatchObject({ fault, codePoint });
    expect(text.codePointAt(found?.index ?? -1)).toBe(Number.parseInt(codePoint.slice(2), 16));
  });

  it('covers every declared class', () => {
    expect(new Set(REFUSED.map(([, fault]) => fault))).toEqual(new Set(TEXT_FAULTS));
  });

  it('allows the text people actually write', () => {
    for (const text of [
      '',
      '张三',
      '欧阳明',
      '阿不都·热合曼',
      '𠀀𪚥明', // CJK extension B: a valid surrogate pair
      'José Ñúñez',
      '县委组织部 2026年 第3期（特别抽查）',
      '１３８ ００１３',
      '한국어',
      '😀',
      '葛\u{e0100}', // an ideographic variation selector picks a glyph, it is not invisible
    ]) {
      expect(findTextFault(text), text).toBeNull();
    }
  });

  it('allows U+000A only in multi-line text, and nothing else of C0', () => {
    expect(findTextFault('第一行\n第二行', { lines: true })).toBeNull();
    expect(findTextFault('第一行\r\n第二行', { lines: true })).toMatchObject({ fault: 'CONTROL', codePoint: 'U+000D' });
    expect(findTextFault('第一行\u2028第二行', { lines: true })).toMatchObject({ fault: 'LINE_SEPARATOR' });
  });
});
