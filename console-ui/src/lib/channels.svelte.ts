import type {
  ChannelBackground,
  ChannelKind,
  ChannelMonitorRow,
  ChannelsView,
  ChannelView,
  FollowView,
  VenueSeatView,
} from '$protocol/channels';
import type { EventSummary } from '$protocol/show';
import { api, ApiError } from './api';

/** How often the page reads the monitor again (outputs report every 3 s). */
const REFRESH_MS = 2000;

/** A switch waiting for the operator's confirmation: it changes what is on air. */
export interface PendingSwitch {
  to: EventSummary;
  from: EventSummary | null;
  /** Why it is asked: the show on air now, or the one switched to, is live. */
  reason: string;
}

/**
 * The channels page: the installation's output channels (permanent links, keys, what each shows,
 * its outputs' frame and connection), the event they and the venue seats follow, and the switch.
 */
export class ChannelsState {
  view = $state<ChannelsView | null>(null);
  events = $state<EventSummary[]>([]);
  venueSeats = $state<VenueSeatView[]>([]);
  message = $state<{ kind: 'ok' | 'error'; text: string } | null>(null);
  busy = $state(false);
  pending = $state<PendingSwitch | null>(null);

  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(readonly canOperate: boolean) {}

  get follow(): FollowView | null {
    return this.view?.follow ?? null;
  }

  get rows(): ChannelMonitorRow[] {
    return this.view?.channels ?? [];
  }

  get followed(): EventSummary | null {
    const id = this.follow?.eventId ?? null;
    return this.events.find((e) => e.id === id) ?? null;
  }

  /** Events a channel may follow: sealed ones with a show (live, or a rehearsal of one). */
  get followable(): EventSummary[] {
    return this.events.filter((e) => e.drawId !== null && e.status !== 'damaged' && e.status !== 'abandoned');
  }

  /** The other half of the followed pair: the rehearsal of the live event, or the event a rehearsal copies. */
  get counterpart(): EventSummary | null {
    const followed = this.followed;
    if (!followed) return null;
    if (followed.rehearsal) return this.events.find((e) => e.id === followed.rehearsalOf) ?? null;
    const copies = this.followable.filter((e) => e.rehearsalOf === followed.id);
    return copies.at(-1) ?? null;
  }

  url(channel: ChannelView): string {
    return `${this.view?.publicUrl ?? location.origin}${channel.path}`;
  }

  eventTitle(eventId: string | null): string {
    if (eventId === null) return '待命（未跟随任何场次）';
    const event = this.events.find((e) => e.id === eventId);
    return event ? `${event.rehearsal ? '【演练】' : ''}${event.title}` : eventId;
  }

  async start(): Promise<void> {
    await Promise.all([this.load(), this.loadEvents()]);
    this.timer = setInterval(() => void this.load(), REFRESH_MS);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  async load(): Promise<void> {
    try {
      this.view = await api.get<ChannelsView>('/api/channels');
      if (this.canOperate) this.venueSeats = await api.get<VenueSeatView[]>('/api/venue-seats');
    } catch (error) {
      this.fail(error);
    }
  }

  async loadEvents(): Promise<void> {
    try {
      this.events = await api.get<EventSummary[]>('/api/events');
    } catch (error) {
      this.fail(error);
    }
  }

  /**
   * Asks to follow an event. Leaving or joining a show that is on air (the live show, or a
   * rehearsal being run) takes a confirmation (the outputs change at once); otherwise it switches
   * straight away.
   */
  ask(eventId: string): void {
    const to = this.events.find((e) => e.id === eventId);
    if (!to || to.id === this.follow?.eventId) return;
    const from = this.followed;
    const live = [from, to].find((e) => e?.status === 'live');
    if (live) {
      const running = live.rehearsal ? '正在演练' : '正在直播';
      const reason =
        live === from
          ? `「${from?.title}」${running}，切换后所有输出立即改为显示所选场次`
          : `「${to.title}」${running}`;
      this.pending = { to, from, reason };
      return;
    }
    void this.switchTo(to.id);
  }

  cancelSwitch(): void {
    this.pending = null;
  }

  async confirmSwitch(): Promise<void> {
    const pending = this.pending;
    this.pending = null;
    if (pending) await this.switchTo(pending.to.id);
  }

  private async switchTo(eventId: string): Promise<void> {
    await this.act(async () => {
      await api.put<FollowView>('/api/channels/follow', { eventId });
      await this.loadEvents();
      this.message = { kind: 'ok', text: `所有输出与场地评委席位已切换到：${this.eventTitle(eventId)}` };
    });
  }

  async add(name: string, kind: ChannelKind, background: ChannelBackground): Promise<void> {
    await this.act(async () => {
      await api.post<ChannelView>('/api/channels', { name, kind, background });
      this.message = { kind: 'ok', text: `已添加通道「${name}」` };
    });
  }

  async update(
    channel: ChannelView,
    change: { name?: string; kind?: ChannelKind; background?: ChannelBackground },
  ): Promise<void> {
    await this.act(() => api.put<ChannelView>(`/api/channels/${channel.id}`, change));
  }

  async regenerate(channel: ChannelView): Promise<void> {
    await this.act(async () => {
      await api.post<ChannelView>(`/api/channels/${channel.id}/key`);
      this.message = { kind: 'ok', text: `「${channel.name}」已换新密钥：旧地址已失效，请把新地址填入播出软件` };
    });
  }

  async remove(channel: ChannelView): Promise<void> {
    await this.act(async () => {
      await api.delete(`/api/channels/${channel.id}`);
      this.message = { kind: 'ok', text: `已删除通道「${channel.name}」` };
    });
  }

  async releaseVenueSeat(seat: number): Promise<void> {
    await this.act(() => api.post(`/api/venue-seats/${seat}/release`));
  }

  async copy(text: string): Promise<void> {
    try {
      await navigator.clipboard.writeText(text);
      this.message = { kind: 'ok', text: '已复制' };
    } catch {
      // Over plain http the clipboard may be closed: the field is selectable instead.
      this.message = { kind: 'error', text: '浏览器不允许复制，请手动选中地址复制' };
    }
  }

  private async act(run: () => Promise<unknown>): Promise<void> {
    this.busy = true;
    try {
      await run();
      await this.load();
    } catch (error) {
      this.fail(error);
    } finally {
      this.busy = false;
    }
  }

  private fail(error: unknown): void {
    this.message = { kind: 'error', text: error instanceof ApiError ? error.message : '操作失败，请重试' };
  }
}
