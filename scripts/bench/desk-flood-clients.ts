/**
 * Bench helper for the desk under a public flood, run in processes of their own (the server's event
 * loop stays the server's). Two modes:
 * - `operator BASE EVENT_ID COOKIE COUNT`: a staff socket sends COUNT commands one after another
 *   (pause and resume the report timer) and prints {"p50", "p99", "times"}: each round trip in ms,
 *   from the emit to the ack.
 * - `flood BASE EVENT_ID SOCKETS PACE`: SOCKETS public sockets send `show:sync` until killed. PACE
 *   `limit`: each sends its burst, then one per refill interval (what the limit allows); PACE `max`:
 *   as fast as it can; a socket the server drops connects again at once, and every 100 ms while refused. Prints "ready" once all
 *   are connected, then on SIGTERM {"served", "refused", "dropped", "joinsRefused"}.
 */
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, CommandAck, ServerToClientEvents, ShowSnapshot } from '../../server/protocol/show';
import { REALTIME_LIMITS } from '../../server/live/socket-limits';
import { percentile } from './record';

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;
/** How soon a refused flooder tries to connect again (socket.io's own first retry is after 1 s). */
const RETRY_MS = 100;
const [mode, base, eventId, ...rest] = process.argv.slice(2) as [string, string, string, ...string[]];

function open(auth: Record<string, string>, headers?: Record<string, string>): Promise<Client> {
  const socket: Client = io(base, {
    auth,
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    ...(headers ? { extraHeaders: headers } : {}),
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

const print = (value: object) => process.stdout.write(`${JSON.stringify(value)}\n`, () => process.exit(0));

if (mode === 'operator') {
  const [cookie, countText] = rest as [string, string];
  const staff = await open({ eventId, role: 'staff', label: 'bench' }, { cookie });
  const first = (await staff.timeout(30_000).emitWithAck('show:sync')) as ShowSnapshot;
  let revision = first.revision;
  const times: number[] = [];
  for (let i = 0; i < Number(countText); i += 1) {
    const command = i % 2 === 0 ? ({ type: 'pauseReport' } as const) : ({ type: 'resumeReport' } as const);
    const sent = performance.now();
    const ack: CommandAck = await staff
      .timeout(30_000)
      .emitWithAck('show:command', { revision, idempotencyKey: `desk-flood-${process.pid}-${i}`, command });
    times.push(performance.now() - sent);
    if (!ack.ok) throw new Error(`${command.type}: ${ack.error.code} ${ack.error.message}`);
    revision = ack.revision;
    await new Promise((r) => setTimeout(r, 10));
  }
  staff.disconnect();
  print({ p50: percentile(times, 50), p99: percentile(times, 99), times });
} else {
  const [socketsText, pace] = rest as [string, 'limit' | 'max'];
  const counts = { served: 0, refused: 0, dropped: 0, joinsRefused: 0 };
  let stopping = false;
  const answer = (reply: unknown) => {
    if ((reply as { ok?: boolean }).ok === false) counts.refused += 1;
    else counts.served += 1;
  };
  const { burst, perSecond } = REALTIME_LIMITS.sockets.public.events['show:sync'];
  /** One flooder: sends until the server drops it; at `max` pace it comes back at once. */
  const flooder = async (first: Client) => {
    let socket: Client | null = first;
    while (!stopping) {
      if (!socket) {
        socket = await open({ eventId, role: 'public' }).catch(() => null);
        if (!socket) {
          counts.joinsRefused += 1;
          await new Promise((r) => setTimeout(r, RETRY_MS));
          continue;
        }
      }
      const live: Client = socket;
      if (pace === 'limit') {
        for (let i = 0; i < burst; i += 1) live.emit('show:sync', answer);
        while (!stopping && live.connected) {
          // Just under the limit: a packet's arrival jitters, so pacing exactly at it would brush the edge.
          await new Promise((r) => setTimeout(r, 1050 / perSecond));
          live.emit('show:sync', answer);
        }
      } else {
        while (!stopping && live.connected) {
          for (let i = 0; i < 50; i += 1) live.emit('show:sync', answer);
          await new Promise((r) => setImmediate(r));
        }
      }
      if (!stopping) counts.dropped += 1;
      live.disconnect();
      socket = null;
    }
  };
  const sockets = await Promise.all(
    Array.from({ length: Number(socketsText) }, () => open({ eventId, role: 'public' })),
  );
  const running = sockets.map((s) => flooder(s));
  process.stdout.write('ready\n');
  process.on('SIGTERM', () => {
    stopping = true;
    void Promise.all(running).then(() => print(counts));
  });
}
