"""Metadata on documents nobody tuned for: the field set (read in place), self-made pages, PDF and
DOCX reports, and short pages written here for one rule each. Field by field, with provenance."""
from __future__ import annotations

from pathlib import Path

import pytest

from rag.ingest import load_document
from rag.ingest.chunk import chunk_document
from rag.library import describe
from rag.retrieve import Coverage, analyse
from tests import docmaker
from tests.conftest import FIELD, needs_field


def _doc(tmp_path: Path, text: str, name: str = "page.txt"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return load_document(path)


def _fields(doc) -> dict:
    return {"title": doc.title, "region": doc.region, "year": doc.year, "doc_type": doc.doc_type}


FIELD_EXPECTED = {
    "county_2025_report.txt": (
        {"title": "某县2025年度法治政府建设情况报告", "region": "", "year": 2025, "doc_type": "annual_report"},
        {"year": "title"}),
    "district_five_year_report.txt": (
        {"title": "2023年区五年法治政府建设工作情况报告", "region": "", "year": None, "doc_type": "annual_report"},
        {"year": "title"}),
    "jinchang_2025_plan.txt": (
        {"title": "金昌市人民政府关于印发《金昌市创建全国法治政府建设示范市实施方案》的通知", "region": "金昌市",
         "year": 2025, "doc_type": "plan"},
        {"title": "header", "region": "title"}),
    "qingshui_2023_interpretation.txt": (
        {"title": "关于《清水县人民政府关于清水县2023年度法治政府建设工作总结的报告》的政策解读", "region": "清水县",
         "year": 2023, "doc_type": "interpretation"},
        {"year": "title", "region": "title"}),
    "yunnan_2022_whitepaper_note.txt": (
        {"region": "云南省", "year": 2022, "doc_type": "other"}, {"year": "opening", "title": "body"}),
}


@needs_field
@pytest.mark.parametrize("name", sorted(FIELD_EXPECTED))
def test_field_documents_metadata(name):
    doc = load_document(FIELD / name)
    expected, sources = FIELD_EXPECTED[name]
    assert {k: v for k, v in _fields(doc).items() if k in expected} == expected
    assert {k: doc.provenance[k]["source"] for k in sources} == sources


@needs_field
def test_field_dates_bound_but_do_not_set_the_year():
    qingshui = load_document(FIELD / "qingshui_2023_interpretation.txt")
    assert (qingshui.published, qingshui.year) == ("2024-01-08", 2023)
    jinchang = load_document(FIELD / "jinchang_2025_plan.txt")
    assert (jinchang.signed, jinchang.published, jinchang.issuer) == ("2025-06-13", "2025-06-30", "金昌市人民政府")
    assert jinchang.provenance["year"]["confidence"] == "low"
    district = load_document(FIELD / "district_five_year_report.txt")
    assert district.published == "2023-05-07" and district.publisher == ""  # 来源:网友投稿 is no publisher
    assert "小编" not in district.text and "网友投稿" not in district.text


@pytest.mark.parametrize("build", ["html_table", "html_fields", "messy_text", "pdf", "docx"])
def test_self_made_documents_metadata_and_no_chrome_in_chunks(tmp_path, build):
    makers = {
        "html_table": lambda: docmaker.gov_page_html(tmp_path / "index.html"),
        "html_fields": lambda: docmaker.gov_page_html(tmp_path / "index.htm", layout="fields"),
        "messy_text": lambda: docmaker.messy_text_page(tmp_path / "copied.txt"),
        "pdf": lambda: docmaker.report_pdf(tmp_path / "report.pdf"),
        "docx": lambda: docmaker.report_docx(tmp_path / "report.docx"),
    }
    path, expected = makers[build]()
    doc = load_document(path)
    assert {k: getattr(doc, k) for k in expected} == expected
    assert doc.provenance["year"]["source"] in ("title", "header")
    chunks = chunk_document(doc, 320)
    joined = "\n".join(c.text for c in chunks)
    for chrome in ("今天是", "星期", "农历", "无障碍", "您所在的位置", "浏览次数", "版权所有", "ICP备", "分享到", "相关链接"):
        assert chrome not in joined, chrome
    assert all(doc.text[c.start:c.end] == c.text for c in chunks)


def test_date_widget_is_never_the_year(tmp_path):
    doc = _doc(tmp_path, "今天是2026年12月2日 星期三\n无障碍 | 简体 | 繁体\n宁波市北仑区法治政府建设工作情况报告\n"
                         "2020年,北仑区坚持依法行政,全年办理行政复议案件88件。\n北仑区人民政府\n2021年3月5日\n")
    assert (doc.year, doc.provenance["year"]["source"], doc.region) == (2020, "opening", "宁波市北仑区")
    assert "2026" not in doc.text and "无障碍" not in doc.text


def test_yearbook_entry_takes_the_year_of_its_lead(tmp_path):
    doc = _doc(tmp_path, "【行政复议】2019年,县司法局共收到行政复议申请41件,依法受理38件,审结36件。\n"
                         "【法律援助】2019年,办理法律援助案件215件。\n")
    assert (doc.year, doc.doc_type, doc.region) == (2019, "yearbook", "")


def test_first_heading_gives_the_year_when_title_and_opening_do_not(tmp_path):
    doc = _doc(tmp_path, "嘉兴市南湖区法治政府建设情况报告\n区委、区政府高度重视法治政府建设。\n"
                         "一、2022年推进法治政府建设的主要举措\n全年审查规范性文件14件。\n")
    assert (doc.year, doc.provenance["year"]["source"]) == (2022, "heading")


def test_spans_of_years_are_not_one_year(tmp_path):
    plan = _doc(tmp_path, "宜昌市法治政府建设规划(2021—2025年)\n为全面推进依法行政,制定本规划。\n", "plan.txt")
    assert (plan.year, plan.doc_type, plan.span, plan.covered()) == (None, "plan", "2021-2025", (2021, 2022, 2023, 2024, 2025))
    five = _doc(tmp_path, "五年来法治政府建设情况的报告\n五年来,我市坚持依法行政。\n", "five.txt")
    assert (five.year, five.span, five.covered()) == (None, "", ())  # five years, but which ones the title does not say
    short = _doc(tmp_path, "某某县2019-23年法治政府建设工作总结\n五年来,全县坚持依法行政。\n", "short.txt")
    assert (short.year, short.span) == (None, "2019-2023")
    assert describe(short, "year") == "2019—2023 (多年) (标题, 高)" and describe(five, "year").startswith("不详")
    named = _doc(tmp_path, "某某市“十三五”时期法治政府建设工作总结\n五年来,全市坚持依法行政。\n", "plan13.txt")
    assert (named.year, named.span) == (None, "2016-2020")
    since = _doc(tmp_path, "某某市2017年以来法治政府建设情况\n2017年以来,全市坚持依法行政。\n", "since.txt")
    assert (since.year, since.span) == (None, "")  # no last year: not a closed span


def test_masked_region_stays_unknown(tmp_path):
    doc = _doc(tmp_path, "*区2021年法治政府建设工作报告\n2021年,*区坚持依法行政,泸州市委、市政府给予肯定。\n")
    assert (doc.region, doc.year) == ("", 2021)
    assert "隐去" in doc.provenance["region"]["note"]


def test_posting_date_bounds_the_year(tmp_path):
    doc = _doc(tmp_path, "发布日期:2021-02-01\n关于法治政府建设工作情况的报告\n2025年,力争全面建成法治政府。\n"
                         "一、主要工作\n2020年,全市办理行政复议案件120件。\n")
    assert doc.year in (None, 2020)  # never the planned 2025, which is after the posting date


def test_header_forms_one_line_and_pipe_table(tmp_path):
    one_line = _doc(tmp_path, "湖州市吴兴区2022年法治政府建设年度报告\n文章来源:吴兴区司法局  更新时间:2023-02-10  浏览次数:56\n"
                              "2022年,吴兴区深入推进依法行政。\n", "a.txt")
    assert (one_line.publisher, one_line.published, one_line.year) == ("吴兴区司法局", "2023-02-10", 2022)
    table = _doc(tmp_path, "索 引 号 | 001/2024-07 | 发布机构 | 临夏州司法局 |\n成文日期 | 2024-03-01 | 发布日期 | 2024-03-08 |\n"
                           "标 题 | 临夏回族自治州2023年法治政府建设情况报告 |\n2023年,全州坚持依法行政。\n", "b.txt")
    assert (table.title, table.year, table.published, table.signed) == (
        "临夏回族自治州2023年法治政府建设情况报告", 2023, "2024-03-08", "2024-03-01")
    assert table.provenance["title"]["source"] == "header"


def test_news_interpretation_and_notice_types(tmp_path):
    news = _doc(tmp_path, "法治护航营商环境\n来源:绍兴日报  记者 王某\n今年以来,我市持续推进法治政府建设。\n", "n.txt")
    assert news.doc_type == "news"
    reading = _doc(tmp_path, "《某市2022年度法治政府建设情况报告》解读\n一、起草背景\n根据要求起草本报告。\n", "r.txt")
    assert (reading.doc_type, reading.year) == ("interpretation", 2022)
    notice = _doc(tmp_path, "关于印发《2024年全县法治政府建设工作要点》的通知\n各乡镇人民政府:\n现印发给你们。\n", "p.txt")
    assert (notice.doc_type, notice.year) == ("plan", 2024)


def _unsure(doc_year, source):
    from rag.types import Document

    doc = Document("d", "s.txt", "s.txt", "", "", title="某报告", region="嘉兴市南湖区", year=doc_year,
                   provenance={"year": {"source": source, "confidence": "medium"}} if source else {})
    strong = Document("e", "t.txt", "t.txt", "", "", title="另一报告", region="平遥县", year=2020,
                      provenance={"year": {"source": "title", "confidence": "high"}})
    return Coverage.of([doc, strong])


def test_missing_year_is_refused_only_when_years_are_sure():
    sure = analyse("平遥县2021年行政复议收案多少件?", _unsure(2019, "title"))
    assert sure.year_filter == [] and not sure.unsure_year and "没有2021年的报告" in "".join(sure.notices)
    guessed = analyse("南湖区2021年行政复议收案多少件?", _unsure(2019, "opening"))
    assert guessed.unsure_year and "年度未能" in "".join(guessed.notices)
    unknown = analyse("南湖区2021年行政复议收案多少件?", _unsure(None, ""))
    assert unknown.unsure_year


# ---- pages as CMS sites and newsrooms post them (tests/docmaker.py) -----------------------------
FIELDS = ("title", "region", "year", "doc_type", "issuer", "signed", "published", "publisher")


def _assert_fields(doc, expected: dict) -> None:
    for key in FIELDS:
        if key in expected:
            assert (key, getattr(doc, key)) == (key, expected[key])


@pytest.mark.parametrize("h1", [True, False], ids=["h1", "no-h1"])
@pytest.mark.parametrize("separator", sorted(docmaker.CMS_SEPARATORS))
def test_cms_page_title_loses_its_column_and_site(tmp_path, separator, h1):
    path, expected = docmaker.cms_page_html(tmp_path / "art.html", separator=docmaker.CMS_SEPARATORS[separator], h1=h1)
    doc = load_document(path)
    _assert_fields(doc, expected)
    assert doc.provenance["title"]["source"] == "title" and doc.provenance["region"]["source"] == "title"
    assert "法治政府建设_" not in doc.text and "字体" not in doc.text


@pytest.mark.parametrize("separator", sorted(docmaker.CMS_SEPARATORS))
def test_copied_cms_page_title_loses_its_column_and_site(tmp_path, separator):
    path, expected = docmaker.cms_text_page(tmp_path / "copied.txt", separator=docmaker.CMS_SEPARATORS[separator])
    _assert_fields(load_document(path), expected)


@pytest.mark.parametrize("crumb", sorted(docmaker.CRUMBS))
@pytest.mark.parametrize("form", ["html", "text"])
def test_breadcrumbs_in_any_form_are_neither_title_nor_text(tmp_path, crumb, form):
    make = docmaker.cms_page_html if form == "html" else docmaker.cms_text_page
    path, expected = make(tmp_path / f"page.{'html' if form == 'html' else 'txt'}", crumb=docmaker.CRUMBS[crumb])
    doc = load_document(path)
    _assert_fields(doc, expected)
    assert not [line for line in doc.text.split("\n") if line.startswith(("首页", "区政府", "当前位置"))]


@pytest.mark.parametrize("story, crumb", [
    (docmaker.LIUZHOU, ""),
    (docmaker.LIUZHOU, "柳州新闻网 » 本地新闻 » 时政"),
    (docmaker.YIWU, docmaker.CRUMBS["chevron"]),
], ids=["city", "city-with-crumb", "county-city-with-crumb"])
def test_news_headline_names_the_place_by_its_short_name(tmp_path, story, crumb):
    path, expected = docmaker.news_article(tmp_path / "news.txt", story, crumb)
    doc = load_document(path)
    _assert_fields(doc, expected)
    assert (doc.provenance["region"]["source"], doc.provenance["published"]["source"]) == ("title", "header")
    assert "【大】" not in doc.text and "»" not in doc.text


def test_title_split_over_two_lines_is_one_title(tmp_path):
    path, expected = docmaker.split_title_text(tmp_path / "split.txt")
    doc = load_document(path)
    _assert_fields(doc, expected)
    assert doc.provenance["year"]["source"] == "title"


def test_report_named_only_in_its_signature(tmp_path):
    path, expected = docmaker.unnamed_place_text(tmp_path / "unnamed.txt")
    doc = load_document(path)
    _assert_fields(doc, expected)
    assert doc.provenance["region"]["source"] == "signature"


@pytest.mark.parametrize("build", ["district_pdf", "unnamed_pdf", "county_docx", "split_docx"])
def test_pdf_and_docx_reports_of_new_regions(tmp_path, build):
    makers = {
        "district_pdf": lambda: docmaker.report_pdf(tmp_path / "r.pdf", docmaker.FUCHENG),
        "unnamed_pdf": lambda: docmaker.report_pdf(tmp_path / "u.pdf", docmaker.YONGKANG, header_table=False),
        "county_docx": lambda: docmaker.report_docx(tmp_path / "c.docx", docmaker.ANJI),
        "split_docx": lambda: docmaker.split_title_docx(tmp_path / "s.docx"),
    }
    path, expected = makers[build]()
    _assert_fields(load_document(path), expected)


def test_tab_separated_header_cells_keep_both_dates(tmp_path):
    doc = _doc(tmp_path, "索引号：113306/2022-0017\t发布机构：嵊州市人民政府办公室\n成文日期：2022-02-18\t发布日期：2022-02-25\n"
                         "嵊州市人民政府关于2021年度法治政府建设情况的报告\n2021年,我市深入推进依法行政。\n"
                         "嵊州市人民政府\n2022年2月18日\n")
    assert (doc.signed, doc.published, doc.publisher, doc.year, doc.region) == (
        "2022-02-18", "2022-02-25", "嵊州市人民政府办公室", 2021, "嵊州市")


def test_place_shaped_phrase_in_the_opening_does_not_outrank_the_headline(tmp_path):
    doc = _doc(tmp_path, "九江法治账本:一年办结行政复议案件过千件\n九江日报1月9日讯(记者 邹雨桐)去年,我市统筹推进老城区改造"
                         "与依法行政,行政复议办结1024件。\n")
    assert (doc.region, doc.provenance["region"]["source"], doc.doc_type) == ("九江市", "title", "news")


def test_short_names_that_are_ordinary_words_need_a_voucher(tmp_path):
    peace = _doc(tmp_path, "平安建设与法治政府建设同步推进\n今年以来,我县把平安建设与依法行政一体部署。\n", "a.txt")
    assert peace.region == ""  # 平安 (a district's short name) with no outlet of that name
    idiom = _doc(tmp_path, "以法治保障社会长治久安\n全区坚持以法治保障社会长治久安。\n", "b.txt")
    assert idiom.region == ""  # 长治久安 is not 长治市


def test_words_joined_by_slashes_in_the_body_are_not_breadcrumbs(tmp_path):
    doc = _doc(tmp_path, "兰溪市2022年法治政府建设工作报告\n2022年,我市坚持依法行政。\n行政复议/行政诉讼/法律援助\n兰溪市人民政府\n"
                         "2023年2月6日\n")
    assert "行政复议/行政诉讼/法律援助" in doc.text and (doc.region, doc.year) == ("兰溪市", 2022)


def test_a_city_is_not_held_by_its_districts_report_alone():
    coverage = Coverage({("宜宾市叙州区", 2021)})
    assert analyse("宜宾市全市2021年行政复议纠错率是多少?", coverage).unknown_regions == ["宜宾市"]
    for question in ("宜宾叙州区2021年行政复议纠错率是多少?", "宜宾市叙州区2021年行政复议纠错率是多少?"):
        plan = analyse(question, coverage)
        assert plan.unknown_regions == [] and plan.regions == ["宜宾市叙州区"]
    both = Coverage({("宜宾市叙州区", 2021), ("宜宾市", 2021)})
    assert analyse("宜宾市2021年行政复议纠错率是多少?", both).unknown_regions == []


def test_a_subtitle_under_the_title_gives_the_year_of_a_story(tmp_path):
    doc = _doc(tmp_path, "某某日报 > 要闻\n法治护航发展\n——柏溪区2023年法治政府建设工作综述\n发布日期:2024-03-14\n"
                         "记者从区司法局获悉,去年全区坚持依法行政。\n", "story.txt")
    assert (doc.year, doc.provenance["year"]["confidence"]) == (2023, "high")
