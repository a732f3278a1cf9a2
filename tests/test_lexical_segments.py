"""The segmented lexical index scores as one built at once, adds without rewriting old segments,
tombstones replaced documents, merges, and survives a crash mid-save (no model needed)."""
from __future__ import annotations

import pytest

from rag import faults
from rag.index import lexical
from rag.index.lexical import LexicalIndex
from tests.conftest import SEEDS

QUERIES = ["行政复议案件纠错率", "法律援助案件", "执法人员培训考试", "2022年行政诉讼败诉率", "法治宣传教育"]


def _corpus() -> tuple[list[str], list[str], list[dict]]:
    ids, texts, metas = [], [], []
    for number, path in enumerate(sorted(SEEDS.glob("*.txt"))):
        paragraphs = [p for p in path.read_text(encoding="utf-8").split("\n") if len(p) > 20]
        for ordinal, text in enumerate(paragraphs):
            ids.append(f"d{number}-{ordinal:03d}")
            texts.append(text)
            metas.append({"doc_id": f"d{number}", "region": f"R{number % 3}", "year": 2020 + number % 2})
    return ids, texts, metas


def _by_doc(corpus, docs: set[str]):
    return tuple(list(x for x, m in zip(part, corpus[2]) if m["doc_id"] in docs) for part in corpus)


@pytest.fixture(scope="module")
def corpus():
    return _corpus()


def _segmented(corpus) -> LexicalIndex:
    index = LexicalIndex.build(*_by_doc(corpus, {"d0", "d1"}))
    for doc in ("d2", "d3", "d4"):
        index = index.add(*_by_doc(corpus, {doc}), remove_docs=set())
    return index


def _same(a: list, b: list) -> None:
    assert [i for i, _ in a] == [i for i, _ in b]
    assert [s for _, s in a] == pytest.approx([s for _, s in b], rel=1e-9)


def test_segments_score_exactly_as_one_index(corpus):
    whole, parts = LexicalIndex.build(*corpus), _segmented(corpus)
    assert len(parts.segments) == 4 and sorted(parts.ids) == sorted(whole.ids)
    for query in QUERIES:
        _same(parts.search(query, 10), whole.search(query, 10))
        _same(parts.search(query, 5, regions=["R1"], years=[2021]), whole.search(query, 5, regions=["R1"], years=[2021]))
        _same(parts.search(query, 5, docs=["d3"]), whole.search(query, 5, docs=["d3"]))
    assert parts.idf("法律援助") == whole.idf("法律援助") and parts.idf("没有这个词") is None


def test_a_replaced_document_is_tombstoned_and_scores_follow(corpus):
    index = _segmented(corpus)
    ids, texts, metas = _by_doc(corpus, {"d2"})
    replaced = index.add(ids[:3], texts[:3], metas[:3], remove_docs={"d2"})  # d2 now has three chunks
    expected = LexicalIndex.build(*[[x for x, m in zip(part, corpus[2]) if m["doc_id"] != "d2"] for part in corpus])
    expected = expected.add(ids[:3], texts[:3], metas[:3], remove_docs=set())
    assert sorted(replaced.ids) == sorted(expected.ids) and replaced.n == expected.n
    for query in QUERIES:
        _same(replaced.search(query, 10), expected.search(query, 10))
    assert len(index.ids) == len(corpus[0])  # the index readers hold is unchanged


def test_adding_writes_one_segment_and_keeps_the_old_ones(corpus, tmp_path):
    index = LexicalIndex.build(*_by_doc(corpus, {"d0", "d1", "d2", "d3"}))
    index.save(tmp_path)
    first = {p.name: p.stat().st_mtime_ns for p in (tmp_path / "segments").iterdir()}
    grown = LexicalIndex.load(tmp_path).add(*_by_doc(corpus, {"d4"}), remove_docs=set())
    grown.save(tmp_path)
    after = {p.name: p.stat().st_mtime_ns for p in (tmp_path / "segments").iterdir()}
    assert set(first) < set(after) and len(after) == 2 and all(after[n] == t for n, t in first.items())
    loaded = LexicalIndex.load(tmp_path)
    assert loaded.version == grown.version and sorted(loaded.ids) == sorted(corpus[0])
    for query in QUERIES:
        _same(loaded.search(query, 10), LexicalIndex.build(*corpus).search(query, 10))


def test_many_segments_and_many_tombstones_are_merged(corpus, monkeypatch, tmp_path):
    monkeypatch.setattr(lexical, "MAX_SEGMENTS", 2)
    index = _segmented(corpus)
    assert len(index.segments) <= 3
    for query in QUERIES:
        _same(index.search(query, 10), LexicalIndex.build(*corpus).search(query, 10))
    emptied = index.add([], [], [], remove_docs={"d0", "d1", "d2"})  # most rows dead: one segment
    assert len(emptied.segments) == 1 and emptied.n == len(emptied.segments[0].rows)
    emptied.save(tmp_path)
    assert len(list((tmp_path / "segments").iterdir())) == 1


def test_a_crash_mid_save_leaves_the_old_index_whole(corpus, tmp_path, monkeypatch):
    index = LexicalIndex.build(*_by_doc(corpus, {"d0", "d1"}))
    index.save(tmp_path)

    def crash(name):
        if name == "lexical-write":
            raise KeyboardInterrupt

    monkeypatch.setattr(faults, "point", crash)
    with pytest.raises(KeyboardInterrupt):
        index.add(*_by_doc(corpus, {"d2"}), remove_docs=set()).save(tmp_path)
    loaded = LexicalIndex.load(tmp_path)
    assert loaded.version == index.version and sorted(loaded.ids) == sorted(index.ids)
    monkeypatch.undo()
    loaded.add(*_by_doc(corpus, {"d3"}), remove_docs=set()).save(tmp_path)  # the next save drops the orphans
    assert len(list((tmp_path / "segments").iterdir())) == 2


def test_relabelled_filters_persist(corpus, tmp_path):
    index = _segmented(corpus)
    ids = _by_doc(corpus, {"d3"})[0]
    assert index.relabel(ids, "新区", 2030) == len(ids)
    index.save_rows(tmp_path)
    loaded = LexicalIndex.load(tmp_path)
    hits = loaded.search("法治", 50, regions=["新区"], years=[2030])
    assert hits and {i for i, _ in hits} <= set(ids)
    assert {r["region"] for r in loaded.rows if r["id"] in ids} == {"新区"}


def test_a_data_dir_from_before_segments_loads_as_missing(tmp_path):
    (tmp_path / "v1").mkdir()
    (tmp_path / "v1" / "rows.json").write_text("[]", encoding="utf-8")
    (tmp_path / "current").write_text("v1", encoding="utf-8")
    assert LexicalIndex.load(tmp_path) is None
