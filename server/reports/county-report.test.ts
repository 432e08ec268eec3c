import { describe, expect, it } from 'vitest';
import type { AuditRecord } from '../run-of-show/audit-record';
import type { CountyProgram, ReportFigures } from '../protocol/reports';
import {
  buildCountyReport,
  departmentOf,
  isOverdue,
  type CountyHistoryRow,
  type CountyRectification,
} from './county-report';

/**
 * A fixed vector: three visible programs (two of one department), one hidden, rows in and out of
 * the period, a round without placement and a plain note; every expected figure worked by hand.
 */
const PROGRAMS: CountyProgram[] = [
  { code: 'cadre-household', name: '干部联系群众', department: '县委组织部' },
  { code: 'teacher-parent', name: '教师联系家长', department: '县教育局' },
  { code: 'study-group', name: '结构化研讨', department: '县委组织部' },
];

function row(
  programCode: string,
  auditedOn: string,
  mode: string,
  unit: string | null,
  [sampled, reached, counted, confirmed, satisfied]: [number, number, number, number, number],
  judgesHundredths: number | null,
  combinedHundredths: number,
  tier: string,
): CountyHistoryRow {
  const record: Partial<AuditRecord> = {
    placement: unit === null ? null : { town: '', area: '', village: '', unit, industry: '' },
    households: { sampled, reached, counted, confirmed, satisfied, outcomes: [], replaced: 0 },
    judgesHundredths,
    combinedHundredths,
    tier,
  };
  return { programCode, auditedOn, mode, eventId: `E-${auditedOn}`, record };
}

const ROWS: CountyHistoryRow[] = [
  row('cadre-household', '2026-03-10', 'televised', '城关街道', [5, 4, 4, 4, 3], 8800, 8000, '良好'),
  row('cadre-household', '2026-03-10', 'televised', '城关街道', [4, 4, 3, 3, 3], 9000, 9400, '优秀'),
  row('cadre-household', '2026-05-01', 'routine', '龙家圈街道', [3, 3, 3, 2, 2], null, 6667, '合格'),
  row('teacher-parent', '2026-04-02', 'routine', '县第一中学', [4, 3, 3, 3, 3], null, 10000, '优秀'),
  row('teacher-parent', '2026-04-02', 'routine', '县第二小学', [4, 2, 2, 2, 1], null, 5000, '不合格'),
  row('study-group', '2026-06-01', 'special', null, [2, 2, 2, 2, 2], null, 10000, '优秀'),
  // Before the period; and a program the account may not see.
  row('cadre-household', '2025-12-31', 'routine', '城关街道', [5, 5, 5, 5, 5], null, 10000, '优秀'),
  row('medic-patient', '2026-03-01', 'routine', '县人民医院', [5, 5, 5, 5, 5], null, 10000, '优秀'),
  // A plain note (imported history): audited, without figures or placement.
  { programCode: 'teacher-parent', auditedOn: '2026-04-20', mode: 'routine', eventId: 'N1', record: {} },
];

const item = (
  programCode: string,
  status: CountyRectification['status'],
  deadline: string,
  auditedOn: string | null,
  mode: string | null,
): CountyRectification => ({ programCode, status, deadline, auditedOn, mode });

const RECTIFICATIONS: CountyRectification[] = [
  item('cadre-household', '待整改', '2026-06-30', '2026-03-10', 'televised'),
  item('cadre-household', '整改中', '2026-07-15', '2026-05-01', 'routine'),
  item('cadre-household', '已整改', '2026-04-01', '2026-03-10', 'televised'),
  item('teacher-parent', '待整改', '2026-05-01', '2026-04-02', 'routine'),
  item('teacher-parent', '已核验', '2026-05-01', '2026-04-02', 'routine'),
  item('cadre-household', '待整改', '2026-01-10', '2025-12-31', 'routine'),
  item('medic-patient', '待整改', '2026-03-20', '2026-03-01', 'routine'),
  item('cadre-household', '待整改', '2026-03-20', null, null),
];

const TODAY = '2026-07-01';
const YEAR = { from: '2026-01-01', to: '2026-12-31' };
const build = (query: { from: string; to: string; mode?: 'routine' } = YEAR, programs = PROGRAMS) =>
  buildCountyReport({ programs, rows: ROWS, rectifications: RECTIFICATIONS }, query, TODAY);

const f = (
  values: Omit<ReportFigures, 'tiers' | 'averageJudges'> & Partial<Pick<ReportFigures, 'averageJudges'>>,
  tiers: Record<string, number>,
): ReportFigures => ({ averageJudges: null, ...values, tiers });

const CADRE = f(
  {
    audited: 3,
    households: 12,
    reached: 11,
    confirmed: 9,
    counted: 10,
    satisfied: 8,
    verifiedRate: 8182,
    satisfactionRate: 8000,
    responseRate: 9167,
    averageJudges: 8900,
    averageCombined: 8022,
  },
  { 优秀: 1, 良好: 1, 合格: 1 },
);
const TEACHER = f(
  {
    audited: 3,
    households: 8,
    reached: 5,
    confirmed: 5,
    counted: 5,
    satisfied: 4,
    verifiedRate: 10000,
    satisfactionRate: 8000,
    responseRate: 6250,
    averageCombined: 7500,
  },
  { 优秀: 1, 不合格: 1 },
);
const STUDY = f(
  {
    audited: 1,
    households: 2,
    reached: 2,
    confirmed: 2,
    counted: 2,
    satisfied: 2,
    verifiedRate: 10000,
    satisfactionRate: 10000,
    responseRate: 10000,
    averageCombined: 10000,
  },
  { 优秀: 1 },
);
const counts = (total: number, [a, b, c, d]: number[], overdue: number) => ({
  total,
  byStatus: { 待整改: a, 整改中: b, 已整改: c, 已核验: d },
  overdue,
});

describe('the county report', () => {
  it('gives each program its figures and its 整改 by status, overdue counted on the day given', () => {
    const report = build();
    expect(report.programs.map((p) => p.program.code)).toEqual(['cadre-household', 'teacher-parent', 'study-group']);
    expect(report.programs.map((p) => p.figures)).toEqual([CADRE, TEACHER, STUDY]);
    expect(report.programs.map((p) => p.rectifications)).toEqual([
      counts(3, [1, 1, 1, 0], 1),
      counts(2, [1, 0, 0, 1], 1),
      counts(0, [0, 0, 0, 0], 0),
    ]);
  });

  it('groups programs by department, in the order of their first program', () => {
    const report = build();
    expect(report.departments.map((d) => [d.department, d.programs])).toEqual([
      ['县委组织部', ['cadre-household', 'study-group']],
      ['县教育局', ['teacher-parent']],
    ]);
    expect(report.departments[0]?.figures).toEqual(
      f(
        {
          audited: 4,
          households: 14,
          reached: 13,
          confirmed: 11,
          counted: 12,
          satisfied: 10,
          verifiedRate: 8462,
          satisfactionRate: 8333,
          responseRate: 9286,
          averageJudges: 8900,
          averageCombined: 8517,
        },
        { 优秀: 2, 良好: 1, 合格: 1 },
      ),
    );
    expect(report.departments[0]?.rectifications).toEqual(counts(3, [1, 1, 1, 0], 1));
    expect(report.departments[1]?.figures).toEqual(TEACHER);
  });

  it('ranks units of every program together; ties share a rank, unscored units come last', () => {
    const report = build();
    expect(report.units.map((u) => [u.rank, u.unit, u.program.code, u.figures.averageCombined])).toEqual([
      [1, '县第一中学', 'teacher-parent', 10000],
      [1, '（未记录）', 'study-group', 10000],
      [3, '城关街道', 'cadre-household', 8700],
      [4, '龙家圈街道', 'cadre-household', 6667],
      [5, '县第二小学', 'teacher-parent', 5000],
      [6, '（未记录）', 'teacher-parent', null],
    ]);
    expect(report.units[2]?.figures).toMatchObject({ audited: 2, households: 9, satisfactionRate: 8571 });
    expect(report.units[2]?.program).toEqual(PROGRAMS[0]);
  });

  it('totals the visible programs of the period only', () => {
    const report = build();
    expect(report.total).toEqual(
      f(
        {
          audited: 7,
          households: 22,
          reached: 18,
          confirmed: 16,
          counted: 17,
          satisfied: 14,
          verifiedRate: 8889,
          satisfactionRate: 8235,
          responseRate: 8182,
          averageJudges: 8900,
          averageCombined: 8178,
        },
        { 优秀: 3, 良好: 1, 合格: 1, 不合格: 1 },
      ),
    );
    expect(report.rectifications).toEqual(counts(5, [2, 1, 1, 1], 2));
    expect(report.query).toEqual(YEAR);
  });

  it('limits rows and 整改 to one kind of audit, and to the programs an account may see', () => {
    const routine = build({ ...YEAR, mode: 'routine' });
    expect(routine.programs.map((p) => p.figures.audited)).toEqual([1, 3, 0]);
    expect(routine.total.audited).toBe(4);
    expect(routine.rectifications).toEqual(counts(3, [1, 1, 0, 1], 1));

    const teachers = build(YEAR, [PROGRAMS[1] as CountyProgram]);
    expect(teachers.programs.map((p) => p.program.code)).toEqual(['teacher-parent']);
    expect(teachers.total).toEqual(TEACHER);
    expect(teachers.units.map((u) => u.program.code)).toEqual(['teacher-parent', 'teacher-parent', 'teacher-parent']);
    expect(teachers.rectifications).toEqual(counts(2, [1, 0, 0, 1], 1));

    const none = build(YEAR, []);
    expect(none.programs).toEqual([]);
    expect(none.departments).toEqual([]);
    expect(none.units).toEqual([]);
    expect(none.total.audited).toBe(0);
    expect(none.total.averageCombined).toBeNull();
  });

  it('takes a program’s department, else its name; overdue is past the deadline and not put right', () => {
    expect(departmentOf({ name: '教师联系家长', department: '县教育局' })).toBe('县教育局');
    expect(departmentOf({ name: '教师联系家长' })).toBe('教师联系家长');
    expect(departmentOf({ name: '教师联系家长', department: '  ' })).toBe('教师联系家长');
    expect(isOverdue('2026-06-30', '待整改', TODAY)).toBe(true);
    expect(isOverdue('2026-06-30', '整改中', TODAY)).toBe(true);
    expect(isOverdue('2026-07-01', '待整改', TODAY)).toBe(false);
    expect(isOverdue('2026-06-30', '已整改', TODAY)).toBe(false);
    expect(isOverdue('2026-06-30', '已核验', TODAY)).toBe(false);
  });
});
