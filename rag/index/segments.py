"""One immutable piece of the lexical index: the term counts of the chunks one ingest added.

A segment keeps raw counts (a sparse chunks x terms matrix, its own vocabulary) and each row's
filter values, never BM25 weights: weights depend on corpus-wide document frequencies and the
average length, which change with every ingest. `LexicalIndex` (rag/index/lexical.py) computes
them at query time over all live segments, so a segmented index scores exactly as one built at once.
Once written a segment's files never change; a deleted chunk is a tombstone in the manifest.
"""
from __future__ import annotations

import json
import secrets
import time
from pathlib import Path

import numpy as np
from scipy import sparse


class Segment:
    def __init__(self, counts: sparse.csc_matrix, vocab: list[str], rows: list[dict], name: str | None = None) -> None:
        self.counts = counts  # rows x terms, term counts; CSC: a term's postings are one column slice
        self.vocab = vocab
        self.column = {term: i for i, term in enumerate(vocab)}
        self.rows = rows  # {"id", "region", "year", "doc_id"} per row
        self.lengths = np.asarray(counts.sum(axis=1)).ravel().astype(np.int64)
        self.name = name  # folder under segments/, None until saved
        self.filters = {key: _encode([r.get(field, "") for r in rows])
                        for key, field in (("region", "region"), ("doc", "doc_id"))}
        self.years = np.array([r.get("year") or -1 for r in rows], dtype=np.int64)

    def position(self, chunk_id: str) -> int | None:
        if "_positions" not in self.__dict__:
            self._positions = {r["id"]: i for i, r in enumerate(self.rows)}
        return self._positions.get(chunk_id)

    @classmethod
    def build(cls, token_lists: list[list[str]], rows: list[dict]) -> "Segment":
        column: dict[str, int] = {}
        indptr, indices = [0], []
        for tokens in token_lists:
            indices += [column.setdefault(t, len(column)) for t in tokens]
            indptr.append(len(indices))
        data = np.ones(len(indices), dtype=np.int32)
        counts = sparse.csr_matrix((data, np.array(indices, dtype=np.int64), np.array(indptr)),
                                   shape=(len(token_lists), len(column)))
        counts.sum_duplicates()  # repeated tokens of a row become one count
        return cls(counts.tocsc(), list(column), rows)

    @classmethod
    def merge(cls, parts: list[tuple["Segment", np.ndarray]]) -> "Segment":
        """One segment of the kept rows (a boolean mask per part) of several segments."""
        column: dict[str, int] = {}
        blocks, rows = [], []
        for segment, keep in parts:
            remap = np.array([column.setdefault(t, len(column)) for t in segment.vocab], dtype=np.int64)
            kept = segment.counts.tocsr()[np.flatnonzero(keep)].tocoo()
            blocks.append((kept, remap))
            rows += [r for r, k in zip(segment.rows, keep) if k]
        data, row_index, col_index, offset = [], [], [], 0
        for kept, remap in blocks:
            data.append(kept.data)
            row_index.append(kept.row + offset)
            col_index.append(remap[kept.col] if len(remap) else kept.col)
            offset += kept.shape[0]
        counts = sparse.csc_matrix((np.concatenate(data or [np.zeros(0, np.int32)]),
                                    (np.concatenate(row_index or [np.zeros(0, np.int64)]),
                                     np.concatenate(col_index or [np.zeros(0, np.int64)]))),
                                   shape=(offset, len(column)))
        return cls(counts, list(column), rows)

    def document_frequency(self, alive: np.ndarray) -> np.ndarray:
        """For each term of the vocabulary, how many live rows use it."""
        if alive.all():
            return np.diff(self.counts.indptr)
        present = self.counts[np.flatnonzero(alive)]
        return np.diff(present.tocsc().indptr)

    def save(self, directory: Path) -> str:
        """Write the segment's files to a new folder under directory; returns its name."""
        name = f"s{time.time_ns()}-{secrets.token_hex(3)}"
        folder = directory / name
        folder.mkdir(parents=True)
        sparse.save_npz(folder / "counts.npz", self.counts, compressed=False)
        (folder / "vocab.json").write_text(json.dumps(self.vocab, ensure_ascii=False), encoding="utf-8")
        (folder / "rows.json").write_text(json.dumps(self.rows, ensure_ascii=False), encoding="utf-8")
        self.name = name
        return name

    @classmethod
    def load(cls, folder: Path) -> "Segment":
        counts = sparse.load_npz(folder / "counts.npz").tocsc()
        vocab = json.loads((folder / "vocab.json").read_text(encoding="utf-8"))
        rows = json.loads((folder / "rows.json").read_text(encoding="utf-8"))
        return cls(counts, vocab, rows, folder.name)


def _encode(values: list[str]) -> tuple[np.ndarray, dict[str, int]]:
    """A filter column as integer codes, and the code of each value."""
    codes: dict[str, int] = {}
    return np.array([codes.setdefault(v, len(codes)) for v in values], dtype=np.int64), codes
