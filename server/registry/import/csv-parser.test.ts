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

  const recordOf = (run: () => unknown): number | undefined => {
    try {
      run();
    } catch (error) {
      if (error instanceof CsvSyntaxError) return error.record;
      throw error;
    }
    return undefined;
  };

  it('refuses text after a closing quote with the record number, as csv-parse does (CSV_INVALID_CLOSING_QUOTE)', () => {
    expect(() => parseCsv('a,b\n"x"y,1\n')).toThrow(/右引号后面还有文字/u);
    expect(recordOf(() => parseCsv('a,b\n1,2\n"x" ,1\n'))).toBe(3);
    // Across a chunk boundary between the quote and the stray character, too.
    for (let at = 0; at <= 12; at += 1) {
      expect(recordOf(() => parseInPieces('a,b\n1,"two"z\n', [at]))).toBe(2);
    }
    // A closing quote followed by a delimiter, a line break or the end is fine.
    expect(parseCsv('"a","b"\r\n"c","d"')).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
  });

  it('refuses a quote inside an unquoted cell with the record number, as csv-parse does (CSV_INVALID_OPENING_QUOTE)', () => {
    expect(() => parseCsv('a,b\nab"c,1\n')).toThrow(/单元格中间出现引号/u);
    expect(recordOf(() => parseCsv('a,b\n1,2\n3, "x"\n'))).toBe(3);
    for (let at = 0; at <= 12; at += 1) {
      expect(recordOf(() => parseInPieces('a,b\n1,tw"o\n', [at]))).toBe(2);
    }
    // A quote inside a quoted cell, doubled, is the way to write one.
    expect(parseCsv('a,b\n"ab""c",1\n')).toEqual([
      ['a', 'b'],
      ['ab"c', '1'],
    ]);
  });

  it('refuses an unclosed quote at the end of the file with the record where it opened', () => {
    expect(recordOf(() => parseCsv('a,b\n1,2\n3,"open\nmore\n'))).toBe(3);
  });

  const strict = (text: string): string[][] => {
    const records: string[][] = [];
    const parser = new CsvParser((fields) => records.push(fields), { fieldCount: 'header' });
    parser.push(text);
    parser.end();
    return records;
  };

  it('with fieldCount header, refuses a record with more or fewer fields than the header (CSV_RECORD_INCONSISTENT_FIELDS_LENGTH)', () => {
    expect(recordOf(() => strict('a,b,c\n1,2,3\n1,2\n'))).toBe(3);
    expect(recordOf(() => strict('a,b,c\n1,2,3,4\n'))).toBe(2);
    expect(() => strict('a,b,c\n1,2\n')).toThrow(/这一行有 2 个字段，表头有 3 个/u);
    // A comma inside quotes is not a field separator.
    expect(strict('a,b\n"1,5",2\n')).toEqual([
      ['a', 'b'],
      ['1,5', '2'],
    ]);
  });

  it('with fieldCount header, lets blank lines and rows of empty cells through whatever their count', () => {
    expect(strict('\n\na,b,c\n1,2,3\n\n,,\n , \n')).toEqual([
      [''],
      [''],
      ['a', 'b', 'c'],
      ['1', '2', '3'],
      [''],
      ['', '', ''],
      [' ', ' '],
    ]);
  });
});
