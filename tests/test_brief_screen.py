"""The one-screen brief: ranking by information (on sentences written for the test), the shape of
every seed's brief, a brief of a report from a city the code was never tuned on, and .docx export."""
from __future__ import annotations

import re

import pytest

from rag import brief_rank as rank
from rag.brief import APPENDIX, build_brief, one_screen
from rag.brief_docx import write_docx
from rag.facts import Fact
from rag.types import Passage
from tests.conftest import sibling

MAX_SCREEN_LINES = 45


def _passage(n: int, heading: str, text: str) -> Passage:
    return Passage(f"c{n}", text, "t.txt", "某市", 2021, "t", heading, "d", 0, len(text))


def test_figures_names_and_firsts_outrank_stock_phrases():
    slogan = "坚持以人民为中心,深入推进依法行政,全面加强法治政府建设,持续提升治理能力。"
    figures = "全年审查规范性文件42件,纠正7件,纠正率16.7%。"
    named = "出台《某市行政裁量基准办法》和“一码通办”机制,理顺执法程序。"
    first = "在全省率先建成行政复议网上受理平台,实现群众“掌上申请”。"
    assert rank.information(slogan) < 0 < rank.information(named)
    assert rank.information(figures) > rank.information(slogan)
    assert rank.information(first) > rank.information("建成行政复议网上受理平台,实现群众“掌上申请”。")


def test_trim_keeps_the_clauses_with_the_figures_verbatim():
    sentence = ("围绕优化营商环境这一中心任务,统筹推进各项改革措施,不断深化放管服改革,着力提升政务服务水平,"
                "全市共取消证明事项138项,压减审批时限62%,惠及企业3000余家,群众满意度持续提升。")
    cut = rank.trim(sentence, 60)
    assert len(cut) <= 62 and "138项" in cut and "62%" in cut and cut.startswith("…")
    assert cut.strip("…") in sentence  # still a quote of the report
    assert rank.trim("短句,有12件。", 60) == "短句,有12件。"


def test_headline_measures_spread_over_sections_in_report_order():
    chunks = [_passage(1, "一、主要成效 > (一)深化改革", "坚持深化改革,全面推进各项工作落实落地见效。全年办理审批事项1200件,办结率99.5%。"),
              _passage(2, "一、主要成效 > (一)深化改革", "进一步提高站位,扎实推进,持续发力,不断取得新成效。"),
              _passage(3, "一、主要成效 > (二)规范执法", "制定《某市行政执法公示办法》,公示执法决定560条。"),
              _passage(4, "一、主要成效 > (三)化解纠纷", "率先设立行政争议调解中心,调解纠纷88件。")]
    picks = rank.headline_measures(chunks, limit=3)
    assert [p.chunk.chunk_id for p in picks] == ["c1", "c3", "c4"]  # one per section, report order
    assert picks[0].quote == "全年办理审批事项1200件,办结率99.5%。" and picks[0].label == "深化改革"
    assert all("不断取得新成效" not in p.quote for p in picks)


def test_a_sentence_repeated_by_overlapping_chunks_is_picked_once_and_slogans_only_give_a_few():
    twice = "签署跨省通办合作协议,梳理通办事项139项。"
    picks = rank.headline_measures([_passage(1, "一、成效 > (一)服务", twice), _passage(2, "一、成效 > (二)服务", twice)])
    assert [p.quote for p in picks] == [twice]
    slogans = [_passage(0, "", "我区认真梳理了近年的法治政府建设工作情况,现报告如下:")] + [
        _passage(i, f"一、成效 > ({i})", f"坚持推进第{i}项重点工作,深入落实,全面见效。") for i in range(1, 9)]
    picks = rank.headline_measures(slogans)
    assert len(picks) == rank.FALLBACK_MEASURES and all("现报告如下" not in p.quote for p in picks)


def test_headline_figures_take_rates_first_one_per_indicator_in_report_order():
    def fact(i, name, value, unit, chunk):
        return Fact("d", "某市", 2021, name, value, unit, f"{value}{unit}", chunk, "句")
    facts = [fact(1, "法律援助案件", 300, "件", "a"), fact(2, "法律援助案件", 20, "件", "a"),
             fact(3, "行政复议收案", 90, "件", "b"), fact(4, "行政复议纠错率", 12.5, "%", "b"),
             fact(5, "人民调解案件", 800, "件", "c")]
    picked = rank.headline_figures(facts, limit=3)
    assert [f.indicator for f in picked] == ["法律援助案件", "行政复议纠错率", "人民调解案件"]
    assert picked[0].value == 300


@pytest.mark.parametrize("region", ["本溪市", "长沙市芙蓉区", "平顶山市", "温州市", "平遥县"])
def test_each_seed_brief_fits_one_screen_with_its_detail_in_the_appendix(seeded, region):
    brief = build_brief(seeded, region, mode="extractive")
    screen = one_screen(brief.markdown)
    assert APPENDIX in brief.markdown and brief.markdown.index(APPENDIX) < brief.markdown.index("## 来源")
    assert sum(1 for line in screen.splitlines() if line.strip()) <= MAX_SCREEN_LINES
    sections = {name: screen.split(f"## {name}")[1].split("\n## ")[0] for name in ("概况", "主要举措与成效", "关键数据")}
    assert len([l for l in sections["概况"].splitlines() if l.strip()]) <= 2
    bullets = [l for l in sections["主要举措与成效"].splitlines() if l.startswith("- ")]
    assert 1 <= len(bullets) <= rank.HEADLINE_MEASURES and all(re.search(r"\[\d+\]$", b) for b in bullets)
    rows = [l for l in sections["关键数据"].splitlines() if l.startswith("| ") and "指标" not in l]
    facts = {f.indicator for f in seeded.facts.query(seeded.settings.index_fingerprint, doc_id=brief.cited[1].doc_id)}
    assert len(rows) == min(len(facts), rank.HEADLINE_FIGURES) and (len(facts) < 6 or len(rows) >= 6)
    numbers = [int(n) for n in re.findall(r"\[(\d+)\]", screen)]
    assert max(numbers) == len(set(numbers))  # the first screen is cited first: [1]..[k] with no gaps
    assert brief.unverified == [] and "凯发一触即发" not in brief.markdown


def test_brief_of_a_report_from_an_unseen_city_leads_with_its_informative_measures(seeded, tmp_path):
    report = tmp_path / "泸州市2021年法治政府建设年度报告.txt"
    report.write_text(
        "泸州市2021年法治政府建设年度报告\n一、主要工作和成效\n(一)加强组织领导\n"
        "坚持高位推动,深入学习贯彻习近平法治思想,切实扛起法治建设第一责任人职责,不断提高政治站位。\n"
        "(二)深化行政复议改革\n全年受理行政复议案件236件,审结221件,直接纠错率15.4%。\n"
        "(三)创新执法监督\n在全省率先上线“执法监督一张网”平台,接入执法单位48家。\n"
        "二、存在的问题\n基层执法力量仍然薄弱。\n三、下一步工作计划\n推动复议案件网上办理全覆盖。\n",
        encoding="utf-8")
    pipeline = sibling(seeded, copy_to=tmp_path / "data")
    pipeline.ingest([report])
    brief = build_brief(pipeline, "泸州", mode="extractive")
    measures = one_screen(brief.markdown).split("## 主要举措与成效")[1].split("## 关键数据")[0]
    assert "15.4%" in measures and "执法监督一张网" in measures and "扛起法治建设第一责任人" not in measures
    assert "15.4%[" in one_screen(brief.markdown).split("## 关键数据")[1]
    assert "基层执法力量仍然薄弱" in one_screen(brief.markdown).split("## 存在问题")[1]
    assert "本溪" not in brief.markdown and "2022" not in brief.markdown  # one report: no other region or year
    assert brief.unverified == []


def test_docx_has_the_briefs_headings_bullets_tables_and_citations(tmp_path):
    markdown = ("# 某市2021年 简报\n\n## 概况\n\n- **某市** · 2021年[1]\n\n## 关键数据\n\n| 指标 | 数值 |\n|---|---|\n"
                "| 纠错率 | 12.5%[2] |\n\n" + APPENDIX + "\n\n> 注意: 原文\n\n## 来源\n\n1. 某市2021年 · 标题 · “…”\n")
    from docx import Document

    doc = Document(str(write_docx(markdown, tmp_path / "b.docx")))
    paragraphs = [(p.style.name, p.text) for p in doc.paragraphs]
    assert ("Heading 1", "概况") in paragraphs and ("Heading 1", "附录：分节详情") in paragraphs
    bullet = next(p for p in doc.paragraphs if p.style.name == "List Bullet")
    assert bullet.text == "某市 · 2021年[1]" and bullet.runs[0].bold
    [table] = doc.tables
    assert [c.text for c in table.rows[1].cells] == ["纠错率", "12.5%[2]"]
    assert "1. 某市2021年 · 标题 · “…”" in [t for _, t in paragraphs]
