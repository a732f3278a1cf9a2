"""Index and retrieval against real Chroma, the real default embedder and the real BM25 index."""
from __future__ import annotations

import shutil
import subprocess
import sys

from hypothesis import given, strategies as st

from rag.evaluate import load_questions, retrieval_metrics
from rag.pipeline import Pipeline
from rag.retrieve import fuse
from rag.settings import Settings
from tests.conftest import ROOT

FURONG = "001_a9e76fce8504005b.txt"


def _ids(pipeline: Pipeline) -> list[str]:
    return sorted(i for ids, _, _ in pipeline.store.all_chunks() for i in ids)


def test_reingest_is_idempotent_and_edits_replace_old_chunks(seed_copy, model_cache, tmp_path):
    pipeline = Pipeline(Settings(data_dir=tmp_path / "d", model_cache=model_cache))
    first = pipeline.ingest([seed_copy / FURONG, seed_copy / "004_60bbb429151f6620.txt"])
    ids = _ids(pipeline)
    assert len(first.added) == 2 and len(ids) == len(set(ids)) == first.chunks
    again = pipeline.ingest([seed_copy / FURONG, seed_copy / "004_60bbb429151f6620.txt"])
    assert again.unchanged == [FURONG, "004_60bbb429151f6620.txt"] and again.chunks == 0
    assert _ids(pipeline) == ids
    report = seed_copy / FURONG
    report.write_text(report.read_text("utf-8").replace("受理法律援助案件402件", "受理法律援助案件777件"), "utf-8")
    edited = pipeline.ingest([report])
    assert edited.updated == [FURONG]
    after = _ids(pipeline)
    assert len(after) == len(ids) and len(set(after) ^ set(ids)) == 2  # exactly one chunk changed
    hits = pipeline.search("芙蓉区受理法律援助案件多少件", k=3).passages
    assert "777件" in hits[0].text and all("402件" not in p.text for p in hits)


def test_every_ingested_chunk_is_retrievable_by_id(seeded):
    ids = _ids(seeded)
    assert len(seeded.store.get(ids)) == len(ids) == sum(n for _, n in seeded.documents())


def test_changing_the_embedder_uses_a_new_collection(seed_copy, model_cache, tmp_path):
    default = Settings(data_dir=tmp_path / "d", model_cache=model_cache)
    pipeline = Pipeline(default)
    pipeline.ingest([seed_copy / "004_60bbb429151f6620.txt"])
    model_dir = next(p for p in model_cache.iterdir() if p.is_dir() and not p.name.startswith("."))
    other_model = tmp_path / "other-model"
    shutil.copytree(model_dir, other_model)
    other = Settings(data_dir=tmp_path / "d", model_cache=model_cache, embed_model=str(other_model))
    assert other.collection_name != default.collection_name
    second = Pipeline(other)
    assert second.store.count() == 0 and second.documents() == []  # nothing mixed in
    assert second.ingest([seed_copy / "004_60bbb429151f6620.txt"]).added == ["004_60bbb429151f6620.txt"]
    assert pipeline.store.count() == second.store.count()
    names = {c.name for c in pipeline.store.client.list_collections()}
    assert names == {default.collection_name, other.collection_name}
    meta = second.store.collection.metadata
    assert meta["embed_model"] == str(other_model) and "chunker" in meta


def test_lexical_index_is_rebuilt_from_chroma_when_missing(seed_copy, model_cache, tmp_path):
    settings = Settings(data_dir=tmp_path / "d", model_cache=model_cache)
    Pipeline(settings).ingest([seed_copy / "004_60bbb429151f6620.txt"])
    shutil.rmtree(settings.lexical_dir)
    hits = Pipeline(settings).search("调解成功率", k=3, mode="lexical").passages
    assert hits and "调解成功率" in hits[0].text and settings.lexical_dir.exists()


def test_region_and_year_in_the_question_filter_results(seeded):
    result = seeded.search("芙蓉区行政复议纠错率", k=10)
    assert result.plan.regions == ["长沙市芙蓉区"]
    assert {p.region for p in result.passages} == {"长沙市芙蓉区"}
    assert "纠错率20.93%" in result.passages[0].text
    explicit = seeded.search("行政复议纠错率", k=10, regions=["温州市"])
    assert {p.region for p in explicit.passages} == {"温州市"}
    by_year = seeded.search("2018年行政复议纠错率", k=5)
    assert {p.year for p in by_year.passages} == {2018}


def test_missing_year_or_region_is_reported_not_silently_widened(seeded):
    result = seeded.search("平遥2021年行政复议收了多少件", k=5)
    assert any("平遥县没有2021年的报告" in n and "2020" in n for n in result.plan.notices)
    assert {p.region for p in result.passages} == {"平遥县"}
    unknown = seeded.search("大连市的法律援助案件数", k=5)
    assert any("大连市" in n for n in unknown.plan.notices)


def test_hybrid_matches_or_beats_each_single_retriever(seeded):
    items = [i for i in load_questions(ROOT / "evals" / "questions.jsonl") if i.get("evidence")]
    metrics = {}
    for mode in ("lexical", "dense", "hybrid"):
        pairs = []
        for item in items:
            found = seeded.search(item["question"], k=10, mode=mode).passages
            pairs.append((item, {"retrieved": [{"text": p.text, "source": p.source} for p in found]}))
        metrics[mode] = retrieval_metrics(pairs)
    for single in ("lexical", "dense"):
        assert metrics["hybrid"]["hit@5"] >= metrics[single]["hit@5"], metrics
        assert metrics["hybrid"]["mrr"] >= metrics[single]["mrr"], metrics


CONFIGURED = Settings()
WEIGHTS = {"dense": CONFIGURED.dense_weight, "lexical": CONFIGURED.lexical_weight}
# what each retriever hands to fusion: up to `candidates` distinct chunk ids, the two lists overlapping
CANDIDATES = st.lists(st.integers(0, 2 * CONFIGURED.candidates), unique=True,
                      max_size=CONFIGURED.candidates).map(lambda ids: [f"c{i}" for i in ids])


@given(dense=CANDIDATES, lexical=CANDIDATES)
def test_fusion_under_the_configured_weights(dense, lexical):
    """What hybrid retrieval promises with dense 1 : lexical 2, k=60 and 50 candidates each."""
    fused = [chunk_id for chunk_id, _ in fuse({"dense": dense, "lexical": lexical}, WEIGHTS, CONFIGURED.rrf_k)]
    position = {chunk_id: n for n, chunk_id in enumerate(fused)}
    both = set(dense) & set(lexical)
    assert sorted(fused) == sorted(set(dense) | set(lexical))  # every candidate once
    # the heavier retriever's best hit is outranked only by passages both retrievers found
    if lexical:
        assert set(fused[:position[lexical[0]]]) <= both
    # each retriever's order is kept among the passages only it found
    for own, other in ((dense, lexical), (lexical, dense)):
        alone = [i for i in own if i not in other]
        assert sorted(alone, key=position.get) == alone
    # agreement never hurts: a passage both found ranks above every passage one retriever found no higher
    for own, other in ((dense, lexical), (lexical, dense)):
        for shared in both:
            assert all(position[shared] < position[i] for i in own[own.index(shared):] if i not in other)
    # lexical's last candidate (2/110) still outscores dense's first (1/61): every passage the lexical
    # retriever found ranks above every passage only the dense retriever found. Dense-only passages
    # therefore reach the top k only when lexical search returns fewer than k candidates.
    dense_only = [i for i in dense if i not in both]
    if lexical and dense_only:
        assert max(position[i] for i in lexical) < min(position[i] for i in dense_only)


def test_cli_bad_path_gives_one_clear_error_line(tmp_path):
    run = subprocess.run([sys.executable, "-m", "rag", "ingest", str(tmp_path / "nope")], capture_output=True,
                         text=True, cwd=tmp_path)
    assert run.returncode == 2
    assert run.stderr.strip().splitlines() == [f"错误: 没有这个文件或目录: {tmp_path / 'nope'}"]
    assert "Traceback" not in run.stderr + run.stdout


def test_cli_unreadable_file_is_reported_and_others_still_ingested(tmp_path, seed_copy):
    (seed_copy / "broken.txt").write_bytes(b"\x00\x01" * 50)
    for name in ("000_a71df9a351047f25.txt", FURONG, "002_c5544e0356e4cb41.txt", "003_d909330e91d29ae9.txt"):
        (seed_copy / name).unlink()
    run = subprocess.run([sys.executable, "-m", "rag", "ingest", str(seed_copy)], capture_output=True, text=True,
                         cwd=tmp_path)
    assert run.returncode == 2, run.stderr
    errors = [line for line in run.stderr.splitlines() if line.startswith("错误")]
    assert errors == [f"错误: 不是文本文件: {seed_copy / 'broken.txt'}"]
    assert "新增 1" in run.stdout and "失败 1" in run.stdout and "Traceback" not in run.stderr
