"""Indicator extraction on real sentences of the seeds, comparisons, and region briefs."""
from __future__ import annotations

import re

import pytest

from rag.answer.cite import numbers_in
from rag.brief import build_brief
from rag.compare import compare
from rag.errors import InputError
from rag.facts import extract, find_indicator
from rag.types import Chunk, Document


def _facts(sentence: str, heading: str = "一、主要工作 > 5、提升行政复议与应诉质效") -> dict[str, str]:
    doc = Document("d", "s.txt", "s.txt", "x", sentence, region="某市", year=2022)
    chunk = Chunk("c", "d", sentence, 0, len(sentence), heading, 0)
    return {f.indicator: f.shown for f in extract(doc, [chunk])}


@pytest.mark.parametrize("sentence,expected", [
    ("全年办理行政复议案件372件,审结344件,直接纠错72件,纠错率20.93%;",
     {"行政复议收案": "372件", "行政复议办结": "344件", "行政复议纠错件数": "72件", "行政复议纠错率": "20.93%"}),
    ("调解、和解108件,调(和)解率29.07%;", {"行政复议调解和解件数": "108件", "行政复议调解和解率": "29.07%"}),
    ("全市一审行政诉讼案件调解率为30.18%,比去年提高5.78%。", {"行政诉讼调解率": "30.18%"}),
    ("今年,全市一审行政诉讼结案354件,结案率为80.45%,败诉45件,败诉率12.71%,行政机关负责人出庭应诉率同比增长17.45%。",
     {"行政诉讼一审结案": "354件", "行政诉讼败诉件数": "45件", "行政诉讼败诉率": "12.71%"}),
    ("全年共收到以县政府为被告的行政案件132件。", {"行政应诉案件": "132件"}),
    ("共调解矛盾纠纷27751起,调成27320起,调成率98%。",
     {"人民调解案件": "27751起", "人民调解成功件数": "27320起", "人民调解成功率": "98%"}),
    ("组织295名符合行政执法资格条件的行政执法人员参加山西省行政执法证申领考试,其中267人考试合格,合格率90.5%,",
     {"执法资格考试人数": "295名", "执法资格考试合格率": "90.5%"}),
    ("全年全市三级政府及其部门聘请的律师、专家学者等政府法律顾问700余人,提供法律事务服务4000余人次。",
     {"政府法律顾问人数": "700余人"}),
    ("受理法律援助案件402件,接待咨询1354人次。", {"法律援助案件": "402件"}),
])
def test_indicator_patterns_on_seed_sentences(sentence, expected):
    assert _facts(sentence) == expected


@pytest.mark.parametrize("sentence", [
    "全市107个统建单位共办理行政处罚案件4157件,发布处罚事项36055项。",  # a sub-count
    "中心走访企业商户1076家,开展普法宣传活动10次。",  # one centre's activity, not the region's
    "及时就地化解矛盾纠纷,化解矛盾纠纷2690件,涉及金额6142.69万元。",  # a campaign, not mediation cases
    "行政机关负责人出庭应诉率同比增长17.45%。",  # a growth rate, not a rate
])
def test_sub_counts_and_growth_rates_are_not_indicator_values(sentence):
    assert _facts(sentence) == {}


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
    with pytest.raises(InputError, match="不认识的指标"):
        compare(seeded, "天气")


def test_chat_comparison_uses_the_facts_table(seeded):
    from rag.answer.respond import answer

    result = answer("哪个地区的行政诉讼败诉率最高?", seeded, mode="extractive")
    assert "按指标“行政诉讼败诉率”比较" in result.answer and "12.71%" in result.answer
    assert "未报告该指标" in result.answer and "平遥县" in result.answer
    assert result.unverified == []


SECTIONS = ("## 概况", "## 主要举措与成效", "## 关键数据", "## 存在问题", "## 下一步计划", "## 来源")


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
    assert brief.unverified == []
    markers = {int(m) for m in re.findall(r"\[(\d+)\]", brief.markdown.split("## 来源")[0])}
    assert markers == set(brief.cited)
