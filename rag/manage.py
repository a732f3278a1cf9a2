"""Correcting and removing reports: one step across every store (catalog, Chroma, facts, lexical).

Mixed into Pipeline, so the CLI (`rag docs set`, `rag remove`) and the UI's edit form and delete
button call the same methods. Corrections change metadata only: no chunk is re-embedded.
"""
from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path, PurePath

from rag import library
from rag.index.store import document_metadata
from rag.types import Document

USER = {"source": "user", "confidence": "high"}


class LibraryOps:
    """Needs self.catalog, self.store, self.sentences, self.facts, self.database, self.writer, self.settings,
    self._load_lexical, self.rebuild_lexical, self.update_lexical."""

    def find_document(self, ref: str) -> tuple[Document, int]:
        """(document, chunk count) for a path, display name, file name or doc_id."""
        docs = self.documents()
        doc = library.find([d for d, _ in docs], ref)
        return next((d, n) for d, n in docs if d.doc_id == doc.doc_id)

    def set_metadata(self, ref: str, **changes) -> tuple[Document, dict]:
        """Correct a report's metadata (year, region, doc_type, title, issuer): writes the sidecar and
        updates catalog, chunk metadata, facts and lexical filters. Returns (document, changed fields)."""
        wanted = library.validate(changes)
        with self.writer.hold():
            doc, chunks = self.find_document(ref)
            changed = library.changed_fields(doc, wanted)
            if not changed:
                return doc, {}
            library.write_sidecar(doc, changed)
            provenance = {**doc.provenance, **{key: dict(USER) for key in changed}}
            corrected = replace(doc, **changed, provenance=provenance)
            self._relabel(doc, corrected, chunks)
        return corrected, changed

    def remove(self, refs: list[str] | str) -> list[Document]:
        """Remove reports from every store in one step. All names are checked first: an unknown
        name removes nothing."""
        with self.writer.hold():
            docs = [d for d, _ in self.documents()]
            targets: dict[str, Document] = {}
            for ref in [refs] if isinstance(refs, str) else refs:
                doc = library.find(docs, ref)
                targets[doc.doc_id] = doc
            for doc in targets.values():
                self._forget(doc)
                self._drop_upload(doc)
            self._refresh_names()
            self.update_lexical(set(targets))  # their rows become tombstones: no rebuild
        return list(targets.values())

    # ---- shared steps -------------------------------------------------------------------
    def _relabel(self, old: Document, new: Document, chunks: int) -> None:
        """Write a document's new metadata to every store without touching its vectors."""
        fingerprint = self.settings.index_fingerprint
        ids = self.store.update_metadata(new.doc_id, document_metadata(new))
        lexical = self._load_lexical()
        if lexical is not None and (old.region, old.year) != (new.region, new.year):
            if lexical.relabel(ids, new.region, new.year) == len(ids):
                lexical.save_rows(self.settings.lexical_dir)
            else:  # the saved index does not hold this document's chunks: rebuild it from Chroma
                self.rebuild_lexical()
        with self.database.write():  # facts and catalog row change together
            self.facts.relabel(fingerprint, new.doc_id, new.region, new.year)
            self.catalog.put(new, fingerprint, chunks)

    def _forget(self, doc: Document) -> None:
        fingerprint = self.settings.index_fingerprint
        with self.database.write():  # catalog row first: a crash after it leaves orphans `check` drops
            self.facts.delete(fingerprint, doc.doc_id)
            self.catalog.delete(doc.doc_id, fingerprint)
        self.store.delete_document(doc.doc_id)
        self.sentences.delete_document(doc.doc_id)

    def _name_for(self, path: Path) -> str:
        """Display name for a new file among the indexed ones (only files of the same name matter)."""
        resolved = str(path.resolve())
        name = PurePath(resolved).name
        paths = [p for _, p, _, _ in self.catalog.entries(self.settings.index_fingerprint)
                 if PurePath(p).name == name] + [resolved]
        return library.display_names(paths)[resolved]

    def _refresh_names(self) -> dict[str, str]:
        """Give every indexed report its shortest unique display name; returns {old: new} renames.
        Names come from paths alone (catalog.entries), so only a renamed report is read in full."""
        fingerprint = self.settings.index_fingerprint
        entries = self.catalog.entries(fingerprint)
        names = library.display_names([p for _, p, _, _ in entries])
        renamed = {}
        for doc_id, path, source, _ in entries:
            name = names.get(path, source)
            if name != source:
                doc, chunks = self.catalog.get(doc_id, fingerprint)
                renamed[source] = name
                self._relabel(doc, replace(doc, source=name), chunks)
        return renamed

    @property
    def uploads_dir(self) -> Path:
        return self.settings.data_dir / "uploads"

    def keep_upload(self, path: Path, sha1: str) -> Path:
        """Copy an uploaded file into DATA_DIR/uploads/<sha1[:8]>/ so it (and its sidecar) outlives
        the upload's temporary file; the same file uploaded twice lands on the same path."""
        target = self.uploads_dir / sha1[:8] / path.name
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists():
            shutil.copyfile(path, target)
        return target

    def _drop_upload(self, doc: Document) -> None:
        """A removed report that only lived in the uploads folder goes with its sidecar."""
        path = Path(doc.path)
        if self.uploads_dir.resolve() not in path.parents:
            return
        for file in (path, path.with_name(path.name + ".meta.json")):
            file.unlink(missing_ok=True)
        if path.parent.exists() and not any(path.parent.iterdir()):
            path.parent.rmdir()
