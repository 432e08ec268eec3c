import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SCORING_RULES as rules,
  householdSatisfaction,
  householdScoreHundredths,
  possibleHouseholdPoints,
  SATISFACTION_ONLY,
  scoreRound,
  type HouseholdAnswer,
  type HouseholdScoring,
} from './scoring';
import { programDefinitionProblems, type ProgramFields, type Questionnaire } from '../protocol/programs';
import { HOME_VISIT_QUESTIONNAIRE } from './test-fixtures';

const QUESTIONNAIRE = HOME_VISIT_QUESTIONNAIRE;
const BY_QUESTIONNAIRE: HouseholdScoring = { questionnaire: QUESTIONNAIRE, householdScoreRule: 'questionnaire' };

const h = (
  outcome: string | null,
  satisfaction: string | null,
  answers: number[] | null,
  replaced = false,
): HouseholdAnswer => ({ outcome, satisfaction, answers, replaced });

const ROUND = [
  h('属实', '满意', [0, 0, 0]), // 30 + 20 + 30 + 100 = 180
  h('属实', '基本满意', [0, 1, 1]), // 30 + 10 + 15 + 75 = 130
  h('不符', '不满意', [1, 2, 2]), // 0 + 0 + 0 + 55 = 55
  h('属实', '不了解', [0, 0, 0]), // 不了解: not counted
  h('未联系上', null, null), // not reached: not counted
  h('属实', '满意', [0, 0, 0], true), // replaced: not in the sample
];

describe('the questionnaire rule (integer vectors)', () => {
  it('the most a household can earn: each best option plus the best satisfaction answer', () => {
    expect(possibleHouseholdPoints(QUESTIONNAIRE, rules)).toBe(180);
    expect(possibleHouseholdPoints({ questions: [] }, rules)).toBe(100);
  });

  it("the round's households' score is the points earned over the points possible, rounded once", () => {
    const summary = householdSatisfaction(ROUND, rules, BY_QUESTIONNAIRE);
    expect(summary).toMatchObject({
      sampled: 5,
      reached: 4,
      counted: 3,
      uncounted: 1,
      satisfied: 2,
      confirmed: 3,
      satisfactionRateHundredths: 6667,
      responseRateHundredths: 8000,
      // 365 × 10000 ÷ (3 × 180) = 6759.26 → 6759
      scoreHundredths: 6759,
      questionnaire: {
        possiblePoints: 180,
        earnedTotal: 365,
        questions: [
          {
            options: [
              { count: 2, points: 30 },
              { count: 1, points: 0 },
            ],
          },
          {
            options: [
              { count: 1, points: 20 },
              { count: 1, points: 10 },
              { count: 1, points: 0 },
            ],
          },
          {
            options: [
              { count: 1, points: 30 },
              { count: 1, points: 15 },
              { count: 1, points: 0 },
            ],
          },
        ],
      },
    });
    expect(summary.formula).toBe('365 分 ÷ (3 户 × 满分 180 分) × 100 = 67.59');
  });

  it("each household's own score: its points over the points possible, half up", () => {
    expect(ROUND.map((a) => householdScoreHundredths(a, rules, BY_QUESTIONNAIRE))).toEqual([
      10_000,
      7222, // 130 × 10000 ÷ 180 = 7222.2
      3056, // 55 × 10000 ÷ 180 = 3055.6
      null,
      null,
      null,
    ]);
    // The satisfaction rule: the answer's points, whatever the questionnaire says.
    expect(ROUND.map((a) => householdScoreHundredths(a, rules, SATISFACTION_ONLY))).toEqual([
      10_000,
      7500,
      5500,
      null,
      null,
      null,
    ]);
  });

  it('rounds an exact half up', () => {
    const halves: Questionnaire = {
      questions: [
        {
          text: '是否上门',
          options: [
            { label: '是', points: 40 },
            { label: '否', points: 1 },
          ],
        },
      ],
    };
    const own = { ...rules, satisfactionPoints: { 满意: 40, 基本满意: 20, 不满意: 0 } };
    const summary = householdSatisfaction([h('属实', '不满意', [1]), h('属实', '满意', [0])], own, {
      questionnaire: halves,
      householdScoreRule: 'questionnaire',
    });
    // 81 × 10000 ÷ (2 × 80) = 5062.5 → 5063
    expect(summary.scoreHundredths).toBe(5063);
  });

  it('answers that do not fit the questionnaire do not count; nothing counted is no score', () => {
    const summary = householdSatisfaction(
      [h('属实', '满意', [0, 0]), h('属实', '满意', [0, 0, 3]), h('未联系上', null, null)],
      rules,
      BY_QUESTIONNAIRE,
    );
    expect(summary).toMatchObject({ counted: 0, uncounted: 2, scoreHundredths: null, formula: null });
    expect(summary.satisfactionRateHundredths).toBeNull();
  });

  it('the satisfaction rule scores as before, answers or not, and adds no field', () => {
    const before = scoreRound(
      [],
      ROUND.map(({ answers: _a, ...rest }) => rest),
      rules,
    );
    const withQuestionnaire = scoreRound([], ROUND, rules, [], {
      questionnaire: QUESTIONNAIRE,
      householdScoreRule: 'satisfaction',
    });
    expect(withQuestionnaire).toEqual(before);
    expect(before.households).not.toHaveProperty('questionnaire');
    // (100 + 75 + 55) ÷ 3 = 76.67
    expect(before.households.scoreHundredths).toBe(7667);
  });

  it('the combined score takes the questionnaire score as the households part', () => {
    const judges = [80, 85, 90].map((v, i) => ({ seat: i + 1, hundredths: v * 100, items: [v * 100] }));
    const score = scoreRound(judges, ROUND, rules, [1, 2, 3], BY_QUESTIONNAIRE);
    expect(score.households.scoreHundredths).toBe(6759);
    // 85.00 × 60% + 67.59 × 40% = 78.036 → 78.04
    expect(score.combinedHundredths).toBe(7804);
  });
});

describe('programDefinitionProblems', () => {
  const fields = (overrides: Partial<ProgramFields> = {}): ProgramFields => ({
    name: '校外培训家访',
    department: '县教育局',
    auditeeLabel: '教师',
    contactLabel: '家长',
    unitLabel: '学校',
    questionnaire: QUESTIONNAIRE,
    householdScoreRule: 'questionnaire',
    ...overrides,
  });

  it('accepts a well-formed program', () => {
    expect(programDefinitionProblems(fields())).toEqual([]);
    expect(
      programDefinitionProblems(fields({ questionnaire: { questions: [] }, householdScoreRule: 'satisfaction' })),
    ).toEqual([]);
  });

  it('says in Chinese what is wrong', () => {
    const first = QUESTIONNAIRE.questions[0] as Questionnaire['questions'][number];
    expect(
      programDefinitionProblems(
        fields({
          department: ' ',
          questionnaire: {
            questions: [
              first,
              { ...first },
              {
                text: '是否回访',
                options: [
                  { label: '是', points: 10 },
                  { label: '是', points: 101 },
                ],
              },
            ],
          },
        }),
      ),
    ).toEqual(['题目不能重复', '第 3 题的选项不能重复', '第 3 题的分值须是 0–100 的整数', '请填写所属单位']);
    expect(programDefinitionProblems(fields({ questionnaire: { questions: [] } }))).toEqual([
      '按问卷计分须至少有一道题',
    ]);
  });
});
