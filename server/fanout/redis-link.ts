import {
  ClientClosedError,
  ClientOfflineError,
  ConnectionTimeoutError,
  DisconnectsClientError,
  SocketClosedUnexpectedlyError,
  SocketTimeoutError,
  TimeoutError,
  createClient,
} from 'redis';
import type { RedisState } from '../protocol/fanout';

// Retry quickly at first (a restart takes ~100 ms), then every second at most.
const newClient = (url: string) =>
  createClient({ url, socket: { reconnectStrategy: (retries: number) => Math.min(50 + retries * 100, 1000) } });
export type RedisClient = ReturnType<typeof newClient>;

/** A Redis connection that never blocks its process: it reconnects on its own and says when it is up or down. */
export interface RedisLink {
  readonly client: RedisClient;
  state(): RedisState;
  /** Called on every change of state (up after a reconnect, down when the connection is lost). */
  onState(listener: (state: RedisState) => void): () => void;
  close(): Promise<void>;
}

/**
 * Connects to Redis without waiting for it: the show must never wait on public viewing. Commands
 * sent while Redis is away wait in the client's queue (a few frames a minute) and go when it is back.
 */
export function openRedisLink(url: string, log: (message: string) => void = () => undefined): RedisLink {
  const client = newClient(url);
  let state: RedisState = 'down';
  const listeners = new Set<(state: RedisState) => void>();
  const set = (next: RedisState) => {
    if (next === state) return;
    state = next;
    log(next === 'up' ? `Redis 已连接（${url}）` : `Redis 连接中断（${url}），正在重连`);
    for (const listener of listeners) listener(next);
  };
  client.on('ready', () => set('up'));
  client.on('end', () => set('down'));
  client.on('reconnecting', () => set('down'));
  // Without a listener an 'error' event would end the process; the reconnect handles it.
  client.on('error', () => set('down'));
  client.connect().catch(() => set('down'));
  return {
    client,
    state: () => state,
    onState: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: async () => {
      listeners.clear();
      if (client.isOpen) await client.close().catch(() => undefined);
    },
  };
}

const CONNECTION_ERRORS = [
  ClientClosedError,
  ClientOfflineError,
  ConnectionTimeoutError,
  DisconnectsClientError,
  SocketClosedUnexpectedlyError,
  SocketTimeoutError,
  // A command queued while Redis is away is given up after the client's default 5 s: an outage longer
  // than that rejects every publish in the queue with this, and must not end the show.
  TimeoutError,
];

/** A Redis command rejected because the connection went away or stayed away (and nothing else). */
export function isRedisConnectionError(reason: unknown): boolean {
  return CONNECTION_ERRORS.some((type) => reason instanceof type);
}

let guarded = false;
/**
 * The socket.io adapter publishes without catching: a command in flight when Redis dies rejects
 * with nobody listening, and Node ends a process on an unhandled rejection. Those (and only those)
 * are logged here; any other unhandled rejection still ends the process, as it would without this.
 */
export function survivesRedisOutages(log: (message: string) => void): void {
  if (guarded) return;
  guarded = true;
  process.on('unhandledRejection', (reason) => {
    if (isRedisConnectionError(reason)) {
      log(`Redis 命令因连接中断未完成：${(reason as Error).message}`);
      return;
    }
    throw reason;
  });
}
