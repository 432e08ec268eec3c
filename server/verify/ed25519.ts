/**
 * Ed25519 signature verification (RFC 8032 §5.1.7), in plain TypeScript with BigInt, so the
 * county's signed tree heads can be checked in a browser (/verify) as well as by `npm run verify`,
 * with no dependency. Verification only: the server signs with node:crypto. The arithmetic
 * follows RFC 8032 §6's reference code (extended coordinates, §5.1.4 formulas), which
 * docs/reference/transparency_ref.py ports too, so the two can be read side by side.
 *
 * Nothing here is secret, so constant time does not matter; what matters is that every malformed
 * input gives false rather than an exception, because the inputs come from files and URLs.
 */
import { sha256Hex } from '../draw-engine/sha256';
import { sha512 } from './sha512';

/** The field prime p = 2^255 − 19. */
const P = 2n ** 255n - 19n;
/** The order L of the base point, 2^252 + 27742317777372353535851937790883648493. */
const L = 2n ** 252n + 27742317777372353535851937790883648493n;

function mod(a: bigint): bigint {
  const r = a % P;
  return r < 0n ? r + P : r;
}

function pow(base: bigint, exponent: bigint): bigint {
  let result = 1n;
  let b = mod(base);
  for (let e = exponent; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % P;
    b = (b * b) % P;
  }
  return result;
}

/** The curve constant d = −121665/121666 (mod p). */
const D = mod(-121665n * pow(121666n, P - 2n));
const D2 = mod(2n * D);
/** A square root of −1, used when the first square-root candidate is off by that factor. */
const SQRT_M1 = pow(2n, (P - 1n) / 4n);

/** A point in extended homogeneous coordinates: x = X/Z, y = Y/Z, x·y = T/Z. */
interface Point {
  readonly X: bigint;
  readonly Y: bigint;
  readonly Z: bigint;
  readonly T: bigint;
}

const IDENTITY: Point = { X: 0n, Y: 1n, Z: 1n, T: 0n };

// RFC 8032 §5.1.4, "add-2008-hwcd-3": complete on this curve, so it also doubles.
function add(p: Point, q: Point): Point {
  const a = (mod(p.Y - p.X) * mod(q.Y - q.X)) % P;
  const b = ((p.Y + p.X) * (q.Y + q.X)) % P;
  const c = (((p.T * D2) % P) * q.T) % P;
  const d = (p.Z * 2n * q.Z) % P;
  const e = b - a;
  const f = d - c;
  const g = d + c;
  const h = b + a;
  return { X: mod(e * f), Y: mod(g * h), Z: mod(f * g), T: mod(e * h) };
}

// RFC 8032 §5.1.4, "dbl-2008-hwcd": cheaper than add(p, p), and doubling is most of the work.
function double(p: Point): Point {
  const a = (p.X * p.X) % P;
  const b = (p.Y * p.Y) % P;
  const c = (2n * p.Z * p.Z) % P;
  const h = a + b;
  const xy = p.X + p.Y;
  const e = h - ((xy * xy) % P);
  const g = a - b;
  const f = c + g;
  return { X: mod(e * f), Y: mod(g * h), Z: mod(f * g), T: mod(e * h) };
}

function multiply(scalar: bigint, point: Point): Point {
  let result = IDENTITY;
  for (let i = BigInt(scalar.toString(2).length - 1); i >= 0n; i -= 1n) {
    result = double(result);
    if ((scalar >> i) & 1n) result = add(result, point);
  }
  return result;
}

// Projective equality: X1/Z1 = X2/Z2 and Y1/Z1 = Y2/Z2, without an inversion.
function equal(p: Point, q: Point): boolean {
  return mod(p.X * q.Z - q.X * p.Z) === 0n && mod(p.Y * q.Z - q.Y * p.Z) === 0n;
}

function isSmallOrder(p: Point): boolean {
  const eight = double(double(double(p)));
  return eight.X === 0n && mod(eight.Y - eight.Z) === 0n;
}

function littleEndian(bytes: Uint8Array): bigint {
  let n = 0n;
  for (let i = bytes.length - 1; i >= 0; i -= 1) n = (n << 8n) | BigInt(bytes[i] as number);
  return n;
}

/** RFC 8032 §5.1.3: a 32-byte encoding to a point, or null for a non-canonical or off-curve one. */
function decodePoint(bytes: Uint8Array): Point | null {
  if (bytes.length !== 32) return null;
  const sign = (bytes[31] as number) >> 7;
  const yBytes = bytes.slice();
  yBytes[31] = (yBytes[31] as number) & 0x7f;
  const y = littleEndian(yBytes);
  // A y of p or more is a second encoding of a smaller y: refused, so each point has one encoding.
  if (y >= P) return null;
  // x² = (y² − 1) / (d·y² + 1); candidate x = u·v³·(u·v⁷)^((p−5)/8).
  const y2 = (y * y) % P;
  const u = mod(y2 - 1n);
  const v = mod(D * y2 + 1n);
  const v3 = (((v * v) % P) * v) % P;
  const v7 = (((v3 * v3) % P) * v) % P;
  let x = (((u * v3) % P) * pow((u * v7) % P, (P - 5n) / 8n)) % P;
  const vx2 = (((v * x) % P) * x) % P;
  if (vx2 === mod(-u)) x = (x * SQRT_M1) % P;
  else if (vx2 !== u) return null;
  // x = 0 has no negative: a set sign bit would be a second encoding of the same point.
  if (x === 0n && sign === 1) return null;
  if (Number(x & 1n) !== sign) x = P - x;
  return { X: x, Y: y, Z: 1n, T: (x * y) % P };
}

function basePoint(): Point {
  // y = 4/5 encodes as 0x58 followed by 31 bytes of 0x66; its x is even (RFC 8032 §5.1).
  const point = decodePoint(new Uint8Array(32).map((_, i) => (i === 0 ? 0x58 : 0x66)));
  if (point === null) throw new Error('the Ed25519 base point does not decode');
  return point;
}

/** The base point B. */
const BASE = basePoint();

/** Exactly `length` bytes of lowercase hex, or null: keys and signatures have one spelling. */
function fixedHex(hex: unknown, length: number): Uint8Array | null {
  if (typeof hex !== 'string' || hex.length !== length * 2 || !/^[0-9a-f]*$/u.test(hex)) return null;
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i += 1) bytes[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}

/**
 * True when signatureHex (64 bytes, lowercase hex) is a valid Ed25519 signature of message under
 * publicKeyHex (32 bytes, lowercase hex), per RFC 8032 §5.1.7 with the cofactorless equation
 * [S]B = R + [k]A. False, never an exception, for wrong lengths, non-hex, a non-canonical or
 * off-curve A or R, or S ≥ L (which would let anyone re-spell a valid signature).
 */
export function verifyEd25519(publicKeyHex: string, message: Uint8Array, signatureHex: string): boolean {
  const publicKey = fixedHex(publicKeyHex, 32);
  const signature = fixedHex(signatureHex, 64);
  if (publicKey === null || signature === null || !(message instanceof Uint8Array)) return false;
  const a = decodePoint(publicKey);
  // A key of small order (8·A = identity) verifies forged signatures, e.g. R = identity, S = 0,
  // for every message; RFC 8032 allows such keys, a county key must not be one.
  if (a === null || isSmallOrder(a)) return false;
  const rBytes = signature.subarray(0, 32);
  const r = decodePoint(rBytes);
  if (r === null) return false;
  const s = littleEndian(signature.subarray(32));
  if (s >= L) return false;
  const hashed = new Uint8Array(64 + message.length);
  hashed.set(rBytes, 0);
  hashed.set(publicKey, 32);
  hashed.set(message, 64);
  const k = littleEndian(sha512(hashed)) % L;
  return equal(multiply(s, BASE), add(r, multiply(k, a)));
}

/**
 * The county key's fingerprint printed on every bulletin: SHA-256 of the 32 raw public-key bytes,
 * as 64 lowercase hex digits. Throws on anything that is not 32 bytes of lowercase hex, because a
 * fingerprint of a malformed key would be a fingerprint of nothing.
 */
export function ed25519PublicKeyFingerprint(publicKeyHex: string): string {
  const publicKey = fixedHex(publicKeyHex, 32);
  if (publicKey === null) throw new Error('an Ed25519 public key is 32 bytes of lowercase hex');
  return sha256Hex(publicKey);
}
