"""Sentence vectors, computed once at ingest so that answering embeds only the question.

The extractive answerer scores each candidate sentence of the retrieved chunks by its cosine to the
question. Those sentences are the chunk's own (`sentences_of`, the same split the answerer uses), so
ingest embeds them with the chunks and keeps them here, keyed by the sentence text and stored per
document (removed with it). The file name carries the index fingerprint: a model or chunker change
starts a new file, as it starts a new Chroma collection.
"""
from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import numpy as np

from rag.ingest.chunk import sentence_spans

_BATCH = 500  # SQLite's bound on query parameters is 999 on old builds


def sentences_of(text: str) -> list[str]:
    """The sentences of a chunk exactly as the answerer cuts them (rag/answer/extractive.best_quotes)."""
    return [text[s:e] for s, e in sentence_spans(text, 0, len(text)) if text[s:e].strip()]


def key_of(sentence: str) -> str:
    return hashlib.sha1(sentence.encode("utf-8")).hexdigest()[:20]


class SentenceVectors:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(path, check_same_thread=False)
        self.db.execute("CREATE TABLE IF NOT EXISTS sentences (doc_id TEXT, chunk_id TEXT, key TEXT, vector BLOB, "
                        "PRIMARY KEY (doc_id, key))")
        self.db.execute("CREATE INDEX IF NOT EXISTS sentences_key ON sentences (key)")
        self.db.commit()

    def replace_document(self, doc_id: str, rows: list[tuple[str, str]], vectors: np.ndarray) -> None:
        """rows: (chunk id, sentence) per vector, each sentence once per document."""
        with self.db:
            self.db.execute("DELETE FROM sentences WHERE doc_id = ?", (doc_id,))
            self.db.executemany("INSERT OR REPLACE INTO sentences VALUES (?, ?, ?, ?)",
                                [(doc_id, chunk_id, key_of(s), np.asarray(v, dtype=np.float32).tobytes())
                                 for (chunk_id, s), v in zip(rows, vectors)])

    def delete_document(self, doc_id: str) -> None:
        with self.db:
            self.db.execute("DELETE FROM sentences WHERE doc_id = ?", (doc_id,))

    def count(self, doc_id: str | None = None) -> int:
        if doc_id is None:
            return self.db.execute("SELECT COUNT(*) FROM sentences").fetchone()[0]
        return self.db.execute("SELECT COUNT(*) FROM sentences WHERE doc_id = ?", (doc_id,)).fetchone()[0]

    def get(self, sentences: list[str]) -> dict[str, np.ndarray]:
        """The stored vector of each sentence that has one."""
        by_key = {key_of(s): s for s in sentences}
        keys, found = list(by_key), {}
        for start in range(0, len(keys), _BATCH):
            part = keys[start:start + _BATCH]
            rows = self.db.execute(f"SELECT key, vector FROM sentences WHERE key IN ({', '.join('?' * len(part))})",
                                   part).fetchall()
            found.update((by_key[k], np.frombuffer(v, dtype=np.float32)) for k, v in rows)
        return found


def document_sentences(chunks) -> list[tuple[str, str]]:
    """(chunk id, sentence) for every distinct sentence of a document's chunks (overlaps once)."""
    seen, rows = set(), []
    for chunk in chunks:
        for sentence in sentences_of(chunk.text):
            if sentence not in seen:
                seen.add(sentence)
                rows.append((chunk.chunk_id, sentence))
    return rows
