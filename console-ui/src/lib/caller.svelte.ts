import type { EventSummary } from '$protocol/show';
import { api, ApiError } from './api';
import { ShowDesk } from './desk.svelte';

/**
 * The caller's (话务员) phone: its programs' events on now, the one it calls for, and that show's
 * desk as a caller sees it (the server sends phones only of the round being called, and accepts
 * only call statuses and findings from it).
 */
export class CallerState {
  events = $state<EventSummary[]>([]);
  loaded = $state(false);
  error = $state('');
  desk = $state<ShowDesk | null>(null);

  /** Events a caller can call for: opened and not yet closed. */
  get live(): EventSummary[] {
    return this.events.filter((e) => e.status === 'live');
  }

  async load(): Promise<void> {
    try {
      this.events = await api.get<EventSummary[]>('/api/events');
      this.error = '';
    } catch (error) {
      this.error = error instanceof ApiError ? error.message : '无法读取活动';
    } finally {
      this.loaded = true;
    }
    // One show on now: the phone goes straight to it.
    const only = this.live.length === 1 ? this.live[0] : undefined;
    if (only && this.desk === null) this.choose(only.id);
  }

  choose(eventId: string): void {
    this.desk?.stop();
    const desk = new ShowDesk(eventId, 'caller');
    this.desk = desk;
    void desk.start();
  }

  leave(): void {
    this.desk?.stop();
    this.desk = null;
  }
}
