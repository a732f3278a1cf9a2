"""Calibrate the extractive answerer's thresholds for one embedder by sweeping them on the DEV split.

The test split is never read here: it is for reporting, not for choosing. Each setting answers every
dev question over a fresh index of seeds/ (one index, one loaded model, all settings in one run)
and is scored by the eval harness's own metrics; the table shows accuracy, refusal recall, false
refusals and citation precision per setting, and the best setting by accuracy (ties: fewer false
refusals). Copy the chosen values into rag/answer/thresholds.py under the embedder's name.

    python bench/calibrate.py [--questions evals/questions.jsonl] [--out bench/results/calibrate.json]
"""
from __future__ import annotations

import argparse
import itertools
import json
import os
import sys
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rag.answer import compose, extractive  # noqa: E402
from rag.answer.respond import answer  # noqa: E402
from rag.eval_metrics import answer_metrics  # noqa: E402
from rag.evaluate import corpus_pipeline, load_questions  # noqa: E402

GRID = {"THRESHOLD": [0.4, 0.45, 0.5, 0.55, 0.6], "MIN_TERM_SHARE": [0.2, 0.28, 0.35]}


def apply(setting: dict[str, float]) -> None:
    """Set the thresholds where the answerer reads them (the modules imported them by value)."""
    compose.THRESHOLD = setting["THRESHOLD"]
    extractive.MIN_TERM_SHARE = setting["MIN_TERM_SHARE"]


def score(pipeline, items: list[dict]) -> dict:
    pairs = []
    for item in items:
        result = answer(item["question"], pipeline, mode="extractive").to_json()
        result["latency_ms"] = result.get("latency_ms", 0.0)
        pairs.append((item, result))
    return answer_metrics(pairs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=Path, default=ROOT / "evals" / "questions.jsonl")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "calibrate.json")
    args = parser.parse_args()
    items = load_questions(args.questions, "dev")
    rows = []
    with corpus_pipeline([ROOT / "seeds"]) as (pipeline, _):
        model = pipeline.settings.embed_model
        for values in itertools.product(*GRID.values()):
            setting = dict(zip(GRID, values))
            apply(setting)
            metrics = score(pipeline, items)
            rows.append({**setting, "accuracy": metrics["accuracy"], "refusal_recall": metrics.get("refusal_recall"),
                         "false_refusals": metrics.get("false_refusals"),
                         "citation_precision": metrics.get("citation_precision")})
            print(" ".join(f"{k}={v}" for k, v in rows[-1].items()), flush=True)
    best = max(rows, key=lambda r: (r["accuracy"], -(r["false_refusals"] or 0)))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"embedder": model, "split": "dev", "n": len(items), "grid": rows, "best": best},
                                   ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"best on dev ({model}): {best}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
