/**
 * The seal record as the bulletin's QR code carries it, a compact line anyone can read back:
 *
 *   choucha:seal:<sealVersion>:<drawId>:<sealHash>:<commitment>:<notaryCommitment|->:<treeSize|->:<rootHash|->
 *
 * - sealVersion: the seal record's format (2 for format-2 draws; 1 for older ones);
 * - drawId: the draw's id (letters, digits and hyphens);
 * - sealHash: the hash of the draw log's entry 1 (the seal record), 64 lowercase hex;
 * - commitment: the server's commitment, SHA-256 of its secret, 64 lowercase hex;
 * - notaryCommitment: the notary's commitment (simulated in a rehearsal), or `-` for a single-party draw;
 * - treeSize, rootHash: the public log's signed head right after the seal record was appended, or
 *   `-` for a draw sealed before the public log.
 *
 * Colons separate the fields: none of them can contain one. Hex is lowercase, sizes are decimal
 * without leading zeros. The same fields are printed as text under the code, so a copy read by eye
 * and a copy scanned must agree.
 */
export interface SealRecordFields {
  sealVersion: number;
  drawId: string;
  sealHash: string;
  commitment: string;
  notaryCommitment: string | null;
  treeHead: { treeSize: number; rootHash: string } | null;
}

export const SEAL_RECORD_PREFIX = 'choucha:seal';

export function sealRecordText(seal: SealRecordFields): string {
  return [
    SEAL_RECORD_PREFIX,
    String(seal.sealVersion),
    seal.drawId,
    seal.sealHash,
    seal.commitment,
    seal.notaryCommitment ?? '-',
    seal.treeHead ? String(seal.treeHead.treeSize) : '-',
    seal.treeHead ? seal.treeHead.rootHash : '-',
  ].join(':');
}

const HEX64 = '[0-9a-f]{64}';
const SEAL_RECORD_PATTERN = new RegExp(
  `^choucha:seal:([12]):([A-Za-z0-9-]{1,64}):(${HEX64}):(${HEX64}):(${HEX64}|-):(?:(0|[1-9]\\d{0,11}):(${HEX64})|-:-)$`,
  'u',
);

/** Reads a scanned or typed seal record line back, exactly as printed (null when it is not one). */
export function parseSealRecordText(text: string): SealRecordFields | null {
  const match = SEAL_RECORD_PATTERN.exec(text.trim());
  if (!match) return null;
  const [, version, drawId, sealHash, commitment, notary, size, root] = match;
  return {
    sealVersion: Number(version),
    drawId: drawId ?? '',
    sealHash: sealHash ?? '',
    commitment: commitment ?? '',
    notaryCommitment: notary === '-' || notary === undefined ? null : notary,
    treeHead: size !== undefined && root !== undefined ? { treeSize: Number(size), rootHash: root } : null,
  };
}
