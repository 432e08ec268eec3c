import { deflateRawSync } from 'node:zlib';

/**
 * A hostile "XLSX": a real zip whose worksheet entry inflates from a few kilobytes to `megabytes`
 * of XML, with honest sizes in its directory (as the classic bombs have).
 */
export function zipBomb(megabytes: number): Buffer {
  return zipOf([
    ['[Content_Types].xml', Buffer.from('<?xml version="1.0"?><Types/>')],
    ['xl/worksheets/sheet1.xml', Buffer.alloc(megabytes * 1024 * 1024, 0x20)],
  ]);
}

/**
 * A lying bomb: the same worksheet, but its local header and directory both claim it unpacks to
 * `declaredBytes` (4 KB), so only counting the inflated bytes can catch it.
 */
export function lyingZipBomb(megabytes: number, declaredBytes = 4096): Buffer {
  return zipOf(
    [
      ['[Content_Types].xml', Buffer.from('<?xml version="1.0"?><Types/>')],
      ['xl/worksheets/sheet1.xml', Buffer.alloc(megabytes * 1024 * 1024, 0x20)],
    ],
    declaredBytes,
  );
}

/** A string table of `count` empty strings (`<si/>`), honest about its size. */
export function sharedStringsBomb(count: number): Buffer {
  const table = `<?xml version="1.0"?><sst xmlns="x">${'<si/>'.repeat(count)}</sst>`;
  return zipOf([
    ['[Content_Types].xml', Buffer.from('<?xml version="1.0"?><Types/>')],
    ['xl/sharedStrings.xml', Buffer.from(table)],
  ]);
}

/**
 * A bomb split under the per-entry ratio check: `count` worksheets of `megabytes` each (15 MB, below
 * the 16 MB an entry must pass before its ratio is looked at), honest sizes, about 15 KB each packed.
 */
export function splitZipBomb(count: number, megabytes = 15): Buffer {
  const sheet = Buffer.alloc(megabytes * 1024 * 1024, 0x20);
  const sheets = Array.from({ length: count }, (_, i): [string, Buffer] => [`xl/worksheets/sheet${i + 1}.xml`, sheet]);
  return zipOf([['[Content_Types].xml', Buffer.from('<?xml version="1.0"?><Types/>')], ...sheets]);
}

/** A deflated zip of the entries; `declaredBytes` replaces every entry's unpacked size when given. */
function zipOf(entries: [string, Buffer][], declaredBytes?: number): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  const packedOnce = new Map<Buffer, Buffer>(); // the same data is deflated once
  for (const [name, data] of entries) {
    const packed = packedOnce.get(data) ?? deflateRawSync(data, { level: 9 });
    packedOnce.set(data, packed);
    const nameBytes = Buffer.from(name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(declaredBytes ?? data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(declaredBytes ?? data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, packed);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + packed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}
