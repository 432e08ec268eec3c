import { literalUnion } from './literal-union';

/** The verifier's verdict: a value list with its labels, shown by /verify and npm run verify. */

/**
 * What a verified bundle proves: nothing (a check failed), only what was frozen (sealed, nothing
 * drawn yet: the commitment is published, there is no result to check), or a drawn result.
 */
export const VERIFY_OUTCOMES = ['failed', 'undrawn', 'drawn', 'abandoned'] as const;
export const VerifyOutcomeSchema = literalUnion(VERIFY_OUTCOMES);
export type VerifyOutcome = (typeof VERIFY_OUTCOMES)[number];
export const VERIFY_OUTCOME_LABEL: Record<VerifyOutcome, string> = {
  failed: '验证未通过',
  undrawn: '已封存，尚未抽取：承诺值已公布，暂无可验证的抽取结果',
  drawn: '验证通过：本次抽取可复算，未被改动',
  abandoned: '已作废：记录完整可复核，但本次抽取不计，须重新封存新的抽查',
};

/**
 * Who held a committed secret of the seed: the server and a notary, the server alone (a check run
 * without a notary, or a bundle of format 1), or the server with a simulated notary (a rehearsal).
 */
export const SEED_PARTIES = ['two-party', 'single-party', 'simulated'] as const;
export type SeedParties = (typeof SEED_PARTIES)[number];
export const SEED_PARTIES_LABEL: Record<SeedParties, string> = {
  'two-party': '双方密钥：服务器与公证员各持一份事先承诺的密钥，任何一方都不能单独预知或左右结果',
  'single-party': '单方密钥：未设公证员，种子只由服务器密钥与公开随机数决定，须信任服务器保管者',
  simulated: '演练：第二份密钥由服务器模拟公证员生成，不具公证效力',
};
/** Said of every rehearsal bundle, whatever its outcome: a rehearsal never counts as an audit. */
export const REHEARSAL_NOTE = '本次为演练（彩排），不是正式抽查，结果不计入任何记录';

/** The same, in a few words: the label printed beside the commitments and on /public's list. */
export const SEED_PARTIES_SHORT_LABEL: Record<SeedParties, string> = {
  'two-party': '双方密钥（服务器 + 公证员）',
  'single-party': '单方密钥',
  simulated: '演练：模拟公证员',
};

/** Who holds the seed's secrets, from the notary as sealed (null: the server's secret alone). */
export const seedPartiesOf = (notary: { simulated: boolean } | null): SeedParties =>
  notary === null ? 'single-party' : notary.simulated ? 'simulated' : 'two-party';
