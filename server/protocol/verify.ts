import { literalUnion } from './literal-union';

/** The verifier's verdict: a value list with its labels, shown by /verify and npm run verify. */

/**
 * What a verified bundle proves: nothing (a check failed), only what was frozen (sealed, nothing
 * drawn yet: the commitment is published, there is no result to check), or a drawn result.
 */
export const VERIFY_OUTCOMES = ['failed', 'undrawn', 'drawn'] as const;
export const VerifyOutcomeSchema = literalUnion(VERIFY_OUTCOMES);
export type VerifyOutcome = (typeof VERIFY_OUTCOMES)[number];
export const VERIFY_OUTCOME_LABEL: Record<VerifyOutcome, string> = {
  failed: '验证未通过',
  undrawn: '已封存，尚未抽取：承诺值已公布，暂无可验证的抽取结果',
  drawn: '验证通过：本次抽取可复算，未被改动',
};
/** Said of every rehearsal bundle, whatever its outcome: a rehearsal never counts as an audit. */
export const REHEARSAL_NOTE = '本次为演练（彩排），不是正式抽查，结果不计入任何记录';
