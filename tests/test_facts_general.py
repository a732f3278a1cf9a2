"""The unit vocabulary and the general facts rules, on sentences written for these tests (not the
seeds' sentences), and on the field documents read in place."""
from __future__ import annotations


import pytest

from rag import units
from rag.compare import NOT_EXTRACTED, Comparison, answer_text, table_rows, to_markdown
from rag.facts import Fact, extract, find_indicator, indicators, sentence_facts
from rag.ingest import load_document
from rag.ingest.chunk import chunk_document
from rag.types import Chunk, Document
from tests.conftest import FIELD, needs_field



def facts_of(sentence: str, heading: str = "一、主要工作") -> dict[str, str]:
    """indicator -> the first value the sentence states for it (as comparisons use it)."""
    out: dict[str, str] = {}
    for indicator, q in sentence_facts(sentence, heading):
        out.setdefault(indicator.name, q.shown)
    return out


# ---- units ------------------------------------------------------------------------------------

def test_quantities_with_spaces_full_width_digits_and_approximations():
    found = units.find_quantities("开展学习 18 次，权重 15 %，培训１２０人，覆盖680余人次，近300场，约1,200份")
    assert [(q.number, q.unit, q.approx) for q in found] == [
        ("18", "次", ""), ("15", "%", ""), ("120", "人", ""), ("680", "人次", "余"), ("300", "场", "近"),
        ("1200", "份", "约")]
    assert found[3].shown == "680余人次" and found[4].shown == "近300场"


def test_multipliers_give_base_values_and_amount_units():
    money, cases = units.find_quantities("罚没款共1.5万余元,调解纠纷2.3万件")
    assert (money.unit, money.value, money.shown) == ("万元", 15000.0, "1.5万余元")
    assert (cases.unit, cases.value) == ("件", 23000.0)
    assert units.find_quantities("标的额9.87亿元")[0].value == pytest.approx(9.87e8)


@pytest.mark.parametrize("text", ["召开会议*次", "办理案件2*件", "共有*个协调小组", "第3次常务会议", "用时3个月",
                                  "组织10部门联合执法", "24小时服务"])
def test_placeholders_ordinals_and_words_are_not_quantities(text):
    assert units.find_quantities(text) == []


def test_counts_spelled_in_chinese_numerals_are_read_only_when_asked_for():
    text = "今年新设两个工作站,覆盖十二个乡镇,办理一百二十余件,开展一次培训,落实“三项制度”,第三次会议,《两个规定》"
    assert units.find_quantities(text) == []  # digits only, as the facts table reads
    found = units.find_quantities(text, spelled=True)
    assert [(q.shown, q.value, q.unit, q.approx) for q in found] == [
        ("两个", 2.0, "个", ""), ("十二个", 12.0, "个", ""), ("一百二十余件", 120.0, "件", "余")]
    assert [q.shown for q in units.find_quantities("审查3件,培训两次", spelled=True)] == ["3件", "两次"]
    assert [q.shown for q in units.find_quantities("撤销2件,责令履行一件,开展一次培训", spelled=True)] == ["2件", "一件"]
    assert units.spelled_value("两千零五") == 2005 and units.spelled_value("三五") is None
    assert units.spelled_value("十") == 10 and units.spelled_value("十十") is None


def test_unit_kinds_and_what_a_question_asks_for():
    assert units.kinds_of("名") == units.kinds_of("人") == {"people"}
    assert units.compatible("宗", {"cases"}) and not units.compatible("人次", {"cases"})
    assert units.asked_kinds("参加考试的有多少人?") == {"people"}
    assert "cases" in units.asked_kinds("一共办了几件?") and "cases" in units.asked_kinds("案件数是多少")
    assert units.asked_kinds("纠错的比例是多少") == {"rate"}
    assert units.asked_kinds("罚没金额多少") == {"amount"}
    assert units.asked_kinds("开展了几次学法") == {"times"}
    assert units.asked_kinds("复议工作有什么亮点") == frozenset()


@pytest.mark.parametrize("before,change", [
    ("同比增长", True), ("较上年提高", True), ("比去年下降了", True), ("环比", True), ("抽查比例从去年的", True),
    ("抽查比例提高到", False), ("纠错率为", False), ("占比", False)])
def test_changes_are_told_from_levels(before, change):
    assert units.is_change(before) is change


# ---- extraction on written sentences -----------------------------------------------------------

@pytest.mark.parametrize("sentence,heading,expected", [
    ("本年度共收到行政复议申请86件,依法受理79件,审结71件,其中直接纠错9件,纠错率12.7%。", "",
     {"行政复议收案": "86件", "行政复议办结": "71件", "行政复议纠错件数": "9件", "行政复议纠错率": "12.7%"}),
    ("全县行政复议案件通过调解、和解方式化解23宗,调解和解率达31.5%。", "",
     {"行政复议调解和解件数": "23宗", "行政复议调解和解率": "31.5%"}),
    ("全年共收到申请64件,办结60件。", "二、主要成效 > (三)做好行政复议工作",
     {"行政复议收案": "64件", "行政复议办结": "60件"}),
    ("市政府作为被告的一审行政诉讼案件47件,败诉3件,败诉率6.38%,胜诉率为93.6%。", "",
     {"行政诉讼案件": "47件", "行政诉讼败诉件数": "3件", "行政诉讼败诉率": "6.38%", "行政诉讼胜诉率": "93.6%"}),
    ("行政机关负责人出庭应诉31件,出庭应诉率达到 100 %。", "",
     {"负责人出庭应诉件数": "31件", "负责人出庭应诉率": "100%"}),
    ("全年受理法律援助案件1,286件,接待群众咨询5400余人次。", "",
     {"法律援助案件": "1,286件", "法律咨询": "5400余人次"}),
    ("全区各级调解组织调处矛盾纠纷3,150起,调解成功3,102起,成功率98.5%。", "",
     {"人民调解案件": "3,150起", "人民调解成功件数": "3,102起", "人民调解成功率": "98.5%"}),
    ("组织412名行政执法人员参加全省执法资格考试,合格率87%。", "",
     {"执法资格考试人数": "412名", "执法资格考试合格率": "87%"}),
    ("审查规范性文件15件、备案12件,清理废止文件9件。", "",
     {"规范性文件审查": "15件", "规范性文件备案": "12件", "规范性文件清理": "9件"}),
    ("法律顾问审查各类合同、协议300余份,出具法律意见书96份。", "",
     {"合法性审核": "300余份", "法律意见书": "96份"}),
    ("全年办理行政处罚案件 2,041 件,罚没款共1.2亿元。", "",
     {"行政处罚案件": "2,041件", "罚没款": "1.2亿元"}),
    ("主动公开政府信息1.6万条,办理政府信息公开申请210件。", "",
     {"主动公开政府信息": "1.6万条", "政府信息公开申请": "210件"}),
    ("县政府常务会议开展会前学法 14 次,组织法治培训 6 期、培训干部 900 人次。", "",
     {"会前学法": "14次", "法治培训": "900人次"}),
    ("开展“法律进乡村、进社区”活动320场次,培育“法律明白人”1,500名,新增民主法治示范村6个。", "",
     {"普法宣传活动": "320场次", "法律明白人": "1,500名", "民主法治示范村": "6个"}),
    ("人大代表建议办结率和满意率均达到100%,群众对法治建设的满意率为95.2%。", "", {"群众满意率": "95.2%"}),
])
def test_indicators_in_other_phrasings_and_units(sentence, heading, expected):
    assert facts_of(sentence, heading) == expected


@pytest.mark.parametrize("sentence", [
    "出庭应诉率较上年提高6个百分点。",
    "行政复议纠错率同比下降2.1%。",
    "复议案件数量比去年增长15%。",
    "区委依法治区办共召开会议*次,行政复议案件*件。",
    "该中心全年受理法律援助案件58件,接待咨询300人次。",
    "自平台上线以来,累计受理仲裁案件30余件。",
    "全市12个试点单位共办理行政处罚案件800件。",
    "力争行政复议纠错率控制在10%以内。",
    "积极推进行政复议规范化建设,举办业务培训班6期。",
    "加强法律援助工作宣传,发放宣传册3000册。",
    "5个社区、12个单位分别被评为民主法治示范社区和法治宣传教育先进单位。",
])
def test_changes_placeholders_sub_counts_targets_and_clause_boundaries_give_no_value(sentence):
    assert facts_of(sentence) == {}


def test_a_breakdown_keeps_other_indicators_but_not_the_part_of_one():
    assert facts_of("全市共有政府法律顾问120人,其中市本级30人、县级90人,公职律师45人。") == {
        "政府法律顾问人数": "120人", "公职律师人数": "45人"}
    assert facts_of("全年培训执法人员3000人次,其中市本级举办4期,培训800人次。") == {"法治培训": "3000人次"}


def test_a_centre_named_by_the_indicators_own_work_states_the_whole():
    assert facts_of("市行政复议服务中心共收到行政复议申请240件,受理220件。")["行政复议收案"] == "240件"
    assert "法律援助案件" not in " ".join(facts_of("区公共法律服务中心全年受理法律援助案件58件。"))


def test_a_measure_after_the_figure_belongs_to_that_figure():
    assert facts_of("五年来制定5部地方性法规和2部政府规章。") == {"地方性法规": "5部", "政府规章": "2部"}
    assert facts_of("废止政府规章3部。") == {}


def test_plan_sections_and_document_cards_give_no_facts():
    text = "全年办理行政复议案件50件,纠错率10%。"
    doc = Document("d", "s.txt", "s.txt", "x", text * 2, region="某市", year=2024)
    chunks = [Chunk("c1", "d", text, 0, len(text), "三、2025年工作计划", 0),
              Chunk("c2", "d", text, 0, len(text), "文档信息", 1)]
    assert extract(doc, chunks) == []
    chunks[0] = Chunk("c1", "d", text, 0, len(text), "一、工作成效 > (二)行政复议", 0)
    assert [(f.indicator, f.shown, f.chunk_id) for f in extract(doc, chunks)] == [
        ("行政复议收案", "50件", "c1"), ("行政复议纠错率", "10%", "c1")]


def test_vocabulary_names_and_synonyms():
    assert 35 <= len(indicators()) <= 60
    names = [i.name for i in indicators()]
    assert len(names) == len(set(names))
    assert find_indicator("哪个地区法律顾问最多").name == "政府法律顾问人数"
    assert find_indicator("依申请公开").name == "政府信息公开申请"
    assert find_indicator("出庭率").name == "负责人出庭应诉率"
    assert find_indicator("调(和)解率").name == "行政复议调解和解率"
    assert find_indicator("各地行政执法人员参加资格考试的人数").name == "执法资格考试人数"  # the measure decides
    assert find_indicator("法律援助咨询人次").name == "法律咨询"


# ---- the field set, read in place --------------------------------------------------------------

def _field_facts(name: str) -> dict[str, str]:
    doc = load_document(FIELD / name)
    return {f.indicator: f.shown for f in extract(doc, chunk_document(doc, 1200))}


@needs_field
def test_field_report_with_spaced_numbers():
    found = _field_facts("county_2025_report.txt")
    assert found["会前学法"] == "12次" and found["法治培训"] == "680余人次"
    assert "行政执法人员" not in found  # "约谈责任人 5 名" is not a head count


@needs_field
def test_field_pages_with_placeholders_and_quoted_figures():
    assert _field_facts("district_five_year_report.txt") == {}  # every count is masked (*次)
    assert _field_facts("yunnan_2022_whitepaper_note.txt") == {"群众满意率": "97.77%", "地方性法规": "11件"}


# ---- one renderer ------------------------------------------------------------------------------

def _fact(region: str, shown: str, value: float) -> Fact:
    return Fact("d-" + region, region, 2024, "行政复议纠错率", value, "%", shown, "c-" + region, f"纠错率{shown}。")


def test_renderer_says_not_extracted_never_not_reported():
    result = Comparison("行政复议纠错率", "%", [(1, _fact("甲市", "12%", 12.0)), (2, _fact("乙县", "9%", 9.0))], ["丙区"])
    for text in (to_markdown(result), answer_text(result)):
        assert NOT_EXTRACTED in text and "丙区" in text and "未报告" not in text
    assert "比较(行政复议纠错率,由高到低): 甲市 12%[1] > 乙县 9%[2];甲市更高,相差 12% − 9% = 3个百分点[1][2]" in answer_text(result)
    counts = Comparison("法律援助案件", "件", [(1, _fact("甲市", "1,286件", 1286.0)), (2, _fact("乙县", "412件", 412.0))])
    assert "相差 1286 − 412 = 874件[1][2]" in answer_text(counts)
    scales = Comparison("法律援助案件", "件", [(1, _fact("甲市", "1.2万件", 12000.0)), (2, _fact("乙县", "412件", 412.0))])
    assert "相差" not in answer_text(scales)  # 1.2 − 412 would not be the gap
    three = Comparison("行政复议纠错率", "%", [(1, _fact("甲市", "14.4%", 14.4)), (2, _fact("乙县", "12.6%", 12.6)),
                                            (3, _fact("丙区", "11.8%", 11.8))])
    assert "相差" not in answer_text(three)  # three regions: a gap only when the question asks for one
    assert "相差(最高甲市与最低丙区) 14.4% − 11.8% = 2.6个百分点[1][3]" in answer_text(three, extremes=True)
    assert table_rows([result])[-1] == ["行政复议纠错率", "丙区", "", NOT_EXTRACTED, ""]


def test_an_indicator_whose_subject_the_question_contradicts_is_not_chosen():
    assert find_indicator("复议的调解率是多少").name == "行政复议调解和解率"
    assert find_indicator("行政诉讼的调解率").name == "行政诉讼调解率"
    assert find_indicator("出庭率").name == "负责人出庭应诉率"  # no subject named: the name decides
