"""Adding one report to a big index: what it costs, and how that grows with the corpus.

Builds (once, kept under --work) an index of each size the way bench/scale.py does (synthetic
corpus, vectors reused by masked text), then times `Pipeline.ingest([one new report])` on fresh
copies of that index, alternating the code under test with a baseline checkout (--baseline, e.g. a
`git worktree add --detach` of the commit before a change), so before and after come from one run on
the same machine load. Each trial runs in its own process with PYTHONPATH set to the code under
test and a stub embedder (deterministic vectors: encoding the new report is the encoder's cost, not
the pipeline's, and is left out), twice:
  - cold: open the data dir and ingest, as `rag ingest FILE` does;
  - warm: the pipeline has already searched once (lexical index, Chroma and catalog loaded), as in
    the app or bench/scale.py's add_one.
With --profile, one extra warm trial of the code under test writes a cProfile table (top functions
by cumulative time) into the results.

    .venv/bin/python bench/add_one.py --work .scratch/addone --sizes 1000 10000 [--baseline DIR] [--profile]
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TRIAL = r'''
import cProfile, io, json, pstats, sys, time, zlib
from pathlib import Path
import numpy as np
from rag.pipeline import Pipeline
from rag.settings import Settings

class StubEmbedder:
    def passages(self, texts, batch_size=32):
        out = np.stack([np.random.default_rng(zlib.crc32(t.encode())).standard_normal(384) for t in texts]) \
            if texts else np.zeros((0, 384))
        return (out / np.linalg.norm(out, axis=1, keepdims=True)).astype(np.float32) if texts else out.astype(np.float32)
    def query(self, text):
        return self.passages([text])[0]

data, extra, mode = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
started = time.perf_counter()
pipeline = Pipeline(Settings(data_dir=data, model_cache=data / "models"))
pipeline.__dict__["embedder"] = StubEmbedder()
out = {}
if mode != "cold":
    pipeline.search("法治政府建设", k=10, mode="lexical")
    pipeline.documents()
    out["warm_up_s"] = round(time.perf_counter() - started, 3)
    started = time.perf_counter()
profiler = cProfile.Profile() if mode == "profile" else None
if profiler:
    profiler.enable()
report = pipeline.ingest([extra])
if profiler:
    profiler.disable()
out["ingest_s"] = round(time.perf_counter() - started, 3)
assert report.added and not report.failed, report
out["chunks_after"] = pipeline.store.count()
if profiler:
    text = io.StringIO()
    pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(40)
    out["profile"] = text.getvalue()
print(json.dumps(out))
'''


def build(size: int, work: Path, model_cache: Path) -> Path:
    """The index of `size` chunks under work/data_<size>, built once (bench/scale.py's way)."""
    from bench.scale import ReusingEmbedder, gazetteer_region
    from bench.synth import generate, load_seeds
    from rag.pipeline import Pipeline
    from rag.settings import Settings

    data, done = work / f"data_{size}", work / f"data_{size}.built"
    if done.exists():
        return data
    shutil.rmtree(data, ignore_errors=True)
    files = generate(work / f"corpus_{size}", size)
    masked = "".join({c for s in load_seeds() for n in (s.region.full, s.region.city, s.region.province) for c in n} |
                     {c for f in files if f.name.startswith("synth_")
                      for r in [gazetteer_region(f)] for n in (r.full, r.city, r.province) for c in n})
    pipeline = Pipeline(Settings(data_dir=data, model_cache=model_cache))
    pipeline.__dict__["embedder"] = ReusingEmbedder(pipeline.embedder, masked)
    started = time.perf_counter()
    report = pipeline.ingest([work / f"corpus_{size}"])
    pipeline.check()  # a full check: what follows starts from a data dir known to be whole
    done.write_text(json.dumps({"chunks": report.chunks, "files": len(files),
                                "ingest_s": round(time.perf_counter() - started, 1)}))
    return data


def extra_report(work: Path) -> Path:
    from bench.synth import load_seeds, rewrite
    from rag.ingest import gazetteer

    seed = load_seeds()[0]
    target = [r for r in gazetteer.regions() if r.level == seed.region.level][7]
    path = work / "extra" / "extra_report.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(rewrite(seed, target, 2025, random.Random(7)), encoding="utf-8")
    return path


def trial(code: Path, data: Path, extra: Path, mode: str, scratch: Path) -> dict:
    """One ingest of `extra` into a fresh copy of `data`, in a process running `code`."""
    shutil.rmtree(scratch, ignore_errors=True)
    shutil.copytree(data, scratch)
    done = subprocess.run([sys.executable, "-c", TRIAL, str(scratch), str(extra), mode], cwd=code,
                          capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(code), "ANONYMIZED_TELEMETRY": "False"})
    shutil.rmtree(scratch, ignore_errors=True)
    if done.returncode:
        raise SystemExit(f"trial failed ({code}, {mode}): {done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--work", type=Path, required=True, help="indexes are built here once and kept")
    parser.add_argument("--baseline", type=Path, help="a checkout of the code to compare against")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--build-only", action="store_true")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "add_one.json")
    parser.add_argument("--model-cache", type=Path, default=Path(os.environ.get("RAG_MODEL_CACHE", ROOT / ".rag" / "models")))
    args = parser.parse_args()
    args.work = args.work.resolve()
    datas = {size: build(size, args.work, args.model_cache) for size in args.sizes}
    if args.build_only:
        return
    extra, results = extra_report(args.work), []
    codes = {"current": ROOT, **({"baseline": args.baseline.resolve()} if args.baseline else {})}
    for size, data in datas.items():
        built = json.loads((args.work / f"data_{size}.built").read_text())
        row = {"size": size, "chunks": built["chunks"], "files": built["files"], "load_avg_start": os.getloadavg()[0]}
        samples = {(name, mode): [] for name in codes for mode in ("cold", "warm")}
        for _ in range(args.repeats):
            for mode in ("cold", "warm"):
                for name, code in codes.items():  # interleaved: the load hits both alike
                    samples[name, mode].append(trial(code, data, extra, mode, args.work / "trial")["ingest_s"])
        for (name, mode), values in samples.items():
            row[f"{name}_{mode}_s"] = {"median": round(statistics.median(values), 3), "all": values}
        if "baseline" in codes:
            for mode in ("cold", "warm"):
                row[f"speedup_{mode}"] = round(row[f"baseline_{mode}_s"]["median"] / row[f"current_{mode}_s"]["median"], 1)
        if args.profile:
            row["profile_current_warm"] = trial(ROOT, data, extra, "profile", args.work / "trial")["profile"]
        row["load_avg_end"] = os.getloadavg()[0]
        results.append(row)
        print(json.dumps({k: v for k, v in row.items() if not k.startswith("profile")}, ensure_ascii=False), flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"measured_at": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                                    "baseline": str(args.baseline) if args.baseline else None, "results": results},
                                   ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
