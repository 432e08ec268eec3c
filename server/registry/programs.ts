import type { Db } from '../store/db';
import { AppError } from '../errors';
import { canonicalJson } from '../draw-engine/canonical-json';
import { sha256Hex } from '../draw-engine/sha256';
import {
  EMPTY_QUESTIONNAIRE,
  programDefinitionProblems,
  type CreateProgramBody,
  type HouseholdScoreRule,
  type PlanProgram,
  type ProgramDefinition,
  type ProgramDefinitions,
  type ProgramFields,
  type ProgramVersionView,
  type Questionnaire,
} from '../protocol/programs';

/**
 * A program is one audit pattern: who is audited (auditee) and whom they contact, the department
 * that owns it, and its call questionnaire. Every label the UIs show comes from here, so 教师联系家长
 * reads as teachers and parents. Programs are versioned (program_versions): the `programs` row
 * holds the current version's labels, so every query that joins it keeps working.
 */
export interface Program {
  code: string;
  name: string;
  department: string;
  auditeeLabel: string;
  contactLabel: string;
  unitLabel: string;
  sortOrder: number;
  version: number;
  questionnaire: Questionnaire;
  householdScoreRule: HouseholdScoreRule;
}

/** A program's labels: what roster templates and imports read. */
export type ProgramLabels = Pick<Program, 'code' | 'name' | 'auditeeLabel' | 'contactLabel' | 'unitLabel'>;

type BuiltinProgram = ProgramLabels & Pick<Program, 'department' | 'sortOrder'>;

export const BUILTIN_PROGRAMS: readonly BuiltinProgram[] = [
  {
    code: 'cadre-household',
    name: '干部联系群众',
    department: '县委组织部',
    auditeeLabel: '干部',
    contactLabel: '户',
    unitLabel: '单位',
    sortOrder: 1,
  },
  {
    code: 'teacher-parent',
    name: '教师联系家长',
    department: '县教育局',
    auditeeLabel: '教师',
    contactLabel: '家长',
    unitLabel: '学校',
    sortOrder: 2,
  },
  {
    code: 'medic-patient',
    name: '医护联系患者',
    department: '县卫生健康局',
    auditeeLabel: '医护人员',
    contactLabel: '患者',
    unitLabel: '医疗机构',
    sortOrder: 3,
  },
  {
    code: 'study-group',
    name: '结构化研讨',
    department: '县委组织部',
    auditeeLabel: '干部',
    contactLabel: '组员',
    unitLabel: '单位',
    sortOrder: 4,
  },
];

export const DEFAULT_PROGRAM = 'cadre-household';

/** The seed's author and time for the built-ins' first versions (the same on every installation). */
const SEEDED_BY = 'system';
const SEEDED_AT = '2026-01-01T00:00:00.000Z';

/** The SHA-256 of a definition's canonical JSON: what a sealed plan names. */
export function definitionHash(definition: ProgramDefinition): string {
  return sha256Hex(canonicalJson(definition));
}

function insertVersion(db: Db, definition: ProgramDefinition, at: string, by: string): void {
  db.prepare(
    `INSERT INTO program_versions (program_code, version, definition, hash, created_at, created_by)
     VALUES (?, ?, ?, ?, ?, ?)`,
  ).run(definition.code, definition.version, canonicalJson(definition), definitionHash(definition), at, by);
}

/**
 * The built-ins, seeded at start as ordinary definitions (version 1, no questionnaire, rule
 * satisfaction): their behaviour and existing bundles stay as they were. Any program without a
 * version yet (a database from before versions) gets its version 1 from its row.
 */
export function ensureBuiltinPrograms(db: Db): void {
  const insert = db.prepare(
    `INSERT OR IGNORE INTO programs (code, name, department, auditee_label, contact_label, unit_label, sort_order)
     VALUES (@code, @name, @department, @auditeeLabel, @contactLabel, @unitLabel, @sortOrder)`,
  );
  db.transaction(() => {
    BUILTIN_PROGRAMS.forEach((p) => insert.run(p));
    const unversioned = db
      .prepare(
        `SELECT code, name, department, auditee_label AS auditeeLabel, contact_label AS contactLabel,
                unit_label AS unitLabel FROM programs
         WHERE code NOT IN (SELECT program_code FROM program_versions)`,
      )
      .all() as Omit<BuiltinProgram, 'sortOrder'>[];
    for (const row of unversioned) {
      const builtin = BUILTIN_PROGRAMS.find((p) => p.code === row.code);
      const department = row.department || builtin?.department || '县委组织部';
      db.prepare('UPDATE programs SET department = ?, version = 1 WHERE code = ?').run(department, row.code);
      insertVersion(
        db,
        {
          code: row.code,
          version: 1,
          name: row.name,
          department,
          auditeeLabel: row.auditeeLabel,
          contactLabel: row.contactLabel,
          unitLabel: row.unitLabel,
          questionnaire: EMPTY_QUESTIONNAIRE,
          householdScoreRule: 'satisfaction',
        },
        SEEDED_AT,
        SEEDED_BY,
      );
    }
  })();
}

interface VersionRow {
  definition: string;
  hash: string;
  createdAt: string;
  createdBy: string;
}

const versionView = (row: VersionRow): ProgramVersionView => ({
  definition: JSON.parse(row.definition) as ProgramDefinition,
  hash: row.hash,
  createdAt: row.createdAt,
  createdBy: row.createdBy,
});

const VERSION_COLUMNS = 'definition, hash, created_at AS createdAt, created_by AS createdBy';

/** The program's current version, or undefined when there is no such program. */
export function currentVersion(db: Db, code: string): ProgramVersionView | undefined {
  const row = db
    .prepare(
      `SELECT ${VERSION_COLUMNS} FROM program_versions v JOIN programs p ON p.code = v.program_code
       WHERE v.program_code = ? AND v.version = p.version`,
    )
    .get(code) as VersionRow | undefined;
  return row ? versionView(row) : undefined;
}

/** What a plan sealed now carries of its program: the current version, its hash, questionnaire and rule. */
export function planProgram(db: Db, code: string): PlanProgram {
  const current = currentVersion(db, code);
  if (!current) throw new AppError('PROGRAM_NOT_FOUND');
  const { version, questionnaire, householdScoreRule } = current.definition;
  return { version, hash: current.hash, questionnaire, householdScoreRule };
}

export function listPrograms(db: Db): Program[] {
  const rows = db.prepare(`SELECT code, sort_order AS sortOrder FROM programs ORDER BY sort_order, code`).all() as {
    code: string;
    sortOrder: number;
  }[];
  return rows.flatMap(({ code, sortOrder }) => {
    const current = currentVersion(db, code);
    if (!current) return [];
    const { definition } = current;
    return [
      {
        code,
        name: definition.name,
        department: definition.department,
        auditeeLabel: definition.auditeeLabel,
        contactLabel: definition.contactLabel,
        unitLabel: definition.unitLabel,
        sortOrder,
        version: definition.version,
        questionnaire: definition.questionnaire,
        householdScoreRule: definition.householdScoreRule,
      },
    ];
  });
}

/** A program's labels from its row (the current version's; what the roster import reads). */
export function programLabels(db: Db, code: string): ProgramLabels | undefined {
  return db
    .prepare(
      `SELECT code, name, auditee_label AS auditeeLabel, contact_label AS contactLabel, unit_label AS unitLabel
       FROM programs WHERE code = ?`,
    )
    .get(code) as ProgramLabels | undefined;
}

export function findProgram(db: Db, code: string): Program | undefined {
  return listPrograms(db).find((p) => p.code === code);
}

/** Every program with its current version and all its versions, newest first (the administrator's list). */
export function programDefinitions(db: Db): ProgramDefinitions {
  return listPrograms(db).map(({ code }) => {
    const versions = (
      db
        .prepare(`SELECT ${VERSION_COLUMNS} FROM program_versions WHERE program_code = ? ORDER BY version DESC`)
        .all(code) as VersionRow[]
    ).map(versionView);
    return {
      code,
      builtin: BUILTIN_PROGRAMS.some((p) => p.code === code),
      current: currentVersion(db, code) as ProgramVersionView,
      versions,
    };
  });
}

function refuseProblems(fields: ProgramFields): void {
  const problems = programDefinitionProblems(fields);
  if (problems.length > 0) throw new AppError('PROGRAM_INVALID', { message: problems.join('；') });
}

const fieldsOf = ({ code: _code, version: _version, ...fields }: ProgramDefinition): ProgramFields => fields;

/** A new program (version 1), at the end of the list. */
export function createProgram(db: Db, body: CreateProgramBody, at: string, by: string): ProgramDefinitions {
  const { code, ...fields } = body;
  refuseProblems(fields);
  db.transaction(() => {
    if (db.prepare('SELECT 1 FROM programs WHERE code = ?').get(code)) throw new AppError('PROGRAM_EXISTS');
    const sortOrder = ((db.prepare('SELECT MAX(sort_order) FROM programs').pluck().get() as number | null) ?? 0) + 1;
    db.prepare(
      `INSERT INTO programs (code, name, department, auditee_label, contact_label, unit_label, sort_order, version)
       VALUES (?, ?, ?, ?, ?, ?, ?, 1)`,
    ).run(code, fields.name, fields.department, fields.auditeeLabel, fields.contactLabel, fields.unitLabel, sortOrder);
    insertVersion(db, { code, version: 1, ...fields }, at, by);
  })();
  return programDefinitions(db);
}

/** The program's next version; the earlier ones stay as they were (sealed plans name them). */
export function updateProgram(db: Db, code: string, fields: ProgramFields, at: string, by: string): ProgramDefinitions {
  refuseProblems(fields);
  db.transaction(() => {
    const current = currentVersion(db, code);
    if (!current) throw new AppError('PROGRAM_NOT_FOUND');
    if (canonicalJson(fieldsOf(current.definition)) === canonicalJson(fields)) throw new AppError('PROGRAM_UNCHANGED');
    const version = current.definition.version + 1;
    insertVersion(db, { code, version, ...fields }, at, by);
    db.prepare(
      `UPDATE programs SET name = ?, department = ?, auditee_label = ?, contact_label = ?, unit_label = ?, version = ?
       WHERE code = ?`,
    ).run(fields.name, fields.department, fields.auditeeLabel, fields.contactLabel, fields.unitLabel, version, code);
  })();
  return programDefinitions(db);
}
