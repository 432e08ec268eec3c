import { canonicalJson } from '../draw-engine/canonical-json';
import { commitmentOrEmpty } from '../draw-engine/seed';
import type { DrawBundle, SealedShow } from '../verify/bundle';
import { checkPublicLog, type Check, type ExpectedFinal } from '../verify/public-log';
import type { ShowSection } from '../verify/show-section';

/**
 * The checks a format-2 bundle adds: the show the seal names is present and is the one sealed (its
 * event, rehearsal flag, mode, timings, seats and recusals), the notary's secret matches its
 * commitment, and the draw's records are in the county's signed public log.
 */
export function sealedShowOf(show: ShowSection): SealedShow {
  return {
    eventId: show.eventId,
    rehearsal: show.rehearsal,
    mode: show.mode,
    reportMinutes: show.reportMinutes,
    rollSeconds: show.rollSeconds,
    judges: show.judges,
  };
}

export function checkFormat2(bundle: DrawBundle, check: Check): void {
  const seal = bundle.log[0];
  const sealedShow = (seal?.payload as { show?: SealedShow | null } | undefined)?.show ?? null;
  // The bundle's own copy of the seal's hash is what /verify and the bulletin show: it must be the log's.
  check(
    'seal-hash',
    '封存记录哈希与日志第 1 条一致',
    seal !== undefined && bundle.sealHash === seal.hash,
    `日志第 1 条的哈希 ${seal?.hash ?? '（无）'}`,
  );
  if (sealedShow !== null) {
    check(
      'show-present',
      '封存时载明的直播部分完整',
      bundle.show !== undefined && canonicalJson(sealedShowOf(bundle.show)) === canonicalJson(sealedShow),
      bundle.show === undefined
        ? `封存记录载明这是活动 ${sealedShow.eventId} 的直播抽查，验证包却没有直播部分`
        : `活动 ${sealedShow.eventId}${sealedShow.rehearsal ? '（演练）' : ''}，${sealedShow.judges.length} 个评委席位及其回避`,
    );
  }
  if (bundle.notary) {
    if (bundle.notarySecret != null) {
      const commitment = commitmentOrEmpty(bundle.notarySecret);
      check(
        'notary-commitment',
        bundle.notary.simulated ? '模拟公证员密钥与承诺值相符（演练）' : '公证员密钥与封存时登记的承诺值相符',
        commitment === bundle.notary.commitment,
        `SHA-256(公证员密钥) = ${commitment || '（格式错误）'}`,
      );
    }
  }
  checkPublicLog(
    bundle.publicLog,
    seal === undefined ? undefined : { hash: seal.hash, payload: seal.payload },
    expectedFinal(bundle),
    check,
  );
}

/**
 * The final leaf a bundle's logs call for: abandoned, a closed show, or none yet. The show's head is
 * the entry that ended it (close or abandon): the outputs stay under the operator's hand after the
 * close, so cues and takes may follow it in the log.
 */
function expectedFinal(bundle: DrawBundle): ExpectedFinal | null {
  const end = bundle.show?.log.find((entry) => entry.type === 'close' || entry.type === 'abandon');
  if (!bundle.abandoned && !end) return null;
  return {
    status: bundle.abandoned ? 'abandoned' : 'completed',
    reason: bundle.abandoned?.reason ?? null,
    drawLogHead: bundle.logHead,
    drawLogLength: bundle.log.length,
    showLogHead: bundle.show ? (end?.hash ?? null) : null,
    showLogLength: bundle.show ? (end?.seq ?? 0) : 0,
  };
}
