"""Eval reports: one JSON object per run (whole run, and each split side by side), its Markdown, and
the comparison of two saved runs. Reports are files you can diff between runs."""
from __future__ import annotations

import json
import statistics
from collections import defaultdict
from pathlib import Path

from rag.eval_metrics import answer_metrics, first_hit_rank, is_correct, retrieval_metrics

TYPES = ("fact", "list", "multi", "derived", "compare", "meta", "unanswerable", "brief")
UNSPLIT = "未划分"


def summarize(pairs: list[tuple[dict, dict]]) -> dict:
    """Retrieval and answer metrics of one group of (item, result) pairs, overall and per type."""
    by_type: dict[str, list] = defaultdict(list)
    for item, result in pairs:
        by_type[item["type"]].append((item, result))
    return {
        "questions": len(pairs),
        "retrieval": retrieval_metrics(pairs),
        "retrieval_by_type": {t: retrieval_metrics(by_type[t]) for t in TYPES if t in by_type},
        "answers": answer_metrics(pairs),
    }


def by_split(pairs: list[tuple[dict, dict]]) -> dict[str, list]:
    groups: dict[str, list] = defaultdict(list)
    for item, result in pairs:
        groups[item.get("split") or UNSPLIT].append((item, result))
    order = ("dev", "test", "field")
    return dict(sorted(groups.items(), key=lambda kv: (order.index(kv[0]) if kv[0] in order else 9, kv[0])))


def build_report(items: list[dict], results: list[dict], mode: str, split: str = "all") -> dict:
    pairs = list(zip(items, results))
    latencies = [r["latency_ms"] for r in results]
    groups = by_split(pairs)
    return {
        "mode": mode,
        "split": split,
        **summarize(pairs),
        "splits": {name: summarize(group) for name, group in groups.items()} if len(groups) > 1 else {},
        "latency_ms": {"p50": round(statistics.median(latencies), 1),
                       "p95": round(sorted(latencies)[int(0.95 * (len(latencies) - 1))], 1)},
        # The frozen test split is reported in figures only: its failures are counted, never listed, so nobody
        # tunes on them by reading a report (results.jsonl keeps every answer).
        "failures": [{"id": i["id"], "split": i.get("split") or UNSPLIT, "type": i["type"], "question": i["question"],
                      "expected": i.get("answer", ""), "got": r.get("answer", ""),
                      "sources": [x["source"] for x in r["retrieved"][:3]]}
                     for i, r in pairs if "answer" in r and not is_correct(i, r) and i.get("split") != "test"],
        "test_failures": sum(1 for i, r in pairs if i.get("split") == "test" and "answer" in r and not is_correct(i, r)),
        "errors": [{"id": i["id"], "question": i["question"], "error": r["error"]} for i, r in pairs if r.get("error")],
        "misses": [{"id": i["id"], "question": i["question"], "top": [r["source"] for r in res["retrieved"][:3]]}
                   for i, res in pairs if (i.get("evidence") or i.get("sources")) and first_hit_rank(i, res) is None
                   and i.get("split") != "test"],
    }


def saved_runs(root: Path) -> list[Path]:
    """Run directories under root that hold a report, newest first."""
    if not root.exists():
        return []
    return sorted((p.parent for p in root.glob("*/report.json")), key=lambda p: p.name, reverse=True)


def _accuracy_and_mrr(group: dict, type_: str) -> tuple:
    answers = group.get("answers") or {}
    if type_ == "全部":
        return answers.get("accuracy"), group["retrieval"].get("mrr")
    return (answers.get("accuracy_by_type", {}).get(type_, {}).get("accuracy"),
            group["retrieval_by_type"].get(type_, {}).get("mrr"))


def compare_runs(a: Path, b: Path) -> list[dict]:
    """Per-type answer accuracy and retrieval MRR of two saved runs, side by side (then per split both ran)."""
    ra, rb = (json.loads((p / "report.json").read_text(encoding="utf-8")) for p in (a, b))
    sections = [("", ra, rb)] + [(f"{s} · ", ra["splits"][s], rb["splits"][s])
                                 for s in (ra.get("splits") or {}) if s in (rb.get("splits") or {})]
    rows = []
    for prefix, ga, gb in sections:
        for t in ("全部", *TYPES):
            (acc_a, mrr_a), (acc_b, mrr_b) = _accuracy_and_mrr(ga, t), _accuracy_and_mrr(gb, t)
            if any(v is not None for v in (acc_a, acc_b, mrr_a, mrr_b)):
                rows.append({"类型": prefix + t, "准确率 A": acc_a, "准确率 B": acc_b, "MRR A": mrr_a, "MRR B": mrr_b})
    return rows


def _f(value) -> str:
    return "–" if value is None else f"{value:.3f}"


def _split_rows(groups: dict[str, dict]) -> list[tuple[str, list[str]]]:
    """(label, one cell per split) rows: headline metrics, then accuracy per type with its n."""
    answers = {s: g.get("answers") or {} for s, g in groups.items()}
    rows = [("题数", [str(g["questions"]) for g in groups.values()])]
    for label, key in (("准确率", "accuracy"), ("拒答召回率 (含陷阱)", "refusal_recall"), ("误拒率", "false_refusals"),
                       ("拒答精确率", "refusal_precision"), ("引用精确率", "citation_precision"),
                       ("引用召回率", "citation_recall")):
        rows.append((label, [_f(a.get(key)) for a in answers.values()]))
    traps = sorted({k for a in answers.values() for k in a.get("refusal_recall_by_trap", {})})
    for kind in traps:
        rows.append((f"拒答召回率 · {kind}", [_cell(a.get("refusal_recall_by_trap", {}).get(kind), "recall")
                                           for a in answers.values()]))
    for t in TYPES:
        cells = [_cell(a.get("accuracy_by_type", {}).get(t), "accuracy") for a in answers.values()]
        if any(c != "–" for c in cells):
            rows.append((f"准确率 · {t}", cells))
    rows.append(("检索 hit@5", [_f(g["retrieval"].get("hit@5")) for g in groups.values()]))
    rows.append(("检索 MRR", [_f(g["retrieval"].get("mrr")) for g in groups.values()]))
    return rows


def _cell(metric: dict | None, key: str) -> str:
    return "–" if not metric else f"{metric[key]:.3f} ({metric['n']})"


def render_markdown(report: dict) -> str:
    lines = [f"# 评测报告 ({report['mode']}, {report['questions']} 题, split {report.get('split', 'all')})", ""]
    groups = report.get("splits") or {}
    if groups:
        lines += ["## 按划分对比", "", "| 指标 | " + " | ".join(groups) + " |", "|---" * (len(groups) + 1) + "|"]
        lines += [f"| {label} | " + " | ".join(cells) + " |" for label, cells in _split_rows(groups)] + [""]
    lines += ["## 检索", "", "| 类型 | n | hit@1 | hit@5 | hit@10 | MRR |", "|---|---|---|---|---|---|"]
    for name, m in [("全部", report["retrieval"])] + list(report["retrieval_by_type"].items()):
        if m.get("n"):
            lines.append(f"| {name} | {m['n']} | {m['hit@1']:.3f} | {m['hit@5']:.3f} | {m['hit@10']:.3f} | {m['mrr']:.3f} |")
    lines += ["", f"延迟 p50 {report['latency_ms']['p50']} ms · p95 {report['latency_ms']['p95']} ms", ""]
    answers = report.get("answers")
    if answers:
        lines += ["## 回答", "", f"模式 {answers['modes']} · 准确率 {_f(answers['accuracy'])} · "
                  f"拒答精确率 {_f(answers['refusal_precision'])} · 拒答召回率 {_f(answers['refusal_recall'])} · "
                  f"误拒率 {_f(answers['false_refusals'])} · 引用精确率 {_f(answers['citation_precision'])} · "
                  f"引用召回率 {_f(answers['citation_recall'])} · 含未核实数字的回答 {_f(answers['unverified_share'])} · "
                  f"延迟 p50 {answers['latency_ms']['p50']} ms / p95 {answers['latency_ms']['p95']} ms", "",
                  "| 类型 | n | 准确率 |", "|---|---|---|"]
        lines += [f"| {t} | {m['n']} | {m['accuracy']:.3f} |" for t, m in answers["accuracy_by_type"].items()]
        lines += ["", "## 答错的问题", ""]
        if report.get("test_failures"):
            lines += [f"test 划分答错 {report['test_failures']} 题:冻结划分只报告数字,不逐题列出。", ""]
        lines += [f"- {f['id']} ({f['split']}, {f['type']}): {f['question']}\n  - 期望: {f['expected']}\n  - 得到: "
                  f"{f['got'][:200].replace(chr(10), ' ')}" for f in report["failures"]] + [""]
    if report.get("errors"):
        lines += [f"## 回答时出错 ({len(report['errors'])} 题, 计为答错)", ""]
        lines += [f"- {e['id']}: {e['question']} — {e['error'][:200]}" for e in report["errors"]] + [""]
    if report["misses"]:
        lines += ["## 前10未命中", ""] + [f"- {m['id']}: {m['question']} (前3: {', '.join(m['top'])})"
                                        for m in report["misses"]]
    return "\n".join(lines) + "\n"
