import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { SignedTreeHead } from '../protocol/draw';
import { canonicalJson } from '../draw-engine/canonical-json';
import { checkCurrentHead, checkLeafInHead } from './current-head';
import { consistencyProof, inclusionProof, leafHash, treeRoot } from './merkle';
import { keyIdOf, treeHeadMessage } from './public-log';
import { parseSealRecordText, sealRecordText } from './seal-record-text';

const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const publicKeyHex = Buffer.from(publicKey.export({ format: 'jwk' }).x as string, 'base64url').toString('hex');
const leaves = (texts: string[]) => texts.map((t) => leafHash(new TextEncoder().encode(t)));

function signedHead(hashes: string[], key = privateKey): SignedTreeHead {
  const unsigned = { treeSize: hashes.length, rootHash: treeRoot(hashes), timestamp: '2026-11-26T12:00:00.000Z' };
  return {
    ...unsigned,
    keyId: keyIdOf(publicKeyHex),
    signature: sign(null, treeHeadMessage(unsigned), key).toString('hex'),
  };
}

describe('the current head checked against a bundle’s head', () => {
  const old = leaves(['seal A', 'seal B', 'final A']);
  const grown = [...old, ...leaves(['seal C', 'final B'])];
  const bundleLog = { publicKey: publicKeyHex, treeHead: signedHead(old) };

  it('holds when the log only grew, and for the same head', () => {
    const result = checkCurrentHead(bundleLog, signedHead(grown), consistencyProof(grown, 3, 5));
    expect(result).toMatchObject({ ok: true });
    expect(result.detail).toContain('公开日志自封存以来只增不改');
    expect(result.detail).toContain('3 条 → 5 条');
    expect(checkCurrentHead(bundleLog, signedHead(old), []).ok).toBe(true);
  });

  it('fails for a log rewritten after the fact, a shrunken log, or a head another key signed', () => {
    const rewritten = [...leaves(['seal A', 'seal B (changed)', 'final A']), ...leaves(['seal C', 'final B'])];
    const forged = checkCurrentHead(bundleLog, signedHead(rewritten), consistencyProof(rewritten, 3, 5));
    expect(forged).toMatchObject({ ok: false });
    expect(forged.detail).toContain('被改写');
    const shrunk = checkCurrentHead(bundleLog, signedHead(old.slice(0, 2)), []);
    expect(shrunk).toMatchObject({ ok: false });
    expect(shrunk.detail).toContain('少于验证包的 3 条');
    const other = generateKeyPairSync('ed25519').privateKey;
    expect(checkCurrentHead(bundleLog, signedHead(grown, other), consistencyProof(grown, 3, 5)).ok).toBe(false);
  });
});

describe('the seal record line of the bulletin’s QR code', () => {
  const hex = (c: string) => c.repeat(64);
  const seal = {
    sealVersion: 2,
    drawId: 'D20261126-ab12cd34',
    sealHash: hex('a'),
    commitment: hex('b'),
    notaryCommitment: hex('c'),
    treeHead: { treeSize: 12, rootHash: hex('d') },
  };

  it('writes the documented fields in order and reads them back', () => {
    const text = sealRecordText(seal);
    expect(text).toBe(`choucha:seal:2:D20261126-ab12cd34:${hex('a')}:${hex('b')}:${hex('c')}:12:${hex('d')}`);
    expect(parseSealRecordText(` ${text}\n`)).toEqual(seal);
    const single = { ...seal, notaryCommitment: null, treeHead: null };
    expect(sealRecordText(single)).toBe(`choucha:seal:2:D20261126-ab12cd34:${hex('a')}:${hex('b')}:-:-:-`);
    expect(parseSealRecordText(sealRecordText(single))).toEqual(single);
  });

  it('refuses anything else', () => {
    const text = sealRecordText(seal);
    for (const bad of [
      text.replace('choucha:seal', 'choucha:sea1'),
      text.replace(':12:', ':012:'),
      text.replace(hex('b'), hex('B')),
      text.replace(hex('b'), 'b'.repeat(63)),
      `${text}:extra`,
      text.replace(`:12:${hex('d')}`, `:12:-`),
    ]) {
      expect(parseSealRecordText(bad), bad).toBeNull();
    }
  });
});

describe('a listed draw’s seal record checked against the signed head', () => {
  const sealLeaf = { kind: 'seal', drawId: 'D20261126-0001', sealHash: 'ab'.repeat(32), title: '示范', at: 't' };
  const others = [{ kind: 'seal', drawId: 'D20261126-0000', sealHash: 'cd'.repeat(32), title: '另一次', at: 't' }];
  const hashes = [...others, sealLeaf].map((leaf) => leafHash(new TextEncoder().encode(canonicalJson(leaf))));
  const head = signedHead(hashes);
  const expected = { drawId: sealLeaf.drawId, sealHash: sealLeaf.sealHash, index: 1 };

  it('holds for the leaf the log serves with its inclusion proof', () => {
    const result = checkLeafInHead(expected, sealLeaf, inclusionProof(hashes, 1, 2), head, publicKeyHex);
    expect(result).toMatchObject({ ok: true });
    expect(result.detail).toContain('第 2 条封存记录在县级密钥签名的树头（2 条');
  });

  it('fails for another draw’s leaf, a changed leaf, a wrong proof, or another key’s head', () => {
    const proof = inclusionProof(hashes, 1, 2);
    expect(checkLeafInHead(expected, others[0], proof, head, publicKeyHex).ok).toBe(false);
    expect(checkLeafInHead(expected, { ...sealLeaf, title: '改过' }, proof, head, publicKeyHex).ok).toBe(false);
    expect(checkLeafInHead(expected, sealLeaf, inclusionProof(hashes, 0, 2), head, publicKeyHex).ok).toBe(false);
    const other = generateKeyPairSync('ed25519').privateKey;
    expect(checkLeafInHead(expected, sealLeaf, proof, signedHead(hashes, other), publicKeyHex).ok).toBe(false);
  });
});
