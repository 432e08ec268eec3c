import type { SignedTreeHead } from '../protocol/draw';
import { canonicalJson } from '../draw-engine/canonical-json';
import { utf8 } from '../draw-engine/sha256';
import { leafHash, verifyConsistency, verifyInclusion } from './merkle';
import { shortHash, treeHeadSignatureHolds, type PublicLogProof } from './public-log';

/** Whether the county's log as it stands now still contains the bundle's head, in words. */
export interface CurrentHeadCheck {
  ok: boolean;
  detail: string;
}

/**
 * Checks the head the server signs today against the bundle's latest head: signed by the bundle's
 * key, no smaller, and an RFC 6962 consistency proof from the bundle's head to it. A log rewritten
 * after the bundle was made (a draw removed, a record changed) fails here, so a citizen can see
 * the log only grew since the draw was sealed. `proof` is the server's `proof/consistency` answer.
 */
export function checkCurrentHead(
  bundleLog: Pick<PublicLogProof, 'publicKey' | 'treeHead'>,
  current: SignedTreeHead,
  proof: readonly string[],
): CurrentHeadCheck {
  const from = bundleLog.treeHead;
  if (!treeHeadSignatureHolds(current, bundleLog.publicKey)) {
    return { ok: false, detail: '服务器当前树头的签名不是验证包中的县级密钥所签' };
  }
  if (current.treeSize < from.treeSize) {
    return {
      ok: false,
      detail: `服务器当前只有 ${current.treeSize} 条记录，少于验证包的 ${from.treeSize} 条：公开日志被删改过`,
    };
  }
  if (!verifyConsistency(from.treeSize, current.treeSize, from.rootHash, current.rootHash, proof)) {
    return {
      ok: false,
      detail: `验证包的树头（${from.treeSize} 条，${shortHash(from.rootHash)}…）不是服务器当前树头（${current.treeSize} 条，${shortHash(current.rootHash)}…）的前缀：公开日志被改写过`,
    };
  }
  return {
    ok: true,
    detail: `公开日志自封存以来只增不改（已与服务器当前树头核对：${from.treeSize} 条 → ${current.treeSize} 条，${shortHash(current.rootHash)}…，签名于 ${current.timestamp}）`,
  };
}

/**
 * Checks that a sealed draw's record, as the public list names it, is in the log the server signs
 * today: the leaf (as the log serves it) names this draw and seal record, its RFC 6962 inclusion
 * proof leads to the signed head's root, and the head is signed by the county key. /public runs it
 * in the browser, so nobody needs to trust the list itself.
 */
export function checkLeafInHead(
  expected: { drawId: string; sealHash: string; index: number },
  leaf: unknown,
  proof: readonly string[],
  head: SignedTreeHead,
  publicKey: string,
): CurrentHeadCheck {
  const names =
    typeof leaf === 'object' &&
    leaf !== null &&
    'kind' in leaf &&
    leaf.kind === 'seal' &&
    'drawId' in leaf &&
    leaf.drawId === expected.drawId &&
    'sealHash' in leaf &&
    leaf.sealHash === expected.sealHash;
  if (!names) return { ok: false, detail: `公开日志第 ${expected.index + 1} 条不是这次抽取的封存记录` };
  if (!treeHeadSignatureHolds(head, publicKey)) return { ok: false, detail: '树头的签名不是县级密钥所签' };
  const hash = leafHash(utf8(canonicalJson(leaf)));
  if (!verifyInclusion(hash, expected.index, head.treeSize, proof, head.rootHash)) {
    return {
      ok: false,
      detail: `第 ${expected.index + 1} 条不在已签名的树头（${head.treeSize} 条）中：公开日志被改写过`,
    };
  }
  return {
    ok: true,
    detail: `已核对：第 ${expected.index + 1} 条封存记录在县级密钥签名的树头（${head.treeSize} 条，${shortHash(head.rootHash)}…）中`,
  };
}
