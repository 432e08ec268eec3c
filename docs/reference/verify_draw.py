#!/usr/bin/env python3
"""An independent verifier for choucha draws, written from docs/verification.md alone.

Python 3 standard library only. It re-implements the hash inputs, seedrandom's RC4 generator,
rejection sampling and the Fisher-Yates order, replays the draw ceremony from the seal record, and
checks either the test vectors (tests/vectors/draw-v1.json, draw-v2.json) or a verification bundle
of format 1 or 2:

    python3 docs/reference/verify_draw.py tests/vectors/draw-v2.json
    python3 docs/reference/verify_draw.py choucha-bundle-D20261126-xxxx.json \
        --bulletin-commitment HEX --bulletin-commitment HEX --tree-head SIZE:ROOT --key-id HEX
        --seal-record 'choucha:seal:…' (the bulletin's QR line: seal record, commitments, tree head)

Format 2 adds: the seal record naming the notary's commitment and the show (its event, rehearsal
flag, mode, timings, seats and recusals), seed v2 over the seal's hash and both secrets, the
entropy locked by the supervisor only, and the county's public log (verify_public_log.py, on
transparency_ref.py: the key's fingerprint, both Ed25519 signatures, the seal leaf, inclusion,
consistency, the final leaf). Without the bulletin's values a bundle proves only itself (a new
secret can be ground and both logs re-hashed); what was not given is printed as COMPARE BY EYE.
A bundle with a `show` part is also checked by verify_show.py (next to this file): the show log's
chain, and every round's scores, households and result recomputed from the log.
Exit status 0 when everything holds, 1 otherwise.
"""
import argparse
import hashlib
import json
import re
import sys

from transparency_ref import leaf_hash, tree_root
from verify_public_log import check_bulletin, eye_checks, head_signed, key_id_of, verify_public_log
from verify_show import entropy_digits, verify_show


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
        return ok


AUDITEE_REASONS = {"LEAVE", "TRIP", "RECUSAL", "OTHER"}
CONTACT_REASONS = {"NO_ANSWER", "REFUSED", "WRONG_NUMBER", "NO_CONSENT", "RECUSAL", "OTHER"}
ENTROPY = re.compile(r"[0-9]{20,200}")


def check_selections(report: Report, label: str, stage: dict, quota: int, reasons: set):
    """Picks are the first `quota` of the order; each replacement takes the next unused one."""
    order, selections = stage["order"], stage["selections"]
    ok = [s["number"] for s in selections[:quota]] == order[:quota]
    for position, selection in enumerate(selections):
        ok = ok and selection["position"] == position and selection["number"] == order[position]
        if "replaced" in selection:
            ok = ok and selection["replaced"]["reason"] in reasons
    report.check(label, ok)


def derive_seed_v2(seal_hash, server_secret, notary_secret, entropy) -> str:
    """Format 2: SHA-256(LP("choucha-seed-v2", seal hash, server secret, notary secret or "", entropy))."""
    return sha256_hex(length_prefixed(["choucha-seed-v2", seal_hash, server_secret, notary_secret or "", entropy]))


def plan_quotas(plan) -> list:
    """Each auditee stage's (stratum, count): fixed quotas, or ratios by the largest remainder."""
    a = plan["auditees"]
    if a["mode"] == "total":
        return [("", a["count"])]
    if a["mode"] == "strata":
        return [(q["stratum"], q["count"]) for q in a["quotas"]]
    shares = [{"stratum": r["stratum"], "count": a["count"] * r["percent"] // 100, "rest": a["count"] * r["percent"] % 100, "order": i}
              for i, r in enumerate(a["ratios"])]
    left = a["count"] - sum(s["count"] for s in shares)
    for share in sorted(shares, key=lambda s: (-s["rest"], s["order"])):
        if left <= 0:
            break
        share["count"] += 1
        left -= 1
    return [(s["stratum"], s["count"]) for s in shares]


def sealed_show(show):
    """What a format-2 seal record says of the show: everything but its log and results."""
    return {k: show[k] for k in ("eventId", "rehearsal", "mode", "reportMinutes", "rollSeconds", "judges")}


def seal_payload(bundle) -> dict:
    """The seal record the bundle's fields call for (format 2 adds version, notary and show)."""
    payload = {k: bundle[k] for k in ("drawId", "programCode", "roster", "planHash", "poolHash", "commitment")}
    if bundle["version"] == 2:
        payload.update({"version": 2, "notary": bundle.get("notary"), "show": sealed_show(bundle["show"]) if "show" in bundle else None})
    return payload


class Refused(Exception):
    pass


def replace_in(selections, order, number, reason):
    """The pick `number` replaced by the next unused number of the order."""
    index = next((i for i, s in enumerate(selections) if s["number"] == number and "replaced" not in s), None)
    if index is None:
        raise Refused(f"{number} is not a current pick")
    position = max(s["position"] for s in selections) + 1
    if position >= len(order):
        raise Refused("no alternate left")
    selections[index] = dict(selections[index], replaced={"reason": reason, "by": order[position]})
    selections.append({"number": order[position], "position": position})


def replay(bundle) -> dict:
    """The ceremony (section 5) replayed from the seal: every later draw-log entry is one command."""
    v2, plan, notary = bundle["version"] == 2, bundle["plan"], bundle.get("notary") if bundle["version"] == 2 else None
    seal_hash = bundle["log"][0]["hash"]
    st = {"entropy": None, "secret": None, "notarySecret": None, "seed": None, "abandoned": None, "auditeeStages": None, "contactStages": []}

    def matches(secret, commitment):
        return isinstance(secret, str) and re.fullmatch(r"[0-9a-f]{64}", secret) is not None and commitment_of(secret) == commitment

    def seed_of(secret, notary_secret):
        if not v2:
            return derive_seed(bundle["drawId"], bundle["roster"]["hash"], bundle["planHash"], bundle["poolHash"], secret, st["entropy"])
        return None if notary is not None and notary_secret is None else derive_seed_v2(seal_hash, secret, notary_secret, st["entropy"])

    for entry in bundle["log"][1:]:
        kind, p = entry["type"], entry["payload"]
        if st["abandoned"] is not None:
            raise Refused(f"entry {entry['seq']} after the draw was abandoned")
        if kind == "abandon":
            st["abandoned"] = {"reason": p["reason"]}
        elif kind == "lockEntropy":
            entropy = entropy_digits(p["entropy"])
            if st["entropy"] is not None or ENTROPY.fullmatch(entropy) is None:
                raise Refused("entropy locked twice or malformed")
            if v2 and p.get("by") != "supervisor":
                raise Refused("format 2: only the supervisor (notary) locks the entropy")
            st["entropy"] = entropy
        elif kind == "reveal":
            simulated = notary is not None and notary["simulated"] is True
            if st["secret"] is not None or st["entropy"] is None or not matches(p["secret"], bundle["commitment"]):
                raise Refused("secret revealed twice, before the entropy, or not matching its commitment")
            if simulated != ("notarySecret" in p) or (simulated and not matches(p["notarySecret"], notary["commitment"])):
                raise Refused("a simulated notary's secret is revealed with the server's, and only then")
            st["secret"], st["notarySecret"] = p["secret"], p.get("notarySecret")
            st["seed"] = seed_of(p["secret"], st["notarySecret"])
        elif kind == "revealNotary":
            if notary is None or notary["simulated"] is not False or st["notarySecret"] is not None or st["secret"] is None:
                raise Refused("no notary secret to reveal now")
            if not matches(p["secret"], notary["commitment"]):
                raise Refused("the notary's secret does not match its commitment")
            st["notarySecret"] = p["secret"]
            st["seed"] = seed_of(st["secret"], p["secret"])
        elif kind == "drawAuditees":
            if st["seed"] is None or st["auditeeStages"] is not None:
                raise Refused("no seed yet, or auditees drawn twice")
            st["auditeeStages"] = []
            for stratum, count in plan_quotas(plan):
                seed_hex = stage_seed(st["seed"], "auditees", stratum)
                order = stage_order(seed_hex, [a["number"] for a in bundle["pool"]["auditees"] if a["stratum"] == stratum])
                st["auditeeStages"].append({"stratum": stratum, "stageSeed": seed_hex, "order": order, "quota": count,
                                            "selections": [{"number": n, "position": i} for i, n in enumerate(order[:count])]})
        elif kind == "replaceAuditee":
            stages = st["auditeeStages"]
            replaced = sum(1 for s in stages or [] for x in s["selections"] if "replaced" in x)
            if stages is None or p["reason"] not in AUDITEE_REASONS or replaced >= plan["replacementCaps"]["auditees"]:
                raise Refused("auditee replacement refused (not drawn, reason, or cap)")
            stage = next((s for s in stages if any(x["number"] == p["number"] and "replaced" not in x for x in s["selections"])), None)
            if stage is None or any(c["auditeeNumber"] == p["number"] for c in st["contactStages"]):
                raise Refused(f"{p['number']} is not a current pick, or its contacts are drawn")
            replace_in(stage["selections"], stage["order"], p["number"], p["reason"])
        elif kind == "drawContacts":
            number = p["auditeeNumber"]
            active = {x["number"] for s in st["auditeeStages"] or [] for x in s["selections"] if "replaced" not in x}
            if st["seed"] is None or number not in active or any(c["auditeeNumber"] == number for c in st["contactStages"]):
                raise Refused(f"contacts of {number} cannot be drawn")
            contacts = next(a["contacts"] for a in bundle["pool"]["auditees"] if a["number"] == number)
            seed_hex = stage_seed(st["seed"], "contacts", number)
            order = stage_order(seed_hex, contacts)
            st["contactStages"].append({"auditeeNumber": number, "stageSeed": seed_hex, "order": order,
                                        "selections": [{"number": n, "position": i} for i, n in enumerate(order[: plan["contactsPerAuditee"]])]})
        elif kind == "replaceContact":
            stage = next((c for c in st["contactStages"] if c["auditeeNumber"] == p["auditeeNumber"]), None)
            if p["reason"] not in CONTACT_REASONS or stage is None:
                raise Refused("contact replacement refused (reason, or not drawn)")
            if sum(1 for x in stage["selections"] if "replaced" in x) >= plan["replacementCaps"]["contactsPerAuditee"]:
                raise Refused("contact replacement cap reached")
            replace_in(stage["selections"], stage["order"], p["contactNumber"], p["reason"])
        else:
            raise Refused(f"entry {entry['seq']}: {kind} is not a ceremony command")
    return st


def verify_bundle(bundle: dict, report: Report, expected=None):
    """Every check of a bundle; `expected`: what the bulletin printed (commitments, tree head, key)."""
    expected = expected or {}
    if not report.check("format and version", bundle.get("format") == "choucha-draw-bundle" and bundle.get("version") in (1, 2)):
        return
    try:
        verify_fields(bundle, report)
    except (KeyError, TypeError, ValueError, IndexError, AttributeError, StopIteration) as error:
        report.check(f"bundle readable ({type(error).__name__}: {error})", False)
    check_bulletin(bundle, expected, report.check)


def verify_fields(bundle: dict, report: Report):
    v2 = bundle["version"] == 2
    report.check("plan hash", sha256_hex(jcs(bundle["plan"]).encode("utf-8")) == bundle["planHash"])
    report.check("plan's programme", bundle["plan"]["programCode"] == bundle["programCode"])
    report.check("pool hash", sha256_hex(jcs(bundle["pool"]).encode("utf-8")) == bundle["poolHash"])
    report.check("pool size", len(bundle["pool"]["auditees"]) == bundle["poolSize"])
    report.check("log hash chain", chain_holds(bundle["log"], bundle["logHead"]))
    seal = bundle["log"][0]
    report.check("seal record" + (" (format 2: notary and show)" if v2 else ""), seal["type"] == "seal" and jcs(seal["payload"]) == jcs(seal_payload(bundle)))
    if v2:
        sealed = seal["payload"].get("show")
        if sealed is not None:
            report.check(f"the show the seal names ({sealed['eventId']}) is present", "show" in bundle and jcs(sealed_show(bundle["show"])) == jcs(sealed))
        report.check("seal hash", bundle["sealHash"] == seal["hash"])
        notary = bundle["notary"]
        if notary is not None and bundle["notarySecret"] is not None:
            report.check("notary's commitment" + (" (simulated)" if notary["simulated"] else ""), commitment_of(bundle["notarySecret"]) == notary["commitment"])
    if bundle["secret"] is None:
        report.check("not revealed: no seed, no draws", bundle["seed"] is None and bundle["auditeeStages"] is None and not bundle["contactStages"])
    else:
        verify_draws(bundle, report)
    try:
        state = replay(bundle)
        shown = {k: bundle.get(k) for k in ("entropy", "secret", "seed", "auditeeStages", "contactStages")}
        mine = {k: state[k] for k in shown}
        if v2:
            shown.update(notarySecret=bundle["notarySecret"], abandoned=bundle["abandoned"])
            mine.update(notarySecret=state["notarySecret"], abandoned=state["abandoned"])
        report.check("ceremony replay gives the bundle's result", jcs(mine) == jcs(shown))
        counts = {"auditees": sum(1 for s in state["auditeeStages"] or [] for x in s["selections"] if "replaced" in x),
                  "contacts": sum(1 for s in state["contactStages"] for x in s["selections"] if "replaced" in x)}
        report.check("replacements reported", counts == bundle["replacements"])
    except Refused as refusal:
        report.check(f"ceremony replay ({refusal})", False)
    if "show" in bundle:
        if v2:
            typed = [e for e in bundle["show"]["log"] if e["type"] == "lockEntropy"]
            report.check("show log: the supervisor locked the entropy", all(e["payload"].get("by") == "supervisor" for e in typed))
            notary_secrets = [e["payload"]["secret"] for e in bundle["show"]["log"] if e["type"] == "revealNotary"]
            notary_secrets += [e["payload"]["notarySecret"] for e in bundle["show"]["log"] if e["type"] == "reveal" and "notarySecret" in e["payload"]]
            report.check("show log: the notary's secret is the bundle's", all(x == bundle["notarySecret"] for x in notary_secrets))
        verify_show(bundle, report.check, chain_holds)
    if v2:
        verify_public_log(bundle, report.check, jcs, length_prefixed)


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
    if bundle["version"] == 2:
        pending = bundle["notary"] is not None and bundle["notarySecret"] is None
        seed = None if pending else derive_seed_v2(bundle["log"][0]["hash"], bundle["secret"], bundle["notarySecret"], bundle["entropy"])
    else:
        seed = derive_seed(bundle["drawId"], bundle["roster"]["hash"], bundle["planHash"], bundle["poolHash"], bundle["secret"], bundle["entropy"])
    report.check("seed" + (" (format 2)" if bundle["version"] == 2 else ""), seed == bundle["seed"])
    if seed is None:
        return
    pool = {a["number"]: a for a in bundle["pool"]["auditees"]}
    for stage in bundle["auditeeStages"] or []:
        numbers = [a["number"] for a in bundle["pool"]["auditees"] if a["stratum"] == stage["stratum"]]
        seed_hex = stage_seed(seed, "auditees", stage["stratum"])
        report.check("auditee order " + (stage["stratum"] or "(all)"), seed_hex == stage["stageSeed"] and stage_order(seed_hex, numbers) == stage["order"])
        check_selections(report, "auditee picks " + (stage["stratum"] or "(all)"), stage, stage["quota"], AUDITEE_REASONS)
    for stage in bundle["contactStages"]:
        seed_hex = stage_seed(seed, "contacts", stage["auditeeNumber"])
        contacts = pool[stage["auditeeNumber"]]["contacts"]
        report.check("contact order " + stage["auditeeNumber"], seed_hex == stage["stageSeed"] and stage_order(seed_hex, contacts) == stage["order"])
        check_selections(report, "contact picks " + stage["auditeeNumber"], stage, bundle["plan"]["contactsPerAuditee"], CONTACT_REASONS)


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


def verify_vectors_v2(vectors: dict, report: Report):
    """tests/vectors/draw-v2.json: seal v2, seed v2, stage orders, the public log, a whole bundle."""
    for case in vectors["commitments"]:
        report.check("commitment", commitment_of(case["secret"]) == case["commitment"])
    seal = vectors["seal"]
    report.check("seal payload canonical JSON and hash", jcs(seal["payload"]) == seal["json"] and sha256_hex(seal["json"].encode("utf-8")) == seal["sha256"])
    report.check("seal entry hash (the seal hash)", chain_holds([seal["entry"]], seal["entry"]["hash"]) and seal["entry"]["payload"] == seal["payload"])
    for case in vectors["seeds"]:
        i = case["inputs"]
        report.check(f"seed v2 ({case['case']})", derive_seed_v2(i["sealHash"], i["serverSecret"], i["notarySecret"], i["entropy"]) == case["seed"])
    seed = vectors["seeds"][0]["seed"]
    for stage in vectors["stages"]:
        seed_hex = stage_seed(seed, stage["kind"], stage["key"])
        report.check(f"stage order v2 {stage['kind']} {stage['key']!r}", seed_hex == stage["stageSeed"] and stage_order(seed_hex, stage["items"]) == stage["order"])
    log = vectors["publicLog"]
    report.check("county key fingerprint", key_id_of(log["publicKey"]) == log["keyId"])
    for i, leaf in enumerate(log["leaves"]):
        report.check(f"public log leaf {i}: canonical JSON and RFC 6962 leaf hash", jcs(leaf["leaf"]) == leaf["json"] and leaf_hash(leaf["json"].encode("utf-8")) == leaf["leafHash"])
    for case in log["heads"]:
        head = case["head"]
        message = length_prefixed(["choucha-tree-head-v1", str(head["treeSize"]), head["rootHash"], head["timestamp"]])
        root = tree_root([leaf["leafHash"] for leaf in log["leaves"][: head["treeSize"]]])
        report.check(f"tree head {head['treeSize']}: root, signed message, Ed25519 signature",
                     head["rootHash"] == root and message.hex() == case["message"] and head_signed(head, log["publicKey"], length_prefixed))
    b = vectors["bulletin"]
    verify_bundle(vectors["bundle"], report, {"commitments": b["commitments"], "treeHead": parse_tree_head(b["treeHead"]), "keyId": b["keyId"]})


def parse_tree_head(text: str):
    match = re.fullmatch(r"\s*(?:(\d{1,12})\s*[:：]\s*)?([0-9a-fA-F]{64})\s*", text)
    if match is None:
        raise argparse.ArgumentTypeError("a tree head is SIZE:ROOT or ROOT (64 hex digits)")
    return {"rootHash": match.group(2).lower(), **({"treeSize": int(match.group(1))} if match.group(1) else {})}


def parse_seal_record(text: str):
    """The bulletin's QR line: choucha:seal:VERSION:DRAW:SEALHASH:COMMITMENT:NOTARY|-:SIZE|-:ROOT|-."""
    match = re.fullmatch(
        r"choucha:seal:(\d+):([A-Za-z0-9-]{1,40}):([0-9a-f]{64}):([0-9a-f]{64}):([0-9a-f]{64}|-):(\d{1,12}|-):([0-9a-f]{64}|-)",
        text.strip(),
    )
    if match is None:
        raise argparse.ArgumentTypeError("a seal record is the bulletin's QR line, choucha:seal:…")
    version, draw, seal_hash, commitment, notary, size, root = match.groups()
    return {
        "seal": {"sealVersion": int(version), "drawId": draw, "sealHash": seal_hash},
        "commitments": [commitment] + ([] if notary == "-" else [notary]),
        "treeHead": None if size == "-" or root == "-" else {"treeSize": int(size), "rootHash": root},
    }


def main() -> int:
    parser = argparse.ArgumentParser(description="Verify a choucha bundle or the draw vectors.")
    parser.add_argument("file")
    parser.add_argument("--bulletin-commitment", action="append", default=[], help="a commitment as printed (repeatable)")
    parser.add_argument("--tree-head", type=parse_tree_head, help="the public log's head as printed: SIZE:ROOT or ROOT")
    parser.add_argument("--key-id", help="the county key's fingerprint as printed")
    parser.add_argument("--seal-record", type=parse_seal_record, help="the bulletin's QR line (choucha:seal:…)")
    args = parser.parse_args()
    with open(args.file, encoding="utf-8") as handle:
        data = json.load(handle)
    expected = {"commitments": args.bulletin_commitment, "treeHead": args.tree_head, "keyId": args.key_id}
    if args.seal_record:
        expected["seal"] = args.seal_record["seal"]
        expected["commitments"] = expected["commitments"] + args.seal_record["commitments"]
        expected["treeHead"] = expected["treeHead"] or args.seal_record["treeHead"]
    report = Report()
    if data.get("format") == "choucha-draw-bundle":
        verify_bundle(data, report, expected)
        if not report.failures and data.get("abandoned"):
            # An abandoned draw verifies (its record is whole) but never counts: say so before anything else.
            print(f"OUTCOME: ABANDONED (作废), reason: {data['abandoned']['reason']}; the draw does not count, a new one must be sealed")
        if not report.failures:
            for item in eye_checks(data, expected):
                print("COMPARE BY EYE: " + item)
    elif data.get("version") == 2:
        verify_vectors_v2(data, report)
    else:
        verify_vectors(data, report)
    print("ALL CHECKS PASSED" if not report.failures else f"{len(report.failures)} CHECK(S) FAILED")
    return 0 if not report.failures else 1


if __name__ == "__main__":
    sys.exit(main())
