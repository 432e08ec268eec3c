/**
 * The county's public append-only log is a Merkle tree exactly as in RFC 6962 §2.1 (also
 * RFC 9162 §2.1), so any certificate-transparency tooling, or a stranger with the RFC, can check
 * its proofs. Hashes cross this module's boundary as 64 lowercase hex digits (the form bundles and
 * /public carry) but are combined as bytes inside, since a tree of thousands of leaves hashes
 * thousands of nodes.
 *
 * Generators (treeRoot, inclusionProof, consistencyProof) run on the server's own leaves and throw
 * RangeError on impossible arguments; verifiers (verifyInclusion, verifyConsistency) run on what
 * a stranger hands in and answer false, never throw.
 */
import { bytesToHex, sha256 } from '../draw-engine/sha256';

const HASH_HEX = /^[0-9a-f]{64}$/u;

function isHash(value: unknown): value is string {
  return typeof value === 'string' && HASH_HEX.test(value);
}

// The value of a lowercase hex digit from its char code ('0'–'9' are 48–57, 'a'–'f' 97–102).
const nibble = (code: number): number => (code < 97 ? code - 48 : code - 87);

// Only called on strings that passed isHash; char codes rather than parseInt(slice), because a
// root over 10,000 leaves decodes 10,000 of these.
function hashBytes(hex: string): Uint8Array {
  const bytes = new Uint8Array(32);
  for (let i = 0; i < 32; i += 1) bytes[i] = (nibble(hex.charCodeAt(i * 2)) << 4) | nibble(hex.charCodeAt(i * 2 + 1));
  return bytes;
}

/** SHA-256(0x01 ‖ left ‖ right): the 0x01 prefix keeps a node from ever passing as a leaf. */
function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  const input = new Uint8Array(65);
  input[0] = 0x01;
  input.set(left, 1);
  input.set(right, 33);
  return sha256(input);
}

/** The leaf hash SHA-256(0x00 ‖ leaf) of RFC 6962 §2.1. */
export function leafHash(leaf: Uint8Array): string {
  const input = new Uint8Array(leaf.length + 1);
  input.set(leaf, 1);
  return bytesToHex(sha256(input));
}

/** The largest power of two smaller than n (n ≥ 2): where RFC 6962 splits a tree of n leaves. */
function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** MTH(D[start:end]) of RFC 6962 §2.1, over leaf hashes already in bytes; start < end. */
function subtreeRoot(leaves: readonly Uint8Array[], start: number, end: number): Uint8Array {
  if (end - start === 1) return leaves[start] as Uint8Array;
  const k = split(end - start);
  return nodeHash(subtreeRoot(leaves, start, start + k), subtreeRoot(leaves, start + k, end));
}

function toBytes(leafHashes: readonly string[], size: number): Uint8Array[] {
  if (!Number.isSafeInteger(size) || size < 0 || size > leafHashes.length) {
    throw new RangeError(`tree size ${size} is not between 0 and ${leafHashes.length}`);
  }
  return leafHashes.slice(0, size).map((hex) => {
    if (!isHash(hex)) throw new RangeError(`not a leaf hash: ${hex}`);
    return hashBytes(hex);
  });
}

const EMPTY_ROOT = bytesToHex(sha256(new Uint8Array(0)));

function rootOf(leaves: readonly Uint8Array[]): string {
  return leaves.length === 0 ? EMPTY_ROOT : bytesToHex(subtreeRoot(leaves, 0, leaves.length));
}

/** The tree head MTH over every given leaf hash; SHA-256("") for none. */
export function treeRoot(leafHashes: readonly string[]): string {
  return rootOf(toBytes(leafHashes, leafHashes.length));
}

/** PATH(m, D[start:end]) of RFC 6962 §2.1.1, deepest sibling first. */
function path(leaves: readonly Uint8Array[], m: number, start: number, end: number, out: Uint8Array[]): void {
  if (end - start === 1) return;
  const k = split(end - start);
  if (m < k) {
    path(leaves, m, start, start + k, out);
    out.push(subtreeRoot(leaves, start + k, end));
  } else {
    path(leaves, m - k, start + k, end, out);
    out.push(subtreeRoot(leaves, start, start + k));
  }
}

/** The audit path proving leaf `index` is in the tree of the first `treeSize` leaf hashes. */
export function inclusionProof(leafHashes: readonly string[], index: number, treeSize: number): string[] {
  const leaves = toBytes(leafHashes, treeSize);
  if (!Number.isSafeInteger(index) || index < 0 || index >= treeSize) {
    throw new RangeError(`leaf index ${index} is not in a tree of ${treeSize}`);
  }
  const out: Uint8Array[] = [];
  path(leaves, index, 0, treeSize, out);
  return out.map(bytesToHex);
}

/** SUBPROOF(m, D[start:end], b) of RFC 6962 §2.1.2. */
function subproof(
  leaves: readonly Uint8Array[],
  m: number,
  start: number,
  end: number,
  wholeOldTree: boolean,
  out: Uint8Array[],
): void {
  const n = end - start;
  if (m === n) {
    // The old tree's own root is left out when the verifier already holds it.
    if (!wholeOldTree) out.push(subtreeRoot(leaves, start, end));
    return;
  }
  const k = split(n);
  if (m <= k) {
    subproof(leaves, m, start, start + k, wholeOldTree, out);
    out.push(subtreeRoot(leaves, start + k, end));
  } else {
    subproof(leaves, m - k, start + k, end, false, out);
    out.push(subtreeRoot(leaves, start, start + k));
  }
}

/**
 * The proof that the tree of the first `fromSize` leaf hashes is a prefix of the tree of the first
 * `toSize`: PROOF(m, D[n]) of RFC 6962 §2.1.2, and empty when fromSize is 0 or equals toSize.
 */
export function consistencyProof(leafHashes: readonly string[], fromSize: number, toSize: number): string[] {
  const leaves = toBytes(leafHashes, toSize);
  if (!Number.isSafeInteger(fromSize) || fromSize < 0 || fromSize > toSize) {
    throw new RangeError(`old size ${fromSize} is not between 0 and ${toSize}`);
  }
  if (fromSize === 0 || fromSize === toSize) return [];
  const out: Uint8Array[] = [];
  subproof(leaves, fromSize, 0, toSize, true, out);
  return out.map(bytesToHex);
}

function isSize(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function isProof(proof: unknown): proof is readonly string[] {
  return Array.isArray(proof) && proof.every(isHash);
}

// Sizes can exceed 2^32, where JavaScript's bit operators wrap, so halving is arithmetic.
const half = (n: number): number => Math.floor(n / 2);
const odd = (n: number): boolean => n % 2 === 1;

/** Inclusion verification of RFC 9162 §2.1.3.2: does `proof` lead from the leaf to `rootHex`? */
export function verifyInclusion(
  leafHashHex: string,
  index: number,
  treeSize: number,
  proof: readonly string[],
  rootHex: string,
): boolean {
  if (!isHash(leafHashHex) || !isHash(rootHex) || !isSize(index) || !isSize(treeSize) || !isProof(proof)) {
    return false;
  }
  if (index >= treeSize) return false;
  let fn = index;
  let sn = treeSize - 1;
  let r = hashBytes(leafHashHex);
  for (const hex of proof) {
    if (sn === 0) return false;
    const p = hashBytes(hex);
    if (odd(fn) || fn === sn) {
      r = nodeHash(p, r);
      // A right-edge node with no right sibling: climb past the levels where it is promoted as is.
      if (!odd(fn)) {
        while (!odd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && bytesToHex(r) === rootHex;
}

/**
 * Consistency verification of RFC 9162 §2.1.4.2: is the tree of `fromSize` with root `fromRoot` a
 * prefix of the tree of `toSize` with root `toRoot`? Equal sizes need equal roots and an empty
 * proof; an empty old tree is a prefix of anything, with an empty proof.
 */
export function verifyConsistency(
  fromSize: number,
  toSize: number,
  fromRoot: string,
  toRoot: string,
  proof: readonly string[],
): boolean {
  if (!isSize(fromSize) || !isSize(toSize) || !isHash(fromRoot) || !isHash(toRoot) || !isProof(proof)) {
    return false;
  }
  if (fromSize > toSize) return false;
  if (fromSize === toSize) return proof.length === 0 && fromRoot === toRoot;
  if (fromSize === 0) return proof.length === 0;
  if (proof.length === 0) return false;
  const path = proof.map(hashBytes);
  // When the old tree is a complete subtree, its root is the proof's implicit first element.
  let isPowerOfTwo = fromSize;
  while (isPowerOfTwo % 2 === 0) isPowerOfTwo /= 2;
  if (isPowerOfTwo === 1) path.unshift(hashBytes(fromRoot));
  let fn = fromSize - 1;
  let sn = toSize - 1;
  while (odd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = path[0] as Uint8Array;
  let sr = fr;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (odd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (!odd(fn)) {
        while (!odd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && bytesToHex(fr) === fromRoot && bytesToHex(sr) === toRoot;
}
