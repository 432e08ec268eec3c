"""A format-2 bundle's public-log proofs and the comparison with the printed bulletin.

Python 3 standard library only; imported by verify_draw.py, which passes in its canonical JSON and
length-prefix encoders (as it passes its chain check to verify_show.py). The Merkle proofs and the
Ed25519 verification are those of transparency_ref.py (RFC 6962 / RFC 9162, RFC 8032), imported.
"""
import hashlib

from transparency_ref import leaf_hash, verify_consistency, verify_ed25519, verify_inclusion

TREE_HEAD_TAG = "choucha-tree-head-v1"


def key_id_of(public_key_hex: str) -> str:
    """The county key's fingerprint: SHA-256 of its 32 raw bytes."""
    return hashlib.sha256(bytes.fromhex(public_key_hex)).hexdigest()


def head_signed(head, public_key, length_prefixed) -> bool:
    """A signed tree head: the key's fingerprint, and Ed25519 over LP(tag, size, root, timestamp)."""
    size = head["treeSize"]
    if not isinstance(size, int) or isinstance(size, bool):
        return False
    message = length_prefixed([TREE_HEAD_TAG, str(size), head["rootHash"], head["timestamp"]])
    return head["keyId"] == key_id_of(public_key) and verify_ed25519(public_key, message, head["signature"])


def expected_final(bundle):
    """The final leaf the logs call for: abandoned, a closed show, or none yet (None)."""
    show = bundle.get("show")
    # The entry that ended the show: cues and takes may follow the close in the log.
    end = next((e for e in (show["log"] if show is not None else []) if e["type"] in ("close", "abandon")), None)
    if not bundle.get("abandoned") and end is None:
        return None
    return {
        "status": "abandoned" if bundle.get("abandoned") else "completed",
        "reason": bundle["abandoned"]["reason"] if bundle.get("abandoned") else None,
        "drawLogHead": bundle["logHead"],
        "drawLogLength": len(bundle["log"]),
        "showLogHead": (end["hash"] if end is not None else None) if show is not None else None,
        "showLogLength": (end["seq"] if end is not None else 0) if show is not None else 0,
    }


def verify_public_log(bundle, check, jcs, length_prefixed):
    """The key, both signatures, the seal leaf, every inclusion proof, consistency, the final leaf."""
    proof = bundle.get("publicLog")
    if not check("public log: proofs present", isinstance(proof, dict)):
        return
    digest = lambda leaf: leaf_hash(jcs(leaf).encode("utf-8"))  # noqa: E731
    public_key = proof["publicKey"]
    head, seal_head = proof["treeHead"], proof["sealTreeHead"]
    check("public log: key fingerprint", key_id_of(public_key) == proof["keyId"])
    check("public log: both tree heads signed by the county key",
          head_signed(head, public_key, length_prefixed) and head_signed(seal_head, public_key, length_prefixed))
    leaves = proof["leaves"]
    seal = bundle["log"][0]
    first = leaves[0]["leaf"] if leaves else None
    check("public log: its seal leaf is this bundle's seal record",
          first is not None and first["kind"] == "seal" and first["drawId"] == bundle["drawId"]
          and first["sealHash"] == seal["hash"] and jcs(first["seal"]) == jcs(seal["payload"])
          # The head printed at sealing is the one right after the seal leaf: size = its index + 1.
          and seal_head["treeSize"] == leaves[0]["index"] + 1)
    included = all(verify_inclusion(digest(e["leaf"]), e["index"], head["treeSize"], e["inclusion"], head["rootHash"]) for e in leaves)
    seal_included = bool(leaves) and verify_inclusion(digest(leaves[0]["leaf"]), leaves[0]["index"], seal_head["treeSize"],
                                                      proof["sealInclusion"], seal_head["rootHash"])
    check("public log: every leaf included in the signed heads", included and seal_included)
    check(f"public log: consistency {seal_head['treeSize']} -> {head['treeSize']}",
          verify_consistency(seal_head["treeSize"], head["treeSize"], seal_head["rootHash"], head["rootHash"], proof["consistency"]))
    finals = [e["leaf"] for e in leaves if e["leaf"]["kind"] == "final"]
    wanted = expected_final(bundle)
    keys = ["status", "reason", "drawLogHead", "drawLogLength", "showLogHead", "showLogLength"]
    if wanted is None:
        ok = not finals
    else:
        ok = len(finals) == 1 and finals[0]["drawId"] == bundle["drawId"] and jcs({k: finals[0][k] for k in keys}) == jcs(wanted)
    check("public log: final leaf agrees with the logs' heads" if wanted else "public log: no final leaf yet", ok)


def commitments_of(bundle):
    # A version-1 bundle's seed never used a notary's secret: a notary field there proves nothing.
    notary = bundle.get("notary") if bundle.get("version") == 2 else None
    return [bundle["commitment"]] + ([notary["commitment"]] if notary else [])


def check_bulletin(bundle, expected, check):
    """What was printed before the show: commitments, the tree head at sealing, the key's fingerprint."""
    proof = bundle.get("publicLog") if isinstance(bundle.get("publicLog"), dict) else None
    if expected.get("seal"):
        printed = expected["seal"]
        check("bulletin: printed seal record is the bundle's",
              bundle.get("version") == printed["sealVersion"] and bundle.get("drawId") == printed["drawId"]
              and bundle["log"][0]["hash"] == printed["sealHash"])
    if expected.get("commitments"):
        sealed = commitments_of(bundle)
        check("bulletin: printed commitments are the sealed ones", all(c.strip().lower() in sealed for c in expected["commitments"]))
    if expected.get("treeHead"):
        printed = expected["treeHead"]
        # Only the head right after the seal: a later head could follow a second seal of the same draw.
        heads = [proof["sealTreeHead"]] if proof else []
        check("bulletin: printed tree head is the bundle's",
              any(h["rootHash"] == printed["rootHash"] and printed.get("treeSize") in (None, h["treeSize"]) for h in heads))
    if expected.get("keyId"):
        check("bulletin: printed key fingerprint", proof is not None and proof["keyId"] == expected["keyId"].strip().lower())


def eye_checks(bundle, expected):
    """What no software can compare for a citizen: say it, with the values to compare."""
    proof = bundle.get("publicLog") if isinstance(bundle.get("publicLog"), dict) else None
    items = []
    if not expected.get("commitments"):
        items.append("commitments " + ", ".join(commitments_of(bundle)) + ": compare with the bulletin printed at sealing")
    if not expected.get("treeHead") and proof:
        h = proof["sealTreeHead"]
        items.append(f"public log head at sealing {h['treeSize']}:{h['rootHash']}: compare with the bulletin")
    if not expected.get("keyId") and proof:
        items.append(f"county key fingerprint {proof['keyId']}: compare with every bulletin")
    if bundle.get("entropy") is not None:
        items.append(f"public entropy {bundle['entropy']}: compare with the dice shown and typed on air")
    return items
