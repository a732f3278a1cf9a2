"""The pipeline the CLI and the UI share: ingest, search, documents. Components load lazily."""
from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

from rag import facts, faults, retrieve
from rag.errors import IndexMissing, InputError, RagError
from rag.facts import FactStore
from rag.index.catalog import Catalog, Database
from rag.index.lexical import LexicalIndex
from rag.index.sentences import SentenceVectors, document_sentences
from rag.index.store import Store, chunk_metadata
from rag.ingest import doc_id_for, file_sha1, load_document
from rag.ingest.chunk import chunk_document
from rag.ingest.load import SUPPORTED, find_files
from rag.integrity import CheckReport, WriterLock, check, quick_check
from rag.manage import LibraryOps
from rag.progress import Steps, quiet
from rag.settings import Settings, load_settings
from rag.types import Document, Passage

log = logging.getLogger(__name__)


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (path, message)
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (path, source of the identical report)
    chunks: int = 0

    def rename(self, renamed: dict[str, str]) -> None:
        """Follow display names that changed at the end of the batch (a second index.html arrived)."""
        for names in (self.added, self.updated, self.unchanged):
            names[:] = [renamed.get(n, n) for n in names]
        self.duplicates = [(path, renamed.get(n, n)) for path, n in self.duplicates]


@dataclass
class SearchResult:
    plan: retrieve.QueryPlan
    passages: list[Passage]


class Pipeline(LibraryOps):
    """Ingest, search and the document library (corrections and removals: rag/manage.py)."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or load_settings()
        self._lexical: LexicalIndex | None = None
        self._touched: set[str] = set()  # documents whose chunks this ingest replaced or removed
        self._writing = False  # the file at hand has begun writing to the stores
        self.writer = WriterLock(self.settings.data_dir / "ingest.lock", self.settings.lock_timeout)

    @cached_property
    def database(self) -> Database:
        return Database(self.settings.catalog_path)

    @cached_property
    def catalog(self) -> Catalog:
        return Catalog(self.database)

    @cached_property
    def facts(self) -> FactStore:
        return FactStore(self.database)

    @cached_property
    def store(self) -> Store:
        try:
            return Store(self.settings)
        except OSError as err:
            raise RagError(f"数据目录不可写 {self.settings.data_dir}: {err.strerror or err}") from err

    @cached_property
    def sentences(self) -> SentenceVectors:
        return SentenceVectors(self.settings.data_dir / f"sentences_{self.settings.index_fingerprint}.sqlite")

    @cached_property
    def embedder(self):
        from rag.index.embed import Embedder

        return Embedder(self.settings.embed_model, self.settings.models_dir)

    # ---- ingest -------------------------------------------------------------------------
    def ingest(self, paths: list[Path], progress: Callable[[int, int, str], None] | None = None,
               steps: Steps | None = None) -> IngestReport:
        """Ingest files/directories. A file is identified by its path: unchanged files are skipped,
        edited files replace their chunks, byte-identical copies of an indexed file are reported in
        `duplicates` and not indexed again. A file that cannot be read is reported in `failed` and
        the others are still ingested. One writer per data dir; the stores are checked (and repaired,
        see rag/integrity.py) first, so a run after a crash ends with the index a clean run builds.
        `progress(number, total, name)` hears each file start, `steps(step, done, of)` each step of
        the file at hand: reading, cleaning, …, embedding k of n texts (rag/progress.py)."""
        report = IngestReport()
        files = find_files(paths)
        if not files:
            raise InputError(f"没有找到可导入的报告文件 ({' '.join(sorted(SUPPORTED))}): {' '.join(map(str, paths))}")
        with self.writer.hold():
            if not (self.writer.last_clean and quick_check(self)):  # see rag/integrity.py
                self.check()
            reindexed, self._touched = False, set()
            for number, path in enumerate(files, 1):
                if progress:
                    progress(number, len(files), path.name)
                self._writing = False
                try:
                    reindexed |= self._ingest_one(path, report, steps or quiet)
                except Exception as err:  # noqa: BLE001  one broken file never stops the batch
                    if not isinstance(err, RagError):
                        log.exception("ingest failed: %s", path)
                    report.failed.append((str(path), str(err) if isinstance(err, RagError)
                                          else f"无法导入 {path}: {type(err).__name__}: {err}"))
                    if self._writing:  # it failed between its first write and its catalog row
                        self.writer.taint()
            report.rename(self._refresh_names())
            faults.point("catalogued")
            if self._load_lexical() is None:
                self.rebuild_lexical()
            elif reindexed or self._touched:
                self.update_lexical(self._touched)
        return report

    def check(self, repair: bool = True) -> CheckReport:
        """Compare Chroma, lexical, catalog and facts and repair what disagrees (rag/integrity.py);
        reports whose chunks were incomplete are ingested again from their files. Ingest runs it
        first only when the last writer did not finish or the totals disagree (`quick_check`)."""
        with self.writer.hold():
            health = check(self, repair)
            if repair and health.reingest:
                health.reingested = self.ingest(health.reingest)
            return health

    def ingest_uploads(self, files: list[Path], progress: Callable[[int, int, str], None] | None = None,
                       steps: Steps | None = None) -> IngestReport:
        """Ingest uploaded files from a kept copy under DATA_DIR/uploads (see keep_upload)."""
        if len(files) > self.settings.max_upload_files:
            raise InputError(f"一次最多上传 {self.settings.max_upload_files} 个文件, 收到 {len(files)} 个")
        kept = [self.keep_upload(p, file_sha1(p)) if p.suffix.lower() in SUPPORTED and not self._too_big(p) else p
                for p in files]
        return self.ingest(kept, progress, steps)

    def _too_big(self, path: Path) -> str | None:
        """Why a file exceeds the size limit, or None."""
        size, limit = path.stat().st_size, self.settings.max_file_mb
        if size > limit * 1024 * 1024:
            return f"文件太大 ({size / 1024 / 1024:.1f} MB, 上限 {limit:g} MB, 见 RAG_MAX_FILE_MB): {path}"
        return None

    def _ingest_one(self, path: Path, report: IngestReport, steps: Steps) -> bool:
        """Ingest one file; True if chunks were (re)indexed."""
        fingerprint = self.settings.index_fingerprint
        if path.is_file() and (too_big := self._too_big(path)):
            raise InputError(too_big)
        known = self.catalog.get(doc_id_for(path), fingerprint)
        if known is None:
            twin = self.catalog.with_sha1(file_sha1(path), fingerprint)
            if twin is not None and Path(twin.path).exists():
                report.duplicates.append((str(path), twin.source))
                return False
            if twin is not None:  # the indexed file moved here: index it under its new path
                self._writing = True
                self._forget(twin)
                self._touched.add(twin.doc_id)
        doc = load_document(path, known[0].source if known else self._name_for(path), steps)
        if known:
            old, chunk_count = known
            _keep_user_corrections(old, doc)
            if (old.text, old.flags) == (doc.text, doc.flags):
                if old.meta() == doc.meta():
                    report.unchanged.append(doc.source)
                else:  # same text, other metadata (an edited sidecar): no re-embedding
                    self._relabel(old, doc, chunk_count)
                    report.updated.append(doc.source)
                return False
        steps("chunk", 0, 0)
        chunks = chunk_document(doc, self.settings.chunk_max_chars)
        vectors, sentences, sentence_vectors = self._embed(doc, chunks, steps)
        faults.point("embedded")
        steps("store", 0, 0)
        self._writing = True
        self.store.replace_document(doc.doc_id, chunks, vectors, [chunk_metadata(c, doc) for c in chunks])
        self.sentences.replace_document(doc.doc_id, sentences, sentence_vectors)
        faults.point("stored")
        steps("facts", 0, 0)
        found = facts.extract(doc, chunks)
        with self.database.write():  # the catalog row and its facts: both or neither, after every vector
            self.facts.replace(fingerprint, doc.doc_id, found)
            faults.point("facts-written")
            self.catalog.put(doc, fingerprint, len(chunks))
        self._writing = False
        (report.updated if known else report.added).append(doc.source)
        report.chunks += len(chunks)
        self._touched.add(doc.doc_id)
        return True

    def _embed(self, doc: Document, chunks: list, steps: Steps) -> tuple:
        """Chunk vectors and the vectors of the chunks' sentences (what answering scores), encoded
        together so the batches stay full, 8 batches per call so a big file reports k of n."""
        import numpy as np

        sentences = document_sentences(chunks)
        texts = [embed_text(doc, c.heading, c.text) for c in chunks] + [s for _, s in sentences]
        size, parts = self.settings.embed_batch * 8, []
        for start in range(0, max(len(texts), 1), size):
            steps("embed", start, len(texts))
            parts.append(self.embedder.passages(texts[start:start + size], self.settings.embed_batch))
            faults.point("embedding")
        steps("embed", len(texts), len(texts))
        vectors = parts[0] if len(parts) == 1 else np.concatenate(parts)
        return vectors[:len(chunks)], sentences, vectors[len(chunks):]

    def rebuild_lexical(self) -> LexicalIndex:
        """Rebuild the lexical index from Chroma (under the writer lock: never two builds at once)."""
        with self.writer.hold():
            ids, texts, metas = [], [], []
            for page_ids, page_docs, page_metas in self.store.all_chunks():
                ids += page_ids
                metas += page_metas
                texts += [f"{m['heading']}\n{d}" for d, m in zip(page_docs, page_metas)]
            index = LexicalIndex.build(ids, texts, metas)
            index.save(self.settings.lexical_dir)
            self._lexical = index
            return index

    def update_lexical(self, doc_ids: set[str]) -> LexicalIndex:
        """Bring the lexical index up to date with these documents' chunks in Chroma: one new
        segment, their old rows tombstoned (rag/index/lexical.py); rebuilt from Chroma when the
        result would not hold exactly Chroma's chunk count."""
        with self.writer.hold():
            current = self._load_lexical()
            if current is None:
                return self.rebuild_lexical()
            ids, texts, metas = self.store.chunks_of(sorted(doc_ids))
            index = current.add(ids, [f"{m['heading']}\n{d}" for d, m in zip(texts, metas)], metas, doc_ids)
            if index.n != self.store.count():
                return self.rebuild_lexical()
            index.save(self.settings.lexical_dir)
            self._lexical = index
            return index

    def _load_lexical(self) -> LexicalIndex | None:
        """The saved lexical index; loaded again when another process saved a newer version."""
        current = LexicalIndex.version_on_disk(self.settings.lexical_dir)
        if self._lexical is None or (current and current != self._lexical.version):
            self._lexical = LexicalIndex.load(self.settings.lexical_dir) or self._lexical
        return self._lexical

    @property
    def lexical(self) -> LexicalIndex:
        index = self._load_lexical()
        if index is None or (not index.n and self.store.count()):  # n, not rows: a list of every row
            index = self.rebuild_lexical()  # missing or stale: rebuilt from Chroma
        return index

    def similarity(self, question: str, sentences: list[str]) -> list[float]:
        """Cosine between the question and each sentence. Sentence vectors come from ingest (see
        rag/index/sentences.py); a sentence the index does not hold (an index built before they
        were stored) is embedded once and kept in a bounded cache."""
        import numpy as np

        vectors = self.sentences.get(list(dict.fromkeys(sentences)))
        todo = [s for s in dict.fromkeys(sentences) if s not in vectors]
        vectors.update(self._unstored.get(todo, lambda texts: self.embedder.passages(texts, self.settings.embed_batch)))
        query = self.query_vector(question)
        return [float(np.dot(vectors[s], query)) for s in sentences]

    def query_vector(self, question: str):
        """The question's embedding; a question is scored by search and by the answerer, embedded once."""
        return self._queries.get([question], lambda texts: [self.embedder.query(texts[0])])[question]

    @cached_property
    def _unstored(self) -> "BoundedCache":
        return BoundedCache(4096)

    @cached_property
    def _queries(self) -> "BoundedCache":
        return BoundedCache(64)

    # ---- read side ----------------------------------------------------------------------
    def documents(self) -> list[tuple[Document, int]]:
        """The indexed reports, read from the catalog only when it changed (each question asks
        two or three times, and a read decodes every report's full text and flags)."""
        return [(replace(doc, provenance=dict(doc.provenance)), n) for doc, n in self._documents_read()[1]]

    def _documents_read(self) -> tuple:
        """(catalog version, documents as read): shared, not to be changed (documents() copies)."""
        version = self.catalog.db.version()
        memo = self.__dict__.get("_documents")
        if memo is None or memo[0] != version:
            memo = self.__dict__["_documents"] = (version, self.catalog.documents(self.settings.index_fingerprint))
        return memo

    def coverage(self) -> retrieve.Coverage:
        """The (region, year) pairs the index holds, computed again only when the catalog changed
        (every question asks; at 3,049 reports copying the documents and reading them took ~75 ms)."""
        version, docs = self._documents_read()
        memo = self.__dict__.get("_coverage")
        if memo is None or memo[0] != version:
            memo = self.__dict__["_coverage"] = (version, retrieve.Coverage.of(d for d, _ in docs))
        return memo[1]

    def search(self, question: str, k: int = 10, regions: list[str] | None = None,
               years: list[int] | None = None, mode: str = "hybrid") -> SearchResult:
        """Retrieve the k best passages. mode: hybrid | dense | lexical."""
        if not question.strip():
            raise InputError("问题不能为空")
        if len(question) > self.settings.max_question_chars:
            raise InputError(f"问题太长 ({len(question)} 字): 最多 {self.settings.max_question_chars} 字, 请缩短后再问")
        if self.store.count() == 0:
            raise IndexMissing("索引是空的: 请先运行 `rag ingest` 导入报告")
        plan = retrieve.analyse(question, self.coverage(), regions, years)
        pool = self.settings.candidates
        rankings: dict[str, list[str]] = {}
        dense: dict[str, Passage] = {}
        if mode in ("hybrid", "dense"):
            where = retrieve.where_clause(plan.regions, plan.year_filter, plan.doc_filter)
            dense = {p.chunk_id: p for p in self.store.query(self.query_vector(question), pool, where)}
            rankings["dense"] = list(dense)
        if mode in ("hybrid", "lexical"):
            hits = self.lexical.search(question, pool, plan.regions, plan.year_filter, plan.doc_filter)
            rankings["lexical"] = [chunk_id for chunk_id, _ in hits]
        weights = {"dense": self.settings.dense_weight, "lexical": self.settings.lexical_weight}
        fused = retrieve.fuse(rankings, weights, self.settings.rrf_k)[:k]
        missing = [i for i, _ in fused if i not in dense]
        found = {**dense, **self.store.get(missing)}
        passages = []
        for chunk_id, score in fused:
            if chunk_id in found:
                found[chunk_id].score = round(score, 6)
                passages.append(found[chunk_id])
        retrieve.attach_ranks(passages, rankings)
        return SearchResult(plan, passages)


def _keep_user_corrections(old: Document, new: Document) -> None:
    """A field the user corrected keeps saying so while its value stands (the sidecar holds it)."""
    for key, origin in old.provenance.items():
        if origin.get("source") == "user" and getattr(old, key, None) == getattr(new, key, None):
            new.provenance[key] = dict(origin)


def embed_text(doc: Document, heading: str, text: str) -> str:
    """What the dense model sees: the chunk with its region, year and heading path as context."""
    year = f"{doc.year}年" if doc.year else ""
    return f"{doc.region}{year} {heading}\n{text}".strip()


class BoundedCache:
    """Vectors by text, least recently used dropped past `size`."""

    def __init__(self, size: int) -> None:
        self.size, self.items = size, OrderedDict()

    def get(self, texts: list[str], compute: Callable[[list[str]], list]) -> dict:
        todo = [t for t in texts if t not in self.items]
        if todo:
            self.items.update(zip(todo, compute(todo)))
        found = {}
        for text in texts:
            self.items.move_to_end(text)
            found[text] = self.items[text]
        while len(self.items) > self.size:
            self.items.popitem(last=False)
        return found
