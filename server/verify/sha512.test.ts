import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bytesToHex, utf8 } from '../draw-engine/sha256';
import { sha512 } from './sha512';

describe('sha512', () => {
  it('matches the FIPS 180-4 examples', () => {
    expect(bytesToHex(sha512(utf8('abc')))).toBe(
      'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f',
    );
    expect(bytesToHex(sha512(new Uint8Array(0)))).toBe(
      'cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e',
    );
    expect(
      bytesToHex(
        sha512(
          utf8(
            'abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu',
          ),
        ),
      ),
    ).toBe(
      '8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909',
    );
  });

  it('matches node:crypto on random inputs of every length from 0 to 300 bytes, and on 1 MB', () => {
    for (let length = 0; length <= 300; length += 1) {
      const data = randomBytes(length);
      expect(bytesToHex(sha512(new Uint8Array(data)))).toBe(createHash('sha512').update(data).digest('hex'));
    }
    const big = randomBytes(1 << 20);
    expect(bytesToHex(sha512(new Uint8Array(big)))).toBe(createHash('sha512').update(big).digest('hex'));
  });
});
