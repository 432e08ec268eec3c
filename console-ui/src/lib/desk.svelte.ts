import { io, type Socket } from 'socket.io-client';
import { ACCOUNT_ROLE_LABEL } from '$protocol/auth';
import { ON_AIR_RECONNECTION, REVOCATION_REASON_LABEL } from '$protocol/show';
import type {
  ClientToServerEvents,
  CommandAck,
  EventLogEntry,
  EventSummary,
  PresenceEntry,
  SeatStatus,
  SeatView,
  ServerToClientEvents,
  ShowCommandBody,
  ShowSnapshot,
  SocketAuth,
} from '$protocol/show';
import type { ErrorBody } from '$protocol/errors';
import type { FanoutStatus } from '$protocol/fanout';
import { api, ApiError } from './api';
import { publicViewing, readFanoutStatus, rememberRevision, type SeenRevision } from './public-viewing';

type DeskSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface DeskMessage {
  kind: 'error' | 'info';
  text: string;
  code?: string;
}

const newKey = () => {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
};

/**
 * The show desk's connection to the server: the staff snapshot (the server owns the state), the
 * connected outputs and seats, the event log, and sending commands. One command at a time; each
 * carries the revision the desk shows and a fresh idempotency key, so a resend after a drop is
 * applied once and an action taken on a stale screen is refused.
 */
export class ShowDesk {
  snapshot = $state<ShowSnapshot | null>(null);
  event = $state<EventSummary | null>(null);
  overlayKey = $state('');
  presence = $state<PresenceEntry[]>([]);
  /** Judges' tablets: online, last heard from, holding an unsent score (from the server). */
  seatStatus = $state<SeatStatus[]>([]);
  /** Public viewers of the event, counted by the server (they are never listed). */
  viewers = $state(0);
  /** How public viewing is served (one process, or fan-out processes behind Redis), checked on arrival. */
  fanout = $state<FanoutStatus | null>(null);
  /** The latest revisions and when they arrived, to tell a fan-out catching up from one left behind. */
  private seenRevisions = $state.raw<readonly SeenRevision[]>([]);
  seats = $state<SeatView[]>([]);
  log = $state<EventLogEntry[]>([]);
  connection = $state<'connecting' | 'connected' | 'offline' | 'refused'>('connecting');
  /** The command in flight (its type), or null. */
  pending = $state<string | null>(null);
  message = $state<DeskMessage | null>(null);
  /** The notary's digits as typed so far (relayed by the server before the lock; never logged). */
  typed = $state('');
  /** Local time, ticking, for timers and the roll (server time = local + offset). */
  now = $state(Date.now());
  private offset = 0;
  private socket: DeskSocket | null = null;
  private ticker: ReturnType<typeof setInterval> | null = null;
  private loadingLog = false;
  /** The judges' sockets seen in the last presence list, to reload the seats only when they change. */
  private tablets: string | null = null;

  constructor(
    readonly eventId: string,
    /** The desk: the operator's, the supervisor's (notary), or a caller's (话务员: its round's calls only). */
    readonly role: 'operator' | 'supervisor' | 'caller',
  ) {}

  get serverNow(): number {
    return this.now + this.offset;
  }

  /** The output monitor's public viewing panel (null until the server's first status). */
  get publicViewing() {
    return publicViewing(this.fanout, this.seenRevisions, this.now);
  }

  get currentRound() {
    return this.snapshot?.rounds.at(-1) ?? null;
  }

  async start(): Promise<void> {
    try {
      if (this.role === 'caller') {
        // A caller reads no event page (it carries the outputs' key): its programs' list names the event.
        const listed = await api.get<EventSummary[]>('/api/events');
        this.event = listed.find((e) => e.id === this.eventId) ?? null;
      } else {
        const answer = await api.get<{ event: EventSummary; overlayKey: string }>(`/api/events/${this.eventId}`);
        this.event = answer.event;
        this.overlayKey = answer.overlayKey;
      }
    } catch (error) {
      this.message = { kind: 'error', text: error instanceof ApiError ? error.message : '无法读取活动' };
      return;
    }
    this.ticker = setInterval(() => (this.now = Date.now()), 200);
    const auth: SocketAuth = {
      eventId: this.eventId,
      role: 'staff',
      label: `${this.role === 'caller' ? '话务台' : '操作台'} · ${ACCOUNT_ROLE_LABEL[this.role]}`,
    };
    const socket: DeskSocket = io({ auth, transports: ['websocket'], ...ON_AIR_RECONNECTION });
    this.socket = socket;
    socket.on('connect', () => {
      this.connection = 'connected';
    });
    // A desk closed for a revoked session stays 'refused': the server's close is not retried.
    socket.on('disconnect', () => {
      if (this.connection !== 'refused') this.connection = 'offline';
    });
    socket.on('connect_error', (error) => {
      const body = (error as { data?: ErrorBody }).data;
      if (body?.error?.code) {
        this.connection = 'refused';
        this.message = { kind: 'error', text: body.error.message, code: body.error.code };
        socket.disconnect();
      } else this.connection = 'offline';
    });
    // The session was ended (logout elsewhere, a new password, expiry): the server closes the socket
    // and it is not retried, so the desk says why instead of looking like a dropped network.
    socket.on('auth:revoked', ({ reason }) => {
      this.connection = 'refused';
      // What the session let this screen show goes with it: households' names and phones, the log.
      this.snapshot = null;
      this.log = [];
      this.presence = [];
      this.seatStatus = [];
      this.seats = [];
      this.message = {
        kind: 'error',
        text: `${REVOCATION_REASON_LABEL[reason]}：此操作台已断开，请刷新页面重新登录`,
        code: reason,
      };
    });
    socket.on('show:snapshot', (snapshot) => this.apply(snapshot));
    socket.on('show:seats', (seats) => (this.seatStatus = seats));
    socket.on('show:presence', (entries) => {
      this.presence = entries;
      // Presence is republished after every round-trip measurement; the seats change only when a tablet comes or goes.
      const tablets = entries
        .filter((e) => e.role === 'judge')
        .map((e) => e.socketId)
        .sort()
        .join(',');
      if (tablets !== this.tablets) {
        this.tablets = tablets;
        void this.loadSeats();
      }
    });
    socket.on('show:viewers', (count) => (this.viewers = count));
    // A status that fails its schema (a server of another version) is not shown rather than misread.
    socket.on('show:fanout', (status: unknown) => (this.fanout = readFanoutStatus(status)));
    socket.on('entropy:typing', ({ digits }) => (this.typed = digits));
    socket.on('presence:ping', (ack) => ack());
  }

  stop(): void {
    this.socket?.removeAllListeners();
    this.socket?.disconnect();
    this.socket = null;
    if (this.ticker) clearInterval(this.ticker);
  }

  private apply(snapshot: ShowSnapshot): void {
    const current = this.snapshot;
    if (current && current.eventId === snapshot.eventId && snapshot.revision < current.revision) return;
    this.offset = snapshot.serverTime - Date.now();
    this.snapshot = snapshot;
    this.seenRevisions = rememberRevision(this.seenRevisions, snapshot.revision, Date.now());
    void this.loadLog();
  }

  private async loadLog(): Promise<void> {
    // The caller's screen has no log (the server refuses it one).
    if (this.loadingLog || this.role === 'caller') return;
    this.loadingLog = true;
    try {
      for (;;) {
        const after = this.log.at(-1)?.seq ?? 0;
        if (after >= (this.snapshot?.revision ?? 0)) break;
        const entries = await api.get<EventLogEntry[]>(`/api/events/${this.eventId}/log`, { after });
        if (entries.length === 0) break;
        this.log = [...this.log, ...entries];
      }
    } catch {
      // The log is informative; the next snapshot tries again.
    } finally {
      this.loadingLog = false;
    }
  }

  async loadSeats(): Promise<void> {
    if (this.role !== 'operator' || !this.event?.settings.judges?.length) return;
    try {
      this.seats = await api.get<SeatView[]>(`/api/events/${this.eventId}/seats`);
    } catch {
      // Shown again on the next presence change.
    }
  }

  /**
   * Sends one command against the revision on screen. Returns whether it was applied. While one
   * is in flight, others are ignored (a double press sends once).
   */
  async send(command: ShowCommandBody): Promise<boolean> {
    const socket = this.socket;
    const snapshot = this.snapshot;
    if (!socket || !snapshot || this.pending !== null) return false;
    this.pending = command.type;
    this.message = null;
    const envelope = { revision: snapshot.revision, idempotencyKey: newKey(), command };
    try {
      let ack: CommandAck | null = null;
      // A lost answer is resent with the same key: the server applies the command once.
      for (let attempt = 0; attempt < 3 && ack === null; attempt += 1) {
        try {
          ack = await socket.timeout(5000).emitWithAck('show:command', envelope);
        } catch {
          ack = null;
        }
      }
      if (ack === null) {
        this.message = { kind: 'error', text: '服务器没有应答，请检查连接后重试', code: 'NETWORK' };
        return false;
      }
      if (!ack.ok) {
        if (ack.snapshot) this.apply(ack.snapshot);
        // A draw's own refusal (a notary's secret that does not match…) is named by its own code.
        const details = ack.error.details as { drawCode?: string } | undefined;
        this.message = {
          kind: 'error',
          code: details?.drawCode ?? ack.error.code,
          text:
            ack.error.code === 'SHOW_STALE_REVISION'
              ? '另一个操作台刚刚更新了状态，本次操作未执行。请核对当前画面后再操作。'
              : ack.error.message,
        };
        return false;
      }
      return true;
    } finally {
      this.pending = null;
    }
  }

  /** The notary's console: the digits typed so far go on air as they are typed (not logged). */
  sendTyping(digits: string): void {
    if (this.role === 'supervisor') this.socket?.emit('entropy:typing', { digits: digits.replace(/[^0-9]/gu, '') });
  }

  async reloadOutput(socketId: string): Promise<void> {
    const answer = await this.socket
      ?.timeout(5000)
      .emitWithAck('output:reload', { socketId })
      .catch(() => null);
    this.message =
      answer && 'ok' in answer
        ? { kind: 'info', text: '已通知该输出重新载入' }
        : { kind: 'error', text: answer && 'error' in answer ? answer.error.message : '重新载入失败' };
  }

  async releaseSeat(seat: number): Promise<void> {
    try {
      await api.post(`/api/events/${this.eventId}/seats/${seat}/release`);
      this.message = { kind: 'info', text: `${seat} 号席位已释放，可在另一台平板上重新加入` };
      await this.loadSeats();
    } catch (error) {
      this.message = { kind: 'error', text: error instanceof ApiError ? error.message : '释放失败' };
    }
  }

  /** Clears the seat's join limits, so its judge can enter the PIN again at once from any tablet. */
  async unlockSeat(seat: number): Promise<void> {
    try {
      await api.post(`/api/events/${this.eventId}/seats/${seat}/unlock`);
      this.message = { kind: 'info', text: `${seat} 号席位已解除锁定，评委可立即重新输入 PIN 加入` };
      await this.loadSeats();
    } catch (error) {
      this.message = { kind: 'error', text: error instanceof ApiError ? error.message : '解除锁定失败' };
    }
  }

  overlayUrl(options: { preview?: boolean; label?: string; bg?: string } = {}): string {
    const query = {
      event: this.eventId,
      key: this.overlayKey,
      ...(options.preview ? { preview: '1' } : {}),
      ...(options.bg ? { bg: options.bg } : {}),
      ...(options.label ? { label: options.label } : {}),
    };
    const encoded = Object.entries(query).map(([k, v]) => `${k}=${encodeURIComponent(v)}`);
    return `/overlay?${encoded.join('&')}`;
  }
}
