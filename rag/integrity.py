"""Keeping the stores of one data dir whole: one writer at a time, and a check that compares Chroma,
the lexical index, the catalog and the facts (ids and counts) and repairs what disagrees.

Ingest writes Chroma first and the catalog row with its facts last (one transaction), so a crash
leaves at worst chunks without a catalog row (orphans, dropped), a catalog row whose chunks are
incomplete (re-ingested) or a lexical index that no longer matches Chroma (rebuilt from Chroma).

The full check reads every chunk id, so it costs the corpus's size. Before each write, ingest runs it
only when it can matter: the writer lock records in DATA_DIR/writer.state whether the last writer
finished (`clean`) or not (`dirty`: killed, or an error after it began writing); after a clean finish
`quick_check` compares the totals (catalog chunk counts, Chroma's count, the lexical index's rows per
document) and any disagreement, or a lexical index that cannot be read, runs the full check.
`rag check` and `rag serve` always run the full check.
"""
from __future__ import annotations

import fcntl
import logging
import os
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
        self.state = path.with_name("writer.state")  # "clean" once the last writer finished, else "dirty"
        self.last_clean = False  # whether the writer before this one finished (read when the lock is taken)
        self._failed = False
        self._thread_lock = threading.RLock()
        self._depth = 0
        self._file = None

    @contextmanager
    def hold(self) -> Iterator[None]:
        with self._thread_lock:
            if self._depth == 0:
                self._file = self._acquire()
                self.last_clean, self._failed = self._read_state() == "clean", False
                try:
                    self._write_state("dirty")  # on disk before anything is written: a kill leaves it
                except OSError as err:
                    self._file.close()
                    self._file = None
                    raise RagError(f"数据目录不可写 {self.path.parent}: {err.strerror or err}") from err
            self._depth += 1
            try:
                yield
            except BaseException:
                self._failed = True
                raise
            finally:
                self._depth -= 1
                if self._depth == 0:
                    try:
                        if not self._failed:
                            self._write_state("clean")
                    finally:
                        self._file.close()  # closing the descriptor releases the flock
                        self._file = None

    def taint(self) -> None:
        """This writer failed after it began writing (and went on): the next one runs the full check."""
        self._failed = True

    def _read_state(self) -> str:
        try:
            return self.state.read_text(encoding="utf-8").strip()
        except OSError:  # never written (a data dir from before the state file): not known clean
            return ""

    def _write_state(self, value: str) -> None:
        temp = self.state.with_name(f".{self.state.name}.tmp")
        with open(temp, "w", encoding="utf-8") as out:
            out.write(value)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, self.state)

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


def quick_check(pipeline) -> bool:
    """True when the totals agree: Chroma's chunk count and the lexical index's rows per document
    equal the catalog's chunk counts. Reads no chunk id; what a finished writer always leaves."""
    expected = {doc_id: n for doc_id, _, _, n in pipeline.catalog.entries(pipeline.settings.index_fingerprint) if n}
    total = sum(expected.values())
    if pipeline.store.count() != total:
        return False
    lexical = pipeline._load_lexical()
    if lexical is None or lexical.version != LexicalIndex.version_on_disk(pipeline.settings.lexical_dir):
        return total == 0 and lexical is None
    return lexical.n == total and lexical.doc_counts() == expected


def check(pipeline, repair: bool = True) -> CheckReport:
    """Compare the stores; with `repair`, drop orphans, forget incomplete documents (their files are
    returned in `reingest`) and rebuild the lexical index from Chroma when its ids differ or it
    cannot be read."""
    fingerprint = pipeline.settings.index_fingerprint
    catalog = {doc_id: (path, source, chunks) for doc_id, path, source, chunks in pipeline.catalog.entries(fingerprint)}
    in_chroma: Counter = Counter()
    chunk_ids: set[str] = set()
    for ids, doc_ids in pipeline.store.chunk_owners():
        chunk_ids.update(ids)
        in_chroma.update(doc_ids)
    report = CheckReport(documents=len(catalog))
    for doc_id in sorted(set(in_chroma) - set(catalog)):
        report.repairs.append(f"向量库中有 {in_chroma[doc_id]} 个段落不属于任何已导入的报告 (doc_id {doc_id}): 删除")
        if repair:
            pipeline.store.delete_document(doc_id)
    for doc_id, (path, source, chunks) in catalog.items():
        if in_chroma.get(doc_id, 0) != chunks:
            exists = Path(path).exists()
            report.repairs.append(f"{source}: 目录记录 {chunks} 个段落, 向量库中有 {in_chroma.get(doc_id, 0)} 个: "
                                  + ("重新导入" if exists else "原文件已不在, 从目录删除"))
            if repair:
                pipeline._forget(pipeline.catalog.get(doc_id, fingerprint)[0])
                if exists:
                    report.reingest.append(Path(path))
    for doc_id in sorted(pipeline.facts.doc_ids(fingerprint) - set(catalog)):
        report.repairs.append(f"指标表中有不属于任何报告的记录 (doc_id {doc_id}): 删除")
        if repair:
            pipeline.facts.delete(fingerprint, doc_id)
    if repair:
        chunk_ids = {i for ids, _ in pipeline.store.chunk_owners() for i in ids}
    lexical = LexicalIndex.load(pipeline.settings.lexical_dir)
    lexical_ids = lexical.ids if lexical is not None else None
    missing = lexical_ids is None and bool(chunk_ids)
    if missing or (lexical_ids is not None and (len(lexical_ids) != len(chunk_ids) or set(lexical_ids) != chunk_ids)):
        unreadable = lexical is None and LexicalIndex.version_on_disk(pipeline.settings.lexical_dir) is not None
        have = "无法读取" if unreadable else "不存在" if lexical_ids is None else f"有 {len(lexical_ids)} 个段落"
        report.repairs.append(f"检索索引{have}, 向量库有 {len(chunk_ids)} 个: 从向量库重建")
        if repair:
            lexical = pipeline.rebuild_lexical()
    report.chunks, report.lexical_rows = len(chunk_ids), lexical.n if lexical else 0
    report.documents = len(catalog)
    return report
