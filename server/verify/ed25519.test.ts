import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../draw-engine/sha256';
import { ed25519PublicKeyFingerprint, verifyEd25519 } from './ed25519';

/** RFC 8032 §7.1 TEST 1, 2, 3 and 1024: seed, public key, message, signature (hex). */
const RFC8032 = [
  {
    name: 'TEST 1',
    seed: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
    publicKey: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
    message: '',
    signature:
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
  },
  {
    name: 'TEST 2',
    seed: '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
    publicKey: '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
    message: '72',
    signature:
      '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00',
  },
  {
    name: 'TEST 3',
    seed: 'c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7',
    publicKey: 'fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025',
    message: 'af82',
    signature:
      '6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a',
  },
  {
    name: 'TEST 1024',
    seed: 'f5e5767cf153319517630f226876b86c8160cc583bc013744c6bf255f5cc0ee5',
    publicKey: '278117fc144c72340f67d0f2316e8386ceffbf2b2428c9c51fef7c597f1d426e',
    message: [
      '08b8b2b733424243760fe426a4b54908632110a66c2f6591eabd3345e3e4eb98fa6e264bf09efe12ee50f8f54e9f77b1',
      'e355f6c50544e23fb1433ddf73be84d879de7c0046dc4996d9e773f4bc9efe5738829adb26c81b37c93a1b270b20329d',
      '658675fc6ea534e0810a4432826bf58c941efb65d57a338bbd2e26640f89ffbc1a858efcb8550ee3a5e1998bd177e93a',
      '7363c344fe6b199ee5d02e82d522c4feba15452f80288a821a579116ec6dad2b3b310da903401aa62100ab5d1a36553e',
      '06203b33890cc9b832f79ef80560ccb9a39ce767967ed628c6ad573cb116dbefefd75499da96bd68a8a97b928a8bbc10',
      '3b6621fcde2beca1231d206be6cd9ec7aff6f6c94fcd7204ed3455c68c83f4a41da4af2b74ef5c53f1d8ac70bdcb7ed1',
      '85ce81bd84359d44254d95629e9855a94a7c1958d1f8ada5d0532ed8a5aa3fb2d17ba70eb6248e594e1a2297acbbb39d',
      '502f1a8c6eb6f1ce22b3de1a1f40cc24554119a831a9aad6079cad88425de6bde1a9187ebb6092cf67bf2b13fd65f270',
      '88d78b7e883c8759d2c4f5c65adb7553878ad575f9fad878e80a0c9ba63bcbcc2732e69485bbc9c90bfbd62481d9089b',
      'eccf80cfe2df16a2cf65bd92dd597b0707e0917af48bbb75fed413d238f5555a7a569d80c3414a8d0859dc65a46128ba',
      'b27af87a71314f318c782b23ebfe808b82b0ce26401d2e22f04d83d1255dc51addd3b75a2b1ae0784504df543af8969b',
      'e3ea7082ff7fc9888c144da2af58429ec96031dbcad3dad9af0dcbaaaf268cb8fcffead94f3c7ca495e056a9b47acdb7',
      '51fb73e666c6c655ade8297297d07ad1ba5e43f1bca32301651339e22904cc8c42f58c30c04aafdb038dda0847dd988d',
      'cda6f3bfd15c4b4c4525004aa06eeff8ca61783aacec57fb3d1f92b0fe2fd1a85f6724517b65e614ad6808d6f6ee34df',
      'f7310fdc82aebfd904b01e1dc54b2927094b2db68d6f903b68401adebf5a7e08d78ff4ef5d63653a65040cf9bfd4aca7',
      '984a74d37145986780fc0b16ac451649de6188a7dbdf191f64b5fc5e2ab47b57f7f7276cd419c17a3ca8e1b939ae49e4',
      '88acba6b965610b5480109c8b17b80e1b7b750dfc7598d5d5011fd2dcc5600a32ef5b52a1ecc820e308aa342721aac09',
      '43bf6686b64b2579376504ccc493d97e6aed3fb0f9cd71a43dd497f01f17c0e2cb3797aa2a2f256656168e6c496afc5f',
      'b93246f6b1116398a346f1a641f3b041e989f7914f90cc2c7fff357876e506b50d334ba77c225bc307ba537152f3f161',
      '0e4eafe595f6d9d90d11faa933a15ef1369546868a7f3a45a96768d40fd9d03412c091c6315cf4fde7cb68606937380d',
      'b2eaaa707b4c4185c32eddcdd306705e4dc1ffc872eeee475a64dfac86aba41c0618983f8741c5ef68d3a101e8a3b8ca',
      'c60c905c15fc910840b94c00a0b9d0',
    ].join(''),
    signature:
      '0aab4c900501b3e24d7cdf4663326a3a87df5e4843b2cbdb67cbf6e460fec350aa5371b1508f9f4528ecea23c436d94b5e8fcd4f681e30a6ac00a9704a188a03',
  },
];

const bytes = (hex: string): Uint8Array => new Uint8Array(Buffer.from(hex, 'hex'));
const hex = (data: Uint8Array): string => Buffer.from(data).toString('hex');
/** The raw 32-byte public key: the last 32 bytes of the SPKI DER export. */
const rawPublicKey = (key: KeyObject): string => hex(key.export({ format: 'der', type: 'spki' }).subarray(-32));
/** PKCS#8 wrapping of a 32-byte Ed25519 seed, so node:crypto signs with an RFC 8032 key. */
const keyFromSeed = (seed: string): KeyObject =>
  createPrivateKey({
    key: Buffer.from(`302e020100300506032b657004220420${seed}`, 'hex'),
    format: 'der',
    type: 'pkcs8',
  });

function flipBit(value: string, bit: number): string {
  const data = bytes(value);
  data[bit >> 3] = (data[bit >> 3] as number) ^ (1 << (bit & 7));
  return hex(data);
}

/** S + L, little-endian, in a signature's second half: the same [S]B, a second spelling of it. */
function malleate(signature: string): string {
  const l = 2n ** 252n + 27742317777372353535851937790883648493n;
  let s = 0n;
  const sBytes = bytes(signature.slice(64));
  for (let i = 31; i >= 0; i -= 1) s = (s << 8n) | BigInt(sBytes[i] as number);
  let t = s + l;
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i += 1) {
    out[i] = Number(t & 0xffn);
    t >>= 8n;
  }
  return signature.slice(0, 64) + hex(out);
}

describe('verifyEd25519', () => {
  it('accepts the RFC 8032 §7.1 test vectors, which node:crypto reproduces from the seeds', () => {
    for (const v of RFC8032) {
      const key = keyFromSeed(v.seed);
      // The transcription of each vector is checked against node:crypto before it is trusted.
      expect(rawPublicKey(createPublicKey(key)), v.name).toBe(v.publicKey);
      expect(hex(sign(null, bytes(v.message), key)), v.name).toBe(v.signature);
      expect(verifyEd25519(v.publicKey, bytes(v.message), v.signature), v.name).toBe(true);
    }
    expect(bytes(RFC8032[3]?.message ?? '').length).toBe(1023);
  });

  it('accepts 50 random node:crypto signatures and refuses each with one bit flipped in message, signature or key', () => {
    for (let i = 0; i < 50; i += 1) {
      const { publicKey, privateKey } = generateKeyPairSync('ed25519');
      const key = rawPublicKey(publicKey);
      const message = new Uint8Array(i * 7);
      for (let j = 0; j < message.length; j += 1) message[j] = (i * 31 + j * 17) & 0xff;
      const signature = hex(sign(null, message, privateKey));
      expect(verifyEd25519(key, message, signature)).toBe(true);
      if (message.length > 0) {
        const altered = message.slice();
        altered[i % altered.length] = (altered[i % altered.length] as number) ^ (1 << (i % 8));
        expect(verifyEd25519(key, altered, signature)).toBe(false);
      }
      expect(verifyEd25519(key, message, flipBit(signature, (i * 37) % 512))).toBe(false);
      expect(verifyEd25519(flipBit(key, (i * 41) % 256), message, signature)).toBe(false);
    }
  });

  it('refuses S ≥ L, although [S + L]B = [S]B would satisfy the equation', () => {
    const v = RFC8032[1];
    if (v === undefined) throw new Error('missing vector');
    expect(verifyEd25519(v.publicKey, bytes(v.message), malleate(v.signature))).toBe(false);
  });

  it('refuses non-canonical and small-order points and malformed input, without throwing', () => {
    const v = RFC8032[0];
    if (v === undefined) throw new Error('missing vector');
    const message = bytes(v.message);
    const zero32 = '00'.repeat(32);
    const identity = `01${'00'.repeat(31)}`;
    // y = p + 1 spells the identity (y = 1) a second way; x = 0 with the sign bit set is another.
    const identityAsPPlus1 = `ee${'ff'.repeat(30)}7f`;
    const identityNegativeZero = `01${'00'.repeat(30)}80`;
    // R = identity, S = 0 satisfies [S]B = R + [k]A for the identity key and every message.
    expect(verifyEd25519(identity, message, identity + zero32)).toBe(false);
    expect(verifyEd25519(identityAsPPlus1, message, identity + zero32)).toBe(false);
    expect(verifyEd25519(identityNegativeZero, message, identity + zero32)).toBe(false);
    expect(verifyEd25519(v.publicKey, message, identityAsPPlus1 + v.signature.slice(64))).toBe(false);
    // y = 2 is not on the curve (x² would be a non-square).
    expect(verifyEd25519(`02${'00'.repeat(31)}`, message, v.signature)).toBe(false);
    for (const [key, signature] of [
      [v.publicKey.slice(2), v.signature],
      [v.publicKey, v.signature.slice(2)],
      [`${v.publicKey}00`, v.signature],
      [v.publicKey, `${v.signature}00`],
      [v.publicKey.toUpperCase(), v.signature],
      [v.publicKey, v.signature.toUpperCase()],
      [v.publicKey.replace(/^../u, 'zz'), v.signature],
      ['', ''],
    ] as const) {
      expect(verifyEd25519(key, message, signature)).toBe(false);
    }
    const untyped: unknown[] = [null, undefined, 42, {}, []];
    for (const value of untyped) {
      expect(Reflect.apply(verifyEd25519, undefined, [value, message, v.signature])).toBe(false);
      expect(Reflect.apply(verifyEd25519, undefined, [v.publicKey, value, v.signature])).toBe(false);
      expect(Reflect.apply(verifyEd25519, undefined, [v.publicKey, message, value])).toBe(false);
    }
  });

  it('verifies in a few milliseconds', () => {
    const v = RFC8032[3];
    if (v === undefined) throw new Error('missing vector');
    const message = bytes(v.message);
    verifyEd25519(v.publicKey, message, v.signature);
    const started = performance.now();
    for (let i = 0; i < 20; i += 1) expect(verifyEd25519(v.publicKey, message, v.signature)).toBe(true);
    const perVerify = (performance.now() - started) / 20;
    console.log(`verifyEd25519: ${perVerify.toFixed(2)} ms per signature`);
    expect(perVerify).toBeLessThan(20);
  });
});

describe('ed25519PublicKeyFingerprint', () => {
  it('is the SHA-256 of the 32 raw key bytes, and refuses anything else', () => {
    const key = RFC8032[0]?.publicKey ?? '';
    expect(ed25519PublicKeyFingerprint(key)).toBe(sha256Hex(bytes(key)));
    expect(ed25519PublicKeyFingerprint(key)).toMatch(/^[0-9a-f]{64}$/u);
    expect(() => ed25519PublicKeyFingerprint(key.slice(2))).toThrow();
    expect(() => ed25519PublicKeyFingerprint(key.toUpperCase())).toThrow();
  });
});
