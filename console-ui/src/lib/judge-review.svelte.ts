import type { JudgeReview } from '$protocol/judge-review';
import { api, ApiError } from './api';

/**
 * The judges' report page's state: the period (or one event) asked for, the report the server
 * computed for it, and its export links. Supervisors only: the server refuses anyone else.
 */
/** This year, as the default period. */
const YEAR = new Date().getFullYear();

export class JudgeReviewState {
  from = $state(`${YEAR}-01-01`);
  to = $state(`${YEAR}-12-31`);
  /** One event of the period ('' = all of them). */
  event = $state('');
  report = $state<JudgeReview | null>(null);
  error = $state('');
  loading = $state(false);

  readonly query = $derived(
    `from=${this.from}&to=${this.to}${this.event ? `&event=${encodeURIComponent(this.event)}` : ''}`,
  );
  readonly csvHref = $derived(`/api/judge-review.csv?${this.query}`);
  readonly xlsxHref = $derived(`/api/judge-review.xlsx?${this.query}`);
  /** Every flag of the report, with its judge, flagged judges first as the report lists them. */
  readonly flags = $derived(
    this.report?.judges.flatMap((j) => j.flags.map((flag) => ({ judge: j.judge, flag }))) ?? [],
  );

  async load(): Promise<void> {
    this.loading = true;
    this.error = '';
    try {
      this.report = await api.get<JudgeReview>(`/api/judge-review?${this.query}`);
    } catch (e) {
      this.report = null;
      this.error = e instanceof ApiError ? e.message : '无法生成评委评价';
    } finally {
      this.loading = false;
    }
  }
}
