"""Keeping the stores of one data dir whole: one writer at a time, and a check that compares Chroma,
the lexical index, the catalog and the facts (ids and counts) and repairs what disagrees.

Ingest writes Chroma first and the catalog row with its facts last (one transaction), so a crash
leaves at worst chunks without a catalog row (orphans, dropped), a catalog row whose chunks are
incomplete (re-ingested) or a lexical index that no longer matches Chroma (rebuilt from Chroma).
"""
from __future__ import annotations

import fcntl
import logging
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from rag.errors import RagError
from rag.index.lexical import LexicalIndex

log = logging.getLogger(__name__)


class WriterLock:
    """One writer per data dir: a re-entrant thread lock inside the process and fcntl.flock on
    DATA_DIR/ingest.lock across processes. A second writer waits up to `timeout` seconds, then
    fails with one line."""

    def __init__(self, path: Path, timeout: float) -> None:
        self.path, self.timeout = path, timeout
        self._thread_lock = threading.RLock()
        self._depth = 0
        self._file = None

    @contextmanager
    def hold(self) -> Iterator[None]:
        with self._thread_lock:
            if self._depth == 0:
                self._file = self._acquire()
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
                if self._depth == 0:
                    self._file.close()  # closing the descriptor releases the flock
                    self._file = None

    def _acquire(self):
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle = open(self.path, "a+")
        except OSError as err:
            raise RagError(f"数据目录不可写 {self.path.parent}: {err.strerror or err}") from err
        deadline, told = time.monotonic() + self.timeout, False
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return handle
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    handle.close()
                    raise RagError(f"另一个导入正在写入 {self.path.parent}: 等待 {self.timeout:g} 秒后放弃 "
                                   "(RAG_LOCK_TIMEOUT 可调)") from None
                if not told:
                    log.warning("另一个导入正在写入 %s, 等待它结束…", self.path.parent)
                    told = True
                time.sleep(0.2)


@dataclass
class CheckReport:
    documents: int = 0
    chunks: int = 0
    lexical_rows: int = 0
    repairs: list[str] = field(default_factory=list)  # one line per problem found (and repaired)
    reingest: list[Path] = field(default_factory=list)  # catalogued files whose chunks were incomplete
    reingested: object = None  # the IngestReport of ingesting them again (Pipeline.check)


def check(pipeline, repair: bool = True) -> CheckReport:
    """Compare the stores; with `repair`, drop orphans, forget incomplete documents (their files are
    returned in `reingest`) and rebuild the lexical index from Chroma when its ids differ."""
    fingerprint = pipeline.settings.index_fingerprint
    catalog = {doc.doc_id: (doc, chunks) for doc, chunks in pipeline.documents()}
    in_chroma: Counter = Counter()
    chunk_ids: set[str] = set()
    for ids, _, metas in pipeline.store.all_chunks():
        chunk_ids.update(ids)
        in_chroma.update(m.get("doc_id", "") for m in metas)
    report = CheckReport(documents=len(catalog))
    for doc_id in sorted(set(in_chroma) - set(catalog)):
        report.repairs.append(f"向量库中有 {in_chroma[doc_id]} 个段落不属于任何已导入的报告 (doc_id {doc_id}): 删除")
        if repair:
            pipeline.store.delete_document(doc_id)
    for doc_id, (doc, chunks) in catalog.items():
        if in_chroma.get(doc_id, 0) != chunks:
            exists = Path(doc.path).exists()
            report.repairs.append(f"{doc.source}: 目录记录 {chunks} 个段落, 向量库中有 {in_chroma.get(doc_id, 0)} 个: "
                                  + ("重新导入" if exists else "原文件已不在, 从目录删除"))
            if repair:
                pipeline._forget(doc)
                if exists:
                    report.reingest.append(Path(doc.path))
    for doc_id in sorted(pipeline.facts.doc_ids(fingerprint) - set(catalog)):
        report.repairs.append(f"指标表中有不属于任何报告的记录 (doc_id {doc_id}): 删除")
        if repair:
            pipeline.facts.delete(fingerprint, doc_id)
    if repair:
        chunk_ids = {i for ids, _, _ in pipeline.store.all_chunks() for i in ids}
    lexical = LexicalIndex.load(pipeline.settings.lexical_dir)
    lexical_ids = lexical.ids if lexical is not None else None
    missing = lexical_ids is None and bool(chunk_ids)
    if missing or (lexical_ids is not None and (len(lexical_ids) != len(chunk_ids) or set(lexical_ids) != chunk_ids)):
        have = "不存在" if lexical_ids is None else f"有 {len(lexical_ids)} 个段落"
        report.repairs.append(f"检索索引{have}, 向量库有 {len(chunk_ids)} 个: 从向量库重建")
        if repair:
            lexical = pipeline.rebuild_lexical()
    report.chunks, report.lexical_rows = len(chunk_ids), len(lexical.rows) if lexical else 0
    report.documents = len(catalog)
    return report
