"""files -> documents: load, clean, flag spam, extract metadata (see the modules of this package).

A document is identified by its resolved path (`doc_id`), and its raw bytes are fingerprinted
(`sha1`) so a byte-identical copy elsewhere is recognised as a duplicate.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from rag.errors import InputError
from rag.ingest import clean, load, meta, spam
from rag.progress import Steps, quiet
from rag.types import Document


def doc_id_for(path: Path) -> str:
    """The document's identity: a hash of its resolved path (two index.html files stay two)."""
    return hashlib.sha1(str(Path(path).resolve()).encode()).hexdigest()[:12]


def file_sha1(path: Path) -> str:
    """sha1 of the file's raw bytes."""
    try:
        return hashlib.sha1(Path(path).read_bytes()).hexdigest()
    except OSError as err:
        raise InputError(f"无法读取文件 {path}: {err.strerror or err}") from err


def load_document(path: Path, source: str | None = None, steps: Steps | None = None) -> Document:
    """Read one report file into a cleaned, flagged Document with its metadata.
    `source` is the display name (default: the file name); `steps` hears each step start (rag/progress.py)."""
    steps = steps or quiet
    steps("read", 0, 0)
    raw_sha1 = file_sha1(path)
    raw, encoding = load.read_file(path)
    steps("clean", 0, 0)
    text, header = clean.clean(raw, plain=Path(path).suffix.lower() in (".txt", ".text", ".md", ".markdown", ""))
    doc = Document(
        doc_id=doc_id_for(path), source=source or path.name, path=str(Path(path).resolve()), sha1=raw_sha1,
        text=text, encoding=encoding, header=header,
    )
    steps("spam", 0, 0)
    doc.flags = spam.find_spam(text)
    steps("meta", 0, 0)
    meta.extract(doc)
    meta.apply_sidecar(doc, path)
    return doc
