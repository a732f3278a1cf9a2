"""Ingest cost per MB, step by step, on generated multi-MB reports (is every step linear?).

A report of the requested size is built from realistic report paragraphs (tests/docmaker.py: real
districts, varied years and figures) under one title and one signature, written to a temporary file,
and run through the ingest steps one at a time: load, clean, spam, meta, chunk, facts, sentences.
Each size prints and saves seconds per MB for every step; the ratio of the largest size's s/MB to
the smallest's says whether a step is linear (about 1) or worse. Embedding is model-bound and
measured on a sample of the chunks (`--embed N`), then extrapolated per MB.

    python bench/ingest_scale.py                      # 1 MB and 4 MB
    python bench/ingest_scale.py --sizes 1 4 16 --embed 200 --out bench/results/ingest_scale.json
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PLACES = ["长沙市岳麓区", "杭州市西湖区", "成都市武侯区", "长沙市芙蓉区", "甘谷县", "德清县", "宁波市镇海区",
          "成都市温江区", "本溪市", "平顶山市", "泸州市", "大连市"]
STEPS = ("load", "clean", "spam", "meta", "chunk", "facts", "sentences")


def report_text(megabytes: float, seed: int = 7) -> str:
    """A report of about `megabytes` MB (UTF-8): title, opening, many sections with varied figures,
    then the issuer and the date."""
    sys.path.insert(0, str(ROOT))
    from tests.docmaker import WENJIANG, body_lines

    rnd = random.Random(seed)
    head = body_lines(WENJIANG)
    lines, size, target = head[:2], 0, int(megabytes * 1024 * 1024)
    while size < target:
        place, year = rnd.choice(PLACES), rnd.randint(2015, 2024)
        spec = replace(WENJIANG, place=place, region=place, year=year,
                       title_form=f"{{place}}{{year}}年法治政府建设工作情况报告({rnd.randrange(10**9)})")
        section = body_lines(spec)[2:-2]
        lines += section
        size += sum(len(line.encode("utf-8")) + 1 for line in section)
    lines += head[-2:]
    return "\n".join(lines) + "\n"


def time_steps(path: Path, embed_sample: int = 0) -> dict[str, float]:
    """Seconds spent in each ingest step for one file (and the embedder on a sample of its chunks)."""
    from rag.facts import extract as extract_facts
    from rag.index.sentences import document_sentences
    from rag.ingest import clean, doc_id_for, load, meta, spam
    from rag.ingest.chunk import chunk_document
    from rag.types import Document

    seconds: dict[str, float] = {}

    def timed(step, work):
        started = time.perf_counter()
        result = work()
        seconds[step] = time.perf_counter() - started
        return result

    raw, encoding = timed("load", lambda: load.read_file(path))
    text, header = timed("clean", lambda: clean.clean(raw))
    doc = Document(doc_id=doc_id_for(path), source=path.name, path=str(path), sha1="", text=text, encoding=encoding,
                   header=header)
    doc.flags = timed("spam", lambda: spam.find_spam(text))
    timed("meta", lambda: (meta.extract(doc), meta.apply_sidecar(doc, path)))
    chunks = timed("chunk", lambda: chunk_document(doc))
    timed("facts", lambda: extract_facts(doc, chunks))
    sentences = timed("sentences", lambda: document_sentences(chunks))
    if embed_sample:
        from rag.index.embed import Embedder
        from rag.settings import load_settings

        settings = load_settings()
        embedder = Embedder(settings.embed_model, settings.models_dir)
        texts = [c.text for c in chunks[:embed_sample]] + [s for _, s in sentences[:embed_sample * 4]]
        embedder.passages(texts[:8])  # load the model outside the timing
        started = time.perf_counter()
        embedder.passages(texts, settings.embed_batch)
        per_text = (time.perf_counter() - started) / len(texts)
        seconds["embed (extrapolated)"] = per_text * (len(chunks) + len(sentences))
    seconds["_chunks"], seconds["_sentences"], seconds["_flags"] = len(chunks), len(sentences), len(doc.flags)
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=float, nargs="+", default=[1.0, 4.0], help="report sizes in MB")
    parser.add_argument("--embed", type=int, default=0, help="chunks in the embedding sample (0: skip)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "ingest_scale.json")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    runs = []
    with tempfile.TemporaryDirectory(prefix="rag-scale-") as tmp:
        for megabytes in args.sizes:
            path = Path(tmp) / f"长沙市2023年法治政府建设报告-{megabytes:g}MB.txt"
            path.write_text(report_text(megabytes), encoding="utf-8")
            mb = path.stat().st_size / 1024 / 1024
            seconds = time_steps(path, args.embed)
            counts = {k[1:]: int(v) for k, v in seconds.items() if k.startswith("_")}
            steps = {k: round(v / mb, 3) for k, v in seconds.items() if not k.startswith("_")}
            text_steps = sum(v for k, v in seconds.items() if k in STEPS)
            runs.append({"mb": round(mb, 2), "s_per_mb": steps, "text_steps_s_per_mb": round(text_steps / mb, 3),
                         "text_steps_s": round(text_steps, 2), **counts})
            print(json.dumps(runs[-1], ensure_ascii=False), flush=True)
    first, last = runs[0], runs[-1]
    figures = {
        "date": date.today().isoformat(), "runs": runs,
        # s/MB at the largest size over s/MB at the smallest: about 1 when a step is linear
        "linearity": {k: round(last["s_per_mb"][k] / first["s_per_mb"][k], 2) if first["s_per_mb"][k] else None
                      for k in STEPS},
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(figures, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(figures["linearity"], ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
