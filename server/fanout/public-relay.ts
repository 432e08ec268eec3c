import { Server } from 'socket.io';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import {
  FANOUT_HEARTBEAT_MS,
  FANOUT_MESSAGES,
  FANOUT_STALE_MS,
  FanoutHealthSchema,
  PublicWantSchema,
  type FanoutHealth,
  type FanoutStatus,
  type PublicFrame,
  type PublicHeads,
  type RedisState,
} from '../protocol/fanout';
import type { EntropyTyping, ShowSnapshot } from '../protocol/show';
import { AppError } from '../errors';
import type { RedisLink } from './redis-link';

const checkHealth = TypeCompiler.Compile(FanoutHealthSchema);
const checkWant = TypeCompiler.Compile(PublicWantSchema);

/** The socket.io adapter's names on Redis, shared by the primary and every fan-out. */
export const ADAPTER_OPTIONS = { streamName: 'choucha:socket.io', channelPrefix: 'choucha:socket.io' };

/** What the relay asks the show for: an event's public snapshot now (throws AppError when it cannot be watched). */
export interface PublicSource {
  snapshot(eventId: string): ShowSnapshot;
  /** The show clock (the countdowns' time), which fan-outs answer clock:sync with. */
  showNow(): number;
}

interface ServerSideEvents {
  [FANOUT_MESSAGES.frame]: (frame: PublicFrame) => void;
  [FANOUT_MESSAGES.heads]: (heads: PublicHeads) => void;
  [FANOUT_MESSAGES.want]: (want: unknown) => void;
  [FANOUT_MESSAGES.health]: (health: unknown) => void;
}

/**
 * The primary's end of public fan-out: a socket.io node with no sockets of its own on the Redis
 * Streams adapter. It publishes each public frame once, answers the fan-outs' requests for the
 * current frames, and collects their health (viewers and lag) for the desks. Nothing here is
 * awaited by the show: when Redis is away, frames wait in the client's queue and fan-outs resync
 * from the heads once it is back.
 */
export class PublicRelay {
  private readonly io: Server<Record<string, never>, Record<string, never>, ServerSideEvents>;
  /** Every event published or asked for, with the revision last published. */
  private readonly heads = new Map<string, number>();
  private readonly fanouts = new Map<string, FanoutHealth & { heardAt: number }>();
  private readonly heartbeat: ReturnType<typeof setInterval>;
  private readonly listeners = new Set<() => void>();
  private readonly stopState: () => void;
  /** The fan-outs shown lost at the last heartbeat, to tell the desks when one falls silent. */
  private lost = '';

  constructor(
    private readonly link: RedisLink,
    private readonly source: PublicSource,
    private readonly wallClock: () => number = Date.now,
  ) {
    this.io = new Server({ adapter: createAdapter(link.client, ADAPTER_OPTIONS) });
    this.io.on(FANOUT_MESSAGES.want, (want) => {
      if (!checkWant.Check(want)) return;
      for (const eventId of want.eventIds) this.publish(eventId);
    });
    this.io.on(FANOUT_MESSAGES.health, (health) => {
      if (!checkHealth.Check(health)) return;
      this.fanouts.set(health.fanoutId, { ...health, heardAt: this.wallClock() });
      this.changed();
    });
    this.heartbeat = setInterval(() => {
      this.sendHeads();
      this.noticeLost();
      this.forgetLost();
    }, FANOUT_HEARTBEAT_MS);
    this.heartbeat.unref();
    // Back after an outage: the fan-outs hear the heads at once and ask for what they missed.
    this.stopState = link.onState((state) => {
      if (state === 'up') this.sendHeads();
      this.changed();
    });
  }

  /** Publishes the event's current public frame to every fan-out. */
  publish(eventId: string): void {
    this.io.serverSideEmit(FANOUT_MESSAGES.frame, this.frame(eventId));
  }

  private frame(eventId: string): PublicFrame {
    const sentAt = this.wallClock();
    try {
      const snapshot = this.source.snapshot(eventId);
      this.heads.set(eventId, snapshot.revision);
      return { kind: 'snapshot', eventId, revision: snapshot.revision, snapshot, sentAt };
    } catch (error) {
      // A fan-out asked for an event nobody may watch (unknown, a draft): its viewers hear why.
      if (!(error instanceof AppError)) throw error;
      return { kind: 'refused', eventId, code: error.code, message: error.message, sentAt };
    }
  }

  /** The notary's digits as typed: only to viewers of the event (never stored). */
  typing(eventId: string, typing: EntropyTyping): void {
    this.io.serverSideEmit(FANOUT_MESSAGES.frame, { kind: 'typing', eventId, typing, sentAt: this.wallClock() });
  }

  /** Public viewers of an event over every fan-out heard from lately. */
  viewers(eventId: string): number {
    let total = 0;
    for (const fanout of this.live()) total += fanout.viewers[eventId] ?? 0;
    return total;
  }

  /** The desk's view of public viewing for one event. */
  status(eventId: string): FanoutStatus {
    const now = this.wallClock();
    return {
      mode: 'fanout',
      redis: this.link.state(),
      processes: [...this.fanouts.values()]
        .sort((a, b) => a.fanoutId.localeCompare(b.fanoutId))
        .map((fanout) => ({
          fanoutId: fanout.fanoutId,
          pid: fanout.pid,
          state: now - fanout.heardAt > FANOUT_STALE_MS ? ('lost' as const) : ('up' as const),
          viewers: fanout.viewers[eventId] ?? 0,
          revision: fanout.revisions[eventId] ?? null,
          lagMs: fanout.lagMs,
          rssBytes: fanout.rssBytes,
        })),
    };
  }

  /** Every fan-out heard from lately, with its viewers over all events (for the start banner and the monitor). */
  processes(): (FanoutHealth & { heardAt: number })[] {
    return this.live();
  }

  /** The primary's connection to Redis now. */
  redisState(): RedisState {
    return this.link.state();
  }

  /** Called after each health report or Redis state change (the desks' monitor follows it). */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    this.stopState();
    this.listeners.clear();
    // Not attached to an HTTP server, so Server.close() does not apply: closing the adapter stops its Redis readers.
    await this.io.of('/').adapter.close();
  }

  private live(): (FanoutHealth & { heardAt: number })[] {
    const now = this.wallClock();
    return [...this.fanouts.values()].filter((fanout) => now - fanout.heardAt <= FANOUT_STALE_MS);
  }

  private sendHeads(): void {
    this.io.serverSideEmit(FANOUT_MESSAGES.heads, {
      heads: Object.fromEntries(this.heads),
      showNow: this.source.showNow(),
      sentAt: this.wallClock(),
    });
  }

  /**
   * A fan-out falls silent (killed, or unheard while Redis is away) without a report to say so: the
   * heartbeat notices it turn lost, so the desks see it then and not at the next report of another.
   */
  private noticeLost(): void {
    const now = this.wallClock();
    const lost = [...this.fanouts.values()]
      .filter((fanout) => now - fanout.heardAt > FANOUT_STALE_MS)
      .map((fanout) => fanout.fanoutId)
      .sort()
      .join(',');
    if (lost === this.lost) return;
    this.lost = lost;
    this.changed();
  }

  /** A fan-out not heard from for a long while (killed, or restarted under a new id) leaves the monitor. */
  private forgetLost(): void {
    const now = this.wallClock();
    let removed = false;
    for (const [id, fanout] of this.fanouts) {
      if (now - fanout.heardAt > 10 * FANOUT_STALE_MS) removed = this.fanouts.delete(id) || removed;
    }
    if (removed) this.changed();
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}
