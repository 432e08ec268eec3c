import type { SignedTreeHead } from '../protocol/draw';
import { verifyConsistency } from './merkle';
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
