"""Retrieval benchmark: ingest the seeds into a fresh index, then lexical-only, dense-only and hybrid
(several fusion weights) on the eval set, all in one run. Saves bench/results/retrieval.json.

    .venv/bin/python bench/retrieval.py [--questions evals/questions.jsonl]
"""
from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from rag.evaluate import load_questions, retrieval_metrics
from rag.pipeline import Pipeline
from rag.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
RUNS = [("lexical", "lexical", 1.0, 1.0), ("dense", "dense", 1.0, 1.0), ("hybrid 1:1", "hybrid", 1.0, 1.0),
        ("hybrid dense 2:1", "hybrid", 2.0, 1.0), ("hybrid lexical 2:1", "hybrid", 1.0, 2.0)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--questions", type=Path, default=ROOT / "evals" / "questions.jsonl")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "retrieval.json")
    args = parser.parse_args()
    items = load_questions(args.questions)
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp), model_cache=Path(tmp) / "models")
        pipeline = Pipeline(settings)
        started = time.perf_counter()
        _ = pipeline.embedder
        model_s = time.perf_counter() - started
        started = time.perf_counter()
        report = pipeline.ingest([ROOT / "seeds"])
        ingest_s = time.perf_counter() - started
        figures = {"ingest": {"files": len(report.added), "chunks": report.chunks,
                              "model_build_and_load_s": round(model_s, 2), "ingest_s": round(ingest_s, 2)},
                   "runs": {}}
        for name, mode, dense_w, lexical_w in RUNS:
            pipeline.settings.dense_weight, pipeline.settings.lexical_weight = dense_w, lexical_w
            pairs, latencies = [], []
            for item in items:
                t0 = time.perf_counter()
                found = pipeline.search(item["question"], k=10, mode=mode).passages
                latencies.append((time.perf_counter() - t0) * 1000)
                pairs.append((item, {"retrieved": [{"text": p.text, "source": p.source} for p in found]}))
            metrics = retrieval_metrics(pairs)
            metrics["latency_ms_p50"] = round(statistics.median(latencies), 1)
            figures["runs"][name] = metrics
    base = figures["runs"]["lexical"]
    for metrics in figures["runs"].values():
        metrics["mrr_vs_lexical"] = round(metrics["mrr"] / base["mrr"], 3)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(figures, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"ingest: {figures['ingest']}")
    print("| run | n | hit@1 | hit@5 | hit@10 | MRR | MRR vs lexical | p50 ms |\n|---|---|---|---|---|---|---|---|")
    for name, m in figures["runs"].items():
        print(f"| {name} | {m['n']} | {m['hit@1']:.3f} | {m['hit@5']:.3f} | {m['hit@10']:.3f} | {m['mrr']:.3f} "
              f"| {m['mrr_vs_lexical']:.3f} | {m['latency_ms_p50']} |")


if __name__ == "__main__":
    main()
