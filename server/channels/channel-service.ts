import type { Db } from '../store/db';
import type { Clock, RandomBytes } from '../runtime';
import { AppError } from '../errors';
import { sameSecret } from '../auth/same-secret';
import type {
  ChannelBackground,
  ChannelCreateBody,
  ChannelKind,
  ChannelUpdateBody,
  ChannelView,
} from '../protocol/channels';

interface ChannelRow {
  id: string;
  name: string;
  kind: ChannelKind;
  background: ChannelBackground;
  key: string;
  position: number;
  created: string;
}

/** The channels an installation starts with: the program, a preview monitor, a green-keyed program. */
const FIRST_CHANNELS: readonly Omit<ChannelRow, 'key' | 'position' | 'created'>[] = [
  { id: 'program', name: '节目', kind: 'program', background: 'none' },
  { id: 'preview', name: '预览', kind: 'preview', background: 'none' },
  { id: 'green', name: '绿底', kind: 'program', background: 'green' },
];

const SELECT = 'SELECT id, name, kind, background, key, position, created FROM output_channels';

/**
 * The installation's output channels: each has one permanent path and key, set up once in
 * OBS/vMix/CasparCG, and shows whatever event the installation follows. Announces changes so the
 * realtime layer can re-tell (or, after a new key, close) the outputs on that channel.
 */
export class ChannelService {
  private readonly listeners = new Set<(change: { channelId: string; keyChanged: boolean }) => void>();

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly random: RandomBytes,
  ) {}

  /** Makes 节目, 预览 and 绿底 on a first start (the last program channel cannot be removed, so never again). */
  ensureFirstChannels(): void {
    const made = this.db.prepare('SELECT COUNT(*) FROM output_channels').pluck().get() as number;
    if (made > 0) return;
    const at = this.clock().toISOString();
    const insert = this.db.prepare(
      'INSERT INTO output_channels (id, name, kind, background, key, position, created) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.db.transaction(() => {
      FIRST_CHANNELS.forEach((channel, i) =>
        insert.run(channel.id, channel.name, channel.kind, channel.background, this.newKey(), i + 1, at),
      );
    })();
  }

  list(): ChannelView[] {
    return (this.db.prepare(`${SELECT} ORDER BY position, created`).all() as ChannelRow[]).map(view);
  }

  channel(channelId: string): ChannelView {
    const row = this.db.prepare(`${SELECT} WHERE id = ?`).get(channelId) as ChannelRow | undefined;
    if (!row) throw new AppError('CHANNEL_NOT_FOUND');
    return view(row);
  }

  /** The channel a permanent link opens, or the refusal: an unknown channel and a wrong key read alike. */
  admit(channelId: string, key: string): ChannelView {
    const row = this.db.prepare(`${SELECT} WHERE id = ?`).get(channelId) as ChannelRow | undefined;
    if (!row || !sameSecret(row.key, key)) throw new AppError('CHANNEL_KEY_INVALID');
    return view(row);
  }

  /** Whether a key still opens the channel (a regenerated key closes the outputs holding the old one). */
  keyMatches(channelId: string, key: string): boolean {
    const row = this.db.prepare('SELECT key FROM output_channels WHERE id = ?').get(channelId) as
      { key: string } | undefined;
    return row !== undefined && sameSecret(row.key, key);
  }

  create(body: ChannelCreateBody): ChannelView {
    const id = `ch-${this.random(6).toString('hex')}`;
    const position =
      (this.db.prepare('SELECT COALESCE(MAX(position), 0) FROM output_channels').pluck().get() as number) + 1;
    this.db
      .prepare(
        'INSERT INTO output_channels (id, name, kind, background, key, position, created) VALUES (?, ?, ?, ?, ?, ?, ?)',
      )
      .run(id, body.name, body.kind, body.background, this.newKey(), position, this.clock().toISOString());
    return this.channel(id);
  }

  update(channelId: string, body: ChannelUpdateBody): ChannelView {
    const before = this.channel(channelId);
    const after = { ...before, ...body };
    if (before.kind === 'program' && after.kind !== 'program') this.refuseLastProgram(channelId);
    this.db
      .prepare('UPDATE output_channels SET name = ?, kind = ?, background = ? WHERE id = ?')
      .run(after.name, after.kind, after.background, channelId);
    this.announce(channelId, false);
    return this.channel(channelId);
  }

  /** A new key: the old permanent link stops working at once (its outputs are closed). */
  regenerateKey(channelId: string): ChannelView {
    this.channel(channelId);
    this.db.prepare('UPDATE output_channels SET key = ? WHERE id = ?').run(this.newKey(), channelId);
    this.announce(channelId, true);
    return this.channel(channelId);
  }

  remove(channelId: string): void {
    const channel = this.channel(channelId);
    if (channel.kind === 'program') this.refuseLastProgram(channelId);
    this.db.prepare('DELETE FROM output_channels WHERE id = ?').run(channelId);
    this.announce(channelId, true);
  }

  /** Listens to changes of a channel (settings, key, removal); the returned function stops listening. */
  onChange(listener: (change: { channelId: string; keyChanged: boolean }) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private refuseLastProgram(channelId: string): void {
    const others = this.db
      .prepare("SELECT COUNT(*) FROM output_channels WHERE kind = 'program' AND id != ?")
      .pluck()
      .get(channelId) as number;
    if (others === 0) throw new AppError('CHANNEL_LAST_PROGRAM');
  }

  private announce(channelId: string, keyChanged: boolean): void {
    for (const listener of this.listeners) listener({ channelId, keyChanged });
  }

  private newKey(): string {
    return this.random(18).toString('base64url');
  }
}

function view(row: ChannelRow): ChannelView {
  return { ...row, path: `/overlay?channel=${encodeURIComponent(row.id)}&key=${encodeURIComponent(row.key)}` };
}
