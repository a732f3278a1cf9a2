"""Each step of the extractive answerer on its own, on sentences written for the test (not the seeds):
question analysis, the asked-for slot, evidence selection, derived numbers, named items, verification."""
from __future__ import annotations

import itertools

import pytest

from rag.answer import compose, derive, items
from rag.answer.cite import REFUSAL, verify
from rag.answer.extractive import best_quotes, holds_slot
from rag.answer.question import analyse, derivation_of, slot_of
from rag.retrieve import Coverage
from rag.types import Passage


def _passage(text: str, n: int = 0, heading: str = "一、主要工作", region: str = "宜宾市叙州区", year: int = 2021,
             score: float = 0.0) -> Passage:
    return Passage(f"c{n}", text, "r.txt", region, year, "叙州区2021年法治政府建设工作报告", heading, "d", 0,
                   len(text), score=score)


COVERAGE = Coverage({("宜宾市叙州区", 2021)})


@pytest.mark.parametrize("question,kind,units", [
    ("叙州区去年有多少名执法人员参加了培训?", "count", {"people"}),
    ("全区一共受理了几件复议申请?", "count", {"cases"}),  # 件 counts several kinds; 申请 is a case
    ("普法活动一共覆盖了多少群众?", "count", {"people"}),  # no unit: the counted noun says people
    ("中心走访了多少家企业商户?", "count", {"organisations"}),
    ("改革后表单少了几种?", "change", set()),
    ("公证服务的收费总额是多少?", "amount", {"amount"}),  # money asked without 金额
    ("在这里开办一家企业要多长时间?", "duration", set()),
    ("多少人获得了生活补贴?", "count", {"people"}),  # a count of people, though money is named
    ("行政诉讼的败诉率是多少?", "rate", {"rate"}),
    ("罚没款金额是多少?", "amount", {"amount"}),
    ("条例是哪一年出台的?", "year", set()),
    ("听证会是什么时候召开的?", "date", set()),
    ("制定了哪些规范性文件?", "list", set()),
    ("群众对窗口服务的满意度达到了多少?", "rate", {"rate"}),
    ("乡镇政务公开面是多少?", "rate", {"rate"}),
    ("出台了多少项管理制度?", "count", {"documents"}),
    ("为降低行政败诉率出台了哪些文件?", "list", set()),
    ("纠错率最高的是哪些案件类型,纠错率是多少?", "rate", {"rate"}),
])
def test_slot_of_paraphrases(question, kind, units):
    slot = slot_of(question)
    assert slot.kind == kind
    assert units <= set(slot.unit_kinds)


@pytest.mark.parametrize("question,op", [
    ("参加考试的人里有多少人没有通过?", "difference"),
    ("收到的申请里还有多少件没办结?", "difference"),
    ("扣除不予受理的以后还剩多少件?", "difference"),
    ("除了市本级以外,区县一共有多少名法律顾问?", "difference"),
    ("社区矫正对象和安置帮教对象加起来有多少人?", "sum"),
    ("合格率比上年提高了几个百分点?", "points"),
    ("全年收案多少件?", None),
    ("排查的隐患中有几处没有整改到位?", "difference"),
    ("抽查的合同里没发现问题的有多少份?", "difference"),
    ("除了调解结案的,其余有多少件?", "difference"),
    ("线上办理的事项比线下办理的多多少项?", "compare"),
    ("市级和县级的法律顾问相差多少人?", "compare"),
    ("律师代理的案件占法律援助案件的比例是多少?", "share"),
    ("未成年人法律援助案件有多少件?", None),
    ("不予受理的有多少件?", None),
    ("收案数比上年多多少件?", "yearchange"),  # a stated change answers first; else its % change or two levels
    ("法律援助案件跟2022年比多办了多少件?", "yearchange"),
    ("新收的一审行政案件比上一年少掉了几件?", "yearchange"),
    ("法律顾问中,市政府以外的有多少人?", "difference"),
    ("审结的案件里,不是直接纠错的有多少件?", "difference"),
    ("矫正对象和帮教对象总数是多少?", "sum"),
    ("案件总数是多少?", None),
    ("党委和政府开会前集体学法,一共学了多少次?", "sum"),  # one subject of two words: a whole, no two parts
    ("办结的案件里除去纠错的那些,还剩多少件?", "difference"),
    ("不算上年结转下来的,今年新收的有多少件?", "difference"),
    ("不计入考核的事项有多少项?", "difference"),
    ("执法人员和法律顾问加在一块有多少人?", "sum"),
    ("审批时限压缩了多少个工作日?", "levels"),
    ("改革以后申报材料少了几份?", "levels"),
    ("出庭率比去年高了多少?", None),  # a change over time is stated, not computed from two things
    ("线上事项比线下事项多多少项?", "compare"),
])
def test_derivation_of_paraphrases(question, op):
    found = derivation_of(question)
    assert (found.op if found else None) == op


def test_analysis_names_intent_once():
    assert analyse("叙州区2021年有哪些不足?", [], COVERAGE).intent == "section"
    assert analyse("叙州区2021年出台了哪几部规章?", [], COVERAGE).intent == "list"
    assert analyse("叙州区2021年参加考试的有多少人没考过?", [], COVERAGE).intent == "derived"
    assert analyse("这份报告是谁发布的?", [], COVERAGE).intent == "meta"
    for asked in ("这份报告的文号是多少?", "那篇稿子是哪家媒体发的?作者是谁?", "这份报告是报给谁的?",
                  "这是政府的正式年度报告还是新闻报道?", "报告是什么时候写的?", "这篇报告是哪天挂到网上的?"):
        assert analyse(asked, [], COVERAGE).intent == "meta", asked
    assert analyse("白皮书是什么时候、在什么场合发布的?", [], COVERAGE).intent != "meta"  # an event in the text
    assert analyse("叙州区收案多少件?败诉率多少?", [], COVERAGE).intent == "multi"
    assert analyse("哪个地区的纠错率最高?", [], COVERAGE).intent == "compare"


def test_a_count_of_people_is_not_answered_by_a_count_of_units():
    people = slot_of("有多少人参加了培训?")
    assert not holds_slot("全区12个单位参加了培训。", people)
    assert holds_slot("全区共有360名干部参加了培训。", people)


def test_a_count_at_one_stage_is_not_answered_by_another_stage():
    received = slot_of("一共收到了多少件复议申请?")
    assert not holds_slot("全年共办结行政复议案件219件,纠错率12%。", received)  # closed, not received
    assert not holds_slot("复议机构人员编制达到11个。", received)  # 个 编制 is not a case
    assert holds_slot("全年共收到行政复议申请87件,受理80件。", received)
    passed = slot_of("考试合格的有多少人?")
    assert not holds_slot("共有512人报名参加执法资格考试。", passed)
    assert not holds_slot("对全区1200名执法人员名单进行公示。", passed)  # a figure of no stage answers none
    assert holds_slot("参考512人,考试合格468人。", passed)
    assert not holds_slot("区行政复议局全年受理行政复议案件486件,审结452件。", received)  # accepted, not received
    disclosure = slot_of("全区收到了多少件政府信息公开申请?")  # outside a legal procedure 受理 is how reports say received
    assert holds_slot("受理政府信息公开申请89件,均按期答复。", disclosure)
    closed = slot_of("平台受理的仲裁案子,结案了多少件?")  # the asking clause names the stage
    assert not holds_slot("自上线以来,已受理仲裁案件30余件。", closed)
    lost = slot_of("复议后又被起诉的案子,最后输了几件?")
    assert not holds_slot("行政复议后被诉案件数9件。", lost) and holds_slot("一审败诉6件。", lost)
    within = slot_of("审结的复议案件里,维持的有几件?")  # 审结 names the population, not the asked measure
    assert holds_slot("审结案件中,维持97件,撤销9件。", within)
    via = slot_of("通过网上办案平台办理的行政处罚案件有多少件?")  # 通过 as "via" names no stage
    assert holds_slot("全市共办理行政处罚案件1285件。", via)
    people = slot_of("宣传活动一共覆盖了多少群众?")
    assert not holds_slot("开展宣传活动120场,发放资料3万余份。", people)


def test_a_count_spelled_in_chinese_numerals_answers_and_new_additions_are_counts():
    rooms = slot_of("复议中心今年新增加了几个窗口?")
    assert rooms.kind == "count"  # 新增加了几个 asks how many were added, not a change between two levels
    assert holds_slot("为方便群众,复议中心今年新增加三个接待窗口,并开通网上申请。", rooms)
    assert not holds_slot("复议中心今年新增加一批接待窗口。", rooms)  # 一批 says no number
    trainings = slot_of("法治培训一共搞了几次?")
    assert holds_slot("全年组织开展法治专题培训两次,参训干部410人。", trainings)
    assert not holds_slot("全面推行行政执法“三项制度”。", trainings)


def test_a_duration_is_answered_by_a_span_of_time_not_a_date():
    slot = slot_of("开办一家企业现在要多长时间?")
    assert holds_slot("企业开办时间压缩至0.5个工作日。", slot)
    assert not holds_slot("2023年3月起全面推行企业开办“一网通办”。", slot)


def test_a_figure_counts_the_noun_right_before_it():
    items = slot_of("清单里一共列了多少条违法事项?")
    assert not holds_slot("制定免罚清单,覆盖8个领域,全年免予处罚案件96件。", items)  # cases, not items
    assert holds_slot("免罚清单共列明违法事项46条。", items)


def test_a_stated_share_must_be_the_asked_parts_rate():
    from rag.answer.derive import rate_of

    assert not rate_of("调解和解结案", "办结203件,其中调解和解37件,纠错率11.8%。")
    assert rate_of("调解和解结案", "通过调解、和解方式结案88件,占办结总数的28.9%。")


def test_a_count_names_what_it_counts():
    problems = slot_of("评查发现了多少个问题?")
    assert problems.head == "问题"
    assert not holds_slot("全区12个单位开展了执法案卷评查。", problems)
    assert holds_slot("开展执法案卷评查,发现问题25个。", problems)


def test_a_change_in_cases_is_not_answered_by_a_change_in_percent():
    fewer = slot_of("纠错案件比上年少了几件?")
    assert not holds_slot("纠错案件数量同比下降11.5%。", fewer)
    assert holds_slot("纠错案件较上年减少6件。", fewer)
    assert holds_slot("收案同比增长12.3%。", slot_of("收案同比增长了多少?"))  # no unit asked: a % change answers


def test_a_rate_is_not_answered_by_its_change():
    rate = slot_of("出庭应诉率是多少?")
    assert not holds_slot("行政机关负责人出庭应诉率同比提高12.5%。", rate)
    assert not holds_slot("结案率为81%,出庭应诉率同比提高12.5%。", rate)
    assert holds_slot("行政机关负责人出庭应诉率达到96.5%。", rate)


def test_passage_order_never_changes_the_quote():
    texts = ["全区办理行政复议案件86件,纠错率为9.3%。", "全区法律援助中心受理案件412件。",
             "行政诉讼一审结案40件,败诉率5%。"]
    heads = ["(四)化解行政争议", "(五)公共法律服务", "(四)化解行政争议"]
    winners = set()
    for order in itertools.permutations(range(3)):
        passages = [_passage(texts[i], i, heads[i]) for i in order]
        top = best_quotes("行政复议的纠错率是多少?", passages, [])[0]
        winners.add(top.text)
    assert winners == {texts[0]}


@pytest.mark.parametrize("question,sentence,shown", [
    ("报名参加执法资格考试的人员中有多少人没考过?", "共有512人报名参加执法资格考试,其中468人考试合格。", "512 − 468 = 44人"),
    ("受理的复议案件中还有多少件没有审结?", "全年受理行政复议案件64件,审结59件,纠错7件。", "64 − 59 = 5件"),
    ("扣除不予受理的以后还有多少件?", "共收到行政复议申请75件,不予受理9件。", "75 − 9 = 66件"),
    ("矫正对象和帮教对象加起来有多少人?", "现有社区矫正对象233人,安置帮教对象410人。", "233 + 410 = 643人"),
    ("覆盖率提高了几个百分点?", "村居法律顾问覆盖率由82%提高到97%。", "97% − 82% = 15个百分点"),
    ("排查的矛盾纠纷里有几件没有调解成功?", "共排查矛盾纠纷1250件,其中调解成功1236件。", "1250 − 1236 = 14件"),
    ("审查的备案文件中没发现问题的有多少件?", "审查备案文件218件,发现存在问题文件13件。", "218 − 13 = 205件"),
    ("审结的案件中,除了调解结案的,其余有多少件?", "受理案件96件,审结88件,调解结案30件。", "88 − 30 = 58件"),
    ("纳入目录的事项中,保留的比取消的多多少项?",
     "形成《保留事项清单(312项)》《取消事项清单(45项)》。", "312 − 45 = 267项"),
    ("“掌上办”事项比“网上办”事项少几项?", "开通网上办事项960项、“掌上办”事项402项。", "960 − 402 = 558项"),
    ("律师代理的案件占受理的法律援助案件的比例是多少?", "受理法律援助案件640件,其中律师代理512件。", "512 ÷ 640 = 80%"),
    ("建成的镇级工作站和村级工作室一共多少个?", "建成县级中心1个、镇(街道)工作站18个、村(社区)工作室260个。", "18 + 260 = 278个"),
    # 人民调解组织 names 调解 as a noun: the part is the figure of the specific verb (调解成功)
    ("排查调处的纠纷里有多少件最后没调解成功?", "全镇人民调解组织共排查调处纠纷820件,调解成功806件。", "820 − 806 = 14件"),
    ("柏溪镇办的执法案件占各镇总数的百分之几?", "全区9个镇共办理执法案件1250件,其中柏溪镇250件、南岸镇180件。",
     "250 ÷ 1250 = 20%"),
    ("受理的复议案件里,被纠错的占几个百分点?", "全年受理行政复议案件200件,直接纠错30件。", "30 ÷ 200 = 15%"),
])
def test_derived_figures_from_one_sentence(question, sentence, shown):
    found = derive.solve(derivation_of(question), slot_of(question), sentence, derive.asked_unit(question))
    assert found is not None and found.shown == shown


@pytest.mark.parametrize("question,sentence,shown", [
    ("办结的复议案件里,除去纠错的那些还剩多少件?", "全年办结行政复议案件143件,纠错19件,纠错率13.29%。", "143 − 19 = 124件"),
    ("审结的案件中,不算上年结转下来的有多少件?", "受理案件512件,审结498件(含上年结转案件37件)。", "498 − 37 = 461件"),
    ("企业开办要交的材料改革后少了几份?", "企业开办申报材料由11份精简为4份,时限压缩至1个工作日。", "11 − 4 = 7份"),
    ("审批时限缩短了多少个工作日?", "项目审批时限从平均35个工作日压缩至12个工作日。", "35 − 12 = 23个工作日"),
    ("调解员和网格员加在一块有多少人?", "全区现有专职调解员86名,网格员1245名。", "86 + 1245 = 1331人"),
    ("研判的热线工单和网络留言合计多少条?", "逐条研判了1610条12345热线工单和37条在各平台反映的网络留言。", "1610 + 37 = 1647条"),
    ("最后维持原决定的占复议申请的比例是多少?", "收到复议申请40件,维持原决定18件,撤销3件。", "18 ÷ 40 = 45%"),
    ("办结的案件大概占受理的几成?", "全年受理复议案件250件,办结231件。", "231 ÷ 250 = 92.4%"),
    ("办结的案件中,调解和解结案的比例有多大?", "受理150件,办结140件,其中维持90件,调解和解35件。", "35 ÷ 140 = 25%"),
    ("调解结案的占比比纠错率高出几个百分点?", "办结300件,纠错率11.5%,调解结案的占办结总数的20.5%。",
     "20.5% − 11.5% = 9个百分点"),
    ("撤销、变更、确认违法这三类加起来几件?", "审结案件中,维持60件,撤销7件,变更2件,确认违法4件。", "7 + 2 + 4 = 13件"),
    ("除了撤销、确认违法和责令履行的,其余有多少件?", "作出决定96件,其中撤销8件、确认违法5件、责令履行3件,其余维持。",
     "96 − 8 − 5 − 3 = 80件"),
    ("市直部门加上乡镇,总共有多少个单位?", "38个市直部门和11个乡镇主要负责人述法。", "38 + 11 = 49个"),
    ("调度中心、街道中心和社区站点一共有多少个?", "建设调度中心3个、街道中心21个、社区站点96个。", "3 + 21 + 96 = 120个"),
    ("全市通办、市县联办和部门联办这三类事项加起来一共多少项?",
     "梳理“全市通办”事项312项、“市县联办”事项95项、“部门联办”事项20项、“跨省通办”事项140项。", "312 + 95 + 20 = 427项"),
    ("全体会、协调小组会和办公室会议总共开了几次?", "召开全体会议2次、协调小组会议5次和办公室会议3次。", "2 + 5 + 3 = 10次"),
    ("被直接纠错的和以调解、和解了结的两项共有多少件?", "审结150件,直接纠错21件,调解、和解40件。", "21 + 40 = 61件"),
    ("和解调解率跟纠错率之间差了几个百分点?", "纠错率15.2%;和解、调解率21.7%。", "21.7% − 15.2% = 6.5个百分点"),
    ("抽查比例比上年提高了几个百分点?", "抽查比例从去年的4%提高到6%。", "6% − 4% = 2个百分点"),
    ("结案的行政官司里,政府没输的有多少件?", "全年一审行政诉讼结案210件,结案率85%,败诉19件。", "210 − 19 = 191件"),
    ("对接的企业里还有几家没签“法律服务”协议?", "组织8家律所与30家企业对接,与22家企业签订了“法律服务”协议。",
     "30 − 22 = 8家"),
    ("保留的加上废止、宣布失效的,规范性文件总数是多少?", "保留现行有效规范性文件96件、废止5件、宣布失效3件。", "96 + 5 + 3 = 104件"),
    ("政府法律顾问,人数比公职律师多出来多少?", "共有政府法律顾问57人,其中市政府12人,党政机关公职律师41人。", "57 − 41 = 16人"),
    ("调(和)解率和纠错率,差距有几个百分点?", "纠错率12.5%;调解、和解60件,调(和)解率20%。", "20% − 12.5% = 7.5个百分点"),
    ("那批复议申请,刨去还在审理中的,有结果的有几件?", "共收到复议申请30件,不予受理6件,维持15件,正在审理4件。", "30 − 4 = 26件"),
    ("收到的复议申请中,最后维持的占了多大比例?", "共收到复议申请40件,不予受理6件,维持原决定18件。", "18 ÷ 40 = 45%"),
    ("经手的复议案子中,审结的占百分比是多少?", "全年办理复议案件250件,审结230件,纠错21件。", "230 ÷ 250 = 92%"),
    ("审结的复议案件中,除了直接纠错的,其余有多少件?", "全年办理复议案件250件,审结230件,直接纠错21件。", "230 − 21 = 209件"),
    ("不算市本级,各地一共办了多少期?", "全市共举办60期,其中市本级举办7期。", "60 − 7 = 53期"),
    ("收到的申请里,没被受理的占了百分之几?", "共收到复议申请50件,不予受理10件,维持30件。", "10 ÷ 50 = 20%"),
    ("备案审查的文件里,不算被纠正的还有多少件?", "开展备案审查文件76件,纠正存在问题的文件5件。", "76 − 5 = 71件"),
    ("被撤销和被变更的行政处罚决定合计多少件?", "复查行政处罚决定310件,撤销行政处罚决定12件,变更7件。", "12 + 7 = 19件"),
])
def test_derived_figures_of_more_shapes(question, sentence, shown):
    found = derive.solve(derivation_of(question), slot_of(question), sentence, derive.asked_unit(question))
    assert found is not None and found.shown == shown


def test_a_compared_figure_may_sit_in_the_next_sentence():
    """A比B多多少 with A and B stated in two sentences of one passage: both are quoted, one operation shown."""
    passage = _passage("市本级开通网上办理事项877项、“一证办”事项96项。另开通自助办理事项452项、“掌上办”事项130项。", 0, "(一)政务服务")
    question = "“一证办”事项比“掌上办”事项少多少项?"
    done = compose.extractive(question, None, [passage], analysis=analyse(question, [], COVERAGE))
    assert done.derived and done.derived[0].shown == "130 − 96 = 34项"
    assert "计算得出: 130 − 96 = 34项[1]" in done.text


def test_a_bracketed_aside_is_its_own_clause():
    """'受理351件(其中涉借贷261件)': 不涉及借贷的 = 351 − 261, not a figure before it minus 351."""
    question = "受理的争议中,不涉及借贷的有多少件?"
    sentence = "提供服务685件,仲裁委共受理各类争议(纠纷)351件(其中涉借贷案件261件)。"
    found = derive.solve(derivation_of(question), slot_of(question), sentence, derive.asked_unit(question))
    assert found is not None and found.shown == "351 − 261 = 90件"


def test_no_derivation_when_a_figure_is_missing():
    question = "报名参加执法资格考试的人员中有多少人没考过?"
    assert derive.solve(derivation_of(question), slot_of(question), "共有512人报名参加执法资格考试。", "人") is None
    one_list = "免罚清单和首违不罚清单里总共列了多少条事项?"  # two figures of other things: no sum of 个 and 件
    assert derive.solve(derivation_of(one_list), slot_of(one_list),
                        "制定首违不罚清单和免罚清单,覆盖9个领域,全年免予处罚案件120件。", "条") is None


def test_verifier_accepts_one_shown_operation_and_lists_it_as_derived():
    passages = {1: "全年受理行政复议案件64件,审结59件。"}
    check = verify("受理64件,审结59件[1];未审结 64 − 59 = 5件[1]", passages)
    assert check.unverified == [] and check.derived == [{"value": "5", "operation": "64 − 59"}]
    llm_style = verify("到年底还有5件没有审结[1]。", passages)  # no arithmetic written: still found
    assert llm_style.derived and not llm_style.unverified
    points = verify("覆盖率由82%提高到97%,提高 97% − 82% = 15个百分点[1]", {1: "覆盖率由82%提高到97%。"})
    assert points.unverified == [] and points.derived == [{"value": "15", "operation": "97% − 82%"}]
    wrong = verify("到年底还有7件没有审结[1]。", passages)
    assert wrong.unverified == ["7"] and not wrong.derived
    chain = verify("其余 96 − 8 − 5 − 3 = 80件[1]", {1: "作出决定96件,其中撤销8件、确认违法5件、责令履行3件。"})
    assert chain.unverified == [] and chain.derived == [{"value": "80", "operation": "96 − 8 − 5 − 3"}]
    invented = verify("未审结 100 − 20 = 80件[1]", passages)  # right arithmetic on numbers no citation holds
    assert invented.unverified == ["100", "20", "80"] and not invented.derived


def test_items_are_collected_one_per_title_honour_or_point():
    titles = "制定出台《叙州区重大行政决策程序规定》和《叙州区行政规范性文件管理办法》。"
    assert items.items_in(titles, "titles") == ["《叙州区重大行政决策程序规定》", "《叙州区行政规范性文件管理办法》"]
    honours = "区司法局获评全省法治政府建设示范单位;南岸街道获评全国民主法治示范社区。"
    assert items.items_in(honours, "honours") == ["区司法局获评全省法治政府建设示范单位", "南岸街道获评全国民主法治示范社区"]
    points = "一是法治意识有待增强;二是执法力量仍显不足。"
    assert items.items_in(points, "points") == ["一是法治意识有待增强", "二是执法力量仍显不足"]
    numbered = "加强执法监督。(1)开展案卷评查,评查案卷210卷。(2)选聘执法社会监督员32名。①建立台账;②按月通报。"
    assert items.items_in(numbered, "points") == ["(1)开展案卷评查,评查案卷210卷", "(2)选聘执法社会监督员32名",
                                                  "①建立台账", "②按月通报"]
    assert items.items_in("第一,压实责任;第二,强化考核。", "points") == ["第一,压实责任", "第二,强化考核"]
    from rag.answer.extractive import content_terms  # "在执法监督上做了哪几件事": the asked thing is 执法监督
    assert content_terms("在执法监督上做了哪几件事?", []) == ["执法", "法监", "监督"]
    assert content_terms("开办一家企业现在要多长时间?", []) == ["开办", "企业"]  # no 家企, 多长, 长时
    assert content_terms("要素保障方面有哪些举措?", []) == ["要素", "素保", "保障"]
    enum = "完成应急管理、城市管理、农业农村三个领域执法队伍整合。"
    assert items.items_in(enum, "enums") == ["应急管理", "城市管理", "农业农村"]


def test_partial_evidence_is_said_and_refused():
    passages = [_passage("全区12个单位开展了执法案卷评查,评查结果全部通报。", 0, "(三)规范执法")]
    composed = compose.extractive("叙州区执法案卷评查发现了多少个问题?", None, passages,
                                  analysis=analyse("叙州区执法案卷评查发现了多少个问题?", [], COVERAGE))
    assert composed.refused
    assert composed.text.startswith(REFUSAL) and "报告提到" in composed.text and "但没有给出" in composed.text
    assert composed.citations and composed.citations[0].chunk_id == "c0"


def test_list_answer_has_one_cited_bullet_per_item():
    passages = [_passage("区政府制定出台《叙州区重大行政决策程序规定》《叙州区行政规范性文件管理办法》两部规章。", 0)]
    question = "叙州区2021年出台了哪几部规章?"
    composed = compose.extractive(question, None, passages, analysis=analyse(question, [], COVERAGE))
    lines = composed.text.splitlines()
    items_at = lines.index("其中点名的各项:")
    assert lines[items_at + 1:] == ["- 《叙州区重大行政决策程序规定》[1]", "- 《叙州区行政规范性文件管理办法》[1]"]
    assert any("两部规章" in line for line in lines[:items_at])  # the quote with its count stays


def test_regions_are_ranked_only_on_one_figure_of_the_asked_kind_each():
    rates = {"甲市": ("全市办结行政复议案件120件,纠错率为12.5%。", 1, _passage("x", 1, region="甲市")),
             "乙县": ("行政复议纠错率9%,同比下降2%。", 2, _passage("y", 2, region="乙县"))}
    assert compose._ranking("甲市和乙县的行政复议纠错率谁高?", rates) == \
        "比较(行政复议纠错率,由高到低): 甲市 12.5%[1] > 乙县 9%[2];甲市更高,相差 12.5% − 9% = 3.5个百分点[1][2]"
    counts = {"甲市": ("受理法律援助案件412件。", 1, _passage("x", 1, region="甲市")),
              "乙县": ("办理法律援助案件603件,审结580件。", 2, _passage("y", 2, region="乙县"))}
    assert compose._ranking("甲市和乙县的法律援助案件各有多少件?", counts) == ""  # 乙县 states two counts: no ranking


def test_a_measure_written_with_another_reports_verb_still_counts():
    """办结 / 审结 / 结案 name one measure: a corpus that only writes 审结 still weighs a question's 办结,
    and a sentence with 审结 holds it."""
    from rag.answer import extractive

    assert extractive._weights(["办结"], [], lambda t: 2.0 if t == "审结" else None) == {"办结": 2.0}
    assert extractive._in("办结", "审结920件") and not extractive._in("办结", "受理958件")


def test_which_has_more_asks_for_a_count():
    assert slot_of("两地的行政复议案件哪边办结得更多?").kind == "count"
    assert slot_of("哪个地区的法律援助案件最多?").kind == "count"


def test_meta_answer_names_the_addressee_a_report_opens_with():
    from rag.answer.structured import _salutation

    card = _passage("某县2021年法治政府建设工作报告\n发布日期: 2022-01-10", 0, "文档信息")
    body = _passage("市人民政府:\n现将我县2021年度法治政府建设工作情况报告如下。", 1, "")
    first = _passage("2021年,我县坚持以习近平法治思想为指导,全面推进依法行政。", 2, "一、主要工作")
    assert _salutation([card, body, first]) == (body, "市人民政府:")
    assert _salutation([card, first]) is None  # a body sentence is not an addressee


@pytest.mark.parametrize("question,fields", [
    ("叙州区这份材料讲的是哪年的事?", {"year"}),
    ("报告最后落款是哪一天?", {"signed"}),
    ("这篇东西在政府网站上什么时候贴出来的?", {"published"}),
    ("这个文件的文号是多少,报送给哪一级政府?", {"number", "addressee"}),
    ("是呈报给哪个部门的?", {"addressee"}),  # the 部门 is the addressee's
    ("这份报告是由哪个部门报送的?", {"issuer"}),  # who sent it, not to whom
    ("是哪个单位写的新闻稿?", {"issuer", "type"}),
    ("这份报告哪天签发的?", {"signed"}),  # 签发的 is signing, not posting
    ("介绍一下这份报告的基本信息", set()),
])
def test_a_meta_question_names_the_facts_about_the_text_it_asks(question, fields):
    from rag.answer.question import meta_fields

    assert meta_fields(question) == fields


def test_a_meta_answer_quotes_only_the_asked_facts_each_where_it_stands():
    from rag.answer.structured import meta_answer
    from rag.types import Document

    doc = Document("d", "r.txt", "r.txt", "", "", "叙州区人民政府关于法治政府建设工作情况的报告", "宜宾市叙州区",
                   year=2021, doc_type="annual_report")
    card = _passage("叙州区人民政府关于法治政府建设工作情况的报告", 0, "文档信息")
    to = _passage("宜宾市人民政府:", 1, "")
    opening = _passage("2021年是“十四五”开局之年。现将我区2021年度法治政府建设工作情况报告如下。", 2, "")
    sign = _passage("宜宾市叙州区人民政府\n2022年1月20日", 3, "落款")
    chunks = [card, to, opening, sign]
    text, cites = meta_answer([(doc, chunks)], frozenset({"year"}))
    assert "2021年[1]" in text and "落款" not in text and "报送对象" not in text
    assert [c.quotes for c in cites] == [["现将我区2021年度法治政府建设工作情况报告如下。"]]  # the sentence that says it
    text, cites = meta_answer([(doc, chunks)], frozenset({"signed"}))
    assert "2022年1月20日[1]" in text and [c.chunk_id for c in cites] == ["c3"]
    text, cites = meta_answer([(doc, chunks)])  # nothing named: every fact
    assert [c.chunk_id for c in cites] == ["c0", "c2", "c1", "c3"]
    text, cites = meta_answer([(doc, [card, opening, sign])], frozenset({"addressee"}))  # asked, but no addressee line
    assert [c.chunk_id for c in cites] == ["c0", "c2", "c3"]  # every fact there is, rather than none


def test_the_rate_of_the_year_before_is_the_level_less_its_stated_change():
    from rag.answer.compose import previous_level

    passages = [_passage("政务服务事项全部上网运行,全程网办率达到97.5%,较上年提高1.8个百分点。", 0, year=2023),
                _passage("全区行政复议纠错率为8.2%,较上年下降0.6个百分点。", 1, year=2023)]
    asked = analyse("叙州区2022年全程网办率是多少?", [], COVERAGE)
    found = previous_level("叙州区2022年全程网办率是多少?", passages, None, None, asked)
    assert found is not None and "97.5% − 1.8 = 95.7%" in found.text
    fell = previous_level("叙州区2022年行政复议纠错率是多少?", passages, None, None,
                          analyse("叙州区2022年行政复议纠错率是多少?", [], COVERAGE))
    assert fell is not None and "8.2% + 0.6 = 8.8%" in fell.text
    assert verify(found.text, {1: passages[0].text}).derived == [{"value": "95.7%", "operation": "97.5% − 1.8"}]


def test_a_figure_to_compute_without_both_operands_is_refused_not_quoted():
    passages = [_passage("全年审查备案文件187件,对发现的问题督促整改。", 0)]
    question = "叙州区2021年审查的备案文件里,没发现问题的有多少件?"
    composed = compose.extractive(question, None, passages, analysis=analyse(question, [], COVERAGE))
    assert composed.refused and "报告提到" in composed.text and "187件" in composed.text
    stated = [_passage("参加考试410人,考试合格388人,未合格22人。", 0)]
    asked = "叙州区2021年参加考试的有多少人没合格?"
    direct = compose.extractive(asked, None, stated, analysis=analyse(asked, [], COVERAGE))
    assert not direct.refused and "22" in direct.text  # stated directly, or computed: either way answered
    level = [_passage("企业开办时间压缩至1个工作日,全年新设企业2300户。", 0)]
    moved = "叙州区2021年企业开办时间比改革之前缩短了几个工作日?"
    only_level = compose.extractive(moved, None, level, analysis=analyse(moved, [], COVERAGE))
    assert only_level.refused and "压缩至1个工作日" in only_level.text  # one level: how far it moved is not given
    both = [_passage("企业开办时间由5个工作日压缩至1个工作日。", 0)]
    computed = compose.extractive(moved, None, both, analysis=analyse(moved, [], COVERAGE))
    assert not computed.refused and "5 − 1 = 4" in computed.text


def test_two_rates_are_compared_from_the_nearest_sentences_that_name_them():
    text = ("全市复议机关审结610件,直接纠错92件,纠错率15.1%;以和解、调解方式结案130件,和解、调解率为21.3%。"
            "全市一审行政诉讼案件调解率为28.5%,比去年提高3.1%。")
    question = "叙州区2021年复议的和解调解率跟纠错率之间差了几个百分点?"
    composed = compose.extractive(question, None, [_passage(text, 0)], corpus_idf=lambda term: 1.0 if term in text else None,
                                  analysis=analyse(question, [], COVERAGE))
    assert "21.3% − 15.1% = 6.2个百分点" in composed.text  # not the lawsuits' 28.5%


def test_an_aside_left_open_belongs_to_the_figure_inside_it():
    question = "受理的民商事纠纷里,涉及借贷的占几成?"
    sentence = "仲裁委受理民商事纠纷240件(其中涉借贷案件180件),标的额3.2亿元。"
    found = derive.solve(derivation_of(question), slot_of(question), sentence, "")
    assert found is not None and found.shown == "180 ÷ 240 = 75%"


@pytest.mark.parametrize("question,sentence,shown", [
    ("镇村法律顾问中不是由执业律师担任的比例是多少?", "镇村两级法律顾问配备到位,其中执业律师担任的占比91.5%。", "100% − 91.5% = 8.5%"),
    ("参考人员里没通过考试的占百分之几?", "组织执法人员参加考试,考试通过率为97.2%,较上年提高1.1个百分点。", "100% − 97.2% = 2.8%"),
])
def test_the_share_of_the_rest_is_the_complement_of_the_stated_share(question, sentence, shown):
    found = derive.solve(derivation_of(question), slot_of(question), sentence, derive.asked_unit(question))
    assert found is not None and found.shown == shown


def test_no_complement_without_a_negated_part_or_with_two_candidate_levels():
    plain = "执业律师担任的比例是多少?"
    assert derive.solve(derivation_of(plain), slot_of(plain), "其中执业律师担任的占比91.5%。", "") is None
    negated = "不是由执业律师担任的比例是多少?"
    two = "执业律师担任镇级法律顾问的占比91.5%,执业律师担任村级法律顾问的占比88%。"
    assert derive.solve(derivation_of(negated), slot_of(negated), two, "") is None


def test_verifier_takes_100_percent_as_the_whole_of_a_stated_share():
    passages = {1: "其中执业律师担任的占比91.5%。"}
    shown = verify("不是执业律师担任的占 100% − 91.5% = 8.5%[1]", passages)
    assert shown.unverified == [] and shown.derived == [{"value": "8.5%", "operation": "100% − 91.5%"}]
    llm_style = verify("其余8.5%不是执业律师[1]。", passages)
    assert llm_style.unverified == [] and llm_style.derived[0]["operation"] == "100% − 91.5%"
    assert verify("其中100%由执业律师担任[1]。", passages).unverified == ["100%"]


@pytest.mark.parametrize("claim,operation", [
    ("办结240件,纠错率12.5%,被纠错约 240 × 12.5% = 30件[1]", "240 × 12.5%"),
    ("评查案卷240卷,合格率97.5%,不合格约 240 × (1 − 97.5%) = 6卷[1]", "240 × (1 − 97.5%)"),
    ("今年收到240件,同比增长20%,上年约 240 ÷ (1 + 20%) = 200件[1]", "240 ÷ (1 + 20%)"),
    ("占 60 ÷ 240 = 25%[1]", "60 ÷ 240"),
])
def test_verifier_evaluates_shown_operations_with_rates_and_brackets(claim, operation):
    passages = {1: "办结240件,纠错率12.5%,合格率97.5%,同比增长20%,调解60件。"}
    check = verify(claim, passages)
    assert check.unverified == [] and [d["operation"] for d in check.derived] == [operation]


def test_verifier_rejects_a_shown_operation_that_does_not_give_the_number_or_uses_uncited_operands():
    passages = {1: "办结240件,纠错率12.5%。"}
    assert verify("被纠错约 240 × 12.5% = 31件[1]", passages).unverified == ["31"]
    assert verify("被纠错约 250 × 12.5% ≈ 31件[1]", passages).unverified == ["250", "31"]


@pytest.mark.parametrize("sentence,asked,shown", [
    ("全年一审案件败诉率为5.2%,同比下降0.8个百分点。", "rate", "5.2% + 0.8 = 6%"),
    ("网上可办率达97.1%,较上年提高2.1个百分点。", "rate", "97.1% − 2.1 = 95%"),
    ("共收到复议申请360件,同比增长20%,其中不予受理12件。", "count", "360 ÷ (1 + 20%) = 300件"),
    ("新收一审行政诉讼案件135件,同比下降10%;", "count", "135 ÷ (1 − 10%) = 150件"),
    ("新收一审行政诉讼案件135件,同比下降10%;", "change", "135 ÷ (1 − 10%) − 135 = 15件"),
    ("受理行政复议案件261件,较上年增长16%。", "count", "261 ÷ (1 + 16%) ≈ 225件"),
])
def test_the_year_before_from_a_stated_change(sentence, asked, shown):
    found = derive.before_change(sentence, asked)
    assert found is not None and found.shown.replace("≈", "=") == shown.replace("≈", "=")
    assert verify(f"{sentence}[1] 上年 {found.shown}[1]", {1: sentence}).unverified == []


def test_no_year_before_without_a_change_of_the_right_kind_or_with_two_candidates():
    assert derive.before_change("全年一审案件败诉率为5.2%。", "rate") is None
    assert derive.before_change("一审案件败诉率为5.2%,同比下降10%。", "rate") is None  # a rate's change in %: ambiguous
    assert derive.before_change("收到申请360件,同比增长2个百分点。", "count") is None
    two = "收到申请360件,同比增长20%;办结300件,同比增长25%。"
    assert derive.before_change(two, "count") is None


@pytest.mark.parametrize("question,sentence,shown", [
    ("办结的案件里,被撤销的大约有多少件?", "全年办结复议案件640件,撤销率12.5%,维持率70%。", "640 × 12.5% = 80件"),
    ("按合格率算,不合格的大约有多少卷?", "组织案卷评查,共评查案卷250卷,合格率96.4%,逐一反馈问题。", "250 × (1 − 96.4%) = 9卷"),
    ("法律顾问团一共几个人?", "区政府法律顾问团由9名执业律师和4名高校教师组成,全年出具法律意见86份。", "9 + 4 = 13名"),
    ("办理的政协提案和人大建议,两者之和是多少件?", "全年办理政协提案61件、人大建议48件,办结率100%。", "61 + 48 = 109件"),
    ("没调成的纠纷有多少件?", "各级调委会共调解纠纷2150件,调解成功2104件。", "2150 − 2104 = 46件"),
    ("市、县、乡三级调解组织,总量是多少个?", "建成9个市级调解中心、86个县(区)调委会、1204个乡(镇)调解室。",
     "9 + 86 + 1204 = 1299个"),
    ("立项审批和施工许可加起来最多要多少天?", "推行审批提速,立项审批“最多15天”、施工许可“最多20天”。", "15 + 20 = 35天"),
    ("聘请的法律顾问里,区政府这一级占几成?", "全区区、街道两级共聘请法律顾问40人,其中区政府12人、街道28人,公职律师30人。",
     "12 ÷ 40 = 30%"),
])
def test_counts_at_a_rate_members_of_a_whole_and_placeholders(question, sentence, shown):
    found = derive.solve(derivation_of(question), slot_of(question), sentence, derive.asked_unit(question))
    assert found is not None and found.shown.replace("≈", "=") == shown
    assert verify(f"{sentence}[1] {found.shown}[1]", {1: sentence}).unverified == []


def test_no_estimate_without_a_rate_of_the_asked_part_and_no_members_without_a_group():
    assert derivation_of("党委和政府开会前集体学法,一共学了多少次?").terms == ()
    question = "被撤销的大约有多少件?"
    assert derive.solve(derivation_of(question), slot_of(question), "全年办结复议案件640件,维持率70%。", "件") is None
    whole = "法律顾问团一共几个人?"
    assert derive.solve(derivation_of(whole), slot_of(whole), "律师9名,教师4名,出具意见86份。", "个") is None


@pytest.mark.parametrize("question,terms", [
    ("律师代理的所占比例是多少?", ("律师代理",)),
    ("律师代理的占到受理总数的多大比重?", ("律师代理", "受理总数")),
    ("律师代理案件在受理案件中占多少比例?", ("律师代理案件", "受理案件")),
    ("受理案件中有多大比例是律师代理的?", ("律师代理", "受理案件")),
])
def test_share_questions_in_any_word_order_name_their_part_and_whole(question, terms):
    found = derivation_of(question)
    assert found is not None and found.op == "share" and found.terms == terms
    sentence = "受理法律援助案件640件,其中律师代理512件。"
    assert derive.solve(found, slot_of(question), sentence, "").shown == "512 ÷ 640 = 80%"


def test_a_share_of_people_is_taken_of_people_and_a_negated_part_is_the_rest():
    question = "培训的人当中,县级培训的人占多大比重?"
    sentence = "全市举办培训60期,培训8000人,其中县级举办12期,培训2000人。"
    assert derive.solve(derivation_of(question), slot_of(question), sentence, "").shown == "2000 ÷ 8000 = 25%"
    rest = "审结的案件中,原行政行为没被纠错的比例是多少?"
    found = derive.solve(derivation_of(rest), slot_of(rest), "审结案件200件,直接纠错30件,纠错率15%。", "")
    assert found is not None and found.shown == "100% − 15% = 85%"
    window = "政务大厅里,没走“一窗受理”的业务比例是多少?"
    found = derive.solve(derivation_of(window), slot_of(window), "市政务大厅“一窗受理”比例达到92%。", "")
    assert found is not None and found.shown == "100% − 92% = 8%"


def test_a_rank_is_not_a_count_and_a_literal_measure_word_is_kept():
    assert slot_of("作品评选中得了第几名?").kind == "text"
    assert slot_of("热线今年接了多少通电话?").unit_word == "通"


def test_a_comparison_of_named_items_quotes_two_sentences_per_region(seeded):
    from rag.answer.compose import comparison

    east = _passage("区司法局获评全省法治政府建设示范单位。南岸街道社区获评全国民主法治示范社区。全年开展普法活动120场。",
                    0, region="甲市东区")
    west = _passage("西区司法局获评全省法治政府建设示范单位。全年受理复议案件40件。", 1, region="乙市西区")
    regions = {"甲市东区": [east], "乙市西区": [west]}
    text, citations = comparison("甲市东区和乙市西区获评法治示范的单位和社区分别有哪些?", regions,
                                 similarity=seeded.similarity)
    assert "示范单位。[1]" in text and "示范社区。[1]" in text and "西区司法局" in text
    assert [c.n for c in citations] == [1, 2] and len(citations[0].quotes) == 2
    single, _ = comparison("甲市东区和乙市西区复议案件各有多少件?", regions, similarity=seeded.similarity)
    assert single.count("[") <= 2


def test_a_whole_is_not_a_figure_counted_inside_it_and_neither_nor_removes_both():
    question = "审结的复议案件中,调解和解终止的占审结总数的比重是多少?"
    two = "全年审结案件150件。审结案件中,维持96件,撤销9件,经调解和解后终止30件。"
    assert derive.solve(derivation_of(question), slot_of(question), two, "").shown == "30 ÷ 150 = 20%"
    neither = "抽查的案卷中,既没评上优秀也不算不合格的有多少卷?"
    found = derive.solve(derivation_of(neither), slot_of(neither), "抽查案卷300卷,其中优秀案卷60卷、不合格案卷15卷。", "卷")
    assert found is not None and found.shown == "300 − 60 − 15 = 225卷"


def test_a_sum_part_is_not_named_by_one_shared_word():
    question = "法律顾问加上党政机关公职律师,总共多少人?"
    found = derive.solve(derivation_of(question), slot_of(question), "聘请法律顾问8名,其中律师5名、专家3名;", "人")
    assert found is None


def test_visits_do_not_answer_a_count_of_people():
    asked = slot_of("法律援助一共帮扶了多少名群众?")
    assert not holds_slot("全年办理法律援助案件864件,接待法律咨询5100余人次。", asked)
    assert holds_slot("全年为1200名群众提供法律援助。", asked)


def test_an_elliptic_whole_is_still_found_and_a_change_in_percent_states_no_move_in_days():
    question = "办结的复议案件中,靠调解和解了结的比例有多大?"
    sentence = "受理220件,办结200件,其中驳回或维持150件,调解和解40件,纠错率10%。"
    assert derive.solve(derivation_of(question), slot_of(question), sentence, "").shown == "40 ÷ 200 = 20%"
    moved = "叙州区2021年企业开办时间比改革之前缩短了几个工作日?"
    level = [_passage("企业开办时间压缩至1个工作日,新登记市场主体2.3万户,同比增长9.8%。", 0)]
    assert compose.extractive(moved, None, level, analysis=analyse(moved, [], COVERAGE)).refused


def _extract(question: str, *texts: str):
    passages = [_passage(text, n) for n, text in enumerate(texts)]
    return compose.extractive(question, None, passages, analysis=analyse(question, [], COVERAGE))


def test_a_light_verb_is_not_what_the_report_says_and_sums_name_their_parts_after_the_asked_count():
    assert derivation_of("走访的企业里,还有多少家没做合规体检?").verb.split("|")[:2] == ["做合规体检", "合规体检"]
    found = _extract("叙州区2021年走访的企业里,还有多少家没做合规体检?",
                     "中心走访企业820家,发放资料3000余份,为376家企业提供合规体检。")
    assert not found.refused and "820 − 376 = 444家" in found.text
    assert derivation_of("一共核查了多少条投诉件和网络留言?").terms == ("投诉件", "网络留言")
    summed = _extract("叙州区2021年一共核查了多少条投诉件和网络留言?",
                      "逐一核查2021年以来的1460条投诉件和37条网络留言,形成整改清单。")
    assert not summed.refused and "1460 + 37 = 1497条" in summed.text


def test_a_measure_word_and_a_head_of_another_kind_both_count():
    assert {"cases", "items"} <= set(slot_of("一共研判了多少条热线工单?").unit_kinds)  # 条 and 工单 (cases)
    assert slot_of("出台了多少件规范性文件?").unit_kinds == frozenset({"documents"})  # the head narrows 件


def test_a_move_asked_without_a_unit_is_answered_by_a_stated_move_in_percent():
    found = _extract("叙州区2021年并联审批改革以后审批效率提高了多少?", "推行并联审批改革,审批效率提升38%。")
    assert not found.refused and "38%" in found.text
    days = _extract("叙州区2021年并联审批改革以后审批时间缩短了几天?", "推行并联审批改革,审批效率提升38%。")
    assert days.refused  # a move in days is not answered by one in percent


def test_an_outcome_is_not_answered_by_a_target_or_a_plan():
    asked = "叙州区最后成功创建省级法治政府建设示范区了吗?"
    planned = _extract(asked, "力争在2025年前成功创建省级法治政府建设示范区。")
    assert planned.refused and "目标或计划" in planned.text and "力争在2025年前" in planned.text
    done = _extract(asked, "2021年成功创建省级法治政府建设示范区。")
    assert not done.refused


@pytest.mark.parametrize("question", ["纠错率跟2020年比是降了还是升了?", "败诉率有没有下降?", "调解率比上年变化如何?",
                                      "败诉率比上一年降了多少?"])
def test_which_way_a_figure_moved_asks_for_a_change(question):
    assert slot_of(question).kind == "change"


def test_a_rates_change_is_the_change_in_its_own_clause():
    slot = slot_of("败诉率比上一年降了多少?")
    assert not holds_slot("负责人出庭应诉率98.2%,同比提高11.5个百分点;败诉率7.9%。", slot)
    assert holds_slot("败诉率7.9%,同比下降1.2个百分点。", slot)


def test_the_year_before_from_a_change_in_the_figures_own_unit_or_as_written_in_the_report():
    found = derive.before_change("全县办理法律援助案件612件,比2020年增加48件。", "count", 2020)
    assert found is not None and found.shown == "612 − 48 = 564件"
    assert derive.before_change("全县办理法律援助案件612件,比2018年增加48件。", "count", 2020) is None  # not the asked year
    assert compose._states_year("法律援助案件数:2021年612件,2020年564件。", 2020, slot_of("2020年办了多少件法律援助案件?"))
    assert not compose._states_year("法律援助案件612件,比2020年增加48件。", 2020, slot_of("2020年办了多少件法律援助案件?"))


def test_a_year_compared_with_is_not_the_year_a_quote_is_about():
    assert compose._contains("2020年督办重点工作121项。", ("2020年",))
    assert not compose._contains("办理案件612件,比2020年增加48件。", ("2020年",))
    assert not compose._contains("与2020年相比,案件增长8%。", ("2020年",))


def test_an_unwritten_rate_is_computed_from_its_part_and_the_nearest_whole_before_it():
    found = _extract("叙州区2021年执法资格考试的合格率是多少?", "组织执法资格考试2次,参考420人,合格378人。")
    assert not found.refused and "378 ÷ 420 = 90%" in found.text
    nearest = _extract("叙州区2021年行政复议纠错率是多少?", "全年收到行政复议申请260件,受理240件,审结200件,其中纠错30件。")
    assert not nearest.refused and "30 ÷ 200 = 15%" in nearest.text
    without = _extract("叙州区2021年法律援助的结案率是多少?", "受理法律援助案件530件,接待咨询2100人次。")
    assert without.refused  # no 结案 figure: nothing to compute


def test_no_rate_is_computed_from_figures_of_different_units_and_an_empty_year_cell_names_no_figure():
    found = _extract("叙州区2021年负责人出庭应诉率是多少?",
                     "围绕行政机关负责人出庭应诉、法律顾问配备等9个方面开展督察,整改问题40件。")
    assert "计算得出" not in found.text
    assert not compose._contains("集成服务事项数:2021年38项,2020年—。", ("2020年",))


def test_a_list_is_read_from_the_start_of_the_point_that_holds_the_best_quote():
    text = ("一是提高立法质量。配合市人大常委会完成《某市湿地保护条例》的起草审议工作,该条例于2021年9月施行;"
            "制定政府规章《某市城市供水管理办法》。二是严格备案审查。全年审查《某市物业管理办法》等文件14件。")
    found = items.collect("2021年在立法上出了哪两部法规规章?", [_passage(text)], (0, "制定政府规章《某市城市供水管理办法》。"))
    assert [i.text for i in found] == ["《某市湿地保护条例》", "《某市城市供水管理办法》"]


def test_a_date_written_against_an_earlier_year_is_given_with_that_year_and_verified():
    text = "2020年,县政府出台推进法治政府建设的实施意见。同年11月6日,实施意见经县委全面依法治县委员会审议通过。"
    found = _extract("叙州区推进法治政府建设的实施意见是哪天审议通过的?", text)
    assert not found.refused and "同年即2020年: 2020年11月6日" in found.text
    assert verify(found.text, {1: text}, {1: {"2021"}}).unverified == []  # 2021: the report year of the label
    assert verify("2020年11月7日审议通过[1]", {1: text}).unverified == ["2020年11月7日"]
    titled = "2020年9月,县委召开会议。起草了《考核评价细则(2021年度)》。同年11月6日,细则经审议通过。"
    assert compose._relative_date(titled, "同年11月6日,细则经审议通过。") == "同年即2020年: 2020年11月6日"


def test_the_whole_a_count_is_the_stated_rate_of_is_estimated_by_division():
    question = "按办结数和办结率倒推一下,全年应办结的案件总量大概有多少件?"
    assert derivation_of(question).op == "fromrate" and derivation_of(question).terms == ("办结",)
    sentence = "全年办结行政复议案件186件,办结率为93%,纠错21件。"
    found = derive.solve(derivation_of(question), slot_of(question), sentence, derive.asked_unit(question))
    assert found is not None and found.shown == "186 ÷ 93% ≈ 200件"
    assert verify(f"{sentence}[1] {found.shown}[1]", {1: sentence}).unverified == []
    other = "全年办结行政复议案件186件,纠错率为11.3%。"  # no 办结率: nothing to divide by
    assert derive.solve(derivation_of(question), slot_of(question), other, "件") is None


def test_how_much_a_time_limit_changed_between_working_days_and_days():
    question = "不动产登记的办理时间从改革前到改革后变化了多少?"
    assert derivation_of(question).op == "levels"
    sentence = "不动产登记办理时间从原来的15个工作日压缩至3天,群众满意度明显提升。"
    found = derive.solve(derivation_of(question), slot_of(question), sentence, derive.asked_unit(question))
    assert found is not None and found.shown == "15 − 3 = 12天"


def test_a_bare_how_much_is_answered_by_a_rate_as_well_as_by_a_count():
    bare = slot_of("行政机关一把手出庭应诉这块,两个地方各是多少?")
    assert holds_slot("行政机关负责人出庭应诉率100%。", bare)
    assert not holds_slot("行政机关负责人出庭应诉率100%。", slot_of("出庭应诉的案件有多少件?"))


def test_equal_figures_of_two_regions_are_said_to_be_the_same():
    from rag.compare import Comparison, ranking
    from rag.facts import Fact

    rows = [(n, Fact(f"d{n}", region, 2023, "出庭应诉率", 100.0, "%", "100%", f"c{n}", "…"))
            for n, region in ((1, "甲县"), (2, "乙旗"))]
    assert ranking(Comparison("出庭应诉率", "%", rows)) == "比较(出庭应诉率): 甲县 100%[1] = 乙旗 100%[2],各地相同"


def test_a_figure_to_compute_asked_in_two_measures_is_computed_in_each():
    question = "叙州区2021年学法轮训,除去区本级,各镇一共办了多少期、培训了多少人?"
    found = _extract(question, "全区共举办学法轮训60期,培训8000人,其中区本级举办12期,培训2000人。")
    assert not found.refused and "60 − 12 = 48期" in found.text and "8000 − 2000 = 6000人" in found.text
    assert [c.n for c in found.citations] == [1]


def test_a_contracted_verb_and_its_full_form_name_the_same_figure():
    # the report writes the contraction, the question the full form, and the other way round
    for question, text in (("叙州区2021年调解成功的纠纷有多少件?", "全区共调解矛盾纠纷5200件,调成5100件,调成率98%。"),
                           ("叙州区2021年调成了多少件纠纷?", "各级人民调解组织调解纠纷800件,调解成功790件。")):
        found = _extract(question, text)
        assert not found.refused and "[1]" in found.text, question


def test_an_estimate_of_a_sum_is_a_sum_and_a_clause_without_a_like_figure_carries_its_subject():
    question = "给低保户减免的和给个体工商户减免的律师费,两者之和大约多少钱?"
    assert derivation_of(question).op == "sum"
    text = "为低保户减免律师费近3万元;为个体工商户提供上门服务210件,减免律师费近8万元,挽回损失120万元。"
    found = derive.solve(derivation_of(question), slot_of(question), text, derive.asked_unit(question))
    assert found is not None and found.operation == "3 + 8"
    # a figure of the same kind in the clause before is an item of its own: no subject carried over
    assert derive.solve(derivation_of("受理的和办结的加起来多少件?"), slot_of("受理的和办结的加起来多少件?"),
                        "受理申请300件,办结280件。", "件").operation == "300 + 280"


def test_a_share_whose_whole_ends_the_sentence_before():
    question = "叙州区2021年审结案件中,撤回申请终止的占审结案件的比例是多少?"
    found = _extract(question, "区复议局全年收到复议申请240件,受理210件,审结200件。审结案件中,维持150件,"
                               "撤销10件,经协调后申请人撤回申请终止30件,纠错率5%。")
    assert not found.refused and "30 ÷ 200 = 15%" in found.text


def test_a_list_reads_on_into_the_chunk_that_continues_its_paragraph():
    first = ("二是完善立法。2021年,围绕城市治理难点提请区人大出台法规《某区文明养犬条例》,用法治手段管理不文明行为。"
             "出台《某区居住房屋出租管理办法》,确立出租管理体制。")
    rest = "出台《某区居住房屋出租管理办法》,确立出租管理体制。出台规章《某区地下管线管理办法》,规范管线建设。三是严格审查。"
    a = _passage(first)
    b = Passage("c1", rest, "r.txt", a.region, a.year, a.title, a.heading, "d", len(first) - 26, len(first) - 26 + len(rest))
    question = "叙州区2021年在立法方面出台了哪些法规和规章?"
    alone = compose.extractive(question, None, [a], analysis=analyse(question, [], COVERAGE))
    assert "地下管线" not in alone.text
    found = compose.extractive(question, None, [a], analysis=analyse(question, [], COVERAGE), following={"c0": b})
    assert not found.refused
    listed = [line for line in found.text.split("其中点名的各项:")[1].splitlines() if line.startswith("- ")]
    assert listed == ["- 《某区文明养犬条例》[1]", "- 《某区居住房屋出租管理办法》[1]", "- 《某区地下管线管理办法》[2]"]
    assert "三是" not in found.text  # the next point is another topic
    assert [c.chunk_id for c in found.citations] == ["c0", "c1"]


def test_a_plan_for_a_year_is_not_an_event_of_that_year():
    assert not compose._contains("三是深化法律明白人培养,计划2025年新培育法律明白人150名;", ("2025年",))
    assert not compose._contains("力争2025年行政诉讼败诉率控制在5%以内。", ("2025年",))
    assert compose._contains("2025年3月,区政府召开常务会议专题学法。", ("2025年",))


def test_a_party_to_a_lawsuit_is_named_as_the_report_words_it():
    question = "叙州区2021年被申请行政复议和被告上法院的案子加起来有多少件?"
    sentence = "区政府作为被申请人的行政复议案件6件,其中维持5件、撤回1件;区政府作为被告的行政诉讼案件9件,出庭应诉率100%。"
    found = derive.solve(derivation_of(question), slot_of(question), sentence, derive.asked_unit(question))
    assert found is not None and found.operation == "6 + 9"


def test_a_section_cut_into_chunks_lists_every_point_not_each_chunks_first_sentence():
    from rag.answer.structured import section_quotes

    heading = "二、存在的问题"
    chunks = [Passage("c0", "对照要求,仍存在一些不足:一是部分部门重视不够;二是基层执法力量薄弱;", "r.txt", "某区", 2021, "t", heading, "d", 0, 34),
              Passage("c1", "二是基层执法力量薄弱;三是败诉问题仍然存在;四是普法针对性不强。", "r.txt", "某区", 2021, "t", heading, "d", 22, 55),
              Passage("c2", "这些问题需要在今后工作中认真加以解决。", "r.txt", "某区", 2021, "t", heading, "d", 56, 75)]
    _, picked = section_quotes("problems", chunks)
    assert [q for _, q in picked] == ["对照要求,仍存在一些不足:一是部分部门重视不够;", "二是基层执法力量薄弱;", "三是败诉问题仍然存在;",
                                      "四是普法针对性不强。", "这些问题需要在今后工作中认真加以解决。"]


def test_honours_after_a_colon_are_items_and_an_answer_without_the_asked_kind_does_not_list_them():
    sentence = "一年来,工作得到上级肯定:区司法所获评“省级模范司法所”;桂园社区获评“全国民主法治示范社区”。"
    assert items.items_in(sentence, "honours") == ["区司法所获评“省级模范司法所”", "桂园社区获评“全国民主法治示范社区”"]
    quoted = compose.Composed("…", [compose.citation(1, _passage("居民群众法治获得感明显增强。"), ["居民群众法治获得感明显增强。"])])
    assert compose.named_items("叙州区获得了哪些荣誉?", quoted) == 0
    assert compose.named_items("叙州区有哪些做法?", quoted) == 1  # not a list of honours or titles: counts as named
    both = compose.Composed("…", [compose.citation(1, _passage(sentence), [sentence])])
    assert compose.named_items("叙州区获得了哪些荣誉?", both) == 2


def test_colloquial_fines_and_questions_about_what_a_text_is():
    from rag.answer.extractive import in_report_terms

    assert "罚款" in in_report_terms("综合执法一年下来罚了多少钱?")
    assert analyse("这篇东西是什么性质的文本?是谁发出来的?", [], COVERAGE).intent == "meta"


def test_a_part_of_a_population_is_answered_only_by_a_figure_that_names_it():
    asked = slot_of("叙州区抽查的执法案卷里,评为优秀的有多少卷?")
    assert asked.part == "优秀"
    assert not holds_slot("全年抽查行政执法案卷320卷,发现问题41个。", asked)
    assert holds_slot("抽查行政执法案卷320卷,其中优秀案卷58卷。", asked)
    mediated = slot_of("叙州区的复议案件里,靠调解结案的有多少件?")
    assert not holds_slot("全年办结行政复议案件180件,纠错率9.4%。", mediated)
    assert holds_slot("通过调解结案43件。", mediated)
    assert holds_slot("全区持有效执法证件的行政执法人员860人。", slot_of("叙州区手里有执法证的执法人员有多少?"))
    assert slot_of("叙州区的法律援助中心有几家?").part == ""  # 中心 is no population


def test_a_number_the_question_states_is_not_its_answer():
    asked = slot_of("那64份法律意见书里,区政府的法律顾问出了多少份?")
    assert asked.given == frozenset({"64"})
    assert not holds_slot("两级政府法律顾问出具法律意见书64份。", asked)
    assert holds_slot("区政府法律顾问出具法律意见书40份。", asked)


def test_posts_are_not_people_and_a_bare_second_part_asks_about_the_first_parts_subject():
    from rag.answer.question import split_parts

    staff = slot_of("区复议机构现在实际有多少工作人员在岗?")
    assert staff.head == "工作人员" and "people" in staff.unit_kinds
    assert not holds_slot("目前区行政复议机构人员编制达到9个。", staff)
    assert holds_slot("区行政复议机构现有工作人员7名。", staff)
    assert split_parts("区复议局有多少编制、多少工作人员?") == ["区复议局有多少编制", "区复议局有多少工作人员"]
    assert split_parts("行政处罚办了多少起?罚没款多少?") == ["行政处罚办了多少起", "罚没款多少"]


def test_a_figure_counting_two_things_together_does_not_answer_for_one_of_them():
    sentence = "推行包容审慎监管,对236件轻微违法行为依法不予处罚或者减轻处罚。"
    assert not holds_slot(sentence, slot_of("叙州区对轻微违法行为直接不予处罚的有多少件?"))
    assert holds_slot(sentence, slot_of("叙州区不予处罚或者减轻处罚的有多少件?"))


def test_a_comparison_naming_each_regions_own_thing_asks_each_region_for_its_own():
    two = ["宜宾市叙州区", "泸州市江阳区"]
    assert compose.own_wording("叙州区的“一窗通办”和江阳区的“全城通办”,哪边事项更多?", two) == {
        "宜宾市叙州区": "“一窗通办”,哪边事项更多?", "泸州市江阳区": "“全城通办”,哪边事项更多?"}
    assert compose.own_wording("叙州区和江阳区的仲裁机构,各受理了多少案件?", two) == {}  # one shared thing
    passages = {"宜宾市叙州区": [_passage("梳理“一窗通办”事项312项。另有“全城通办”事项96项。")],
                "泸州市江阳区": [_passage("推行“一窗通办”事项75项。开通“全城通办”事项204项。", 1, region="泸州市江阳区")]}
    question = "叙州区的“一窗通办”和江阳区的“全城通办”,哪边事项更多?"
    corpus = "".join(p.text for ps in passages.values() for p in ps)
    text, _ = compose.comparison(question, passages, corpus_idf=lambda t: 1.0 if t in corpus else None,
                                 own=compose.own_wording(question, two))
    assert "312项" in text and "204项" in text and "75项" not in text and "96项" not in text
    whole, _ = compose.comparison(question, passages, corpus_idf=lambda t: 1.0 if t in corpus else None)
    assert "96项" in whole or "75项" in whole  # one wording for both: one region is quoted for the other's thing


def test_two_years_levels_give_the_change_and_a_pronoun_compares_with_the_year_asked_before():
    from rag.answer.question import _refer_back

    question = "2021年全区办了多少件法律援助案件?2022年比它多几件?"
    assert _refer_back(question) == "2021年全区办了多少件法律援助案件?2022年比2021年多几件?"
    assert derivation_of(_refer_back(question)).op == "levels"
    row = "法律援助案件数:2022年688件,2021年640件。"
    found = derive.solve(derivation_of("2022年比2021年多几件?"), slot_of("多几件"), row, "件")
    assert found is not None and found.operation == "688 − 640"
    fell = "法律援助案件数:2022年600件,2021年640件。"  # a fall is no answer to 多几件
    assert derive.solve(derivation_of("2022年比2021年多几件?"), slot_of("多几件"), fell, "件") is None


def test_a_question_asking_two_sections_gets_both_in_the_order_asked():
    from rag.answer.question import section_of

    assert section_of("请简述叙州区报告里提到的问题以及对下一年工作的总体打算。") == "problems plans"
    assert section_of("下一步有什么打算,还存在哪些不足?") == "plans problems"
    first = ("note\n叙州区2021年 «二、问题»:\n- 一是基层力量薄弱。[1]", [compose.citation(1, _passage("一是基层力量薄弱。"), [])])
    second = ("note\n叙州区2021年 «三、计划»:\n- 一是加强队伍建设。[1]", [compose.citation(1, _passage("一是加强队伍建设。", 1), [])])
    merged = compose.merged_sections([first, second])
    assert merged.text.endswith("- 一是加强队伍建设。[2]") and [c.n for c in merged.citations] == [1, 2]


def test_an_enumeration_with_long_items_is_one_list_and_activities_named_problems_are_no_section():
    from rag.answer.question import section_of

    sentence = ("围绕各级行政机关落实行政执法“三项制度”、行政复议、履行法院生效判决、法律顾问和公职律师配备使用"
                "以及党政主要负责人年度述法工作等6个方面开展督察。")
    found = items.items_in(sentence, "enums")
    assert found[1:] == ["行政复议", "履行法院生效判决", "法律顾问和公职律师配备使用", "党政主要负责人年度述法工作"]
    assert section_of("叙州区法治督察查摆问题时,关注了哪些方面的情况?") == ""
    assert section_of("叙州区还存在哪些问题?") == "problems"


def test_a_score_is_asked_in_points_and_one_levels_count_is_not_all_levels():
    score = slot_of("叙州区政务服务好差评的综合得分是多少?")
    assert holds_slot("全区好差评综合得分0.912分,全市排名第2。", score)
    assert not holds_slot("好差评满意率99.6%。", score)
    own = slot_of("区政府本级聘请的法律顾问有几位?")
    assert not holds_slot("全区两级政府及其部门聘请的政府法律顾问126人。", own)
    assert holds_slot("区政府本级聘请法律顾问9名。", own)


def test_more_shapes_of_a_figure_to_compute():
    cases = [  # (question, sentence, operation)
        ("叙州区仲裁委受理的纠纷中,跟劳动争议无关的有多少件?", "区仲裁委共受理各类争议420件(其中劳动争议案件150件)。", "420 − 150"),
        ("区复议机构加了编制后是9个,加编之前原有几个?", "新增加行政复议专项编制4个,目前区级行政复议机构人员编制达到9个。", "9 − 4"),
        ("依法治区委员会的全会、协调小组会和办公室会议,总共开了几次?",
         "区委全面依法治区委员会召开全体会议2次、协调小组会议3次和委员会办公室会议5次。", "2 + 3 + 5"),
        ("审结的复议案件里,扣除上一年结转来的,有多少件是当年新收的?", "审结300件(含上年结转案件45件),直接纠错30件。", "300 − 45"),
    ]
    for question, sentence, operation in cases:
        found = derive.solve(derivation_of(question), slot_of(question), sentence, derive.asked_unit(question))
        assert found is not None and found.operation == operation, question


def test_a_named_whole_is_not_guessed_from_a_figure_of_other_words():
    question = "审结的复议案子里,复议完又被告上法院的大概占多少比例?"
    assert derivation_of(question).terms == ("复议完又被告上法院", "审结的复议案子")
    assert derive.solve(derivation_of(question), slot_of(question), "调解、和解60件;行政复议后被诉案件数8件。") is None
    found = derive.solve(derivation_of(question), slot_of(question), "审结200件,调解、和解60件;行政复议后被诉案件数8件。")
    assert found is not None and found.operation == "8 ÷ 200"


def test_a_target_is_no_outcome_and_an_increase_is_no_total():
    rate = slot_of("叙州区行政复议的调解和解率达到多少了?")
    assert not holds_slot("二是加强复议窗口建设,力争行政复议案件调解和解率达到35%以上。", rate)
    assert holds_slot("行政复议案件调解和解率达到31.2%。", rate)
    assert not holds_slot("三是深化普法,计划新培育法律明白人3000名。", slot_of("培育了多少名法律明白人?"))
    stock = slot_of("叙州区总共有多少名法律明白人?")
    assert stock.stock and not holds_slot("全年新增法律明白人120名。", stock)
    assert holds_slot("全区共有法律明白人2860名。", stock)
    court = slot_of("负责人出庭应诉率有多高?")  # a plan word governs the clauses after it in its sentence
    assert not holds_slot("三是化解行政争议,力争行政诉讼败诉率控制在6%以内,负责人出庭应诉率达到100%。", court)
    assert holds_slot("力争败诉率控制在6%以内的目标顺利实现。负责人出庭应诉率达到97.5%。", court)
    trained = slot_of("培育了多少名法律明白人?")
    assert not holds_slot("计划新培育法律明白人3000名,每村不少于5名。", trained)
    assert holds_slot("计划新培育法律明白人3000名,目前已培育2140名。", trained)


def test_shares_asked_with_zhanbi_and_a_stage_names_the_whole():
    question = "区政务服务中心进驻的事项里,全程网办的占比是多少?"
    sentence = "区政务服务中心进驻事项920项,其中“全程网办”事项690项,“天府通办”上线高频事项410项。"
    found = derive.solve(derivation_of(question), slot_of(question), sentence)
    assert found is not None and found.operation == "690 ÷ 920"
    staged = "区复议审结案件中,靠调解和解终止的比例算下来是多少?"
    text = "共收到行政复议申请500件,依法受理460件,审结440件。审结案件中,维持300件,调解和解后终止88件;"
    found = derive.solve(derivation_of(staged), slot_of(staged), text)
    assert found is not None and found.operation == "88 ÷ 440"
    assert derive.solve(derivation_of("总共有多少名公职律师?"), slot_of("总共有多少名公职律师?"),
                        "共清理规范性文件126件,其中废止11件、宣布失效6件。", "名") is None


def test_sums_of_parts_joined_by_or_and_levels_and_the_whole_a_part_was_taken_from():
    either = "复议案件里被撤销或确认违法的一共几件?"
    assert derivation_of(either).terms == ("撤销", "确认违法的")
    text = "全年审结复议案件40件,其中维持29件,撤销6件,确认违法3件,驳回2件。"
    found = derive.solve(derivation_of(either), slot_of(either), text)
    assert found is not None and found.operation == "6 + 3"
    levels = "人民调解委员会,街道一级加社区一级一共多少个?"
    assert derivation_of(levels).terms == ("街道", "社区")
    found = derive.solve(derivation_of(levels), slot_of(levels), "全区12个街道人民调解委员会和203个社区人民调解委员会全年调解纠纷900件。")
    assert found is not None and found.operation == "12 + 203"
    assert derivation_of("建成的县级服务中心和乡镇工作站一共多少个?").terms == ("县级服务中心", "乡镇工作站")  # 中心 is no 中
    failed = "人民调解里,调了但没调成的纠纷有多少件?"
    found = derive.solve(derivation_of(failed), slot_of(failed), "全县排查矛盾纠纷2210件,调解纠纷1980件,调解成功1932件。")
    assert found is not None and found.operation == "1980 − 1932"


def test_a_year_compared_with_is_a_base_and_two_years_levels_give_the_change():
    based = analyse("叙州区复议纠错率跟2020年比降了几个百分点?", [], COVERAGE)
    assert based.years == [2021] and based.derivation.op == "points"  # the report of the year after the base
    assert analyse("叙州区2021年调解案件比2020年多了多少件?", [], COVERAGE).years == [2021]
    assert analyse("叙州区2020年和2021年的收案数分别是多少?", [], COVERAGE).years == [2020, 2021]
    text = ("2021年,全区收到复议申请420件,同比增长12.6%;审结398件,纠错率10.4%。"
            "2020年,全区收到复议申请373件,审结350件,纠错率12.9%。")
    question = "叙州区复议纠错率跟2020年比降了几个百分点?"
    found = derive.solve(derivation_of(question), slot_of(question), text)
    assert found is not None and (found.value, found.operation) == ("2.5", "12.9% − 10.4%")  # not the 12.6% change
    counted = "叙州区2021年行政复议受理的案子比2020年多了多少件?"  # each year's figure in its own sentence
    found = derive.solve(derivation_of(counted), slot_of(counted), text.replace("收到复议申请", "受理复议申请"))
    assert found is not None and found.operation == "420 − 373"
    tabled = "叙州区2021年人民调解案件比2020年多了多少件?"
    found = derive.solve(derivation_of(tabled), slot_of(tabled), "人民调解案件:2021年3120件,2020年2875件。")
    assert found is not None and found.operation == "3120 − 2875"


def test_how_many_there_are_is_not_answered_by_exam_takers_when_no_event_is_asked():
    held = slot_of("全县手里有执法证的执法人员有多少?")
    assert held.stock
    assert not holds_slot("新申领执法证件人员参加全省统一考试148人,考试合格131人。", held)
    assert holds_slot("全县现有持证行政执法人员1126名。", held)
    assert not slot_of("参加考试的执法人员有多少?").stock  # an event counts them: its takers answer


def test_how_many_people_names_people_not_a_noun_after_them():
    took = slot_of("新提拔的领导干部有几个人参加了任前法律知识考试?")
    assert took.head == "" and took.unit_kinds == {"people"}
    assert holds_slot("全年共组织46名新任领导干部参加任前法律知识考试,成绩全部合格。", took)


def test_a_share_asked_without_a_rate_name_is_the_rate_the_quote_names_with_its_words():
    court = slot_of("叙州区行政机关负责人到庭应诉的比例具体是多少?")
    assert not holds_slot("一审行政诉讼结案208件,结案率为86.3%,负责人出庭应诉率同比增长12.1%。", court)
    assert holds_slot("行政机关负责人出庭应诉率达到97.2%。", court)
    assert holds_slot("复议机构办结121件,纠错17件,纠错率14.0%。", slot_of("复议机关改掉原行政行为的比例是多少?"))


def test_own_level_amounts_carried_subjects_and_a_part_asked_after_its_population():
    own = slot_of("区本级2021年罚没收入有多少?")
    assert own.kind == "amount" and own.own_level
    assert not holds_slot("全区行政执法机关全年办理行政处罚案件6120件,罚没款3260万元;", own)  # 全区 carries over
    assert holds_slot("区本级罚没款1180万元。", own)
    opened = slot_of("收到的政府信息公开申请,最后有几件是同意公开的?")
    assert opened.part.startswith("同意公开")
    assert not holds_slot("收到政府信息公开申请41件,均在法定期限内答复。", opened)
    assert holds_slot("收到政府信息公开申请41件,其中同意公开29件。", opened)


def test_a_change_in_points_is_of_the_named_rate_and_a_share_takes_the_part_named_right_before_it():
    lost = slot_of("叙州区2021年行政诉讼败诉率比2020年降了几个百分点?")
    assert lost.kind == "points" and lost.rates == {"败诉率"}
    assert not holds_slot("败诉率7.9%,负责人出庭应诉率达到98.2%,同比提高11.5个百分点。", lost)
    assert holds_slot("败诉率7.9%,同比下降2.1个百分点。", lost)
    question = "合法性审查里,重大合同占了多大比重?"
    text = "全年对区政府重大合同、重要文件、重大决策等开展合法性审查210件,其中重大合同审查63件。"
    found = derive.solve(derivation_of(question), slot_of(question), text)
    assert found is not None and found.operation == "63 ÷ 210"


def test_a_list_asked_of_a_sections_subject_lists_its_points_and_honours_from_the_sentence_start():
    section = _passage("一是推进“放管服”改革。向乡镇赋权98项。二是规范涉企执法。推行“扫码入企”。三是强化知识产权保护。"
                       "建立快速维权机制。", heading="一、主要工作 > (二)优化法治化营商环境 > 一是推进“放管服”改革")
    plans = _passage("一是深化法治宣传;二是持续深化“放管服”改革,打造一流法治化营商环境;", n=1,
                     heading="三、2022年工作打算")
    question = "叙州区优化法治化营商环境具体做了哪几件事?"
    done = compose.extractive(question, None, [plans, section], analysis=analyse(question, [], COVERAGE))
    assert all(f"- {p}[" in done.text for p in ("一是推进“放管服”改革", "二是规范涉企执法", "三是强化知识产权保护"))
    honours = "一年来,全区工作获得上级肯定:叙州区获评“全省法治政府建设示范区”;区司法局被表彰为“全省普法先进集体”。"
    found = items.collect("叙州区受到了哪些表彰?", [_passage(honours)], (0, "区司法局被表彰为“全省普法先进集体”。"))
    assert [i.text for i in found] == ["叙州区获评“全省法治政府建设示范区”", "区司法局被表彰为“全省普法先进集体”"]


def test_a_rare_bigram_across_two_asked_words_weighs_no_more_than_they_do():
    from rag.answer.extractive import _weights

    idf = {"复议": 1.8, "议调": 6.0, "调解": 2.3, "仲裁": 5.0}.get
    passages = [_passage("以调解方式结案44件。"), _passage("全年受理行政复议申请248件。", n=1)]
    weights = _weights(["复议", "议调", "调解", "仲裁"], passages, idf)
    assert weights["议调"] == 1.8  # 复议|调解: no rarer than the words it joins
    assert weights["仲裁"] == 5.0  # a rare word of its own keeps its weight


def test_a_departments_level_is_not_a_place_in_front_of_a_term():
    question = "行政许可事项清单里,属于市直部门的事项大约占几成?"
    assert derivation_of(question).terms[0] == "属于市直部门的事项"  # 市直 is a level of departments, not 市 + 直部门
    found = derive.solve(derivation_of(question), slot_of(question),
                         "共涉及全市38个部门366项行政许可事项,其中涉及省直部门事项41项、市直部门事项325项。")
    assert found is not None and found.operation == "325 ÷ 366"


def test_matters_handled_are_not_the_items_a_list_holds():
    handled = slot_of("按信用承诺制实际办理了多少件行政许可?")
    assert not holds_slot("信用承诺制行政许可事项清单已覆盖23个市直部门、86个领域,共计268项。", handled)
    assert holds_slot("全年以告知承诺方式办理行政许可1320件。", handled)
    assert holds_slot("审查规范性文件31项。", slot_of("审查规范性文件多少件?"))  # 件 still counts documents


def test_colloquial_derived_questions_and_counts_of_one_spelled_out():
    parts = "审结的复议案子里,被撤销、确认违法和责令履行的加起来一共几件?"
    found = derive.solve(derivation_of(parts), slot_of(parts), "审结案件中,维持48件,撤销6件,确认违法3件,责令履行一件,驳回9件。")
    assert found is not None and found.operation == "6 + 3 + 1"  # 责令履行一件, is a count of one
    before = "新增之前,已经开通的跨省通办事项有多少项?"
    found = derive.solve(derivation_of(before), slot_of(before), "新增“跨省通办”事项37项,累计达到142项;")
    assert found is not None and found.operation == "142 − 37"
    failed = "抽查的执法案卷里有几卷没评上合格?"
    found = derive.solve(derivation_of(failed), slot_of(failed), "随机抽取案卷240卷,评定合格229卷,对不合格案卷逐一反馈整改。")
    assert found is not None and found.operation == "240 − 229"
    changed = "清理规范性文件时,改了的和废掉的一共多少件?"
    found = derive.solve(derivation_of(changed), slot_of(changed), "共清理128件,其中继续有效108件、修改6件、废止14件。")
    assert found is not None and found.operation == "6 + 14"
    assert slot_of("专门办复议案子的人手有几个?").unit_kinds == {"people"}  # the noun before the count
    assert "received" in slot_of("人民调解一共接手了多少件纠纷?").stages


def test_names_asked_of_things_the_report_only_counts_are_not_given():
    text = "2021年区政府作出重大行政决策5项,均履行公众参与、专家论证、合法性审查等法定程序。"
    question = "叙州区2021年那5项重大行政决策分别是什么?"
    done = compose.extractive(question, None, [_passage(text)], analysis=analyse(question, [], COVERAGE))
    assert done.refused and "没有给出各项的名称" in done.text
    named = "2021年区政府作出重大行政决策2项:《叙州区城区停车规划》《叙州区养老服务设施布局规划》。"
    done = compose.extractive(question, None, [_passage(named)], analysis=analyse(question, [], COVERAGE))
    assert not done.refused and "《叙州区城区停车规划》" in done.text


def test_a_count_given_only_through_its_negation_is_the_population_less_it():
    text = "全年共收到行政复议申请36件,不予受理9件,审结25件,维持18件。"
    question = "叙州区收到的复议申请里,最终被受理的有多少件?"
    assert not holds_slot(text, slot_of(question))  # 不予受理9件 does not name 受理
    done = compose.extractive(question, None, [_passage(text)], analysis=analyse(question, [], COVERAGE))
    assert not done.refused and "36 − 9 = 27件" in done.text
    negated = "叙州区不予受理的复议申请有多少件?"  # asking the negated side is a plain fact
    assert holds_slot(text, slot_of(negated))
    removed = "各级复议机关审结的复议案件中,扣掉上年结转过来的,还有多少件?"  # the stage tells the whole apart
    found = derive.solve(derivation_of(removed), slot_of(removed),
                         "全市各级行政复议机关立案受理640件,审结602件(含上年结转案件88件),直接纠错71件。")
    assert found is not None and found.operation == "602 − 88"


def test_takers_of_an_exam_are_not_how_many_there_are_and_a_bare_part_is_named():
    stock = slot_of("叙州区全区一共有多少行政执法人员?")
    assert not holds_slot("组织310名行政执法人员参加执法证申领考试,其中276人考试合格。", stock)
    assert holds_slot("全区持证行政执法人员共1860名。", stock)
    bare = slot_of("叙州区法律援助案件里刑事案件有多少件?")
    assert bare.part == "刑事案件"
    assert not holds_slot("全区办理法律援助案件1530件,比上年增长6.2%。", bare)
    assert holds_slot("办理法律援助案件1530件,其中刑事案件412件。", bare)


def test_a_heading_over_problems_and_plans_gives_each_question_its_own_paragraphs():
    from rag.answer.structured import section_quotes

    heading = "存在不足与下一步打算"
    texts = ["报告也直面问题:基层执法力量不足;复议案件增长快,办案力量相对不足;普法精准度有待提升。",
             "会议要求,2025年要加快复议规范化建设;持续推进八五普法。", "区委书记出席会议并讲话。"]
    chunks = [Passage(f"c{i}", t, "r.txt", "某区", 2024, "t", heading, "d", i * 100, i * 100 + len(t)) for i, t in enumerate(texts)]
    _, picked = section_quotes("problems", chunks)
    assert [q for _, q in picked] == [texts[0]]  # the whole first sentence, not its first clause


def test_a_list_over_named_domains_takes_each_domains_best_sentence():
    assert compose._per_domain("在重大决策、规范性文件管理和执法追责方面制定了哪几个办法?") == [
        "重大决策制定了哪几个办法?", "规范性文件管理制定了哪几个办法?", "执法追责制定了哪几个办法?"]
    assert compose._per_domain("叙州区出台了哪些办法?") == []


def test_a_sum_of_the_figures_each_naming_the_asked_thing():
    question = "两轮加起来撤回复议申请的一共多少件?"
    assert derivation_of(question).verb == "撤回复议申请"
    sentence = ("通过“第一次救济”由被申请人自查纠正、申请人撤回行政复议申请的有19件,通过“第二次救济”经调解后"
                "申请人撤回行政复议申请的有88件,占办结案件总数的30%。")
    found = derive.solve(derivation_of(question), slot_of(question), sentence, derive.asked_unit(question))
    assert found is not None and found.operation == "19 + 88"


def test_a_figure_of_the_bare_noun_does_not_count_the_asked_kind_of_it():
    asked = slot_of("叙州区有多少名公职律师?")
    assert not holds_slot("区政府聘请7名律师担任法律顾问。", asked)
    assert holds_slot("全区共有公职律师41名。", asked) and holds_slot("全区共有41名公职律师。", asked)


def test_a_part_asked_within_a_population_must_follow_that_populations_verb():
    within = slot_of("叙州区审查后纠正的那几件文件里,区本级的有几件?")
    assert within.population == "纠正"
    assert not holds_slot("全年审查规范性文件96件,其中区本级审查31件,纠正违法文件4件。", within)  # 31 were reviewed
    assert holds_slot("全年审查规范性文件96件,纠正违法文件4件,其中区本级纠正1件。", within)
    handed = slot_of("叙州区移交给检察机关的那些案子,最后起诉了几件?")
    assert not holds_slot("全年立案查处违法案件820件,起诉率100%,结案790件。", handed)  # no 移送/移交 before it
    assert slot_of("叙州区法律援助案件中,刑事案件有多少件?").population == ""  # no verb names this population


def test_asked_how_many_were_added_a_stock_does_not_answer():
    added = slot_of("叙州区2021年新建了几个公共法律服务工作站?")
    assert added.new
    assert not holds_slot("全区现有公共法律服务工作站26个,覆盖所有乡镇。", added)
    assert holds_slot("全年新建公共法律服务工作站5个,全区现有26个。", added)
    assert holds_slot("五年来累计新增公共法律服务工作站12个。", added)  # cumulative additions are additions


@pytest.mark.parametrize("question,years", [
    ("照叙州区2021年报告倒推,上一年行政复议纠错率是多少?", [2020]),  # 上一年 with no 的 before the rate
    ("叙州区2020年的法律援助案件有多少件?按2021年报告算。", [2020]),  # the basis clause asks nothing
    ("叙州区2021年比上年多办了多少件?", []),  # compared with the year before: the report's own year is asked
])
def test_the_year_before_a_report_is_asked_by_name_or_relative_to_it(question, years):
    from rag.answer.respond import _asked_year_before
    from rag.retrieve import QueryPlan

    assert _asked_year_before(question, QueryPlan(question, regions=["宜宾市叙州区"]), COVERAGE) == years


def test_a_summary_of_several_years_answers_a_year_only_with_that_years_figures():
    """A five-year summary (no single report year): a sentence of yearly figures answers the asked year
    with its own figures, and a year it does not name not at all."""
    summary = [_passage("2021年组织执法资格考试,参加520人、通过470人;2022年参加498人、通过451人;2023年参加560人、"
                        "通过532人。", 0, year=None),
               _passage("五年来,全区行政复议收案分别为:2019年186件、2020年212件、2021年268件、2022年301件、2023年355件。",
                        1, year=None)]
    rate = "叙州区2023年执法资格考试的通过率是多少?"
    found = compose.extractive(rate, None, summary, analysis=analyse(rate, [], COVERAGE))
    assert "532 ÷ 560 = 95%" in found.text
    grew = "叙州区行政复议收案2023年比2019年多了多少件?"
    found = compose.extractive(grew, None, summary, analysis=analyse(grew, [], COVERAGE))
    assert "355 − 186 = 169件" in found.text
    missing = "叙州区2018年行政复议收了多少件?"
    assert compose.extractive(missing, None, summary, analysis=analyse(missing, [], COVERAGE)).refused


def test_regions_compared_on_a_rate_neither_states_compute_it_from_their_counts():
    per_region = {"甲市": [_passage("组织执法资格考试,参加考试400人,考试通过350人。", 0, region="甲市", year=2023)],
                  "乙县": [_passage("全县开展执法资格考试,参考120人,通过114人,合格人员全部换发执法证。", 1, region="乙县", year=2023)]}
    text, cites = compose.comparison("甲市和乙县2023年执法资格考试哪边通过率高?", per_region)
    assert "350 ÷ 400 = 87.5%[1]" in text and "114 ÷ 120 = 95%[2]" in text
    assert "乙县 95%[2] > 甲市 87.5%[1]" in text and len(cites) == 2


def test_a_count_of_one_kind_of_case_is_not_answered_by_another_kinds_figures():
    punished = slot_of("叙州区2021年一共办了多少件行政处罚案件?")
    assert not holds_slot("全区行政机关作为被告的一审行政诉讼案件41件,审结38件,败诉2件。", punished)  # 38 are lawsuits too
    assert holds_slot("全区查处各类违法案件812件,其中行政处罚案件640件。", punished)
    reviewed = slot_of("叙州区2021年办了多少件行政复议案件?")
    assert holds_slot("全年收到行政复议申请150件,审结案件120件。", reviewed)  # the 案件 of a 复议 sentence


def test_an_honour_asked_at_one_level_is_not_the_same_honour_at_another():
    passages = [_passage("2020年,我区被命名为四川省首批法治政府建设示范区。", 0)]
    national = "叙州区哪一年被命名为全国法治政府建设示范区?"
    assert compose.extractive(national, None, passages, analysis=analyse(national, [], COVERAGE)).refused
    provincial = "叙州区哪一年被命名为省级法治政府建设示范区?"
    assert not compose.extractive(provincial, None, passages, analysis=analyse(provincial, [], COVERAGE)).refused


def test_a_report_without_a_plans_section_states_next_years_work_by_naming_that_year():
    from rag.answer.structured import section_quotes

    chunks = [_passage("2021年,全区办理法律援助案件610件。", 0, heading="", year=2021),
              _passage("据介绍,2022年叙州区还将出台《叙州区重大行政决策程序规定》,并推行行政复议繁简分流。", 1,
                       heading="", year=2021),
              _passage("2021年区政府将法治建设纳入年度考核。", 2, heading="", year=2021)]  # 将 as 把: work done
    _, quotes = section_quotes("plans", chunks)
    assert [q for _, q in quotes] == ["据介绍,2022年叙州区还将出台《叙州区重大行政决策程序规定》,并推行行政复议繁简分流。"]


def test_when_something_was_named_is_not_when_it_was_recommended_for_it():
    named = slot_of("叙州区哪一年被命名为法治政府建设示范区?")
    assert not holds_slot("2021年10月,我区被推荐参加法治政府建设示范区评选。", named)
    assert holds_slot("2022年,我区被正式命名为法治政府建设示范区。", named)
    assert holds_slot("2022年12月出台《叙州区行政规范性文件管理办法》。", slot_of("叙州区哪一年出台了规范性文件管理办法?"))


def test_meetings_held_are_not_meetings_attended_and_a_sum_adds_only_the_asked_noun():
    held = slot_of("叙州区政府2021年开了几次常务会议研究法治工作?")
    assert not holds_slot("区政府聘请法律顾问6名,全年列席区政府常务会议21次。", held)
    assert holds_slot("全年召开区政府常务会议研究法治工作5次。", held)
    passages = [_passage("新培育“法律明白人”150名,推动每个村(社区)至少有2名“法律明白人”。", 0)]
    asked = "叙州区的村和社区一共配了多少名法律顾问?"
    assert "150 + 2" not in compose.extractive(asked, None, passages, analysis=analyse(asked, [], COVERAGE)).text


def test_which_village_asks_its_name_not_how_many_villages():
    which = slot_of("叙州区2021年被评为全国民主法治示范村的是哪个村?")
    assert which.kind == "which"
    assert not holds_slot("全区1个村获评全国民主法治示范村,2个社区获评省级示范社区。", which)  # the honour's 示范村 is no name
    assert holds_slot("柏溪镇龙兴村入选第九批全国民主法治示范村。", which)
    assert slot_of("叙州区哪个镇的调解案件最多?").kind != "which"  # a comparison, not a name


def test_all_agencies_of_a_region_are_not_its_government_as_a_party():
    every = slot_of("叙州区全区行政机关2021年行政诉讼败诉率是多少?")
    assert every.every_agency
    assert not holds_slot("指导全区行政机关依法应诉,区政府作为被告的一审行政诉讼案件36件,败诉2件,败诉率5.6%。", every)
    assert holds_slot("区政府作为被告的案件36件;全区行政机关一审行政诉讼败诉率6.1%。", every)
    count = slot_of("叙州区全区行政机关2021年一共被起诉了多少件?")
    assert not holds_slot("区政府作为被告的一审行政诉讼案件36件。", count)
    assert not slot_of("叙州区2021年行政诉讼败诉率是多少?").every_agency  # no scope asked: any figure answers


def test_a_count_of_the_year_before_from_a_change_in_percent_is_an_estimate_given_only_when_invited():
    from rag.answer.compose import previous_level

    passages = [_passage("全年各级行政复议机构共收到行政复议申请640件,同比增长28%。", 0, year=2023)]
    plain = "叙州区2022年收到多少件行政复议申请?"
    refused = previous_level(plain, passages, None, None, analyse(plain, [], COVERAGE))
    assert refused.refused and "640 ÷ (1 + 28%) ≈ 500件" in refused.text and "估算" in refused.text
    invited = "叙州区2022年大概收到多少件行政复议申请?"
    found = previous_level(invited, passages, None, None, analyse(invited, [], COVERAGE))
    assert not found.refused and "640 ÷ (1 + 28%) ≈ 500件" in found.text


def test_a_change_since_last_year_is_of_the_thing_asked_and_in_its_unit():
    question = "叙州区行政处罚案件比上年少了多少件?"
    asked = analyse(question, [], COVERAGE)
    assert asked.derivation.op == "yearchange" and asked.derivation.terms == ("行政处罚案件",)
    fines = "全区办理行政处罚案件1200件,罚没款900万元,比上年下降10%。"  # the change is of the fines, in 万元
    other = "全区办理法律援助案件1100件,比上年增长10%。"  # a change, but of another kind of case
    for sentence in (fines, other):
        assert derive.solve(asked.derivation, asked.slot, sentence, derive.asked_unit(question)) is None
    own = derive.solve(asked.derivation, asked.slot, "全区办理行政处罚案件1100件,比上年增长10%。", "件")
    assert own is not None and own.value == "100"


def test_a_town_the_question_names_must_be_named_by_the_quote():
    question = "叙州区柏溪镇2021年调解了多少件矛盾纠纷?"
    slot = analyse(question, [], COVERAGE).slot
    assert slot.place == "柏溪"
    assert not holds_slot("全区18个镇共调解矛盾纠纷3200件,其中南岸街道860件。", slot)
    assert holds_slot("全区共调解矛盾纠纷3200件,其中柏溪镇612件。", slot)
    assert analyse("叙州区乡镇(街道)一共调解多少件纠纷?", [], COVERAGE).slot.place == ""  # a kind of place, no name
    town = Coverage({("宜宾市叙州区柏溪街道", 2021)})  # the town's own report need not repeat its name
    assert analyse("柏溪街道调解了多少件纠纷?", [], town).slot.place == ""


def test_a_named_whole_is_the_one_its_words_name():
    question = "叙州区2021年办的行政复议案件,复议后又被诉的占多少比例?"
    derivation = derivation_of(question)
    assert derivation.terms == ("复议后又被诉", "办的行政复议案件")
    other = "行政复议后被诉案件11件,行政机关负责人出庭案件90件。"  # 90 counts hearings attended, no whole of 复议案件
    assert derive.solve(derivation, slot_of(question), other) is None
    found = derive.solve(derivation, slot_of(question), "全年办理行政复议案件200件。行政复议后被诉案件11件。")
    assert found is not None and found.shown == "11 ÷ 200 = 5.5%"


def test_a_multi_part_question_computes_only_the_part_that_asks_it_and_a_stated_rate_answers_that_part():
    question = "叙州区2021年行政复议收了多少件?审结了多少件?调解结案的比例是多少?"
    asked = analyse(question, [], COVERAGE)
    assert asked.derivation.op == "share" and asked.derivation.terms == ("调解结案",)  # the third part's own terms
    passages = [_passage("全年收到行政复议申请120件,审结110件,纠错9件。", 0),
                _passage("以调解方式结案30件,调解率为27.3%。", 1),
                _passage("全区政务服务中心进驻事项1600多项,实现“一站式”办结。", 2)]
    composed = compose.extractive(question, None, passages, analysis=asked)
    assert not composed.refused and "120件" in composed.text and "27.3%" in composed.text
    assert "计算得出" not in composed.text and "1600" not in composed.text


def test_an_asked_outcome_of_cases_is_answered_only_by_a_figure_of_that_outcome():
    revoked = analyse("叙州区2021年行政复议撤销了几件?", [], COVERAGE).slot
    assert not holds_slot("全年受理行政复议案件120件,审结110件,其中直接纠错12件,纠错率10.9%。", revoked)
    assert holds_slot("审结110件,其中撤销5件、确认违法2件。", revoked)
    settled = analyse("叙州区2021年人民调解调成功了多少件纠纷?", [], COVERAGE).slot
    assert not holds_slot("全年调解各类矛盾纠纷1200件,调解成功率98.5%。", settled)  # a rate, and the count of all
    assert holds_slot("全年调解各类矛盾纠纷1200件,调解成功1182件。", settled)


def test_a_weight_is_a_share_and_an_appraisal_by_objectives_sets_no_target():
    slot = analyse("叙州区依法行政在绩效考核里的权重是多少?", [], COVERAGE).slot
    assert slot.kind == "rate"
    assert holds_slot("将依法行政纳入全区目标管理绩效考核,考核权重由4%提高到6%。", slot)
    assert not holds_slot("力争到2025年考核权重达到8%。", slot)  # a target is no level


def test_a_count_of_two_things_together_or_of_the_whole_region_is_no_count_of_one_or_of_a_body_itself():
    proposals = analyse("叙州区2021年办理了多少件人大代表建议?", [], COVERAGE).slot
    assert not holds_slot("认真办理人大代表建议和政协委员提案,全年共办理152件,满意率98%。", proposals)
    assert holds_slot("认真办理人大代表建议和政协委员提案,其中人大代表建议98件、政协委员提案54件。", proposals)
    contracts = analyse("叙州区审查的重大合同一共涉及多少钱?", [], COVERAGE).slot  # named alone again after the pair
    assert holds_slot("对重大合同、重要文件开展合法性审查120件,其中重大合同审查41件,涉及金额12.6亿元。", contracts)
    assert not holds_slot("对重大合同、重要文件开展合法性审查120件,涉及金额12.6亿元。", contracts)
    own = analyse("叙州区司法局本单位有多少名持证执法人员?", [], COVERAGE).slot
    assert not holds_slot("全区持证行政执法人员达到2140人。", own)
    assert holds_slot("局机关现有持证执法人员36人。", own)


def test_a_figure_of_another_area_of_work_is_no_answer_nor_an_operand():
    question = "叙州区2021年行政复议一共受理了多少件?"
    permits = [_passage("公布行政许可事项清单,共涉及28个部门301项事项,其中区直部门事项276项、乡镇事项25项。", 0)]
    composed = compose.extractive(question, None, permits, analysis=analyse(question, [], COVERAGE))
    assert composed.refused and "计算得出" not in composed.text
    review = [_passage("全年行政复议机构受理行政复议案件96件,审结90件。", 0)]
    composed = compose.extractive(question, None, review, analysis=analyse(question, [], COVERAGE))
    assert not composed.refused and "96件" in composed.text


@pytest.mark.parametrize("question,sentence,shown", [
    # the year that opens a sentence labels its figure; 2022年这一数字为 labels the other
    ("叙州区法律援助案件2021年比2020年多办了多少件?", "2021年全区办理法律援助案件812件,2020年为760件。", "812 − 760 = 52件"),
    ("叙州区2021年的行政复议申请比2020年多了多少件?", "2021年,区政府共收到行政复议申请203件,2020年这一数字为188件。", "203 − 188 = 15件"),
    # a rate's change between two years is in points, from its two levels
    ("叙州区行政机关败诉率2021年比2020年降了多少?", "行政机关败诉率由2020年的8.4%降至6.1%。", "8.4% − 6.1% = 2.3个百分点"),
    # the population the question names is the total a remainder is taken from
    ("叙州区2021年行政复议受理的案子里,到年底还有多少件没审结?", "全年收到行政复议申请120件,依法受理104件,审结97件。", "104 − 97 = 7件"),
])
def test_changes_between_years_and_remainders_of_a_named_population(question, sentence, shown):
    asked = analyse(question, [], COVERAGE)
    found = derive.solve(asked.derivation, asked.slot, sentence, derive.asked_unit(question))
    assert found is not None and found.shown == shown


def test_a_sum_over_a_yearly_series_adds_every_year_and_a_count_of_people_composed_is_no_noun():
    question = "叙州区这五年一审行政诉讼案件加起来一共多少件?"
    asked = analyse(question, [], COVERAGE)
    series = "一审行政诉讼案件由2017年的210件增至2021年的260件,其中2018年221件、2019年236件、2020年249件。"
    found = derive.solve(asked.derivation, asked.slot, series, "件")
    assert found is not None and found.value == "1176"
    one = analyse("叙州区2019年一审行政诉讼案件一共多少件?", [], COVERAGE)
    assert derive.solve(one.derivation, one.slot, series, "件") is None or \
        derive.solve(one.derivation, one.slot, series, "件").value != "1176"
    team = analyse("叙州区政府法律顾问团由多少人组成?", [], COVERAGE).slot
    assert team.head == "" and holds_slot("区政府组建由9名律师和专家组成的法律顾问团。", team)


def test_one_fields_figure_is_no_answer_about_the_whole_and_percent_and_plans_are_asked_in_more_words():
    whole = analyse("叙州区2021年全区行政处罚一共罚没了多少钱?", [], COVERAGE).slot
    assert not holds_slot("深入推进生态环境领域执法,全年办理环境违法案件96件,罚没款412万元。", whole)
    assert holds_slot("全区行政执法机关办理行政处罚案件2310件,罚没款3120万元。", whole)
    field = analyse("叙州区生态环境领域一共罚没了多少钱?", [], COVERAGE).slot
    assert holds_slot("深入推进生态环境领域执法,全年办理环境违法案件96件,罚没款412万元。", field)
    assert derivation_of("法律援助案件里,民事案件占了百分之多少?").op == "share"
    assert analyse("叙州区说2022年要重点抓哪几方面工作?", [], COVERAGE).intent == "list"


def test_a_demonstrative_few_asks_nothing_so_the_population_it_names_stays_with_the_part():
    asked = analyse("叙州区纠正的那几件规范性文件里,区本级的有几件?", [], COVERAGE)
    assert len(asked.parts) == 1 and asked.slot.population == "纠正"
    assert not holds_slot("全年审查规范性文件56件,其中区本级审查21件,纠正违法违规文件4件。", asked.slot)
