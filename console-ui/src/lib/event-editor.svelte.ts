import { ON_DUTY } from '$protocol/registry';
import type { DrawPlan, PoolPreview, StratifyBy } from '$protocol/draw';
import { plannedAuditees, RISK_TIERS } from '$protocol/draw';
import type { ProgramDto as Program, RosterFacets } from '$protocol/registry';
import { DEFAULT_SCORING_RULES, RUBRIC_EXAMPLE, scoringRulesProblems, type ScoringRules } from '$protocol/scoring';
import type { CreateEventBody, EventSummary, JudgeSettingBody } from '$protocol/show';
import { isTextMalformedDetails } from '$protocol/text-in-values';
import { api, ApiError } from './api';

type Mode = CreateEventBody['mode'];

/** A judge row as edited (recusals as typed: numbers separated by commas or spaces). */
export interface JudgeRow {
  seat: number;
  name: string;
  /** As typed; blank on a seat that has one keeps it (PINs are never read back from the server). */
  pin: string;
  /** The seat already has a PIN on the server. */
  pinSet: boolean;
  recusals: string;
}

const today = () => new Date().toISOString().slice(0, 10);

function randomPin(): string {
  const bytes = new Uint32Array(1);
  crypto.getRandomValues(bytes);
  return String(((bytes[0] ?? 0) % 900_000) + 100_000);
}

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/**
 * The event editor's state: the event's facts, its draw plan, judges and scoring rules as the
 * operator edits them, the live pool preview, and saving and sealing. The plan sent is exactly
 * what is shown: what the server hashes at the seal is this object.
 */
export class EventEditor {
  id = $state<string | null>(null);
  title = $state('');
  eventDate = $state(today());
  venue = $state('');
  mode = $state<Mode>('televised');
  programCode = $state('cadre-household');
  reportMinutes = $state(3);
  rollSeconds = $state(6);
  plan = $state<DrawPlan>(EventEditor.blankPlan('cadre-household', today()));
  judges = $state<JudgeRow[]>([]);
  scoring = $state<ScoringRules>(clone(DEFAULT_SCORING_RULES));
  avoidText = $state('');
  /** The notary's commitment as registered from their own device (null: not yet). */
  notaryCommitment = $state<string | null>(null);

  programs = $state<Program[]>([]);
  facets = $state<RosterFacets | null>(null);
  preview = $state<PoolPreview | null>(null);
  /** The count mode and stratifier the preview was computed for: a preview of another plan's strata is not shown. */
  previewKey = $state('');
  previewError = $state('');
  previewing = $state(false);
  saving = $state(false);
  error = $state('');
  private previewTimer: ReturnType<typeof setTimeout> | null = null;
  private previewSeq = 0;

  static blankPlan(programCode: string, eventDate: string): DrawPlan {
    return {
      version: 1,
      programCode,
      eventDate,
      eligibility: {
        grid: [],
        units: [],
        industries: [],
        statuses: [ON_DUTY],
        coolDownDays: 0,
        avoid: [],
        contactsRequirePhone: true,
        contactsRequireConsent: true,
      },
      auditees: { mode: 'total', count: 3 },
      contactsPerAuditee: 3,
      replacementCaps: { auditees: 2, contactsPerAuditee: 3 },
      // A televised check is two-party: the notary commits a secret of their own before the seal.
      notary: 'required',
    };
  }

  /** A televised check always has a notary; a routine or special one may run single-party. */
  setMode(mode: Mode): void {
    this.mode = mode;
    if (mode === 'televised') this.plan.notary = 'required';
  }

  /** Whether the seal must wait for the notary's commitment (the server refuses it anyway). */
  get awaitingNotary(): boolean {
    return this.plan.notary === 'required' && this.notaryCommitment === null;
  }

  /** Reads the registered commitment again (the notary registers it from their own console). */
  async refreshNotary(): Promise<void> {
    if (!this.id) return;
    const { event } = await api.get<{ event: EventSummary }>(`/api/events/${this.id}`);
    this.notaryCommitment = event.notaryCommitment;
  }

  async init(eventId: string | null): Promise<void> {
    this.programs = await api.get<Program[]>('/api/programs');
    if (eventId) {
      const { event } = await api.get<{ event: EventSummary }>(`/api/events/${eventId}`);
      this.load(event);
    } else if (this.judges.length === 0) {
      for (let i = 0; i < 5; i += 1) this.addJudge();
    }
    await this.loadFacets();
    this.schedulePreview(0);
  }

  load(event: EventSummary): void {
    this.id = event.id;
    this.title = event.title;
    this.eventDate = event.eventDate;
    this.venue = event.venue;
    this.mode = event.mode;
    this.programCode = event.programCode;
    this.reportMinutes = event.settings.reportMinutes;
    this.rollSeconds = event.settings.rollSeconds;
    this.plan = clone(event.settings.plan);
    if (event.mode === 'televised') this.plan.notary = 'required';
    this.notaryCommitment = event.notaryCommitment;
    this.scoring = clone(event.settings.plan.scoring ?? DEFAULT_SCORING_RULES);
    this.avoidText = event.settings.plan.eligibility.avoid.map((a) => `${a.number} ${a.reason}`).join('\n');
    this.judges = (event.settings.judges ?? []).map((j) => ({
      seat: j.seat,
      name: j.name,
      pin: '',
      pinSet: true,
      recusals: j.recusals.join(', '),
    }));
  }

  async loadFacets(): Promise<void> {
    try {
      this.facets = await api.get<RosterFacets>(`/api/programs/${this.programCode}/facets`);
    } catch (error) {
      this.facets = null;
      this.previewError = error instanceof ApiError ? error.message : '无法读取名册';
    }
  }

  async setProgram(code: string): Promise<void> {
    this.programCode = code;
    this.plan = {
      ...EventEditor.blankPlan(code, this.eventDate),
      auditees: this.plan.auditees,
      notary: this.plan.notary ?? 'required',
    };
    await this.loadFacets();
    this.schedulePreview();
  }

  // — plan edits —
  toggleTown(town: string): void {
    const grid = this.plan.eligibility.grid;
    const has = grid.some((p) => p.length === 1 && p[0] === town);
    // Choosing a whole town replaces any of its 工作片 chosen before.
    this.plan.eligibility.grid = has
      ? grid.filter((p) => p[0] !== town)
      : [...grid.filter((p) => p[0] !== town), [town]];
    this.schedulePreview();
  }
  toggleArea(town: string, area: string): void {
    const grid = this.plan.eligibility.grid;
    const has = grid.some((p) => p.length === 2 && p[0] === town && p[1] === area);
    this.plan.eligibility.grid = has
      ? grid.filter((p) => !(p.length === 2 && p[0] === town && p[1] === area))
      : [...grid.filter((p) => !(p.length === 1 && p[0] === town)), [town, area]];
    this.schedulePreview();
  }
  townState(town: string): 'all' | 'some' | 'none' {
    const grid = this.plan.eligibility.grid;
    if (grid.some((p) => p.length === 1 && p[0] === town)) return 'all';
    return grid.some((p) => p[0] === town) ? 'some' : 'none';
  }
  toggleList(list: 'units' | 'industries' | 'statuses', value: string): void {
    const current = this.plan.eligibility[list] as string[];
    const next = current.includes(value) ? current.filter((v) => v !== value) : [...current, value];
    (this.plan.eligibility[list] as string[]) = next;
    this.schedulePreview();
  }
  setCountMode(mode: 'total' | 'strata' | 'ratios', by: StratifyBy = 'town'): void {
    const count = plannedAuditees(this.plan) || 3;
    this.plan.auditees =
      mode === 'total'
        ? { mode: 'total', count }
        : mode === 'strata'
          ? { mode: 'strata', by, quotas: [] }
          : { mode: 'ratios', by, count, ratios: [] };
    this.schedulePreview();
  }
  setCount(count: number): void {
    const whole = Math.max(1, Math.min(1000, Math.round(count) || 1));
    if (this.plan.auditees.mode === 'ratios') this.plan.auditees.count = whole;
    else this.plan.auditees = { mode: 'total', count: whole };
    this.schedulePreview();
  }
  /** A stratum's declared share in percent (0 removes it). */
  setRatio(stratum: string, percent: number): void {
    if (this.plan.auditees.mode !== 'ratios') return;
    const whole = Math.max(0, Math.min(100, Math.round(percent) || 0));
    const ratios = this.plan.auditees.ratios.filter((r) => r.stratum !== stratum);
    if (whole > 0) ratios.push({ stratum, percent: whole });
    // Declared order is the tie-break of the rounding: keep the order the strata are offered in.
    const order = this.strataChoices();
    this.plan.auditees.ratios = ratios.sort((a, b) => order.indexOf(a.stratum) - order.indexOf(b.stratum));
    this.schedulePreview();
  }
  ratioTotal(): number {
    return this.plan.auditees.mode === 'ratios' ? this.plan.auditees.ratios.reduce((n, r) => n + r.percent, 0) : 0;
  }
  setQuota(stratum: string, count: number): void {
    if (this.plan.auditees.mode !== 'strata') return;
    const whole = Math.max(0, Math.min(1000, Math.round(count) || 0));
    const quotas = this.plan.auditees.quotas.filter((q) => q.stratum !== stratum);
    if (whole > 0) quotas.push({ stratum, count: whole });
    // In the order the strata are offered (the registry's), as the ratios are.
    const order = this.strataChoices();
    this.plan.auditees.quotas = quotas.sort((a, b) => order.indexOf(a.stratum) - order.indexOf(b.stratum));
    this.schedulePreview();
  }
  /**
   * The strata a quota or share can go to, in the registry's order: only those the eligibility
   * filters select (the ticked towns and 工作片 at once; any other filter once the pool preview of
   * this stratifier is in, whose sizes say which strata still hold anyone).
   */
  strataChoices(): string[] {
    if (this.plan.auditees.mode === 'total') return [];
    const by = this.plan.auditees.by;
    if (by === 'risk') return [...RISK_TIERS];
    if (!this.facets) return [];
    const grid = this.plan.eligibility.grid;
    const townChosen = (town: string) => grid.length === 0 || grid.some((p) => p[0] === town);
    const areaChosen = (town: string, area: string) =>
      grid.length === 0 || grid.some((p) => p[0] === town && (p.length === 1 || p[1] === area));
    const towns = this.facets.towns.filter((t) => townChosen(t.name));
    const all =
      by === 'town'
        ? towns.map((t) => t.name)
        : by === 'area'
          ? towns.flatMap((t) => t.areas.filter((a) => areaChosen(t.name, a.name)).map((a) => `${t.name}/${a.name}`))
          : (by === 'unit' ? this.facets.units : this.facets.industries).map((f) => f.name);
    const sizes = this.currentPreview()?.stratumSizes;
    return sizes ? all.filter((stratum) => sizes.some((s) => s.stratum === stratum && s.size > 0)) : all;
  }

  private planKey(): string {
    const a = this.plan.auditees;
    return a.mode === 'total' ? 'total' : `${a.mode}:${a.by}`;
  }

  /** The preview, when it was computed for the count mode and stratifier on screen. */
  currentPreview(): PoolPreview | null {
    return this.preview && this.previewKey === this.planKey() ? this.preview : null;
  }

  /** Pooled auditees that have no value for the stratifier (e.g. no 行业): in no stratum, never drawn. */
  unstratified(): number {
    if (this.plan.auditees.mode === 'total') return 0;
    return this.currentPreview()?.stratumSizes.find((s) => s.stratum === '')?.size ?? 0;
  }

  /** What the plan still lacks before its quotas mean anything, in Chinese (null when complete). */
  missingQuotas(): string | null {
    const a = this.plan.auditees;
    if (a.mode === 'strata' && a.quotas.length === 0) return '分层抽取：请在下表为至少一层填写名额';
    if (a.mode === 'ratios' && a.ratios.length === 0) return '按比例抽取：请在下表为各层填写比例，合计须为 100%';
    return null;
  }

  /** The avoidance list as typed: one per line, number then reason. */
  avoidList(): { list: DrawPlan['eligibility']['avoid']; problems: string[] } {
    const list: DrawPlan['eligibility']['avoid'] = [];
    const problems: string[] = [];
    for (const [i, raw] of this.avoidText.split('\n').entries()) {
      const line = raw.trim();
      if (!line) continue;
      const [number, ...rest] = line.split(/[\s,，]+/u);
      const reason = rest.join(' ').trim();
      if (!number || !reason) problems.push(`回避名单第 ${i + 1} 行须写「编号 原因」`);
      else list.push({ number, reason: reason.slice(0, 200) });
    }
    return { list, problems };
  }

  // — judges —
  addJudge(): void {
    const seat = Math.max(0, ...this.judges.map((j) => j.seat)) + 1;
    this.judges.push({ seat, name: `评委${seat}`, pin: randomPin(), pinSet: false, recusals: '' });
  }
  removeJudge(seat: number): void {
    this.judges = this.judges.filter((j) => j.seat !== seat);
  }

  // — scoring —
  useRubric(rubric: boolean): void {
    this.scoring.criteria = rubric ? clone(RUBRIC_EXAMPLE) : clone(DEFAULT_SCORING_RULES.criteria);
  }

  /** Everything wrong with the form that the server would refuse, in Chinese. */
  problems(): string[] {
    const problems: string[] = [];
    if (!this.title.trim()) problems.push('请填写活动名称');
    if (!/^\d{4}-\d{2}-\d{2}$/u.test(this.eventDate)) problems.push('请填写活动日期');
    if (this.plan.eligibility.statuses.length === 0) problems.push('至少选择一种人员状态');
    if (this.plan.auditees.mode === 'strata' && this.plan.auditees.quotas.length === 0)
      problems.push('分层抽取须至少给一层分配名额');
    if (this.plan.auditees.mode === 'ratios' && this.ratioTotal() !== 100)
      problems.push(`各层比例之和须为 100%，现为 ${this.ratioTotal()}%`);
    problems.push(...this.avoidList().problems);
    const seats: number[] = [];
    for (const judge of this.judges) {
      if (!judge.name.trim()) problems.push(`${judge.seat} 号评委须填写姓名`);
      const keeps = judge.pinSet && judge.pin === '';
      if (!keeps && !/^[0-9]{4,6}$/u.test(judge.pin)) problems.push(`${judge.seat} 号评委的 PIN 须为 4–6 位数字`);
      if (seats.includes(judge.seat)) problems.push(`席位 ${judge.seat} 重复`);
      seats.push(judge.seat);
    }
    problems.push(...scoringRulesProblems(this.scoring));
    return problems;
  }

  body(): CreateEventBody {
    const plan: DrawPlan = {
      ...clone(this.plan),
      programCode: this.programCode,
      eventDate: this.eventDate,
      scoring: clone(this.scoring),
    };
    plan.eligibility.avoid = this.avoidList().list;
    const judges: JudgeSettingBody[] = this.judges.map((j) => ({
      seat: j.seat,
      name: j.name.trim(),
      ...(j.pin === '' ? {} : { pin: j.pin }),
      recusals: j.recusals
        .split(/[\s,，、]+/u)
        .map((s) => s.trim())
        .filter(Boolean),
    }));
    return {
      title: this.title.trim(),
      eventDate: this.eventDate,
      venue: this.venue.trim(),
      mode: this.mode,
      settings: { plan, reportMinutes: this.reportMinutes, rollSeconds: this.rollSeconds, judges },
    };
  }

  /** Asks the server for the eligible pool of the plan as it stands, a moment after the last edit. */
  schedulePreview(delayMs = 250): void {
    if (this.previewTimer) clearTimeout(this.previewTimer);
    this.previewTimer = setTimeout(() => void this.runPreview(), delayMs);
  }

  private async runPreview(): Promise<void> {
    const seq = ++this.previewSeq;
    this.previewing = true;
    const key = this.planKey();
    try {
      const plan = this.body().settings.plan;
      // A plan with no quota or share yet is not a plan the server takes (it would answer with a
      // bare 400). The pool and its strata's sizes do not depend on the quotas, so the preview asks
      // with one placeholder share; the editor shows its own message (missingQuotas), not the
      // server's problem with the placeholder.
      if (this.missingQuotas() !== null && plan.auditees.mode !== 'total') {
        plan.auditees = { mode: 'ratios', by: plan.auditees.by, count: 1, ratios: [{ stratum: '—', percent: 100 }] };
      }
      const preview = await api.post<PoolPreview>('/api/draws/preview', { plan });
      if (seq !== this.previewSeq) return;
      this.preview = preview;
      this.previewKey = key;
      this.previewError = '';
    } catch (error) {
      if (seq !== this.previewSeq) return;
      this.previewError = error instanceof ApiError ? error.message : '无法计算名单池';
    } finally {
      if (seq === this.previewSeq) this.previewing = false;
    }
  }

  async save(): Promise<EventSummary | null> {
    this.error = '';
    const problems = this.problems();
    if (problems.length > 0) {
      this.error = problems[0] as string;
      return null;
    }
    this.saving = true;
    try {
      const body = this.body();
      const event = this.id
        ? await api.put<EventSummary>(`/api/events/${this.id}`, body)
        : await api.post<EventSummary>('/api/events', body);
      this.id = event.id;
      // Saved: each seat now has its PIN on the server, and a blank box keeps it.
      this.judges = this.judges.map((j) => ({ ...j, pinSet: true }));
      return event;
    } catch (error) {
      this.error = error instanceof ApiError ? `${fieldOf(error)}${error.message}` : '保存失败';
      return null;
    } finally {
      this.saving = false;
    }
  }

  async seal(): Promise<EventSummary | null> {
    const saved = await this.save();
    if (!saved) return null;
    this.saving = true;
    try {
      return await api.post<EventSummary>(`/api/events/${saved.id}/seal`);
    } catch (error) {
      this.error = error instanceof ApiError ? error.message : '封存失败';
      return null;
    } finally {
      this.saving = false;
    }
  }
}

/** The editor's fields by where the server found refused text in the body, so the refusal names the field to fix. */
const FIELDS: [RegExp, string][] = [
  [/^\/title$/u, '活动名称'],
  [/^\/venue$/u, '地点'],
  [/^\/settings\/judges\//u, '评委'],
  [/^\/settings\/plan\/eligibility\/avoid\//u, '回避名单'],
  [/^\/settings\/plan\//u, '抽取方案'],
];

function fieldOf(error: ApiError): string {
  if (error.code !== 'TEXT_MALFORMED' || !isTextMalformedDetails(error.details)) return '';
  const { path } = error.details;
  const field = FIELDS.find(([pattern]) => pattern.test(path))?.[1];
  return field ? `${field}：` : '';
}
