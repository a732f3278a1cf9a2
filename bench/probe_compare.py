"""Hybrid search and extractive answer latencies on an existing index, this code against a baseline
checkout, in one run: bench/scale.py's probe (a fresh process loads the index and answers 20 dev
questions) run alternately with each code, `--rounds` times. The index is only read.

    .venv/bin/python bench/probe_compare.py DATA_DIR --baseline DIR [--rounds 2] [--out FILE]
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROBE = "import sys; from bench.scale import run_probe; run_probe(sys.argv[1], sys.argv[2])"


def probe(code: Path, data: Path, model_cache: Path) -> dict:
    done = subprocess.run([sys.executable, "-c", PROBE, str(data), str(model_cache)], cwd=code, capture_output=True,
                          text=True, env={**os.environ, "PYTHONPATH": str(code), "HF_HUB_OFFLINE": "1",
                                          "ANONYMIZED_TELEMETRY": "False"})
    if done.returncode:
        raise SystemExit(f"probe failed ({code}): {done.stderr[-2000:]}")
    return {**json.loads(done.stdout.strip().splitlines()[-1]), "load_avg_1min": round(os.getloadavg()[0], 1)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("data", type=Path)
    parser.add_argument("--baseline", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--model-cache", type=Path, default=Path(os.environ.get("RAG_MODEL_CACHE", ROOT / ".rag" / "models")))
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "probe_compare.json")
    args = parser.parse_args()
    codes = {"baseline": args.baseline.resolve(), "current": ROOT}
    runs = {name: [] for name in codes}
    for _ in range(args.rounds):
        for name, code in codes.items():
            runs[name].append(probe(code, args.data.resolve(), args.model_cache))
            print(name, json.dumps(runs[name][-1]), flush=True)
    summary = {name: {f"{what}_{p}_median_ms": round(statistics.median(r[what][p] for r in rows), 1)
                      for what in ("search", "answer") for p in ("p50", "p95")} for name, rows in runs.items()}
    results = json.loads(args.out.read_text(encoding="utf-8")) if args.out.exists() else {}
    results[str(args.data.name)] = {"measured_at": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                                    "baseline": str(args.baseline), "runs": runs, "summary": summary}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    print(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()
