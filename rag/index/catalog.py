"""The document catalog: one SQLite row per ingested report (metadata, cleaned text, flags).

Chroma holds chunks and vectors; the catalog holds what belongs to a whole document, so the UI
can list and show reports and briefs can read a report in order. A document is keyed by doc_id
(its resolved path); `sha1` is the hash of its raw bytes, which finds byte-identical copies.
"""
from __future__ import annotations

import json
import sqlite3
from dataclasses import fields
from pathlib import Path

from rag.types import Document, Span

_COLUMNS = [f.name for f in fields(Document)]
_JSON = {"header", "flags", "provenance"}


class Catalog:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(path, check_same_thread=False)
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS documents (doc_id TEXT, fingerprint TEXT, chunks INTEGER, "
            + ", ".join(f"{c} TEXT" for c in _COLUMNS if c != "doc_id") + ", PRIMARY KEY (doc_id, fingerprint))"
        )
        have = {row[1] for row in self.db.execute("PRAGMA table_info(documents)")}
        for column in _COLUMNS:  # a catalog written by an older version gains the new fields
            if column not in have:
                self.db.execute(f"ALTER TABLE documents ADD COLUMN {column} TEXT")
        self.db.commit()

    def get(self, doc_id: str, fingerprint: str) -> tuple[Document, int] | None:
        """(document, chunk count) as indexed under `fingerprint`, or None."""
        row = self.db.execute(
            f"SELECT {', '.join(_COLUMNS)}, chunks FROM documents WHERE doc_id = ? AND fingerprint = ?",
            (doc_id, fingerprint),
        ).fetchone()
        return (self._document(row[:-1]), int(row[-1])) if row else None

    def put(self, doc: Document, fingerprint: str, chunks: int) -> None:
        values = [self._encode(c, getattr(doc, c)) for c in _COLUMNS]
        self.db.execute(
            f"INSERT OR REPLACE INTO documents ({', '.join(_COLUMNS)}, fingerprint, chunks) "
            f"VALUES ({', '.join('?' * (len(_COLUMNS) + 2))})",
            [*values, fingerprint, chunks],
        )
        self.db.commit()

    def delete(self, doc_id: str, fingerprint: str) -> None:
        self.db.execute("DELETE FROM documents WHERE doc_id = ? AND fingerprint = ?", (doc_id, fingerprint))
        self.db.commit()

    def with_sha1(self, sha1: str, fingerprint: str) -> Document | None:
        """An indexed document whose raw bytes have this sha1 (a byte-identical copy), or None."""
        row = self.db.execute(f"SELECT {', '.join(_COLUMNS)} FROM documents WHERE sha1 = ? AND fingerprint = ?",
                              (sha1, fingerprint)).fetchone()
        return self._document(row) if row else None

    def documents(self, fingerprint: str) -> list[tuple[Document, int]]:
        """All documents (with chunk counts) indexed under `fingerprint`, by region and year."""
        rows = self.db.execute(
            f"SELECT {', '.join(_COLUMNS)}, chunks FROM documents WHERE fingerprint = ? ORDER BY region, year, source",
            (fingerprint,),
        ).fetchall()
        return [(self._document(row[:-1]), int(row[-1])) for row in rows]

    @staticmethod
    def _encode(column: str, value):
        if column == "flags":
            return json.dumps([vars(s) for s in value], ensure_ascii=False)
        if column in ("header", "provenance"):
            return json.dumps(value, ensure_ascii=False)
        return None if value is None else str(value)

    @staticmethod
    def _document(row) -> Document:
        data = dict(zip(_COLUMNS, row))
        data["header"] = json.loads(data["header"] or "{}")
        data["provenance"] = json.loads(data.get("provenance") or "{}")
        data["flags"] = [Span(**s) for s in json.loads(data["flags"] or "[]")]
        data["year"] = int(data["year"]) if data["year"] not in (None, "", "None") else None
        return Document(**data)
