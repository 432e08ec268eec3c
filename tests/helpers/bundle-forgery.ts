import { sign, createPrivateKey, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyDrawCommand, type DrawCommand, type DrawState } from '../../server/draw-engine/ceremony';
import { appendEntry, type LogEntry } from '../../server/draw-engine/log-chain';
import { stageOrder } from '../../server/draw-engine/order';
import { commitmentOf, deriveSeed, deriveSeedV2, stageSeed } from '../../server/draw-engine/seed';
import type { SignedTreeHead } from '../../server/protocol/draw';
import { loggedCommand } from '../../server/run-of-show/logged-command';
import { initialShow, transition } from '../../server/run-of-show/run-of-show';
import {
  buildBundle,
  commandOf,
  sealedState,
  sealPayloadOf,
  sealPayloadV2,
  type DrawBundle,
  type SealPayload,
} from '../../server/verify/bundle';
import { sealedShowOf } from '../../server/verify/format2-checks';
import { consistencyProof, inclusionProof, treeRoot } from '../../server/verify/merkle';
import {
  publicLeafHash,
  treeHeadMessage,
  type PublicLogLeaf,
  type PublicLogProof,
} from '../../server/verify/public-log';
import { publishedRounds, type ShowSection } from '../../server/verify/show-section';

/**
 * What an insider holding the database and the county's signing key can do to a real bundle
 * (issue 18): pick a new server secret, grind the dice digits until a chosen cadre comes first,
 * then recompute the seal record, both logs (timestamps and actors kept), every round's result,
 * and the public log's leaves, roots, proofs and signatures. Such a bundle proves only itself; the
 * bulletin printed at sealing is what catches it.
 */
export interface Forgery {
  secret: string;
  entropy: string;
  /** Format 1 drops the notary, the seal's show and the public log (a downgrade). */
  version: 1 | 2;
}

/** The seed a forgery gives (format 2 needs the seal's hash, so the seal entry is made first). */
function sealOf(real: DrawBundle, forgery: Forgery): { payload: SealPayload; entry: LogEntry } {
  const fields = { ...real, commitment: commitmentOf(forgery.secret) };
  const payload =
    forgery.version === 1
      ? sealPayloadOf(fields)
      : sealPayloadV2(fields, real.notary ?? null, real.show ? sealedShowOf(real.show) : null);
  const first = real.log[0] as LogEntry;
  return { payload, entry: appendEntry(undefined, { at: first.at, actor: first.actor, type: 'seal', payload }) };
}

/** Grinds entropy digits until `target` is first in the (unstratified) auditee order. */
export function grind(
  real: DrawBundle,
  target: string,
  version: 1 | 2,
  maxTries = 50_000,
): Forgery & { tries: number } {
  const secret = randomBytes(32).toString('hex');
  const { entry } = sealOf(real, { secret, entropy: '', version });
  const numbers = real.pool.auditees.filter((a) => a.stratum === '').map((a) => a.number);
  for (let tries = 1; tries <= maxTries; tries += 1) {
    const entropy = String(10_000_000_000_000_000_000n + BigInt(tries));
    const seed =
      version === 2
        ? deriveSeedV2({ sealHash: entry.hash, serverSecret: secret, notarySecret: real.notarySecret ?? '', entropy })
        : deriveSeed({
            drawId: real.drawId,
            rosterHash: real.roster.hash,
            planHash: real.planHash,
            poolHash: real.poolHash,
            secret,
            entropy,
          });
    if (stageOrder(stageSeed(seed, 'auditees', ''), numbers)[0] === target) return { secret, entropy, version, tries };
  }
  throw new Error(`no entropy put ${target} first in ${maxTries} tries`);
}

/** An entry's payload with the forged entropy and secret (and, downgraded, without the notary). */
function substituted(entry: LogEntry, forgery: Forgery): unknown {
  const payload = entry.payload as Record<string, unknown>;
  if (entry.type === 'lockEntropy') return { ...payload, entropy: forgery.entropy };
  if (entry.type === 'reveal') return { ...payload, secret: forgery.secret };
  return payload;
}

function rehashed(entries: readonly LogEntry[], forgery: Forgery, first: LogEntry[] = []): LogEntry[] {
  const log = [...first];
  for (const entry of entries) {
    if (forgery.version === 1 && entry.type === 'revealNotary') continue;
    log.push(
      appendEntry(log.at(-1), {
        at: entry.at,
        actor: entry.actor,
        type: entry.type,
        payload: substituted(entry, forgery),
      }),
    );
  }
  return log;
}

/** The county's whole public log as the insider rewrites it, re-signed with the key file. */
export interface PublicLogRewrite {
  /** Every leaf of the log at the time of the bundle, in order. */
  leaves: PublicLogLeaf[];
  /** The county key folder (public-log-signing.pem). */
  keyDir: string;
}

function signedHead(hashes: string[], timestamp: string, keyDir: string, proof: PublicLogProof): SignedTreeHead {
  const unsigned = { treeSize: hashes.length, rootHash: treeRoot(hashes), timestamp };
  const key = createPrivateKey(readFileSync(join(keyDir, 'public-log-signing.pem'), 'utf8'));
  const signature = sign(null, treeHeadMessage(unsigned), key).toString('hex');
  return { ...unsigned, keyId: proof.keyId, signature };
}

function rewrittenProof(
  real: PublicLogProof,
  seal: { payload: SealPayload; entry: LogEntry },
  final: { drawLogHead: string; drawLogLength: number; showLogHead: string | null; showLogLength: number } | null,
  rewrite: PublicLogRewrite,
): PublicLogProof {
  const indices = new Set(real.leaves.map((l) => l.index));
  const leaves = rewrite.leaves.slice(0, real.treeHead.treeSize).map((leaf, index): PublicLogLeaf => {
    if (!indices.has(index)) return leaf;
    if (leaf.kind === 'seal') return { ...leaf, sealHash: seal.entry.hash, seal: seal.payload };
    return final ? { ...leaf, ...final } : leaf;
  });
  const hashes = leaves.map(publicLeafHash);
  const sealIndex = real.leaves[0]?.index ?? 0;
  const sealSize = real.sealTreeHead.treeSize;
  return {
    ...real,
    treeHead: signedHead(hashes, real.treeHead.timestamp, rewrite.keyDir, real),
    sealTreeHead: signedHead(hashes.slice(0, sealSize), real.sealTreeHead.timestamp, rewrite.keyDir, real),
    leaves: real.leaves.map((l) => ({
      index: l.index,
      leaf: leaves[l.index] as PublicLogLeaf,
      inclusion: inclusionProof(hashes, l.index, hashes.length),
    })),
    sealInclusion: inclusionProof(hashes.slice(0, sealSize), sealIndex, sealSize),
    consistency: consistencyProof(hashes, sealSize, hashes.length),
  };
}

/**
 * The whole bundle recomputed for a forgery. `publicLog`: 'rewrite' recomputes and re-signs it,
 * 'keep' keeps the real one, 'drop' removes it.
 */
export function forgeBundle(
  real: DrawBundle,
  forgery: Forgery,
  publicLog: { mode: 'rewrite'; rewrite: PublicLogRewrite } | { mode: 'keep' } | { mode: 'drop' },
): DrawBundle {
  const seal = sealOf(real, forgery);
  const log = rehashed(real.log.slice(1), forgery, [seal.entry]);
  let state: DrawState = sealedState(seal.payload, real.plan, real.pool, seal.entry.hash);
  for (const entry of log.slice(1)) {
    const result = applyDrawCommand(state, commandOf(entry) as DrawCommand);
    if (!result.ok) throw new Error(`${entry.type}: ${result.message}`);
    state = result.state;
  }
  let show: ShowSection | undefined;
  if (real.show) {
    const showLog = rehashed(real.show.log, forgery);
    let showState = initialShow(sealedState(seal.payload, real.plan, real.pool, seal.entry.hash), {
      rehearsal: real.show.rehearsal,
      reportMinutes: real.show.reportMinutes,
      rollSeconds: real.show.rollSeconds,
      judges: real.show.judges,
    });
    for (const entry of showLog) {
      const command = loggedCommand(entry);
      if (!command) throw new Error(`show entry ${entry.seq} is not a command`);
      const result = transition(showState, command);
      if (!result.ok) throw new Error(`show ${entry.type}: ${result.message}`);
      showState = result.state;
    }
    show = {
      ...real.show,
      log: showLog,
      logHead: showLog.at(-1)?.hash ?? '',
      rounds: publishedRounds(showState, showLog),
    };
  }
  const closed = show?.log.some((e) => e.type === 'close') ?? false;
  const final = closed
    ? {
        drawLogHead: log.at(-1)?.hash ?? '',
        drawLogLength: log.length,
        showLogHead: show?.logHead ?? null,
        showLogLength: show?.log.length ?? 0,
      }
    : null;
  const proof =
    forgery.version === 2 && real.publicLog
      ? publicLog.mode === 'rewrite'
        ? rewrittenProof(real.publicLog, seal, final, publicLog.rewrite)
        : publicLog.mode === 'keep'
          ? real.publicLog
          : undefined
      : undefined;
  return JSON.parse(JSON.stringify(buildBundle(state, log, show, proof))) as DrawBundle;
}
