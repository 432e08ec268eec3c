import { Socket as NetSocket } from 'node:net';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { Type } from '@sinclair/typebox';
import { REALTIME_LIMITS, type RealtimeLimits } from '../live/socket-limits';
import { startFanoutNode } from './fanout-node';
import { ADOPT_MESSAGE, ALIVE_MESSAGE, READY_MESSAGE } from './fanout-pool';
import { openRedisLink, survivesRedisOutages } from './redis-link';
import { FANOUT_HEARTBEAT_MS } from '../protocol/fanout';

/**
 * A fan-out process: public viewers only, no database. Started by the primary (CHOUCHA_FANOUT=N),
 * it takes the connections the primary hands it over IPC and ends when the primary does. Started
 * on its own (another machine behind a load balancer), it listens on CHOUCHA_FANOUT_PORT.
 *   REDIS_URL=redis://10.0.0.5:6379 CHOUCHA_FANOUT_PORT=3001 node dist/server/fanout/main.js
 */
const redisUrl = process.env.REDIS_URL;
if (!redisUrl) {
  console.error('无法启动分发进程：未设置 REDIS_URL');
  process.exit(1);
}
const fanoutId = process.env.CHOUCHA_FANOUT_ID ?? `fanout-${process.pid}`;
const log = (message: string) => console.log(`[${fanoutId}] ${message}`);

const RateSchema = Type.Object({ burst: Type.Number(), perSecond: Type.Number() });
const LimitsSchema = Type.Object({
  sockets: Type.Object({
    public: Type.Object({
      any: RateSchema,
      events: Type.Object({ 'show:sync': RateSchema, 'clock:sync': RateSchema, 'output:stats': RateSchema }),
      refusals: RateSchema,
    }),
  }),
  joins: Type.Object({ public: RateSchema }),
  dropPenalty: Type.Object({ public: Type.Number() }),
});
const checkLimits = TypeCompiler.Compile(LimitsSchema);
/** The primary's limits for public sockets (a bench lifts the per-address join limit), or the defaults. */
function limitsFromPrimary(): RealtimeLimits {
  const given: unknown = JSON.parse(process.env.CHOUCHA_FANOUT_LIMITS ?? 'null');
  if (!checkLimits.Check(given)) return REALTIME_LIMITS;
  return {
    sockets: { ...REALTIME_LIMITS.sockets, public: given.sockets.public },
    joins: { ...REALTIME_LIMITS.joins, public: given.joins.public },
    dropPenalty: { ...REALTIME_LIMITS.dropPenalty, public: given.dropPenalty.public },
  };
}

survivesRedisOutages(log);
const link = openRedisLink(redisUrl, log);
const node = startFanoutNode({ link, fanoutId, limits: limitsFromPrimary() });

process.on('message', (message: unknown, handle: unknown) => {
  if (typeof message !== 'object' || message === null || !('type' in message) || message.type !== ADOPT_MESSAGE) return;
  if (!(handle instanceof NetSocket) || !('bytes' in message) || typeof message.bytes !== 'string') return;
  node.adopt(handle, Buffer.from(message.bytes, 'base64'));
});
// The primary is gone (it crashed or stopped): its viewers reconnect to the one that replaces it.
process.on('disconnect', () => process.exit(0));
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    void node.close().finally(() => process.exit(0));
  });
}

const port = process.env.CHOUCHA_FANOUT_PORT;
if (port !== undefined) {
  const host = process.env.HOST ?? '127.0.0.1';
  node.http.listen(Number(port), host, () => log(`公众观看分发：监听 http://${host}:${port}`));
}
process.send?.({ type: READY_MESSAGE });
// Over IPC, not Redis: the primary tells a hung process from a Redis outage.
setInterval(() => process.send?.({ type: ALIVE_MESSAGE }), FANOUT_HEARTBEAT_MS).unref();
