import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hexToBytes, sha256Hex } from '../draw-engine/sha256';

describe('sha256Hex', () => {
  it('matches the FIPS 180-4 examples', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Hex('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
  });

  it('matches node:crypto for every length around the block boundaries, and for Chinese text', () => {
    for (let length = 0; length < 200; length += 1) {
      const data = randomBytes(length);
      expect(sha256Hex(new Uint8Array(data))).toBe(createHash('sha256').update(data).digest('hex'));
    }
    expect(sha256Hex('摇号抽查 张三')).toBe(createHash('sha256').update('摇号抽查 张三', 'utf8').digest('hex'));
  });

  it('reads hex back to bytes and refuses what is not hex', () => {
    expect(Array.from(hexToBytes('00ff10'))).toEqual([0, 255, 16]);
    expect(() => hexToBytes('abc')).toThrow();
    expect(() => hexToBytes('zz')).toThrow();
  });
});
