/**
 * Writes tests/vectors/draw-v2.json: format 2 from fixed inputs (a server and a notary secret, the
 * Ed25519 key of RFC 8032 TEST 1, fixed timestamps): the seal payload with its canonical JSON and
 * hash, seed v2, stage orders, the public log's leaves and signed heads, and a whole two-party
 * bundle with its show, built by the same pure engines the server runs (ceremony, run-of-show,
 * scoring). Committed; tests/draw-vectors.test.ts checks the engine still gives them and that
 * docs/reference/verify_draw.py agrees. Regenerate only for a new format version.
 */
import { createPrivateKey, sign } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { canonicalJson } from '../server/draw-engine/canonical-json';
import type { DrawState } from '../server/draw-engine/ceremony';
import { appendEntry, type LogEntry } from '../server/draw-engine/log-chain';
import { stageOrder } from '../server/draw-engine/order';
import { commitmentOf, deriveSeedV2, stageSeed } from '../server/draw-engine/seed';
import { sha256Hex } from '../server/draw-engine/sha256';
import {
  basePlan,
  FIXED_ENTROPY,
  FIXED_NOTARY_SECRET,
  FIXED_SECRET,
  sealedFixture,
} from '../server/draw-engine/test-fixtures';
import type { SignedTreeHead } from '../server/protocol/draw';
import { initialShow, transition, type ShowCommand, type ShowState } from '../server/run-of-show/run-of-show';
import { buildBundle, sealedState, sealPayloadV2, type SealedShow } from '../server/verify/bundle';
import { consistencyProof, inclusionProof, treeRoot } from '../server/verify/merkle';
import {
  keyIdOf,
  publicLeafHash,
  treeHeadMessage,
  type PublicLogLeaf,
  type PublicLogProof,
} from '../server/verify/public-log';
import { publishedRounds } from '../server/verify/show-section';

/** RFC 8032 §7.1 TEST 1: its secret seed and public key. */
const RFC8032_SEED = '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60';
const RFC8032_PUBLIC = 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a';
const signingKey = createPrivateKey({
  key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), Buffer.from(RFC8032_SEED, 'hex')]),
  format: 'der',
  type: 'pkcs8',
});
const T0 = Date.parse('2026-11-26T12:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

const plan = basePlan({ notary: 'required', auditees: { mode: 'total', count: 2 }, contactsPerAuditee: 3 });
const fixture = sealedFixture(plan, 'D20261126-v2vector');
const judges = [
  { seat: 1, recusals: [] },
  { seat: 2, recusals: [] },
  { seat: 3, recusals: ['00001'] },
];
const sealedShow: SealedShow = {
  eventId: 'E20261126-v2vector',
  rehearsal: false,
  mode: 'televised',
  reportMinutes: 5,
  rollSeconds: 4,
  judges,
};
const sealPayload = sealPayloadV2(
  fixture,
  { commitment: commitmentOf(FIXED_NOTARY_SECRET), simulated: false },
  sealedShow,
);
const sealEntry = appendEntry(undefined, { at: iso(T0), actor: 'operator', type: 'seal', payload: sealPayload });
const sealed: DrawState = sealedState(sealPayload, plan, fixture.pool, sealEntry.hash);

const seedInputs = {
  sealHash: sealEntry.hash,
  serverSecret: FIXED_SECRET,
  notarySecret: FIXED_NOTARY_SECRET,
  entropy: FIXED_ENTROPY,
};
const seed = deriveSeedV2(seedInputs);
const singleParty = { ...seedInputs, notarySecret: '' };

// The show, run by the pure run-of-show as ShowRunner runs it: each command logged, each ceremony step too.
let show: ShowState = initialShow(sealed, { rehearsal: false, reportMinutes: 5, rollSeconds: 4, judges });
const showLog: LogEntry[] = [];
const drawLog: LogEntry[] = [sealEntry];
let at = T0 + 60_000;
function run(body: Record<string, unknown>, actor = 'operator'): void {
  at += 1000;
  const command = { ...body, at } as ShowCommand;
  const result = transition(show, command);
  if (!result.ok) throw new Error(`${command.type}: ${result.code} ${result.message}`);
  show = result.state;
  const { type, ...payload } = command;
  showLog.push(appendEntry(showLog.at(-1), { at: iso(at), actor, type, payload }));
  for (const effect of result.effects) {
    if (effect.type !== 'draw') continue;
    const { type: drawType, ...drawPayload } = effect.command;
    drawLog.push(appendEntry(drawLog.at(-1), { at: iso(at), actor, type: drawType, payload: drawPayload }));
  }
}
const currentRound = () => show.rounds.at(-1) as ShowState['rounds'][number];

run({ type: 'open' });
run({ type: 'lockEntropy', entropy: FIXED_ENTROPY, by: 'supervisor' }, 'supervisor');
run({ type: 'reveal', secret: FIXED_SECRET });
run({ type: 'revealNotary', secret: FIXED_NOTARY_SECRET }, 'supervisor');
for (const [r, findings] of [
  [
    ['属实', '满意'],
    ['属实', '基本满意'],
  ],
  [
    ['不符', '不满意'],
    ['未联系上', null],
  ],
].entries()) {
  for (const type of ['drawAuditee', 'presentAuditee', 'startReport', 'endReport', 'drawHouseholds']) run({ type });
  run({ type: 'replaceHousehold', household: currentRound().households[0]?.number, reason: 'NO_ANSWER' });
  let i = 0;
  for (;;) {
    const pending = currentRound().households.find((h) => h.replaced === null && h.outcome === null);
    if (!pending) break;
    const [outcome, satisfaction] = findings[i % findings.length] as [string, string | null];
    i += 1;
    run({ type: 'recordOutcome', household: pending.number, outcome, satisfaction });
  }
  run({ type: 'openJudging' });
  const round = currentRound();
  for (const seat of [1, 2, 3]) {
    if (judges[seat - 1]?.recusals.includes(round.auditeeNumber as never)) continue;
    const hundredths = 8000 + seat * 350 + r * 120;
    run(
      {
        type: 'submitScore',
        seat,
        round: round.index,
        auditeeNumber: round.auditeeNumber,
        hundredths,
        items: [hundredths],
        submissionId: `v2-seat${seat}-round${r}`,
      },
      `judge:${seat}`,
    );
  }
  run({ type: 'lockJudging', without: [] });
  run({ type: 'revealScores' });
  run({ type: 'showResult' });
}
run({ type: 'close' });

// The county's public log: the seal leaf when sealed, the final leaf when the show closed.
const leaves: PublicLogLeaf[] = [
  {
    kind: 'seal',
    drawId: sealed.drawId,
    title: '示范县干部作风电视抽查（向量）',
    sealHash: sealEntry.hash,
    seal: sealPayload,
    at: iso(T0),
  },
  {
    kind: 'final',
    drawId: sealed.drawId,
    status: 'completed',
    reason: null,
    drawLogHead: drawLog.at(-1)?.hash ?? '',
    drawLogLength: drawLog.length,
    showLogHead: showLog.at(-1)?.hash ?? '',
    showLogLength: showLog.length,
    at: iso(at),
  },
];
const hashes = leaves.map(publicLeafHash);
const keyId = keyIdOf(RFC8032_PUBLIC);
function signedHead(size: number, timestamp: string): SignedTreeHead {
  const unsigned = { treeSize: size, rootHash: treeRoot(hashes.slice(0, size)), timestamp };
  return { ...unsigned, keyId, signature: sign(null, treeHeadMessage(unsigned), signingKey).toString('hex') };
}
const sealTreeHead = signedHead(1, iso(T0));
const treeHead = signedHead(2, iso(at));
const publicLog: PublicLogProof = {
  publicKey: RFC8032_PUBLIC,
  keyId,
  treeHead,
  leaves: leaves.map((leaf, index) => ({ index, leaf, inclusion: inclusionProof(hashes, index, 2) })),
  sealTreeHead,
  sealInclusion: inclusionProof(hashes.slice(0, 1), 0, 1),
  consistency: consistencyProof(hashes, 1, 2),
};
const bundle = buildBundle(
  show.draw,
  drawLog,
  { ...sealedShow, log: showLog, logHead: showLog.at(-1)?.hash ?? '', rounds: publishedRounds(show, showLog) },
  publicLog,
);

const stages = [
  { kind: 'auditees' as const, key: '' },
  { kind: 'contacts' as const, key: '00002' },
].map(({ kind, key }) => {
  const items = ['00010', '00002', '9', '010', '10', '00001', 'A-7', '12345678901234567890', '00003', '5'];
  const seedHex = stageSeed(seed, kind, key);
  return { kind, key, stageSeed: seedHex, items, order: stageOrder(seedHex, items) };
});

const vectors = {
  description:
    'choucha draw format v2 test vectors (two secrets, seal v2, public log); see docs/verification.md. Ed25519 key: RFC 8032 TEST 1.',
  version: 2,
  commitments: [
    { secret: FIXED_SECRET, commitment: commitmentOf(FIXED_SECRET) },
    { secret: FIXED_NOTARY_SECRET, commitment: commitmentOf(FIXED_NOTARY_SECRET) },
  ],
  seal: {
    payload: sealPayload,
    json: canonicalJson(sealPayload),
    sha256: sha256Hex(canonicalJson(sealPayload)),
    entry: sealEntry,
  },
  seeds: [
    { case: 'two-party', inputs: seedInputs, seed },
    { case: 'single-party', inputs: singleParty, seed: deriveSeedV2(singleParty) },
  ],
  stages,
  publicLog: {
    publicKey: RFC8032_PUBLIC,
    keyId,
    leaves: leaves.map((leaf, i) => ({ leaf, json: canonicalJson(leaf), leafHash: hashes[i] })),
    heads: [sealTreeHead, treeHead].map((head) => ({
      head,
      message: Buffer.from(treeHeadMessage(head)).toString('hex'),
    })),
  },
  bulletin: {
    commitments: [bundle.commitment, bundle.notary?.commitment ?? ''],
    treeHead: `${sealTreeHead.treeSize}:${sealTreeHead.rootHash}`,
    keyId,
  },
  bundle,
};
const committed = join(import.meta.dirname, '..', 'tests', 'vectors', 'draw-v2.json');
// An output path may be given (the test regenerates into a temporary folder and compares).
const path = process.argv[2] ?? committed;
// Through prettier (as make-transparency-vectors.ts), with the repository's options wherever it is
// written, so `npx prettier --check .` accepts the committed file exactly as written.
const options = (await resolveConfig(committed)) ?? {};
writeFileSync(path, await format(JSON.stringify(vectors), { ...options, filepath: committed }));
console.log(path);
