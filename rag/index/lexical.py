"""Lexical index: BM25 (bm25s) over CJK characters plus bigrams and ASCII words/numbers.

Character unigrams+bigrams need no word segmenter and survive paraphrase better than jieba words
on these reports. The index is persisted beside Chroma and rebuilt from it when missing or when its
chunk ids disagree with Chroma's. Saving is atomic: each save writes a new version folder and then
switches the `current` pointer file with os.replace, so a crash mid-write leaves the old index whole.
"""
from __future__ import annotations

import json
import math
import os
import re
import secrets
import shutil
import time
from pathlib import Path

import bm25s
import numpy as np

from rag import faults

_TOKEN = re.compile(r"[\u4e00-\u9fff]+|[A-Za-z]+|\d+(?:\.\d+)?")
_STOP = set("的了和与及在是对等为中将把被年月日以")


def tokenize(text: str) -> list[str]:
    tokens: list[str] = []
    for match in _TOKEN.finditer(text):
        run = match.group()
        if not "\u4e00" <= run[0] <= "\u9fff":
            tokens.append(run.lower())
            continue
        tokens += [c for c in run if c not in _STOP]
        tokens += [run[i: i + 2] for i in range(len(run) - 1)]
    return tokens


class LexicalIndex:
    """BM25 over chunk rows; `rows` holds each row's chunk id, region and year for filtering."""

    def __init__(self, retriever: bm25s.BM25, rows: list[dict], df: dict[str, int], version: str = "") -> None:
        self.retriever = retriever
        self.rows = rows
        self.df = df  # document frequency of each token: tells corpus terms from paraphrase noise
        self.version = version  # the saved version folder this index was read from or written to

    @classmethod
    def build(cls, ids: list[str], texts: list[str], metas: list[dict]) -> "LexicalIndex":
        retriever = bm25s.BM25(k1=1.2, b=0.75)
        corpus = [tokenize(t) or ["\u3000"] for t in texts]
        retriever.index(corpus or [["\u3000"]], show_progress=False)  # bm25s needs one row: an empty library
        rows = [{"id": i, "region": m.get("region", ""), "year": m.get("year", -1), "doc_id": m.get("doc_id", "")}
                for i, m in zip(ids, metas)]
        df: dict[str, int] = {}
        for tokens in corpus:
            for token in set(tokens):
                df[token] = df.get(token, 0) + 1
        return cls(retriever, rows, df)

    def relabel(self, ids: list[str], region: str, year: int | None) -> int:
        """Set the region/year filter values of these chunks (a corrected document); returns rows changed."""
        wanted, changed = set(ids), 0
        for row in self.rows:
            if row["id"] in wanted:
                row["region"], row["year"] = region, year or -1
                changed += 1
        return changed

    def save_rows(self, directory: Path) -> None:
        """Persist only the filter values (after `relabel`); the BM25 matrix is unchanged."""
        _write_atomic(_current(directory) or directory, "rows.json", json.dumps(self.rows, ensure_ascii=False))

    def idf(self, term: str) -> float | None:
        """Inverse document frequency of a token, None if the corpus never uses it."""
        n = self.df.get(term, 0)
        return math.log(1 + len(self.rows) / n) if n else None

    def save(self, directory: Path) -> None:
        """Write a new version folder, then point `current` at it; older versions are then removed."""
        directory.mkdir(parents=True, exist_ok=True)
        version = directory / f"v{time.time_ns()}-{secrets.token_hex(3)}"
        version.mkdir()
        self.retriever.save(str(version), show_progress=False)
        (version / "df.json").write_text(json.dumps(self.df, ensure_ascii=False), encoding="utf-8")
        (version / "rows.json").write_text(json.dumps(self.rows, ensure_ascii=False), encoding="utf-8")
        faults.point("lexical-write")
        _write_atomic(directory, "current", version.name)
        self.version = version.name
        for old in directory.iterdir():
            if old == version or old.name == "current":
                continue
            if old.is_dir():
                shutil.rmtree(old, ignore_errors=True)
            else:  # the flat layout of older versions, crash leftovers
                old.unlink(missing_ok=True)

    @classmethod
    def load(cls, directory: Path) -> "LexicalIndex | None":
        for _ in range(3):  # a concurrent save may remove the version just read from `current`
            folder = _current(directory)
            if folder is None:
                return None
            try:
                retriever = bm25s.BM25.load(str(folder), show_progress=False)
                rows = json.loads((folder / "rows.json").read_text(encoding="utf-8"))
                df = json.loads((folder / "df.json").read_text(encoding="utf-8"))
            except FileNotFoundError:
                continue
            return cls(retriever, rows, df, folder.name)
        return None

    @staticmethod
    def version_on_disk(directory: Path) -> str | None:
        folder = _current(directory)
        return folder.name if folder else None

    @property
    def ids(self) -> list[str]:
        return [row["id"] for row in self.rows]

    def search(self, query: str, k: int, regions: list[str] | None = None,
               years: list[int] | None = None, docs: list[str] | None = None) -> list[tuple[str, float]]:
        """Top-k (chunk id, score) among rows matching the filters; only rows that share a token."""
        tokens = [t for t in tokenize(query) if t in self.retriever.vocab_dict]
        if not tokens or not self.rows:
            return []
        scores = self.retriever.get_scores(tokens)
        mask = np.array([(not regions or r["region"] in regions) and (not years or r["year"] in years)
                         and (not docs or r.get("doc_id", docs[0]) in docs) for r in self.rows])  # older rows: no doc_id
        scores = np.where(mask, scores, 0.0)
        top = np.argsort(-scores)[:k]
        return [(self.rows[i]["id"], float(scores[i])) for i in top if scores[i] > 0]


def _current(directory: Path) -> Path | None:
    """The version folder `current` points at, or None (never saved, or an interrupted first save)."""
    try:
        folder = directory / (directory / "current").read_text(encoding="utf-8").strip()
    except (FileNotFoundError, NotADirectoryError):
        return None
    return folder if (folder / "rows.json").exists() else None


def _write_atomic(directory: Path, name: str, text: str) -> None:
    temp = directory / f".tmp-{name}-{secrets.token_hex(3)}"
    temp.write_text(text, encoding="utf-8")
    os.replace(temp, directory / name)
