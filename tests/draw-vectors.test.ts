import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../server/draw-engine/canonical-json';
import { commitmentOf, deriveSeed, stageSeed } from '../server/draw-engine/seed';
import { seededSource, stageOrder } from '../server/draw-engine/order';
import { sha256Hex } from '../server/draw-engine/sha256';
import { verifyBundle } from '../server/verify/bundle';

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
