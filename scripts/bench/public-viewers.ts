/**
 * Bench helper, run in a process of its own (a fork, with IPC): public viewers as light websocket
 * clients speaking socket.io's wire protocol directly (engine.io 4 over `ws`), so that thousands of
 * them cost little next to the server they measure. A snapshot's revision is read from its bytes
 * (checked once against a full parse), never parsed whole.
 *
 * Modes (argv: MODE WS_BASE EVENT_ID COUNT):
 * - `viewers`: COUNT viewers that only watch. The parent asks `collect` with the wall time each
 *   revision was sent at; the answer is every viewer's step → arrival latency, and how many
 *   arrivals never came.
 * - `flood`: COUNT hostile public sockets, each asking `show:sync` again the moment it is answered,
 *   and reconnecting whenever the server drops it (its rate limits do): the load a public page can
 *   put on the server with nothing but the public protocol.
 */
import WebSocket from 'ws';

type Mode = 'viewers' | 'flood';
const [mode, wsBase, eventId, countText] = process.argv.slice(2) as [Mode, string, string, string];
const count = Number(countText);
const url = `${wsBase}/socket.io/?EIO=4&transport=websocket&audience=public`;
const connectPacket = `40${JSON.stringify({ eventId, role: 'public' })}`;
const SNAPSHOT_PREFIX = Buffer.from('42["show:snapshot",');
const REVISION_KEY = Buffer.from('"revision":');

/** Wall-clock milliseconds, comparable across the processes of one machine. */
const wallNow = (): number => performance.timeOrigin + performance.now();

interface Viewer {
  socket: WebSocket;
  /** Each snapshot that arrived: its revision and wall time, in order. */
  arrivals: number[][];
}

/** Whether reading the first `"revision":` of a frame gives the snapshot's own (checked on one frame). */
let revisionCheck: 'unchecked' | 'ok' = 'unchecked';

function revisionOf(frame: Buffer): number {
  const at = frame.indexOf(REVISION_KEY);
  let value = 0;
  for (let i = at + REVISION_KEY.length; i < frame.length; i += 1) {
    const digit = (frame[i] as number) - 48;
    if (digit < 0 || digit > 9) break;
    value = value * 10 + digit;
  }
  if (revisionCheck === 'unchecked') {
    const parsed = JSON.parse(frame.subarray(2).toString()) as [string, { revision: number }];
    if (parsed[1].revision !== value) throw new Error('the first "revision" key is not the snapshot\'s own');
    revisionCheck = 'ok';
  }
  return value;
}

/** Opens one socket.io connection by hand: engine.io open → namespace connect → connected. */
function open(onFrame: (frame: Buffer, socket: WebSocket) => void): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { perMessageDeflate: false });
    let connected = false;
    socket.on('message', (data: Buffer) => {
      const type = data[0];
      if (type === 0x32 /* '2': ping */) return socket.send('3');
      if (type === 0x30 /* '0': engine open */) return socket.send(connectPacket);
      if (type !== 0x34 /* '4': socket.io packet */) return;
      if (!connected) {
        if (data[1] === 0x30 /* '0': connected */) {
          connected = true;
          return resolve(socket);
        }
        return reject(new Error(`refused: ${data.toString()}`));
      }
      onFrame(data, socket);
    });
    socket.once('error', (error) => (connected ? undefined : reject(error)));
    socket.once('close', (code, reason) =>
      connected ? undefined : reject(new Error(`closed before connect ${code} ${reason.toString()}`)),
    );
  });
}

async function openAll<T>(total: number, make: () => Promise<T>): Promise<T[]> {
  const opened: T[] = [];
  for (let i = 0; i < total; i += 100) {
    opened.push(...(await Promise.all(Array.from({ length: Math.min(100, total - i) }, make))));
  }
  return opened;
}

async function watch(): Promise<void> {
  const viewers = await openAll(count, async (): Promise<Viewer> => {
    const arrivals: number[][] = [];
    const socket = await open((frame) => {
      if (frame.subarray(0, SNAPSHOT_PREFIX.length).equals(SNAPSHOT_PREFIX))
        arrivals.push([revisionOf(frame), wallNow()]);
    });
    return { socket, arrivals };
  });
  let dropped = 0;
  for (const viewer of viewers) viewer.socket.once('close', () => (dropped += 1));
  process.on('message', (message: { type: 'collect'; sent: [number, number][] } | { type: 'close' }) => {
    if (message.type === 'close') {
      for (const viewer of viewers) viewer.socket.terminate();
      return process.send?.({ type: 'closed' }, () => process.exit(0));
    }
    const latencies: number[] = [];
    let missed = 0;
    for (const viewer of viewers) {
      for (const [revision, sentAt] of message.sent) {
        const arrival = viewer.arrivals.find(([seen]) => (seen as number) >= revision);
        if (arrival) latencies.push((arrival[1] as number) - sentAt);
        else missed += 1;
      }
      viewer.arrivals.length = 0;
    }
    process.send?.({ type: 'collected', latencies, missed, dropped });
  });
  process.send?.({ type: 'ready' });
}

async function flood(): Promise<void> {
  let asked = 0;
  let answered = 0;
  let reconnects = 0;
  let stopping = false;
  const ask = (socket: WebSocket, id: number) => {
    asked += 1;
    socket.send(`42${id}["show:sync"]`);
  };
  const retry = (): void => {
    if (!stopping) void floodOne().catch(() => setTimeout(retry, 200));
  };
  const floodOne = async (): Promise<void> => {
    let id = 0;
    const socket = await open((frame, from) => {
      if (frame[1] !== 0x33 /* '3': ack */) return;
      answered += 1;
      id += 1;
      ask(from, id);
    });
    ask(socket, id);
    socket.once('close', () => {
      if (stopping) return;
      reconnects += 1;
      // Dropped by the server's limits: straight back, as a hostile page would.
      setTimeout(retry, 50);
    });
  };
  await openAll(count, floodOne);
  process.on('message', (message: { type: 'close' }) => {
    if (message.type !== 'close') return;
    stopping = true;
    process.send?.({ type: 'closed', asked, answered, reconnects }, () => process.exit(0));
  });
  process.send?.({ type: 'ready' });
}

await (mode === 'viewers' ? watch() : flood());
