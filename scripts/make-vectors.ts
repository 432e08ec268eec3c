/**
 * Writes tests/vectors/draw-v1.json: fixed inputs with the seeds, orders and a whole bundle the
 * draw engine gives for them. Committed; tests/draw-vectors.test.ts checks the engine still
 * gives them, and docs/reference/verify_draw.py (an independent Python verifier written from
 * docs/verification.md) checks them too. Regenerate only for a new format version.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalJson } from '../server/draw-engine/canonical-json';
import { commitmentOf, deriveSeed, stageSeed } from '../server/draw-engine/seed';
import { seededSource, stageOrder } from '../server/draw-engine/order';
import { sha256Hex } from '../server/draw-engine/sha256';
import { applyDrawCommand, activeSelections, type DrawCommand } from '../server/draw-engine/ceremony';
import { buildBundle, sealPayloadOf } from '../server/verify/bundle';
import { appendEntry, type LogEntry } from '../server/draw-engine/log-chain';
import { basePlan, FIXED_ENTROPY, FIXED_SECRET, sealedFixture } from '../server/draw-engine/test-fixtures';

const seedInputs = {
  drawId: 'D20261126-0001',
  rosterHash: sha256Hex('roster'),
  planHash: sha256Hex('plan'),
  poolHash: sha256Hex('pool'),
  secret: FIXED_SECRET,
  entropy: FIXED_ENTROPY,
};
const seed = deriveSeed(seedInputs);
const numbers = ['00010', '00002', '9', '010', '10', '00001', 'A-7', '12345678901234567890', '00003', '5'];
const stages = [
  { kind: 'auditees' as const, key: '' },
  { kind: 'auditees' as const, key: '城关街道' },
  { kind: 'contacts' as const, key: '00002' },
].map(({ kind, key }) => {
  const seedHex = stageSeed(seed, kind, key);
  return { kind, key, stageSeed: seedHex, items: numbers, order: stageOrder(seedHex, numbers) };
});
const source = seededSource(stages[0]?.stageSeed as string);
const uint32 = Array.from({ length: 8 }, () => source.nextUint32());

// A whole small draw, as a bundle.
let state = sealedFixture(
  basePlan({
    auditees: {
      mode: 'strata',
      by: 'town',
      quotas: [
        { stratum: '城关街道', count: 2 },
        { stratum: '许家湖镇', count: 1 },
      ],
    },
  }),
  'D20261126-vector',
);
const log: LogEntry[] = [
  appendEntry(undefined, {
    at: '2026-11-26T12:00:00.000Z',
    actor: 'operator',
    type: 'seal',
    payload: sealPayloadOf(state),
  }),
];
const apply = (command: DrawCommand, minute: number) => {
  const result = applyDrawCommand(state, command);
  if (!result.ok) throw new Error(result.message);
  state = result.state;
  const { type, ...payload } = command;
  log.push(
    appendEntry(log.at(-1), {
      at: `2026-11-26T12:${String(minute).padStart(2, '0')}:00.000Z`,
      actor: type === 'lockEntropy' ? 'supervisor' : 'operator',
      type,
      payload,
    }),
  );
};
apply({ type: 'lockEntropy', entropy: FIXED_ENTROPY }, 5);
apply({ type: 'reveal', secret: FIXED_SECRET }, 6);
apply({ type: 'drawAuditees' }, 7);
const firstStage = state.auditeeStages?.[0];
apply({ type: 'replaceAuditee', number: firstStage?.selections[0]?.number as string, reason: 'TRIP' }, 8);
for (const [i, s] of activeSelections(state.auditeeStages?.flatMap((x) => x.selections) ?? []).entries()) {
  apply({ type: 'drawContacts', auditeeNumber: s.number }, 10 + i);
}
const stage = state.contactStages[0];
apply(
  {
    type: 'replaceContact',
    auditeeNumber: stage?.auditeeNumber as string,
    contactNumber: stage?.selections[1]?.number as string,
    reason: 'NO_ANSWER',
  },
  20,
);

const vectors = {
  description: 'choucha draw format v1 test vectors; see docs/verification.md',
  canonicalJson: [
    {
      value: { b: 1, a: ['张三', true, null], c: { y: '"\\', x: '\n' } },
      json: canonicalJson({ b: 1, a: ['张三', true, null], c: { y: '"\\', x: '\n' } }),
    },
  ].map((v) => ({ ...v, sha256: sha256Hex(v.json) })),
  commitment: { secret: FIXED_SECRET, commitment: commitmentOf(FIXED_SECRET) },
  seed: { inputs: seedInputs, seed },
  seedrandom: { seed: stages[0]?.stageSeed, firstUint32: uint32 },
  stages,
  bundle: buildBundle(state, log),
};
const path = join(import.meta.dirname, '..', 'tests', 'vectors', 'draw-v1.json');
writeFileSync(path, `${JSON.stringify(vectors, null, 1)}\n`);
console.log(path);
