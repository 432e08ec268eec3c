import { io, type Socket } from 'socket.io-client';
import type { ErrorBody } from '$protocol/errors';
import { ON_AIR_RECONNECTION, REVOCATION_REASON_LABEL } from '$protocol/show';
import type {
  ClientToServerEvents,
  JudgeSubmission,
  RoundView,
  ServerToClientEvents,
  ShowSnapshot,
} from '$protocol/show';
import type { Criterion } from '$protocol/scoring';
import type { SeatCard } from '$protocol/judges';
import { VENUE_BINDING_LABEL, type VenueJoinResult, type VenueSeatNotice } from '$protocol/channels';
import { REVEALED_STEPS } from '$protocol/round';
import { api, ApiError } from './api';

type JudgeSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** What the tablet keeps on the device, so nothing typed is lost to a reload or a Wi-Fi drop. */
interface StoredSeat {
  judgeKey: string;
  name: string;
}
interface StoredDraft {
  /** Per criterion: points, or null while 未评. */
  items: (number | null)[];
}

export type TabletScreen =
  'join' | 'waiting' | 'recused' | 'scoring' | 'confirm' | 'submitted' | 'locked' | 'revealed' | 'closed';

const storage = {
  get<T>(key: string): T | null {
    try {
      const text = localStorage.getItem(key);
      return text === null ? null : (JSON.parse(text) as T);
    } catch {
      return null;
    }
  },
  set(key: string, value: unknown): void {
    localStorage.setItem(key, JSON.stringify(value));
  },
  remove(key: string): void {
    localStorage.removeItem(key);
  },
};

function newId(): string {
  return crypto.randomUUID().replace(/-/gu, '');
}

/** Points to hundredths, exactly (0.1 + 0.2 must not become 30.000000000000004 hundredths). */
const toHundredths = (points: number) => Math.round(points * 100);

/**
 * Why a typed value cannot be this criterion's score, or null when it can. A value is never
 * clamped or rounded into another one: 45 on a 40-point item, or 36.3 on a half-point step, is
 * refused as typed and the judge corrects it.
 */
export function valueProblem(criterion: Criterion, points: number): string | null {
  const max = criterion.maxHundredths / 100;
  if (!Number.isFinite(points)) return '请输入数字';
  if (points < 0 || points > max) return `超出范围：本项 0 至 ${max} 分，未采用`;
  const hundredths = points * 100;
  if (Math.abs(hundredths - Math.round(hundredths)) > 1e-6 || Math.round(hundredths) % criterion.stepHundredths !== 0)
    return `须为 ${criterion.stepHundredths / 100} 分的整数倍，未采用`;
  return null;
}

/**
 * A judge's tablet. Joins a seat with the link's token and the PIN; then follows the server's
 * snapshot. Every value typed is kept on the device at once; a submission goes out with an id
 * (retries never duplicate) and stays queued on the device until the server acknowledges it.
 */
export class JudgeTablet {
  readonly eventId: string;
  /** A venue seat (`?venue=1`): joined once, it scores as this seat of whichever event is followed. */
  readonly venue: boolean;
  readonly seat: number;
  readonly token: string;
  readonly deviceId: string;

  name = $state('');
  /** The seat's card from the link alone (seat, judge, event, 演练), for the PIN screen. */
  card = $state<SeatCard | null>(null);
  /** A venue seat's standing: which event and judge it now scores as (from the server, on every switch). */
  venueSeat = $state<VenueSeatNotice | null>(null);
  snapshot = $state<ShowSnapshot | null>(null);
  connection = $state<'connecting' | 'connected' | 'offline'>('connecting');
  joined = $state(false);
  joinError = $state('');
  busy = $state(false);
  /** Values being entered for the current round (null = 未评). */
  draft = $state<(number | null)[]>([]);
  /** Per criterion: the text typed when it was refused (kept on screen as typed), and why. */
  refused = $state<({ text: string; problem: string } | null)[]>([]);
  confirming = $state(false);
  /** After a submission, the judge chose 修改: back to the entry screen until they submit again. */
  editing = $state(false);
  /** A submission waiting for the server's acknowledgement (kept on the device). */
  pending = $state<JudgeSubmission | null>(null);
  /** The last acknowledged submission's id (the receipt). */
  receipt = $state('');
  message = $state('');

  private socket: JudgeSocket | null = null;
  private draftKey = '';

  constructor(params: URLSearchParams) {
    this.venue = params.get('venue') === '1';
    this.eventId = this.venue ? '' : (params.get('event') ?? '');
    this.seat = Number(params.get('seat') ?? 0);
    this.token = params.get('token') ?? '';
    const device = storage.get<string>('choucha:device');
    this.deviceId = device ?? newId();
    if (!device) storage.set('choucha:device', this.deviceId);
    const stored = storage.get<StoredSeat>(this.seatKey);
    this.pending = storage.get<JudgeSubmission>(`${this.seatKey}:pending`);
    if (stored) {
      this.name = stored.name;
      this.joined = true;
      this.connect(stored.judgeKey);
    } else if (this.validLink) void this.loadCard();
  }

  /** The seat's card for the PIN screen; the link's token opens it, never the PIN. */
  async loadCard(): Promise<void> {
    if (this.venue) return this.loadVenueCard();
    const query = `event=${encodeURIComponent(this.eventId)}&seat=${this.seat}&token=${encodeURIComponent(this.token)}`;
    try {
      this.card = await api.get<SeatCard>(`/api/judges/seat?${query}`);
      // The judge's name and the event's title need their glyphs before the network may drop.
      const text = `${this.card.name}${this.card.eventTitle}`;
      for (const weight of [400, 700])
        void document.fonts.load(`${weight} 24px 'Noto Sans SC'`, text).catch(() => undefined);
    } catch (error) {
      if (error instanceof ApiError && error.status === 401)
        this.joinError = '席位链接无效，请向工作人员索取本席位的二维码';
    }
  }

  /** A venue seat's card: the seat, and the event and judge it would score as now. */
  private async loadVenueCard(): Promise<void> {
    try {
      const notice = await api.get<VenueSeatNotice>(
        `/api/venue-seats/card?seat=${this.seat}&token=${encodeURIComponent(this.token)}`,
      );
      this.venueSeat = notice;
      this.card = {
        seat: notice.seat,
        name: notice.name ?? '（本场未设此席位）',
        eventTitle: notice.title ?? '尚未选择场次',
        eventDate: '场地席位 · 各场通用',
        rehearsal: notice.rehearsal,
      };
    } catch (error) {
      if (error instanceof ApiError && error.status === 401)
        this.joinError = '席位链接无效，请向工作人员索取本席位的二维码';
    }
  }

  private get seatKey(): string {
    return this.venue ? `choucha:judge:venue:${this.seat}` : `choucha:judge:${this.eventId}:${this.seat}`;
  }

  get validLink(): boolean {
    const place = this.venue || this.eventId !== '';
    return place && Number.isInteger(this.seat) && this.seat > 0 && this.token !== '';
  }

  /** Why a venue tablet cannot score now (nothing followed, no such seat, held elsewhere), or ''. */
  get venueProblem(): string {
    const binding = this.venueSeat?.binding;
    return this.venue && binding && binding !== 'bound' ? VENUE_BINDING_LABEL[binding] : '';
  }

  get criteria(): Criterion[] {
    return this.snapshot?.scoring.criteria ?? [];
  }

  /** The round being judged, or the last one (the one the panel is about). */
  get round(): RoundView | null {
    return this.snapshot?.rounds.at(-1) ?? null;
  }

  get recused(): boolean {
    return this.round?.judging.seats.find((s) => s.seat === this.seat)?.recused ?? false;
  }

  /** The supervisor asked this seat to recheck its score (once, before the lock). */
  get recheckAsked(): boolean {
    return this.round?.judging.rechecks.includes(this.seat) ?? false;
  }

  get mine(): { score: number; items: number[] } | null {
    return this.round?.judging.mine ?? null;
  }

  /** The running total in hundredths of what has been entered. */
  get totalHundredths(): number {
    return this.draft.reduce<number>((sum, v) => sum + (v === null ? 0 : toHundredths(v)), 0);
  }

  get unscored(): number {
    return this.draft.filter((v, i) => v === null && !this.refused[i]).length;
  }

  /** Items whose typed value was refused: submission waits until each is corrected. */
  get refusedCount(): number {
    return this.refused.filter((r) => r !== null).length;
  }

  get ready(): boolean {
    return this.unscored === 0 && this.refusedCount === 0;
  }

  get screen(): TabletScreen {
    if (!this.joined) return 'join';
    const snapshot = this.snapshot;
    const round = this.round;
    // Once the show is closed, that is all the tablet has to say, whatever the last round showed.
    if (snapshot?.status === 'closed') return 'closed';
    if (!snapshot || !round) return 'waiting';
    if (REVEALED_STEPS.includes(round.step)) return 'revealed';
    if (round.step === 'judging-locked') return 'locked';
    if (round.step !== 'judging') return 'waiting';
    if (this.recused) return 'recused';
    if (this.confirming) return 'confirm';
    const queued = this.pending && this.pending.round === round.index;
    if ((this.mine || queued) && !this.editing) return 'submitted';
    return 'scoring';
  }

  async join(pin: string): Promise<void> {
    this.busy = true;
    this.joinError = '';
    try {
      if (this.venue) {
        const joined = await api.post<VenueJoinResult>('/api/venue-seats/join', {
          seat: this.seat,
          token: this.token,
          pin,
          deviceId: this.deviceId,
        });
        const name = this.card?.name ?? '';
        storage.set(this.seatKey, { judgeKey: joined.venueKey, name });
        this.name = name;
        this.joined = true;
        this.connect(joined.venueKey);
        return;
      }
      const result = await api.post<{ judgeKey: string; seat: number; name: string }>('/api/judges/join', {
        eventId: this.eventId,
        seat: this.seat,
        token: this.token,
        pin,
        deviceId: this.deviceId,
      });
      storage.set(this.seatKey, { judgeKey: result.judgeKey, name: result.name });
      this.name = result.name;
      this.joined = true;
      this.connect(result.judgeKey);
    } catch (error) {
      this.joinError = error instanceof ApiError ? error.message : '加入失败，请重试';
    } finally {
      this.busy = false;
    }
  }

  private connect(judgeKey: string): void {
    this.connection = 'connecting';
    const auth = this.venue
      ? { venueSeat: this.seat, role: 'judge' as const, key: judgeKey }
      : { eventId: this.eventId, role: 'judge' as const, key: judgeKey, label: `${this.seat} 号评委` };
    const socket: JudgeSocket = io({ auth, transports: ['websocket'], ...ON_AIR_RECONNECTION });
    this.socket = socket;
    socket.on('connect', () => {
      this.connection = 'connected';
      this.reportStatus();
      void this.flush();
    });
    socket.on('disconnect', () => (this.connection = 'offline'));
    socket.on('connect_error', (error) => {
      const body = (error as { data?: ErrorBody }).data;
      // The seat was released (or the key is no longer valid): join again with the PIN.
      if (body?.error?.code === 'JUDGE_JOIN_INVALID') this.leaveSeat('席位已被工作人员释放或失效，请重新输入 PIN 加入');
      else this.connection = 'offline';
    });
    // The seat was released (or joined again elsewhere): the server closed this socket for good.
    socket.on('auth:revoked', ({ reason }) =>
      this.leaveSeat(`${REVOCATION_REASON_LABEL[reason]}，请重新输入 PIN 加入`),
    );
    socket.on('show:snapshot', (snapshot) => this.receive(snapshot));
    socket.on('venue:seat', (notice) => this.followSeat(notice));
    socket.on('presence:ping', (ack) => ack());
  }

  /**
   * The operator switched the event this venue seat follows: the tablet now scores as this seat of
   * that event (its judge's name with it). A score still queued for the event left can never count.
   */
  private followSeat(notice: VenueSeatNotice): void {
    const moved = this.venueSeat !== null && notice.eventId !== this.venueSeat.eventId;
    this.venueSeat = notice;
    this.name = notice.name ?? '';
    if (notice.eventId === null || notice.binding !== 'bound') this.snapshot = null;
    if (moved && this.pending) {
      this.message = '场次已切换，本机保存的上一场评分未能提交；请告知工作人员';
      this.dropPending();
    }
  }

  /** Back to the PIN screen with the reason shown; the stored key opens nothing any more. */
  private leaveSeat(reason: string): void {
    this.socket?.disconnect();
    storage.remove(this.seatKey);
    this.joined = false;
    this.joinError = reason;
    void this.loadCard();
  }

  private receive(snapshot: ShowSnapshot): void {
    // A venue tablet that moved on ignores late snapshots of the event it left.
    if (this.venueSeat && snapshot.eventId !== this.venueSeat.eventId) return;
    const sameEvent = this.snapshot?.eventId === snapshot.eventId;
    if (this.snapshot && sameEvent && snapshot.revision < this.snapshot.revision) return;
    // Names and units arrive with the snapshot: load their glyphs while the network is there.
    const text = JSON.stringify(snapshot.rounds.at(-1)?.auditee ?? {}) + this.name;
    for (const weight of [400, 700])
      void document.fonts.load(`${weight} 24px 'Noto Sans SC'`, text).catch(() => undefined);
    this.snapshot = snapshot;
    const round = snapshot.rounds.at(-1);
    const key = round ? `${this.seatKey}:draft:${snapshot.eventId}:${round.index}:${round.auditee.number}` : '';
    if (key !== this.draftKey) {
      // A new round (or a new auditee after a replacement): a fresh sheet, or what was typed for it.
      this.draftKey = key;
      this.confirming = false;
      this.editing = false;
      this.receipt = '';
      const stored = key ? storage.get<StoredDraft>(key) : null;
      const own = round?.judging.mine;
      this.draft = stored?.items ?? own?.items ?? this.criteria.map(() => null);
      this.refused = this.criteria.map(() => null);
    }
    if (this.draft.length !== this.criteria.length) this.draft = this.criteria.map(() => null);
    if (this.refused.length !== this.criteria.length) this.refused = this.criteria.map(() => null);
    // A queued submission for a round that is no longer open can never be accepted: say so.
    if (this.pending && round && (this.pending.round !== round.index || round.step !== 'judging')) {
      this.message = '离线期间本轮评分已结束，本机保存的评分未能提交；请告知工作人员';
      this.dropPending();
    }
  }

  /** A value typed in an item's box: taken exactly as typed, or refused with the reason shown. */
  typeItem(index: number, text: string): void {
    const criterion = this.criteria[index];
    if (!criterion) return;
    const trimmed = text.trim();
    if (trimmed === '') return this.setItem(index, null);
    const points = /^\d+(\.\d+)?$/u.test(trimmed) ? Number(trimmed) : Number.NaN;
    const problem = valueProblem(criterion, points);
    if (problem === null) return this.setItem(index, toHundredths(points) / 100);
    // Refused: the item is not scored with anything else; the typed text stays for correction.
    this.refused = this.refused.map((r, i) => (i === index ? { text: trimmed, problem } : r));
    this.draft = this.draft.map((v, i) => (i === index ? null : v));
    if (this.draftKey) storage.set(this.draftKey, { items: this.draft });
  }

  /** Stores a valid value (or 未评) for an item, clearing any refusal. */
  private setItem(index: number, value: number | null): void {
    this.refused = this.refused.map((r, i) => (i === index ? null : r));
    this.draft = this.draft.map((v, i) => (i === index ? value : v));
    if (this.draftKey) storage.set(this.draftKey, { items: this.draft });
  }

  /** The − and + buttons: one step, staying within the item's range (a button cannot go past it). */
  step(index: number, direction: 1 | -1): void {
    const criterion = this.criteria[index];
    if (!criterion) return;
    const current = this.draft[index] ?? null;
    const stepH = criterion.stepHundredths;
    // From 未评, the first tap lands on full marks going down, or on zero going up.
    const start = current === null ? (direction < 0 ? criterion.maxHundredths + stepH : -stepH) : toHundredths(current);
    const next = Math.min(criterion.maxHundredths, Math.max(0, start + direction * stepH));
    this.setItem(index, next / 100);
  }

  openConfirmation(): void {
    if (this.ready) this.confirming = true;
  }

  cancelConfirmation(): void {
    this.confirming = false;
  }

  modify(): void {
    this.editing = true;
    this.receipt = '';
  }

  /** Sends the entered score; it waits on the device until the server has it. */
  async submit(): Promise<void> {
    const round = this.round;
    const eventId = this.snapshot?.eventId;
    if (!round || !this.ready || eventId === undefined) return;
    const submission: JudgeSubmission = {
      submissionId: newId(),
      eventId,
      round: round.index,
      auditeeNumber: round.auditee.number,
      items: this.draft.map((v) => v as number),
    };
    this.pending = submission;
    storage.set(`${this.seatKey}:pending`, submission);
    this.reportStatus();
    this.confirming = false;
    this.editing = false;
    await this.flush();
  }

  private dropPending(): void {
    this.pending = null;
    storage.remove(`${this.seatKey}:pending`);
    this.reportStatus();
  }

  /** Tells the desk whether this tablet holds a score the server has not acknowledged (before a lock). */
  private reportStatus(): void {
    if (this.socket?.connected) this.socket.emit('judge:status', { unsent: this.pending !== null });
  }

  /** Sends the queued submission, if any; the same id on every retry, so it counts once. */
  private async flush(): Promise<void> {
    const submission = this.pending;
    const socket = this.socket;
    if (!submission || !socket?.connected) return;
    try {
      const ack = await socket.timeout(8000).emitWithAck('judge:submit', submission);
      if (this.pending?.submissionId !== submission.submissionId) return;
      this.dropPending();
      if (ack.ok) {
        this.receipt = submission.submissionId.slice(0, 8).toUpperCase();
        this.message = '';
      } else {
        this.message = ack.error.message;
        this.editing = true;
      }
    } catch {
      // No answer: it stays queued and goes again on the next connection.
    }
  }
}
