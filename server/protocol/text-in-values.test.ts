import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { DecimalInteger, parseDecimalInteger } from './decimal-integer';
import { ShowCommandEnvelopeSchema } from './show-commands';
import { findTextFaultIn, MultilineText } from './text-in-values';

describe('the text walker', () => {
  const Note = Type.Object({ title: Type.String(), note: MultilineText(), tags: Type.Array(Type.String()) });

  it('finds the first refused character in document order, with its JSON pointer', () => {
    expect(findTextFaultIn({ title: 'a', note: 'x\u202e', tags: ['\u200b'] }, Note)).toEqual({
      path: '/note',
      fault: 'BIDI_CONTROL',
      codePoint: 'U+202E',
      index: 1,
    });
    expect(findTextFaultIn({ title: 'a', tags: ['ok', 'b\u0085'] }, Note)?.path).toBe('/tags/1');
    expect(findTextFaultIn({ 'a/b~\u2028': 1 })).toMatchObject({ path: '/a~1b~0\u2028', fault: 'LINE_SEPARATOR' });
  });

  it('lets U+000A through only where the schema declares the string multi-line', () => {
    expect(findTextFaultIn({ title: 'a', note: '一\n二', tags: [] }, Note)).toBeNull();
    expect(findTextFaultIn({ title: '一\n二', note: '', tags: [] }, Note)).toMatchObject({ fault: 'CONTROL' });
    expect(findTextFaultIn({ title: 'a', note: '一\r\n二', tags: [] }, Note)).toMatchObject({ fault: 'CONTROL' });
    expect(findTextFaultIn('一\n二')).toMatchObject({ path: '', fault: 'CONTROL' });
  });

  it('follows the command a union member names by its type', () => {
    const envelope = {
      revision: 1,
      idempotencyKey: 'k'.repeat(8),
      command: { type: 'correctOutcome', household: '1', outcome: '属实', satisfaction: null, reason: '原\ud800' },
    };
    expect(findTextFaultIn(envelope, ShowCommandEnvelopeSchema)).toMatchObject({
      path: '/command/reason',
      fault: 'LONE_SURROGATE',
    });
  });

  it('walks a deeply nested value without exhausting the stack', () => {
    let deep: unknown = 'x\u202e';
    for (let i = 0; i < 200_000; i += 1) deep = [deep];
    expect(findTextFaultIn(deep)?.fault).toBe('BIDI_CONTROL');
  });
});

describe('URL integers', () => {
  it('take decimal digits within the bounds and nothing else', () => {
    const bounds = { minimum: 1, maximum: 100_000 };
    expect(['1', '7', '100000'].map((t) => parseDecimalInteger(t, bounds))).toEqual([1, 7, 100_000]);
    expect(parseDecimalInteger('0', { minimum: 0, maximum: 9 })).toBe(0);
    for (const text of [
      '0',
      '07',
      '00001',
      '100001',
      '1e309',
      '1e3',
      '1.0',
      ' 1',
      '1 ',
      '+1',
      '-1',
      '0x10',
      '',
      '１',
      '٣',
      1,
    ]) {
      expect(parseDecimalInteger(text, bounds), String(text)).toBeNull();
    }
    expect(DecimalInteger(bounds)).toMatchObject({ type: 'string', pattern: '^(?:0|[1-9][0-9]{0,5})$' });
    expect(() => DecimalInteger({ minimum: 0, maximum: Infinity })).toThrow();
  });
});
