"""Indicator facts: (region, year, indicator, value, unit, chunk, sentence) extracted at ingest.

Indicators and their synonyms are data (rag/data/indicators.txt): a sentence gives a fact when
one of an indicator's patterns matches it and the sentence (or its heading path) is about the
indicator's subject (复议, 诉讼 ...). Facts live in SQLite beside the catalog.
"""
from __future__ import annotations

import re
import sqlite3
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rag.ingest.chunk import sentence_spans
from rag.types import Chunk, Document

INDICATORS_FILE = Path(__file__).resolve().parent / "data" / "indicators.txt"


@dataclass(frozen=True)
class Indicator:
    name: str
    unit: str
    context: re.Pattern[str] | None
    patterns: tuple[re.Pattern[str], ...]
    aliases: tuple[str, ...] = ()  # other names analysts use (行政复议案件量)


@dataclass
class Fact:
    doc_id: str
    region: str
    year: int | None
    indicator: str
    value: float
    unit: str
    shown: str  # as written, e.g. 20.93%
    chunk_id: str
    sentence: str


@lru_cache(maxsize=1)
def indicators() -> tuple[Indicator, ...]:
    out = []
    for line in INDICATORS_FILE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        names, unit, context, patterns = (part.strip() for part in line.split(" | ", 3))
        name, *aliases = names.split("/")
        out.append(Indicator(name, unit, None if context == "-" else re.compile(context),
                             tuple(re.compile(p.strip()) for p in patterns.split(";;")), tuple(aliases)))
    return tuple(out)


def find_indicator(text: str) -> Indicator | None:
    """The indicator a question or a user's word names (纠错率, 直接纠错率, 败诉率 ...)."""
    text = unicodedata.normalize("NFKC", text)
    best = None
    for indicator in indicators():
        core = indicator.name.removeprefix("行政复议").removeprefix("行政诉讼").removeprefix("负责人")
        names = {indicator.name, core, *indicator.aliases}
        score = max((len(n) for n in names if n in text), default=0)
        if score and (best is None or score > best[0]):
            best = (score, indicator)
    return best[1] if best else None


def extract(doc: Document, chunks: list[Chunk]) -> list[Fact]:
    facts, seen = [], set()
    for chunk in chunks:
        for s, e in sentence_spans(chunk.text, 0, len(chunk.text)):
            sentence = chunk.text[s:e].strip()
            plain = unicodedata.normalize("NFKC", sentence).replace(" ", "")
            for indicator in indicators():
                if indicator.context and not (indicator.context.search(plain) or indicator.context.search(chunk.heading)):
                    continue
                for pattern in indicator.patterns:
                    match = pattern.search(plain)
                    if match:
                        key = (indicator.name, match["v"])
                        if key not in seen:
                            seen.add(key)
                            near = "近" if plain[max(0, match.start("v") - 1):match.start("v")] == "近" else ""
                            shown = near + match["v"] + _written_unit(plain[match.end("v"):], indicator.unit)
                            facts.append(Fact(doc.doc_id, doc.region, doc.year, indicator.name,
                                              float(match["v"]), indicator.unit, shown, chunk.chunk_id, sentence))
                        break
    return facts


def _written_unit(after: str, default: str) -> str:
    """The unit as the sentence writes it (起 for 件, 名 for 人, with 余 kept: 700余人)."""
    match = re.match(r"(余?)([件起条人名%项个次家例宗卷份场])", after)
    return match[1] + match[2] if match else default


class FactStore:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(path, check_same_thread=False)
        self.db.execute("CREATE TABLE IF NOT EXISTS facts (fingerprint TEXT, doc_id TEXT, region TEXT, year INTEGER, "
                        "indicator TEXT, value REAL, unit TEXT, shown TEXT, chunk_id TEXT, sentence TEXT)")
        self.db.commit()

    def replace(self, fingerprint: str, doc_id: str, facts: list[Fact]) -> None:
        self.db.execute("DELETE FROM facts WHERE fingerprint = ? AND doc_id = ?", (fingerprint, doc_id))
        self.db.executemany("INSERT INTO facts VALUES (?,?,?,?,?,?,?,?,?,?)",
                            [(fingerprint, f.doc_id, f.region, f.year, f.indicator, f.value, f.unit, f.shown,
                              f.chunk_id, f.sentence) for f in facts])
        self.db.commit()

    def delete(self, fingerprint: str, doc_id: str) -> None:
        self.replace(fingerprint, doc_id, [])

    def query(self, fingerprint: str, indicator: str | None = None, regions: list[str] | None = None,
              doc_id: str | None = None) -> list[Fact]:
        sql, args = "SELECT doc_id, region, year, indicator, value, unit, shown, chunk_id, sentence FROM facts " \
                    "WHERE fingerprint = ?", [fingerprint]
        if indicator:
            sql, args = sql + " AND indicator = ?", args + [indicator]
        if doc_id:
            sql, args = sql + " AND doc_id = ?", args + [doc_id]
        order = " ORDER BY rowid" if doc_id else " ORDER BY indicator, region, year"  # a report: its own order
        rows = [Fact(*row) for row in self.db.execute(sql + order, args)]
        return [f for f in rows if not regions or f.region in regions]

    def indicators(self, fingerprint: str) -> list[str]:
        rows = self.db.execute("SELECT DISTINCT indicator FROM facts WHERE fingerprint = ? ORDER BY indicator",
                               (fingerprint,))
        return [r[0] for r in rows]
