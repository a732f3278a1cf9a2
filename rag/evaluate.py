"""Eval harness: run a question set through the pipeline, write results.jsonl, report.json, report.md.

Metrics are plain functions of (item, result); reports are files you can diff between runs.
"""
from __future__ import annotations

import json
import re
import statistics
import time
import unicodedata
from collections import defaultdict
from pathlib import Path

from rag.errors import InputError

TYPES = ("fact", "list", "multi", "compare", "meta", "unanswerable", "brief")
_SPACE = re.compile(r"\s+")


def load_questions(path: Path) -> list[dict]:
    if not path.exists():
        raise InputError(f"找不到问题集: {path}")
    items, seen = [], set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except ValueError as err:
            raise InputError(f"{path}:{number}: 不是合法的 JSON ({err.msg})") from err
        missing = [k for k in ("id", "question", "type") if k not in item]
        if missing or item["type"] not in TYPES or item["id"] in seen:
            why = f"缺少字段 {missing}" if missing else f"类型 {item['type']!r} 无效或 id 重复"
            raise InputError(f"{path}:{number}: {why}")
        seen.add(item["id"])
        items.append(item)
    if not items:
        raise InputError(f"问题集是空的: {path}")
    return items


def _squash(text: str) -> str:
    return _SPACE.sub("", text)


def is_relevant(item: dict, retrieved: dict) -> bool:
    """A retrieved chunk is relevant if it holds an evidence string, or (no evidence) a listed source."""
    evidence = item.get("evidence") or []
    if evidence:
        text = _squash(retrieved["text"])
        return any(_squash(e) in text for e in evidence)
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
    return _squash(unicodedata.normalize("NFKC", text))


def is_correct(item: dict, result: dict) -> bool:
    """Unanswerable: refused. Otherwise: not refused, every must_include and one of each any_of group."""
    if item["type"] == "unanswerable":
        return bool(result.get("refused"))
    answer = _norm(result.get("answer", ""))
    if result.get("refused"):
        return False
    musts = all(_norm(m) in answer for m in item.get("must_include") or [])
    groups = all(any(_norm(o) in answer for o in group) for group in item.get("any_of") or [])
    return musts and groups


def citation_scores(item: dict, result: dict) -> tuple[float, float] | None:
    """(precision, recall): cited chunks holding an evidence string; evidence strings in a cited chunk."""
    evidence = [_squash(e) for e in item.get("evidence") or []]
    cited = [_squash(c["text"]) for c in result.get("citations") or []]
    if not evidence or not cited:
        return None
    precision = sum(any(e in c for e in evidence) for c in cited) / len(cited)
    recall = sum(any(e in c for c in cited) for e in evidence) / len(evidence)
    return precision, recall


def answer_metrics(pairs: list[tuple[dict, dict]]) -> dict:
    answered = [(i, r) for i, r in pairs if "answer" in r]
    if not answered:
        return {}
    by_type: dict[str, list[bool]] = defaultdict(list)
    for item, result in answered:
        by_type[item["type"]].append(is_correct(item, result))
    refused = [i for i, r in answered if r.get("refused")]
    unanswerable = [i for i, _ in answered if i["type"] == "unanswerable"]
    hits = [i for i in refused if i["type"] == "unanswerable"]
    cites = [c for c in (citation_scores(i, r) for i, r in answered if not r.get("refused")) if c]
    latencies = sorted(r["latency_ms"] for _, r in answered)
    return {
        "accuracy": round(sum(sum(v) for v in by_type.values()) / len(answered), 4),
        "accuracy_by_type": {t: {"n": len(v), "accuracy": round(sum(v) / len(v), 4)} for t, v in by_type.items()},
        "refusal_precision": round(len(hits) / len(refused), 4) if refused else None,
        "refusal_recall": round(len(hits) / len(unanswerable), 4) if unanswerable else None,
        "citation_precision": round(statistics.mean(c[0] for c in cites), 4) if cites else None,
        "citation_recall": round(statistics.mean(c[1] for c in cites), 4) if cites else None,
        "unverified_share": round(sum(bool(r.get("unverified")) for _, r in answered) / len(answered), 4),
        "modes": dict(sorted({m: sum(r.get("mode") == m for _, r in answered)
                              for m in {r.get("mode") for _, r in answered}}.items())),
        "latency_ms": {"p50": round(statistics.median(latencies), 1),
                       "p95": round(latencies[int(0.95 * (len(latencies) - 1))], 1)},
    }


def run_eval(pipeline, questions: Path, out: Path, retrieval_only: bool = True, mode: str = "hybrid",
             answer=None, progress=None) -> dict:
    """Run every question; `answer(question) -> dict` adds answer fields when given;
    `progress(done, total)` is called after each question."""
    items = load_questions(questions)
    out.mkdir(parents=True, exist_ok=True)
    results = []
    with (out / "results.jsonl").open("w", encoding="utf-8") as sink:
        for number, item in enumerate(items, 1):
            if progress:
                progress(number - 1, len(items))
            started = time.perf_counter()
            found = pipeline.search(item["question"], k=10, mode=mode)
            result = {
                "id": item["id"], "question": item["question"], "type": item["type"],
                "retrieved": [{"chunk_id": p.chunk_id, "source": p.source, "region": p.region, "year": p.year,
                               "text": p.text, "score": p.score} for p in found.passages],
                "notices": found.plan.notices,
            }
            if answer is not None and not retrieval_only:
                result.update(answer(item["question"]))
            result.setdefault("latency_ms", round((time.perf_counter() - started) * 1000, 1))
            sink.write(json.dumps(result, ensure_ascii=False) + "\n")
            results.append(result)
    report = build_report(items, results, mode)
    (out / "report.json").write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    (out / "report.md").write_text(render_markdown(report), encoding="utf-8")
    return report


def build_report(items: list[dict], results: list[dict], mode: str) -> dict:
    pairs = list(zip(items, results))
    by_type: dict[str, list] = defaultdict(list)
    for item, result in pairs:
        by_type[item["type"]].append((item, result))
    latencies = [r["latency_ms"] for r in results]
    return {
        "mode": mode,
        "questions": len(items),
        "retrieval": retrieval_metrics(pairs),
        "retrieval_by_type": {t: retrieval_metrics(by_type[t]) for t in TYPES if t in by_type},
        "latency_ms": {"p50": round(statistics.median(latencies), 1),
                       "p95": round(sorted(latencies)[int(0.95 * (len(latencies) - 1))], 1)},
        "answers": answer_metrics(pairs),
        "failures": [{"id": i["id"], "type": i["type"], "question": i["question"], "expected": i.get("answer", ""),
                      "got": r.get("answer", ""), "sources": [x["source"] for x in r["retrieved"][:3]]}
                     for i, r in pairs if "answer" in r and not is_correct(i, r)],
        "misses": [{"id": i["id"], "question": i["question"],
                    "top": [r["source"] for r in res["retrieved"][:3]]}
                   for i, res in pairs if (i.get("evidence") or i.get("sources")) and first_hit_rank(i, res) is None],
    }


def saved_runs(root: Path) -> list[Path]:
    """Run directories under root that hold a report, newest first."""
    if not root.exists():
        return []
    return sorted((p.parent for p in root.glob("*/report.json")), key=lambda p: p.name, reverse=True)


def compare_runs(a: Path, b: Path) -> list[dict]:
    """Per-type answer accuracy and retrieval MRR of two saved runs, side by side."""
    ra, rb = (json.loads((p / "report.json").read_text(encoding="utf-8")) for p in (a, b))
    rows = []
    for t in ("全部", *TYPES):
        def pick(r):
            answers = r.get("answers") or {}
            acc = answers.get("accuracy") if t == "全部" else answers.get("accuracy_by_type", {}).get(t, {}).get("accuracy")
            mrr = (r["retrieval"] if t == "全部" else r["retrieval_by_type"].get(t, {})).get("mrr")
            return acc, mrr
        (acc_a, mrr_a), (acc_b, mrr_b) = pick(ra), pick(rb)
        if any(v is not None for v in (acc_a, acc_b, mrr_a, mrr_b)):
            rows.append({"类型": t, "准确率 A": acc_a, "准确率 B": acc_b, "MRR A": mrr_a, "MRR B": mrr_b})
    return rows


def render_markdown(report: dict) -> str:
    lines = [f"# 评测报告 ({report['mode']}, {report['questions']} 题)", "",
             "## 检索", "", "| 类型 | n | hit@1 | hit@5 | hit@10 | MRR |", "|---|---|---|---|---|---|"]
    rows = [("全部", report["retrieval"])] + list(report["retrieval_by_type"].items())
    for name, m in rows:
        if m.get("n"):
            lines.append(f"| {name} | {m['n']} | {m['hit@1']:.3f} | {m['hit@5']:.3f} | {m['hit@10']:.3f} | {m['mrr']:.3f} |")
    lines += ["", f"延迟 p50 {report['latency_ms']['p50']} ms · p95 {report['latency_ms']['p95']} ms", ""]
    answers = report.get("answers")
    if answers:
        lines += ["## 回答", "", f"模式 {answers['modes']} · 准确率 {answers['accuracy']:.3f} · "
                  f"拒答精确率 {answers['refusal_precision']} · 拒答召回率 {answers['refusal_recall']} · "
                  f"引用精确率 {answers['citation_precision']} · 引用召回率 {answers['citation_recall']} · "
                  f"含未核实数字的回答 {answers['unverified_share']:.3f} · "
                  f"延迟 p50 {answers['latency_ms']['p50']} ms / p95 {answers['latency_ms']['p95']} ms", "",
                  "| 类型 | n | 准确率 |", "|---|---|---|"]
        lines += [f"| {t} | {m['n']} | {m['accuracy']:.3f} |" for t, m in answers["accuracy_by_type"].items()]
        lines += ["", "## 答错的问题", ""]
        lines += [f"- {f['id']} ({f['type']}): {f['question']}\n  - 期望: {f['expected']}\n  - 得到: "
                  f"{f['got'][:200].replace(chr(10), ' ')}" for f in report["failures"]] + [""]
    if report["misses"]:
        lines += ["## 前10未命中", ""] + [f"- {m['id']}: {m['question']} (前3: {', '.join(m['top'])})"
                                        for m in report["misses"]]
    return "\n".join(lines) + "\n"
