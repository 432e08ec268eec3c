import type { Db } from '../store/db';
import type { Clock, RandomBytes } from '../runtime';
import { AppError } from '../errors';
import { storeFailure } from '../store/store-errors';
import type { ErrorCode } from '../protocol/errors';
import type { ShowRunner } from '../live/show-runner';
import type { FollowService } from '../channels/follow-service';
import { FailureLimiter } from '../auth/failure-limiter';
import { TokenBucket, type Rate } from '../live/socket-limits';
import { COMMAND_LABEL, HELD_COMMANDS, rolesFor, type ShowCommandBody } from '../protocol/show-commands';
import type { MainStep } from '../protocol/outlook';
import type { ShowSnapshot } from '../protocol/show-views';
import {
  ARM_WINDOW_MS,
  NEXT_GUARD_MS,
  CONTROL_TOKEN_PATTERN,
  type ControlAction,
  type ControlBug,
  type ControlCue,
  type ControlDone,
  type ControlExtend,
  type ControlOut,
  type ControlTake,
  type ControlState,
  type ControlStep,
  type ControlTokenView,
} from '../protocol/control';
import { ControlTokens, type ControlToken } from './control-tokens';
import { controlState, idleState, type Arm } from './control-state';

/** The limits of the control API: per token (commands and reads apart), and wrong tokens per address. */
export interface ControlLimits {
  commands: Rate;
  reads: Rate;
  failures: { maxFailures: number; windowMs: number; maxKeys: number };
}

/**
 * A person pressing buttons sends a few commands a second at most; Companion polls the state a few
 * times a second. Ten wrong tokens a minute from one address stop it for the rest of the minute.
 */
export const CONTROL_LIMITS: ControlLimits = {
  commands: { burst: 10, perSecond: 5 },
  reads: { burst: 30, perSecond: 10 },
  failures: { maxFailures: 10, windowMs: 60_000, maxKeys: 10_000 },
};

/** Reads: not logged when they succeed (Companion polls them), only their refusals are. */
const READS: ReadonlySet<ControlAction> = new Set<ControlAction>(['state', 'vmix', 'websocket']);
const TOKEN_SHAPE = new RegExp(CONTROL_TOKEN_PATTERN, 'u');
/** How often a polling token's `last_used_at` is written at most. */
const TOUCH_EVERY_MS = 10_000;

/** The body a main step is sent with: none but the notary's two, which a control surface never sends. */
function stepCommand(step: MainStep): ShowCommandBody | null {
  switch (step) {
    case 'lockEntropy':
    case 'revealNotary':
      return null;
    default:
      return { type: step };
  }
}

/**
 * The control API's service: authenticates tokens (constant-time, rate-limited, wrong ones limited
 * per address), runs each call as a show command on the event the outputs follow, through the same
 * `ShowRunner.command` as the desk (so the state machine checks it, the hash-chained show log
 * records it with the token's name, and every output gets the broadcast), keeps each token's armed
 * step, and logs every command call.
 *
 * A control surface does not know the show's revision: commands are sent at the current one. That
 * is safe because the state machine still checks each against the current state (a take with
 * nothing cued, a pause with no timer running, a step that is not open are refused), and the only
 * steps whose meaning depends on what the sender saw, the held ones, are armed first and confirmed
 * at the revision they were armed at: anything that happened in between makes the confirm stale.
 */
export class ControlService {
  readonly tokens: ControlTokens;
  private readonly arms = new Map<number, Arm & { eventId: string }>();
  /** Per token and event: when its last `next` ran a step (NEXT_GUARD_MS). */
  private readonly lastNext = new Map<string, number>();
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly failures: FailureLimiter;
  private readonly touched = new Map<number, number>();
  private readonly listeners = new Set<() => void>();
  private readonly revokeListeners = new Set<(tokenId: number) => void>();

  constructor(
    db: Db,
    private readonly shows: ShowRunner,
    private readonly follow: FollowService,
    private readonly clock: Clock,
    private readonly random: RandomBytes,
    private readonly limits: ControlLimits = CONTROL_LIMITS,
  ) {
    this.tokens = new ControlTokens(db, clock, random);
    this.failures = new FailureLimiter(limits.failures);
    shows.onChange((eventId) => {
      if (eventId === this.follow.eventId()) this.notify();
    });
    follow.onChange(() => {
      this.arms.clear();
      this.notify();
    });
  }

  /** Called when any control surface's state may have changed (the websocket pushes). */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Called when a token is revoked (the websocket closes its connections). */
  onRevoke(listener: (tokenId: number) => void): () => void {
    this.revokeListeners.add(listener);
    return () => this.revokeListeners.delete(listener);
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }

  revoke(id: number, actor: string): ControlTokenView {
    const view = this.tokens.revoke(id, actor);
    this.arms.delete(id);
    for (const listener of this.revokeListeners) listener(id);
    return view;
  }

  /**
   * The token a call presents, or a refusal: CONTROL_TOKEN_INVALID (401) for a missing, wrong or
   * revoked one, logged; an address that sent too many wrong ones within the window gets
   * CONTROL_RATE_LIMITED for its further wrong ones, not logged (that would let anyone fill the
   * disk). A right token is never held up by the wrong ones of its address (a forgotten button with
   * an old token must not lock the surface out). A token over its own rate gets CONTROL_RATE_LIMITED.
   */
  authenticate(presented: string | undefined, address: string, action: ControlAction): ControlToken {
    const now = performance.now();
    const token = presented !== undefined && TOKEN_SHAPE.test(presented) ? this.tokens.match(presented) : null;
    if (token === null || token.revoked) {
      if (this.failures.blocked([address], now)) throw new AppError('CONTROL_RATE_LIMITED');
      this.failures.fail([address], now);
      const refusal = new AppError('CONTROL_TOKEN_INVALID');
      this.tokens.logCall(token, action, refusal.code, token?.revoked ? '令牌已撤销' : refusal.message);
      throw refusal;
    }
    const kind = READS.has(action) ? 'reads' : 'commands';
    const key = `${token.id}:${kind}`;
    const bucket = this.buckets.get(key) ?? new TokenBucket(this.limits[kind], now);
    this.buckets.set(key, bucket);
    if (!bucket.take(now)) {
      const refusal = new AppError('CONTROL_RATE_LIMITED');
      this.tokens.logCall(token, action, refusal.code, refusal.message);
      throw refusal;
    }
    if (READS.has(action)) this.touch(token.id);
    return token;
  }

  /** A read's use is noted on the token (at most every ten seconds: Companion polls). */
  private touch(id: number): void {
    const now = performance.now();
    if (now - (this.touched.get(id) ?? -Infinity) < TOUCH_EVERY_MS) return;
    this.touched.set(id, now);
    this.tokens.touch(id);
  }

  /** Server time in ms. */
  now(): number {
    return this.clock().getTime();
  }

  /** The state a token's surface shows: the followed event's, with this token's armed step. */
  state(token: ControlToken): ControlState {
    const at = this.clock().getTime();
    const eventId = this.follow.eventId();
    if (eventId === null) return idleState(at);
    return controlState(this.shows.snapshot(eventId, 'staff'), at, this.armOf(token, eventId));
  }

  /** The followed event's overlay snapshot (masked as on air), for the vMix data source. */
  onAir(): ShowSnapshot | null {
    const eventId = this.follow.eventId();
    return eventId === null ? null : this.shows.snapshot(eventId, 'overlay');
  }

  private armOf(token: ControlToken, eventId: string): Arm | null {
    const arm = this.arms.get(token.id);
    return arm !== undefined && arm.eventId === eventId ? arm : null;
  }

  cue(token: ControlToken, body: ControlCue): ControlDone {
    return this.call(token, 'cue', (eventId, snapshot) => {
      const round =
        body.round !== undefined
          ? body.round
          : (snapshot.outlook?.cues.find((cue) => cue.graphic === body.graphic)?.round ?? null);
      const { text, autoOutSeconds } = body;
      return this.send(token, eventId, {
        type: 'cue',
        graphic: body.graphic,
        round,
        ...(text === undefined ? {} : { text }),
        ...(autoOutSeconds === undefined ? {} : { autoOutSeconds }),
      });
    });
  }

  /** One layer's cued graphic to air, or every cued layer's (what it overlaps goes off, as on the desk). */
  take(token: ControlToken, body: ControlTake): ControlDone {
    return this.call(token, 'take', (eventId) =>
      this.send(token, eventId, body.layer === undefined ? { type: 'take' } : { type: 'take', layer: body.layer }),
    );
  }

  out(token: ControlToken, body: ControlOut): ControlDone {
    return this.call(token, 'out', (eventId) => this.send(token, eventId, { type: 'out', layer: body.layer }));
  }

  /** Every layer off air at once, remembered for restore. */
  panic(token: ControlToken): ControlDone {
    return this.call(token, 'panic', (eventId) => this.send(token, eventId, { type: 'clearAll' }));
  }

  /** Exactly what the panic cleared comes back. */
  restore(token: ControlToken): ControlDone {
    return this.call(token, 'restore', (eventId) => this.send(token, eventId, { type: 'restore' }));
  }

  bug(token: ControlToken, body: ControlBug): ControlDone {
    return this.call(token, 'bug', (eventId, snapshot) =>
      this.send(token, eventId, { type: 'setBug', visible: body.visible ?? snapshot.air.layers.bug.program === null }),
    );
  }

  pauseTimer(token: ControlToken): ControlDone {
    return this.call(token, 'timer-pause', (eventId) => this.send(token, eventId, { type: 'pauseReport' }));
  }

  resumeTimer(token: ControlToken): ControlDone {
    return this.call(token, 'timer-resume', (eventId) => this.send(token, eventId, { type: 'resumeReport' }));
  }

  extendTimer(token: ControlToken, body: ControlExtend): ControlDone {
    return this.call(token, 'timer-extend', (eventId) =>
      this.send(token, eventId, { type: 'extendReport', seconds: body.seconds }),
    );
  }

  /** The run-of-show's next step, when it can be undone; a held step must be armed and confirmed. */
  next(token: ControlToken): ControlDone {
    return this.call(token, 'next', (eventId, snapshot) => {
      const { step, command } = this.nextStep(snapshot);
      if (HELD_COMMANDS.has(step)) {
        throw new AppError('CONTROL_NOT_ARMED', {
          message: `「${snapshot.outlook?.main?.label ?? step}」不可撤销（或对本轮记录是最终的），须先“预备”再在 ${ARM_WINDOW_MS / 1000} 秒内“确认”；本次未执行`,
        });
      }
      // Only a step that would run is held back: refusals above change nothing and say why.
      const now = this.clock().getTime();
      const key = `${token.id} ${eventId}`;
      const last = this.lastNext.get(key);
      if (last !== undefined && now - last < NEXT_GUARD_MS) throw new AppError('CONTROL_TOO_SOON');
      const revision = this.send(token, eventId, command);
      this.lastNext.set(key, now);
      return revision;
    });
  }

  /** Arms the next step, when it is a held one: a confirm from the same token within the window sends it. */
  arm(token: ControlToken, body: ControlStep): ControlDone {
    return this.call(token, 'arm', (eventId, snapshot) => {
      const { step } = this.nextStep(snapshot);
      if (body.step !== undefined && body.step !== step) {
        throw new AppError('CONTROL_STEP_NOT_NEXT', {
          message: `「${COMMAND_LABEL[body.step]}」不是当前的下一步（下一步是「${snapshot.outlook?.main?.label ?? COMMAND_LABEL[step]}」），未预备`,
        });
      }
      if (!HELD_COMMANDS.has(step)) throw new AppError('CONTROL_STEP_NOT_HELD');
      this.arms.set(token.id, {
        step,
        revision: snapshot.revision,
        until: this.clock().getTime() + ARM_WINDOW_MS,
        eventId,
      });
      this.notify();
      return snapshot.revision;
    });
  }

  /** Sends the armed step, at the revision it was armed at, if the window has not passed. */
  confirm(token: ControlToken, body: ControlStep): ControlDone {
    return this.call(token, 'confirm', (eventId) => {
      const arm = this.armOf(token, eventId);
      this.arms.delete(token.id);
      if (arm === null) throw new AppError('CONTROL_NOT_ARMED');
      if (arm.until <= this.clock().getTime()) {
        this.notify();
        throw new AppError('CONTROL_NOT_ARMED', {
          message: `预备已超过 ${ARM_WINDOW_MS / 1000} 秒，已失效；不可撤销的步骤须先“预备”再在 ${ARM_WINDOW_MS / 1000} 秒内“确认”，本次未执行`,
        });
      }
      if (body.step !== undefined && body.step !== arm.step) {
        this.notify();
        throw new AppError('CONTROL_NOT_ARMED', { message: `预备的不是「${body.step}」，本次未执行；请重新预备` });
      }
      const command = stepCommand(arm.step);
      if (command === null) throw new AppError('CONTROL_SUPERVISOR_STEP');
      return this.send(token, eventId, command, arm.revision);
    });
  }

  /** The next step and its command, or why a control surface cannot take it. */
  private nextStep(snapshot: ShowSnapshot): { step: MainStep; command: ShowCommandBody } {
    const main = snapshot.outlook?.main ?? null;
    if (main === null) throw new AppError('SHOW_CLOSED');
    const command = stepCommand(main.command);
    if (command === null || main.by !== 'operator' || !rolesFor(main.command).includes('operator')) {
      throw new AppError('CONTROL_SUPERVISOR_STEP');
    }
    // The desk shows the button disabled with these reasons; a control surface is refused with them.
    if (main.blocked !== null) throw new AppError('SHOW_WRONG_STEP', { message: main.blocked });
    if (main.notBefore !== null && this.clock().getTime() < main.notBefore.at) {
      throw new AppError('SHOW_WRONG_STEP', { message: `${main.notBefore.reason}，请稍候再按` });
    }
    return { step: main.command, command };
  }

  /** Runs one call on the followed event and logs it, carried out or refused. */
  private call(
    token: ControlToken,
    action: ControlAction,
    run: (eventId: string, snapshot: ShowSnapshot) => number,
  ): ControlDone {
    try {
      const eventId = this.follow.eventId();
      if (eventId === null) throw new AppError('CONTROL_NO_EVENT');
      const revision = run(eventId, this.shows.snapshot(eventId, 'staff'));
      this.tokens.logCall(token, action, 'ok');
      return { ok: true, revision, state: this.state(token) };
    } catch (error) {
      // A storage failure is logged by the code the error handler will answer with (STORE_BUSY …).
      const refusal = error instanceof AppError ? error : storeFailure(error);
      try {
        this.tokens.logCall(token, action, refusal?.code ?? 'INTERNAL', refusal?.message ?? '');
      } catch {
        // The log could not be written either (the disk, the database): the call's own error says why.
      }
      throw error;
    }
  }

  /** One show command from this token, as the desk sends it; a refusal becomes the one error shape. */
  private send(token: ControlToken, eventId: string, command: ShowCommandBody, revision?: number): number {
    const envelope = {
      revision: revision ?? this.shows.revision(eventId),
      idempotencyKey: `control-${this.random(12).toString('base64url')}`,
      command,
    };
    const ack = this.shows.command(eventId, envelope, `控制面板「${token.name}」`, 'operator');
    if (!ack.ok) {
      // Never the refusal's staff snapshot: a control surface gets the code and the message.
      const code: ErrorCode = ack.error.code;
      throw new AppError(code, { message: ack.error.message, details: ack.error.details });
    }
    return ack.revision;
  }
}
