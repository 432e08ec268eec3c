import type { CountyReport } from '$protocol/reports';
import type { EventMode } from '$protocol/modes';
import { api, ApiError } from './api';

/** This year, as the default period. */
const YEAR = new Date().getFullYear();

/**
 * The county view's state (县级总览): the period and kind of audit asked for, and the report the
 * server computed across the programs the account may see, with its export link.
 */
export class CountyViewState {
  from = $state(`${YEAR}-01-01`);
  to = $state(`${YEAR}-12-31`);
  /** One kind of audit ('' = all). */
  mode = $state<'' | EventMode>('');
  report = $state<CountyReport | null>(null);
  error = $state('');
  loading = $state(false);

  readonly query = $derived(`from=${this.from}&to=${this.to}${this.mode ? `&mode=${this.mode}` : ''}`);
  readonly xlsxHref = $derived(`/api/county-report.xlsx?${this.query}`);
  /** The ranking's first rows (the table shows them all; the chart these). */
  readonly topUnits = $derived(this.report?.units.slice(0, 20) ?? []);
  /** Whether any program has a 整改 in the period (else the 整改 table says there is none). */
  readonly anyRectification = $derived((this.report?.rectifications.total ?? 0) > 0);

  async load(): Promise<void> {
    this.loading = true;
    this.error = '';
    try {
      this.report = await api.get<CountyReport>(`/api/county-report?${this.query}`);
    } catch (e) {
      this.report = null;
      this.error = e instanceof ApiError ? e.message : '无法生成县级总览';
    } finally {
      this.loading = false;
    }
  }
}
