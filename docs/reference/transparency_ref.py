#!/usr/bin/env python3
"""A reference for the county's public append-only log, independent of the TypeScript code.

Python 3 standard library only. The Merkle tree is RFC 6962 §2.1 (RFC 9162 §2.1): leaf hash
SHA-256(0x00 || leaf), node hash SHA-256(0x01 || left || right), the empty tree's root SHA-256("").
Inclusion and consistency proofs are checked with the algorithms of RFC 9162 §2.1.3.2 and
§2.1.4.2. Ed25519 verification is a port of RFC 8032 §6's reference code. Hashes, keys and
signatures are lowercase hex. Run on the test vectors:

    python3 docs/reference/transparency_ref.py tests/vectors/transparency-v1.json

Exit status 0 when every case gives the expected answer, 1 otherwise.
"""
import hashlib
import json
import re
import sys

HASH_HEX = re.compile(r"[0-9a-f]{64}")


def is_hash(value) -> bool:
    return isinstance(value, str) and HASH_HEX.fullmatch(value) is not None


def is_size(value) -> bool:
    # bool is an int in Python; a size of True is malformed, not 1.
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def leaf_hash(leaf: bytes) -> str:
    return hashlib.sha256(b"\x00" + leaf).hexdigest()


def _split(n: int) -> int:
    """The largest power of two smaller than n (n >= 2)."""
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def _mth(leaves: list) -> bytes:
    if len(leaves) == 1:
        return leaves[0]
    k = _split(len(leaves))
    return node_hash(_mth(leaves[:k]), _mth(leaves[k:]))


def tree_root(leaf_hashes: list) -> str:
    """MTH over the given leaf hashes (hex), as hex; SHA-256("") for none."""
    if not leaf_hashes:
        return hashlib.sha256(b"").hexdigest()
    return _mth([bytes.fromhex(h) for h in leaf_hashes]).hex()


def verify_inclusion(leaf_hash_hex, index, tree_size, proof, root_hex) -> bool:
    """RFC 9162 §2.1.3.2. False, never an exception, on malformed input."""
    if not (is_hash(leaf_hash_hex) and is_hash(root_hex) and is_size(index) and is_size(tree_size)):
        return False
    if not isinstance(proof, list) or not all(is_hash(p) for p in proof):
        return False
    if index >= tree_size:
        return False
    fn, sn = index, tree_size - 1
    r = bytes.fromhex(leaf_hash_hex)
    for p in (bytes.fromhex(h) for h in proof):
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r.hex() == root_hex


def verify_consistency(from_size, to_size, from_root, to_root, proof) -> bool:
    """RFC 9162 §2.1.4.2; equal sizes need equal roots and an empty proof, size 0 an empty proof."""
    if not (is_size(from_size) and is_size(to_size) and is_hash(from_root) and is_hash(to_root)):
        return False
    if not isinstance(proof, list) or not all(is_hash(p) for p in proof):
        return False
    if from_size > to_size:
        return False
    if from_size == to_size:
        return not proof and from_root == to_root
    if from_size == 0:
        return not proof
    if not proof:
        return False
    path = [bytes.fromhex(h) for h in proof]
    if from_size & (from_size - 1) == 0:
        path.insert(0, bytes.fromhex(from_root))
    fn, sn = from_size - 1, to_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr.hex() == from_root and sr.hex() == to_root


# Ed25519 verification: RFC 8032 §6, with its names.
p = 2**255 - 19
q = 2**252 + 27742317777372353535851937790883648493


def modp_inv(x: int) -> int:
    return pow(x, p - 2, p)


d = -121665 * modp_inv(121666) % p
modp_sqrt_m1 = pow(2, (p - 1) // 4, p)


def point_add(P, Q):
    A, B = (P[1] - P[0]) * (Q[1] - Q[0]) % p, (P[1] + P[0]) * (Q[1] + Q[0]) % p
    C, D = 2 * P[3] * Q[3] * d % p, 2 * P[2] * Q[2] % p
    E, F, G, H = B - A, D - C, D + C, B + A
    return (E * F % p, G * H % p, F * G % p, E * H % p)


def point_mul(s: int, P):
    Q = (0, 1, 1, 0)
    while s > 0:
        if s & 1:
            Q = point_add(Q, P)
        P = point_add(P, P)
        s >>= 1
    return Q


def point_equal(P, Q) -> bool:
    return (P[0] * Q[2] - Q[0] * P[2]) % p == 0 and (P[1] * Q[2] - Q[1] * P[2]) % p == 0


def recover_x(y: int, sign: int):
    if y >= p:
        return None
    # Reduced mod p here (the RFC's code is not), so y = p - 1 is seen as x = 0.
    x2 = (y * y - 1) * modp_inv(d * y * y + 1) % p
    if x2 == 0:
        return None if sign else 0
    x = pow(x2, (p + 3) // 8, p)
    if (x * x - x2) % p != 0:
        x = x * modp_sqrt_m1 % p
    if (x * x - x2) % p != 0:
        return None
    if (x & 1) != sign:
        x = p - x
    return x


g_y = 4 * modp_inv(5) % p
g_x = recover_x(g_y, 0)
G = (g_x, g_y, 1, g_x * g_y % p)
IDENTITY = (0, 1, 1, 0)


def point_decompress(s: bytes):
    if len(s) != 32:
        return None
    y = int.from_bytes(s, "little")
    sign = y >> 255
    y &= (1 << 255) - 1
    x = recover_x(y, sign)
    return None if x is None else (x, y, 1, x * y % p)


def verify_ed25519(pub_hex, msg_bytes, sig_hex) -> bool:
    """RFC 8032 §5.1.7, cofactorless; refuses S >= L, non-canonical points and small-order keys."""
    if not isinstance(pub_hex, str) or re.fullmatch(r"[0-9a-f]{64}", pub_hex) is None:
        return False
    if not isinstance(sig_hex, str) or re.fullmatch(r"[0-9a-f]{128}", sig_hex) is None:
        return False
    if not isinstance(msg_bytes, (bytes, bytearray)):
        return False
    public, signature = bytes.fromhex(pub_hex), bytes.fromhex(sig_hex)
    A = point_decompress(public)
    # A small-order key (8A = identity) would accept R = identity, S = 0 for every message.
    if not A or point_equal(point_mul(8, A), IDENTITY):
        return False
    Rs = signature[:32]
    R = point_decompress(Rs)
    if not R:
        return False
    s = int.from_bytes(signature[32:], "little")
    if s >= q:
        return False
    h = int.from_bytes(hashlib.sha512(Rs + public + bytes(msg_bytes)).digest(), "little") % q
    return point_equal(point_mul(s, G), point_add(R, point_mul(h, A)))


def check_vectors(vectors: dict) -> list:
    """Every case in a transparency vectors file; the failures, as text."""
    failures = []

    def expect(ok: bool, what: str) -> None:
        if not ok:
            failures.append(what)
            print(f"FAIL {what}")

    leaf_hashes = [leaf["leafHash"] for leaf in vectors["leaves"]]
    for leaf in vectors["leaves"]:
        expect(leaf_hash(bytes.fromhex(leaf["data"])) == leaf["leafHash"], f"leaf hash {leaf['index']}")
    for case in vectors["roots"]:
        expect(tree_root(leaf_hashes[: case["size"]]) == case["root"], f"root of size {case['size']}")
    for c in vectors["inclusion"]:
        got = verify_inclusion(c["leafHash"], c["index"], c["treeSize"], c["proof"], c["root"])
        expect(got == c["valid"], f"inclusion {c['index']} of {c['treeSize']} ({c['case']})")
    for c in vectors["consistency"]:
        got = verify_consistency(c["fromSize"], c["toSize"], c["fromRoot"], c["toRoot"], c["proof"])
        expect(got == c["valid"], f"consistency {c['fromSize']} -> {c['toSize']} ({c['case']})")
    for c in vectors["signatures"]:
        got = verify_ed25519(c["publicKey"], bytes.fromhex(c["message"]), c["signature"])
        expect(got == c["valid"], f"signature ({c['case']})")
        fingerprint = hashlib.sha256(bytes.fromhex(c["publicKey"])).hexdigest()
        expect(fingerprint == c["fingerprint"], f"key fingerprint ({c['case']})")
    return failures


def main() -> int:
    if len(sys.argv) != 2:
        print("usage: transparency_ref.py VECTORS.json", file=sys.stderr)
        return 1
    with open(sys.argv[1], encoding="utf-8") as f:
        vectors = json.load(f)
    try:
        failures = check_vectors(vectors)
    except (KeyError, TypeError, ValueError) as error:
        # A file missing a field or holding the wrong type is a failure too, not a crash.
        print(f"FAIL malformed vectors file: {error!r}")
        return 1
    print("ALL CHECKS PASSED" if not failures else f"{len(failures)} CHECK(S) FAILED")
    return 0 if not failures else 1


if __name__ == "__main__":
    sys.exit(main())
