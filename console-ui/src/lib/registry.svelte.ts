import type {
  AuditeeDetail,
  GridView,
  ImportProblem,
  ImportRejection,
  ImportResult,
  ProgramDto,
  RosterVersionDto,
  SearchResult,
} from '$protocol/registry';
import { api, ApiError } from './api';

const message = (error: unknown) => (error instanceof ApiError ? error.message : '操作失败');

/** The registry browser: program, grid drill-down, a cadre's households, search, versions. */
export class RegistryState {
  programs = $state<ProgramDto[]>([]);
  programCode = $state('cadre-household');
  view = $state<GridView | null>(null);
  detail = $state<AuditeeDetail | null>(null);
  search = $state<SearchResult | null>(null);
  versions = $state<RosterVersionDto[]>([]);
  loading = $state(false);
  error = $state('');
  empty = $state(false);

  program = $derived(this.programs.find((p) => p.code === this.programCode));

  async init(): Promise<void> {
    this.programs = await api.get<ProgramDto[]>('/api/programs');
    await this.open([]);
  }

  async selectProgram(code: string): Promise<void> {
    this.programCode = code;
    this.search = null;
    await this.open([]);
  }

  /** Opens a level of the grid: [] is the county, [town], [town, area], [town, area, village]. */
  async open(path: string[]): Promise<void> {
    this.loading = true;
    this.error = '';
    this.detail = null;
    try {
      const [town, area, village] = path;
      this.view = await api.get<GridView>(`/api/programs/${this.programCode}/grid`, { town, area, village });
      this.empty = false;
    } catch (error) {
      this.view = null;
      this.empty = error instanceof ApiError && error.code === 'ROSTER_EMPTY';
      if (!this.empty) this.error = message(error);
    } finally {
      this.loading = false;
    }
  }

  async openAuditee(number: string): Promise<void> {
    this.loading = true;
    this.error = '';
    try {
      this.detail = await api.get<AuditeeDetail>(
        `/api/programs/${this.programCode}/auditees/${encodeURIComponent(number)}`,
      );
    } catch (error) {
      this.error = message(error);
    } finally {
      this.loading = false;
    }
  }

  async find(q: string): Promise<void> {
    const term = q.trim();
    if (term === '') {
      this.search = null;
      return;
    }
    this.loading = true;
    this.error = '';
    try {
      this.search = await api.get<SearchResult>(`/api/programs/${this.programCode}/search`, { q: term });
    } catch (error) {
      this.error = message(error);
    } finally {
      this.loading = false;
    }
  }

  async loadVersions(): Promise<void> {
    try {
      this.versions = await api.get<RosterVersionDto[]>(`/api/programs/${this.programCode}/roster-versions`);
    } catch (error) {
      this.error = message(error);
    }
  }
}

/** An upload of roster files and what came of it. */
export class ImportState {
  files = $state<File[]>([]);
  busy = $state(false);
  result = $state<ImportResult | null>(null);
  problems = $state<ImportProblem[]>([]);
  totalProblems = $state(0);
  error = $state('');

  choose(list: FileList | null): void {
    this.files = list ? Array.from(list) : [];
    this.result = null;
    this.problems = [];
    this.totalProblems = 0;
    this.error = '';
  }

  async submit(programCode: string): Promise<boolean> {
    if (this.files.length === 0) return false;
    this.busy = true;
    this.result = null;
    this.problems = [];
    this.totalProblems = 0;
    this.error = '';
    try {
      this.result = await api.upload<ImportResult>(`/api/programs/${programCode}/imports`, this.files);
      return true;
    } catch (error) {
      if (error instanceof ApiError && error.code === 'IMPORT_INVALID') {
        const details = error.details as ImportRejection;
        this.problems = details.problems;
        this.totalProblems = details.totalProblems;
      }
      this.error = message(error);
      return false;
    } finally {
      this.busy = false;
    }
  }
}
