/**
 * Writes tests/vectors/transparency-v1.json: a 13-leaf RFC 6962 tree (the eight
 * certificate-transparency test leaves and five of our own) with its leaf hashes, the root of every
 * size, every inclusion and consistency proof, tampered copies that must fail, and Ed25519
 * signatures made with the RFC 8032 §7.1 TEST 1 key. Deterministic (Ed25519 signing is), and
 * committed: tests/transparency-vectors.test.ts checks the TypeScript code and
 * docs/reference/transparency_ref.py against it. Regenerate only for a new format version.
 */
import { createPrivateKey, createPublicKey, sign } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { bytesToHex, utf8 } from '../server/draw-engine/sha256';
import { ed25519PublicKeyFingerprint } from '../server/verify/ed25519';
import { consistencyProof, inclusionProof, leafHash, treeRoot } from '../server/verify/merkle';

const hexBytes = (hex: string): Uint8Array => new Uint8Array(Buffer.from(hex, 'hex'));
const LEAVES = [
  ...['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map(hexBytes),
  ...['choucha', '摇号抽查', '{"drawId":"D20261126-0001"}', '\u0000\u0001', 'x'.repeat(200)].map(utf8),
];
const leafHashes = LEAVES.map(leafHash);
const size = leafHashes.length;
const roots = Array.from({ length: size + 1 }, (_, n) => treeRoot(leafHashes.slice(0, n)));
const root = (n: number): string => roots[n] as string;
/** Flips the lowest bit of a hash's first byte. */
const altered = (hash: string): string =>
  (parseInt(hash.slice(0, 2), 16) ^ 1).toString(16).padStart(2, '0') + hash.slice(2);

const inclusion = [];
for (let n = 1; n <= size; n += 1) {
  for (let index = 0; index < n; index += 1) {
    const proof = inclusionProof(leafHashes, index, n);
    const leaf = leafHashes[index] as string;
    inclusion.push({ case: 'valid', index, treeSize: n, leafHash: leaf, proof, root: root(n), valid: true });
    if (n !== size) continue;
    // Each tampering a verifier must notice, on the full tree.
    const other = leafHashes[(index + 1) % n] as string;
    inclusion.push({ case: 'other leaf', index, treeSize: n, leafHash: other, proof, root: root(n), valid: false });
    const badProof = proof.with(0, altered(proof[0] as string));
    inclusion.push({
      case: 'altered proof',
      index,
      treeSize: n,
      leafHash: leaf,
      proof: badProof,
      root: root(n),
      valid: false,
    });
    const shortProof = proof.slice(0, -1);
    inclusion.push({
      case: 'short proof',
      index,
      treeSize: n,
      leafHash: leaf,
      proof: shortProof,
      root: root(n),
      valid: false,
    });
  }
}
inclusion.push({
  case: 'index = size',
  index: 13,
  treeSize: 13,
  leafHash: leafHashes[0],
  proof: [],
  root: root(13),
  valid: false,
});

const consistency = [];
for (let to = 0; to <= size; to += 1) {
  for (let from = 0; from <= to; from += 1) {
    const proof = consistencyProof(leafHashes, from, to);
    const [fromRoot, toRoot] = [root(from), root(to)];
    consistency.push({ case: 'valid', fromSize: from, toSize: to, fromRoot, toRoot, proof, valid: true });
    if (to !== size || from === 0 || from === to) continue;
    const badProof = proof.with(proof.length - 1, altered(proof.at(-1) as string));
    consistency.push({
      case: 'altered proof',
      fromSize: from,
      toSize: to,
      fromRoot,
      toRoot,
      proof: badProof,
      valid: false,
    });
    const swapped = { fromRoot: toRoot, toRoot: fromRoot };
    consistency.push({ case: 'swapped roots', fromSize: from, toSize: to, ...swapped, proof, valid: false });
  }
}
// A log rewritten after its head at size 8 was published: leaf 3 replaced, the rest appended again.
const rewritten = leafHashes.with(3, leafHash(utf8('rewritten')));
consistency.push({
  case: 'rewritten log',
  fromSize: 8,
  toSize: size,
  fromRoot: root(8),
  toRoot: treeRoot(rewritten),
  proof: consistencyProof(rewritten, 8, size),
  valid: false,
});
consistency.push({
  case: 'shrunk',
  fromSize: 9,
  toSize: 8,
  fromRoot: root(9),
  toRoot: root(8),
  proof: [],
  valid: false,
});

// RFC 8032 §7.1 TEST 1's key (a published test key, never a county key), wrapped as PKCS#8.
const SEED = '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60';
const privateKey = createPrivateKey({
  key: Buffer.from(`302e020100300506032b657004220420${SEED}`, 'hex'),
  format: 'der',
  type: 'pkcs8',
});
const publicKey = bytesToHex(createPublicKey(privateKey).export({ format: 'der', type: 'spki' }).subarray(-32));
const fingerprint = ed25519PublicKeyFingerprint(publicKey);
// An example message only: the signed tree head's own format is specified in docs/verification.md.
const message = utf8(`tree size ${size}, root ${root(size)}`);
const signature = bytesToHex(sign(null, message, privateKey));
const L = 2n ** 252n + 27742317777372353535851937790883648493n;
/** The same signature with S + L in place of S: [S + L]B = [S]B, so only the S < L rule refuses it. */
function malleated(sig: string): string {
  const s = BigInt(`0x${Buffer.from(sig.slice(64), 'hex').reverse().toString('hex')}`);
  const sPlusL = Buffer.from((s + L).toString(16).padStart(64, '0'), 'hex')
    .reverse()
    .toString('hex');
  return sig.slice(0, 64) + sPlusL;
}
const changedMessage = message.slice();
changedMessage[message.length - 1] = (changedMessage[message.length - 1] as number) ^ 1;
const signatures = [
  { case: 'valid', publicKey, fingerprint, message: bytesToHex(message), signature, valid: true },
  { case: 'message changed', publicKey, fingerprint, message: bytesToHex(changedMessage), signature, valid: false },
  {
    case: 'S + L',
    publicKey,
    fingerprint,
    message: bytesToHex(message),
    signature: malleated(signature),
    valid: false,
  },
];

const vectors = {
  format: 'choucha-transparency-v1',
  about:
    'RFC 6962 Merkle tree (leaf SHA-256(0x00||data), node SHA-256(0x01||left||right)) and Ed25519 (RFC 8032) vectors; all hex lowercase. Written by scripts/make-transparency-vectors.ts.',
  leaves: LEAVES.map((data, index) => ({ index, data: bytesToHex(data), leafHash: leafHashes[index] })),
  roots: roots.map((r, n) => ({ size: n, root: r })),
  inclusion,
  consistency,
  signatures,
};
const path = join(import.meta.dirname, '..', 'tests', 'vectors', 'transparency-v1.json');
// Through prettier, so `npx prettier --check .` accepts the file exactly as written.
const options = await resolveConfig(path);
writeFileSync(path, await format(JSON.stringify(vectors), { ...options, filepath: path }));
console.log(
  `wrote ${path}: ${inclusion.length} inclusion, ${consistency.length} consistency, ${signatures.length} signature cases`,
);
