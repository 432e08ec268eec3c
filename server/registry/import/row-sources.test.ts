import { describe, expect, it } from 'vitest';
import { parseCsv } from './csv-parser';
import { CHUNK_BYTES, csvRows, PARSE_SLICE } from './row-sources';
import { detectEncoding } from './text-decoding';

/** Text whose character at `index` starts `piece`, padded with plain records before it. */
function placedAt(index: number, piece: string, tail: string): string {
  let text = '编号,姓名,备注\r\n';
  let n = 0;
  while (text.length < index - 40) text += `${String((n += 1)).padStart(6, '0')},张三,平常\r\n`;
  text += `${'9'.repeat(index - text.length - 4)},x,"`; // the quoted field opens just before index
  return text + piece + tail;
}

function chunksOf(bytes: Buffer, size: number): Buffer[] {
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += size) chunks.push(bytes.subarray(at, at + size));
  return chunks;
}

describe('csvRows feeds the parser in slices without changing a record', () => {
  const cases: [string, string][] = [
    ['a CRLF inside a quoted field across the slice boundary', '第一行\r\n第二行"",""继续'],
    ['a character outside the BMP split across the boundary', '😀𠀀混合'],
    ['a doubled quote across the boundary', '""引号""内'],
  ];
  for (const [name, piece] of cases) {
    it(name, () => {
      for (const shift of [-2, -1, 0, 1, 2]) {
        const text = placedAt(PARSE_SLICE + shift, piece, '"\r\n000009,李四,最后\r\n');
        const bytes = Buffer.from(text, 'utf8');
        const rows = [...csvRows(chunksOf(bytes, CHUNK_BYTES), detectEncoding(bytes))].map((r) => r.cells);
        expect(rows).toEqual(parseCsv(text));
        expect(rows.at(-1)).toEqual(['000009', '李四', '最后']);
      }
    });
  }

  it('gives the same rows for a file of several chunks as parsing it whole', () => {
    const text = placedAt(CHUNK_BYTES + 3, '跨块\r\n字段', '"\r\n');
    const bytes = Buffer.from(text, 'utf8');
    for (const size of [CHUNK_BYTES, 7_001, PARSE_SLICE - 1]) {
      const rows = [...csvRows(chunksOf(bytes, size), detectEncoding(bytes))];
      expect(rows.map((r) => r.cells)).toEqual(parseCsv(text));
      expect(rows.map((r) => r.row)).toEqual(rows.map((_r, i) => i + 1));
    }
  });
});
