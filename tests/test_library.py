"""Document identity, corrections and removal across every store: real Chroma, the real embedder,
the real BM25 index and SQLite catalog/facts."""
from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from rag import cli
from rag.answer.respond import answer
from rag.errors import InputError
from rag.index.lexical import LexicalIndex
from rag.library import display_names
from rag.pipeline import Pipeline
from rag.settings import Settings


def report_html(place: str, year: int, aid: int, review: int) -> str:
    lines = [f"{place}{year}年法治政府建设工作报告", "一、主要成效",
             f"(一)法律援助。全年受理法律援助案件{aid}件,同比增长12%。",
             f"(二)行政复议。全年办理行政复议案件{review}件,依法纠正违法或不当行政行为。",
             "二、存在问题", "(一)基层执法力量不足。", f"{place}人民政府", f"{year + 1}年3月1日"]
    return "<html><body>" + "".join(f"<p>{line}</p>" for line in lines) + "</body></html>"


@pytest.fixture(scope="module")
def embedder(model_cache, tmp_path_factory):
    """The real default embedder, loaded once for this module."""
    return Pipeline(Settings(data_dir=tmp_path_factory.mktemp("embedder"), model_cache=model_cache)).embedder


def make_pipeline(embedder, data_dir: Path | None = None) -> Pipeline:
    pipeline = Pipeline(Settings(data_dir=data_dir) if data_dir else Settings())
    pipeline.__dict__["embedder"] = embedder
    return pipeline


@pytest.fixture
def two_cities(tmp_path) -> tuple[Path, Path]:
    """Two different reports, both saved as index.html in their own folder."""
    dalian, yibin = tmp_path / "dalian" / "index.html", tmp_path / "yibin" / "index.html"
    for path, place, year, aid in ((dalian, "大连市", 2021, 345), (yibin, "宜宾市", 2022, 678)):
        path.parent.mkdir()
        path.write_text(report_html(place, year, aid, aid // 3), encoding="utf-8")
    return dalian, yibin


def chunk_ids(pipeline: Pipeline) -> list[str]:
    return sorted(i for ids, _, _ in pipeline.store.all_chunks() for i in ids)


def test_display_names_are_the_shortest_unique_parent_suffix():
    names = display_names(["/a/x/index.html", "/b/x/index.html", "/a/y/index.html", "/c/report.txt"])
    assert names == {"/a/x/index.html": "a/x/index.html", "/b/x/index.html": "b/x/index.html",
                     "/a/y/index.html": "y/index.html", "/c/report.txt": "report.txt"}


def test_two_files_with_the_same_name_are_both_kept_and_answerable(embedder, two_cities):
    dalian, yibin = two_cities
    pipeline = make_pipeline(embedder)
    first = pipeline.ingest([dalian])
    assert first.added == ["index.html"]  # alone, the file name is enough
    second = pipeline.ingest([yibin])
    assert second.added == ["yibin/index.html"]
    docs = {d.region: d for d, _ in pipeline.documents()}
    assert {r: d.source for r, d in docs.items()} == {"大连市": "dalian/index.html", "宜宾市": "yibin/index.html"}
    assert docs["大连市"].doc_id != docs["宜宾市"].doc_id
    renamed = pipeline.store.document_chunks(docs["大连市"].doc_id)
    assert renamed and {p.source for p in renamed} == {"dalian/index.html"}  # Chroma follows the rename
    for question, number, source in (("大连市2021年受理法律援助案件多少件?", "345件", "dalian/index.html"),
                                     ("宜宾市2022年受理法律援助案件多少件?", "678件", "yibin/index.html")):
        result = answer(question, pipeline, mode="extractive")
        assert number in result.answer and {c.source for c in result.citations} == {source}
    ids = chunk_ids(pipeline)
    assert len(ids) == len(set(ids)) == sum(n for _, n in pipeline.documents())


def test_byte_identical_copy_is_a_duplicate_and_reingest_changes_nothing(embedder, two_cities, tmp_path, capsys):
    dalian, _ = two_cities
    pipeline = make_pipeline(embedder)
    pipeline.ingest([dalian])
    before = chunk_ids(pipeline)
    copy = tmp_path / "mirror" / "大连法治报告.html"
    copy.parent.mkdir()
    shutil.copyfile(dalian, copy)
    report = pipeline.ingest([copy])
    assert report.duplicates == [(str(copy), "index.html")] and not report.added
    assert chunk_ids(pipeline) == before and len(pipeline.documents()) == 1
    assert pipeline.ingest([dalian]).unchanged == ["index.html"] and chunk_ids(pipeline) == before
    assert cli.main(["ingest", str(copy)]) == 0
    out = capsys.readouterr().out
    assert "重复 1" in out and f"重复: {copy} 与已导入的 index.html 内容完全相同, 未再导入" in out


def test_an_edited_file_replaces_its_chunks_under_the_same_identity(embedder, two_cities):
    dalian, _ = two_cities
    pipeline = make_pipeline(embedder)
    pipeline.ingest([dalian])
    before = set(chunk_ids(pipeline))
    dalian.write_text(report_html("大连市", 2021, 999, 115), encoding="utf-8")
    report = pipeline.ingest([dalian])
    assert report.updated == ["index.html"] and len(pipeline.documents()) == 1
    after = set(chunk_ids(pipeline))
    assert len(after) == len(before) and len(after - before) == 1  # only the edited paragraph is new
    assert "999件" in pipeline.search("大连市受理法律援助案件多少件", k=1).passages[0].text


def test_a_moved_file_is_indexed_at_its_new_path_not_reported_as_its_own_duplicate(embedder, two_cities, tmp_path):
    dalian, _ = two_cities
    pipeline = make_pipeline(embedder)
    pipeline.ingest([dalian])
    old = pipeline.documents()[0][0]
    moved = tmp_path / "archive" / "dalian-2021.html"
    moved.parent.mkdir()
    dalian.rename(moved)
    report = pipeline.ingest([moved])
    assert report.added == ["dalian-2021.html"] and not report.duplicates
    docs = pipeline.documents()
    assert [d.path for d, _ in docs] == [str(moved.resolve())] and pipeline.store.chunk_ids(old.doc_id) == []


class Spy:
    """Counts calls to a real method and passes them through (not a mock: the method still runs)."""

    def __init__(self, target, name: str) -> None:
        self.calls, self.real = 0, getattr(target, name)
        setattr(target, name, self)

    def __call__(self, *args, **kwargs):
        self.calls += 1
        return self.real(*args, **kwargs)


def test_docs_set_updates_every_store_without_re_embedding(embedder, two_cities):
    dalian, yibin = two_cities
    pipeline = make_pipeline(embedder)
    pipeline.ingest([dalian, yibin])
    doc = next(d for d, _ in pipeline.documents() if d.region == "大连市")
    vectors = pipeline.store.collection.get(where={"doc_id": doc.doc_id}, include=["embeddings"])
    assert pipeline.facts.count(pipeline.settings.index_fingerprint, doc.doc_id) > 0
    spy = Spy(embedder, "passages")
    try:
        fixed, changed = pipeline.set_metadata("dalian/index.html", year="2019", region="泸州市")
    finally:
        del embedder.passages
    assert spy.calls == 0 and changed == {"year": 2019, "region": "泸州市", "province": "四川省"}
    again = pipeline.store.collection.get(where={"doc_id": doc.doc_id}, include=["embeddings"])
    assert again["ids"] == vectors["ids"] and np.array_equal(again["embeddings"], vectors["embeddings"])
    stored, _ = pipeline.catalog.get(doc.doc_id, pipeline.settings.index_fingerprint)
    assert (stored.year, stored.region) == (2019, "泸州市")
    assert stored.provenance["year"] == {"source": "user", "confidence": "high"}
    dense = pipeline.search("法律援助案件", k=5, years=[2019], mode="dense").passages
    assert dense and {(p.region, p.year, p.source) for p in dense} == {("泸州市", 2019, "dalian/index.html")}
    facts = pipeline.facts.query(pipeline.settings.index_fingerprint, doc_id=doc.doc_id)
    assert facts and {(f.region, f.year) for f in facts} == {("泸州市", 2019)}
    for lexical in (pipeline.lexical, LexicalIndex.load(pipeline.settings.lexical_dir)):  # memory and disk
        hits = lexical.search("法律援助案件", 10, ["泸州市"], [2019])
        assert hits and not lexical.search("法律援助案件", 10, ["大连市"], None)
    sidecar = json.loads(dalian.with_name("index.html.meta.json").read_text("utf-8"))
    assert sidecar == changed  # only the corrected fields
    assert pipeline.ingest([dalian]).unchanged == ["dalian/index.html"]  # the sidecar now says the same
    stored, _ = pipeline.catalog.get(doc.doc_id, pipeline.settings.index_fingerprint)
    assert stored.year == 2019 and stored.provenance["region"]["source"] == "user"


@pytest.mark.parametrize("fields, message", [
    ({"year": "1800"}, "年份必须是 1949–2100 之间的整数: 1800"),
    ({"year": "明年"}, "年份必须是 1949–2100 之间的整数: 明年"),
    ({"doc_type": "speech"}, "类型必须是 annual_report news interpretation plan yearbook other 之一: speech"),
    ({"region": "  "}, "地区不能为空"),
])
def test_docs_set_rejects_bad_values_and_changes_nothing(embedder, two_cities, fields, message):
    pipeline = make_pipeline(embedder)
    pipeline.ingest([two_cities[0]])
    before = pipeline.documents()
    with pytest.raises(InputError) as err:
        pipeline.set_metadata("index.html", **fields)
    assert str(err.value) == message and pipeline.documents() == before


def assert_no_trace(pipeline: Pipeline, doc_id: str, ids: list[str]) -> None:
    fingerprint = pipeline.settings.index_fingerprint
    assert pipeline.catalog.get(doc_id, fingerprint) is None
    assert pipeline.store.get(ids) == {} and pipeline.store.chunk_ids(doc_id) == []
    assert pipeline.facts.count(fingerprint, doc_id) == 0
    on_disk = LexicalIndex.load(pipeline.settings.lexical_dir)
    assert not {r["id"] for r in pipeline.lexical.rows + on_disk.rows} & set(ids)


def test_remove_leaves_no_trace_and_names_shorten_again(embedder, two_cities):
    pipeline = make_pipeline(embedder)
    pipeline.ingest(list(two_cities))
    doc = next(d for d, _ in pipeline.documents() if d.region == "大连市")
    ids = pipeline.store.chunk_ids(doc.doc_id)
    removed = pipeline.remove(["dalian/index.html"])
    assert [d.doc_id for d in removed] == [doc.doc_id]
    assert_no_trace(pipeline, doc.doc_id, ids)
    assert [d.source for d, _ in pipeline.documents()] == ["index.html"]  # 宜宾's page is unique again
    assert all("大连" not in p.text for p in pipeline.search("大连市法律援助案件", k=10).passages)
    with pytest.raises(InputError, match="没有这份报告: dalian/index.html"):
        pipeline.remove(["index.html", "dalian/index.html"])
    assert len(pipeline.documents()) == 1  # the unknown name stopped the whole step


def test_removing_a_report_tombstones_its_lexical_rows_and_rewrites_no_segment(embedder, tmp_path):
    places = [("大连市", 345), ("宜宾市", 678), ("锦州市", 120), ("泸州市", 456), ("本溪市", 789)]
    pipeline = make_pipeline(embedder)
    for place, aid in places:  # one ingest each: five segments
        path = tmp_path / place / "report.html"
        path.parent.mkdir()
        path.write_text(report_html(place, 2022, aid, aid // 3), encoding="utf-8")
        pipeline.ingest([path])
    segments = pipeline.settings.lexical_dir / "segments"
    before = {p.name: p.stat().st_mtime_ns for p in segments.iterdir()}
    doc = next(d for d, _ in pipeline.documents() if d.region == "锦州市")
    ids = pipeline.store.chunk_ids(doc.doc_id)
    pipeline.remove([doc.source])
    assert_no_trace(pipeline, doc.doc_id, ids)
    assert {p.name: p.stat().st_mtime_ns for p in segments.iterdir()} == before  # no segment written or rewritten
    loaded = LexicalIndex.load(pipeline.settings.lexical_dir)
    assert len(loaded.segments) == 5 and loaded.n == pipeline.store.count()
    assert sum(len(s.rows) for s in loaded.segments) - loaded.n == len(ids)  # the removed rows are tombstones
    chunks = [(i, f"{m['heading']}\n{d}", m) for page in pipeline.store.all_chunks() for i, d, m in zip(*page)]
    rebuilt = LexicalIndex.build(*map(list, zip(*chunks)))
    for question in ("法律援助案件", "锦州市行政复议", "2022年法治政府建设"):
        got, expected = loaded.search(question, 10), rebuilt.search(question, 10)
        assert got and [i for i, _ in got] == [i for i, _ in expected]
        assert [s for _, s in got] == pytest.approx([s for _, s in expected], rel=1e-9)
    assert pipeline.check(repair=False).repairs == []
    result = answer("泸州市2022年受理法律援助案件多少件?", pipeline, mode="extractive")
    assert "456件" in result.answer


SENTENCES = ["全年受理法律援助案件{n}件。", "办理行政复议案件{n}件,纠错率{n}%。", "开展普法活动{n}场次。",
             "行政机关负责人出庭应诉{n}次。", "审查规范性文件{n}件。", "调解矛盾纠纷{n}起。"]
DOCS = st.lists(st.tuples(st.sampled_from(["大连市", "宜宾市", "锦州市", "泸州市"]), st.integers(2015, 2024),
                          st.lists(st.tuples(st.integers(0, len(SENTENCES) - 1), st.integers(1, 999)),
                                   min_size=1, max_size=6)),
                min_size=1, max_size=3)


@hsettings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(DOCS)
def test_ingest_reingest_remove_property(embedder, specs):
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        paths = []
        for number, (place, year, body) in enumerate(specs):
            path = root / f"site{number}" / "index.html"  # every file has the same name
            path.parent.mkdir()
            text = [f"{place}{year}年法治政府建设工作报告", "一、主要成效", *(SENTENCES[i].format(n=n) for i, n in body),
                    f"第{number}号"]
            path.write_text("\n".join(text), encoding="utf-8")
            paths.append(path)
        pipeline = make_pipeline(embedder, root / "data")
        report = pipeline.ingest(paths)
        ids = chunk_ids(pipeline)
        assert len(report.added) == len(paths) and len(set(report.added)) == len(paths)
        assert len(pipeline.store.get(ids)) == len(ids) == len(set(ids)) == report.chunks
        again = pipeline.ingest(paths)
        assert len(again.unchanged) == len(paths) and chunk_ids(pipeline) == ids
        docs = [d for d, _ in pipeline.documents()]
        for doc in docs:
            doc_ids = pipeline.store.chunk_ids(doc.doc_id)
            pipeline.remove(doc.source if len(pipeline.documents()) > 1 else doc.doc_id)
            assert_no_trace(pipeline, doc.doc_id, doc_ids)
        assert pipeline.store.count() == 0 and pipeline.lexical.rows == []


def test_cli_docs_set_remove_and_docs_show_provenance(embedder, two_cities, capsys):
    dalian, yibin = two_cities
    make_pipeline(embedder).ingest([dalian, yibin])
    assert cli.main(["docs"]) == 0
    out = capsys.readouterr().out
    assert "年份 2021" in out and "地区 大连市" in out and "doc_id " in out
    assert cli.main(["docs", "set", str(dalian), "--year", "2020", "--type", "annual_report"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("已更新 dalian/index.html: 年份 2020") and "index.html.meta.json" in out
    assert cli.main(["docs"]) == 0
    assert "年份 2020 (用户, 高)" in capsys.readouterr().out
    assert cli.main(["docs", "--json"]) == 0
    listed = {d["source"]: d for d in json.loads(capsys.readouterr().out)}
    assert listed["dalian/index.html"]["provenance"]["year"] == {"source": "user", "confidence": "high"}
    for argv, line in ((["docs", "set", "nowhere.html", "--year", "2020"], "错误: 没有这份报告: nowhere.html"),
                       (["docs", "set", "index.html", "--year", "2020"],
                        "错误: “index.html”对应多份报告: dalian/index.html、yibin/index.html; 请用显示名或路径"),
                       (["docs", "set", "yibin/index.html", "--year", "3000"],
                        "错误: 年份必须是 1949–2100 之间的整数: 3000"),
                       (["docs", "set", "yibin/index.html"],
                        "错误: 请至少给出一项更正: --year --region --type --title --issuer"),
                       (["remove", "nowhere.html"], "错误: 没有这份报告: nowhere.html")):
        assert cli.main(argv) == 2
        captured = capsys.readouterr()
        assert captured.err.strip().splitlines() == [line], argv
    assert cli.main(["remove", "dalian/index.html", "yibin/index.html"]) == 0
    assert capsys.readouterr().out.splitlines() == ["已删除 dalian/index.html (大连市 2020)",
                                                    "已删除 yibin/index.html (宜宾市 2022)"]
    assert cli.main(["docs"]) == 0 and "还没有导入报告" in capsys.readouterr().out
