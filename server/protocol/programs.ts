import { Type, type Static } from '@sinclair/typebox';
import { literalUnion } from './literal-union';

/**
 * Programs a department defines (issue 22): who is audited and whom they contact, the owning
 * department (单位), the call questionnaire a caller asks a drawn contact (each answer worth
 * points), and the rule that turns a household's answers into its score. A program is versioned:
 * editing it makes a new version and old versions never change; a sealed plan names the version
 * and carries its questionnaire and rule (`plan.program`), so they are hashed with the plan and
 * published in the bundle (docs/verification.md, "The questionnaire").
 */
const Label = (maxLength: number) => Type.String({ minLength: 1, maxLength });

/** The maximum lengths of the questionnaire's texts, and its sizes. */
export const QUESTION_TEXT_MAX = 40;
export const OPTION_LABEL_MAX = 12;
export const OPTIONS_MIN = 2;
export const OPTIONS_MAX = 6;
export const QUESTIONS_MAX = 10;
export const OPTION_POINTS_MAX = 100;

/**
 * How a household's score is reached. `satisfaction`: the satisfaction answer's points alone
 * (plan.scoring.satisfactionPoints), the round's households' score their mean; what the built-in
 * programs use and every plan before programs had versions. `questionnaire`: the chosen options'
 * points plus the satisfaction answer's points, as a percentage of the most a household can earn.
 */
export const HOUSEHOLD_SCORE_RULES = ['satisfaction', 'questionnaire'] as const;
export const HouseholdScoreRuleSchema = literalUnion(HOUSEHOLD_SCORE_RULES);
export type HouseholdScoreRule = Static<typeof HouseholdScoreRuleSchema>;
export const HOUSEHOLD_SCORE_RULE_LABEL: Record<HouseholdScoreRule, string> = {
  satisfaction: '按满意度计分（满意度分值的平均）',
  questionnaire: '按问卷计分（各题得分加满意度分值，折算为百分制）',
};

export const QuestionOptionSchema = Type.Object(
  {
    label: Label(OPTION_LABEL_MAX),
    points: Type.Integer({ minimum: 0, maximum: OPTION_POINTS_MAX }),
  },
  { additionalProperties: false },
);
export type QuestionOption = Static<typeof QuestionOptionSchema>;

export const QuestionSchema = Type.Object(
  {
    text: Label(QUESTION_TEXT_MAX),
    options: Type.Array(QuestionOptionSchema, { minItems: OPTIONS_MIN, maxItems: OPTIONS_MAX }),
  },
  { additionalProperties: false },
);
export type Question = Static<typeof QuestionSchema>;

/** The questions a caller asks a reached household, in order, before the satisfaction question. */
export const QuestionnaireSchema = Type.Object(
  { questions: Type.Array(QuestionSchema, { maxItems: QUESTIONS_MAX }) },
  { additionalProperties: false },
);
export type Questionnaire = Static<typeof QuestionnaireSchema>;

export const EMPTY_QUESTIONNAIRE: Questionnaire = { questions: [] };

/** A program code: lowercase letters, digits and hyphens (it appears in URLs and file names). */
export const PROGRAM_CODE_PATTERN = '^[a-z][a-z0-9-]{1,31}$';

/** What an administrator declares: everything of a program but its code and version. */
export const ProgramFieldsSchema = Type.Object(
  {
    name: Label(20),
    /** The owning department (单位), e.g. 县教育局. */
    department: Label(30),
    auditeeLabel: Label(10),
    contactLabel: Label(10),
    unitLabel: Label(10),
    questionnaire: QuestionnaireSchema,
    householdScoreRule: HouseholdScoreRuleSchema,
  },
  { additionalProperties: false },
);
export type ProgramFields = Static<typeof ProgramFieldsSchema>;

/** One version of a program, exactly as stored and hashed (sha256 of its canonical JSON). */
export const ProgramDefinitionSchema = Type.Object(
  {
    code: Type.String({ pattern: PROGRAM_CODE_PATTERN }),
    version: Type.Integer({ minimum: 1 }),
    ...ProgramFieldsSchema.properties,
  },
  { additionalProperties: false },
);
export type ProgramDefinition = Static<typeof ProgramDefinitionSchema>;

/** The body of POST /api/program-definitions. */
export const CreateProgramBodySchema = Type.Object(
  { code: Type.String({ pattern: PROGRAM_CODE_PATTERN }), ...ProgramFieldsSchema.properties },
  { additionalProperties: false },
);
export type CreateProgramBody = Static<typeof CreateProgramBodySchema>;

/** The body of PUT /api/program-definitions/:code (a new version). */
export const UpdateProgramBodySchema = ProgramFieldsSchema;
export type UpdateProgramBody = ProgramFields;

export const ProgramCodeParamsSchema = Type.Object(
  { code: Type.String({ pattern: PROGRAM_CODE_PATTERN }) },
  { additionalProperties: false },
);

/** A program's version as the administrator's list shows it: the definition, its hash, who made it. */
export const ProgramVersionViewSchema = Type.Object({
  definition: ProgramDefinitionSchema,
  hash: Type.String(),
  createdAt: Type.String(),
  createdBy: Type.String(),
});
export type ProgramVersionView = Static<typeof ProgramVersionViewSchema>;

/** Each program with its current version and every earlier one (newest first). */
export const ProgramDefinitionsSchema = Type.Array(
  Type.Object({
    code: Type.String(),
    builtin: Type.Boolean(),
    current: ProgramVersionViewSchema,
    versions: Type.Array(ProgramVersionViewSchema),
  }),
);
export type ProgramDefinitions = Static<typeof ProgramDefinitionsSchema>;

/**
 * What a sealed plan carries of its program (`plan.program`): the version, the hash of its
 * definition, the questionnaire and the household-score rule. Absent in plans sealed before
 * programs had versions: the built-in behaviour (no questionnaire, rule `satisfaction`).
 */
export const PlanProgramSchema = Type.Object(
  {
    version: Type.Integer({ minimum: 1 }),
    hash: Type.String({ pattern: '^[0-9a-f]{64}$' }),
    questionnaire: QuestionnaireSchema,
    householdScoreRule: HouseholdScoreRuleSchema,
  },
  { additionalProperties: false },
);
export type PlanProgram = Static<typeof PlanProgramSchema>;

/** A plan's questionnaire and rule, with the built-in behaviour for plans that carry none. */
export function planQuestionnaire(program: PlanProgram | undefined): {
  questionnaire: Questionnaire;
  householdScoreRule: HouseholdScoreRule;
} {
  return program
    ? { questionnaire: program.questionnaire, householdScoreRule: program.householdScoreRule }
    : { questionnaire: EMPTY_QUESTIONNAIRE, householdScoreRule: 'satisfaction' };
}

/** What is wrong with a program's fields that the schema alone cannot say (Chinese, for the console). */
export function programDefinitionProblems(fields: ProgramFields): string[] {
  const problems: string[] = [];
  const { questions } = fields.questionnaire;
  if (questions.length > QUESTIONS_MAX) problems.push(`问卷最多 ${QUESTIONS_MAX} 题`);
  const texts = questions.map((q) => q.text.trim());
  if (texts.some((t) => t === '')) problems.push('每道题都要写题目');
  if (new Set(texts).size !== texts.length) problems.push('题目不能重复');
  questions.forEach((q, i) => {
    const n = `第 ${i + 1} 题`;
    if (q.text.length > QUESTION_TEXT_MAX) problems.push(`${n}题目不能超过 ${QUESTION_TEXT_MAX} 个字`);
    if (q.options.length < OPTIONS_MIN || q.options.length > OPTIONS_MAX)
      problems.push(`${n}须有 ${OPTIONS_MIN}–${OPTIONS_MAX} 个选项`);
    const labels = q.options.map((o) => o.label.trim());
    if (labels.some((l) => l === '')) problems.push(`${n}的每个选项都要写内容`);
    if (labels.some((l) => l.length > OPTION_LABEL_MAX)) problems.push(`${n}的选项不能超过 ${OPTION_LABEL_MAX} 个字`);
    if (new Set(labels).size !== labels.length) problems.push(`${n}的选项不能重复`);
    if (q.options.some((o) => !Number.isInteger(o.points) || o.points < 0 || o.points > OPTION_POINTS_MAX))
      problems.push(`${n}的分值须是 0–${OPTION_POINTS_MAX} 的整数`);
  });
  if (fields.householdScoreRule === 'questionnaire' && questions.length === 0)
    problems.push('按问卷计分须至少有一道题');
  for (const [key, label] of [
    ['name', '项目名称'],
    ['department', '所属单位'],
    ['auditeeLabel', '被抽查人员称谓'],
    ['contactLabel', '联系对象称谓'],
    ['unitLabel', '单位称谓'],
  ] as const) {
    if (fields[key].trim() === '') problems.push(`请填写${label}`);
  }
  return problems;
}
