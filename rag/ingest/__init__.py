"""files -> documents: load, clean, flag spam, extract metadata (see the modules of this package)."""
from __future__ import annotations

import hashlib
from pathlib import Path

from rag.ingest import clean, load, meta, spam
from rag.types import Document


def load_document(path: Path) -> Document:
    """Read one report file into a cleaned, flagged Document with its metadata."""
    raw, encoding = load.read_file(path)
    text, header = clean.clean(raw)
    doc = Document(
        doc_id=hashlib.sha1(path.name.encode()).hexdigest()[:12],
        source=path.name, path=str(path), sha1="", text=text, encoding=encoding, header=header,
    )
    doc.flags = spam.find_spam(text)
    meta.extract(doc)
    meta.apply_sidecar(doc, path)
    doc.sha1 = hashlib.sha1(repr((doc.text, doc.meta())).encode()).hexdigest()
    return doc
