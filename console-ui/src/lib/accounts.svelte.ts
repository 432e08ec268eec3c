import type { AccountRole, Accounts, OneTimePassword } from '$protocol/auth';
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
  create = (username: string, role: AccountRole) =>
    this.run(() => api.post<OneTimePassword>('/api/accounts', { username, role }));
  disable = (username: string) => this.run(() => api.post<Accounts>(`/api/accounts/${username}/disable`));
  enable = (username: string) => this.run(() => api.post<Accounts>(`/api/accounts/${username}/enable`));
  reset = (username: string) => this.run(() => api.post<OneTimePassword>(`/api/accounts/${username}/reset-password`));
}
