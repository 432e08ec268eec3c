import {
  REHEARSAL_NOTE,
  SEED_PARTIES_LABEL,
  VERIFY_OUTCOME_LABEL,
  type SeedParties,
  type VerifyOutcome,
} from '../protocol/verify';
import type { DrawBundle } from '../verify/bundle';

/**
 * The verifier's report and its verdict in words, kept in one place so /verify and `npm run verify`
 * say the same thing; and what the report reads of a bundle before (or whatever) its checks say.
 */
export interface VerificationCheck {
  id: string;
  label: string;
  ok: boolean;
  detail: string;
}

export interface VerificationReport {
  /** Every check holds (true for a sealed, undrawn bundle too: what was frozen is intact). */
  ok: boolean;
  /** What the bundle proves: failed, sealed with nothing drawn yet, or a drawn result (see outcomeOf). */
  outcome: VerifyOutcome;
  /** The bundle is a rehearsal's (演练): it verifies like any other, and never counts. */
  rehearsal: boolean;
  /** Who held the seed's committed secrets (labelled everywhere a single party decided it). */
  parties: SeedParties;
  /** What must still be compared by eye with the bulletin and the broadcast (see eyeChecks). */
  eyeChecks: string[];
  /**
   * Format 2: whether the public log in the bundle already holds the draw's final record (completed or
   * abandoned); null for format 1. A bundle exported before the end cannot say how the draw ended.
   */
  ended: boolean | null;
  checks: VerificationCheck[];
}

/**
 * The verdict, kept here so the page and `npm run verify` say the same thing: a bundle whose
 * checks hold but where nobody has been drawn proves only what was frozen, not a result.
 */
export function outcomeOf(ok: boolean, bundle: Pick<DrawBundle, 'auditeeStages' | 'abandoned'>): VerifyOutcome {
  if (!ok) return 'failed';
  if (bundle.abandoned) return 'abandoned';
  return bundle.auditeeStages === null || bundle.auditeeStages.length === 0 ? 'undrawn' : 'drawn';
}

/** The verdict in words, the same on /verify and in `npm run verify`: a headline and what it means. */
export function verdictOf(report: VerificationReport): { headline: string; notes: string[] } {
  const notes: string[] = [];
  if (report.rehearsal) notes.push(REHEARSAL_NOTE);
  if (report.outcome === 'undrawn')
    notes.push('密钥公开、完成抽取后才有结果可复核；现在核对的是封存时冻结的名册、方案、名单池与承诺值');
  if (report.outcome !== 'failed') notes.push(SEED_PARTIES_LABEL[report.parties]);
  if (report.outcome === 'drawn' && report.ended === false) notes.push(UNENDED_NOTE);
  if (report.outcome !== 'failed' && report.eyeChecks.length > 0) {
    notes.push(`以下几项软件无法替你核对，请亲眼比对公告与直播录像：${report.eyeChecks.join('；')}`);
  }
  const headline = VERIFY_OUTCOME_LABEL[report.outcome];
  return { headline: report.rehearsal ? `演练 · ${headline}` : headline, notes };
}

/** Said of a drawn format-2 bundle whose public log has no final record yet. */
export const UNENDED_NOTE =
  '导出验证包时本次抽取尚未结束，公开日志中还没有它的结束记录：它最后是完成还是作废，以县公开日志（公示页「全部封存记录」）为准';

/** Whether the bundle's public log holds the draw's final record (null: format 1, or no log at all). */
export function endedOf(input: unknown): boolean | null {
  if (typeof input !== 'object' || input === null || !('version' in input) || input.version !== 2) return null;
  const proof = 'publicLog' in input ? input.publicLog : null;
  if (typeof proof !== 'object' || proof === null || !('leaves' in proof) || !Array.isArray(proof.leaves)) return null;
  return proof.leaves.some(
    (entry: unknown) =>
      typeof entry === 'object' &&
      entry !== null &&
      'leaf' in entry &&
      typeof entry.leaf === 'object' &&
      entry.leaf !== null &&
      'kind' in entry.leaf &&
      entry.leaf.kind === 'final',
  );
}

/** A bundle is a rehearsal's when its show says so (a rehearsal is always run as a show). */
export function isRehearsal(input: unknown): boolean {
  if (typeof input !== 'object' || input === null || !('show' in input)) return false;
  const show = input.show;
  return typeof show === 'object' && show !== null && 'rehearsal' in show && show.rehearsal === true;
}

export function partiesOf(input: unknown): SeedParties {
  if (typeof input !== 'object' || input === null || !('notary' in input)) return 'single-party';
  // A version-1 seed never used a notary's secret, whatever a version-1 bundle says of one.
  if (!('version' in input) || input.version !== 2) return 'single-party';
  const notary = input.notary;
  if (typeof notary !== 'object' || notary === null) return 'single-party';
  return 'simulated' in notary && notary.simulated === true ? 'simulated' : 'two-party';
}
