"""Adding a report reads what it touches, not the whole corpus, and still finds what went wrong.

After a writer finished cleanly, ingest compares totals only (rag/integrity.py `quick_check`); the
full check (every chunk id) runs when the last writer did not finish, or when the totals disagree:
a chunk deleted behind the index's back, a damaged lexical segment. No model: a stub embedder.
"""
from __future__ import annotations

import shutil
import zlib
from pathlib import Path

import numpy as np
import pytest

from rag import integrity
from rag.index.catalog import Catalog
from rag.index.lexical import LexicalIndex
from rag.index.store import Store
from rag.pipeline import Pipeline
from rag.settings import Settings
from tests.conftest import SEEDS


class StubEmbedder:
    """Deterministic unit vectors: the integrity of the stores does not depend on what they mean."""

    def passages(self, texts, batch_size=32):
        rows = [np.random.default_rng(zlib.crc32(t.encode())).standard_normal(384) for t in texts]
        out = np.array(rows, dtype=np.float32).reshape(len(texts), 384)
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)

    def query(self, text):
        return self.passages([text])[0]


def _pipeline(data: Path) -> Pipeline:
    pipeline = Pipeline(Settings(data_dir=data))
    pipeline.__dict__["embedder"] = StubEmbedder()
    return pipeline


def _state(pipeline: Pipeline) -> dict:
    lexical = LexicalIndex.load(pipeline.settings.lexical_dir)
    return {"chunks": sorted(i for ids, _ in pipeline.store.chunk_owners() for i in ids),
            "catalog": sorted((d.doc_id, n) for d, n in pipeline.documents()),
            "lexical": sorted(lexical.ids) if lexical else None}


@pytest.fixture
def reports(tmp_path) -> list[Path]:
    folder = tmp_path / "reports"
    folder.mkdir()
    names = sorted(p.name for p in SEEDS.glob("*.txt"))[:3]
    for name in names:
        shutil.copy(SEEDS / name, folder / name)
    return [folder / n for n in names]


@pytest.fixture
def counted(monkeypatch) -> dict:
    """How often the corpus-wide reads run: the full check, every chunk id, every report's text."""
    calls = {"check": 0, "chunk_owners": 0, "documents": 0}
    for owner, name in ((integrity, "check"), (Store, "chunk_owners"), (Catalog, "documents")):
        original = getattr(owner, name)

        def counting(*args, _original=original, _name=name, **kwargs):
            calls[_name] += 1
            return _original(*args, **kwargs)

        monkeypatch.setattr(owner, name, counting)
    import rag.pipeline

    monkeypatch.setattr(rag.pipeline, "check", integrity.check)
    return calls


def test_after_a_clean_write_adding_a_report_reads_no_other_report(tmp_path, reports, counted):
    pipeline = _pipeline(tmp_path / "data")
    pipeline.ingest(reports[:2])
    assert counted["check"] == 1  # a new data dir: not known clean, checked in full
    counted.update(check=0, chunk_owners=0, documents=0)
    fresh = _pipeline(tmp_path / "data")  # as `rag ingest FILE` opens it
    fresh.ingest([reports[2]])
    assert counted == {"check": 0, "chunk_owners": 0, "documents": 0}
    assert fresh.check(repair=False).repairs == []
    assert len(fresh.lexical.doc_counts()) == 3


def test_a_writer_that_did_not_finish_makes_the_next_one_check_everything(tmp_path, reports, counted, monkeypatch):
    pipeline = _pipeline(tmp_path / "data")
    pipeline.ingest(reports[:1])
    clean = tmp_path / "clean"
    _pipeline(clean).ingest(reports[:2])

    def broken(*args, **kwargs):
        raise OSError("disk full")

    with monkeypatch.context() as patch:  # B's chunks are in Chroma, then its sentences fail
        patch.setattr(pipeline.sentences, "replace_document", broken)
        report = pipeline.ingest(reports[1:2])
    assert report.failed and (tmp_path / "data" / "writer.state").read_text() == "dirty"
    counted["check"] = 0
    again = _pipeline(tmp_path / "data").ingest(reports[1:2])
    assert counted["check"] == 1 and not again.failed  # the orphan chunks were found and dropped
    assert _state(_pipeline(tmp_path / "data")) == _state(_pipeline(clean))
    assert (tmp_path / "data" / "writer.state").read_text() == "clean"


def test_a_chunk_deleted_behind_the_index_is_found_by_the_next_ingest(tmp_path, reports, counted):
    pipeline = _pipeline(tmp_path / "data")
    pipeline.ingest(reports[:2])
    clean = tmp_path / "clean"
    _pipeline(clean).ingest(reports[:2])
    _pipeline(clean).ingest(reports[2:])
    first = next(d for d, _ in pipeline.documents() if Path(d.path) == reports[0])
    pipeline.store.collection.delete(ids=pipeline.store.chunk_ids(first.doc_id)[:2])  # no writer: state says clean
    counted["check"] = 0
    _pipeline(tmp_path / "data").ingest(reports[2:])
    assert counted["check"] == 1  # the totals disagreed: the full check re-ingested the report
    assert _state(_pipeline(tmp_path / "data")) == _state(_pipeline(clean))


@pytest.mark.parametrize("damage", ["truncate counts", "garble vocab"])
def test_a_damaged_lexical_segment_is_rebuilt_by_the_next_ingest(tmp_path, reports, counted, damage):
    pipeline = _pipeline(tmp_path / "data")
    pipeline.ingest(reports[:2])
    segments = sorted((pipeline.settings.lexical_dir / "segments").iterdir())
    if damage == "truncate counts":
        target = segments[0] / "counts.npz"
        target.write_bytes(target.read_bytes()[:100])
    else:
        (segments[0] / "vocab.json").write_text('["法治", ', encoding="utf-8")
    assert LexicalIndex.load(pipeline.settings.lexical_dir) is None
    assert any("检索索引无法读取" in line for line in _pipeline(tmp_path / "data").check(repair=False).repairs)
    counted["check"] = 0
    fresh = _pipeline(tmp_path / "data")
    fresh.ingest(reports[2:])
    assert counted["check"] == 1
    assert sorted(LexicalIndex.load(pipeline.settings.lexical_dir).ids) == _state(fresh)["chunks"]
    assert fresh.check(repair=False).repairs == []


def test_a_lexical_index_missing_a_report_is_found_by_the_next_ingest(tmp_path, reports, counted):
    pipeline = _pipeline(tmp_path / "data")
    pipeline.ingest(reports[:2])
    first = next(d for d, _ in pipeline.documents() if Path(d.path) == reports[0])
    pipeline.lexical.remove({first.doc_id}).save(pipeline.settings.lexical_dir)  # behind the writer's back
    counted["check"] = 0
    fresh = _pipeline(tmp_path / "data")
    fresh.ingest(reports[2:])
    assert counted["check"] == 1
    assert sorted(fresh.lexical.ids) == _state(fresh)["chunks"] and len(fresh.lexical.doc_counts()) == 3


def test_a_second_file_of_the_same_name_renames_the_first_without_reading_every_report(tmp_path, counted):
    for city in ("a", "b"):
        (tmp_path / city).mkdir()
        shutil.copy(sorted(SEEDS.glob("*.txt"))[0 if city == "a" else 1], tmp_path / city / "index.txt")
    pipeline = _pipeline(tmp_path / "data")
    pipeline.ingest([tmp_path / "a" / "index.txt"])
    counted["documents"] = 0
    report = _pipeline(tmp_path / "data").ingest([tmp_path / "b" / "index.txt"])
    assert report.added == ["b/index.txt"] and counted["documents"] == 0
    assert sorted(d.source for d, _ in pipeline.documents()) == ["a/index.txt", "b/index.txt"]
