import { once } from 'node:events';
import type { FileHandle } from 'node:fs/promises';
import { createInflateRaw } from 'node:zlib';
import { ZIP_LIMITS, type ZipDirectoryEntry } from './zip-guard';

/**
 * An XLSX re-packed for the spreadsheet reader while every byte is counted. The directory's sizes
 * are not believed: each entry is inflated here first, its output counted chunk by chunk, and the
 * inflation is stopped as soon as a limit is passed, whatever the directory claimed. Only an entry
 * that passed is handed on, as the exact compressed bytes that were counted under a local header
 * carrying the counted sizes, so the reader (exceljs, through unzipper) inflates nothing that was
 * not counted, and cannot be led elsewhere by local headers that disagree with the directory.
 */

export const COUNTED_LIMITS = {
  ...ZIP_LIMITS,
  /** The string table is held whole in memory by the reader: its text … */
  sharedStringsBytes: 256 * 1024 * 1024,
  /** … and its entries (Excel's 1,048,576 rows × a few distinct texts each). */
  sharedStrings: 4_000_000,
} as const;
export type CountedLimits = { readonly [K in keyof typeof COUNTED_LIMITS]: number };

/** zlib's output chunk: a refusal comes at most this far past a limit. */
export const INFLATE_CHUNK = 64 * 1024;
const READ_CHUNK = 64 * 1024;
const SHARED_STRINGS = 'xl/sharedStrings.xml';
const LOCAL_SIGNATURE = 0x04034b50;

/** What was inflated so far, from how many compressed bytes of finished entries, and why it was stopped (null while it may go on). */
export interface InflateCount {
  bytes: number;
  compressed: number;
  refusal: string | null;
}

export class MalformedZipError extends Error {}

/** Inflating was stopped at a limit; `count` says how far it got. */
export class ZipLimitError extends Error {
  constructor(
    readonly reason: string,
    readonly count: InflateCount,
  ) {
    super(reason);
    this.name = 'ZipLimitError';
  }
}

/** Counts `<si>` elements (with or without a namespace prefix) in XML given in chunks. */
class OpenTagCounter {
  count = 0;
  private carry = '';
  push(chunk: Buffer): void {
    const text = this.carry + chunk.toString('latin1');
    // A tag holds one '<', at its start: text before the last '<' holds only complete tags.
    const last = text.lastIndexOf('<');
    const cut = last >= 0 && text.length - last < 40 ? last : text.length;
    this.count += (text.slice(0, cut).match(/<(?:[A-Za-z_][\w.-]*:)?si[\s/>]/gu) ?? []).length;
    this.carry = text.slice(cut);
  }
}

function mb(bytes: number): string {
  return `${Math.round(bytes / 1024 / 1024)} MB`;
}

/** Why inflating must stop now, from the counted bytes; null while it may go on. */
function countedRefusal(
  limits: CountedLimits,
  name: string,
  entry: { bytes: number; compressed: number },
  count: InflateCount,
  strings: OpenTagCounter | null,
): string | null {
  if (count.bytes > limits.totalUnpackedBytes) return `解压后超过上限 ${mb(limits.totalUnpackedBytes)}`;
  const ratio = entry.bytes / Math.max(1, entry.compressed);
  if (entry.bytes > limits.ratioCheckedAboveBytes && ratio > limits.maxRatio) {
    return `「${name}」压缩比异常（解压到 ${mb(entry.bytes)} 时已达 ${Math.round(ratio)}:1）`;
  }
  // The whole archive too: a bomb split into entries that each stay under the size above (64 × 15 MB
  // from 1 MB) passed the per-entry check and was inflated to 960 MB, then again by the reader.
  const archiveRatio = count.bytes / Math.max(1, count.compressed + entry.compressed);
  if (count.bytes > limits.ratioCheckedAboveBytes && archiveRatio > limits.maxRatio) {
    return `压缩包整体压缩比异常（解压到 ${mb(count.bytes)} 时已达 ${Math.round(archiveRatio)}:1）`;
  }
  if (strings !== null) {
    if (entry.bytes > limits.sharedStringsBytes) return `共享字符串表超过 ${mb(limits.sharedStringsBytes)}`;
    if (strings.count > limits.sharedStrings) return `共享字符串超过 ${limits.sharedStrings} 条`;
  }
  return null;
}

/** Inflates one entry, counting; its compressed length as consumed and its counted size, or null when refused. */
async function countEntry(
  file: FileHandle,
  entry: ZipDirectoryEntry,
  dataStart: number,
  count: InflateCount,
  limits: CountedLimits,
): Promise<{ compressed: number; uncompressed: number } | null> {
  const inflater = createInflateRaw({ chunkSize: INFLATE_CHUNK });
  const strings = entry.name === SHARED_STRINGS ? new OpenTagCounter() : null;
  let entryBytes = 0;
  inflater.on('data', (out: Buffer) => {
    entryBytes += out.length;
    count.bytes += out.length;
    strings?.push(out);
    const counted = { bytes: entryBytes, compressed: inflater.bytesWritten };
    count.refusal = countedRefusal(limits, entry.name, counted, count, strings);
    if (count.refusal !== null) inflater.destroy();
  });
  const done = new Promise<void>((resolve, reject) => {
    inflater.once('end', resolve);
    inflater.once('close', resolve); // destroyed on a refusal
    inflater.on('error', (error) => reject(new MalformedZipError(`「${entry.name}」解压失败：${error.message}`)));
  });
  // It may fail while a read is awaited: mark it handled now; it is awaited (and rethrows) below.
  done.catch(() => undefined);
  try {
    for (let at = 0; at < entry.compressed && count.refusal === null && !inflater.destroyed;) {
      // A fresh buffer per read: zlib keeps a reference until it has consumed it.
      const buffer = Buffer.allocUnsafe(Math.min(READ_CHUNK, entry.compressed - at));
      const { bytesRead } = await file.read(buffer, 0, buffer.length, dataStart + at);
      if (bytesRead === 0) throw new MalformedZipError(`「${entry.name}」的数据超出文件末尾`);
      at += bytesRead;
      if (!inflater.write(buffer.subarray(0, bytesRead))) await Promise.race([once(inflater, 'drain'), done]);
    }
    if (count.refusal === null && !inflater.destroyed) inflater.end();
    await done;
  } finally {
    inflater.destroy();
  }
  if (count.refusal !== null) return null;
  return { compressed: inflater.bytesWritten, uncompressed: entryBytes };
}

function localHeader(entry: ZipDirectoryEntry, compressed: number, uncompressed: number): Buffer {
  const header = Buffer.alloc(30);
  header.writeUInt32LE(LOCAL_SIGNATURE, 0);
  header.writeUInt16LE(20, 4);
  header.writeUInt16LE(entry.flags & 0x0800, 6); // UTF-8 names; never a data descriptor
  header.writeUInt16LE(entry.method, 8);
  header.writeUInt32LE(entry.crc, 14);
  header.writeUInt32LE(compressed, 18);
  header.writeUInt32LE(uncompressed, 22);
  header.writeUInt16LE(entry.nameBytes.length, 26);
  return Buffer.concat([header, entry.nameBytes]);
}

function centralDirectory(
  written: { entry: ZipDirectoryEntry; compressed: number; uncompressed: number; offset: number }[],
  at: number,
): Buffer {
  const parts: Buffer[] = [];
  for (const { entry, compressed, uncompressed, offset } of written) {
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(entry.flags & 0x0800, 8);
    central.writeUInt16LE(entry.method, 10);
    central.writeUInt32LE(entry.crc, 16);
    central.writeUInt32LE(compressed, 20);
    central.writeUInt32LE(uncompressed, 24);
    central.writeUInt16LE(entry.nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    parts.push(central, entry.nameBytes);
  }
  const directory = Buffer.concat(parts);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(written.length, 8);
  end.writeUInt16LE(written.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(at, 16);
  return Buffer.concat([directory, end]);
}

/**
 * The archive as the reader will see it, entry by entry, each counted before it is handed on.
 * A refusal throws ZipLimitError before any byte of the refused entry is handed on; a broken
 * archive throws MalformedZipError.
 */
export async function* countedArchive(
  file: FileHandle,
  entries: readonly ZipDirectoryEntry[],
  count: InflateCount,
  limits: CountedLimits = COUNTED_LIMITS,
): AsyncGenerator<Buffer> {
  const written: { entry: ZipDirectoryEntry; compressed: number; uncompressed: number; offset: number }[] = [];
  let at = 0;
  for (const entry of entries) {
    const head = Buffer.alloc(30);
    const { bytesRead } = await file.read(head, 0, 30, entry.localOffset);
    if (bytesRead < 30 || head.readUInt32LE(0) !== LOCAL_SIGNATURE) {
      throw new MalformedZipError(`「${entry.name}」的文件头损坏`);
    }
    const dataStart = entry.localOffset + 30 + head.readUInt16LE(26) + head.readUInt16LE(28);
    let sizes: { compressed: number; uncompressed: number } | null;
    if (entry.method === 8) sizes = await countEntry(file, entry, dataStart, count, limits);
    else if (entry.method === 0) {
      count.bytes += entry.compressed; // stored: what is read is what is unpacked
      const stored = { bytes: entry.compressed, compressed: entry.compressed };
      count.refusal = countedRefusal(limits, entry.name, stored, count, null);
      sizes = count.refusal === null ? { compressed: entry.compressed, uncompressed: entry.compressed } : null;
    } else throw new MalformedZipError(`「${entry.name}」使用了不支持的压缩方式（${entry.method}）`);
    if (sizes === null || count.refusal !== null) throw new ZipLimitError(count.refusal ?? '', count);
    count.compressed += sizes.compressed;
    const header = localHeader(entry, sizes.compressed, sizes.uncompressed);
    written.push({ entry, ...sizes, offset: at });
    yield header;
    for (let done = 0; done < sizes.compressed;) {
      const buffer = Buffer.allocUnsafe(Math.min(READ_CHUNK, sizes.compressed - done));
      const read = await file.read(buffer, 0, buffer.length, dataStart + done);
      if (read.bytesRead === 0) throw new MalformedZipError(`「${entry.name}」的数据超出文件末尾`);
      done += read.bytesRead;
      yield buffer.subarray(0, read.bytesRead);
    }
    at += header.length + sizes.compressed;
  }
  yield centralDirectory(written, at);
}
