import type { Db } from '../store/db';

/**
 * A program is one audit pattern: who is audited (auditee) and whom they contact.
 * Every label the UIs show comes from here, so 教师联系家长 reads as teachers and parents.
 */
export interface Program {
  code: string;
  name: string;
  auditeeLabel: string;
  contactLabel: string;
  unitLabel: string;
  sortOrder: number;
}

export const BUILTIN_PROGRAMS: readonly Program[] = [
  {
    code: 'cadre-household',
    name: '干部联系群众',
    auditeeLabel: '干部',
    contactLabel: '户',
    unitLabel: '单位',
    sortOrder: 1,
  },
  {
    code: 'teacher-parent',
    name: '教师联系家长',
    auditeeLabel: '教师',
    contactLabel: '家长',
    unitLabel: '学校',
    sortOrder: 2,
  },
  {
    code: 'medic-patient',
    name: '医护联系患者',
    auditeeLabel: '医护人员',
    contactLabel: '患者',
    unitLabel: '医疗机构',
    sortOrder: 3,
  },
  {
    code: 'study-group',
    name: '结构化研讨',
    auditeeLabel: '干部',
    contactLabel: '组员',
    unitLabel: '单位',
    sortOrder: 4,
  },
];

export const DEFAULT_PROGRAM = 'cadre-household';

export function ensureBuiltinPrograms(db: Db): void {
  const insert = db.prepare(
    `INSERT OR IGNORE INTO programs (code, name, auditee_label, contact_label, unit_label, sort_order)
     VALUES (@code, @name, @auditeeLabel, @contactLabel, @unitLabel, @sortOrder)`,
  );
  db.transaction(() => BUILTIN_PROGRAMS.forEach((p) => insert.run(p)))();
}

export function listPrograms(db: Db): Program[] {
  return db
    .prepare(
      `SELECT code, name, auditee_label AS auditeeLabel, contact_label AS contactLabel,
              unit_label AS unitLabel, sort_order AS sortOrder
       FROM programs ORDER BY sort_order, code`,
    )
    .all() as Program[];
}

export function findProgram(db: Db, code: string): Program | undefined {
  return listPrograms(db).find((p) => p.code === code);
}
