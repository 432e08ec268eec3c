import { describe, expect, it } from 'vitest';
import {
  cleanConsent,
  cleanGender,
  cleanNumber,
  cleanStatus,
  cleanText,
  normaliseName,
  NUMBER_PATTERN,
} from './normalize';
import { cleanPhone } from './phone';
import { maskName } from '../privacy';

describe('cell normalisation', () => {
  it('trims ASCII, ideographic and BOM spaces and composes to NFC', () => {
    expect(cleanText('\u3000 王小明 \ufeff')).toBe('王小明');
    expect(cleanText('e\u0301')).toBe('\u00e9');
  });

  it('strips the formula guard apostrophe written by our own exports, and only that', () => {
    expect(cleanText("'=SUM(A1)")).toBe('=SUM(A1)');
    expect(cleanText("'+86")).toBe('+86');
    expect(cleanText("'abc")).toBe("'abc");
    expect(cleanText('=SUM(A1)')).toBe('=SUM(A1)');
  });

  it('folds full-width digits and letters in numbers, keeping leading zeros', () => {
    expect(cleanNumber('０００１２')).toBe('00012');
    expect(cleanNumber(' Ａ－０１ ')).toBe('A-01');
    expect(NUMBER_PATTERN.test('00012')).toBe(true);
    expect(NUMBER_PATTERN.test('12 34')).toBe(false);
    expect(NUMBER_PATTERN.test('1'.repeat(33))).toBe(false);
  });

  it('accepts mobiles with +86, spaces, dashes or full-width digits, and landlines', () => {
    expect(cleanPhone('138 1234 5678')).toEqual({ ok: true, phone: '13812345678' });
    expect(cleanPhone('+86-138-1234-5678')).toEqual({ ok: true, phone: '13812345678' });
    expect(cleanPhone('１３８１２３４５６７８')).toEqual({ ok: true, phone: '13812345678' });
    expect(cleanPhone('0539-2251234')).toEqual({ ok: true, phone: '0539-2251234' });
    expect(cleanPhone('')).toEqual({ ok: true, phone: '' });
  });

  it('rejects malformed phones', () => {
    for (const bad of ['1381234567', '23812345678', 'abc', '138123456789', '=1+1']) {
      expect(cleanPhone(bad)).toEqual({ ok: false });
    }
  });

  it('takes statuses, consent and gender in their exact words only, an empty cell as the default', () => {
    expect(cleanStatus('')).toBe('在岗');
    expect(cleanStatus(' 请假 ')).toBe('请假');
    expect(cleanStatus('退休')).toBeUndefined();
    expect(cleanConsent('')).toBe('未知');
    expect(cleanConsent('不同意')).toBe('不同意');
    expect(cleanGender('女')).toBe('女');
    expect(cleanGender('')).toBe('');
    // Near words are refused, not guessed.
    for (const near of ['休假', '在职', 'Leave', 'active']) expect(cleanStatus(near), near).toBeUndefined();
    for (const near of ['是', 'yes', '1', '否']) expect(cleanConsent(near), near).toBeUndefined();
    for (const near of ['F', 'male']) expect(cleanGender(near), near).toBeUndefined();
  });

  it('does not find Object.prototype members for cells like "constructor"', () => {
    expect(cleanStatus('constructor')).toBeUndefined();
    expect(cleanConsent('__proto__')).toBeUndefined();
    expect(cleanGender('toString')).toBeUndefined();
  });
});

describe('the name rule (normaliseName)', () => {
  it('removes spaces of every kind between Han characters', () => {
    for (const space of [' ', '\u3000', '\u00a0', '\u2002', '\u2009', '\u202f', '\u205f', '\t', '  \u3000 ']) {
      expect(normaliseName(`张${space}三`)).toBe('张三');
    }
    expect(normaliseName('欧阳 晓 明')).toBe('欧阳晓明');
    expect(normaliseName('𠀀 𠀁')).toBe('𠀀𠀁'); // Han outside the BMP
  });

  it('folds the middle-dot forms to U+00B7 and removes the spaces around them', () => {
    for (const dot of ['·', '•', '‧', '・', '･']) expect(normaliseName(`阿不都${dot}热合曼`)).toBe('阿不都·热合曼');
    expect(normaliseName('阿不都 ・ 热合曼')).toBe('阿不都·热合曼');
  });

  it('keeps one space between latin words and leaves a plain name as it is', () => {
    expect(normaliseName('John \u3000 Smith')).toBe('John Smith');
    expect(normaliseName('张三')).toBe('张三');
  });

  it('stores what masking reads: the masked form of the stored name is the masked form of the roster name', () => {
    for (const name of ['张　三', '李 四', '阿不都•热合曼', '欧阳 晓明']) {
      expect(maskName(normaliseName(name))).toBe(maskName(name));
    }
  });
});
