"""Eval metrics: plain functions of (item, result) and of lists of (item, result) pairs.

An item is one line of a question file; a result is what the harness recorded for it (the
retrieved passages and, when answers ran, the answer object's JSON).
"""
from __future__ import annotations

import re
import statistics
import unicodedata
from collections import defaultdict

from rag.textnorm import normalise

_SPACE = re.compile(r"\s+")
_MARKERS = re.compile(r"\[\d+(?:[,,、]\s*\d+)*\]")  # citation markers [1] [1,2]: not content
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")


def squash(text: str) -> str:
    """Text compared as ingested: full-width punctuation and digits in ASCII form, no whitespace."""
    return _SPACE.sub("", normalise(text))


def is_relevant(item: dict, retrieved: dict) -> bool:
    """A retrieved chunk is relevant if it holds an evidence string, or (no evidence) a listed source."""
    evidence = item.get("evidence") or []
    if evidence:
        text = squash(retrieved["text"])
        return any(squash(e) in text for e in evidence)
    return retrieved["source"] in (item.get("sources") or [])


def first_hit_rank(item: dict, result: dict) -> int | None:
    for rank, retrieved in enumerate(result["retrieved"], 1):
        if is_relevant(item, retrieved):
            return rank
    return None


def retrieval_metrics(pairs: list[tuple[dict, dict]]) -> dict:
    """hit@1/5/10 and MRR over questions that have evidence or sources."""
    scored = [(i, r) for i, r in pairs if i.get("evidence") or i.get("sources")]
    if not scored:
        return {"n": 0}
    ranks = [first_hit_rank(i, r) for i, r in scored]
    out = {"n": len(scored)}
    for k in (1, 5, 10):
        out[f"hit@{k}"] = round(sum(1 for x in ranks if x and x <= k) / len(ranks), 4)
    out["mrr"] = round(sum(1 / x for x in ranks if x) / len(ranks), 4)
    return out


def _norm(text: str) -> str:
    """Width-folded (NFKC), no thousands separators, no whitespace."""
    return squash(_THOUSANDS.sub("", unicodedata.normalize("NFKC", text)))


def contains(answer: str, wanted: str) -> bool:
    """`wanted` occurs in `answer` (both normalised); a string that starts or ends with a digit must not
    be a piece of a longer number ("25" is not found in "250", "1.25" or "25.5")."""
    wanted = _norm(wanted)
    if not wanted:
        return True
    pattern = re.escape(wanted)
    if wanted[0].isdigit():
        pattern = r"(?<!\d)(?<!\d\.)" + pattern
    if wanted[-1].isdigit():
        pattern += r"(?!\.?\d)"
    return re.search(pattern, _norm(_MARKERS.sub("|", answer))) is not None


def is_correct(item: dict, result: dict) -> bool:
    """Unanswerable: refused. Otherwise: not refused, every must_include and one of each any_of group."""
    if item["type"] == "unanswerable":
        return bool(result.get("refused"))
    if result.get("refused"):
        return False
    answer = result.get("answer", "")
    musts = all(contains(answer, m) for m in item.get("must_include") or [])
    groups = all(any(contains(answer, o) for o in group) for group in item.get("any_of") or [])
    return musts and groups


def citation_scores(item: dict, result: dict) -> tuple[float, float] | None:
    """(precision, recall): cited chunks holding an evidence string; evidence strings in a cited chunk."""
    evidence = [squash(e) for e in item.get("evidence") or []]
    cited = [squash(c["text"]) for c in result.get("citations") or []]
    if not evidence or not cited:
        return None
    precision = sum(any(e in c for e in evidence) for c in cited) / len(cited)
    recall = sum(any(e in c for c in cited) for e in evidence) / len(evidence)
    return precision, recall


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def refusal_metrics(answered: list[tuple[dict, dict]]) -> dict:
    """Refusals: precision, recall over every unanswerable question (traps included), recall per trap kind,
    and false refusals = answerable questions refused / answerable questions."""
    refused = [i for i, r in answered if r.get("refused")]
    unanswerable = [(i, r) for i, r in answered if i["type"] == "unanswerable"]
    answerable = [(i, r) for i, r in answered if i["type"] != "unanswerable"]
    kinds: dict[str, list[bool]] = defaultdict(list)
    for item, result in unanswerable:
        kinds[item.get("trap") or "other"].append(bool(result.get("refused")))
    return {
        "refusal_precision": _share(sum(i["type"] == "unanswerable" for i in refused), len(refused)),
        "refusal_recall": _share(sum(bool(r.get("refused")) for _, r in unanswerable), len(unanswerable)),
        "refusal_recall_by_trap": {k: {"n": len(v), "recall": round(sum(v) / len(v), 4)}
                                   for k, v in sorted(kinds.items())},
        "false_refusals": _share(sum(bool(r.get("refused")) for _, r in answerable), len(answerable)),
    }


def answer_metrics(pairs: list[tuple[dict, dict]]) -> dict:
    answered = [(i, r) for i, r in pairs if "answer" in r]
    if not answered:
        return {}
    by_type: dict[str, list[bool]] = defaultdict(list)
    for item, result in answered:
        by_type[item["type"]].append(is_correct(item, result))
    cites = [c for c in (citation_scores(i, r) for i, r in answered if not r.get("refused")) if c]
    latencies = sorted(r["latency_ms"] for _, r in answered)
    return {
        "n": len(answered),
        "accuracy": round(sum(sum(v) for v in by_type.values()) / len(answered), 4),
        "accuracy_by_type": {t: {"n": len(v), "accuracy": round(sum(v) / len(v), 4)} for t, v in by_type.items()},
        **refusal_metrics(answered),
        "citation_precision": round(statistics.mean(c[0] for c in cites), 4) if cites else None,
        "citation_recall": round(statistics.mean(c[1] for c in cites), 4) if cites else None,
        "unverified_share": round(sum(bool(r.get("unverified")) for _, r in answered) / len(answered), 4),
        "modes": dict(sorted({m: sum(r.get("mode") == m for _, r in answered)
                              for m in {r.get("mode") for _, r in answered}}.items(), key=lambda kv: str(kv[0]))),
        "latency_ms": {"p50": round(statistics.median(latencies), 1),
                       "p95": round(latencies[int(0.95 * (len(latencies) - 1))], 1)},
    }
