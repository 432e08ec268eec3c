/**
 * Bench helper, run in a process of its own: opens N socket.io clients and measures how long a
 * change takes to reach all of them. Mode `show`: a staff socket sends a show command and every
 * public client waits for the snapshot with the new revision. Mode `bare`: a plain socket.io
 * server broadcasts a payload of the same size. Prints {"p50", "p99", "samples"} in ms, and
 * "missed": arrivals that did not come within 15 s (a client dropped).
 * Usage: tsx broadcast-clients.ts MODE BASE COUNT ROUNDS [EVENT_ID COOKIE]
 */
import { randomUUID } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import { percentile } from './record';

const [mode, base, countText, roundsText, eventId, cookie] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string?,
  string?,
];
const count = Number(countText);
const rounds = Number(roundsText);

function open(auth: Record<string, string>, headers?: Record<string, string>): Promise<Socket> {
  const socket = io(base, {
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

const clients: Socket[] = [];
for (let i = 0; i < count; i += 50) {
  clients.push(
    ...(await Promise.all(
      Array.from({ length: Math.min(50, count - i) }, () =>
        open(mode === 'show' ? { eventId: eventId as string, role: 'public' } : {}),
      ),
    )),
  );
}
const sender =
  mode === 'show'
    ? await open({ eventId: eventId as string, role: 'staff' }, { cookie: cookie as string })
    : (clients[0] as Socket);
let revision = 0;
if (mode === 'show') {
  sender.on('show:snapshot', (s: { revision: number }) => (revision = Math.max(revision, s.revision)));
  // The current revision, asked for (a fixed wait is not enough on a loaded machine).
  const current = (await sender.timeout(30_000).emitWithAck('show:sync')) as { revision: number };
  revision = Math.max(revision, current.revision);
}

const latencies: number[] = [];
/** Arrivals that never came (a client dropped under load): counted, never waited for forever. */
let missed = 0;
const ARRIVAL_TIMEOUT_MS = 15_000;
for (let round = 0; round < rounds; round += 1) {
  const event = mode === 'show' ? 'show:snapshot' : 'bench:payload';
  const target = revision + 1;
  const arrivals = clients.map(
    (socket) =>
      new Promise<number | null>((resolve) => {
        const timer = setTimeout(() => {
          socket.off(event, handler);
          resolve(null);
        }, ARRIVAL_TIMEOUT_MS);
        const handler = (payload: { revision?: number }) => {
          if (mode === 'show' && (payload.revision ?? 0) < target) return;
          socket.off(event, handler);
          clearTimeout(timer);
          resolve(performance.now());
        };
        socket.on(event, handler);
      }),
  );
  const sent = performance.now();
  if (mode === 'show') {
    sender.emit(
      'show:command',
      { revision, idempotencyKey: randomUUID().replace(/-/gu, ''), command: { type: 'extendReport', seconds: 1 } },
      (ack: { ok: boolean; error?: { code: string; message: string } }) => {
        // A refused command would leave every client waiting: say why and stop.
        if (!ack.ok) {
          process.stderr.write(`command refused: ${ack.error?.code} ${ack.error?.message}\n`);
          process.exit(1);
        }
      },
    );
  } else {
    sender.emit('bench:trigger');
  }
  for (const at of await Promise.all(arrivals)) {
    if (at === null) missed += 1;
    else latencies.push(at - sent);
  }
  revision = target;
  await new Promise((r) => setTimeout(r, 50));
}
for (const socket of [...clients, sender]) socket.disconnect();
// Exit only once the line is written: stdout to a pipe is asynchronous.
process.stdout.write(
  `${JSON.stringify({ p50: percentile(latencies, 50), p99: percentile(latencies, 99), samples: latencies.length, missed })}\n`,
  () => process.exit(0),
);
