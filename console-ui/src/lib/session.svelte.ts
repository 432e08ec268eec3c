import type { SessionUser } from '$protocol/auth';
import { api, ApiError } from './api';

/** Who is logged in at this console. */
export class Session {
  user = $state<SessionUser | null>(null);
  checked = $state(false);
  error = $state('');
  busy = $state(false);

  async restore(): Promise<void> {
    try {
      this.user = await api.get<SessionUser>('/api/auth/me');
    } catch {
      this.user = null;
    } finally {
      this.checked = true;
    }
  }

  async login(username: string, password: string): Promise<void> {
    this.busy = true;
    this.error = '';
    try {
      this.user = await api.post<SessionUser>('/api/auth/login', { username, password });
    } catch (error) {
      this.error = error instanceof ApiError ? error.message : '登录失败';
    } finally {
      this.busy = false;
    }
  }

  async logout(): Promise<void> {
    await api.post('/api/auth/logout').catch(() => undefined);
    this.user = null;
  }
}
