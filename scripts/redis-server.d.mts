import type { ChildProcess } from 'node:child_process';

export const REDIS_SERVER_PATH: string;
export const REDIS_INSTALL: string;
/** Redis cannot be had here (not installed, or it would not start): the message says what to do. */
export class RedisUnavailable extends Error {}
/** The redis-server binary; installs it when missing and run as root, else throws with the exact command. */
export function ensureRedisServer(options?: { install?: boolean }): string;
export function freePort(): Promise<number>;
export interface StartedRedis {
  url: string;
  port: number;
  pid: number | undefined;
  child: ChildProcess;
  stop: () => Promise<void>;
}
/** redis-server on 127.0.0.1 with persistence off; resolves once it accepts connections. */
export function startRedisServer(options?: { port?: number; install?: boolean }): Promise<StartedRedis>;
