"""Answers over the real seed index: extractive path, refusals, comparisons, follow-ups, verification."""
from __future__ import annotations

import re

import pytest

from rag.answer.cite import REFUSAL, numbers_in, verify
from rag.answer.respond import answer
from tests.conftest import sibling


def _cited_text(result) -> str:
    return "\n".join(c.text for c in result.citations)


def _assert_verified(result) -> None:
    """Every number in the answer body is in a cited passage and every marker points somewhere."""
    assert result.unverified == [] and result.invalid_markers == []
    markers = {int(m) for m in re.findall(r"\[(\d+)\]", result.answer)}
    assert markers == {c.n for c in result.citations}


def test_fact_question_quotes_the_number_and_cites_its_paragraph(seeded):
    result = answer("芙蓉区2023年行政复议里被纠正的比例是多少?", seeded, mode="extractive")
    assert result.mode == "extractive" and not result.refused
    assert "抽取式" in result.answer and "20.93%" in result.answer
    assert "20.93%" in result.citations[0].text and result.citations[0].region == "长沙市芙蓉区"
    assert all(q in result.citations[0].text for q in result.citations[0].quotes)
    _assert_verified(result)


def test_multi_part_question_answers_each_part(seeded):
    result = answer("本溪2022年一审行政诉讼结案多少件?败诉率是多少?", seeded, mode="extractive")
    assert "354件" in result.answer and "12.71%" in result.answer
    _assert_verified(result)


def test_missing_year_is_refused_saying_what_exists(seeded):
    result = answer("平遥2021年行政复议收了多少件?", seeded, mode="extractive")
    assert result.refused and result.answer.startswith(REFUSAL)
    assert "平遥县没有2021年的报告" in result.answer and "2020年" in result.answer
    assert "22件" not in result.answer and result.citations == []


def test_region_not_in_the_index_is_refused(seeded):
    result = answer("大连市2022年的法律援助案件有多少件?", seeded, mode="extractive")
    assert result.refused and "大连市" in result.answer and "本溪市2022年" in result.answer


def test_indicator_the_report_lacks_is_refused_without_any_number(seeded):
    result = answer("平遥县2020年办理了多少件法律援助案件?", seeded, mode="extractive")
    assert result.refused and result.citations == []
    body = result.answer.split("最相关的段落是")[0]
    assert not [n for n, _ in numbers_in(body)]


def test_plan_year_is_answered_from_the_reports_plan_section(seeded):
    result = answer("平遥对2021年有哪些工作安排?", seeded, mode="extractive")
    assert not result.refused and "2021年工作计划" in result.answer
    assert len(result.citations) == 5 and all(c.year == 2020 for c in result.citations)
    _assert_verified(result)


def test_events_of_an_uncovered_year_come_only_from_sentences_naming_it(seeded):
    result = answer("平顶山市政府督查机构2021年跟踪督办了多少项重点工作?", seeded, mode="extractive")
    assert not result.refused and "121项" in result.answer and "2021年" in result.answer
    assert any("其他年度" in n for n in result.notices)


def test_comparison_answers_per_region_and_ranks_the_same_indicator(seeded):
    result = answer("哪个地区的行政复议纠错率最高?", seeded, mode="extractive")
    ranking = next(line for line in result.answer.splitlines() if line.startswith("比较"))
    assert re.search(r"本溪市 23\.29%\[\d\] > 长沙市芙蓉区 20\.93%\[\d\] > 温州市 17\.3%\[\d\]", ranking)
    assert "未自动提取到该指标数值: 平遥县、平顶山市" in result.answer
    _assert_verified(result)


def test_comparison_without_a_known_indicator_quotes_each_region(seeded):
    result = answer("本溪和温州在行政复议纠错力度上怎么比?", seeded, mode="extractive")
    lines = result.answer.splitlines()
    assert any(line.startswith("- 本溪市2022年:") and "[" in line for line in lines)
    assert any(line.startswith("- 温州市2018年:") and "[" in line for line in lines)
    assert {c.region for c in result.citations} == {"本溪市", "温州市"}
    _assert_verified(result)


def test_document_questions_use_title_and_signature_and_never_echo_spam(seeded):
    result = answer("芙蓉区这份报告是谁落款的?", seeded, mode="extractive")
    assert "中共长沙市芙蓉区委员会" in result.answer and "2024年1月31日" in result.answer
    assert "凯发" not in result.answer and "长沙市芙蓉区人民政府" in result.answer
    _assert_verified(result)


def test_problem_list_reads_the_problems_section(seeded):
    result = answer("本溪2022年的报告里存在哪些问题?", seeded, mode="extractive")
    assert [c.heading.split(" > ")[0] for c in result.citations] == ["二、2022年法治政府建设存在的问题与不足"] * 4
    assert result.answer.count("\n- ") == 4


def test_follow_ups_resolve_region_and_year_from_the_previous_turn(seeded):
    first = answer("芙蓉区行政复议纠错率是多少?", seeded, mode="extractive")
    second = answer("那本溪呢?", seeded, mode="extractive", history=[first])
    assert "本溪市" in second.resolved_question and "纠错率" in second.resolved_question
    assert "23.29%" in second.answer
    third = answer("去年呢?", seeded, mode="extractive", history=[first, second])
    assert third.years == [2021] and third.refused and "本溪市没有2021年的报告" in third.answer


@pytest.mark.parametrize("written,canonical", [
    ("372件", "372"), ("20.93%", "%20.93"), ("603.81万", "6038100"), ("1,234", "1234"),
    ("２０．９３％", "%20.93"), ("2024年1月31日", "date:2024-1-31"), ("9.87亿", "987000000"),
])
def test_numbers_are_normalised(written, canonical):
    assert numbers_in(written)[0][1] == canonical


def test_verification_flags_wrong_numbers_and_bad_markers():
    passages = {1: "全年办理行政复议案件372件,纠错率20.93%", 2: "罚没款共603.81万余元"}
    check = verify("办理372件[1],纠错率21.5%[1]。罚没6038100元[2]。另有99件[7]。", passages)
    assert check.unverified == ["21.5%", "99"] and check.invalid_markers == [7] and check.markers == [1, 2]
    # a number must be in a passage cited by its own claim, not just somewhere
    assert verify("罚没款603.81万[1]。", passages).unverified == ["603.81万"]


def test_a_report_of_several_years_answers_its_years_and_refuses_others(seeded, tmp_path):
    pipeline = sibling(seeded, copy_to=tmp_path / "data")
    report = tmp_path / "wuxing.txt"
    report.write_text("湖州市吴兴区2019—2023年法治政府建设工作总结\n"
                      "2019年以来,吴兴区坚持依法行政,现将五年来工作情况总结如下。\n"
                      "一、主要成效\n五年来,全区行政复议收案分别为:2019年121件、2020年134件、2021年158件、"
                      "2022年176件、2023年190件。\n全区法律援助中心五年共办理法律援助案件4120件。\n", encoding="utf-8")
    pipeline.ingest([report])
    coverage = pipeline.coverage()
    assert coverage.held("湖州市吴兴区") == "2019—2023年" and ("湖州市吴兴区", 2021) in coverage.pairs
    inside = answer("吴兴区2021年行政复议收了多少件?", pipeline, mode="extractive")
    assert not inside.refused and "158件" in inside.answer and inside.citations
    assert any("多年总结" in n and "2021" in n for n in inside.notices)
    outside = answer("吴兴区2024年行政复议收了多少件?", pipeline, mode="extractive")
    assert outside.refused and outside.citations == []
    assert "湖州市吴兴区没有2024年的报告(现有: 2019—2023年)" in outside.answer
    years = answer("吴兴区这份总结覆盖的是哪几年?", pipeline, mode="extractive")
    assert "2019—2023年" in years.answer and years.citations and "2019—2023年" in years.citations[0].text
    assert "文本类型: 年度工作报告(多年总结)" in years.answer
    seeds_year = answer("平遥2021年行政复议收了多少件?", pipeline, mode="extractive")
    assert seeds_year.refused and "2020年" in seeds_year.answer  # single-year reports are as before
