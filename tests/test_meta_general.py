"""Metadata on documents in the layouts real sites and offices use (tests/metacases.py: letterheads and
文号, issuers above the title, CMS titles with a site, news about another body's report, 解读, plans
signed the year before, five-year summaries, provinces, counties naming their city, shared district
names, renamed regions, Chinese-numeral and full-width years, Chromium-printed PDFs with running
headers, DOCX with page headers), field by field; the seeds' metadata stays as it was."""
from __future__ import annotations

import pytest

from rag.ingest import gazetteer, load_document
from rag.ingest.dates import arabic, date_line, iso_date
from tests.conftest import SEEDS
from tests.metacases import CASES, CHROMIUM, build

FIELDS = ("region", "year", "issuer", "signed", "published", "doc_type")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("metacases")
    return lambda name: build(name, CASES[name], folder)


def _params() -> list:
    pdf = [pytest.mark.skipif(not CHROMIUM, reason="needs chromium")]
    return [pytest.param(name, marks=pdf if case.fmt == "pdf" else [], id=name) for name, case in CASES.items()]


@pytest.mark.parametrize("name", _params())
def test_fields_of_each_layout(built, name):
    doc = load_document(built(name))
    expected = CASES[name].expected
    got = {key: getattr(doc, key) for key in expected}
    assert got == expected


def test_browser_printed_pdf_loses_running_header_and_page_numbers_but_no_text(built):
    if not CHROMIUM:
        pytest.skip("needs chromium")
    doc = load_document(built("pdf_browser_print"))
    assert "公报" not in doc.text and "— 1 —" not in doc.text and "— 2 —" not in doc.text
    # Chromium writes one box per character and neighbouring boxes overlap: no character twice
    assert "坚持以习近平法治思想为指导" in doc.text and "将法治建设成效纳入绩效考核" in doc.text
    assert doc.text.rstrip().endswith("2024年1月12日")


def test_the_year_of_an_opening_that_ends_with_a_colon_and_no_bracket_left_by_widgets(built):
    doc = load_document(built("widgets_salutation_colon_opening"))
    assert doc.provenance["year"]["source"] == "opening"  # not inferred from the posting date
    assert "【" not in doc.text and "字号" not in doc.text and "岳阳市人民政府:" in doc.text


def test_a_newspaper_page_keeps_its_byline_and_flags_no_spam_in_its_headline(built):
    doc = load_document(built("epaper_masthead_dateline"))
    assert doc.flags == [] and doc.header["作者"] == "本报记者 张海峰 通讯员 刘敏" and "来源: 巴彦淖尔日报" in doc.text


def test_docx_page_header_and_footer_are_not_text(built):
    doc = load_document(built("docx_chinese_numeral_years"))
    assert doc.title == "临夏市二〇二三年度法治政府建设工作报告"  # shown as written
    assert "临夏市人民政府办公室" not in doc.text and "— 1 —" not in doc.text


def test_provenance_says_where_top_issuers_and_site_regions_came_from(built):
    top = load_document(built("issuer_at_top_only"))
    assert top.provenance["issuer"]["source"] == "title" and top.provenance["signed"]["source"] == "signature"
    site = load_document(built("cms_title_site_suffix"))
    assert (site.header["网站"], site.provenance["region"]["source"]) == ("铜仁市碧江区人民政府", "header")
    assert site.title == "关于2023年度法治政府建设工作情况的报告" and "政务公开" not in site.title


def test_chinese_numeral_years_and_dates():
    assert arabic("二〇二三年度") == "2023年度" and arabic("二零二二年") == "2022年"
    assert date_line("二〇二四年一月十八日") == "2024-01-18" and date_line("二〇二三年十二月三十一日") == "2023-12-31"
    assert iso_date("二〇二四年二月二十日印发") == "2024-02-20"
    assert arabic("一是加强领导,三年来成效明显") == "一是加强领导,三年来成效明显"  # no zero: not a year


def test_regions_renamed_after_the_gazetteer_was_drawn():
    found = {r.full: (r.level, r.province) for r in gazetteer.renamed_mentions("奉化区人民政府")}
    assert found == {"宁波市奉化区": ("县区", "浙江省")}
    assert [r.full for r in gazetteer.renamed_mentions("潜山市人民政府")] == ["潜山市"]
    assert gazetteer.renamed_mentions("鼓楼区人民政府") == {}  # a name the table has is not a renaming


def test_autonomous_regions_by_their_everyday_names():
    found = {r.full for r in gazetteer.common_name_mentions("黔东南州人民政府、长阳县人民政府")}
    assert found == {"黔东南苗族侗族自治州", "长阳土家族自治县"}
    assert gazetteer.common_name_mentions("河南县域经济和县级政府") == {}  # a province's name + 县 is no county


def test_questions_find_a_region_by_the_name_its_reports_use():
    from rag.retrieve import aliases

    assert {"黔东南州", "黔东南"} <= set(aliases("黔东南苗族侗族自治州"))
    assert {"鄂温克旗", "鄂伦春旗"} <= set(aliases("鄂温克族自治旗")) | set(aliases("鄂伦春自治旗"))  # named after its people
    assert {"凤鸣街道", "凤鸣"} <= set(aliases("凤鸣街道"))  # a town whose county its report does not name
    assert {"中城街道", "中城"} <= set(aliases("南充市顺庆区中城街道"))


def test_a_unit_below_a_region_is_not_its_parent(built):
    doc = load_document(built("subdistrict_report"))
    assert (doc.region, doc.region_level, doc.provenance["region"]["source"]) == (
        "南充市顺庆区中城街道", "乡镇街道", "title")
    county = load_document(built("county_naming_its_city"))  # 赣州市于都县: a county, no unit below it
    assert county.region_level == "县区"


def test_cms_meta_tags_and_wide_gaps_in_header_fields(built):
    page = load_document(built("cms_meta_tags_only"))
    assert (page.header["网站"], page.header["来源"], page.published) == ("赤壁市人民政府", "赤壁市司法局", "2024-01-25")
    news = load_document(built("news_last_year"))
    assert news.header["来源"] == "丹东日报" and news.provenance["year"]["confidence"] == "low"


def test_a_headline_ending_in_report_is_news_when_the_page_does_not_report_itself(tmp_path):
    news = tmp_path / "n.txt"  # no 报告如下, no signature: a story about the report (case 19 is the report)
    news.write_text("安宁市发布2023年度法治政府建设情况报告\n2024-02-01 来源:安宁融媒体中心\n"
                    "近日,安宁市公布2023年度法治政府建设情况报告,全年办理行政复议案件96件。\n", encoding="utf-8")
    doc = load_document(news)
    assert (doc.doc_type, doc.year, doc.region) == ("news", 2023, "安宁市")


SEED_META = {
    "000_a71df9a351047f25.txt": {
        "title": "本溪市2022年法治政府建设情况报告", "region": "本溪市", "region_level": "地级市", "province": "辽宁省",
        "year": 2022, "doc_type": "annual_report", "issuer": "中共本溪市委法治建设委员会办公室",
        "publisher": "本溪市司法局", "signed": "2022-12-05", "published": "2022-12-27"},
    "001_a9e76fce8504005b.txt": {
        "title": "关于2023年度法治政府建设工作报告", "region": "长沙市芙蓉区", "region_level": "县区", "province": "湖南省",
        "year": 2023, "doc_type": "annual_report", "issuer": "中共长沙市芙蓉区委员会、长沙市芙蓉区人民政府",
        "publisher": "", "signed": "2024-01-31", "published": ""},
    "002_c5544e0356e4cb41.txt": {
        "title": "打造法治政府金字招牌", "region": "平顶山市", "region_level": "地级市", "province": "河南省", "year": 2022,
        "doc_type": "news", "issuer": "", "publisher": "平顶山日报", "signed": "", "published": "2022-08-29"},
    "003_d909330e91d29ae9.txt": {
        "title": "温州市人民政府关于2018年度法治政府建设工作情况的报告", "region": "温州市", "region_level": "地级市",
        "province": "浙江省", "year": 2018, "doc_type": "annual_report", "issuer": "温州市人民政府", "publisher": "",
        "signed": "2019-03-25", "published": "2020-03-17"},
    "004_60bbb429151f6620.txt": {
        "title": "平遥县2020年度法治政府建设工作报告", "region": "平遥县", "region_level": "县区", "province": "山西省",
        "year": 2020, "doc_type": "annual_report", "issuer": "", "publisher": "市政府办公室", "signed": "",
        "published": "2021-12-24"},
}


@pytest.mark.parametrize("name", sorted(SEED_META))
def test_seed_metadata_is_unchanged(name):
    doc = load_document(SEEDS / name)
    assert {key: getattr(doc, key) for key in SEED_META[name]} == SEED_META[name]


def test_widget_words_inside_sentences_are_content(tmp_path):
    page = tmp_path / "p.txt"
    page.write_text("今天是2024年3月5日 星期二 农历正月廿五\n绩溪县2023年法治政府建设工作报告\n"
                    "2023年,我县推出“扫一扫”执法监督二维码,群众扫码即可评价执法行为,农历春节期间开展专项检查12次。\n"
                    "微信扫一扫 二维码\n打印本页 关闭窗口\n", encoding="utf-8")
    doc = load_document(page)
    assert "推出“扫一扫”执法监督二维码" in doc.text and "农历春节期间开展专项检查12次" in doc.text
    assert "正月廿五" not in doc.text and "关闭窗口" not in doc.text and "微信" not in doc.text


def test_a_story_about_a_report_covers_the_year_the_report_it_names_covers(tmp_path):
    story = tmp_path / "story.txt"
    story.write_text("某县新闻网 首页 > 本地新闻\n\n依法行政交出年度答卷\n\n发布时间:2025-01-20 09:00　来源:某县日报　记者 李明\n\n"
                     "本报讯 1月18日,县委全面依法治县委员会召开会议,审议通过了《安平县2024年度法治政府建设情况报告》。"
                     "记者从会上获悉,全县行政复议新收案件120件,同比增长10%。\n\n全县持证执法人员860人。\n", encoding="utf-8")
    doc = load_document(story)
    assert doc.doc_type == "news" and doc.year == 2024 and doc.provenance["year"]["confidence"] == "high"


def test_a_place_name_hidden_in_the_opening_only_is_read_without_an_error(tmp_path):
    report = tmp_path / "hidden.txt"
    report.write_text("关于2024年度法治政府建设情况的报告\n\n2024年,××县坚持依法行政,全县受理行政复议案件86件,纠错率12%。\n\n"
                      "一、主要工作\n\n全县持证执法人员620人。\n", encoding="utf-8")
    doc = load_document(report)
    assert doc.region == "" and doc.year == 2024 and "××县" in doc.provenance["region"]["note"]
