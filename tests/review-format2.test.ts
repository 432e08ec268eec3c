import { randomBytes } from 'node:crypto';
import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../server/app';
import { loadDemoCounty } from '../server/demo/load-demo';
import { defaultPlan } from '../server/draw-engine/default-plan';
import { applyDrawCommand, type DrawCommand, type DrawState } from '../server/draw-engine/ceremony';
import { appendEntry, type LogEntry } from '../server/draw-engine/log-chain';
import { commitmentOf } from '../server/draw-engine/seed';
import { openDatabase } from '../server/store/db';
import { openDraws } from '../server/draws/open-draws';
import { buildBundle, sealedState, sealPayloadOf, verifyBundle, type DrawBundle } from '../server/verify/bundle';
import { inclusionProof } from '../server/verify/merkle';
import { publicLeafHash, type PublicLogLeaf } from '../server/verify/public-log';
import type { DrawPlan } from '../server/protocol/draw';
import { testApp } from './helpers/test-app';

/**
 * An adversarial review of the format-2 trust design (issue 18): each case is an attack that a
 * verifier or the server must refuse, built from a real draw sealed by the real app.
 */
const PLAN: DrawPlan = { ...defaultPlan('2026-11-26'), notary: 'required' };
const ENTROPY = '62415336124566123452';

let app: FastifyInstance;
let close: () => Promise<void>;
let dir: string;

beforeAll(async () => {
  ({ app, close, dir } = await testApp());
  await loadDemoCounty(app.services.db, { now: '2026-11-01T00:00:00.000Z', cadres: 120, teachers: 10 });
});
afterAll(async () => close());

/** A two-party draw run outside a show up to its auditees: its notary's secret and its id. */
function twoPartyDraw(): { drawId: string; notarySecret: string } {
  const draws = app.services.draws;
  const notarySecret = randomBytes(32).toString('hex');
  const { drawId } = draws.seal(
    { title: '评审用两方抽取', plan: PLAN, notaryCommitment: commitmentOf(notarySecret) },
    'operator',
  );
  draws.command(drawId, { type: 'lockEntropy', entropy: ENTROPY }, 'supervisor', 'supervisor');
  draws.command(drawId, { type: 'reveal' }, 'operator', 'operator');
  draws.command(drawId, { type: 'revealNotary', secret: notarySecret }, 'supervisor', 'supervisor');
  draws.command(drawId, { type: 'drawAuditees' }, 'operator', 'operator');
  return { drawId, notarySecret };
}

const firstPick = (bundle: Pick<DrawBundle, 'auditeeStages'>) => bundle.auditeeStages?.[0]?.selections[0]?.number;

describe('review of format 2: attacks that must fail', () => {
  it('a format-2 draw downgraded to version 1 does not pass against both printed commitments', () => {
    const { drawId } = twoPartyDraw();
    const real = JSON.parse(JSON.stringify(app.services.draws.bundle(drawId))) as DrawBundle;
    const printed = { commitments: [real.commitment, real.notary?.commitment ?? ''] };
    expect(verifyBundle(real, printed).ok).toBe(true);

    // The forger keeps the server's real secret (public since the reveal), the real digits and
    // both commitments, drops the notary's secret and re-hashes a version-1 log with the original
    // times: the v1 seed ignores the notary, so the result is another one.
    let state: DrawState = sealedState(sealPayloadOf(real), real.plan, real.pool, '');
    const log: LogEntry[] = [
      appendEntry(undefined, { ...real.log[0], type: 'seal', payload: sealPayloadOf(real) } as LogEntry),
    ];
    const apply = (command: DrawCommand, at: string) => {
      const result = applyDrawCommand(state, command);
      if (!result.ok) throw new Error(result.message);
      state = result.state;
      const { type, ...payload } = command;
      log.push(appendEntry(log.at(-1), { at, actor: 'operator', type, payload }));
    };
    apply({ type: 'lockEntropy', entropy: ENTROPY }, real.log[1]?.at ?? '');
    apply({ type: 'reveal', secret: real.secret ?? '' }, real.log[2]?.at ?? '');
    apply({ type: 'drawAuditees' }, real.log[4]?.at ?? '');
    const forged = { ...buildBundle(state, log), notary: real.notary };
    expect(forged.version).toBe(1);
    expect(forged.entropy).toBe(real.entropy);
    expect(firstPick(forged)).not.toBe(firstPick(real));

    const report = verifyBundle(JSON.parse(JSON.stringify(forged)), printed);
    expect(report.ok).toBe(false);
    expect(report.checks.find((c) => c.id === 'bulletin-commitment')?.ok).toBe(false);
    // Nor may a version-1 bundle call itself two-party: its seed never used a notary's secret.
    expect(verifyBundle(JSON.parse(JSON.stringify(forged))).parties).toBe('single-party');
  });

  it("the bulletin's tree head is the one right after this draw's seal, not any later head", () => {
    const { drawId } = twoPartyDraw();
    const publicLog = app.services.publicLog;
    const first = app.services.draws.bundle(drawId);
    const sealLeaf = first.publicLog?.leaves[0];
    if (!sealLeaf || sealLeaf.leaf.kind !== 'seal') throw new Error('no seal leaf');
    // Whoever holds the signing key appends a second seal record for the same draw (same
    // commitments, another time, hence another seal hash and another seed) and prints the head
    // after it: the first record's bundle must not pass against that printed head.
    const alternative: PublicLogLeaf = { ...sealLeaf.leaf, at: '2026-11-26T09:59:59.999Z', sealHash: '0'.repeat(64) };
    const { head: printedHead } = publicLog.append(alternative);
    const printed = {
      commitments: [first.commitment, first.notary?.commitment ?? ''],
      treeHead: { treeSize: printedHead.treeSize, rootHash: printedHead.rootHash },
      keyId: publicLog.keyId(),
    };
    const bundle = JSON.parse(JSON.stringify(app.services.draws.bundle(drawId))) as DrawBundle;
    expect(bundle.publicLog?.treeHead.treeSize).toBe(printedHead.treeSize);
    expect(verifyBundle(bundle, printed).ok).toBe(false);

    // Nor may the bundle name the later head as its seal head: the seal head's size is the seal
    // leaf's index + 1.
    const hashes = publicLog.leaves(0, 10_000).map((l) => l.leafHash);
    const proof = bundle.publicLog;
    if (!proof) throw new Error('no public log');
    const relabelled: DrawBundle = {
      ...bundle,
      publicLog: {
        ...proof,
        sealTreeHead: printedHead,
        sealInclusion: inclusionProof(hashes.slice(0, printedHead.treeSize), sealLeaf.index, printedHead.treeSize),
        consistency: [],
      },
    };
    expect(publicLeafHash(sealLeaf.leaf)).toBe(hashes[sealLeaf.index]);
    const report = verifyBundle(relabelled, printed);
    expect(report.ok).toBe(false);
  });
});

describe('review of format 2: the replay', () => {
  it('a replacement reason inherited from Object.prototype does not replay', () => {
    const { drawId } = twoPartyDraw();
    const real = JSON.parse(JSON.stringify(app.services.draws.bundle(drawId))) as DrawBundle;
    let state: DrawState = sealedState(real.log[0]?.payload as never, real.plan, real.pool, real.sealHash ?? '');
    for (const entry of real.log.slice(1)) {
      const result = applyDrawCommand(state, { type: entry.type, ...(entry.payload as object) } as DrawCommand);
      if (!result.ok) throw new Error(result.message);
      state = result.state;
    }
    const number = firstPick(real) ?? '';
    for (const reason of ['constructor', 'toString', '__proto__']) {
      const result = applyDrawCommand(state, { type: 'replaceAuditee', number, reason } as DrawCommand);
      expect(result.ok, reason).toBe(false);
    }
  });
});

describe('review of format 2: the key folder and the public log cache', () => {
  it('refuses to start on a database with format-2 draws when the key folder is missing', async () => {
    const own = await testApp();
    const dbPath = join(own.dir, 'choucha.db');
    await loadDemoCounty(own.app.services.db, { now: '2026-11-01T00:00:00.000Z', cadres: 60, teachers: 5 });
    own.app.services.draws.seal({ title: '单方', plan: defaultPlan('2026-11-26') }, 'operator');
    const keyId = own.app.services.publicLog.keyId();
    await own.app.close();
    rmSync(join(own.dir, 'keys'), { recursive: true, force: true });
    let started: FastifyInstance | undefined;
    let error: unknown = null;
    try {
      started = await buildApp({ dbPath });
    } catch (caught) {
      error = caught;
    }
    const newKeyId = started?.services.publicLog.keyId();
    await started?.close();
    rmSync(own.dir, { recursive: true, force: true });
    // A new key would fork the log's identity and make every sealed secret unreadable.
    expect(newKeyId).toBeUndefined();
    expect(String(error)).toMatch(/county key files missing: .*vault\.key.*restore the key folder/u);
    expect(keyId).toMatch(/^[0-9a-f]{64}$/u);
  });

  it("refuses to start with another county's key folder in place of this database's", async () => {
    const own = await testApp();
    const stranger = await testApp();
    const dbPath = join(own.dir, 'choucha.db');
    await loadDemoCounty(own.app.services.db, { now: '2026-11-01T00:00:00.000Z', cadres: 60, teachers: 5 });
    own.app.services.draws.seal({ title: '单方', plan: defaultPlan('2026-11-26') }, 'operator');
    await own.app.close();
    await stranger.app.close();
    rmSync(join(own.dir, 'keys'), { recursive: true, force: true });
    cpSync(join(stranger.dir, 'keys'), join(own.dir, 'keys'), { recursive: true });
    let error: unknown = null;
    try {
      await (await buildApp({ dbPath })).close();
    } catch (caught) {
      error = caught;
    }
    rmSync(own.dir, { recursive: true, force: true });
    rmSync(stranger.dir, { recursive: true, force: true });
    expect(String(error)).toMatch(/is not the one that signed this database's public log/u);
  });

  it('a second process on the same database does not leave the first with a stale leaf cache', () => {
    const dbPath = join(dir, 'choucha.db');
    const other = openDatabase(dbPath);
    try {
      const services = app.services;
      const first = twoPartyDraw();
      // The first process reads the log (its cache now holds every leaf so far)...
      expect(verifyBundle(JSON.parse(JSON.stringify(services.draws.bundle(first.drawId)))).ok).toBe(true);
      // ...a second process on the same file and key folder seals a draw...
      const second = openDraws(other, { dbPath, clock: services.clock, random: services.random });
      second.draws.seal({ title: '另一进程', plan: defaultPlan('2026-11-26') }, 'operator');
      // ...and the first still exports proofs that hold, and can still seal.
      expect(verifyBundle(JSON.parse(JSON.stringify(services.draws.bundle(first.drawId)))).ok).toBe(true);
      expect(() => twoPartyDraw()).not.toThrow();
    } finally {
      other.close();
    }
  });
});
