import { isStaffRole, type AccountSession, type SessionUser } from '$protocol/auth';
import { api, ApiError } from './api';

/** Who is logged in at this console: any account, and the staff user when it is one. */
export class Session {
  account = $state<AccountSession | null>(null);
  /** The staff user (any role but the administrator), once their own password is set. */
  readonly user = $derived.by((): SessionUser | null => {
    const account = this.account;
    if (!account || account.mustSetPassword || !isStaffRole(account.role)) return null;
    return { username: account.username, role: account.role, programs: account.programs };
  });
  checked = $state(false);
  error = $state('');
  busy = $state(false);

  async restore(): Promise<void> {
    try {
      this.account = await api.get<AccountSession>('/api/auth/me');
    } catch {
      this.account = null;
    } finally {
      this.checked = true;
    }
  }

  async login(username: string, password: string): Promise<void> {
    await this.attempt(async () => {
      this.account = await api.post<AccountSession>('/api/auth/login', { username, password });
    }, '登录失败');
  }

  /** Replaces the password (the one-time one at first login); the server opens a new session. */
  async setPassword(current: string, next: string): Promise<void> {
    await this.attempt(async () => {
      this.account = await api.post<AccountSession>('/api/auth/password', { current, next });
    }, '无法设置密码');
  }

  private async attempt(action: () => Promise<void>, fallback: string): Promise<void> {
    this.busy = true;
    this.error = '';
    try {
      await action();
    } catch (error) {
      this.error = error instanceof ApiError ? error.message : fallback;
    } finally {
      this.busy = false;
    }
  }

  async logout(): Promise<void> {
    await api.post('/api/auth/logout').catch(() => undefined);
    this.account = null;
  }
}
