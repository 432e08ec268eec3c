import { tick } from 'svelte';
import {
  OGRAF_STATUS,
  OGRAF_STEP_COUNT,
  ografCredentials,
  ografLabel,
  ografShowsRound,
  parseOgrafData,
  type OgrafData,
  type OgrafGraphic,
} from '$protocol/ograf';
import type { RoundView } from '$protocol/show';
import { OverlayState } from '../lib/overlay-state.svelte';
import { targetStep } from './steps';

/** What every OGraf method answers (the spec's ReturnPayload). */
export interface ReturnPayload {
  statusCode: number;
  statusMessage?: string;
}
export type PlayReturnPayload = ReturnPayload & { currentStep: number | undefined };

/** How long load() and sync wait for the first state before answering (the graphic keeps trying). */
const FIRST_STATE_MS = 10_000;

const ok = (statusMessage?: string): ReturnPayload =>
  statusMessage === undefined ? { statusCode: 200 } : { statusCode: 200, statusMessage };

/**
 * One OGraf graphic's state: what the controller asked for (data, on or off) and the output's live
 * state from the server (an OverlayState, as the overlay page has). The controller decides when
 * the graphic is on; choucha decides what it shows.
 */
export class OgrafController {
  data = $state<OgrafData>({});
  /** On air (between playAction and stopAction). */
  shown = $state(false);
  /** The stop in progress skips its fade (stopAction with skipAnimation). */
  instantOut = $state(false);
  /** The output's connection and state; a new one when the server or the credentials change. */
  ov: OverlayState;
  readonly graphic: OgrafGraphic;
  /** The origin the module was loaded from: the server when the data names none. */
  private readonly moduleOrigin: string;
  private readonly root: ShadowRoot;
  /** Loads the shipped font from a server before its first state is drawn. */
  private readonly loadFonts: (server: string) => Promise<unknown>;
  private step: number | undefined = undefined;
  private connectedTo = '';

  constructor(
    graphic: OgrafGraphic,
    moduleOrigin: string,
    root: ShadowRoot,
    loadFonts: (server: string) => Promise<unknown>,
  ) {
    this.graphic = graphic;
    this.moduleOrigin = moduleOrigin;
    this.root = root;
    this.loadFonts = loadFonts;
    this.ov = $state(this.newOutput());
  }

  get server(): string {
    return this.data.server || this.moduleOrigin;
  }

  /** The round shown: the one the data pins (1-based), else the latest. */
  get round(): RoundView | null {
    const rounds = this.ov.snapshot?.rounds ?? [];
    const pinned = this.data.round ?? 0;
    return (pinned > 0 ? rounds[pinned - 1] : rounds.at(-1)) ?? null;
  }

  /** Whether there is anything to draw yet. */
  get ready(): boolean {
    return this.ov.snapshot !== null && (!ografShowsRound(this.graphic.content) || this.round !== null);
  }

  async load(data: unknown): Promise<ReturnPayload> {
    const parsed = parseOgrafData(data, this.graphic.content);
    if (!parsed.ok) return { statusCode: 400, statusMessage: parsed.message };
    this.data = parsed.data;
    return this.connect();
  }

  async update(data: unknown, skipAnimation: boolean): Promise<ReturnPayload> {
    const parsed = parseOgrafData(data, this.graphic.content);
    if (!parsed.ok) return { statusCode: 400, statusMessage: parsed.message };
    const next = { ...this.data, ...parsed.data };
    const apply = () => (this.data = next);
    if (skipAnimation) await this.ov.atOnce(apply);
    else apply();
    return this.connect();
  }

  async play(goto: number | undefined, delta: number | undefined, skipAnimation: boolean): Promise<PlayReturnPayload> {
    const target = targetStep(this.step, OGRAF_STEP_COUNT, goto, delta);
    if (target === 'invalid')
      return { statusCode: 400, statusMessage: OGRAF_STATUS.noSuchStep, currentStep: this.step };
    if (target === undefined) return { ...(await this.stop(skipAnimation)), currentStep: undefined };
    this.step = target;
    const show = () => {
      this.instantOut = false;
      this.shown = true;
    };
    if (skipAnimation) await this.ov.atOnce(show);
    else {
      show();
      await this.settled();
    }
    return { ...ok(this.ready ? undefined : this.waitingFor()), currentStep: this.step };
  }

  async stop(skipAnimation: boolean): Promise<ReturnPayload> {
    this.step = undefined;
    this.instantOut = skipAnimation;
    this.shown = false;
    await tick();
    if (!skipAnimation) await this.settled();
    return ok();
  }

  async custom(id: string): Promise<ReturnPayload> {
    if (id !== 'sync') return { statusCode: 404, statusMessage: `${OGRAF_STATUS.noSuchAction}: ${id}` };
    this.connectedTo = '';
    return this.connect();
  }

  dispose(): void {
    this.ov.disconnect();
  }

  private newOutput(): OverlayState {
    // How the desk's 输出与评委席 lists this output.
    const label = `OGraf · ${ografLabel(this.graphic.content)}`;
    const params = { get: (name: string) => (name === 'label' ? label : null) };
    return new OverlayState(params, false, {
      server: this.server,
      // The desk's "reload this output": start again from a fresh connection and snapshot.
      reload: () => void this.custom('sync'),
    });
  }

  /** Connects when the server or the credentials changed (or a sync asks), and waits for the first state. */
  private async connect(): Promise<ReturnPayload> {
    const credentials = ografCredentials(this.data);
    if (credentials === null) {
      this.ov.disconnect();
      this.connectedTo = '';
      return ok(OGRAF_STATUS.noCredentials);
    }
    const target = `${this.server} ${credentials.eventId} ${credentials.key}`;
    if (target === this.connectedTo) return ok();
    this.connectedTo = target;
    await this.loadFonts(this.server);
    this.ov.disconnect();
    this.ov = this.newOutput();
    this.ov.connect(credentials.eventId, credentials.key);
    const reached = await until(() => this.ov.snapshot !== null || this.ov.connection === 'refused', FIRST_STATE_MS);
    if (this.ov.connection === 'refused')
      return { statusCode: 403, statusMessage: this.ov.error || OGRAF_STATUS.refused };
    return ok(reached ? undefined : `${OGRAF_STATUS.notReached}: ${this.server}`);
  }

  private waitingFor(): string {
    return this.ov.snapshot === null ? OGRAF_STATUS.waitingForState : OGRAF_STATUS.waitingForRound;
  }

  /**
   * Resolves when the entrances and exits under way in this graphic have finished and Svelte has
   * acted on their end (a stopped graphic is gone from the page). Bounded: never longer than 3 s.
   */
  private async settled(): Promise<void> {
    await tick();
    const deadline = performance.now() + 3000;
    while (performance.now() < deadline) {
      const running = this.root
        .getAnimations()
        .filter(
          (animation) =>
            animation.playState !== 'finished' && animation.effect?.getComputedTiming().iterations !== Infinity,
        );
      const leaving = !this.shown && this.root.querySelector('[data-testid="graphic"]') !== null;
      if (running.length === 0 && !leaving) return;
      await Promise.allSettled(running.map((animation) => animation.finished));
      // Svelte ends a transition in the animation's finish event, which comes after the promise.
      await nextFrame();
    }
  }
}

const nextFrame = () => new Promise((resolve) => requestAnimationFrame(resolve));

/** Resolves true when `condition` holds (checked as the state it reads changes), false after `ms`. */
function until(condition: () => boolean, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    let stop = () => {};
    const timer = setTimeout(() => {
      stop();
      resolve(false);
    }, ms);
    stop = $effect.root(() => {
      $effect(() => {
        if (!condition()) return;
        clearTimeout(timer);
        queueMicrotask(() => stop());
        resolve(true);
      });
    });
  });
}
