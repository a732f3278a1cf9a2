"""Lexical index: BM25 over CJK characters plus bigrams and ASCII words/numbers, kept in segments.

Character unigrams+bigrams need no word segmenter and survive paraphrase better than jieba words
on these reports. Each ingest adds one segment (rag/index/segments.py) holding the term counts of
the chunks it indexed; the chunks it replaced become tombstones. BM25 weights are computed at query
time from corpus-wide statistics, so scores do not depend on how the corpus was cut into segments
(ties are broken by chunk id). Small segments are merged once there are more than MAX_SEGMENTS,
and everything is merged when a quarter of the rows are tombstones, so adding one report costs
about its own size, not the corpus's.

On disk: `segments/<name>/` (immutable), and one version folder per save holding `manifest.json`
(segment names, tombstones, relabelled filter values). Saving writes new segments and a new version
folder, then switches the `current` pointer file with os.replace, so a crash mid-write leaves the
old index whole. A data dir from before segments (no manifest) loads as missing and is rebuilt from
Chroma.
"""
from __future__ import annotations

import json
import math
import os
import re
import secrets
import shutil
import time
import zipfile
from pathlib import Path

import numpy as np

from rag import faults
from rag.index.segments import Segment

_TOKEN = re.compile(r"[\u4e00-\u9fff]+|[A-Za-z]+|\d+(?:\.\d+)?")
_STOP = set("的了和与及在是对等为中将把被年月日以")
K1, B = 1.2, 0.75
MAX_SEGMENTS = 8
MAX_DEAD_SHARE = 0.25


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


def row_of(chunk_id: str, meta: dict) -> dict:
    return {"id": chunk_id, "region": meta.get("region", ""), "year": meta.get("year", -1),
            "doc_id": meta.get("doc_id", "")}


class LexicalIndex:
    """BM25 over live rows of its segments; each row holds a chunk id, region, year and doc id."""

    def __init__(self, segments: list[Segment], dead: dict[int, list[int]] | None = None,
                 overrides: dict[str, list] | None = None, version: str = "") -> None:
        self.segments = segments
        self.alive = [np.ones(len(s.rows), dtype=bool) for s in segments]
        for position, indices in (dead or {}).items():
            self.alive[position][indices] = False
        self.overrides = overrides or {}  # chunk id -> [region, year] set by `relabel`
        self.version = version  # the saved version folder this index was read from or written to
        self._refresh()

    def _refresh(self) -> None:
        """Corpus statistics and filter columns; after any change of rows."""
        self.n = int(sum(a.sum() for a in self.alive))
        total = sum(int(s.lengths[a].sum()) for s, a in zip(self.segments, self.alive))
        self.avgdl = total / self.n if self.n else 1.0
        self._df: dict[str, int] = {}
        self._whole = [bool(a.all()) for a in self.alive]
        self._columns = [self._filter_columns(s) for s in self.segments]

    def _filter_columns(self, segment: Segment) -> dict:
        """The segment's filter columns with relabelled values applied, and its BM25 length norms."""
        columns = {"region": segment.filters["region"], "doc": segment.filters["doc"], "year": segment.years,
                   "norm": K1 * (1 - B + B * segment.lengths / self.avgdl)}
        changed = [(p, v) for i, v in self.overrides.items() if (p := segment.position(i)) is not None]
        if changed:
            codes, names = columns["region"][0].copy(), dict(columns["region"][1])
            columns["year"] = columns["year"].copy()
            for position, (region, year) in changed:
                codes[position] = names.setdefault(region, len(names))
                columns["year"][position] = year or -1
            columns["region"] = (codes, names)
        return columns

    @classmethod
    def build(cls, ids: list[str], texts: list[str], metas: list[dict]) -> "LexicalIndex":
        return cls([Segment.build([tokenize(t) for t in texts], [row_of(i, m) for i, m in zip(ids, metas)])])

    def add(self, ids: list[str], texts: list[str], metas: list[dict], remove_docs: set[str]) -> "LexicalIndex":
        """A new index: these rows added as one segment, the rows of `remove_docs` tombstoned (this
        index is left as it is, for readers that hold it). Merges segments as the module says."""
        remove_docs = set(remove_docs) | {m.get("doc_id", "") for m in metas}
        dead = {}
        for position, (alive, columns) in enumerate(zip(self.alive, self._columns)):
            codes, names = columns["doc"]
            gone = np.isin(codes, [names[d] for d in remove_docs if d in names])
            dead[position] = np.flatnonzero(~alive | gone).tolist()
        added = [Segment.build([tokenize(t) for t in texts], [row_of(i, m) for i, m in zip(ids, metas)])] if ids else []
        return LexicalIndex(self.segments + added, dead, self.overrides, self.version).compacted()

    def remove(self, doc_ids: set[str]) -> "LexicalIndex":
        """A new index without these documents' rows: tombstones in the manifest, no segment
        rewritten (unless that leaves more than MAX_DEAD_SHARE of the rows dead: then one merge)."""
        return self.add([], [], [], remove_docs=doc_ids)

    def compacted(self) -> "LexicalIndex":
        total = sum(len(s.rows) for s in self.segments)
        if total and (total - self.n) > MAX_DEAD_SHARE * total:
            keep: list[int] = []
        elif len(self.segments) > MAX_SEGMENTS:
            keep = [int(np.argmax([a.sum() for a in self.alive]))]
        else:
            return self
        merged = Segment.merge([(s, a) for p, (s, a) in enumerate(zip(self.segments, self.alive)) if p not in keep])
        kept = [self.segments[p] for p in keep]
        dead = {i: np.flatnonzero(~self.alive[p]).tolist() for i, p in enumerate(keep)}
        return LexicalIndex(kept + [merged], dead, self.overrides, self.version)

    @property
    def rows(self) -> list[dict]:
        """The live rows, relabelled values applied."""
        return [{**r, **dict(zip(("region", "year"), self.overrides.get(r["id"], ())))}
                for s, a in zip(self.segments, self.alive) for r, live in zip(s.rows, a) if live]

    @property
    def ids(self) -> list[str]:
        return [r["id"] for s, a in zip(self.segments, self.alive) for r, live in zip(s.rows, a) if live]

    def relabel(self, ids: list[str], region: str, year: int | None) -> int:
        """Set the region/year filter values of these chunks (a corrected document); returns rows changed."""
        live = set(ids) & set(self.ids)
        self.overrides.update({i: [region, year or -1] for i in live})
        self._refresh()
        return len(live)

    def save_rows(self, directory: Path) -> None:
        """Persist the filter values after `relabel` (a new manifest; the segments are unchanged)."""
        self.save(directory)

    def doc_counts(self) -> dict[str, int]:
        """Live rows per document id (what the integrity check compares with the catalog)."""
        counts: dict[str, int] = {}
        for alive, columns in zip(self.alive, self._columns):
            codes, names = columns["doc"]
            per_code = np.bincount(codes[alive], minlength=len(names))
            for name, code in names.items():
                if per_code[code]:
                    counts[name] = counts.get(name, 0) + int(per_code[code])
        return counts

    def df(self, term: str) -> int:
        """How many live rows use the term."""
        if term not in self._df:
            count = 0
            for segment, alive, whole in zip(self.segments, self.alive, self._whole):
                column = segment.column.get(term)
                if column is None:
                    continue
                start, end = segment.counts.indptr[column], segment.counts.indptr[column + 1]
                # a segment without tombstones: the posting's length, not a pass over it
                count += int(end - start) if whole else int(alive[segment.counts.indices[start:end]].sum())
            self._df[term] = count
        return self._df[term]

    def idf(self, term: str) -> float | None:
        """Inverse document frequency of a token, None if the corpus never uses it."""
        n = self.df(term)
        return math.log(1 + self.n / n) if n else None

    def search(self, query: str, k: int, regions: list[str] | None = None,
               years: list[int] | None = None, docs: list[str] | None = None) -> list[tuple[str, float]]:
        """Top-k (chunk id, score) among live rows matching the filters; only rows that share a token.
        Rows tied with the k-th stay in until the end, where ties go by chunk id."""
        counted: dict[str, int] = {}
        for token in tokenize(query):  # a repeated token of the query counts again
            if self.df(token):
                counted[token] = counted.get(token, 0) + 1
        if not counted or not self.n:
            return []
        # rarest first, one order for every segment: a row's score is the same sum wherever it lives
        order = sorted(counted, key=lambda t: (self.df(t), t))
        weight = {t: counted[t] * math.log(1 + (self.n - self.df(t) + 0.5) / (self.df(t) + 0.5)) for t in order}
        found_scores, found_ids = [], []
        for segment, alive, columns in zip(self.segments, self.alive, self._columns):
            rows, scores = _segment_top(segment, _eligible(alive, columns, regions, years, docs), columns["norm"],
                                        weight, k)
            found_scores.append(scores)
            found_ids += [segment.rows[i]["id"] for i in rows]
        scores = np.concatenate(found_scores)
        best = sorted(((-float(scores[i]), found_ids[i]) for i in _top_with_ties(scores, k)))[:k]
        return [(chunk_id, -score) for score, chunk_id in best]

    # ---- on disk --------------------------------------------------------------------------
    def save(self, directory: Path) -> None:
        """Write new segments and a new version folder, then point `current` at it; older versions
        and segments no version uses are then removed."""
        store = directory / "segments"
        store.mkdir(parents=True, exist_ok=True)
        names = [s.name or s.save(store) for s in self.segments]
        version = directory / f"v{time.time_ns()}-{secrets.token_hex(3)}"
        version.mkdir()
        manifest = {"format": 2, "segments": names, "overrides": self.overrides,
                    "dead": {n: np.flatnonzero(~a).tolist() for n, a in zip(names, self.alive) if not a.all()}}
        (version / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
        faults.point("lexical-write")
        _write_atomic(directory, "current", version.name)
        self.version = version.name
        for old in [*directory.iterdir(), *store.iterdir()]:
            if old in (version, store) or old.name == "current" or old.name in names:
                continue
            if old.is_dir():
                shutil.rmtree(old, ignore_errors=True)
            else:  # crash leftovers, the flat layout of older versions
                old.unlink(missing_ok=True)

    @classmethod
    def load(cls, directory: Path) -> "LexicalIndex | None":
        """The saved index, or None when there is none or it cannot be read (a damaged file): either
        way the caller rebuilds it from Chroma."""
        for _ in range(3):  # a concurrent save may remove the version just read from `current`
            folder = _current(directory)
            if folder is None:
                return None
            try:
                manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
                segments = [Segment.load(directory / "segments" / name) for name in manifest["segments"]]
            except FileNotFoundError:
                continue
            except (OSError, ValueError, KeyError, TypeError, EOFError, zipfile.BadZipFile):
                return None  # damaged (not a concurrent save: segments are immutable)
            dead = {manifest["segments"].index(n): rows for n, rows in manifest["dead"].items()}
            return cls(segments, dead, manifest["overrides"], folder.name)
        return None

    @staticmethod
    def version_on_disk(directory: Path) -> str | None:
        folder = _current(directory)
        return folder.name if folder else None


def _eligible(alive: np.ndarray, columns: dict, regions, years, docs) -> np.ndarray:
    """Live rows that pass the filters."""
    mask = alive.copy()
    for key, wanted in (("region", regions), ("doc", docs)):
        if wanted:
            codes, names = columns[key]
            mask &= np.isin(codes, [names[v] for v in wanted if v in names])
    if years:
        mask &= np.isin(columns["year"], years)
    return mask


def _top_with_ties(scores: np.ndarray, k: int) -> np.ndarray:
    """Positions of the k highest scores and of every score tied with the k-th."""
    if len(scores) <= k:
        return np.arange(len(scores))
    return np.flatnonzero(scores >= np.partition(scores, len(scores) - k)[len(scores) - k])


def _segment_top(segment: Segment, eligible: np.ndarray, norm: np.ndarray, weight: dict[str, float],
                 k: int) -> tuple[np.ndarray, np.ndarray]:
    """(rows, BM25 scores) of one segment's k best eligible rows with a positive score, and every
    row tied with the k-th: exactly those an exhaustive scoring keeps.

    Max-score pruning: terms are added in `weight`'s order, rarest first (short postings). A term adds at most its weight
    (tf / (tf + norm) < 1), so once the weights of the terms still to add sum below the k-th best
    score so far (a lower bound of the final k-th), a row not yet among the candidates cannot reach
    the top k; the long postings of common terms are then only looked up (binary search) for the
    candidates. Every row's score is summed in the same term order either way (and in every segment),
    so equal rows still tie exactly."""
    counts = segment.counts
    terms = [(counts.indptr[c + 1] - counts.indptr[c], t, c) for t in weight if (c := segment.column.get(t)) is not None]
    rest = np.cumsum([weight[t] for _, t, _ in terms][::-1])[::-1].tolist() + [0.0]
    scores, candidates, bound = np.zeros(len(segment.rows)), None, math.inf
    for i, (length, term, column) in enumerate(terms):
        postings = slice(counts.indptr[column], counts.indptr[column + 1])
        rows, tf = counts.indices[postings], counts.data[postings]
        if length * 16 > len(scores) and 2 * rest[i] < bound:  # a long posting: is it needed in full?
            candidates, threshold = _candidates(scores, eligible if candidates is None else candidates, rest[i], k)
            bound = threshold + rest[i]  # the k-th score grows by at most what is added: no sooner
        if candidates is None or len(candidates) * 8 > length:  # rows outside the candidates never count
            scores[rows] += weight[term] * tf / (tf + norm[rows])
            continue
        at = np.minimum(np.searchsorted(rows, candidates), len(rows) - 1)
        hit = rows[at] == candidates
        found, tf = candidates[hit], tf[at[hit]]
        scores[found] += weight[term] * tf / (tf + norm[found])
    rows = np.flatnonzero(eligible & (scores > 0)) if candidates is None else candidates[scores[candidates] > 0]
    top = rows[_top_with_ties(scores[rows], k)]
    return top, scores[top]


def _candidates(scores: np.ndarray, among: np.ndarray, rest: float, k: int) -> tuple[np.ndarray | None, float]:
    """(rows, k-th best score): the rows (of `among`: an eligibility mask, or earlier candidates as
    positions) that can still reach the k-th best score when at most `rest` is added to each; the
    rows are None (any row can) when fewer than k rows are scored yet or `rest` is not below it."""
    rows = np.flatnonzero(among) if among.dtype == bool else among
    scored = scores[rows]
    if np.count_nonzero(scored) < k:
        return (None if among.dtype == bool else among), 0.0
    threshold = float(np.partition(scored, len(scored) - k)[len(scored) - k])
    margin = threshold * 1e-9  # float sums in another order differ in the last bits; never prune on them
    if rest >= threshold - margin:
        return (None if among.dtype == bool else among), threshold
    return rows[scored + rest >= threshold - margin], threshold


def _current(directory: Path) -> Path | None:
    """The version folder `current` points at, or None (never saved, an interrupted first save, or
    the layout from before segments)."""
    try:
        folder = directory / (directory / "current").read_text(encoding="utf-8").strip()
    except (FileNotFoundError, NotADirectoryError):
        return None
    return folder if (folder / "manifest.json").exists() else None


def _write_atomic(directory: Path, name: str, text: str) -> None:
    temp = directory / f".tmp-{name}-{secrets.token_hex(3)}"
    temp.write_text(text, encoding="utf-8")
    os.replace(temp, directory / name)
