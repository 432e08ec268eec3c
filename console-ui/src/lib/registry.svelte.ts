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
import { COUNTY, registryHash, type RegistryPlace } from './console-route';

const message = (error: unknown) => (error instanceof ApiError ? error.message : '操作失败');

/**
 * The registry browser: program, grid drill-down, a cadre's households, search, versions. Where it
 * stands is a place in the address (see console-route): the browser's clicks change the hash with
 * `go`, and the console calls `show` for every hash, so Back and Forward walk the drill-down.
 */
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
  /** The place on screen (the last one shown). */
  place = $state<RegistryPlace>(COUNTY);

  program = $derived(this.programs.find((p) => p.code === this.programCode));

  async init(place: RegistryPlace = COUNTY): Promise<void> {
    await this.loadPrograms();
    await this.show(place, true);
  }

  /** The account's own programs (the server lists only those); the first is chosen when the current is not one. */
  async loadPrograms(): Promise<void> {
    this.programs = await api.get<ProgramDto[]>('/api/programs');
    const first = this.programs[0];
    if (first && !this.programs.some((p) => p.code === this.programCode)) this.programCode = first.code;
  }

  async selectProgram(code: string): Promise<void> {
    this.programCode = code;
    // Another program's grid has other places: back to its county, in the address too.
    if (location.hash.startsWith('#/registry')) history.replaceState(null, '', registryHash(COUNTY));
    await this.show(COUNTY, true);
  }

  /** Moves to a place: a new history entry, which the console shows (see `show`). */
  go(change: Partial<RegistryPlace>): void {
    const hash = registryHash({ ...this.place, ...change });
    if (location.hash === hash) void this.show({ ...this.place, ...change });
    else location.hash = hash;
  }

  /** Shows a place, loading only what differs from the one on screen. */
  async show(place: RegistryPlace, reload = false): Promise<void> {
    const before = this.place;
    this.place = place;
    const samePath = before.path.join('/') === place.path.join('/');
    if (reload || !samePath || (!this.view && !this.empty)) await this.open(place.path);
    // A quicker Back or Forward has moved on: its own show loads the rest.
    if (this.place !== place) return;
    if (place.auditee === null) this.detail = null;
    else if (reload || place.auditee !== this.detail?.auditee.number) await this.openAuditee(place.auditee);
    if (this.place !== place) return;
    if (place.q === '') this.search = null;
    else if (reload || place.q !== before.q || place.page !== before.page || !this.search) {
      await this.find(place.q, place.page);
    }
  }

  private async open(path: string[]): Promise<void> {
    this.loading = true;
    this.error = '';
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

  private async openAuditee(number: string): Promise<void> {
    this.loading = true;
    this.error = '';
    try {
      this.detail = await api.get<AuditeeDetail>(
        `/api/programs/${this.programCode}/auditees/${encodeURIComponent(number)}`,
      );
    } catch (error) {
      this.detail = null;
      this.error = message(error);
    } finally {
      this.loading = false;
    }
  }

  private async find(q: string, page: number): Promise<void> {
    this.loading = true;
    this.error = '';
    try {
      this.search = await api.get<SearchResult>(`/api/programs/${this.programCode}/search`, {
        q: q.trim(),
        page: String(page),
      });
    } catch (error) {
      this.search = null;
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
