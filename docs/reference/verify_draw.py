#!/usr/bin/env python3
"""An independent verifier for choucha draws, written from docs/verification.md alone.

Python 3 standard library only. It re-implements the hash inputs, seedrandom's RC4 generator,
rejection sampling and the Fisher-Yates order, and checks either the test vectors
(tests/vectors/draw-v1.json) or a verification bundle:

    python3 docs/reference/verify_draw.py tests/vectors/draw-v1.json
    python3 docs/reference/verify_draw.py choucha-bundle-D20261126-xxxx.json

A bundle with a `show` part is also checked by verify_show.py (next to this file): the show log's
chain, and every round's scores, households and result recomputed from the log.
Exit status 0 when everything holds, 1 otherwise.
"""
import hashlib
import json
import sys

from verify_show import verify_show


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def jcs(value) -> str:
    """RFC 8785 canonical JSON for strings, integers, booleans, null, arrays and ASCII-keyed objects."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def length_prefixed(fields) -> bytes:
    out = b""
    for field in fields:
        data = field.encode("utf-8")
        out += len(data).to_bytes(4, "big") + data
    return out


def commitment_of(secret_hex: str) -> str:
    return sha256_hex(bytes.fromhex(secret_hex))


def derive_seed(draw_id, roster_hash, plan_hash, pool_hash, secret, entropy) -> str:
    return sha256_hex(length_prefixed(["choucha-seed-v1", draw_id, roster_hash, plan_hash, pool_hash, secret, entropy]))


def stage_seed(seed: str, kind: str, key: str) -> str:
    return sha256_hex(length_prefixed(["choucha-stage-v1", seed, kind, key]))


class SeedRandom:
    """seedrandom 3.0.5's default generator (ARC4 with its key mixing), int32 outputs only."""

    def __init__(self, seed: str):
        key = []
        smear = 0
        for j, ch in enumerate(seed):
            index = j & 255
            previous = key[index] if index < len(key) else 0
            smear ^= previous * 19
            value = 255 & (smear + ord(ch))
            if index < len(key):
                key[index] = value
            else:
                key.append(value)
        if not key:
            key = [0]
        s = list(range(256))
        j = 0
        for i in range(256):
            t = s[i]
            j = (j + key[i % len(key)] + t) & 255
            s[i] = s[j]
            s[j] = t
        self.s, self.i, self.j = s, 0, 0
        self.bytes(256)  # seedrandom discards the first 256 bytes

    def bytes(self, count: int) -> int:
        r = 0
        s = self.s
        for _ in range(count):
            self.i = (self.i + 1) & 255
            t = s[self.i]
            self.j = (self.j + t) & 255
            s[self.i] = s[self.j]
            s[self.j] = t
            r = r * 256 + s[(s[self.i] + t) & 255]
        return r

    def next_uint32(self) -> int:
        return self.bytes(4)


def uniform_below(rng: SeedRandom, m: int) -> int:
    limit = 2**32 - (2**32 % m)
    while True:
        value = rng.next_uint32()
        if value < limit:
            return value % m


def stage_order(seed_hex: str, numbers) -> list:
    order = sorted(numbers, key=lambda n: n.encode("utf-8"))
    rng = SeedRandom(seed_hex)
    for i in range(len(order) - 1):
        j = i + uniform_below(rng, len(order) - i)
        order[i], order[j] = order[j], order[i]
    return order


class Report:
    def __init__(self):
        self.failures = []

    def check(self, label: str, ok: bool):
        print(("OK   " if ok else "FAIL ") + label)
        if not ok:
            self.failures.append(label)


def check_selections(report: Report, label: str, stage: dict, quota: int, reasons: set):
    """Picks are the first `quota` of the order; each replacement takes the next unused one."""
    order, selections = stage["order"], stage["selections"]
    ok = [s["number"] for s in selections[:quota]] == order[:quota]
    for position, selection in enumerate(selections):
        ok = ok and selection["position"] == position and selection["number"] == order[position]
        if "replaced" in selection:
            ok = ok and selection["replaced"]["reason"] in reasons
    report.check(label, ok)


def verify_bundle(bundle: dict, report: Report):
    report.check("plan hash", sha256_hex(jcs(bundle["plan"]).encode("utf-8")) == bundle["planHash"])
    report.check("pool hash", sha256_hex(jcs(bundle["pool"]).encode("utf-8")) == bundle["poolHash"])
    report.check("log hash chain", chain_holds(bundle["log"], bundle["logHead"]))
    if bundle["secret"] is None:
        report.check("not revealed: no seed, no draws", bundle["seed"] is None and bundle["auditeeStages"] is None)
    else:
        verify_draws(bundle, report)
    if "show" in bundle:
        verify_show(bundle, report.check, chain_holds)


def chain_holds(entries, head: str) -> bool:
    """Section 7: each entry's hash recomputes and links to the previous one; the last is the head ("" when empty)."""
    previous = "0" * 64
    ok = True
    for index, entry in enumerate(entries):
        fields = ["choucha-log-v1", str(entry["seq"]), entry["at"], entry["actor"], entry["type"], jcs(entry["payload"]), entry["prevHash"]]
        ok = ok and entry["seq"] == index + 1 and entry["prevHash"] == previous
        ok = ok and sha256_hex(length_prefixed(fields)) == entry["hash"]
        previous = entry["hash"]
    return ok and (entries[-1]["hash"] if entries else "") == head


def verify_draws(bundle: dict, report: Report):
    report.check("commitment", commitment_of(bundle["secret"]) == bundle["commitment"])
    seed = derive_seed(bundle["drawId"], bundle["roster"]["hash"], bundle["planHash"], bundle["poolHash"], bundle["secret"], bundle["entropy"])
    report.check("seed", seed == bundle["seed"])
    pool = {a["number"]: a for a in bundle["pool"]["auditees"]}
    for stage in bundle["auditeeStages"] or []:
        numbers = [a["number"] for a in bundle["pool"]["auditees"] if a["stratum"] == stage["stratum"]]
        seed_hex = stage_seed(seed, "auditees", stage["stratum"])
        report.check("auditee order " + (stage["stratum"] or "(all)"), seed_hex == stage["stageSeed"] and stage_order(seed_hex, numbers) == stage["order"])
        check_selections(report, "auditee picks " + (stage["stratum"] or "(all)"), stage, stage["quota"], {"LEAVE", "TRIP", "RECUSAL", "OTHER"})
    for stage in bundle["contactStages"]:
        seed_hex = stage_seed(seed, "contacts", stage["auditeeNumber"])
        contacts = pool[stage["auditeeNumber"]]["contacts"]
        report.check("contact order " + stage["auditeeNumber"], seed_hex == stage["stageSeed"] and stage_order(seed_hex, contacts) == stage["order"])
        check_selections(report, "contact picks " + stage["auditeeNumber"], stage, bundle["plan"]["contactsPerAuditee"], {"NO_ANSWER", "REFUSED", "WRONG_NUMBER", "NO_CONSENT", "RECUSAL", "OTHER"})


def verify_vectors(vectors: dict, report: Report):
    for case in vectors["canonicalJson"]:
        report.check("canonical JSON", jcs(case["value"]) == case["json"] and sha256_hex(case["json"].encode("utf-8")) == case["sha256"])
    report.check("commitment", commitment_of(vectors["commitment"]["secret"]) == vectors["commitment"]["commitment"])
    inputs = vectors["seed"]["inputs"]
    seed = derive_seed(inputs["drawId"], inputs["rosterHash"], inputs["planHash"], inputs["poolHash"], inputs["secret"], inputs["entropy"])
    report.check("seed", seed == vectors["seed"]["seed"])
    rng = SeedRandom(vectors["seedrandom"]["seed"])
    report.check("seedrandom uint32 stream", [rng.next_uint32() for _ in vectors["seedrandom"]["firstUint32"]] == vectors["seedrandom"]["firstUint32"])
    for stage in vectors["stages"]:
        seed_hex = stage_seed(seed, stage["kind"], stage["key"])
        report.check(f"stage order {stage['kind']} {stage['key']!r}", seed_hex == stage["stageSeed"] and stage_order(seed_hex, stage["items"]) == stage["order"])
    verify_bundle(vectors["bundle"], report)


def main() -> int:
    with open(sys.argv[1], encoding="utf-8") as handle:
        data = json.load(handle)
    report = Report()
    if data.get("format") == "choucha-draw-bundle":
        verify_bundle(data, report)
    else:
        verify_vectors(data, report)
    print("ALL CHECKS PASSED" if not report.failures else f"{len(report.failures)} CHECK(S) FAILED")
    return 0 if not report.failures else 1


if __name__ == "__main__":
    sys.exit(main())
