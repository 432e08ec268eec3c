import { hexToBytes, sha256Hex, utf8 } from '../draw-engine/sha256';

/**
 * Commitment, seed and stage seeds (docs/verification.md, "Seeds").
 * Every hash input is a list of fields, each written as its UTF-8 length (4 bytes, big-endian)
 * followed by its UTF-8 bytes, so no two different lists can give the same bytes.
 */
export const SEED_TAG = 'choucha-seed-v1';
export const SEED_TAG_V2 = 'choucha-seed-v2';
export const STAGE_TAG = 'choucha-stage-v1';
export const HEX64 = /^[0-9a-f]{64}$/u;

export function lengthPrefixed(fields: readonly string[]): Uint8Array {
  const parts = fields.map(utf8);
  const out = new Uint8Array(parts.reduce((sum, p) => sum + 4 + p.length, 0));
  const view = new DataView(out.buffer);
  let offset = 0;
  for (const part of parts) {
    view.setUint32(offset, part.length);
    out.set(part, offset + 4);
    offset += 4 + part.length;
  }
  return out;
}

/** The commitment published before the show: SHA-256 of the secret's 32 bytes. */
export function commitmentOf(secretHex: string): string {
  if (!HEX64.test(secretHex)) throw new Error('the secret is 32 bytes as 64 lowercase hex digits');
  return sha256Hex(hexToBytes(secretHex));
}

/** The commitment of a secret, or '' when it is not 32 bytes of lowercase hex (verifiers never throw). */
export function commitmentOrEmpty(secretHex: string): string {
  try {
    return commitmentOf(secretHex);
  } catch {
    return '';
  }
}

export interface SeedInputs {
  drawId: string;
  rosterHash: string;
  planHash: string;
  poolHash: string;
  secret: string;
  entropy: string;
}

/** The draw's seed: fixed only once the secret is revealed after the public entropy is locked. */
export function deriveSeed(inputs: SeedInputs): string {
  return sha256Hex(
    lengthPrefixed([
      SEED_TAG,
      inputs.drawId,
      inputs.rosterHash,
      inputs.planHash,
      inputs.poolHash,
      inputs.secret,
      inputs.entropy,
    ]),
  );
}

export interface SeedInputsV2 {
  /** The seal record's log hash: it covers the draw, roster, plan, pool, commitments and show. */
  sealHash: string;
  serverSecret: string;
  /** The notary's secret ('' for a single-party draw). */
  notarySecret: string;
  entropy: string;
}

/**
 * A format-2 seed: every committed secret and the public entropy, bound to the whole seal record.
 * Nobody knows it until every secret is revealed, and each secret was fixed before the entropy.
 */
export function deriveSeedV2(inputs: SeedInputsV2): string {
  return sha256Hex(
    lengthPrefixed([SEED_TAG_V2, inputs.sealHash, inputs.serverSecret, inputs.notarySecret, inputs.entropy]),
  );
}

export type StageKind = 'auditees' | 'contacts';

/**
 * Each stage has its own seed: the auditee stage of a stratum (key = the stratum, '' when not
 * stratified), and each drawn auditee's contact stage (key = the auditee's number), so an
 * auditee's household order does not depend on which other auditees were drawn.
 */
export function stageSeed(seed: string, kind: StageKind, key: string): string {
  return sha256Hex(lengthPrefixed([STAGE_TAG, seed, kind, key]));
}
