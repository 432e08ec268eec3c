import { randomUUID } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import type {
  ClientToServerEvents,
  CommandAck,
  PresenceEntry,
  ServerToClientEvents,
  ShowCommandBody,
  ShowSnapshot,
  SocketAuth,
} from '../../server/protocol/show';

export type ShowSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** A real socket.io client that keeps the latest snapshot, as a UI would. */
export class ShowClient {
  readonly socket: ShowSocket;
  snapshots: ShowSnapshot[] = [];
  presence: PresenceEntry[] = [];
  /** The public viewers' count the server last sent (staff only). */
  viewers: number | null = null;
  reloads = 0;

  private constructor(socket: ShowSocket) {
    this.socket = socket;
    socket.on('show:snapshot', (snapshot) => this.snapshots.push(snapshot));
    socket.on('show:presence', (entries) => (this.presence = entries));
    socket.on('show:viewers', (count) => (this.viewers = count));
    socket.on('presence:ping', (ack) => ack());
    socket.on('output:reload', () => (this.reloads += 1));
  }

  static connect(
    base: string,
    auth: SocketAuth,
    cookie?: string,
    headers: Record<string, string> = {},
    query: Record<string, string> = {},
  ): Promise<ShowClient> {
    const socket: ShowSocket = io(base, {
      auth,
      query,
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      extraHeaders: { ...headers, ...(cookie ? { cookie } : {}) },
    });
    const client = new ShowClient(socket);
    return new Promise((resolve, reject) => {
      socket.once('connect_error', (error) =>
        reject(Object.assign(error, { body: (error as { data?: unknown }).data })),
      );
      const wait = () => (client.snapshots.length > 0 ? resolve(client) : setTimeout(wait, 5));
      socket.once('connect', wait);
    });
  }

  get latest(): ShowSnapshot {
    const snapshot = this.snapshots.at(-1);
    if (!snapshot) throw new Error('no snapshot yet');
    return snapshot;
  }

  send(command: ShowCommandBody, options: { revision?: number; key?: string } = {}): Promise<CommandAck> {
    return this.socket.timeout(5000).emitWithAck('show:command', {
      revision: options.revision ?? this.latest.revision,
      idempotencyKey: options.key ?? randomUUID().replace(/-/gu, ''),
      command,
    });
  }

  /** Waits until a snapshot with at least this revision has arrived. */
  async until(revision: number): Promise<ShowSnapshot> {
    // Generous: on a loaded two-core CI machine a broadcast can take a while.
    for (let i = 0; i < 1500; i += 1) {
      const found = this.snapshots.find((s) => s.revision >= revision);
      if (found) return this.latest;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`no snapshot at revision ${revision} (latest ${this.snapshots.at(-1)?.revision ?? 'none'})`);
  }

  /** Waits until a condition holds. */
  async waitFor(condition: () => boolean, what: string): Promise<void> {
    for (let i = 0; i < 600; i += 1) {
      if (condition()) return;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`timed out waiting for ${what}`);
  }

  close(): void {
    this.socket.disconnect();
  }
}
