import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../server/draw-engine/canonical-json';
import { commitmentOf, deriveSeed, deriveSeedV2, stageSeed } from '../server/draw-engine/seed';
import { entryHash } from '../server/draw-engine/log-chain';
import { parseTreeHead } from '../server/verify/bulletin-checks';
import { treeRoot } from '../server/verify/merkle';
import { keyIdOf, publicLeafHash, treeHeadMessage, treeHeadSignatureHolds } from '../server/verify/public-log';
import { seededSource, stageOrder } from '../server/draw-engine/order';
import { sha256Hex } from '../server/draw-engine/sha256';
import { verifyBundle } from '../server/verify/bundle';
import { tsxCommand } from './helpers/tsx-cli';

const ROOT = join(import.meta.dirname, '..');
const VECTORS = join(ROOT, 'tests', 'vectors', 'draw-v1.json');
const vectors = JSON.parse(readFileSync(VECTORS, 'utf8'));

describe('draw format v1 test vectors', () => {
  it('canonical JSON and its hash', () => {
    for (const c of vectors.canonicalJson) {
      expect(canonicalJson(c.value)).toBe(c.json);
      expect(sha256Hex(c.json)).toBe(c.sha256);
    }
  });

  it('commitment, seed and the seedrandom stream', () => {
    expect(commitmentOf(vectors.commitment.secret)).toBe(vectors.commitment.commitment);
    expect(deriveSeed(vectors.seed.inputs)).toBe(vectors.seed.seed);
    const source = seededSource(vectors.seedrandom.seed);
    expect(vectors.seedrandom.firstUint32.map(() => source.nextUint32())).toEqual(vectors.seedrandom.firstUint32);
  });

  it('stage seeds and orders, including leading zeros and a 20-digit number', () => {
    for (const stage of vectors.stages) {
      const seedHex = stageSeed(vectors.seed.seed, stage.kind, stage.key);
      expect(seedHex).toBe(stage.stageSeed);
      expect(stageOrder(seedHex, stage.items)).toEqual(stage.order);
    }
  });

  it('the vector bundle verifies', () => {
    expect(verifyBundle(vectors.bundle).checks.filter((c) => !c.ok)).toEqual([]);
  });

  it('an independent Python verifier written from docs/verification.md agrees on every vector', () => {
    const result = spawnSync('python3', [join(ROOT, 'docs', 'reference', 'verify_draw.py'), VECTORS], {
      encoding: 'utf8',
    });
    expect(result.stdout).toMatch(/ALL CHECKS PASSED/u);
    expect(result.status).toBe(0);
  });

  it('the Python verifier refuses a tampered bundle', () => {
    const forged = structuredClone(vectors.bundle);
    forged.auditeeStages[0].order.reverse();
    const path = join(mkdtempSync(join(tmpdir(), 'choucha-vectors-')), 'forged.json');
    writeFileSync(path, JSON.stringify(forged));
    const result = spawnSync('python3', [join(ROOT, 'docs', 'reference', 'verify_draw.py'), path], {
      encoding: 'utf8',
    });
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/FAIL auditee order/u);
  });
});

describe('draw format v2 test vectors', () => {
  const V2 = join(ROOT, 'tests', 'vectors', 'draw-v2.json');
  const v2 = JSON.parse(readFileSync(V2, 'utf8'));

  it('seal payload v2: canonical JSON, hash and the seal entry hash', () => {
    expect(canonicalJson(v2.seal.payload)).toBe(v2.seal.json);
    expect(sha256Hex(v2.seal.json)).toBe(v2.seal.sha256);
    expect(v2.seal.payload).toMatchObject({ version: 2, notary: { simulated: false }, show: { rehearsal: false } });
    const { hash, ...entry } = v2.seal.entry;
    expect(entryHash(entry)).toBe(hash);
    expect(v2.bundle.sealHash).toBe(hash);
    for (const c of v2.commitments) expect(commitmentOf(c.secret)).toBe(c.commitment);
  });

  it('seed v2 (two-party and single-party) and stage orders', () => {
    for (const c of v2.seeds) expect(deriveSeedV2(c.inputs)).toBe(c.seed);
    expect(v2.seeds[0].inputs.sealHash).toBe(v2.seal.entry.hash);
    for (const stage of v2.stages) {
      const seedHex = stageSeed(v2.seeds[0].seed, stage.kind, stage.key);
      expect(seedHex).toBe(stage.stageSeed);
      expect(stageOrder(seedHex, stage.items)).toEqual(stage.order);
    }
  });

  it('public log leaves, roots and signed heads (RFC 8032 TEST 1 key)', () => {
    const log = v2.publicLog;
    expect(keyIdOf(log.publicKey)).toBe(log.keyId);
    for (const leaf of log.leaves) {
      expect(canonicalJson(leaf.leaf)).toBe(leaf.json);
      expect(publicLeafHash(leaf.leaf)).toBe(leaf.leafHash);
    }
    for (const { head, message } of log.heads) {
      expect(Buffer.from(treeHeadMessage(head)).toString('hex')).toBe(message);
      expect(head.rootHash).toBe(
        treeRoot(log.leaves.slice(0, head.treeSize).map((l: { leafHash: string }) => l.leafHash)),
      );
      expect(treeHeadSignatureHolds(head, log.publicKey)).toBe(true);
    }
  });

  it('the vector bundle verifies, against its bulletin too, and is two-party', () => {
    const bulletin = {
      commitments: v2.bulletin.commitments,
      treeHead: parseTreeHead(v2.bulletin.treeHead) ?? undefined,
      keyId: v2.bulletin.keyId,
    };
    const report = verifyBundle(v2.bundle, bulletin);
    expect(report.checks.filter((c) => !c.ok)).toEqual([]);
    expect(report.parties).toBe('two-party');
    expect(report.outcome).toBe('drawn');
    expect(v2.bundle.show.rounds).toHaveLength(2);
  });

  it('the Python reference agrees on every v2 vector and still on v1', () => {
    for (const file of [V2, VECTORS]) {
      const result = spawnSync('python3', [join(ROOT, 'docs', 'reference', 'verify_draw.py'), file], {
        encoding: 'utf8',
      });
      expect(result.stdout).toMatch(/ALL CHECKS PASSED/u);
      expect(result.stdout).toMatch(file === V2 ? /OK {3}public log: consistency 1 -> 2/u : /OK {3}seal record/u);
      expect(result.status).toBe(0);
    }
  });

  it('the vectors are what the script writes (deterministic)', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'choucha-vectors-v2-')), 'draw-v2.json');
    const result = spawnSync(...tsxCommand('scripts/make-vectors-v2.ts', [out]), {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(result.status).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(readFileSync(V2, 'utf8'));
  }, 30_000);

  it('the Python reference refuses the v2 vector bundle with show.rehearsal flipped', () => {
    const forged = structuredClone(v2.bundle);
    forged.show.rehearsal = true;
    const path = join(mkdtempSync(join(tmpdir(), 'choucha-vectors-v2-')), 'rehearsal.json');
    writeFileSync(path, JSON.stringify(forged));
    const result = spawnSync('python3', [join(ROOT, 'docs', 'reference', 'verify_draw.py'), path], {
      encoding: 'utf8',
    });
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/FAIL seal record \(format 2: notary and show\)/u);
  });
});
