import { describe, expect, it } from 'vitest';
import { CsvParser, CsvSyntaxError, parseCsv } from './csv-parser';

function parseInPieces(text: string, splitAt: number[]): string[][] {
  const records: string[][] = [];
  const parser = new CsvParser((fields) => records.push(fields), { delimiter: ',' });
  let last = 0;
  for (const at of [...splitAt, text.length]) {
    parser.push(text.slice(last, at));
    last = at;
  }
  parser.end();
  return records;
}

describe('CsvParser', () => {
  it('reads plain records ending in LF, CRLF or CR', () => {
    expect(parseCsv('a,b\n1,2\r\n3,4\r5,6')).toEqual([
      ['a', 'b'],
      ['1', '2'],
      ['3', '4'],
      ['5', '6'],
    ]);
  });

  it('keeps delimiters, line breaks and doubled quotes inside quoted fields', () => {
    expect(parseCsv('"a,b","say ""hi""","two\nlines"\n')).toEqual([['a,b', 'say "hi"', 'two\nlines']]);
  });

  it('gives the same records whatever the chunk boundaries are', () => {
    const text = '编号,姓名\r\n"001","王""小""明"\r\n002,"李,四"\r\n003,\r\n';
    const whole = parseCsv(text);
    for (let i = 0; i <= text.length; i += 1) {
      for (let j = i; j <= text.length; j += 3) {
        expect(parseInPieces(text, [i, j])).toEqual(whole);
      }
    }
  });

  it('numbers records as spreadsheet rows, counting blank lines', () => {
    const rows: number[] = [];
    const parser = new CsvParser((_fields, n) => rows.push(n));
    parser.push('h\n\nx\n');
    parser.end();
    expect(rows).toEqual([1, 2, 3]);
  });

  it('detects tab and semicolon delimiters from the header line', () => {
    expect(parseCsv('a\tb\n1\t2')).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
    expect(parseCsv('a;b\n1;2')).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
  });

  it('keeps an empty last field and does not invent a record after the final newline', () => {
    expect(parseCsv('a,\n')).toEqual([['a', '']]);
    expect(parseCsv('a,""')).toEqual([['a', '']]);
  });

  it('refuses an unterminated quote with the record number', () => {
    expect(() => parseCsv('a\n"open,1\n2')).toThrow(CsvSyntaxError);
    try {
      parseCsv('a\n"open,1\n2');
    } catch (error) {
      expect((error as CsvSyntaxError).record).toBe(2);
    }
  });

  it('refuses a field longer than the cap instead of growing without bound', () => {
    const parser = new CsvParser(() => undefined, { delimiter: ',', maxFieldLength: 10 });
    expect(() => parser.push(`"${'x'.repeat(11)}`)).toThrow(CsvSyntaxError);
  });
});
