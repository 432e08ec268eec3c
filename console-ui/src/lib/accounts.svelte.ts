import type { AccountRole, Accounts, OneTimePassword, ProgramScope } from '$protocol/auth';
import { api, ApiError } from './api';

/** The administrator's accounts page: the accounts with their log, and the one-time password just made. */
export class AccountsState {
  data = $state<Accounts | null>(null);
  error = $state('');
  /** Shown once, right after creating or resetting an account. */
  issued = $state<{ username: string; password: string } | null>(null);
  busy = $state(false);

  private async run(action: () => Promise<Accounts | OneTimePassword>): Promise<void> {
    this.busy = true;
    this.error = '';
    try {
      const result = await action();
      if ('password' in result) {
        this.issued = { username: result.username, password: result.password };
        this.data = result.accounts;
      } else {
        this.data = result;
      }
    } catch (e) {
      this.error = e instanceof ApiError ? e.message : '操作失败';
    } finally {
      this.busy = false;
    }
  }

  load = () => this.run(() => api.get<Accounts>('/api/accounts'));
  create = (username: string, role: AccountRole, programs: ProgramScope) =>
    this.run(() => api.post<OneTimePassword>('/api/accounts', { username, role, programs }));
  /** A new role or program scope: the account's open sessions end, its owner logs in again. */
  grant = (username: string, role: AccountRole, programs: ProgramScope) =>
    this.run(() => api.post<Accounts>(`/api/accounts/${username}/grant`, { role, programs }));
  /** An account's programs in words: 全部项目, or their names. */
  scopeText(programs: ProgramScope): string {
    if (programs === null) return '全部项目';
    const known = this.data?.programs ?? [];
    return programs.map((code) => known.find((p) => p.code === code)?.name ?? code).join('、');
  }
  disable = (username: string) => this.run(() => api.post<Accounts>(`/api/accounts/${username}/disable`));
  enable = (username: string) => this.run(() => api.post<Accounts>(`/api/accounts/${username}/enable`));
  reset = (username: string) => this.run(() => api.post<OneTimePassword>(`/api/accounts/${username}/reset-password`));
}
