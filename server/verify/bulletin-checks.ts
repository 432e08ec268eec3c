import type { DrawBundle } from '../verify/bundle';
import { shortHash, type Check } from '../verify/public-log';

/**
 * A bundle checked against what was printed before the show (the bulletin): the commitments, the
 * public log's tree head at sealing, the county key's fingerprint. A bundle is otherwise
 * self-certifying: anyone can make a new secret, grind the digits and re-hash both logs, so these
 * comparisons are what ties a bundle to the draw the public saw announced.
 */
export interface BulletinExpectations {
  /** Commitments as printed (the server's, the notary's; any order). */
  commitments?: string[];
  /** The public log's head as printed at sealing (size optional). */
  treeHead?: { treeSize?: number; rootHash: string };
  /** The county key's fingerprint as printed. */
  keyId?: string;
  /**
   * The seal record as the bulletin's QR code names it: without it a forger with their own key could
   * re-hash the seal at another time (another seal hash, so another seed) under the same commitments.
   */
  seal?: { sealVersion: number; drawId: string; sealHash: string };
}

const normalise = (hex: string) => hex.trim().toLowerCase();

/**
 * Every commitment a bundle's seal names: the server's, then the notary's when there is one. A
 * version-1 bundle names the server's only, whatever else it carries: its seed never used a
 * notary's secret, so a format-2 draw downgraded to version 1 cannot match a printed notary's.
 */
export function commitmentsOf(bundle: Pick<DrawBundle, 'version' | 'commitment' | 'notary'>): string[] {
  return [bundle.commitment, ...(bundle.version === 2 && bundle.notary ? [bundle.notary.commitment] : [])];
}

/** Parses `SIZE:ROOT` or `ROOT` as printed on the bulletin (null when it is neither). */
export function parseTreeHead(text: string): BulletinExpectations['treeHead'] | null {
  const match = /^\s*(?:(\d{1,12})\s*[:：]\s*)?([0-9a-fA-F]{64})\s*$/u.exec(text);
  if (!match) return null;
  const rootHash = (match[2] ?? '').toLowerCase();
  return match[1] === undefined ? { rootHash } : { treeSize: Number(match[1]), rootHash };
}

export function checkAgainstBulletin(bundle: DrawBundle, expected: BulletinExpectations, check: Check): void {
  if (expected.seal) {
    const printed = expected.seal;
    const sealHash = bundle.log[0]?.hash ?? '';
    check(
      'bulletin-seal',
      '封存记录与公告一致',
      bundle.version === printed.sealVersion &&
        bundle.drawId === printed.drawId &&
        sealHash === normalise(printed.sealHash),
      `公告上的封存记录：第 ${printed.sealVersion} 版，抽取 ${printed.drawId}，哈希 ${shortHash(printed.sealHash)}…；验证包：第 ${bundle.version} 版，抽取 ${bundle.drawId}，哈希 ${shortHash(sealHash)}…`,
    );
  }
  if (expected.commitments && expected.commitments.length > 0) {
    const sealed = commitmentsOf(bundle);
    const given = expected.commitments.map(normalise);
    const missing = given.filter((c) => !sealed.includes(c));
    check(
      'bulletin-commitment',
      '承诺值与事先公布的公告一致',
      missing.length === 0,
      missing.length === 0
        ? `公告上的 ${given.length} 个承诺值都与验证包封存的一致`
        : `公告上的 ${missing.map(shortHash).join('、')}… 不是验证包封存的承诺值（验证包为 ${sealed.map(shortHash).join('、')}…）`,
    );
  }
  if (expected.treeHead) {
    const printed = expected.treeHead;
    // The bulletin prints the head signed right after this draw's seal leaf, never a later one: a
    // later head could follow a second seal record of the same draw (see public-log-seal).
    const head = bundle.publicLog?.sealTreeHead;
    const same =
      head !== undefined &&
      head.rootHash === normalise(printed.rootHash) &&
      (printed.treeSize === undefined || head.treeSize === printed.treeSize);
    check(
      'bulletin-tree-head',
      '公开日志树头与公告一致',
      same,
      bundle.publicLog === undefined
        ? '验证包没有公开日志的树头，无法与公告核对'
        : same
          ? `公告上的树头（${printed.treeSize ?? '?'} 条，${shortHash(printed.rootHash)}…）就是验证包的封存时树头`
          : `公告上的树头 ${shortHash(printed.rootHash)}… 与验证包的不符（封存时 ${bundle.publicLog.sealTreeHead.treeSize} 条，${shortHash(bundle.publicLog.sealTreeHead.rootHash)}…）`,
    );
  }
  if (expected.keyId) {
    check(
      'bulletin-key',
      '签名密钥指纹与公告一致',
      bundle.publicLog?.keyId === normalise(expected.keyId),
      bundle.publicLog ? `验证包的指纹 ${shortHash(bundle.publicLog.keyId)}…` : '验证包没有公开日志的签名密钥',
    );
  }
}

/**
 * What nobody's software can check for a citizen, said plainly: compare these by eye with the
 * printed bulletin and the broadcast. A comparison given to the verifier is no longer listed.
 */
export function eyeChecks(bundle: DrawBundle, expected: BulletinExpectations): string[] {
  const list: string[] = [];
  if (!expected.commitments?.length) {
    list.push(`承诺值：${commitmentsOf(bundle).join('、')}，须与封存时张贴或公证的公告一致`);
  }
  if (!expected.treeHead && bundle.publicLog) {
    const head = bundle.publicLog.sealTreeHead;
    list.push(`公开日志封存时树头：${head.treeSize} 条，${head.rootHash}，须与公告一致`);
  }
  if (!expected.keyId && bundle.publicLog) {
    list.push(`县级签名密钥指纹：${bundle.publicLog.keyId}，须与历次公告一致`);
  }
  if (bundle.entropy !== null) {
    // The log stamp on every graphic ties a recording of the broadcast to this bundle's show log.
    const stamps = bundle.show ? '；直播画面角上的「日志」短哈希，须是验证包直播日志中某一条的开头' : '';
    list.push(`公开随机数：${bundle.entropy}，须与直播画面上掷出、录入的数字一致${stamps}`);
  }
  return list;
}
