import {
  createCipheriv,
  createDecipheriv,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
} from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { RandomBytes } from '../runtime';
import { keyIdOf } from '../verify/public-log';

/**
 * The county's two keys, kept OUTSIDE the database file (docs/verification.md, "Threat model"):
 * - the vault key (AES-256-GCM) that seals each draw's server secret until its reveal, so a copy of
 *   `choucha.db` alone tells nobody a result before the public does;
 * - the Ed25519 signing key of the public log, generated on first start; its fingerprint is printed
 *   on every bulletin, so a log rewritten later cannot carry the county's signature unnoticed.
 * Both live in a key folder (default `keys/` next to the database, CHOUCHA_KEY_DIR to put it on
 * another disk), written once with owner-only permissions. Without a folder (an in-memory database)
 * they live in memory only.
 */
export interface CountyKeys {
  /** Seals a secret for one draw: the draw id is authenticated too, so a box cannot be moved. */
  sealSecret(drawId: string, secretHex: string): string;
  openSecret(drawId: string, box: string): string;
  /** The signing key's raw 32-byte public key as hex, and its fingerprint (SHA-256 of it). */
  publicKey: string;
  keyId: string;
  sign(message: Uint8Array): string;
  /** Where the keys are (null: in memory). */
  dir: string | null;
}

const VAULT_FILE = 'vault.key';
const SIGNING_FILE = 'public-log-signing.pem';
const BOX_PREFIX = 'v1:';

function writeOnce(path: string, data: string | Buffer): void {
  writeFileSync(path, data, { mode: 0o600, flag: 'wx' });
  chmodSync(path, 0o600);
}

function loadOrCreate(
  dir: string | null,
  random: RandomBytes,
  mayCreate: boolean,
): { vault: Buffer; signing: KeyObject } {
  if (dir === null) {
    return { vault: random(32), signing: generateKeyPairSync('ed25519').privateKey };
  }
  const vaultPath = join(dir, VAULT_FILE);
  const signingPath = join(dir, SIGNING_FILE);
  // A database that already sealed with keys must find them: new ones would leave every sealed
  // secret unreadable and sign the same log under a second identity (a fork nobody can explain).
  const missing = [vaultPath, signingPath].filter((path) => !existsSync(path));
  if (!mayCreate && missing.length > 0) {
    throw new Error(
      `county key files missing: ${missing.join(', ')}. The database already holds sealed draws and signed ` +
        'public-log heads; restore the key folder (or set CHOUCHA_KEY_DIR to it) instead of making new keys.',
    );
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (!existsSync(vaultPath)) writeOnce(vaultPath, random(32).toString('hex'));
  if (!existsSync(signingPath)) {
    const { privateKey } = generateKeyPairSync('ed25519');
    writeOnce(signingPath, privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
  }
  const vault = Buffer.from(readFileSync(vaultPath, 'utf8').trim(), 'hex');
  if (vault.length !== 32) throw new Error(`${vaultPath}: the vault key must be 32 bytes as 64 hex digits`);
  return { vault, signing: createPrivateKey(readFileSync(signingPath, 'utf8')) };
}

/** The raw 32 bytes of an Ed25519 public key: the last 32 bytes of its SPKI encoding. */
function rawPublicKey(privateKey: KeyObject): string {
  const spki = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  return spki.subarray(spki.length - 32).toString('hex');
}

/** `mayCreate`: false once the database holds sealed secrets or signed heads (the keys must exist). */
export function loadCountyKeys(dir: string | null, random: RandomBytes, mayCreate = true): CountyKeys {
  const { vault, signing } = loadOrCreate(dir, random, mayCreate);
  const publicKey = rawPublicKey(signing);
  return {
    dir,
    publicKey,
    keyId: keyIdOf(publicKey),
    sealSecret(drawId, secretHex) {
      const iv = random(12);
      const cipher = createCipheriv('aes-256-gcm', vault, iv);
      cipher.setAAD(Buffer.from(drawId, 'utf8'));
      const body = Buffer.concat([cipher.update(Buffer.from(secretHex, 'hex')), cipher.final()]);
      return BOX_PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
    },
    openSecret(drawId, box) {
      if (!box.startsWith(BOX_PREFIX)) throw new Error(`draw ${drawId}: unknown secret box`);
      const bytes = Buffer.from(box.slice(BOX_PREFIX.length), 'base64');
      const decipher = createDecipheriv('aes-256-gcm', vault, bytes.subarray(0, 12));
      decipher.setAAD(Buffer.from(drawId, 'utf8'));
      decipher.setAuthTag(bytes.subarray(12, 28));
      return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('hex');
    },
    sign(message) {
      return sign(null, message, signing).toString('hex');
    },
  };
}

/** The key folder for a database: CHOUCHA_KEY_DIR, else `keys/` beside the file (memory for ':memory:'). */
export function keyDirFor(dbPath: string, configured: string | undefined = process.env.CHOUCHA_KEY_DIR): string | null {
  if (configured) return configured;
  return dbPath === ':memory:' ? null : join(dirname(dbPath), 'keys');
}
