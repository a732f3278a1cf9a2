"""Scale benchmark: synthetic corpora (bench/synth.py) of 1k, 10k and 100k chunks. For each size:
ingest time, disk and RAM, hybrid search and extractive answer p50/p95 over a fixed list of 20 dev
questions (measured in a fresh process that loads the index), and the time to add one report,
incrementally against a full lexical rebuild in the same run. Writes bench/results/scale.json and
bench/results/scale.png.

Encoding: every size measures real encode throughput on a sample of its own chunk texts. Ingest
itself reuses vectors: a synthetic text whose digits and region-name characters are masked (each run to one mark) equals
its seed paragraph's, and gets that paragraph's vector (encoded for real once); `projected_ingest_s`
adds the real encoding time of every text at the measured throughput.

    .venv/bin/python bench/scale.py [--sizes 1000 10000 100000] [--merge EARLIER.json]
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.synth import generate, load_seeds, rewrite  # noqa: E402
from rag.ingest import gazetteer  # noqa: E402
from rag.pipeline import Pipeline  # noqa: E402
from rag.settings import Settings  # noqa: E402

_RUNS = re.compile(r"※[※.]*")  # a changed name or number may change length: one mark per run
QUESTIONS = ROOT / "evals" / "questions.jsonl"
SAMPLE = 256


class ReusingEmbedder:
    """The real embedder for questions; passages masked-equal to one seen before reuse its vector."""

    def __init__(self, embedder, masked_chars: str) -> None:
        self.embedder, self.vectors = embedder, {}
        self.table = str.maketrans({c: "※" for c in masked_chars + "0123456789"})
        self.encoded, self.encode_s = 0, 0.0

    def passages(self, texts: list[str], batch_size: int = 32):
        import numpy as np

        keys = [_RUNS.sub("※", t.translate(self.table)) for t in texts]
        todo = {k: t for k, t in zip(keys, texts) if k not in self.vectors}
        if todo:
            started = time.perf_counter()
            self.vectors.update(zip(todo, self.embedder.passages(list(todo.values()), batch_size)))
            self.encode_s += time.perf_counter() - started
            self.encoded += len(todo)
        return np.stack([self.vectors[k] for k in keys]) if keys else np.zeros((0, 384), dtype=np.float32)

    def query(self, text: str):
        return self.embedder.query(text)


def disk_mb(path: Path) -> float:
    return round(sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6, 1)


def probe(data_dir: Path, model_cache: Path, env: dict | None = None) -> dict:
    """A fresh process: load the index, answer the questions, report latencies and peak RSS."""
    code = "import sys; from bench.scale import run_probe; run_probe(sys.argv[1], sys.argv[2])"
    done = subprocess.run([sys.executable, "-c", code, str(data_dir), str(model_cache)], cwd=ROOT,
                          capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})})
    if done.returncode:
        raise SystemExit(f"probe failed: {done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def run_probe(data_dir: str, model_cache: str) -> None:
    from rag.answer.respond import answer
    from rag.evaluate import load_questions

    questions = [i["question"] for i in load_questions(QUESTIONS) if i.get("split") == "dev"][:20]
    pipeline = Pipeline(Settings(data_dir=Path(data_dir), model_cache=Path(model_cache)))
    started = time.perf_counter()
    pipeline.search(questions[0], k=10)  # first use: loads the catalog, lexical index, Chroma, engine
    load_s = time.perf_counter() - started
    rss_loaded = peak_rss_mb()
    search = [_ms(pipeline.search, q, k=10) for q in questions]
    for q in questions[:3]:
        answer(q, pipeline, mode="extractive")  # warm-up
    answers = [_ms(answer, q, pipeline, mode="extractive") for q in questions]
    print(json.dumps({"first_search_s": round(load_s, 2), "search": _pct(search), "answer": _pct(answers),
                      "rss_loaded_mb": round(rss_loaded), "rss_mb": round(peak_rss_mb())}))


def peak_rss_mb() -> float:
    """This process's peak RSS. VmHWM, not ru_maxrss: after fork + exec, ru_maxrss keeps the parent's
    peak (the bench process, with the torch model loaded), which made every probe look 1.2 GB bigger."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _ms(fn, *args, **kwargs) -> float:
    started = time.perf_counter()
    fn(*args, **kwargs)
    return (time.perf_counter() - started) * 1000


def _pct(samples: list[float]) -> dict:
    ordered = sorted(samples)
    return {"n": len(ordered), "p50": round(statistics.median(ordered), 1),
            "p95": round(ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))], 1)}


def measure(size: int, work: Path, model_cache: Path, embedder) -> dict:
    corpus, data = work / f"corpus_{size}", work / f"data_{size}"
    files = generate(corpus, size)
    seeds = load_seeds()
    masked = "".join({c for s in seeds for n in (s.region.full, s.region.city, s.region.province) for c in n} |
                     {c for f in files if f.name.startswith("synth_")
                      for r in [gazetteer_region(f)] for n in (r.full, r.city, r.province) for c in n})
    pipeline = Pipeline(Settings(data_dir=data, model_cache=model_cache))
    reusing = ReusingEmbedder(embedder, masked)
    pipeline.__dict__["embedder"] = reusing
    started = time.perf_counter()
    report = pipeline.ingest([corpus])
    ingest_s = time.perf_counter() - started
    texts = reusing_total(pipeline)
    throughput = sample_throughput(embedder, pipeline, texts)
    figures = {"size": size, "files": len(files), "chunks": report.chunks, "texts": texts,
               "ingest_s": round(ingest_s, 1), "encoded_for_real": reusing.encoded,
               "encode_s_in_ingest": round(reusing.encode_s, 1), "encode_texts_per_s": round(throughput, 1),
               "projected_ingest_s": round(ingest_s - reusing.encode_s + texts / throughput, 1),
               "disk_mb": disk_mb(data), "disk": {p.name: disk_mb(p) if p.is_dir() else round(p.stat().st_size / 1e6, 1)
                                                  for p in sorted(data.iterdir())}}
    figures.update(probe(data, model_cache))
    figures["add_one"] = add_one(pipeline, work / f"extra_{size}")
    return figures


def gazetteer_region(path: Path):
    return _codes()[path.stem.split("_")[2]]


def _codes() -> dict:
    if not hasattr(_codes, "table"):
        _codes.table = {r.code: r for r in gazetteer.regions()}
    return _codes.table


def reusing_total(pipeline: Pipeline) -> int:
    """Texts ingest encodes: every chunk and every distinct sentence of each document."""
    return pipeline.store.count() + pipeline.sentences.count()


def sample_throughput(embedder, pipeline: Pipeline, total: int) -> float:
    """Real encoding, texts per second, of a random sample of this corpus's chunk texts."""
    ids = pipeline.store.collection.get(include=[], limit=20000)["ids"]
    sample = random.Random(1).sample(ids, min(SAMPLE, len(ids)))
    got = pipeline.store.get(sample)
    texts = [p.text for p in got.values()]
    started = time.perf_counter()
    embedder.passages(texts, pipeline.settings.embed_batch)
    return len(texts) / (time.perf_counter() - started)


def add_one(pipeline: Pipeline, folder: Path) -> dict:
    """One new report into the index: the whole ingest call, its lexical update alone, and a full
    lexical rebuild (what every ingest did before segments) in the same run."""
    seed = load_seeds()[0]
    target = [r for r in gazetteer.regions() if r.level == seed.region.level][7]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "extra_report.txt"
    path.write_text(rewrite(seed, target, 2025, random.Random(7)), encoding="utf-8")
    timings, original = {}, pipeline.update_lexical

    def timed_update(doc_ids):
        started = time.perf_counter()
        index = original(doc_ids)
        timings["lexical_update_s"] = round(time.perf_counter() - started, 3)
        return index

    pipeline.update_lexical = timed_update
    started = time.perf_counter()
    pipeline.ingest([path])
    timings["ingest_s"] = round(time.perf_counter() - started, 2)
    del pipeline.update_lexical
    started = time.perf_counter()
    index = pipeline.rebuild_lexical()
    timings["full_rebuild_s"] = round(time.perf_counter() - started, 3)
    timings["segments"] = len(index.segments)
    timings["rebuild_over_update"] = round(timings["full_rebuild_s"] / max(timings.get("lexical_update_s", 1e-9), 1e-9), 1)
    return timings


def plot(results: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    chunks = [r["chunks"] for r in results]
    fig, axes = plt.subplots(1, 3, figsize=(13, 4))
    axes[0].plot(chunks, [r["search"]["p95"] for r in results], "o-", label="hybrid search p95")
    axes[0].plot(chunks, [r["answer"]["p95"] for r in results], "s-", label="extractive answer p95")
    axes[0].axhline(300, ls=":", c="C0")
    axes[0].axhline(500, ls=":", c="C1")
    axes[0].set(ylabel="ms", title="latency")
    axes[1].plot(chunks, [r["add_one"]["lexical_update_s"] for r in results], "o-", label="add one: lexical update")
    axes[1].plot(chunks, [r["add_one"]["full_rebuild_s"] for r in results], "s-", label="full lexical rebuild")
    axes[1].plot(chunks, [r["add_one"]["ingest_s"] for r in results], "^-", label="add one: whole ingest")
    axes[1].set(ylabel="s", title="adding one report")
    axes[2].plot(chunks, [r["disk_mb"] for r in results], "o-", label="disk MB")
    axes[2].plot(chunks, [r["rss_mb"] for r in results], "s-", label="process RSS MB")
    axes[2].set(ylabel="MB", title="footprint")
    for ax in axes:
        ax.set_xscale("log")
        ax.set_xlabel("chunks")
        ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 10000, 100000],
                        help="sizes to measure now (none: only merge, table and plot)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "scale.json")
    parser.add_argument("--merge", type=Path, nargs="*", default=[],
                        help="earlier scale.json files whose other sizes join this one's table and plot")
    parser.add_argument("--work", type=Path, help="keep corpora and indexes here (default: a temp dir)")
    parser.add_argument("--model-cache", type=Path, default=Path(os.environ.get("RAG_MODEL_CACHE", ROOT / ".rag" / "models")))
    args = parser.parse_args()
    results = [r for path in args.merge for r in json.loads(path.read_text(encoding="utf-8"))["results"]
               if r["size"] not in args.sizes]  # sizes measured in an earlier run, kept as measured then
    work = args.work or Path(tempfile.mkdtemp(prefix="rag-scale-"))
    if args.sizes:
        embedder = Pipeline(Settings(data_dir=work / "scratch", model_cache=args.model_cache)).embedder
        embedder.passages(["预热"], 1)
    for size in args.sizes:
        results.append(measure(size, work, args.model_cache, embedder))
        results[-1]["measured_at"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        print(json.dumps(results[-1], ensure_ascii=False), flush=True)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps({"vectors": __doc__.split("Encoding: ")[1].split("\n\n")[0],
                                        "results": results}, ensure_ascii=False, indent=1), encoding="utf-8")
    results.sort(key=lambda r: r["size"])
    if len(results) > 1:
        for r in results:
            r["rss_per_10k_mb"] = round((r["rss_mb"] - results[0]["rss_mb"]) / max(r["chunks"] - results[0]["chunks"], 1) * 10000, 1) \
                if r is not results[0] else None
            r["disk_per_10k_mb"] = round(r["disk_mb"] / r["chunks"] * 10000, 1)
    args.out.write_text(json.dumps({"vectors": __doc__.split("Encoding: ")[1].split("\n\n")[0], "results": results},
                                   ensure_ascii=False, indent=1), encoding="utf-8")
    try:
        plot(results, args.out.with_suffix(".png"))
    except ImportError:
        print("matplotlib is not installed: pip install '.[bench]' for the plot")
    print(table(results))
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)


def table(results: list[dict]) -> str:
    lines = ["| chunks | files | ingest s (projected, real encoding) | encode texts/s | disk MB | RSS MB | search p50/p95 ms | answer p50/p95 ms | add one: lexical s / full rebuild s / whole ingest s |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        a = r["add_one"]
        lines.append(f"| {r['chunks']} | {r['files']} | {r['ingest_s']} ({r['projected_ingest_s']}) | {r['encode_texts_per_s']} | "
                     f"{r['disk_mb']} | {r['rss_mb']} | {r['search']['p50']}/{r['search']['p95']} | "
                     f"{r['answer']['p50']}/{r['answer']['p95']} | {a.get('lexical_update_s')} / {a['full_rebuild_s']} / {a['ingest_s']} |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
