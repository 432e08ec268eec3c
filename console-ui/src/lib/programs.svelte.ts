import {
  programDefinitionProblems,
  type CreateProgramBody,
  type ProgramDefinitions,
  type ProgramFields,
} from '$protocol/programs';
import { api, ApiError } from './api';

/** A program being edited: its code (new programs only) and its fields. */
export interface ProgramDraft {
  code: string;
  fields: ProgramFields;
  /** Null for a new program; otherwise the version this edit starts from. */
  fromVersion: number | null;
}

const blank = (): ProgramFields => ({
  name: '',
  department: '',
  auditeeLabel: '干部',
  contactLabel: '户',
  unitLabel: '单位',
  questionnaire: { questions: [] },
  householdScoreRule: 'satisfaction',
});

/** The administrator's programs page: every program with its versions, and the one being edited. */
export class ProgramsState {
  data = $state<ProgramDefinitions | null>(null);
  error = $state('');
  saved = $state('');
  busy = $state(false);
  draft = $state<ProgramDraft | null>(null);

  /** What is wrong with the draft before it is sent (the server says the same). */
  problems = $derived.by(() => {
    const draft = this.draft;
    if (!draft) return [];
    const problems = programDefinitionProblems(draft.fields);
    if (draft.fromVersion === null && !/^[a-z][a-z0-9-]{1,31}$/u.test(draft.code))
      problems.unshift('项目代码须以小写字母开头，2–32 位小写字母、数字或 -');
    return problems;
  });

  load = async () => {
    try {
      this.data = await api.get<ProgramDefinitions>('/api/program-definitions');
    } catch (e) {
      this.error = e instanceof ApiError ? e.message : '无法读取项目';
    }
  };

  startNew = () => {
    this.saved = '';
    this.error = '';
    this.draft = { code: '', fields: blank(), fromVersion: null };
  };

  edit = (code: string) => {
    const program = this.data?.find((p) => p.code === code);
    if (!program) return;
    const { code: _code, version, ...fields } = structuredClone($state.snapshot(program.current.definition));
    this.saved = '';
    this.error = '';
    this.draft = { code, fields, fromVersion: version };
  };

  cancel = () => {
    this.draft = null;
  };

  save = async () => {
    const draft = this.draft;
    if (!draft || this.problems.length > 0) return;
    this.busy = true;
    this.error = '';
    const fields = $state.snapshot(draft.fields);
    try {
      if (draft.fromVersion === null) {
        const body: CreateProgramBody = { code: draft.code, ...fields };
        this.data = await api.post<ProgramDefinitions>('/api/program-definitions', body);
      } else {
        this.data = await api.put<ProgramDefinitions>(`/api/program-definitions/${draft.code}`, fields);
      }
      const version = this.data?.find((p) => p.code === draft.code)?.current.definition.version;
      this.saved = `已保存「${fields.name}」第 ${version ?? '?'} 版`;
      this.draft = null;
    } catch (e) {
      this.error = e instanceof ApiError ? e.message : '保存失败';
    } finally {
      this.busy = false;
    }
  };

  addQuestion = () => {
    this.draft?.fields.questionnaire.questions.push({
      text: '',
      options: [
        { label: '是', points: 10 },
        { label: '否', points: 0 },
      ],
    });
  };

  removeQuestion = (index: number) => {
    this.draft?.fields.questionnaire.questions.splice(index, 1);
  };

  addOption = (question: number) => {
    this.draft?.fields.questionnaire.questions[question]?.options.push({ label: '', points: 0 });
  };

  removeOption = (question: number, option: number) => {
    this.draft?.fields.questionnaire.questions[question]?.options.splice(option, 1);
  };
}
