import { fork, type ChildProcess } from 'node:child_process';
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
import { Socket as NetSocket } from 'node:net';
import { setPriority } from 'node:os';
import { PUBLIC_AUDIENCE_QUERY } from '../protocol/fanout';
import type { RealtimeLimits } from '../live/socket-limits';

/** The message a fan-out process receives with each connection handed to it. */
export const ADOPT_MESSAGE = 'choucha:adopt';
/** What a fan-out process says once it is on Redis and can take viewers. */
export const READY_MESSAGE = 'choucha:ready';
/** What a fan-out process says each heartbeat over IPC: its event loop turns (Redis or not). */
export const ALIVE_MESSAGE = 'choucha:alive';
/** A process taking viewers that has not said so for this long is hung (stopped, or a loop): it is killed and replaced. */
export const FANOUT_HUNG_MS = 5000;
/** How long a viewer's handshake waits for a fan-out to be ready (at start, or all restarting). */
const WAIT_FOR_READY_MS = 3000;

/** How a fan-out process is started: its script, and the Node flags it needs (tsx when run from source). */
export interface FanoutEntry {
  script: string;
  execArgv: string[];
}

interface Slot {
  fanoutId: string;
  child: ChildProcess | null;
  ready: boolean;
  /** When it last said it was alive (ms, Date.now()). */
  aliveAt: number;
  /** Recent exits, to slow a process that keeps crashing at start. */
  crashes: number[];
}

/** A public viewer's websocket handshake (`/socket.io/?audience=public&transport=websocket`). */
export function isPublicUpgrade(request: IncomingMessage): boolean {
  const url = new URL(request.url ?? '/', 'http://localhost');
  return (
    url.pathname === '/socket.io/' &&
    url.searchParams.get('audience') === PUBLIC_AUDIENCE_QUERY.audience &&
    url.searchParams.get('transport') === 'websocket'
  );
}

/** The request as it came on the wire, for the fan-out's HTTP server to parse again. */
function requestBytes(request: IncomingMessage, head: Buffer): Buffer {
  const lines = [`${request.method ?? 'GET'} ${request.url ?? '/'} HTTP/${request.httpVersion}`];
  for (let i = 0; i < request.rawHeaders.length; i += 2) {
    lines.push(`${request.rawHeaders[i] ?? ''}: ${request.rawHeaders[i + 1] ?? ''}`);
  }
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), head]);
}

/**
 * A fan-out's niceness: when the machine is short of CPU (a flood, a step to tens of thousands),
 * the scheduler serves the primary first, so the desk's commands, the judges and the outputs do
 * not wait behind public fan-out work. A lower priority for one's own child needs no privilege.
 */
const FANOUT_NICENESS = 10;

/**
 * Stops this process reading a connection it hands over. Until the fan-out acknowledges it both
 * hold the socket, and what the viewer sends meanwhile (its socket.io CONNECT, as soon as the
 * fan-out's handshake reached it) would be read here and lost: the viewer waits for ever. After
 * an HTTP upgrade `pause()` alone leaves the handle reading (measured: 1 viewer in about 1,000
 * stalled at 10,000 connecting), so the handle's own reading is stopped too.
 */
function stopReading(socket: NetSocket): void {
  socket.pause();
  const handle: unknown = Reflect.get(socket, '_handle');
  if (handle && typeof handle === 'object' && 'readStop' in handle && typeof handle.readStop === 'function')
    Reflect.apply(handle.readStop, handle, []);
}

/**
 * The fan-out processes of one primary. They are its children so that viewers keep one public
 * address: the primary's HTTP server reads a public viewer's websocket handshake and hands the
 * TCP connection itself to a fan-out (as Node's cluster and @socket.io/sticky do), which serves it
 * from then on; the primary's event loop never carries a viewer's traffic. A process that dies is
 * started again at once; its viewers reconnect and are handed to the others meanwhile.
 */
export class FanoutPool {
  private readonly slots: Slot[];
  private next = 0;
  private closing = false;
  private readonly watchdog: NodeJS.Timeout;
  /** Viewers' handshakes that came while no process was ready, each waiting for one. */
  private readonly waiting = new Set<() => void>();

  constructor(
    private readonly options: {
      processes: number;
      redisUrl: string;
      entry: FanoutEntry;
      limits: RealtimeLimits;
      log: (message: string) => void;
      /** Default FANOUT_HUNG_MS (tests shorten it). */
      hungMs?: number;
    },
  ) {
    this.slots = Array.from({ length: options.processes }, (_, i) => ({
      fanoutId: `fanout-${i + 1}`,
      child: null,
      ready: false,
      aliveAt: 0,
      crashes: [],
    }));
    for (const slot of this.slots) this.spawn(slot);
    this.watchdog = setInterval(() => this.killHung(), 1000);
    this.watchdog.unref();
  }

  /**
   * Puts the pool in front of the server's other upgrade listeners (socket.io's engine, the
   * control API): a public viewer's handshake goes to a fan-out, every other one to them as before.
   */
  attach(server: HttpServer): void {
    const others = server.listeners('upgrade');
    server.removeAllListeners('upgrade');
    const dispatch = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      if (isPublicUpgrade(request) && socket instanceof NetSocket) return this.handOff(request, socket, head);
      for (const listener of others) listener.call(server, request, socket, head);
    };
    server.on('upgrade', dispatch);
  }

  /** Every fan-out process now: its id, pid and whether it is taking viewers. */
  processes(): { fanoutId: string; pid: number | null; ready: boolean }[] {
    return this.slots.map((slot) => ({ fanoutId: slot.fanoutId, pid: slot.child?.pid ?? null, ready: slot.ready }));
  }

  async close(): Promise<void> {
    this.closing = true;
    clearInterval(this.watchdog);
    this.waiting.clear();
    await Promise.all(
      this.slots.map(
        (slot) =>
          new Promise<void>((resolve) => {
            const child = slot.child;
            if (!child || child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
          }),
      ),
    );
  }

  /**
   * Round robin over the processes taking viewers. With none ready (at start, or all restarting)
   * the handshake waits for one, up to WAIT_FOR_READY_MS: a restart takes a fraction of that, and
   * the viewer is served without a reconnect round trip. Past it the connection is closed and the
   * page reconnects (a refusal would stop its retries).
   */
  private handOff(request: IncomingMessage, socket: NetSocket, head: Buffer): void {
    stopReading(socket);
    if (this.sendToReady(request, socket, head)) return;
    const timer = setTimeout(() => {
      this.waiting.delete(waiter);
      socket.destroy();
    }, WAIT_FOR_READY_MS);
    timer.unref();
    const waiter = () => {
      clearTimeout(timer);
      if (!socket.destroyed && !this.sendToReady(request, socket, head)) socket.destroy();
    };
    this.waiting.add(waiter);
  }

  private sendToReady(request: IncomingMessage, socket: NetSocket, head: Buffer): boolean {
    for (let tried = 0; tried < this.slots.length; tried += 1) {
      const slot = this.slots[(this.next + tried) % this.slots.length];
      const child = slot?.child;
      if (!slot?.ready || !child?.connected) continue;
      this.next = (this.next + tried + 1) % this.slots.length;
      const bytes = requestBytes(request, head).toString('base64');
      child.send({ type: ADOPT_MESSAGE, bytes }, socket, { keepOpen: false }, (error) => {
        // The process died between the check and the send: the viewer reconnects and lands elsewhere.
        if (error) socket.destroy();
      });
      return true;
    }
    return false;
  }

  /** A process became ready: the handshakes that waited for one go to it (and any other ready). */
  private releaseWaiting(): void {
    const waiting = [...this.waiting];
    this.waiting.clear();
    for (const waiter of waiting) waiter();
  }

  /** A hung process keeps its viewers on a frozen step: killed, it is restarted and they reconnect. */
  private killHung(): void {
    const { hungMs = FANOUT_HUNG_MS, log } = this.options;
    const now = Date.now();
    for (const slot of this.slots) {
      const child = slot.child;
      if (!slot.ready || !child || now - slot.aliveAt <= hungMs) continue;
      log(`分发进程 ${slot.fanoutId}（pid ${child.pid}）${Math.round((now - slot.aliveAt) / 1000)} 秒无响应，强制结束`);
      slot.ready = false;
      child.kill('SIGKILL');
    }
  }

  private spawn(slot: Slot): void {
    const { entry, redisUrl, limits, log } = this.options;
    const child = fork(entry.script, [], {
      execArgv: entry.execArgv,
      env: {
        ...process.env,
        REDIS_URL: redisUrl,
        CHOUCHA_FANOUT_ID: slot.fanoutId,
        CHOUCHA_FANOUT_LIMITS: JSON.stringify(limits),
      },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    slot.child = child;
    if (child.pid !== undefined) {
      try {
        setPriority(child.pid, FANOUT_NICENESS);
      } catch (error) {
        log(`分发进程 ${slot.fanoutId} 未能降低优先级（${String(error)}）：与主进程同等争用处理器`);
      }
    }
    slot.ready = false;
    child.on('message', (message: unknown) => {
      if (typeof message !== 'object' || message === null || !('type' in message)) return;
      if (message.type === READY_MESSAGE) {
        slot.ready = true;
        this.releaseWaiting();
      }
      if (message.type === READY_MESSAGE || message.type === ALIVE_MESSAGE) slot.aliveAt = Date.now();
    });
    child.once('exit', (code, signal) => {
      slot.ready = false;
      if (this.closing) return;
      const now = Date.now();
      slot.crashes = [...slot.crashes.filter((at) => now - at < 10_000), now];
      log(`分发进程 ${slot.fanoutId}（pid ${child.pid}）退出（${signal ?? code}），正在重新启动`);
      // At once the first times; a process that keeps dying at start waits a second between tries.
      const delay = slot.crashes.length > 3 ? 1000 : 0;
      setTimeout(() => {
        if (!this.closing) this.spawn(slot);
      }, delay).unref();
    });
  }
}
