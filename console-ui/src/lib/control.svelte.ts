import type { ControlCallView, ControlTokenCreated, ControlTokenView } from '$protocol/control';
import { api, ApiError } from './api';

/**
 * The console's control-panel page: the installation's control tokens (made with a name, shown once,
 * revoked), and the log of control calls. Operator only (the server refuses anyone else).
 */
export class ControlPanelState {
  tokens = $state<ControlTokenView[]>([]);
  calls = $state<ControlCallView[]>([]);
  /** The token just made: shown once, until the page is left or another is made. */
  created = $state<ControlTokenCreated | null>(null);
  name = $state('');
  error = $state('');
  busy = $state(false);
  copied = $state(false);
  loaded = $state(false);

  readonly active = $derived(this.tokens.filter((token) => token.revokedAt === null));

  async load(): Promise<void> {
    await this.run(async () => {
      [this.tokens, this.calls] = await Promise.all([
        api.get<ControlTokenView[]>('/api/control/tokens'),
        api.get<ControlCallView[]>('/api/control/calls'),
      ]);
      this.loaded = true;
    });
  }

  async create(): Promise<void> {
    const name = this.name.trim();
    if (name === '') {
      this.error = '请先给控制面板起个名字（例如：演播室 Stream Deck）';
      return;
    }
    await this.run(async () => {
      this.created = await api.post<ControlTokenCreated>('/api/control/tokens', { name });
      this.copied = false;
      this.name = '';
      this.tokens = await api.get<ControlTokenView[]>('/api/control/tokens');
    });
  }

  async revoke(id: number): Promise<void> {
    await this.run(async () => {
      await api.post<ControlTokenView>(`/api/control/tokens/${id}/revoke`);
      if (this.created?.view.id === id) this.created = null;
      await this.load();
    });
  }

  /** Copies the new token; on plain http (no clipboard API) the field is selected for Ctrl+C. */
  async copy(field: HTMLInputElement | undefined): Promise<void> {
    const token = this.created?.token;
    if (!token) return;
    try {
      await navigator.clipboard.writeText(token);
      this.copied = true;
    } catch {
      field?.select();
      this.copied = document.execCommand('copy');
    }
  }

  private async run(action: () => Promise<void>): Promise<void> {
    this.error = '';
    this.busy = true;
    try {
      await action();
    } catch (e) {
      this.error = e instanceof ApiError ? e.message : '操作失败';
    } finally {
      this.busy = false;
    }
  }
}
