"""The lexical index alone at scale, no model and no Chroma: synthetic chunks (bench/synth.py, cut
by the real chunker) at each size; build time, lexical search p50/p95 over the dev questions, and
adding one report as a new segment (add + save) against rebuilding the whole index (build + save)
in the same run, and removing that report again (tombstones + a new manifest) against building what
is left. With --baseline (a checkout of earlier code, e.g. `git worktree add --detach`), that code's
LexicalIndex.search runs on the very same segments, interleaved with this one's question by question
(a first round on the fresh index, then 3 more rounds of the 20 dev questions, k=30), and the top-30
chunk ids of every question are compared.
Writes bench/results/lexical_scale.json.

    .venv/bin/python bench/lexical_scale.py [--sizes 10000 100000] [--baseline DIR]
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.synth import generate, load_seeds, rewrite  # noqa: E402
from rag.evaluate import load_questions  # noqa: E402
from rag.index.lexical import LexicalIndex  # noqa: E402
from rag.index.store import chunk_metadata  # noqa: E402
from rag.ingest import gazetteer, load_document  # noqa: E402
from rag.ingest.chunk import chunk_document  # noqa: E402
from rag.settings import Settings  # noqa: E402


def chunks_of(paths: list[Path]) -> tuple[list[str], list[str], list[dict]]:
    ids, texts, metas, limit = [], [], [], Settings().chunk_max_chars
    for path in paths:
        doc = load_document(path, path.name)
        for chunk in chunk_document(doc, limit):
            meta = chunk_metadata(chunk, doc)
            ids.append(chunk.chunk_id)
            texts.append(f"{meta['heading']}\n{chunk.text}")
            metas.append(meta)
    return ids, texts, metas


def _s(fn, *args) -> tuple[float, object]:
    started = time.perf_counter()
    out = fn(*args)
    return time.perf_counter() - started, out


def baseline_module(checkout: Path):
    """The baseline checkout's rag/index/lexical.py, loaded beside this one (it imports this code's
    segments, which have not changed)."""
    spec = importlib.util.spec_from_file_location("baseline_lexical", checkout / "rag" / "index" / "lexical.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def time_searches(indexes: dict, questions: list[str], rounds: int = 3) -> dict[str, list[float]]:
    """ms per search for each index, interleaved question by question: the first round (a fresh
    index: each term's document frequency computed on first use) under "<name> first", then
    `rounds` more."""
    times = {f"{name}{suffix}": [] for name in indexes for suffix in (" first", "")}
    for round_ in range(rounds + 1):
        for q in questions:
            for name, index in indexes.items():
                started = time.perf_counter()
                index.search(q, 30)
                times[name + (" first" if round_ == 0 else "")].append((time.perf_counter() - started) * 1000)
    return times


def _p(samples: list[float]) -> dict:
    ordered = sorted(samples)
    return {"p50_ms": round(statistics.median(ordered), 1), "p95_ms": round(ordered[round(0.95 * (len(ordered) - 1))], 1)}


def measure(size: int, work: Path, questions: list[str], baseline=None) -> dict:
    corpus = chunks_of(generate(work / f"corpus_{size}", size))
    build_s, index = _s(LexicalIndex.build, *corpus)
    save_s, _ = _s(index.save, work / f"lexical_{size}")
    indexes = {"current": index}
    if baseline is not None:
        indexes["baseline"] = baseline.LexicalIndex(index.segments)
    times = time_searches(indexes, questions)
    searches = times["current"]
    compared = {}
    if baseline is not None:
        same = sum([i for i, _ in index.search(q, 30)] == [i for i, _ in indexes["baseline"].search(q, 30)]
                   for q in questions)
        compared = {"baseline_search": _p(times["baseline"]), "rankings_equal": f"{same}/{len(questions)}",
                    "first_round": _p(times["current first"]), "baseline_first_round": _p(times["baseline first"]),
                    "speedup_p50": round(_p(times["baseline"])["p50_ms"] / _p(searches)["p50_ms"], 1),
                    "speedup_p95": round(_p(times["baseline"])["p95_ms"] / _p(searches)["p95_ms"], 1)}
    seed = load_seeds()[0]
    target = [r for r in gazetteer.regions() if r.level == seed.region.level][7]
    extra = work / f"extra_{size}.txt"
    extra.write_text(rewrite(seed, target, 2025, random.Random(7)), encoding="utf-8")
    one = chunks_of([extra])
    loaded = LexicalIndex.load(work / f"lexical_{size}")
    add_s, grown = _s(lambda: loaded.add(*one, remove_docs=set()))
    add_save_s, _ = _s(grown.save, work / f"lexical_{size}")
    whole = tuple(a + b for a, b in zip(corpus, one))
    rebuild_s, rebuilt = _s(LexicalIndex.build, *whole)
    rebuild_save_s, _ = _s(rebuilt.save, work / f"rebuilt_{size}")
    assert [i for i, _ in grown.search(questions[0], 10)] == [i for i, _ in rebuilt.search(questions[0], 10)]
    grown = LexicalIndex.load(work / f"lexical_{size}")  # as a writer finds it on disk
    remove_s, shrunk = _s(grown.remove, {one[2][0]["doc_id"]})
    remove_save_s, _ = _s(shrunk.save, work / f"lexical_{size}")
    for q in questions[:5]:  # the same ranking as the index built without it at the start
        assert [i for i, _ in shrunk.search(q, 10)] == [i for i, _ in index.search(q, 10)]
    ordered = sorted(searches)
    return {"chunks": len(corpus[0]), "build_s": round(build_s, 2), "save_s": round(save_s, 2),
            "search_p50_ms": round(statistics.median(ordered), 1), "search_p95_ms": round(ordered[round(0.95 * (len(ordered) - 1))], 1),
            **compared,
            "add_one": {"chunks": len(one[0]), "add_s": round(add_s, 3), "save_s": round(add_save_s, 3),
                        "full_rebuild_s": round(rebuild_s, 2), "full_rebuild_save_s": round(rebuild_save_s, 2),
                        "speedup": round((rebuild_s + rebuild_save_s) / (add_s + add_save_s), 1)},
            # removing it again: tombstones and a new manifest, against building what is left (build_s + save_s above)
            "remove_one": {"remove_s": round(remove_s, 4), "save_s": round(remove_save_s, 4),
                           "segments_after": len(shrunk.segments),
                           "full_rebuild_s": round(build_s, 2), "full_rebuild_save_s": round(save_s, 2),
                           "speedup": round((build_s + save_s) / (remove_s + remove_save_s), 1)}}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10000, 100000])
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "lexical_scale.json")
    parser.add_argument("--baseline", type=Path, help="a checkout whose lexical search to time beside this one")
    args = parser.parse_args()
    baseline = baseline_module(args.baseline) if args.baseline else None
    questions = [i["question"] for i in load_questions(ROOT / "evals" / "questions.jsonl") if i.get("split") == "dev"][:20]
    work, results = Path(tempfile.mkdtemp(prefix="rag-lexical-")), []
    try:
        for size in args.sizes:
            results.append(measure(size, work, questions, baseline))
            results[-1]["load_avg_1min"] = round(os.getloadavg()[0], 1)
            print(json.dumps(results[-1]), flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
