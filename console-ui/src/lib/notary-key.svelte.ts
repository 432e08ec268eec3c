import qrcode from 'qrcode-generator';
import type { EventSummary } from '$protocol/show';
import { api, ApiError } from './api';
import { notaryKeyFile, secretWords } from './notary-file';

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

/**
 * The notary's secret, made in this browser: 32 random bytes from the browser's own generator,
 * kept only in this page (never sent before the reveal), with its commitment (SHA-256 of the
 * bytes, computed here too). Only the commitment is registered with the server.
 */
export class NotaryKey {
  secret = $state<string | null>(null);
  commitment = $state('');
  createdAt = $state('');
  /** The commitment the server holds for the event (what the seal will bind). */
  registered = $state<string | null>(null);
  busy = $state(false);
  error = $state('');

  constructor(readonly event: EventSummary) {
    this.registered = event.notaryCommitment;
  }

  async generate(): Promise<void> {
    const bytes = new Uint8Array(32);
    crypto.getRandomValues(bytes);
    this.commitment = hex(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)));
    this.secret = hex(bytes);
    this.createdAt = new Date(Date.now()).toISOString(); // eslint-disable-line svelte/prefer-svelte-reactivity -- a one-off timestamp, not state
    this.error = '';
  }

  get words(): string[] {
    return this.secret ? secretWords(this.secret) : [];
  }

  /** The QR of the secret for the envelope, as dark modules (row, column) and the side length. */
  get qr(): { side: number; path: string } | null {
    if (!this.secret) return null;
    const qr = qrcode(0, 'M');
    qr.addData(this.secret);
    qr.make();
    const count = qr.getModuleCount();
    let path = '';
    for (let row = 0; row < count; row += 1) {
      for (let col = 0; col < count; col += 1) if (qr.isDark(row, col)) path += `M${col + 4} ${row + 4}h1v1h-1z`;
    }
    return { side: count + 8, path };
  }

  get file(): string {
    return notaryKeyFile({
      eventId: this.event.id,
      title: this.event.title,
      secret: this.secret ?? '',
      commitment: this.commitment,
      createdAt: this.createdAt,
    });
  }

  /** Registers only the commitment; the secret stays in this page (and the notary's file). */
  async register(): Promise<void> {
    if (!this.secret) return;
    this.busy = true;
    this.error = '';
    try {
      const event = await api.put<EventSummary>(`/api/events/${this.event.id}/notary-commitment`, {
        commitment: this.commitment,
      });
      this.registered = event.notaryCommitment;
    } catch (error) {
      this.error = error instanceof ApiError ? error.message : '登记失败';
    } finally {
      this.busy = false;
    }
  }
}
