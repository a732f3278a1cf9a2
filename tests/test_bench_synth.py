"""The scale benchmark's synthetic reports read as reports of their new region and year."""
from __future__ import annotations

import random

from bench.synth import generate, load_seeds, rewrite
from rag.ingest import gazetteer, load_document


def test_a_rewritten_seed_names_its_new_region_and_year(tmp_path):
    seed = load_seeds()[0]
    target = next(r for r in gazetteer.regions() if r.level == seed.region.level and r != seed.region)
    path = tmp_path / "copy.txt"
    path.write_text(rewrite(seed, target, seed.year + 1, random.Random(0)), encoding="utf-8")
    doc = load_document(path, path.name)
    assert (doc.region, doc.year) == (target.full, seed.year + 1)
    assert seed.region.full not in doc.text


def test_generate_reaches_the_asked_size_deterministically(tmp_path):
    first = generate(tmp_path / "a", 300)
    again = generate(tmp_path / "b", 300)
    assert len(first) > 5 and [p.name for p in first] == [p.name for p in again]
    assert all(a.read_text(encoding="utf-8") == b.read_text(encoding="utf-8") for a, b in zip(first, again))
