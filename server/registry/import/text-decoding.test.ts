import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { CHUNK_BYTES, csvRows, UnreadableFileError, type RawRow } from './row-sources';
import { createDecoder, detectEncoding, REPLACEMENT_CHARACTER, type TextEncodingName } from './text-decoding';

function decodeInChunks(encoding: TextEncodingName, bytes: Buffer, size: number): string {
  const decoder = createDecoder(encoding);
  let text = '';
  for (let at = 0; at < bytes.length; at += size) text += decoder.write(bytes.subarray(at, at + size));
  return text + decoder.end();
}

/** The rows of a CSV file, or the read error that ended it. */
function readCsv(bytes: Buffer, chunkBytes = CHUNK_BYTES): { rows: RawRow[]; error?: UnreadableFileError } {
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += chunkBytes) chunks.push(bytes.subarray(at, at + chunkBytes));
  const rows: RawRow[] = [];
  try {
    for (const row of csvRows(chunks, detectEncoding(bytes.subarray(0, CHUNK_BYTES)))) rows.push(row);
  } catch (error) {
    if (error instanceof UnreadableFileError) return { rows, error };
    throw error;
  }
  return { rows };
}

/** A UTF-8 CSV of plain rows, longer than `bytes`, then `tail` (raw bytes). */
function utf8Padded(bytes: number, tail: Buffer, bom = false): { file: Buffer; lastRow: number } {
  const lines = ['编号,姓名,村'];
  let size = 0;
  while (size < bytes) {
    const line = `${String(lines.length).padStart(6, '0')},张三,东岭社区`;
    lines.push(line);
    size += Buffer.byteLength(line) + 2;
  }
  const head = Buffer.from(`${bom ? '\ufeff' : ''}${lines.join('\r\n')}\r\n`, 'utf8');
  return { file: Buffer.concat([head, tail]), lastRow: lines.length + 1 };
}

describe('decoding marks every undecodable byte, wherever it is', () => {
  it('writes U+FFFD for invalid UTF-8, GB18030 and UTF-16 sequences, whatever the chunk size', () => {
    const cases: [TextEncodingName, Buffer][] = [
      ['utf-8', Buffer.from([0x41, 0xb6, 0xe0, 0x42])], // 多 in GBK read as UTF-8 (钱, C7 AE, would be valid: Ǯ)
      ['utf-8', Buffer.from([0x41, 0xe4, 0xb8])], // a sequence cut off at the end
      ['gb18030', Buffer.from([0x41, 0x81, 0x20, 0x42])], // a lead byte with an invalid trail
      ['gb18030', Buffer.from([0x41, 0x81])], // a lead byte at the end
      ['utf-16le', Buffer.from([0x41, 0x00, 0x00, 0xd8, 0x42, 0x00])], // a lone high surrogate
      ['utf-16le', Buffer.from([0x41, 0x00, 0x42])], // an odd last byte
      ['utf-16be', Buffer.from([0xdc, 0x00, 0x00, 0x41])], // a lone low surrogate
    ];
    for (const [encoding, bytes] of cases) {
      for (const size of [1, 2, 3, bytes.length]) {
        expect(decodeInChunks(encoding, bytes, size), `${encoding} ${bytes.toString('hex')}`).toContain(
          REPLACEMENT_CHARACTER,
        );
      }
    }
  });

  it('decodes valid text of each encoding without a replacement', () => {
    const text = '编号,姓名\r\n001,钱多多\r\n002,阿不都·热合曼😀\r\n';
    expect(decodeInChunks('utf-8', Buffer.from(text, 'utf8'), 3)).toBe(text);
    expect(decodeInChunks('gb18030', iconv.encode(text, 'gb18030'), 3)).toBe(text);
    expect(decodeInChunks('utf-16le', Buffer.from(text, 'utf16le'), 3)).toBe(text);
  });
});

describe('csvRows refuses an undecodable byte anywhere in the file as MALFORMED_TEXT', () => {
  const gbkName = iconv.encode('000999,钱多多,东岭社区\r\n', 'gbk');

  it('a GBK name after the first megabyte of a UTF-8 file: its row and column', () => {
    const { file, lastRow } = utf8Padded(CHUNK_BYTES + 10_000, gbkName);
    expect(detectEncoding(file.subarray(0, CHUNK_BYTES)).encoding).toBe('utf-8');
    const { rows, error } = readCsv(file);
    expect(error?.code).toBe('MALFORMED_TEXT');
    expect(error?.row).toBe(lastRow);
    expect(error?.column).toBe(1);
    expect(error?.message).toMatch(/无法解码的字节.*文件编码为 UTF-8：/u);
    expect(rows.every((r) => r.cells.every((c) => !c.includes(REPLACEMENT_CHARACTER)))).toBe(true);
  });

  it('a GBK name in a file with a UTF-8 BOM, in the first chunk', () => {
    const { file, lastRow } = utf8Padded(100, gbkName, true);
    const { error } = readCsv(file);
    expect(error?.code).toBe('MALFORMED_TEXT');
    expect(error?.row).toBe(lastRow);
    expect(error?.message).toMatch(/UTF-8（带 BOM）/u);
  });

  it('a GBK byte split across two chunks, and a sequence cut off at the end of the file', () => {
    const { file, lastRow } = utf8Padded(CHUNK_BYTES + 100, gbkName);
    for (const size of [7_001, 4_097]) expect(readCsv(file, size).error?.row).toBe(lastRow);
    const cut = Buffer.concat([Buffer.from('编号,姓名\r\n001,张', 'utf8'), Buffer.from([0xe4, 0xb8])]);
    expect(readCsv(cut).error).toMatchObject({ code: 'MALFORMED_TEXT', row: 2, column: 1 });
  });

  it('an invalid GB18030 sequence in a GBK file', () => {
    const file = Buffer.concat([
      iconv.encode('编号,姓名,村\r\n000001,张三,东岭社区\r\n000002,', 'gbk'),
      Buffer.from([0x81, 0x20]),
      iconv.encode(',东岭社区\r\n', 'gbk'),
    ]);
    expect(detectEncoding(file).encoding).toBe('gb18030');
    expect(readCsv(file).error).toMatchObject({ code: 'MALFORMED_TEXT', row: 3, column: 1 });
  });

  it('a lone surrogate in a UTF-16 file', () => {
    const body = Buffer.from('编号\t姓名\r\n001\t王', 'utf16le');
    const file = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      body,
      Buffer.from([0x00, 0xd8]),
      Buffer.from('\r\n', 'utf16le'),
    ]);
    expect(readCsv(file).error).toMatchObject({ code: 'MALFORMED_TEXT', row: 2, column: 1 });
  });

  it('reads a clean file of several chunks whole', () => {
    const { file, lastRow } = utf8Padded(CHUNK_BYTES * 2, Buffer.from('999999,李四,东岭社区\r\n', 'utf8'));
    const { rows, error } = readCsv(file);
    expect(error).toBeUndefined();
    expect(rows.at(-1)).toEqual({ row: lastRow, cells: ['999999', '李四', '东岭社区'] });
  });
});
