/**
 * Bench helper: the server in a process of its own, as `npm start` runs it, so that its CPU can be
 * read apart from the clients'. With a Redis URL it starts that many fan-out processes behind it.
 * Prints one JSON line once it serves: {base, pids} (the primary's, then each fan-out's).
 * Usage: tsx fanout-server.ts DB_PATH PASSWORD [PROCESSES REDIS_URL]
 */
import { buildApp } from '../../server/app';
import { REALTIME_LIMITS } from '../../server/live/socket-limits';

const [dbPath, password, processesText, redisUrl] = process.argv.slice(2) as [string, string, string?, string?];
const processes = Number(processesText ?? 0);
// Thousands of viewers from one address: in the county they come from as many phones.
const manyPhones = { burst: 100_000, perSecond: 100_000 };
const app = await buildApp({
  dbPath,
  initialPasswords: { operator: password },
  socketLimits: { ...REALTIME_LIMITS, joins: { ...REALTIME_LIMITS.joins, public: manyPhones } },
  ...(processes > 0 && redisUrl ? { fanout: { processes, redisUrl } } : {}),
});
const base = await app.listen({ host: '127.0.0.1', port: 0 });
const pool = app.services.fanout?.pool;
while (pool && !pool.processes().every((p) => p.ready)) await new Promise((r) => setTimeout(r, 50));
const pids = [process.pid, ...(pool?.processes().map((p) => p.pid ?? 0) ?? [])];
console.log(JSON.stringify({ base, pids }));
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => void app.close().then(() => process.exit(0)));
