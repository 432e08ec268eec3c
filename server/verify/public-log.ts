import type { SignedTreeHead } from '../protocol/draw';
import { canonicalJson } from '../draw-engine/canonical-json';
import { lengthPrefixed } from '../draw-engine/seed';
import { utf8 } from '../draw-engine/sha256';
import { ed25519PublicKeyFingerprint, verifyEd25519 } from '../verify/ed25519';
import { leafHash, verifyConsistency, verifyInclusion } from '../verify/merkle';
import type { SealPayload } from '../verify/bundle';

/**
 * The county's public log (docs/verification.md, "The public log"): an append-only Merkle tree in
 * the style of RFC 6962 over every seal record and every draw's final heads, real, rehearsal and
 * abandoned alike, with tree heads signed by the county's Ed25519 key. Pure: the leaf encoding,
 * the signed message and the checks a bundle's proofs must pass, in Node and in the browser.
 */
export const TREE_HEAD_TAG = 'choucha-tree-head-v1';

/** How a draw ended: its show closed with a result, or it was abandoned (作废) with a reason. */
export type FinalStatus = 'completed' | 'abandoned';

export type PublicLogLeaf =
  | {
      kind: 'seal';
      drawId: string;
      title: string;
      /** The seal record's log hash (the draw log's entry 1). */
      sealHash: string;
      seal: SealPayload;
      at: string;
    }
  | {
      kind: 'final';
      drawId: string;
      status: FinalStatus;
      reason: string | null;
      drawLogHead: string;
      drawLogLength: number;
      showLogHead: string | null;
      showLogLength: number;
      at: string;
    };

/** A leaf's bytes: the UTF-8 of its canonical JSON (RFC 8785). */
export function leafBytes(leaf: PublicLogLeaf): Uint8Array {
  return utf8(canonicalJson(leaf));
}

export function publicLeafHash(leaf: PublicLogLeaf): string {
  return leafHash(leafBytes(leaf));
}

/** What a tree head's signature covers: LP(tag, size in decimal, root, timestamp). */
export function treeHeadMessage(head: Pick<SignedTreeHead, 'treeSize' | 'rootHash' | 'timestamp'>): Uint8Array {
  return lengthPrefixed([TREE_HEAD_TAG, String(head.treeSize), head.rootHash, head.timestamp]);
}

/** The key's fingerprint, printed on every bulletin: SHA-256 of the 32 raw public-key bytes. */
export function keyIdOf(publicKeyHex: string): string {
  return ed25519PublicKeyFingerprint(publicKeyHex);
}

export function treeHeadSignatureHolds(head: SignedTreeHead, publicKeyHex: string): boolean {
  return head.keyId === keyIdOf(publicKeyHex) && verifyEd25519(publicKeyHex, treeHeadMessage(head), head.signature);
}

/** A draw's records in the public log and the proofs that they are in it, as a bundle carries them. */
export interface PublicLogProof {
  /** The county's Ed25519 public key (32 bytes as hex) and its fingerprint. */
  publicKey: string;
  keyId: string;
  /** The latest signed head when the bundle was made; every leaf is proved included in it. */
  treeHead: SignedTreeHead;
  leaves: { index: number; leaf: PublicLogLeaf; inclusion: string[] }[];
  /** The head signed right after the seal record was appended: the one the bulletin printed. */
  sealTreeHead: SignedTreeHead;
  /** The seal leaf's inclusion in sealTreeHead. */
  sealInclusion: string[];
  /** sealTreeHead → treeHead: the log only grew in between (RFC 6962 consistency proof). */
  consistency: string[];
}

/** The short form of a hash read out or printed next to a graphic: its first 8 hex digits. */
export const shortHash = (hash: string): string => hash.slice(0, 8);

export type Check = (id: string, label: string, ok: boolean, detail: string) => boolean;

/** What the draw's logs say its final leaf must be (null: the draw has not ended). */
export interface ExpectedFinal {
  status: FinalStatus;
  reason: string | null;
  drawLogHead: string;
  drawLogLength: number;
  showLogHead: string | null;
  showLogLength: number;
}

/**
 * The public-log checks of a format-2 bundle: the key's fingerprint, both signatures, the seal leaf
 * naming this very seal record, every inclusion proof, consistency from the bulletin's head to the
 * latest, and the final leaf agreeing with the logs once the draw has ended.
 */
export function checkPublicLog(
  proof: PublicLogProof | undefined,
  seal: { hash: string; payload: unknown } | undefined,
  expectedFinal: ExpectedFinal | null,
  check: Check,
): void {
  if (
    !check(
      'public-log',
      '公开日志证明齐全',
      proof !== undefined && typeof proof === 'object',
      '第 2 版验证包须带公开日志的证明',
    )
  ) {
    return;
  }
  const p = proof as PublicLogProof;
  check('public-log-key', '县级签名密钥指纹可复算', keyIdOf(p.publicKey) === p.keyId, `指纹 ${p.keyId}`);
  check(
    'public-log-signatures',
    '树头签名有效',
    treeHeadSignatureHolds(p.treeHead, p.publicKey) && treeHeadSignatureHolds(p.sealTreeHead, p.publicKey),
    `封存时树头 ${p.sealTreeHead.treeSize} 条、导出时树头 ${p.treeHead.treeSize} 条，均由指纹 ${shortHash(p.keyId)} 的密钥签名`,
  );
  const sealLeaf = p.leaves[0];
  // The seal head is the one signed right after the seal leaf (its size is the leaf's index + 1):
  // the bulletin prints it, so a bundle cannot point at a later head that a second seal record of
  // the same draw, appended by whoever holds the key, may have followed.
  const sealMatches =
    sealLeaf !== undefined &&
    sealLeaf.leaf.kind === 'seal' &&
    p.sealTreeHead.treeSize === sealLeaf.index + 1 &&
    seal !== undefined &&
    sealLeaf.leaf.sealHash === seal.hash &&
    canonicalJson(sealLeaf.leaf.seal) === canonicalJson(seal.payload);
  check(
    'public-log-seal',
    '公开日志中的封存记录就是本验证包的封存记录',
    sealMatches,
    sealLeaf ? `第 ${sealLeaf.index + 1} 条，封存时树头 ${p.sealTreeHead.treeSize} 条` : '没有封存记录',
  );
  const included = p.leaves.every((entry) =>
    verifyInclusion(publicLeafHash(entry.leaf), entry.index, p.treeHead.treeSize, entry.inclusion, p.treeHead.rootHash),
  );
  const sealIncluded =
    sealLeaf !== undefined &&
    verifyInclusion(
      publicLeafHash(sealLeaf.leaf),
      sealLeaf.index,
      p.sealTreeHead.treeSize,
      p.sealInclusion,
      p.sealTreeHead.rootHash,
    );
  check(
    'public-log-inclusion',
    '各条记录都在已签名的公开日志中',
    included && sealIncluded,
    `${p.leaves.length} 条记录的包含证明${included && sealIncluded ? '全部成立' : '不成立'}`,
  );
  check(
    'public-log-consistency',
    '公开日志自封存以来只增不改',
    verifyConsistency(
      p.sealTreeHead.treeSize,
      p.treeHead.treeSize,
      p.sealTreeHead.rootHash,
      p.treeHead.rootHash,
      p.consistency,
    ),
    `从 ${p.sealTreeHead.treeSize} 条到 ${p.treeHead.treeSize} 条的一致性证明`,
  );
  const finals = p.leaves.filter((entry) => entry.leaf.kind === 'final');
  const finalLeaf = finals[0]?.leaf;
  const finalOk =
    expectedFinal === null
      ? finals.length === 0
      : finals.length === 1 &&
        finalLeaf?.kind === 'final' &&
        canonicalJson({
          status: finalLeaf.status,
          reason: finalLeaf.reason,
          drawLogHead: finalLeaf.drawLogHead,
          drawLogLength: finalLeaf.drawLogLength,
          showLogHead: finalLeaf.showLogHead,
          showLogLength: finalLeaf.showLogLength,
        }) === canonicalJson(expectedFinal);
  check(
    'public-log-final',
    '公开日志中的结束记录与日志链头一致',
    finalOk,
    expectedFinal === null
      ? '尚未结束，公开日志中没有结束记录'
      : `结束记录：${expectedFinal.status === 'abandoned' ? '已作废' : '已完成'}，抽取日志 ${expectedFinal.drawLogLength} 条`,
  );
}
