"""Precision and recall of the facts table against hand-labelled values (bench/facts_gold.jsonl).

Every (indicator, value) extracted from the seeds and the field set (../shared/field/) is judged
correct when the gold list holds that value for that indicator in that document. The baseline is
the extractor at a git revision (default: the last one with per-sentence patterns), run in the same
process on the same chunks, its indicator names mapped to today's vocabulary by `find_indicator`.

    python bench/facts_eval.py [--baseline REV]   # prints and writes bench/results/facts.json
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import types
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rag import facts, units  # noqa: E402
from rag.ingest import load_document  # noqa: E402
from rag.ingest.chunk import chunk_document  # noqa: E402
from rag.settings import Settings  # noqa: E402

GOLD = ROOT / "bench" / "facts_gold.jsonl"
FIELD = ROOT.parent / "shared" / "field"
BASELINE_REV = "f6150fe"  # rag/facts.py + rag/data/indicators.txt before the domain vocabulary


def documents() -> list[tuple[str, Path]]:
    seeds = [(p.name, p) for p in sorted((ROOT / "seeds").glob("*.txt"))]
    field = [(f"field/{p.name}", p) for p in sorted(FIELD.glob("*.txt"))]
    return seeds + field


def load_gold() -> dict[tuple[str, str], set[float]]:
    gold: dict[tuple[str, str], set[float]] = {}
    for line in GOLD.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if "doc" in row:
            gold.setdefault((row["doc"], row["indicator"]), set()).add(float(row["value"]))
    return gold


def baseline_extractor(rev: str):
    """The old module's extract(), loaded from git with its own pattern file."""
    source = subprocess.run(["git", "show", f"{rev}:rag/facts.py"], cwd=ROOT, capture_output=True, text=True,
                            check=True).stdout
    patterns = subprocess.run(["git", "show", f"{rev}:rag/data/indicators.txt"], cwd=ROOT, capture_output=True,
                              text=True, check=True).stdout
    folder = Path(tempfile.mkdtemp())
    (folder / "indicators.txt").write_text(patterns, encoding="utf-8")
    module = types.ModuleType("baseline_facts")
    module.__file__ = str(ROOT / "rag" / "facts.py")
    sys.modules["baseline_facts"] = module  # dataclasses look their module up
    exec(compile(source, "baseline_facts.py", "exec"), module.__dict__)
    module.INDICATORS_FILE = folder / "indicators.txt"
    return module.extract


def judge(extract, chunked, gold) -> dict:
    rows, found = [], set()
    for name, doc, chunks in chunked:
        for fact in extract(doc, chunks):
            indicator = facts.find_indicator(fact.indicator)
            label = indicator.name if indicator else fact.indicator
            values = gold.get((name, label), set())
            written = units.find_quantities(fact.shown)
            number = float(written[0].number) if written else fact.value
            correct = fact.value in values or number in values
            if correct:
                found.add((name, label))
            rows.append({"doc": name, "indicator": label, "shown": fact.shown, "correct": correct,
                         "sentence": fact.sentence[:80]})
    gold_items = sum(len(v) for v in gold.values())
    true = sum(r["correct"] for r in rows)
    missed = [{"doc": d, "indicator": i, "values": sorted(v)} for (d, i), v in sorted(gold.items()) if (d, i) not in found]
    by_doc = Counter(r["doc"] for r in rows)
    return {"extracted": len(rows), "correct": true, "gold": gold_items,
            "precision": round(true / len(rows), 3) if rows else 0.0,
            "recall": round(len(found) / len(gold), 3) if gold else 0.0,
            "per_document": dict(by_doc), "false": [r for r in rows if not r["correct"]], "missed": missed}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default=BASELINE_REV, help="git revision of the old extractor")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "facts.json")
    args = parser.parse_args()
    settings = Settings()
    chunked = []
    for name, path in documents():
        doc = load_document(path)
        chunked.append((name, doc, chunk_document(doc, settings.chunk_max_chars)))
    gold = load_gold()
    result = {"documents": len(chunked), "after": judge(facts.extract, chunked, gold)}
    try:
        result["before"] = judge(baseline_extractor(args.baseline), chunked, gold)
        result["before"]["revision"] = args.baseline
    except (subprocess.CalledProcessError, FileNotFoundError) as err:
        result["before"] = {"error": f"baseline {args.baseline} not available: {err}"}
    for side in ("before", "after"):
        r = result[side]
        if "precision" in r:
            print(f"{side:6} extracted {r['extracted']:3}  correct {r['correct']:3}  precision {r['precision']:.3f}  "
                  f"recall {r['recall']:.3f} (of {r['gold']} labelled)")
    for r in result["after"]["false"]:
        print("  false:", r["doc"][:12], r["indicator"], r["shown"], "|", r["sentence"][:50])
    for r in result["after"]["missed"]:
        print("  missed:", r["doc"][:12], r["indicator"], r["values"])
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"-> {args.out}")


if __name__ == "__main__":
    main()
