"""The show's part of a choucha bundle, written from docs/verification.md (sections 8 and 10-13) alone.

Python 3 standard library only; imported by verify_draw.py, which passes in its hash-chain check.
It folds the show log into rounds (who was presented, each seat's final score, the households'
findings, the corrections), recomputes every round's result by the scoring rules and compares it
with the bundle's `show.rounds`. It does not replay the legality of each step (which command was
allowed when): the TypeScript verifier (`npm run verify`, /verify) does.
"""

# The scoring rules when a plan has none (section 12; server/protocol/scoring.ts DEFAULT_SCORING_RULES).
DEFAULT_RULES = {
    "criteria": [{"name": "总分", "maxHundredths": 10000, "stepHundredths": 10}],
    "trim": {"perSide": 1, "fromJudges": 4, "on": "totals"},
    "minJudges": 3,
    "missing": "exclude",
    "satisfactionPoints": {"满意": 100, "基本满意": 75, "不满意": 55},
    "weights": {"judges": 60, "households": 40},
    "tiers": [
        {"label": "优秀", "minHundredths": 9000},
        {"label": "良好", "minHundredths": 8000},
        {"label": "合格", "minHundredths": 6000},
        {"label": "不合格", "minHundredths": 0},
    ],
    "outlierHundredths": 1000,
}

SCORED_ANSWERS = ["满意", "基本满意", "不满意"]
SATISFIED_ANSWERS = ["满意", "基本满意"]
UNREACHED = "未联系上"
REVEALED_STEPS = {"scores-revealed", "result"}
# Sentences about the figures: never compared (section 8, "How the round's scores are recomputed").
WORDING = {"announcement", "method", "formula", "judgesShortfall"}

# What the entropy ignores: ECMAScript's \s (WhiteSpace and LineTerminator), section 10.
ENTROPY_IGNORED = {0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0xA0, 0x1680, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000, 0xFEFF}
ENTROPY_IGNORED |= set(range(0x2000, 0x200B))


def entropy_digits(typed: str) -> str:
    return "".join(ch for ch in typed if ord(ch) not in ENTROPY_IGNORED)


def half_up(numerator: int, denominator: int) -> int:
    """A non-negative ratio rounded to the nearest integer, halves up: floor((2n + d) / 2d)."""
    return (2 * numerator + denominator) // (2 * denominator)


def trimmed_mean(values, per_side: int, from_judges: int):
    """values: [(seat, value)]. Returns (kept, high, low, mean, rule, sorted)."""
    ordered = sorted(values, key=lambda v: (v[1], v[0]))
    n = len(ordered)
    mean_of = lambda kept: half_up(sum(v for _, v in kept), len(kept))  # noqa: E731
    if per_side > 0 and n >= from_judges and n > 2 * per_side:
        low = ordered[:per_side]
        rest = ordered[per_side:]
        high = sorted(rest, key=lambda v: (-v[1], v[0]))[:per_side]
        kept = [v for v in rest if v not in high]  # (seat, value) pairs are unique: one per seat
        return kept, high, low, mean_of(kept), "trimmed"
    if per_side > 0 and n == 3:
        a, b, c = ordered
        low_gap, high_gap = b[1] - a[1], c[1] - b[1]
        if low_gap == high_gap:
            return ordered, [], [], b[1], "evenGaps"
        if low_gap < high_gap:
            return [a, b], [c], [], mean_of([a, b]), "closestTwo"
        return [b, c], [], [a], mean_of([b, c]), "closestTwo"
    return ordered, [], [], mean_of(ordered), "mean"


def judges_aggregate(scores, rules, expected_seats):
    """scores: [{seat, hundredths, items}] sorted by seat. None when there is no judges' score."""
    if not scores or len(scores) < rules["minJudges"]:
        return None
    count = len(rules["criteria"])
    given = {s["seat"] for s in scores}
    missing = sorted(seat for seat in expected_seats if seat not in given)
    panel = [dict(s) for s in scores]
    filled = []
    if rules["missing"] == "othersAverage":
        averages = [half_up(sum(s["items"][i] if i < len(s["items"]) else 0 for s in scores), len(scores)) for i in range(count)]
        for seat in missing:
            filled.append(seat)
            panel.append({"seat": seat, "hundredths": sum(averages), "items": averages})
        panel.sort(key=lambda s: s["seat"])
    excluded = missing if rules["missing"] == "exclude" else []
    trim = rules["trim"]
    if trim["on"] == "criteria" and count > 1:
        criteria = []
        for i, criterion in enumerate(rules["criteria"]):
            values = [(s["seat"], s["items"][i] if i < len(s["items"]) else 0) for s in panel]
            _, high, low, mean, rule = trimmed_mean(values, trim["perSide"], trim["fromJudges"])
            criteria.append({"name": criterion["name"], "meanHundredths": mean, "droppedHigh": [s for s, _ in high], "droppedLow": [s for s, _ in low], "rule": rule})
        rules_used = [c["rule"] for c in criteria]
        if all(r == "trimmed" for r in rules_used):
            rule = "trimmed"
        elif all(r == "mean" for r in rules_used):
            rule = "mean"
        else:
            rule = "evenGaps" if all(r == "evenGaps" for r in rules_used) else "closestTwo"
        return {"counted": [s["seat"] for s in panel], "droppedHigh": [], "droppedLow": [], "filled": filled, "excluded": excluded,
                "criteria": criteria, "rule": rule, "finalHundredths": sum(c["meanHundredths"] for c in criteria)}
    kept, high, low, mean, rule = trimmed_mean([(s["seat"], s["hundredths"]) for s in panel], trim["perSide"], trim["fromJudges"])
    return {"counted": sorted(s for s, _ in kept), "droppedHigh": [s for s, _ in high], "droppedLow": [s for s, _ in low], "filled": filled,
            "excluded": excluded, "criteria": [], "rule": rule, "finalHundredths": mean}


def household_points(h, rules, questionnaire):
    """A household's points under the questionnaire rule (section 12a), or None when it does not count."""
    if h["replaced"] or h["outcome"] in (None, UNREACHED) or h["satisfaction"] not in SCORED_ANSWERS:
        return None
    answers, questions = h.get("answers"), questionnaire["questions"]
    if answers is None or len(answers) != len(questions):
        return None
    if any(not (0 <= choice < len(q["options"])) for choice, q in zip(answers, questions)):
        return None
    return sum(q["options"][choice]["points"] for choice, q in zip(answers, questions)) + rules["satisfactionPoints"][h["satisfaction"]]


def possible_points(questionnaire, rules) -> int:
    return sum(max([o["points"] for o in q["options"]] + [0]) for q in questionnaire["questions"]) + max([rules["satisfactionPoints"][a] for a in SCORED_ANSWERS] + [0])


def households_summary(households, rules, program=None):
    sample = [h for h in households if not h["replaced"] and h["outcome"] is not None]
    reached = [h for h in sample if h["outcome"] != UNREACHED]
    answers = [{"answer": a, "count": sum(1 for h in reached if h["satisfaction"] == a), "points": rules["satisfactionPoints"][a]} for a in SCORED_ANSWERS]
    counted = sum(a["count"] for a in answers)
    satisfied = sum(a["count"] for a in answers if a["answer"] in SATISFIED_ANSWERS)
    total = sum(a["count"] * a["points"] for a in answers)
    summary = {
        "sampled": len(sample),
        "reached": len(reached),
        "counted": counted,
        "satisfied": satisfied,
        "confirmed": sum(1 for h in reached if h["outcome"] == "属实"),
        "uncounted": len(reached) - counted,
        "answers": answers,
        "pointsTotal": total,
        "satisfactionRateHundredths": half_up(satisfied * 10000, counted) if counted else None,
        "responseRateHundredths": half_up(len(reached) * 10000, len(sample)) if sample else None,
        "scoreHundredths": half_up(total * 100, counted) if counted else None,
    }
    if program is None or program["householdScoreRule"] != "questionnaire":
        return summary
    # Section 12a: the points earned over the points possible, one rounding, half up.
    questionnaire = program["questionnaire"]
    counting = [(h, household_points(h, rules, questionnaire)) for h in reached]
    counting = [(h, points) for h, points in counting if points is not None]
    possible = possible_points(questionnaire, rules)
    earned = sum(points for _, points in counting)
    n = len(counting)
    happy = sum(1 for h, _ in counting if h["satisfaction"] in SATISFIED_ANSWERS)
    summary.update({
        "counted": n,
        "satisfied": happy,
        "uncounted": len(reached) - n,
        "satisfactionRateHundredths": half_up(happy * 10000, n) if n else None,
        "scoreHundredths": half_up(earned * 10000, n * possible) if n and possible else None,
        "questionnaire": {
            "possiblePoints": possible,
            "earnedTotal": earned,
            "questions": [{"options": [{"count": sum(1 for h, _ in counting if h["answers"][i] == choice), "points": o["points"]}
                                       for choice, o in enumerate(q["options"])]} for i, q in enumerate(questionnaire["questions"])],
        },
    })
    return summary


def tier_of(hundredths: int, rules) -> str:
    return next((t["label"] for t in rules["tiers"] if hundredths >= t["minHundredths"]), rules["tiers"][-1]["label"])


def round_score(scores, households, rules, expected_seats, program=None):
    judges = judges_aggregate(scores, rules, expected_seats)
    summary = households_summary(households, rules, program)
    j = judges["finalHundredths"] if judges else None
    h = summary["scoreHundredths"]
    wj, wh = rules["weights"]["judges"], rules["weights"]["households"]
    if j is not None and h is not None:
        combined, combination = half_up(j * wj + h * wh, 100), {"judgesWeight": wj, "householdsWeight": wh}
    elif j is not None:
        combined, combination = j, {"judgesWeight": 100, "householdsWeight": 0}
    elif h is not None:
        combined, combination = h, {"judgesWeight": 0, "householdsWeight": 100}
    else:
        combined, combination = None, None
    return {"judges": judges, "households": summary, "combinedHundredths": combined, "combination": combination,
            "tier": None if combined is None else tier_of(combined, rules)}


def fold_rounds(bundle, problems):
    """The show log folded into rounds (sections 10 and 11): numbers and findings only, no legality."""
    show = bundle["show"]
    stages = [{"order": s["order"], "selections": [{"number": n, "position": p, "replaced": False} for p, n in enumerate(s["order"][: s["quota"]])]}
              for s in bundle["auditeeStages"] or []]
    contact_orders = {s["auditeeNumber"]: s["order"] for s in bundle["contactStages"]}
    per_auditee = bundle["plan"]["contactsPerAuditee"]
    rounds = []
    for entry in show["log"]:
        kind, p = entry["type"], entry["payload"]
        current = rounds[-1] if rounds else None
        if kind == "lockEntropy" and entropy_digits(p["entropy"]) != bundle["entropy"]:
            problems.append(f"entry {entry['seq']}: the typed entropy without its spaces is not the bundle's entropy")
        elif kind == "reveal" and p["secret"] != bundle["secret"]:
            problems.append(f"entry {entry['seq']}: the revealed secret is not the bundle's")
        elif kind == "drawAuditee":
            shown = {r["auditeeNumber"] for r in rounds}
            queue = [s["number"] for st in stages for s in sorted(st["selections"], key=lambda s: s["position"]) if not s["replaced"]]
            number = next(n for n in queue if n not in shown)
            rounds.append({"index": len(rounds), "auditeeNumber": number, "step": "drawing", "scores": [], "households": [],
                           "corrections": [], "outcomeCorrections": [], "submissions": {}})
        elif kind == "replaceAuditee":
            stage = next(st for st in stages if any(s["number"] == current["auditeeNumber"] and not s["replaced"] for s in st["selections"]))
            next(s for s in stage["selections"] if s["number"] == current["auditeeNumber"] and not s["replaced"])["replaced"] = True
            position = len(stage["selections"])
            stage["selections"].append({"number": stage["order"][position], "position": position, "replaced": False})
            current["auditeeNumber"] = stage["order"][position]
        elif kind == "drawHouseholds":
            order = contact_orders[current["auditeeNumber"]]
            current["order"] = order
            current["households"] = [{"number": n, "outcome": None, "satisfaction": None, "replaced": False} for n in order[:per_auditee]]
        elif kind in ("recordOutcome", "correctOutcome", "replaceHousehold"):
            call = next(h for h in current["households"] if h["number"] == p["household"] and not h["replaced"])
            if kind == "replaceHousehold":
                call["replaced"] = True
                current["households"].append({"number": current["order"][len(current["households"])], "outcome": None, "satisfaction": None, "replaced": False})
                continue
            to = {"outcome": p["outcome"], "satisfaction": None if p["outcome"] == UNREACHED else p["satisfaction"]}
            if "answers" in p:  # the questionnaire's answers (section 11a), only when recorded
                to["answers"] = p["answers"]
            if kind == "correctOutcome":
                before = {"outcome": call["outcome"], "satisfaction": call["satisfaction"]}
                if "answers" in call:
                    before["answers"] = call["answers"]
                current["outcomeCorrections"].append({"household": call["number"], "from": before, "to": to, "reason": p["reason"], "by": p["by"]})
            call.pop("answers", None)
            call.update(to)
        elif kind == "submitScore":
            items = p.get("items", [p["hundredths"]])
            current["scores"] = sorted([s for s in current["scores"] if s["seat"] != p["seat"]] + [{"seat": p["seat"], "hundredths": p["hundredths"], "items": items}], key=lambda s: s["seat"])
            current["submissions"][p["seat"]] = current["submissions"].get(p["seat"], 0) + 1
        elif kind == "correctScore":
            score = next(s for s in current["scores"] if s["seat"] == p["seat"])
            current["corrections"].append({"seat": p["seat"], "from": score["hundredths"], "to": p["hundredths"], "reason": p["reason"]})
            score.update({"hundredths": p["hundredths"], "items": p["items"]})
        elif kind == "revealScores":
            current["step"] = "scores-revealed"
        elif kind in ("showResult", "finishRound"):
            current["step"] = "result"
    return rounds


def published_round(bundle, folded, rules):
    """A folded round in the shape of `show.rounds[]` (section 13)."""
    judges = bundle["show"]["judges"]
    expected = [j["seat"] for j in judges if folded["auditeeNumber"] not in j["recusals"]]
    versions = lambda seat: folded["submissions"].get(seat, 0) + sum(1 for c in folded["corrections"] if c["seat"] == seat)  # noqa: E731
    result = {
        "index": folded["index"],
        "auditeeNumber": folded["auditeeNumber"],
        "scores": [{"seat": s["seat"], "hundredths": s["hundredths"], "items": s["items"], "versions": versions(s["seat"])} for s in folded["scores"]],
        "corrections": folded["corrections"],
        "households": folded["households"],
        "score": round_score(folded["scores"], folded["households"], rules, expected, bundle["plan"].get("program")) if folded["step"] in REVEALED_STEPS else None,
    }
    if folded["outcomeCorrections"]:
        result["outcomeCorrections"] = folded["outcomeCorrections"]
    return result


def same_figures(recomputed, published) -> bool:
    """Every figure the bundle publishes equals the recomputed one; sentences are not compared."""
    if isinstance(published, list):
        return isinstance(recomputed, list) and len(recomputed) == len(published) and all(same_figures(r, p) for r, p in zip(recomputed, published))
    if isinstance(published, dict):
        return isinstance(recomputed, dict) and all(key in WORDING or (key in recomputed and same_figures(recomputed[key], value)) for key, value in published.items())
    # JSON's true is not 1 (Python's True == 1 would say it is).
    return type(recomputed) is type(published) and recomputed == published


def verify_show(bundle, check, chain_holds):
    """check(label, ok) reports one check; chain_holds(entries, head) is the draw log's chain check."""
    show = bundle["show"]
    check("show log hash chain", chain_holds(show["log"], show["logHead"]))
    rules = bundle["plan"].get("scoring", DEFAULT_RULES)
    problems = []
    try:
        folded = fold_rounds(bundle, problems)
    except (KeyError, StopIteration, IndexError, TypeError) as error:
        check(f"show log folds into rounds ({type(error).__name__}: {error})", False)
        return
    check("show log agrees with the draw (entropy, secret)" + "".join("; " + p for p in problems), not problems)
    draws_ok = True
    for r in folded:
        stage = next((s for s in bundle["contactStages"] if s["auditeeNumber"] == r["auditeeNumber"]), None)
        if stage is not None or r["households"]:
            picks = [(s["number"], "replaced" in s) for s in (stage or {"selections": []})["selections"]]
            draws_ok = draws_ok and picks == [(h["number"], h["replaced"]) for h in r["households"]]
    check("households of each round are the draw's contact picks", draws_ok)
    published = {r["index"]: r for r in show["rounds"]}
    check(f"show has {len(folded)} round(s) as published", len(published) == len(folded) == len(show["rounds"]))
    for r in folded:
        mine = published_round(bundle, r, rules)
        theirs = published.get(r["index"])
        score = mine["score"]
        figures = "running" if score is None else f"combined {score['combinedHundredths']} tier {score['tier']}"
        check(f"round {r['index'] + 1} ({r['auditeeNumber']}): scores, households, result recompute ({figures})", theirs is not None and same_figures(mine, theirs))
