/**
 * A look at an XLSX file's zip directory before anything is inflated: a zip bomb (a few kilobytes
 * that unpack to gigabytes) is refused from what the archive declares, so an honest bomb costs
 * nothing. A lying directory is caught later, by the bytes counted while inflating (counted-zip.ts),
 * against the same limits. Pure: the file's last bytes in, a verdict out.
 */
export interface ZipEntrySize {
  name: string;
  compressed: number;
  uncompressed: number;
}

/** What the directory says about one entry: enough to find its data and re-pack it (counted-zip.ts). */
export interface ZipDirectoryEntry extends ZipEntrySize {
  nameBytes: Buffer;
  method: number;
  flags: number;
  crc: number;
  localOffset: number;
}

export const ZIP_LIMITS = {
  /** All entries together, unpacked (a 300,000-row roster sheet is about 100 MB). */
  totalUnpackedBytes: 1024 * 1024 * 1024,
  /** Entries larger than this must not exceed the ratio below. */
  ratioCheckedAboveBytes: 16 * 1024 * 1024,
  /** Spreadsheet XML packs 5–30×; bombs pack 1,000× and more. */
  maxRatio: 200,
  maxEntries: 10_000,
} as const;

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const EOCD_MIN = 22;

/** The central directory's entries, read from the tail of the file (EOCD record + directory). */
export function zipEntries(tail: Buffer, fileSize: number): ZipDirectoryEntry[] | null {
  let eocd = -1;
  for (let i = tail.length - EOCD_MIN; i >= 0 && i >= tail.length - EOCD_MIN - 0xffff; i -= 1) {
    if (tail.readUInt32LE(i) === EOCD_SIGNATURE) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return null;
  const count = tail.readUInt16LE(eocd + 10);
  const size = tail.readUInt32LE(eocd + 12);
  const offset = tail.readUInt32LE(eocd + 16);
  const start = tail.length - (fileSize - offset);
  if (start < 0 || offset + size > fileSize) return null; // directory not within what was read
  const entries: ZipDirectoryEntry[] = [];
  let at = start;
  for (let i = 0; i < count; i += 1) {
    if (at + 46 > tail.length || tail.readUInt32LE(at) !== CENTRAL_SIGNATURE) return null;
    const flags = tail.readUInt16LE(at + 8);
    const method = tail.readUInt16LE(at + 10);
    const crc = tail.readUInt32LE(at + 16);
    const compressed = tail.readUInt32LE(at + 20);
    const uncompressed = tail.readUInt32LE(at + 24);
    const nameLength = tail.readUInt16LE(at + 28);
    const extraLength = tail.readUInt16LE(at + 30);
    const commentLength = tail.readUInt16LE(at + 32);
    const localOffset = tail.readUInt32LE(at + 42);
    if (at + 46 + nameLength > tail.length) return null;
    const nameBytes = Buffer.from(tail.subarray(at + 46, at + 46 + nameLength));
    const name = nameBytes.toString('utf8');
    entries.push({ name, nameBytes, method, flags, crc, compressed, uncompressed, localOffset });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** Why the archive must not be unpacked, in Chinese; null when it may. */
export function zipBombReason(entries: readonly ZipEntrySize[]): string | null {
  if (entries.length > ZIP_LIMITS.maxEntries) return `压缩包内文件过多（${entries.length} 个）`;
  let total = 0;
  for (const entry of entries) {
    // ZIP64 markers: sizes beyond 4 GB, far beyond any roster.
    if (entry.uncompressed === 0xffffffff || entry.compressed === 0xffffffff) return '压缩包声明的大小超过 4 GB';
    total += entry.uncompressed;
    const ratio = entry.uncompressed / Math.max(1, entry.compressed);
    if (entry.uncompressed > ZIP_LIMITS.ratioCheckedAboveBytes && ratio > ZIP_LIMITS.maxRatio) {
      return `「${entry.name}」压缩比异常（${Math.round(ratio)}:1，解压后 ${mb(entry.uncompressed)}）`;
    }
  }
  if (total > ZIP_LIMITS.totalUnpackedBytes)
    return `解压后共 ${mb(total)}，超过上限 ${mb(ZIP_LIMITS.totalUnpackedBytes)}`;
  return null;
}

function mb(bytes: number): string {
  return `${Math.round(bytes / 1024 / 1024)} MB`;
}
