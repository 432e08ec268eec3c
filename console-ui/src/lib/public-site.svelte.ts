import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, PublicEvent, ServerToClientEvents, ShowSnapshot, SocketAuth } from '$protocol/show';
import type { ErrorBody } from '$protocol/errors';
import { PUBLIC_AUDIENCE_QUERY } from '$protocol/fanout';
import type { PublicDraw, PublicLogHead, PublicLogLeafRow } from '$protocol/public-log';
import { checkLeafInHead, type CurrentHeadCheck } from '$core/verify/current-head';
import { api, ApiError } from './api';

/** How long a viewer refused for too many connections from its address waits before trying again. */
const REFUSED_RETRY_MS = 5000;

type PublicSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * The public site: the announced events, and one event followed live over the same realtime
 * protocol as the outputs, as the public role (households masked on the server; auditees named as
 * the county decides). Nothing here needs a login.
 */
export class PublicSite {
  events = $state<PublicEvent[] | null>(null);
  /** Every sealed draw of the public log (real, rehearsal, abandoned), newest first. */
  draws = $state<PublicDraw[] | null>(null);
  /** The log's current signed head and the county key. */
  logHead = $state<PublicLogHead | null>(null);
  /** Each listed draw's record checked in the browser against the signed head (by draw id). */
  inclusion = $state<Record<string, CurrentHeadCheck | 'checking'>>({});
  snapshot = $state<ShowSnapshot | null>(null);
  /** The notary's digits as they type them, before the lock (relayed by the server, not logged). */
  typed = $state('');
  connection = $state<'idle' | 'connecting' | 'connected' | 'offline'>('idle');
  error = $state('');
  private socket: PublicSocket | null = null;

  async loadEvents(): Promise<void> {
    try {
      const [events, draws, logHead] = await Promise.all([
        api.get<PublicEvent[]>('/api/public/events'),
        api.get<PublicDraw[]>('/api/public/draws'),
        api.get<PublicLogHead>('/api/public-log/head'),
      ]);
      this.events = events;
      this.draws = [...draws].sort((a, b) => b.leafIndex - a.leafIndex);
      this.logHead = logHead;
    } catch (error) {
      this.error = error instanceof ApiError ? error.message : '无法读取活动';
    }
  }

  /**
   * Fetches a draw's seal record and its inclusion proof from the log and checks them here, against
   * the head the county key signed, so the list is not taken on trust.
   */
  async checkInclusion(draw: PublicDraw): Promise<void> {
    const signed = this.logHead;
    if (!signed?.head) return;
    const head = signed.head;
    this.inclusion = { ...this.inclusion, [draw.drawId]: 'checking' };
    let result: CurrentHeadCheck;
    try {
      const [rows, { proof }] = await Promise.all([
        api.get<PublicLogLeafRow[]>(`/api/public-log/leaves?from=${draw.leafIndex}&limit=1`),
        api.get<{ proof: string[] }>(`/api/public-log/proof/inclusion?index=${draw.leafIndex}&size=${head.treeSize}`),
      ]);
      result = checkLeafInHead(
        { drawId: draw.drawId, sealHash: draw.sealHash, index: draw.leafIndex },
        rows[0]?.leaf,
        proof,
        head,
        signed.publicKey,
      );
    } catch (error) {
      result = { ok: false, detail: error instanceof ApiError ? error.message : '无法读取公开日志' };
    }
    this.inclusion = { ...this.inclusion, [draw.drawId]: result };
  }

  follow(eventId: string): void {
    this.leave();
    this.connection = 'connecting';
    const auth: SocketAuth = { eventId, role: 'public' };
    // The query lets the primary hand this viewer to a fan-out process (CHOUCHA_FANOUT), when there are any.
    const socket: PublicSocket = io({ auth, query: PUBLIC_AUDIENCE_QUERY, transports: ['websocket'] });
    this.socket = socket;
    socket.on('connect', () => (this.connection = 'connected'));
    socket.on('disconnect', () => (this.connection = 'offline'));
    socket.on('connect_error', (error) => {
      this.connection = 'offline';
      // A refused handshake is not retried by socket.io; too many phones on one address just now is.
      if ((error as { data?: ErrorBody }).data?.error?.code === 'SOCKET_RATE_LIMITED') {
        setTimeout(() => this.socket === socket && socket.connect(), REFUSED_RETRY_MS);
      }
    });
    socket.on('show:snapshot', (snapshot) => {
      if (this.snapshot && this.snapshot.eventId === snapshot.eventId && snapshot.revision < this.snapshot.revision)
        return;
      this.snapshot = snapshot;
    });
    socket.on('presence:ping', (ack) => ack());
    socket.on('entropy:typing', ({ digits }) => (this.typed = digits));
  }

  leave(): void {
    this.socket?.removeAllListeners();
    this.socket?.disconnect();
    this.socket = null;
    this.snapshot = null;
    this.connection = 'idle';
  }
}
