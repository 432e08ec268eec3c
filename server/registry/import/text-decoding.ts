import iconv from 'iconv-lite';

/**
 * Encoding detection for spreadsheet exports. Excel on Chinese Windows saves "CSV" as GBK;
 * newer tools write UTF-8 with or without a BOM; "Unicode text" is UTF-16 with a BOM.
 * Without a BOM, a sample that is valid UTF-8 is UTF-8. One that is not is read by whichever of UTF-8
 * and GB18030 (a superset of GBK) leaves fewer undecodable sequences in it: a GBK file read as UTF-8
 * breaks at nearly every character, while a UTF-8 file with one name pasted from a GBK sheet breaks
 * only there. Judged GB18030, that file would break at its header (UTF-8 Chinese read as GBK pairs
 * into other characters until a comma cuts a pair), and the refusal would point at row 1, not at
 * the name the clerk must retype.
 */
export type TextEncodingName = 'utf-8' | 'utf-16le' | 'utf-16be' | 'gb18030';

export interface DetectedEncoding {
  encoding: TextEncodingName;
  bomLength: number;
}

export function detectEncoding(sample: Uint8Array): DetectedEncoding {
  if (sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf) {
    return { encoding: 'utf-8', bomLength: 3 };
  }
  if (sample[0] === 0xff && sample[1] === 0xfe) return { encoding: 'utf-16le', bomLength: 2 };
  if (sample[0] === 0xfe && sample[1] === 0xff) return { encoding: 'utf-16be', bomLength: 2 };
  if (isValidUtf8Prefix(sample)) return { encoding: 'utf-8', bomLength: 0 };
  const asUtf8 = replacements(new TextDecoder('utf-8').decode(sample));
  const asGb18030 = replacements(iconv.decode(Buffer.from(sample), 'gb18030'));
  return { encoding: asUtf8 < asGb18030 ? 'utf-8' : 'gb18030', bomLength: 0 };
}

function replacements(text: string): number {
  let count = 0;
  for (let at = text.indexOf(REPLACEMENT_CHARACTER); at >= 0; at = text.indexOf(REPLACEMENT_CHARACTER, at + 1)) {
    count += 1;
  }
  return count;
}

/** True when the bytes are valid UTF-8, allowing one multi-byte sequence cut at the end. */
export function isValidUtf8Prefix(bytes: Uint8Array): boolean {
  let end = bytes.length;
  // Step back over a trailing, possibly incomplete sequence (at most 3 bytes).
  for (let back = 1; back <= 3 && end - back >= 0; back += 1) {
    const b = bytes[end - back] as number;
    if ((b & 0xc0) === 0x80) continue; // continuation byte
    if (b >= 0xc0) {
      const needed = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
      if (needed > back) end -= back;
    }
    break;
  }
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, end));
    return true;
  } catch {
    return false;
  }
}

/** A NUL byte in an 8-bit text sample means a binary file, not CSV. */
export function looksBinary(sample: Uint8Array, encoding: TextEncodingName): boolean {
  if (encoding === 'utf-16le' || encoding === 'utf-16be') return false;
  return sample.includes(0);
}

export interface StreamingDecoder {
  write(chunk: Buffer): string;
  end(): string;
}

/**
 * What every decoder here writes for a byte sequence it cannot decode. A literal U+FFFD in a file is
 * refused too (text-rules.ts: it means the text was decoded wrongly before), so one scan of the
 * decoded text for this character finds every undecodable byte anywhere in the file.
 */
export const REPLACEMENT_CHARACTER = '\ufffd';

/**
 * A streaming decoder that marks each undecodable sequence with U+FFFD instead of dropping it:
 * TextDecoder in replacement mode for UTF-8 and UTF-16 (a lone surrogate or an odd last byte
 * becomes U+FFFD; iconv-lite's UTF-16 passes lone surrogates through and drops an odd byte), and
 * iconv-lite for GB18030, which writes U+FFFD for an invalid sequence. The caller refuses the text.
 */
export function createDecoder(encoding: TextEncodingName): StreamingDecoder {
  if (encoding !== 'gb18030') {
    const decoder = new TextDecoder(encoding);
    return {
      write: (chunk) => decoder.decode(chunk, { stream: true }),
      end: () => decoder.decode(),
    };
  }
  const decoder = iconv.getDecoder(encoding);
  return {
    write: (chunk) => decoder.write(chunk),
    end: () => decoder.end() ?? '',
  };
}
