import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ed25519PublicKeyFingerprint, verifyEd25519 } from '../server/verify/ed25519';
import {
  consistencyProof,
  inclusionProof,
  leafHash,
  treeRoot,
  verifyConsistency,
  verifyInclusion,
} from '../server/verify/merkle';

const ROOT = join(import.meta.dirname, '..');
const VECTORS = join(ROOT, 'tests', 'vectors', 'transparency-v1.json');
const REFERENCE = join(ROOT, 'docs', 'reference', 'transparency_ref.py');

interface Vectors {
  leaves: { index: number; data: string; leafHash: string }[];
  roots: { size: number; root: string }[];
  inclusion: {
    case: string;
    index: number;
    treeSize: number;
    leafHash: string;
    proof: string[];
    root: string;
    valid: boolean;
  }[];
  consistency: {
    case: string;
    fromSize: number;
    toSize: number;
    fromRoot: string;
    toRoot: string;
    proof: string[];
    valid: boolean;
  }[];
  signatures: {
    case: string;
    publicKey: string;
    fingerprint: string;
    message: string;
    signature: string;
    valid: boolean;
  }[];
}

const vectors: Vectors = JSON.parse(readFileSync(VECTORS, 'utf8'));
const leafHashes = vectors.leaves.map((leaf) => leaf.leafHash);
const bytes = (hex: string): Uint8Array => new Uint8Array(Buffer.from(hex, 'hex'));

function runReference(path: string): ReturnType<typeof spawnSync> & { stdout: string } {
  return spawnSync('python3', [REFERENCE, path], { encoding: 'utf8' });
}

function tamperedCopy(change: (copy: Vectors) => void): string {
  const copy = structuredClone(vectors);
  change(copy);
  const path = join(mkdtempSync(join(tmpdir(), 'choucha-transparency-')), 'tampered.json');
  writeFileSync(path, JSON.stringify(copy));
  return path;
}

describe('transparency format v1 test vectors', () => {
  it('hold a 13-leaf tree, every proof of it, tampered cases and three signatures', () => {
    expect(vectors.leaves).toHaveLength(13);
    expect(vectors.roots).toHaveLength(14);
    expect(vectors.inclusion.filter((c) => c.valid)).toHaveLength((13 * 14) / 2);
    expect(vectors.consistency.filter((c) => c.valid)).toHaveLength((14 * 15) / 2);
    expect(vectors.inclusion.some((c) => !c.valid) && vectors.consistency.some((c) => !c.valid)).toBe(true);
    expect(vectors.signatures.map((s) => s.valid)).toEqual([true, false, false]);
  });

  it('the TypeScript code gives every leaf hash, root and proof, and every expected verdict', () => {
    for (const leaf of vectors.leaves) expect(leafHash(bytes(leaf.data))).toBe(leaf.leafHash);
    for (const { size, root } of vectors.roots) expect(treeRoot(leafHashes.slice(0, size))).toBe(root);
    for (const c of vectors.inclusion) {
      if (c.valid) expect(inclusionProof(leafHashes, c.index, c.treeSize)).toEqual(c.proof);
      expect(verifyInclusion(c.leafHash, c.index, c.treeSize, c.proof, c.root), c.case).toBe(c.valid);
    }
    for (const c of vectors.consistency) {
      if (c.valid) expect(consistencyProof(leafHashes, c.fromSize, c.toSize)).toEqual(c.proof);
      const verdict = verifyConsistency(c.fromSize, c.toSize, c.fromRoot, c.toRoot, c.proof);
      expect(verdict, `${c.case} ${c.fromSize} → ${c.toSize}`).toBe(c.valid);
    }
    for (const s of vectors.signatures) {
      expect(verifyEd25519(s.publicKey, bytes(s.message), s.signature), s.case).toBe(s.valid);
      expect(ed25519PublicKeyFingerprint(s.publicKey)).toBe(s.fingerprint);
    }
  });

  it('the standard-library Python reference agrees on every case', () => {
    const result = runReference(VECTORS);
    expect(result.stdout).toMatch(/ALL CHECKS PASSED/u);
    expect(result.status).toBe(0);
  });

  it('the Python reference refuses tampered copies: a root, a proof hash, a verdict, a signature', () => {
    const tamperings: [string, (copy: Vectors) => void, RegExp][] = [
      [
        'root',
        (copy) => {
          const last = copy.roots[13];
          if (last) last.root = leafHashes[0] ?? '';
        },
        /FAIL root of size 13/u,
      ],
      [
        'proof',
        (copy) => {
          const c = copy.inclusion.find((x) => x.valid && x.treeSize === 13 && x.index === 6);
          if (c) c.proof[1] = leafHashes[1] ?? '';
        },
        /FAIL inclusion 6 of 13 \(valid\)/u,
      ],
      [
        'verdict',
        (copy) => {
          const c = copy.consistency.find((x) => x.case === 'rewritten log');
          if (c) c.valid = true;
        },
        /FAIL consistency 8 -> 13 \(rewritten log\)/u,
      ],
      [
        'signature',
        (copy) => {
          const s = copy.signatures[0];
          if (s) s.message = `${s.message}00`;
        },
        /FAIL signature \(valid\)/u,
      ],
    ];
    for (const [what, change, failure] of tamperings) {
      const result = runReference(tamperedCopy(change));
      expect(result.stdout, what).toMatch(failure);
      expect(result.stdout, what).toMatch(/1 CHECK\(S\) FAILED/u);
      expect(result.status, what).toBe(1);
    }
  });
});
