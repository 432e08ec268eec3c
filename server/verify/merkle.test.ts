import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { consistencyProof, inclusionProof, leafHash, treeRoot, verifyConsistency, verifyInclusion } from './merkle';

const bytes = (hex: string): Uint8Array => new Uint8Array(Buffer.from(hex, 'hex'));

// The certificate-transparency reference vectors (transparency-dev/merkle testonly/constants.go
// and proof/verify_test.go, from the C++ CT merkle_tree_test.cc): eight leaves and their roots.
const CT_LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'];
const CT_LEAF_HASHES = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
  '0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7',
  '07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7',
  'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
  '4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658',
  'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
  '46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1',
];
const CT_ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
const H = {
  l1: '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
  l4: 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
  l6: 'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
  n23: '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
  n45: '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
  n67: 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
  n0123: 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  n4567: '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
  n01: 'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  l0: '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
};
// Indexes are 0-based here; the Go file counts leaves from 1.
const CT_INCLUSION = [
  { index: 0, size: 1, proof: [] },
  { index: 0, size: 8, proof: [H.l1, H.n23, H.n4567] },
  { index: 5, size: 8, proof: [H.l4, H.n67, H.n0123] },
  { index: 2, size: 3, proof: [H.n01] },
  { index: 1, size: 5, proof: [H.l0, H.n23, H.l4] },
];
const CT_CONSISTENCY = [
  { from: 1, to: 1, proof: [] },
  { from: 1, to: 8, proof: [H.l1, H.n23, H.n4567] },
  { from: 6, to: 8, proof: [H.n45, H.n67, H.n0123] },
  { from: 2, to: 5, proof: [H.n23, H.l4] },
  { from: 6, to: 7, proof: [H.n45, H.l6, H.n0123] },
];

/** MTH straight from RFC 6962 §2.1 with node:crypto, as an independent reference for the tests. */
function referenceRoot(leaves: readonly string[]): string {
  const sha = (...parts: Buffer[]): string => createHash('sha256').update(Buffer.concat(parts)).digest('hex');
  if (leaves.length === 0) return sha();
  if (leaves.length === 1) return leaves[0] as string;
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  const left = Buffer.from(referenceRoot(leaves.slice(0, k)), 'hex');
  const right = Buffer.from(referenceRoot(leaves.slice(k)), 'hex');
  return sha(Buffer.from([1]), left, right);
}

/** Which side each audit-path sibling sits on for leaf m of n (RFC 6962 §2.1.1's recursion). */
function pathShape(m: number, n: number): string {
  if (n === 1) return '';
  let k = 1;
  while (k * 2 < n) k *= 2;
  return m < k ? `${pathShape(m, k)}R` : `${pathShape(m - k, n - k)}L`;
}

function alterHash(hash: string): string {
  return (hash[0] === '0' ? '1' : '0') + hash.slice(1);
}

describe('RFC 6962 Merkle tree: certificate-transparency reference vectors', () => {
  it('leaf hashes and the roots of every size from 0 to 8', () => {
    expect(CT_LEAVES.map((leaf) => leafHash(bytes(leaf)))).toEqual(CT_LEAF_HASHES);
    for (let size = 0; size <= 8; size += 1) expect(treeRoot(CT_LEAF_HASHES.slice(0, size))).toBe(CT_ROOTS[size]);
  });

  it('the published inclusion paths are generated and verify', () => {
    for (const { index, size, proof } of CT_INCLUSION) {
      expect(inclusionProof(CT_LEAF_HASHES, index, size)).toEqual(proof);
      expect(verifyInclusion(CT_LEAF_HASHES[index] ?? '', index, size, proof, CT_ROOTS[size] ?? '')).toBe(true);
    }
  });

  it('the published consistency proofs are generated and verify', () => {
    for (const { from, to, proof } of CT_CONSISTENCY) {
      expect(consistencyProof(CT_LEAF_HASHES, from, to)).toEqual(proof);
      expect(verifyConsistency(from, to, CT_ROOTS[from] ?? '', CT_ROOTS[to] ?? '', proof)).toBe(true);
    }
  });

  it('the edge cases of RFC 9162 verification', () => {
    const [empty, root1, root2] = [CT_ROOTS[0] ?? '', CT_ROOTS[1] ?? '', CT_ROOTS[2] ?? ''];
    expect(verifyConsistency(0, 0, empty, empty, [])).toBe(true);
    expect(verifyConsistency(0, 5, root1, root2, [])).toBe(true);
    expect(verifyConsistency(0, 5, root1, root2, [empty])).toBe(false);
    expect(verifyConsistency(1, 1, root1, root1, [])).toBe(true);
    expect(verifyConsistency(1, 1, root1, root2, [])).toBe(false);
    expect(verifyConsistency(1, 1, root1, root1, [root1])).toBe(false);
    expect(verifyConsistency(2, 1, root2, root1, [])).toBe(false);
    expect(verifyConsistency(1, 2, root1, root2, [])).toBe(false);
    expect(verifyInclusion(root1, 0, 0, [], empty)).toBe(false);
    expect(verifyInclusion(root1, 1, 1, [], root1)).toBe(false);
    expect(verifyInclusion(root1, 0, 1, [], root1)).toBe(true);
  });

  it('answers false, never throws, for malformed input', () => {
    const leaf = CT_LEAF_HASHES[0] ?? '';
    const root = CT_ROOTS[8] ?? '';
    const proof = inclusionProof(CT_LEAF_HASHES, 0, 8);
    const bad: unknown[] = [null, undefined, -1, 1.5, NaN, Infinity, '3', '', 'xyz', leaf.toUpperCase(), [leaf, 7], {}];
    for (const value of bad) {
      for (let position = 0; position < 5; position += 1) {
        const args: unknown[] = [leaf, 0, 8, proof, root];
        args[position] = value;
        expect(Reflect.apply(verifyInclusion, undefined, args)).toBe(false);
        const consistency: unknown[] = [6, 8, CT_ROOTS[6], root, consistencyProof(CT_LEAF_HASHES, 6, 8)];
        consistency[position] = value;
        expect(Reflect.apply(verifyConsistency, undefined, consistency)).toBe(false);
      }
    }
    expect(() => inclusionProof(CT_LEAF_HASHES, 8, 8)).toThrow(RangeError);
    expect(() => inclusionProof(CT_LEAF_HASHES, 0, 9)).toThrow(RangeError);
    expect(() => consistencyProof(CT_LEAF_HASHES, 5, 4)).toThrow(RangeError);
    expect(() => treeRoot(['zz'])).toThrow(RangeError);
  });
});

describe('RFC 6962 Merkle tree: every proof of every tree up to 40 leaves', () => {
  const MAX = 40;
  const leaves = Array.from({ length: MAX }, (_, i) => leafHash(new TextEncoder().encode(`leaf ${i}`)));
  const roots = Array.from({ length: MAX + 1 }, (_, n) => treeRoot(leaves.slice(0, n)));

  it('roots agree with an independent RFC 6962 reference', () => {
    for (let n = 0; n <= MAX; n += 1) expect(roots[n], `size ${n}`).toBe(referenceRoot(leaves.slice(0, n)));
  });

  it('inclusion proofs verify; any altered hash or index fails, and a size only where the path is alike', () => {
    let checked = 0;
    for (let n = 1; n <= MAX; n += 1) {
      const root = roots[n] ?? '';
      for (let m = 0; m < n; m += 1) {
        const leaf = leaves[m] ?? '';
        const proof = inclusionProof(leaves, m, n);
        expect(verifyInclusion(leaf, m, n, proof, root)).toBe(true);
        expect(verifyInclusion(alterHash(leaf), m, n, proof, root)).toBe(false);
        expect(verifyInclusion(leaf, m, n, proof, alterHash(root))).toBe(false);
        proof.forEach((_, i) => {
          const altered = proof.with(i, alterHash(proof[i] ?? ''));
          expect(verifyInclusion(leaf, m, n, altered, root)).toBe(false);
        });
        expect(verifyInclusion(leaf, m, n, proof.slice(0, -1), root)).toBe(proof.length === 0);
        expect(verifyInclusion(leaf, m, n, [...proof, root], root)).toBe(false);
        for (let other = 0; other < n; other += 1) {
          if (other !== m) expect(verifyInclusion(leaf, other, n, proof, root)).toBe(false);
        }
        // A root does not commit to its size: the signed tree head does. So another size verifies
        // exactly when its audit path has the same shape, e.g. leaf 0 of 3 and of 4.
        for (let size = m + 1; size <= MAX; size += 1) {
          if (size === n) continue;
          const alike = pathShape(m, size) === pathShape(m, n);
          expect(verifyInclusion(leaf, m, size, proof, root), `leaf ${m} of ${n} as of ${size}`).toBe(alike);
        }
        checked += 1;
      }
    }
    expect(checked).toBe((MAX * (MAX + 1)) / 2);
  });

  it('consistency proofs verify; any altered hash fails, and sizes changed as in transparency-dev/merkle', () => {
    let checked = 0;
    for (let n = 0; n <= MAX; n += 1) {
      for (let m = 0; m <= n; m += 1) {
        const [oldRoot, newRoot] = [roots[m] ?? '', roots[n] ?? ''];
        const proof = consistencyProof(leaves, m, n);
        expect(verifyConsistency(m, n, oldRoot, newRoot, proof), `${m} → ${n}`).toBe(true);
        checked += 1;
        if (m === 0) continue;
        expect(verifyConsistency(m, n, alterHash(oldRoot), newRoot, proof)).toBe(false);
        expect(verifyConsistency(m, n, oldRoot, alterHash(newRoot), proof)).toBe(false);
        proof.forEach((_, i) => {
          const altered = proof.with(i, alterHash(proof[i] ?? ''));
          expect(verifyConsistency(m, n, oldRoot, newRoot, altered), `${m} → ${n} hash ${i}`).toBe(false);
        });
        // As for inclusion, the roots do not commit to the sizes (the signed tree heads do), so some
        // other sizes share a proof's shape (1 → 3 and 1 → 4); these changes, the ones the
        // transparency-dev/merkle tests make, never do. An empty old tree is consistent with anything.
        for (const size of [m - 1, m + 1, m ^ 2]) {
          const fromEmpty = size === 0 && proof.length === 0;
          if (size !== m) expect(verifyConsistency(size, n, oldRoot, newRoot, proof), `${size} → ${n}`).toBe(fromEmpty);
        }
        for (const size of [n * 2, Math.floor(n / 2)]) {
          if (size !== n) expect(verifyConsistency(m, size, oldRoot, newRoot, proof), `${m} → ${size}`).toBe(false);
        }
        expect(verifyConsistency(m, n, newRoot, oldRoot, proof)).toBe(m === n);
      }
    }
    expect(checked).toBe(((MAX + 1) * (MAX + 2)) / 2);
  });

  it('a log rewritten after the fact fails consistency with its earlier head', () => {
    const rewritten = leaves.slice(0, 30).with(12, leafHash(new TextEncoder().encode('rewritten')));
    const proof = consistencyProof(rewritten, 20, 30);
    expect(verifyConsistency(20, 30, roots[20] ?? '', treeRoot(rewritten), proof)).toBe(false);
    expect(verifyConsistency(20, 30, treeRoot(rewritten.slice(0, 20)), treeRoot(rewritten), proof)).toBe(true);
  });
});
