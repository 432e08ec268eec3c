import { FANOUT_PROCESS_STATE_LABEL, REDIS_STATE_LABEL, type RedisState } from '../protocol/fanout';
import type { FanoutPool } from './fanout-pool';
import type { PublicRelay } from './public-relay';

/** A fan-out process as the console line shows it: its public viewers over every event, or null when not heard from lately. */
export interface ProcessViewers {
  fanoutId: string;
  viewers: number | null;
}

/** `公众观看：fanout-1 1,234 人 · fanout-2 失联 · Redis 已连接` */
export function viewersLine(processes: readonly ProcessViewers[], redis: RedisState): string {
  const parts = processes.map(({ fanoutId, viewers }) =>
    viewers === null
      ? `${fanoutId} ${FANOUT_PROCESS_STATE_LABEL.lost}`
      : `${fanoutId} ${viewers.toLocaleString('zh-CN')} 人`,
  );
  return `公众观看：${[...parts, `Redis ${REDIS_STATE_LABEL[redis]}`].join(' · ')}`;
}

/** Each of the pool's processes with the viewers its last health report gave. */
function processViewers(pool: FanoutPool, relay: PublicRelay): ProcessViewers[] {
  const heard = new Map(relay.processes().map((health) => [health.fanoutId, health]));
  return pool.processes().map(({ fanoutId }) => {
    const health = heard.get(fanoutId);
    const viewers = health ? Object.values(health.viewers).reduce((sum, count) => sum + count, 0) : null;
    return { fanoutId, viewers };
  });
}

/**
 * Prints the viewers line on the console whenever it changes, at most once every `everyMs`: the
 * health reports come every second from each process, and the operator's terminal must stay
 * readable. A change inside the window is printed at its end, as it then stands. Starting counts
 * as a print (the start banner has just listed the processes). Returns a function that stops it.
 */
export function reportViewers(
  { pool, relay }: { pool: FanoutPool; relay: PublicRelay },
  print: (line: string) => void,
  { everyMs = 10_000, now = Date.now }: { everyMs?: number; now?: () => number } = {},
): () => void {
  let printed = '';
  let printedAt = now();
  let pending: ReturnType<typeof setTimeout> | null = null;
  const flush = () => {
    pending = null;
    const line = viewersLine(processViewers(pool, relay), relay.redisState());
    if (line === printed) return;
    const wait = printedAt + everyMs - now();
    if (wait > 0) {
      pending = setTimeout(flush, wait);
      pending.unref();
      return;
    }
    printed = line;
    printedAt = now();
    print(line);
  };
  const stop = relay.onChange(() => {
    if (pending === null) flush();
  });
  return () => {
    stop();
    if (pending) clearTimeout(pending);
  };
}
