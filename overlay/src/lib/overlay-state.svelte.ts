import { io, type Socket } from 'socket.io-client';
import { tick } from 'svelte';
import type {
  ClientToServerEvents,
  Graphic,
  RoundView,
  ServerToClientEvents,
  ShowSnapshot,
  SocketAuth,
} from '$protocol/show';
import type { ErrorBody } from '$protocol/errors';
import type { ChannelNotice, OutputStats } from '$protocol/channels';
import { ON_AIR_RECONNECTION, REVOCATION_REASON_LABEL } from '$protocol/show';
import { ServerClock } from './server-clock';
import { parseTemplateData, type TemplateData } from './template-data';
import { OVERLAY_LABEL_TEXT } from './label-text';
import { LAYERS, type Layer } from '$protocol/show';

/** A graphic this output draws now, on its layer. */
export interface ShownGraphic {
  layer: Layer;
  graphic: Graphic;
  round: RoundView | null;
  text: string | null;
  outAt: number | null;
}

type OverlaySocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** How long an output refused for too many connections from its address waits before trying again. */
const REFUSED_RETRY_MS = 5000;

/** What tests and the bench read from the page (nothing here affects what is shown). */
export interface OverlayDiagnostics {
  /** performance.now() when the first graphic state was drawn. */
  readyAt: number | null;
  /** Entrance transitions that actually animated (0 after a reload means nothing replayed). */
  entrances: number;
  /** Server time of the frame each round's roll first showed its result, by round. */
  rollLandedAt: Record<number, number>;
  /** Snapshots applied. */
  applied: number;
  /** The last report sent to the monitor (frame size, frame rate). */
  stats: OutputStats | null;
}

declare global {
  interface Window {
    chouchaOverlay?: OverlayDiagnostics;
    /** The output's estimate of the server's time now (tests read a frame's time by it). */
    chouchaServerNow?: () => number;
  }
}

/** The globals CasparCG's HTML producer calls (window.stop is also the DOM's, so it is replaced). */
interface TemplateApi {
  play: () => void;
  stop: () => void;
  next: () => void;
  update: (data: unknown) => void;
}

/**
 * An output drawn inside another page (an OGraf graphic in a renderer): it names the server it
 * connects to, and handles the desk's "reload this output" itself instead of reloading the page.
 */
export interface EmbeddedOutput {
  /** The choucha server's origin. */
  server: string;
  /** What the desk's reload does here (the page is the renderer's, not ours). */
  reload: () => void;
}

/** Characters the shipped font must have loaded before a state is drawn (no box glyphs on air). */
function textOf(snapshot: ShowSnapshot): string {
  const seen: Record<string, true> = {};
  for (const char of JSON.stringify(snapshot)) if (char.charCodeAt(0) > 0x7f) seen[char] = true;
  return Object.keys(seen).join('') + OVERLAY_LABEL_TEXT;
}

/**
 * The output's state: the server's snapshot, drawn as it is. On load and on reconnect the
 * graphic is drawn in its final state at once (no entrance animation); changes seen while
 * watching animate. Under CasparCG the page stays blank until play().
 */
export class OverlayState {
  snapshot = $state<ShowSnapshot | null>(null);
  connection = $state<'waiting' | 'connecting' | 'connected' | 'offline' | 'refused'>('waiting');
  error = $state('');
  /** False while drawing a state found on load or reconnect. */
  animate = $state(false);
  /** CasparCG: blank until play(). */
  playing = $state(true);
  bg = $state('');
  label = $state('');
  /** The notary's digits as typed before the lock (relayed, never logged). */
  typed = $state('');
  /** Shows the cued graphics (a preview monitor): from the URL, or from the channel's settings. */
  preview = $state(false);
  /** A channel's output: what the channel is and which event it follows (null until told). */
  channel = $state<ChannelNotice | null>(null);
  readonly clock = new ServerClock();
  readonly diagnostics: OverlayDiagnostics = {
    readyAt: null,
    entrances: 0,
    rollLandedAt: {},
    applied: 0,
    stats: null,
  };

  private socket: OverlaySocket | null = null;
  private syncTimer: ReturnType<typeof setInterval> | null = null;
  private pending: ShowSnapshot | null = null;
  private applying = false;
  private watching = false;
  private statsTimer: ReturnType<typeof setInterval> | null = null;
  private frames = 0;
  private framesSince = 0;
  /** Bumped when an auto-out time passes, so `layers` is read again. */
  private expiryTick = $state(0);
  private expiryTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    /** The output's address parameters (preview, bg, label). */
    params: Pick<URLSearchParams, 'get'>,
    underCaspar: boolean,
    private readonly embedded: EmbeddedOutput | null = null,
  ) {
    this.preview = params.get('preview') === '1';
    this.bg = params.get('bg') ?? '';
    this.label = params.get('label') ?? '';
    this.playing = !underCaspar;
    // The page's own diagnostics: an embedded output shares its page with others.
    if (embedded === null) {
      window.chouchaOverlay = this.diagnostics;
      window.chouchaServerNow = () => this.clock.now();
    }
  }

  /**
   * What this output shows, layer by layer in LAYERS order (bottom to top): the program, or on a
   * preview output the cued graphics. A graphic taken with an auto-out time is left out from its
   * time on (`expiredAt` ticks then), so the output clears it on the frame the server says.
   */
  get layers(): ShownGraphic[] {
    const snapshot = this.snapshot;
    if (!snapshot || !this.playing) return [];
    void this.expiryTick; // read again when an auto-out time passes
    const now = this.clock.now();
    return LAYERS.flatMap((layer) => {
      const air = snapshot.air.layers[layer];
      const cue = this.preview ? air.preview : air.program;
      if (!cue) return [];
      const outAt = 'outAt' in cue ? cue.outAt : null;
      if (outAt !== null && outAt <= now) return [];
      const round = cue.round === null ? null : (snapshot.rounds[cue.round] ?? null);
      return [{ layer, graphic: cue.graphic, round, text: cue.text, outAt }];
    });
  }

  /** The main card, or the top graphic when there is none (the stage's `data-graphic`, for tests). */
  get cue(): ShownGraphic | null {
    const shown = this.layers.filter((g) => g.layer !== 'bug');
    return shown.find((g) => g.layer === 'main') ?? shown.at(-1) ?? null;
  }

  /**
   * The show-log entry that last put a graphic on air (seq and short hash), drawn on it so a
   * recording can be checked against the bundle; a preview output shows graphics not yet on air.
   */
  get logStamp(): { seq: number; short: string } | null {
    // The test card is the line-up before the show: nothing of the show's record belongs on it.
    if (this.preview || !this.cue || this.layers.some((g) => g.graphic === 'testcard')) return null;
    return this.snapshot?.air.programLog ?? null;
  }

  /** A channel whose installation follows no event yet: a calm standby (blank on program). */
  get standby(): boolean {
    return this.channel !== null && this.channel.eventId === null;
  }

  /** A rehearsal stays marked 演练 on air even while the bug (which says it too) is off. */
  get rehearsalMark(): boolean {
    return (
      Boolean(this.snapshot?.rehearsal) &&
      this.playing &&
      this.cue !== null &&
      !this.layers.some((shown) => shown.layer === 'bug')
    );
  }

  /** An output of one event, by the event's own link (`?event=&key=`). */
  connect(eventId: string, key: string): void {
    this.open({
      eventId,
      role: 'overlay',
      key,
      label: (this.label || (this.preview ? '预览输出' : '节目输出')).slice(0, 64),
    });
  }

  /** A channel's output, by its permanent link (`?channel=&key=`): the server says what to show. */
  connectChannel(channel: string, key: string): void {
    this.open({ channel, role: 'overlay', key });
  }

  private open(auth: SocketAuth): void {
    this.disconnect();
    this.connection = 'connecting';
    const options = { auth, transports: ['websocket'], ...ON_AIR_RECONNECTION };
    const socket: OverlaySocket = this.embedded ? io(this.embedded.server, options) : io(options);
    this.socket = socket;
    socket.on('connect', () => {
      this.connection = 'connected';
      this.error = '';
      // A fresh connection starts from a full snapshot drawn as it stands, never replayed.
      this.watching = false;
      void this.syncClock(8);
      this.syncTimer ??= setInterval(() => void this.syncClock(1), 30_000);
      this.reportStats();
    });
    socket.on('disconnect', () => {
      this.connection = 'offline';
      this.watching = false;
    });
    socket.on('connect_error', (error) => {
      const body = (error as { data?: ErrorBody }).data;
      if (body?.error?.code === 'SOCKET_RATE_LIMITED') {
        // Too many connections from this address just now: not a wrong key, so try again shortly.
        this.connection = 'offline';
        setTimeout(() => this.socket === socket && socket.connect(), REFUSED_RETRY_MS);
      } else if (body?.error?.code) {
        this.connection = 'refused';
        this.error = body.error.message;
        socket.disconnect();
      } else this.connection = 'offline';
    });
    socket.on('show:snapshot', (snapshot) => this.receive(snapshot));
    socket.on('channel:notice', (notice) => this.follow(notice));
    // The channel's key was replaced (or the channel removed): this link opens nothing any more.
    socket.on('auth:revoked', ({ reason }) => {
      this.connection = 'refused';
      this.error = REVOCATION_REASON_LABEL[reason];
      this.snapshot = null;
    });
    socket.on('presence:ping', (ack) => ack());
    socket.on('entropy:typing', ({ digits }) => (this.typed = digits));
    socket.on('output:reload', () => (this.embedded ? this.embedded.reload() : location.reload()));
  }

  disconnect(): void {
    this.socket?.removeAllListeners();
    this.socket?.disconnect();
    this.socket = null;
    if (this.syncTimer) clearInterval(this.syncTimer);
    this.syncTimer = null;
  }

  /**
   * The channel's settings and the event it now follows. A switch to another event is drawn as
   * found (no entrances replayed); nothing followed clears the output to its standby.
   */
  private follow(notice: ChannelNotice): void {
    if (notice.eventId !== this.channel?.eventId) this.watching = false;
    this.channel = notice;
    this.preview = notice.kind === 'preview';
    this.bg = notice.background === 'green' ? 'green' : '';
    this.label = notice.name;
    if (notice.eventId === null) {
      this.pending = null;
      this.snapshot = null;
    }
  }

  /**
   * Counts frames with requestAnimationFrame and reports, every 3 s, the frame this output renders
   * (CSS size × device pixel ratio), the rate it measured and what it draws, for the monitor.
   */
  private reportStats(): void {
    if (this.statsTimer !== null) {
      this.sendStats();
      return;
    }
    const count = () => {
      this.frames += 1;
      requestAnimationFrame(count);
    };
    requestAnimationFrame(count);
    this.framesSince = performance.now();
    this.statsTimer = setInterval(() => this.sendStats(), 3000);
    // A first report soon after connecting, once a few frames have been counted.
    setTimeout(() => this.sendStats(), 1000);
  }

  private sendStats(): void {
    const now = performance.now();
    const elapsed = (now - this.framesSince) / 1000;
    const fps = elapsed > 0 ? Math.round((this.frames / elapsed) * 10) / 10 : 0;
    this.frames = 0;
    this.framesSince = now;
    const ratio = window.devicePixelRatio || 1;
    const stats: OutputStats = {
      width: Math.min(16384, Math.round(window.innerWidth * ratio)),
      height: Math.min(16384, Math.round(window.innerHeight * ratio)),
      pixelRatio: Math.round(ratio * 100) / 100,
      fps: Math.min(1000, fps),
      revision: this.snapshot?.revision ?? -1,
      graphics: this.layers.map((shown) => shown.graphic),
    };
    this.diagnostics.stats = stats;
    if (this.socket?.connected) this.socket.emit('output:stats', stats);
  }

  private async syncClock(samples: number): Promise<void> {
    for (let i = 0; i < samples; i += 1) {
      if (i > 0) await new Promise((resolve) => setTimeout(resolve, 40));
      const socket = this.socket;
      if (!socket?.connected) return;
      const t0 = ServerClock.local();
      try {
        const serverTime = await socket.timeout(2000).emitWithAck('clock:sync');
        // A refused sample (SOCKET_RATE_LIMITED) ends this burst: the next one comes in 30 s.
        if (typeof serverTime !== 'number') return;
        this.clock.sample(t0, serverTime, ServerClock.local());
      } catch {
        return;
      }
    }
  }

  private receive(snapshot: ShowSnapshot): void {
    this.clock.roughly(snapshot.serverTime);
    // A channel that left an event ignores that event's late snapshots.
    if (this.channel && snapshot.eventId !== this.channel.eventId) return;
    if (this.snapshot && snapshot.revision < this.snapshot.revision && snapshot.eventId === this.snapshot.eventId) {
      return; // an older state arriving late
    }
    // Another event (the operator switched): drawn as found, like a reload; its revisions start anew.
    if (this.snapshot && snapshot.eventId !== this.snapshot.eventId) this.watching = false;
    this.pending = snapshot;
    if (!this.applying) void this.applyPending();
  }

  /**
   * Makes a change that is drawn in its final state at once, with no entrance animation (as a
   * reload does): CasparCG's play(), an OGraf play or update with skipAnimation.
   */
  async atOnce(change: () => void): Promise<void> {
    this.animate = false;
    change();
    await tick();
    this.animate = this.watching;
  }

  /** Applies the newest snapshot once the font has the glyphs it needs; older queued ones are skipped. */
  private async applyPending(): Promise<void> {
    this.applying = true;
    try {
      while (this.pending) {
        const snapshot = this.pending;
        this.pending = null;
        // The output's own name is drawn too (the test card): its glyphs are loaded with the rest.
        const text = textOf(snapshot) + this.label;
        await Promise.all([
          document.fonts.load("400 32px 'Noto Sans SC'", text),
          document.fonts.load("700 32px 'Noto Sans SC'", text),
        ]).catch(() => undefined);
        // The channel moved on (another event, or standby) while the glyphs loaded.
        if (this.channel && snapshot.eventId !== this.channel.eventId) continue;
        // Another event than the one drawn (a switch) is drawn as found, never replayed.
        this.animate = this.watching && snapshot.eventId === this.snapshot?.eventId;
        this.snapshot = snapshot;
        this.scheduleExpiry();
        this.diagnostics.applied += 1;
        await tick();
        if (this.diagnostics.readyAt === null) this.diagnostics.readyAt = performance.now();
        this.watching = true;
        this.animate = true;
      }
    } finally {
      this.applying = false;
    }
  }

  /** Wakes when the next auto-out graphic's time comes (in server time), so it leaves on time. */
  private scheduleExpiry(): void {
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    this.expiryTimer = null;
    const now = this.clock.now();
    const times = LAYERS.map((layer) => this.snapshot?.air.layers[layer].program?.outAt ?? null).filter(
      (outAt): outAt is number => outAt !== null && outAt > now,
    );
    if (times.length === 0) return;
    this.expiryTimer = setTimeout(
      () => {
        this.expiryTick += 1;
        this.scheduleExpiry();
      },
      Math.min(...times) - now,
    );
  }

  /** CasparCG's template interface (also usable by any controller that calls these globals). */
  installTemplateApi(connectWith: (data: TemplateData) => void): void {
    const api = window as unknown as TemplateApi;
    // What is on air when play() comes is drawn at once, as on a reload.
    api.play = () => void this.atOnce(() => (this.playing = true));
    api.stop = () => {
      this.playing = false;
    };
    // The show's steps come from the server; next() finishes any running entrance at once.
    api.next = () => {
      for (const animation of document.getAnimations()) {
        // The live marker's blink repeats forever and cannot be finished.
        if (animation.effect?.getComputedTiming().iterations !== Infinity) animation.finish();
      }
    };
    api.update = (data: unknown) => {
      const parsed = parseTemplateData(data);
      if (parsed.bg !== undefined) this.bg = parsed.bg;
      if (parsed.label !== undefined) this.label = parsed.label;
      connectWith(parsed);
    };
  }
}
