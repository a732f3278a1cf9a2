"""Comparisons and region briefs over the seeded index (extraction rules: tests/test_facts_general.py)."""
from __future__ import annotations

import re

import pytest

from rag.answer.cite import numbers_in
from rag.brief import build_brief
from rag.compare import NOT_EXTRACTED, compare, to_markdown
from rag.errors import InputError
from rag.facts import find_indicator


def test_synonyms_name_one_indicator():
    assert find_indicator("直接纠错率").name == find_indicator("纠错率").name == "行政复议纠错率"
    assert find_indicator("法律援助案件数").name == "法律援助案件"
    assert find_indicator("天气") is None


def test_compare_ranks_cited_values_and_names_missing_regions(seeded):
    result = compare(seeded, "纠错率")
    assert [(f.region, f.shown) for _, f in result.rows] == [
        ("本溪市", "23.29%"), ("长沙市芙蓉区", "20.93%"), ("温州市", "17.3%")]
    assert set(result.missing) == {"平遥县", "平顶山市"}
    chunks = seeded.store.get([f.chunk_id for _, f in result.rows])
    assert all(f.sentence in chunks[f.chunk_id].text for _, f in result.rows)
    table = to_markdown(result)
    assert "| 本溪市 | 2022 | 23.29%[1] |" in table and f"{NOT_EXTRACTED}该指标数值的地区: 平遥县、平顶山市" in table
    with pytest.raises(InputError, match="不认识的指标"):
        compare(seeded, "天气")


def test_chat_comparison_uses_the_facts_table(seeded):
    from rag.answer.respond import answer

    result = answer("哪个地区的行政诉讼败诉率最高?", seeded, mode="extractive")
    assert "按指标“行政诉讼败诉率”比较" in result.answer and "12.71%" in result.answer
    assert NOT_EXTRACTED in result.answer and "平遥县" in result.answer and "未报告" not in result.answer
    wenzhou = next(line for line in result.answer.splitlines() if line.startswith("- 温州市"))
    assert "相关原文" in wenzhou and "败诉率" in wenzhou  # no value extracted: its sentence is quoted instead
    assert result.unverified == []
    assert {c.n for c in result.citations} == set(map(int, re.findall(r"\[(\d+)\]", result.answer)))


SECTIONS = ("## 概况", "## 主要举措与成效", "## 关键数据", "## 存在问题", "## 下一步计划", "## 附录：分节详情", "## 来源")


@pytest.mark.parametrize("region", ["本溪市", "长沙市芙蓉区", "平顶山市", "温州市", "平遥县"])
def test_brief_for_each_seed_has_every_section_and_verified_figures(seeded, region):
    brief = build_brief(seeded, region, mode="extractive")
    text = brief.markdown
    assert [text.index(s) for s in SECTIONS] == sorted(text.index(s) for s in SECTIONS)
    assert brief.unverified == []
    body = text.split("## 来源")[0]
    for line in body.splitlines():  # every figure-bearing bullet or table row carries a citation
        if numbers_in(line) and line.startswith(("- ", "| ")) and not line.startswith("|---"):
            assert re.search(r"\[\d+\]", line), line
    markers = {int(m) for m in re.findall(r"\[(\d+)\]", body)}
    assert markers == set(brief.cited)
    assert "凯发一触即发" not in text


def test_brief_reads_problems_and_plans_from_the_report(seeded):
    benxi = build_brief(seeded, "本溪", mode="extractive").markdown
    problems = benxi.split("## 存在问题")[1].split("##")[0]
    assert problems.count("\n- ") == 4 and "一是法治政府建设水平和依法行政能力不均衡" in problems
    wenzhou = build_brief(seeded, "温州", mode="extractive").markdown
    assert "行政案件败诉率居高不下" in wenzhou.split("## 存在问题")[1].split("##")[0]
    assert "2019年温州市法治政府建设工作" in wenzhou.split("## 下一步计划")[1].split("##")[0]


def test_brief_for_a_missing_region_or_year_says_what_exists(seeded):
    with pytest.raises(InputError, match="平遥县没有2021年的报告"):
        build_brief(seeded, "平遥", 2021)
    with pytest.raises(InputError, match="大连"):
        build_brief(seeded, "大连")


def test_llm_brief_maps_sections_within_budget_and_renumbers_citations(seeded, fake_openai, monkeypatch):
    from tests.conftest import sibling

    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")

    def model(body: dict) -> str:
        prompt = body["messages"][-1]["content"]
        if "合并成" in prompt:  # reduce: keep the first three bullets, add one bad marker
            return "\n".join(line for line in prompt.splitlines() if line.startswith("- "))[:400] + "\n- 其他[999]"
        numbers = re.findall(r'<passage n="(\d+)"', prompt)
        figure = re.search(r"\d+(?:\.\d+)?%|\d+件", prompt.split("</passage>")[0])
        return f"- 本节要点{figure.group() if figure else ''}[{numbers[0]}]"

    fake_openai.default = model
    pipeline = sibling(seeded, llm_model="fake-model", llm_base_url=fake_openai.base_url, context_tokens=400)
    brief = build_brief(pipeline, "长沙市芙蓉区", mode="llm")
    maps = [r for r in fake_openai.requests if "合并成" not in r["json"]["messages"][-1]["content"]]
    assert brief.mode == "llm" and len(maps) > 5  # sections split into budget-sized batches
    assert all("凯发一触即发" not in r["json"]["messages"][-1]["content"] for r in fake_openai.requests)
    measures = brief.markdown.split("## 主要举措与成效")[1].split("## 关键数据")[0]
    assert "本节要点" in measures and "[999]" not in measures
    assert len([line for line in measures.splitlines() if line.startswith("- ")]) <= 8  # the first screen
    detail = brief.markdown.split("## 附录：分节详情")[1].split("## 来源")[0]
    assert detail.count("本节要点") == len(maps)  # every map bullet, by section, in the appendix
    assert brief.unverified == []
    markers = {int(m) for m in re.findall(r"\[(\d+)\]", brief.markdown.split("## 来源")[0])}
    assert markers == set(brief.cited)
