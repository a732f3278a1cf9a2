"""The document catalog: one SQLite row per ingested report (metadata, cleaned text, flags).

Chroma holds chunks and vectors; the catalog holds what belongs to a whole document, so the UI
can list and show reports and briefs can read a report in order. A document is keyed by doc_id
(its resolved path); `sha1` is the hash of its raw bytes, which finds byte-identical copies.
"""
from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import fields
from pathlib import Path

from rag.errors import RagError
from rag.types import Document, Span

_COLUMNS = [f.name for f in fields(Document)]
_JSON = {"header", "flags", "provenance"}


class Database:
    """The SQLite file that holds the catalog and the facts: one connection shared by every thread
    under one lock (Gradio runs events in worker threads). `write()` is one transaction; nested
    `write()` blocks join the outer one, so a document's catalog row and its facts commit together."""

    def __init__(self, path: Path) -> None:
        self.lock = threading.RLock()
        self._depth = 0
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.conn = sqlite3.connect(path, check_same_thread=False, timeout=30)
            self.conn.execute("CREATE TABLE IF NOT EXISTS _probe (x)")  # an unwritable folder fails here, not later
            self.conn.execute("DROP TABLE _probe")
            self.conn.commit()
        except (OSError, sqlite3.Error) as err:
            raise RagError(f"数据目录不可写 {path.parent}: {getattr(err, 'strerror', None) or err}") from err

    def rows(self, sql: str, args=()) -> list[tuple]:
        with self.lock:
            return self.conn.execute(sql, args).fetchall()

    def version(self) -> tuple[int, int]:
        """Changes by other connections (data_version) and by ours (total_changes): equal means unchanged."""
        with self.lock:
            return self.conn.execute("PRAGMA data_version").fetchone()[0], self.conn.total_changes

    def run(self, sql: str, args=(), many: bool = False) -> None:
        """A write statement; outside `write()` it is its own transaction."""
        with self.write():
            (self.conn.executemany if many else self.conn.execute)(sql, args)

    @contextmanager
    def write(self) -> Iterator["Database"]:
        with self.lock:
            self._depth += 1
            try:
                yield self
                if self._depth == 1:
                    self.conn.commit()
            except BaseException:
                if self._depth == 1:
                    self.conn.rollback()
                raise
            finally:
                self._depth -= 1


class Catalog:
    def __init__(self, db: Database) -> None:
        self.db = db
        db.run(
            "CREATE TABLE IF NOT EXISTS documents (doc_id TEXT, fingerprint TEXT, chunks INTEGER, "
            + ", ".join(f"{c} TEXT" for c in _COLUMNS if c != "doc_id") + ", PRIMARY KEY (doc_id, fingerprint))"
        )
        have = {row[1] for row in db.rows("PRAGMA table_info(documents)")}
        for column in _COLUMNS:  # a catalog written by an older version gains the new fields
            if column not in have:
                db.run(f"ALTER TABLE documents ADD COLUMN {column} TEXT")
        # finding a byte-identical copy is a lookup, not a scan of every report's text
        db.run("CREATE INDEX IF NOT EXISTS documents_sha1 ON documents (sha1, fingerprint)")

    def get(self, doc_id: str, fingerprint: str) -> tuple[Document, int] | None:
        """(document, chunk count) as indexed under `fingerprint`, or None."""
        row = next(iter(self.db.rows(
            f"SELECT {', '.join(_COLUMNS)}, chunks FROM documents WHERE doc_id = ? AND fingerprint = ?",
            (doc_id, fingerprint),
        )), None)
        return (self._document(row[:-1]), int(row[-1])) if row else None

    def put(self, doc: Document, fingerprint: str, chunks: int) -> None:
        values = [self._encode(c, getattr(doc, c)) for c in _COLUMNS]
        self.db.run(
            f"INSERT OR REPLACE INTO documents ({', '.join(_COLUMNS)}, fingerprint, chunks) "
            f"VALUES ({', '.join('?' * (len(_COLUMNS) + 2))})",
            [*values, fingerprint, chunks],
        )

    def delete(self, doc_id: str, fingerprint: str) -> None:
        self.db.run("DELETE FROM documents WHERE doc_id = ? AND fingerprint = ?", (doc_id, fingerprint))

    def with_sha1(self, sha1: str, fingerprint: str) -> Document | None:
        """An indexed document whose raw bytes have this sha1 (a byte-identical copy), or None."""
        row = next(iter(self.db.rows(f"SELECT {', '.join(_COLUMNS)} FROM documents WHERE sha1 = ? AND fingerprint = ?",
                                     (sha1, fingerprint))), None)
        return self._document(row) if row else None

    def entries(self, fingerprint: str) -> list[tuple[str, str, str, int]]:
        """(doc_id, path, source, chunk count) of every document: what display names and the integrity
        check need, read without decoding any report's text (those columns come before it)."""
        return [(d, p, s, int(n)) for d, p, s, n in self.db.rows(
            "SELECT doc_id, path, source, chunks FROM documents WHERE fingerprint = ?", (fingerprint,))]

    def documents(self, fingerprint: str) -> list[tuple[Document, int]]:
        """All documents (with chunk counts) indexed under `fingerprint`, by region and year."""
        rows = self.db.rows(
            f"SELECT {', '.join(_COLUMNS)}, chunks FROM documents WHERE fingerprint = ? ORDER BY region, year, source",
            (fingerprint,),
        )
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
        data["span"] = data.get("span") or ""  # a row written before reports of several years were read
        return Document(**data)
