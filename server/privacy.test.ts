import { describe, expect, it } from 'vitest';
import { maskName, maskPhone, nameGraphemes } from './privacy';

describe('masking', () => {
  it('masks names as 张*三, 张*, 欧**明, and a one-character name entirely', () => {
    expect(maskName('张小三')).toBe('张*三');
    expect(maskName('张三')).toBe('张*');
    expect(maskName('欧阳晓明')).toBe('欧**明');
    expect(maskName('王')).toBe('*');
    expect(maskName('')).toBe('');
  });

  it('masks a name aligned with spaces or carrying invisible characters as the name it is', () => {
    expect(maskName('张　三')).toBe('张*');
    expect(maskName('李 四')).toBe('李*');
    expect(maskName('王\u200B五')).toBe('王*');
    expect(maskName('\u202E赵\u2060钱孙\uFEFF')).toBe('赵*孙');
    expect(maskName(' 王 ')).toBe('*');
  });

  it('keeps the dots of an ethnic name and counts a character with its combining mark once', () => {
    expect(maskName('阿不都·热合曼')).toBe('阿**·**曼');
    expect(maskName('阿不都・热合曼')).toBe('阿**·**曼');
    expect(maskName('阿·曼')).toBe('阿*');
    expect(maskName('·王·')).toBe('*');
    expect(maskName('Zoe\u0301 Li')).toBe('Z***i');
    expect(nameGraphemes('e\u0301a')).toEqual(['é', 'a']);
  });

  it('masks mobiles as 138****1234 and keeps only the last four digits of others', () => {
    expect(maskPhone('13812341234')).toBe('138****1234');
    expect(maskPhone('0539-2251234')).toBe('*******1234');
    expect(maskPhone('１３８ １２３４ １２３４')).toBe('138****1234');
    expect(maskPhone('+86 138-1234-1234')).toBe('*********1234');
    expect(maskPhone('')).toBe('');
  });
});

/** A small seeded generator: the same names on every run, so a failure can be reproduced. */
function generator(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  return <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
}

const HAN = Array.from('张王李赵钱孙周吴郑冯陈褚卫蒋沈韩杨朱秦尤许何吕施明华建国秀英丽强军平芳');
const COMPOUND = ['欧阳', '司马', '上官', '诸葛'];
const JUNK = [' ', '\u3000', '\u00A0', '\t', '\u200B', '\u200C', '\u200D', '\u2060', '\uFEFF', '\u202E', '\u00AD', ''];
const MARKS = ['\u0301', '\u0300', '\u0308'];

describe('masking holds for every shape of name', () => {
  it('never shows two real characters side by side beyond the surname, over 5,000 generated names', () => {
    const pick = generator(20261201);
    for (let n = 0; n < 5000; n += 1) {
      const length = 1 + Math.floor(pick(Array.from({ length: 12 }, (_, i) => i)));
      const parts: string[] = pick([true, false]) ? [pick(COMPOUND)] : [];
      while (parts.join('').length < length) {
        const roll = pick([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
        if (roll === 0 && parts.length > 1) parts.push('·');
        else parts.push(pick(HAN) + (roll === 1 ? pick(MARKS) : ''));
        parts.push(pick(JUNK));
      }
      const raw = parts.join('');
      const chars = nameGraphemes(raw).filter((c) => c !== '·');
      const masked = maskName(raw);
      if (chars.length === 2) expect(masked, raw).toBe(`${chars[0]}*`);
      expect(masked, raw).not.toMatch(/[\s\u200B-\u200F\u202A-\u202E\u2060\uFEFF\u00AD]/u);
      if (chars.length === 1) expect(masked, raw).toBe('*');
      for (let i = 1; i + 1 < chars.length; i += 1) {
        expect(masked.includes(`${chars[i]}${chars[i + 1]}`), `${JSON.stringify(raw)} → ${masked}`).toBe(false);
      }
      // At most the first and the last character show.
      const shown = nameGraphemes(masked).filter((c) => c !== '*' && c !== '·');
      expect(shown.length, raw).toBeLessThanOrEqual(2);
    }
  });
});
