"""Synthetic corpus for the scale benchmark: the seed reports again and again, each copy with another
region (same level, from the gazetteer), a shifted year and perturbed figures. The text, headings
and layout stay the seeds', so chunking, metadata and facts work as on real reports.

    .venv/bin/python bench/synth.py OUT_DIR --chunks 10000 [--seed 0]
"""
from __future__ import annotations

import argparse
import random
import re
from dataclasses import dataclass
from pathlib import Path

from rag.ingest import gazetteer, load_document
from rag.ingest.chunk import chunk_document
from rag.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


@dataclass
class Seed:
    name: str
    text: str
    region: gazetteer.Region
    year: int
    chunks: int


def load_seeds(folder: Path = ROOT / "seeds") -> list[Seed]:
    seeds, by_full = [], gazetteer.by_full_name()
    chunk_chars = Settings().chunk_max_chars
    for path in sorted(folder.glob("*.txt")):
        doc = load_document(path, path.name)
        seeds.append(Seed(path.stem, path.read_text(encoding="utf-8"), by_full[doc.region], doc.year,
                          len(chunk_document(doc, chunk_chars))))
    return seeds


def _names(region: gazetteer.Region) -> list[str]:
    """The ways a report names its region, longest first (full name before own name before short)."""
    names = [region.full, region.name, region.short]
    if region.level == "县区":
        names.append(region.city)
    return names


def rewrite(seed: Seed, target: gazetteer.Region, year: int, rng: random.Random) -> str:
    """The seed's text as if `target` had written it about `year`."""
    pairs = sorted(zip(_names(seed.region), _names(target)), key=lambda p: -len(p[0]))
    pairs = [(old, new) for old, new in pairs if old and new and old != new]
    text = seed.text
    if pairs:
        table = dict(pairs)
        text = re.sub("|".join(map(re.escape, table)), lambda m: table[m.group()], text)
    shift = year - seed.year

    def number(match: re.Match) -> str:
        raw = match.group()
        if "." not in raw and len(raw) == 4 and 2000 <= int(raw) <= 2030:
            return str(int(raw) + shift)  # a year moves with the report
        if "." in raw:
            decimals = len(raw.split(".")[1])
            return f"{float(raw) * rng.uniform(0.8, 1.2):.{decimals}f}"
        return str(max(1, round(int(raw) * rng.uniform(0.7, 1.3)))) if int(raw) > 10 else raw

    return _NUMBER.sub(number, text)


def generate(out: Path, chunks: int, seed: int = 0) -> list[Path]:
    """Files under `out` holding about `chunks` chunks: the seeds themselves, then rewritten copies."""
    rng = random.Random(seed)
    seeds = load_seeds()
    out.mkdir(parents=True, exist_ok=True)
    pool = {level: [r for r in gazetteer.regions() if r.level == level] for level in ("地级市", "县区")}
    paths, total, number = [], 0, 0
    for s in seeds:
        paths.append(out / f"{s.name}.txt")
        paths[-1].write_text(s.text, encoding="utf-8")
        total += s.chunks
    while total < chunks:
        s = seeds[number % len(seeds)]
        target = rng.choice(pool[s.region.level])
        year = rng.randint(2016, 2024)
        path = out / f"synth_{number:06d}_{target.code}_{year}.txt"
        path.write_text(rewrite(s, target, year, rng), encoding="utf-8")
        paths.append(path)
        total, number = total + s.chunks, number + 1
    return paths


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    parser.add_argument("--chunks", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    print(f"{len(generate(args.out, args.chunks, args.seed))} files written to {args.out}")


if __name__ == "__main__":
    main()
