import { literalUnion } from './literal-union';

/**
 * The findings of a round as the results page, the public results and the exports name them: what
 * the county acts on after a show (see server/scoring/findings.ts).
 */
export const FINDING_KINDS = [
  'contradicted',
  'unreached',
  'replacedHouseholds',
  'replacedAuditees',
  'householdCorrections',
  'scoreCorrections',
] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];

export const FINDING_LABEL: Record<FindingKind, string> = {
  contradicted: '反映不符',
  unreached: '未联系上',
  replacedHouseholds: '递补核实户',
  replacedAuditees: '递补人员',
  householdCorrections: '核实结果更正',
  scoreCorrections: '评分更正',
};

/** A round whose result calls for rectification (整改): the lowest tier, or work reported 不符. */
export const BELOW_THRESHOLD_LABEL = '未达标';
export const FOLLOWUP_LINK_LABEL = '整改跟踪';
export const NO_FINDINGS_LABEL = '无不符、无未联系上、无递补与更正';

/** The tables of a show's results export: the XLSX's sheets, and `results.csv?sheet=` one at a time. */
export const RESULT_SHEETS = ['rounds', 'households', 'judges', 'replacements', 'corrections', 'log'] as const;
export type ResultSheet = (typeof RESULT_SHEETS)[number];
export const RESULT_SHEET_TITLE: Record<ResultSheet, string> = {
  rounds: '抽查结果',
  households: '核实户',
  judges: '评委评分',
  replacements: '递补记录',
  corrections: '更正记录',
  log: '过程日志',
};
export const ResultSheetSchema = literalUnion(RESULT_SHEETS);
