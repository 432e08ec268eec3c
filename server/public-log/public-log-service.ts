import type { Db } from '../store/db';
import type { Clock } from '../runtime';
import type { CountyKeys } from '../keys/county-keys';
import type { SignedTreeHead } from '../protocol/draw';
import type { PublicDraw } from '../protocol/public-log';
import { consistencyProof, inclusionProof, treeRoot } from '../verify/merkle';
import { publicLeafHash, treeHeadMessage, type PublicLogLeaf, type PublicLogProof } from '../verify/public-log';

interface LeafRow {
  leaf_index: number;
  draw_id: string;
  kind: string;
  leaf: string;
  leaf_hash: string;
}

interface HeadRow {
  tree_size: number;
  root_hash: string;
  timestamp: string;
  key_id: string;
  signature: string;
}

const headOf = (row: HeadRow): SignedTreeHead => ({
  treeSize: row.tree_size,
  rootHash: row.root_hash,
  timestamp: row.timestamp,
  keyId: row.key_id,
  signature: row.signature,
});

/**
 * The county's public log in SQLite: every seal record and every draw's final heads appended as
 * leaves, a signed tree head after each append, inclusion and consistency proofs on request. The
 * leaves and heads tables refuse updates and deletes; the leaf hashes are kept in memory (a county
 * seals a few draws a day: thousands of leaves, not millions).
 */
export class PublicLogService {
  private hashes: string[] | null = null;

  constructor(
    private readonly db: Db,
    private readonly keys: CountyKeys,
    private readonly clock: Clock,
  ) {}

  private leafHashes(): string[] {
    // Another process on the same file (a command-line tool, a second server) may have appended:
    // the log only grows, so the cache is topped up from its length, never trusted as complete.
    const size = this.db
      .prepare('SELECT COALESCE(MAX(leaf_index) + 1, 0) FROM public_log_leaves')
      .pluck()
      .get() as number;
    // (A cache longer than the log cannot happen, as append drops it; were it so, it is read anew.)
    const cached = this.hashes !== null && this.hashes.length <= size ? this.hashes : [];
    if (cached.length < size) {
      const more = this.db
        .prepare('SELECT leaf_hash FROM public_log_leaves WHERE leaf_index >= ? ORDER BY leaf_index')
        .pluck()
        .all(cached.length) as string[];
      this.hashes = [...cached, ...more];
    } else {
      this.hashes = cached;
    }
    return this.hashes;
  }

  /**
   * Appends a leaf and signs the new head. Call inside the caller's transaction, so the record and
   * its place in the public log are written together or not at all.
   */
  append(leaf: PublicLogLeaf): { index: number; head: SignedTreeHead } {
    const hashes = this.leafHashes();
    const index = hashes.length;
    const hash = publicLeafHash(leaf);
    this.db
      .prepare('INSERT INTO public_log_leaves (leaf_index, draw_id, kind, leaf, leaf_hash) VALUES (?, ?, ?, ?, ?)')
      .run(index, leaf.drawId, leaf.kind, JSON.stringify(leaf), hash);
    const grown = [...hashes, hash];
    const unsigned = { treeSize: grown.length, rootHash: treeRoot(grown), timestamp: this.clock().toISOString() };
    const head: SignedTreeHead = {
      ...unsigned,
      keyId: this.keys.keyId,
      signature: this.keys.sign(treeHeadMessage(unsigned)),
    };
    this.db
      .prepare(
        'INSERT INTO public_log_heads (tree_size, root_hash, timestamp, key_id, signature) VALUES (?, ?, ?, ?, ?)',
      )
      .run(head.treeSize, head.rootHash, head.timestamp, head.keyId, head.signature);
    // The cache follows the database only once the transaction commits; a rollback drops it.
    this.hashes = null;
    return { index, head };
  }

  /** The latest signed head (null before anything was sealed). */
  latestHead(): SignedTreeHead | null {
    const row = this.db.prepare('SELECT * FROM public_log_heads ORDER BY tree_size DESC LIMIT 1').get() as
      HeadRow | undefined;
    return row ? headOf(row) : null;
  }

  head(treeSize: number): SignedTreeHead | null {
    const row = this.db.prepare('SELECT * FROM public_log_heads WHERE tree_size = ?').get(treeSize) as
      HeadRow | undefined;
    return row ? headOf(row) : null;
  }

  /** Leaves in order, from index `from` (at most `limit`). */
  leaves(from = 0, limit = 1000): { index: number; leaf: PublicLogLeaf; leafHash: string }[] {
    // Read as stored: the JSON is the leaf's own (its hash is of the canonical form, not this text).
    const rows = this.db
      .prepare('SELECT * FROM public_log_leaves WHERE leaf_index >= ? ORDER BY leaf_index LIMIT ?')
      .all(from, limit) as LeafRow[];
    return rows.map((row) => ({
      index: row.leaf_index,
      leaf: JSON.parse(row.leaf) as PublicLogLeaf,
      leafHash: row.leaf_hash,
    }));
  }

  publicKey(): string {
    return this.keys.publicKey;
  }

  keyId(): string {
    return this.keys.keyId;
  }

  /**
   * Every sealed draw in the log, newest first, with how it ended: real, rehearsal and abandoned
   * alike, so a draw sealed and quietly dropped is as visible as one that ran.
   */
  publicDraws(): PublicDraw[] {
    const leaves = this.leaves(0, Number.MAX_SAFE_INTEGER);
    const finals = new Map<string, Extract<PublicLogLeaf, { kind: 'final' }>>();
    for (const { leaf } of leaves) if (leaf.kind === 'final') finals.set(leaf.drawId, leaf);
    return leaves
      .flatMap(({ index, leaf }) => {
        if (leaf.kind !== 'seal') return [];
        const final = finals.get(leaf.drawId);
        return [
          {
            leafIndex: index,
            drawId: leaf.drawId,
            title: leaf.title,
            sealedAt: leaf.at,
            sealHash: leaf.sealHash,
            eventId: leaf.seal.show?.eventId ?? null,
            rehearsal: leaf.seal.show?.rehearsal ?? false,
            commitment: leaf.seal.commitment,
            notary: leaf.seal.notary ?? null,
            state: final === undefined ? ('sealed' as const) : final.status,
            reason: final?.reason ?? null,
            endedAt: final?.at ?? null,
          },
        ];
      })
      .reverse();
  }

  size(): number {
    return this.leafHashes().length;
  }

  inclusion(index: number, treeSize: number): string[] | null {
    const hashes = this.leafHashes();
    if (index < 0 || treeSize > hashes.length || index >= treeSize) return null;
    return inclusionProof(hashes.slice(0, treeSize), index, treeSize);
  }

  consistency(fromSize: number, toSize: number): string[] | null {
    const hashes = this.leafHashes();
    if (fromSize < 0 || fromSize > toSize || toSize > hashes.length) return null;
    return consistencyProof(hashes.slice(0, toSize), fromSize, toSize);
  }

  /** A draw's leaves and every proof a bundle carries (null for a draw sealed before the public log). */
  proofFor(drawId: string): PublicLogProof | null {
    const rows = this.db
      .prepare('SELECT * FROM public_log_leaves WHERE draw_id = ? ORDER BY leaf_index')
      .all(drawId) as LeafRow[];
    const sealRow = rows[0];
    const treeHead = this.latestHead();
    if (!sealRow || sealRow.kind !== 'seal' || !treeHead) return null;
    const sealTreeHead = this.head(sealRow.leaf_index + 1);
    if (!sealTreeHead) return null;
    const hashes = this.leafHashes().slice(0, treeHead.treeSize);
    return {
      publicKey: this.keys.publicKey,
      keyId: this.keys.keyId,
      treeHead,
      leaves: rows.map((row) => ({
        index: row.leaf_index,
        leaf: JSON.parse(row.leaf) as PublicLogLeaf,
        inclusion: inclusionProof(hashes, row.leaf_index, treeHead.treeSize),
      })),
      sealTreeHead,
      sealInclusion: inclusionProof(hashes.slice(0, sealTreeHead.treeSize), sealRow.leaf_index, sealTreeHead.treeSize),
      consistency: consistencyProof(hashes, sealTreeHead.treeSize, treeHead.treeSize),
    };
  }

  /** The head signed right after a draw's seal record was appended (the bulletin prints it). */
  sealHeadOf(drawId: string): SignedTreeHead | null {
    const index = this.db
      .prepare("SELECT leaf_index FROM public_log_leaves WHERE draw_id = ? AND kind = 'seal'")
      .pluck()
      .get(drawId) as number | undefined;
    return index === undefined ? null : this.head(index + 1);
  }
}
