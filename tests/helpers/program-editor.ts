import type { Page } from 'playwright-core';

/** A program a department defines, as typed into the 项目 editor. */
export interface ProgramTyped {
  code: string;
  name: string;
  department: string;
  auditee: string;
  contact: string;
  unit: string;
  questions: readonly { text: string; options: readonly (readonly [string, number])[] }[];
}

/** 县教育局's 校外培训家访: three questions, 80 points at most, plus satisfaction (100) = 180. */
export const AFTER_SCHOOL: ProgramTyped = {
  code: 'after-school',
  name: '校外培训家访',
  department: '县教育局',
  auditee: '教师',
  contact: '家长',
  unit: '学校',
  questions: [
    {
      text: '是否上门家访',
      options: [
        ['是', 30],
        ['否', 0],
      ],
    },
    {
      text: '是否讲解校外培训政策',
      options: [
        ['是', 20],
        ['部分', 10],
        ['否', 0],
      ],
    },
    {
      text: '反映的问题是否解决',
      options: [
        ['已解决', 30],
        ['正在解决', 15],
        ['未解决', 0],
      ],
    },
  ],
};

/** Types a new program into the administrator's 项目 editor, scored by its questionnaire: unsaved, no questions yet. */
export async function typeProgram(admin: Page, program: ProgramTyped): Promise<void> {
  await admin.getByTestId('tab-programs').click();
  await admin.getByTestId('programs-table').waitFor();
  await admin.getByTestId('program-new').click();
  await admin.getByTestId('program-code').fill(program.code);
  await admin.getByTestId('program-name').fill(program.name);
  await admin.getByTestId('program-department-input').fill(program.department);
  await admin.getByTestId('program-auditee-label').fill(program.auditee);
  await admin.getByTestId('program-contact-label').fill(program.contact);
  await admin.getByTestId('program-unit-label').fill(program.unit);
  await admin.getByTestId('program-rule').selectOption('questionnaire');
}

/** Adds the program's questions, with their options and points, to the editor's form. */
export async function typeQuestions(admin: Page, program: ProgramTyped): Promise<void> {
  for (const [qi, question] of program.questions.entries()) {
    await admin.getByTestId('question-add').click();
    const block = admin.locator(`[data-testid="program-question"][data-index="${qi}"]`);
    await block.getByTestId('question-text').fill(question.text);
    for (let oi = 2; oi < question.options.length; oi += 1) await block.getByTestId('option-add').click();
    for (const [oi, [label, points]] of question.options.entries()) {
      const option = block.locator(`[data-testid="question-option"][data-index="${oi}"]`);
      await option.getByTestId('option-label').fill(label);
      await option.getByTestId('option-points').fill(String(points));
    }
  }
}
