import { join } from 'node:path';
import { ESLint, type Linter } from 'eslint';
import { describe, expect, it } from 'vitest';
import { ROLE_LABEL } from '../server/protocol/auth';
import { AUDITEE_REPLACEMENT_REASONS, CONTACT_REPLACEMENT_REASONS, RISK_TIERS } from '../server/protocol/draw';
import { EVENT_STATUS_LABEL } from '../server/protocol/events';
import { RECTIFICATION_STATUSES } from '../server/protocol/followups';
import { EVENT_MODE_LABEL } from '../server/protocol/modes';
import { AUDITEE_STATUSES, CONSENT_VALUES, VISIT_KINDS, VISIT_STATUSES } from '../server/protocol/registry';
import {
  CALL_STATUSES,
  GRAPHICS,
  OUTCOMES,
  ROUND_STEPS,
  REPORT_STATUS_LABEL,
  ROUND_STEP_LABEL,
  SATISFACTION,
} from '../server/protocol/round';
import { MISSING_SCORE_LABEL, TRIM_ON_LABEL } from '../server/protocol/scoring';
import { HOUSEHOLD_SCORE_RULE_LABEL } from '../server/protocol/programs';
import { COMMAND_LABEL, SHOW_COMMAND_TYPES } from '../server/protocol/show-commands';
import { VERIFY_OUTCOME_LABEL } from '../server/protocol/verify';

/**
 * Each value list and label of the protocol is declared once, in server/protocol: a UI that spells
 * one out again (a list of call statuses, a step's label, a command's name in a list) drifts from
 * it. Comparing a typed field with a value (`outcome === '属实'`) is checked by TypeScript and
 * allowed; declaring values or their labels again is not.
 */
const root = join(import.meta.dirname, '..');
const UI_FILES = ['console-ui/src/**/*.{ts,svelte}', 'overlay/src/**/*.{ts,svelte}'];

/** Values whose every mention outside a comparison is a copy (Chinese, so never an identifier or a class). */
const CHINESE_VALUES: readonly string[] = [
  ...CALL_STATUSES,
  ...OUTCOMES,
  ...SATISFACTION,
  ...AUDITEE_STATUSES,
  ...CONSENT_VALUES,
  ...VISIT_KINDS,
  ...VISIT_STATUSES,
  ...RECTIFICATION_STATUSES,
  ...RISK_TIERS,
];
/**
 * Labels the protocol gives: a UI shows them from its label maps, never spelled again. The words of
 * the grid (乡镇, 工作片, 单位…) and of the graphics (公开随机数…) are also the product's ordinary
 * terms, used as headings in their own right, so they are not listed.
 */
const LABELS = [
  ROLE_LABEL,
  AUDITEE_REPLACEMENT_REASONS,
  CONTACT_REPLACEMENT_REASONS,
  EVENT_STATUS_LABEL,
  EVENT_MODE_LABEL,
  ROUND_STEP_LABEL,
  REPORT_STATUS_LABEL,
  TRIM_ON_LABEL,
  MISSING_SCORE_LABEL,
  COMMAND_LABEL,
  VERIFY_OUTCOME_LABEL,
  HOUSEHOLD_SCORE_RULE_LABEL,
].flatMap((labels) => Object.values(labels));
/** ASCII values that are a list when they appear side by side in an array. */
const LISTED_VALUES = [...ROUND_STEPS, ...GRAPHICS, ...SHOW_COMMAND_TYPES];

const alternatives = (values: readonly string[]) =>
  [...new Set(values)].map((v) => v.replace(/[.*+?^${}()|[\]\\/]/gu, '\\$&')).join('|');

function rule(): Linter.RuleEntry {
  const chinese = alternatives(CHINESE_VALUES);
  const labels = alternatives(LABELS.filter((label) => !CHINESE_VALUES.includes(label)));
  const listed = alternatives(LISTED_VALUES);
  const copy = '值列表与标签只在 server/protocol 中声明一次：请从 $protocol 导入';
  return [
    'error',
    {
      selector: `Literal[value=/^(${chinese})$/u]:not(BinaryExpression > Literal):not(SwitchCase > Literal)`,
      message: copy,
    },
    { selector: `Literal[value=/^(${labels})$/u]`, message: copy },
    { selector: `TemplateElement[value.cooked=/^(${labels})$/u]`, message: copy },
    { selector: `SvelteText[value=/^\\s*(${labels})\\s*$/u]`, message: copy },
    { selector: `ArrayExpression > Literal[value=/^(${listed})$/u] ~ Literal[value=/^(${listed})$/u]`, message: copy },
  ];
}

async function lintUi(overrides: { code: string; filePath: string } | null): Promise<ESLint.LintResult[]> {
  const eslint = new ESLint({
    cwd: root,
    overrideConfig: [{ files: ['console-ui/src/**', 'overlay/src/**'], rules: { 'no-restricted-syntax': rule() } }],
  });
  return overrides
    ? eslint.lintText(overrides.code, { filePath: join(root, overrides.filePath) })
    : eslint.lintFiles(UI_FILES);
}

const copies = (results: ESLint.LintResult[]) =>
  results.flatMap((r) =>
    r.messages
      .filter((m) => m.ruleId === 'no-restricted-syntax' && m.message.includes('server/protocol'))
      .map((m) => `${r.filePath.slice(root.length + 1)}:${m.line} ${m.message}`),
  );

describe('UIs take the protocol value lists and labels from the protocol', () => {
  it('no console or overlay source spells a protocol value list or label again', async () => {
    expect(copies(await lintUi(null))).toEqual([]);
  }, 120_000);

  it('catches a copied list of outcomes, a copied step label, a list of graphics, and labels in markup', async () => {
    const found = async (code: string, filePath = 'console-ui/src/lib/fixture.ts') =>
      copies(await lintUi({ code, filePath })).length;
    expect(await found("export const OUTCOMES = ['属实', '不符', '未联系上'];")).toBe(3);
    expect(await found("export const label = '评委评分中';")).toBe(1);
    expect(await found("export const shown = ['roll', 'auditee', 'countdown'];")).toBe(2);
    expect(
      await found('<p>公布评分</p>\n<select><option>评委评分中</option></select>', 'console-ui/src/Fixture.svelte'),
    ).toBe(2);
  });

  it('lets a UI compare a typed field with a value', async () => {
    const code = "export const confirmed = (o: string) => o === '属实' || o !== '不符';\n";
    expect(copies(await lintUi({ code, filePath: 'console-ui/src/lib/fixture.ts' }))).toEqual([]);
  });
});
