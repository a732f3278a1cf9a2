"""Question analysis in one place: regions, years, follow-up resolution, intent and the asked-for slot.

`analyse(question, history, coverage)` returns one `Analysis`; every later step (retrieve, select
evidence, compose, verify) reads it instead of re-reading the question with regexes of its own.
The rules follow the general grammar of questions about these reports: what is counted (多少人 →
people, 几件 → cases), a named rate (纠错率), an amount, a date, a name, a list of named items, a
figure to compute from two stated ones (没通过的 = 参加 − 通过; 加起来; 占比), a comparison across
regions, a question about the document itself, or a whole section (存在的问题, 下一步计划).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from rag import units
from rag.answer import followup
from rag.ingest.dates import YEAR
from rag.textnorm import normalise

_META = re.compile(r"(谁(发布|签发|署名|印发|落款|发的|写的|出的|做的|编的|发出|推送|转发)|落款|署名|(以|用)?(谁|哪个[^,?。]{0,6})的?名义|"
                   r"哪个(机构|单位|部门)(发布|印发|发出)|发布(时间|日期|单位|机构)|"
                   r"(什么时候|哪天|哪一天|何时|几号)(发布|印发|发表|公布|签发|落款)|"
                   r"(什么时候|哪天|哪一天|何时|几号)[^,?。、]{0,4}(挂|上网|刊登|登载|推送)|"
                   # the page's own header fields, the outlet of a news article, when the text was written
                   r"文号|发文字号|索引号|发布机构|成文日期|主题分类|哪家(媒体|报纸|报社|网站)|媒体发|作者是|记者是|"
                   r"(什么时候|哪天|何时)(写|成文)|写于|还是(新闻|报道|媒体)|新闻报道吗)")
# questions about the text itself (its year, kind, source, addressee) name the text: 这份报告, 该文, 这篇报道
_DOCUMENT = re.compile(r"(这|那|该|本|此)(份|篇|个|则)?(报告|文件|材料|文章|报道|文本|稿子|总结|新闻)|报告|文件|材料|文章|报道|原文|全文")
_ABOUT_TEXT = re.compile(r"哪一?年的?(工作|情况|事)|是哪一?年|哪一?年度|哪个年度|覆盖(的是)?(哪一?|哪几|哪些)年|(讲|说|总结|写)的是(哪一?|哪几|哪些)年|"
                         r"(是|属于)(什么|哪种|哪一?类)类型|(什么|哪种)性质|性质是|属于哪一?类|文本类型|文体|(新闻|报道)还是|还是.{0,4}报告|正式.{0,6}报告吗|年度报告吗|是不是.{0,6}报告|出自|出处|"
                         r"(哪个|什么)(网站|平台|媒体)|呈报|报送给|报给谁|主送|抬头")
# which facts about the text a meta question asks for; none named -> all of them
# whom it is addressed to (呈报给哪个部门, 报送对象, 向谁报告) — not who sent it (由哪个部门报送的)
_ADDRESSEE = re.compile(r"(?:(?:呈报|报送|上报|报|送|交)(?:给|至|到|往)|报送对象|主送|抬头|向[^,?。]{0,8}(?:呈报|报送|上报|报告))"
                        r"(?:的是)?(?:哪个|哪一?级|哪家|什么|谁)?[^,?。]{0,6}")
_DATE_ASK = re.compile(r"哪天|哪一天|什么时候|何时|几号|几月|日期|时间")
META_FIELDS = {
    "year": re.compile(r"(?:哪一?|哪几|哪些)年(?![^,?。]{0,2}[月日号])|哪个年度|(?<!\d)年度(?!报告)"),
    "published": re.compile(r"挂|上网|网上|网页|网站|发布|发表|公布|刊登|登载|推送|刊发|(?<!签)发的|发出来"),  # with a date word
    "signed": re.compile(r"落款|签发|署名|名义|成文|签署|盖章"),
    "issuer": re.compile(r"谁(?:发|出|写|做|编|报|签|印)|哪个(?:机关|机构|单位|部门|政府)|发布机构|发文机关|来源|出自|出处|"
                         r"发出来"),
    "number": re.compile(r"文号|字号|索引号|编号"),
    "addressee": _ADDRESSEE,
    "type": re.compile(r"性质|类型|原文|报告吗|还是|新闻|报道|稿子|正式|文体|什么(?:文件|文本|材料|东西)|公众号|哪种|哪一?类"),
    "author": re.compile(r"谁写|作者|记者|哪家|媒体|通讯员"),
}


# the asker accepts a figure estimated from a stated change (大概, 照增幅倒推, 按…算)
_APPROXIMATE = re.compile(r"大概|大约|约莫|估算|估计|推算|倒推|反推|左右|(?:按|照|依|根据)[^,?。]{0,14}(?:算|推)")


def invites_estimate(question: str) -> bool:
    """Whether a question accepts an estimate (2023年大概收了多少件) rather than asking the written figure."""
    return bool(_APPROXIMATE.search(normalise(question)))


def meta_fields(question: str) -> frozenset[str]:
    """The facts about the text a question asks for (year, published, signed, issuer, number, addressee,
    type, author); empty when it names none of them."""
    text = normalise(question)
    asked = {name for name, words in META_FIELDS.items() if name != "published" and words.search(text)}
    if "addressee" in asked:  # 报给哪个部门: the 部门 is the addressee's, not the issuer's
        rest = _ADDRESSEE.sub("", text)
        asked = asked - {"issuer"} | ({"issuer"} if META_FIELDS["issuer"].search(rest) else set())
    if _DATE_ASK.search(text) and META_FIELDS["published"].search(text.replace("发布机构", "")):
        asked.add("published")
    return frozenset(asked)


SECTIONS = {
    "problems": re.compile(r"(问题|不足|短板|薄弱|差距)"),
    "plans": re.compile(r"(下一步|下步|计划|打算|安排|思路|重点工作|改进措施|明年|来年)"),
}
_SECTION_ASK = re.compile(r"(哪些|什么|有何|主要|列出|列举|概括|总结|说说|哪几|简述|简要|归纳|梳理|讲讲|谈谈|介绍)")
_COMPARE = re.compile(r"(哪个地区|哪个地方|哪个城市|哪里|哪一个|各地|各地区|对比|比较|相比|谁的|谁更|最高|最低|排名|"
                      r"几个地区|各个|分别是多少)")
_LIST = re.compile(r"(哪些|有哪几|哪几[个部项件条类种]|哪几(?:方面|点|块|条线)|哪两|哪三|分别是什么|分别有|包括什么|包括哪|列举|几个方面|"
                   r"什么荣誉|哪些荣誉|称号)")
# a rate, or a degree asked as "多少" with no counting word (集中度达到多少, 公开面达到多少): reports give it in %
_RATE = re.compile(r"(?<!效)率|比例|比重|权重|占比|百分比|百分之(?:几|多少)|几成|"
                   r"(?<![年制程力尺限角态])度(?:达到|达|是|为|有)?了?多少(?![个项件人名位家次条部份起宗场期户元])|"
                   r"(?<![方全层局])面(?:达到|达|是|为|有)?了?多少(?![个项件人名位家次条部份起宗场期户元])")
_RATE_ASKED = re.compile(r"率[^,?。]{0,6}?(多少|几|多高|多大|怎样|如何)|(多少|多大|多高)[^,?。]{0,4}(比例|比重|权重|占比)|"
                         r"(比例|比重|权重|占比|百分比)[^,?。]{0,6}(多少|几|多高|多大)|百分之(?:几|多少)")
_AMOUNT = re.compile(units.AMOUNT_WORDS)
_COUNTED = re.compile(r"(?:多少|几)个?(?:人次|人|名|位|件|项|家|次|户|起|宗|份|部|条|场)")
_DATE = re.compile(r"(什么时候|何时|哪天|哪一天|日期|几月|时间)")
_YEAR = re.compile(r"(哪年|哪一年|何年|哪个年份)")
_DURATION = re.compile(r"多长时间|多久|多少时间|几天|多少天|几个工作日|多少个工作日|几个月|多少个月|几小时|多少小时|时限")
_WHICH_ONE = re.compile(r"(?:是|为)?哪(?:一)?(?:个|家|所)(?P<noun>村|社区|镇|乡|街道|县|区|市|司法所)"
                        r"(?![\u4e00-\u9fff]{0,6}(?:多|少|高|低|最|更))")  # 哪个县最多 compares
_NAME = re.compile(r"(什么文件|哪份文件|哪部|什么制度|哪项制度|什么办法|叫什么|名称|什么名字|《)")
_MORE = re.compile(r"(更多|更少|最多|最少|较多|较少|多一些|少一些|(哪个|哪边|哪里|谁)[^,?。]{0,6}?(多|少)(?!少))")
_COUNT = re.compile(r"(多少|几)(?!个百分点)|数量|件数|人数|次数|总数")
# computing from two stated figures
# a negated verb: "没有考过的", "未调解成功的", "没发现问题的" (the report states the positive side)
_NEGATED = re.compile(r"(?:(?<![罚埋淹])没有?|未|尚未|还没有?|不)(?!予|涉及|包括|含|属于|同|是|在|少|多|到|足|断|再|算|计)"
                      r"([\u4e00-\u9fff]{2,12}?(?=的|过|了|[,?。]|$|(?:有|是|还有)?(?:多少|几))|"
                      r"[\u4e00-\u9fff](?=的|过|了|[“\"《]))")  # one-character verbs: 没输的, 没签“…”协议
# words that begin with a negation but negate nothing: 未成年人, 不动产, 未来, 不良, 没收 (罚没 above)
_LEXICAL_NEGATION = re.compile(r"^(成年|动产|正当|良|来|法|规范|合理|作为|公开|确定|稳定|收)")
_NEITHER = re.compile(r"既(?:没有?|不|未)(?P<a>[^,，、也]{2,14}?)[,，、]?也(?:没有?|不|未)(?P<b>[^,，的]{2,14}?)(?=的|[,，]|$)")
_REMAINING = re.compile(r"(还有|还剩|剩下|剩余|尚有|结余)(多少|几)")
_REMOVED = re.compile(r"(?:扣除|除去|去掉|去除|刨去|刨除|刨掉|扣掉|减去|减掉|排除|剔除)(?P<a>[^,，。?？]{2,20}?)(?:的|之)?"
                      r"(?:后|以后|之后|(?:那些|这些|部分)?(?=,|$)|(?:那些|这些|部分)(?=还|剩|有))|"
                      r"不(?:算上|计入|算|计)(?P<e>[^,，。?？]{2,20}?)(?:的|(?=,))|"
                      r"除(?:了)?(?P<b>[^,，。?？]{2,20}?)(?:以外|之外|外|的?(?=,?(?:其余|其他|其它|剩下|剩余|余下)))|"
                      r"不(?:涉及|包括|含|属于|是)(?P<c>[^,，。?？]{2,20}?)的|"
                      r"(?:^|[,，中里])(?P<d>[^,，。?？中里]{2,20}?)(?:以外|之外)的|"
                      # "跟金融机构借贷无关的": the part related to it is taken away
                      r"(?:跟|与|和|同)(?P<f>[^,，。?？的]{2,16}?)(?:无关|没有关系|没关系|不相关)的")
# "加编之前原有几个": the level before a stated increase
_BEFORE_ASKED = re.compile(r"(?:之前|以前|此前|原来|原先|原本)(?:有|是|为|共有)?(?:多少|几)|原有(?:多少|几)|"
                           r"(?:新增|增加|新设)(?:之前|以前)[^?？]*?(?:多少|几)")
# "A比B多/少多少", "A和B相差多少": a difference between two named figures
_COMPARED = re.compile(r"(?P<a>[^,?。]{2,30}?),?(?<![对相占同环无])比(?![例重率较])(?P<b>[^,?。]{2,30}?)(?P<sign>多|少|高|低)出?来?了?(?:多少|几)")
_APART = re.compile(r"(?P<terms>[^,?。]{4,40}?),?(?:之间)?(?:相差|相差了|差了|差距有?|差距是|差)(?:多少|几)")
_MEASURE_ONLY = re.compile(r"^(人数|件数|数量|数目|规模|总数|总量|个数|次数)$")
# what a change over time is measured from: last year, the same period, before a reform or measure
TIME_BASE = r"(?:上年度|上年|去年|前一年|上一年|同期|往年|以往|过去|原来|此前|以前|(?:改革|实施|推行|开展|改造)?(?:之|以)?前)"
_TIME_BASE = re.compile(rf"^{TIME_BASE}")
# "比上年少了几件", "同比净增多少件": how far a count moved since last year (a stated % change gives it)
_SINCE_LAST_YEAR = re.compile(r"(?:比|较|跟|和|与)(?:上年|去年|上一年|前一年|\d{4}年)(?:相比|比)?|同比")
_MOVED_BY = re.compile(r"(?<![占])(?:多|少|增加|减少|增长|下降|净增|净减|上升|降|升|涨|跌)(?:掉|出来?|办|收)?了?(?:多少|几)(?!个百分点|成)")
_PLACEHOLDER = re.compile(r"(?:这|那)?[两二三四五六七八九几]+(?:者|类|项|种|个|部分|方面)(?:加起来|的?事项)?")
# a count estimated from a stated rate: "按合格率算,不合格的大约有多少卷", "被纠错的大概有多少件"
# the whole a stated count is the stated rate of: "按结案数和结案率倒推,应结案的总量大概多少件"
_INVERSE = re.compile(r"倒推|反推|倒算|反算|往回推")
_ESTIMATE = re.compile(r"大约|大概|约莫|估计|估算|推算|(?:按|照|根据)[^,，]{0,8}率[^,，]{0,4}(?:算|计算|推算)")
_SUM = re.compile(r"(加起来|加在一起|加在一块|加一块|加到一起|合在一起|合计|总共|共计|总计|一共|合起来|总数|总量|总和|之和|共有)")
# "县、乡、村三级…" / "市县两级": the members a whole is counted by, one administrative level each
_LEVELS_LISTED = re.compile(r"(?P<levels>[省市县区乡镇村](?:[、和与及]?[省市县区乡镇村]){1,4})[两二三四五]级")
_JOIN = re.compile(r"(?:[与及、跟]|和(?![解谐]))|加上")
# the parts a sum adds up may also be joined by 或 (撤销或确认违法的一共) or a bare 加 between levels (乡镇一级加村一级)
_SUM_JOIN = re.compile(r"(?:[与及、跟]|和(?![解谐]))|加上|或者?|(?<=[级的])加")
_SHARE = re.compile(r"占.{0,12}(比例|比重|百分之几|多少|几成|几个百分点)|(比例|占比|比重)(?:算下来|算起来|大概|大约|约)?(有|是|为)?(多少|多大|多高)|(几成|百分之几|百分之多少)(?!的)|"
                    r"(多大|多少|多高)的?(比例|比重)")
# "少了几种", "缩短了多少天", "多了几项": how far a figure moved between two stated levels (由16种简化为3种)
_LEVELS = re.compile(r"(?:(?<![减增多])少|减少|缩短|压缩|精简|简化|降低|下降|(?<![有多])多|(?<!新)增加|提高|提升|增长|上升|延长|"
                     r"快|慢|变化|变)了?(?:多少|几)(?!个百分点|成)")
_POINTS = re.compile(r"(提高|增加|上升|下降|降低|减少|高出?|低出?|多出?|少|相差|差距有?|差距是|差|快|慢|降|升|涨|跌)了?(几|多少)个?百分点")
_PART_SPLIT = re.compile(r"[?;]|,(?=[^,]*(?:多少|(?<![那这])几|哪|什么|是否))|、(?=[^、]*(?:多少|(?<![那这])几|哪|什么))")
# synonyms of the verbs a question negates, as reports write the positive side
VERB_FORMS = {"考过": "合格|通过|考试合格|取得", "考试合格": "合格|通过", "合格": "合格|通过", "通过": "通过|合格",
              "审结": "审结|办结|结案", "办结": "办结|审结|结案", "受理": "受理|立案",
              "完成": "完成|办结", "输": "败诉", "打输": "败诉", "签": "签订|签署|签约", "签订": "签订|签署|签约", "办完": "办结|审结|结案|办理完毕", "处理完": "办结|处理完毕|处置", "结案": "结案|审结|办结", "化解": "化解|调解成功|调成", "答复": "答复|办复"}


# what a counted noun counts, read from its last characters (Chinese nouns end in their head):
# 复议申请 -> cases, 法律顾问 -> people, 商户 -> organisations
HEAD_KINDS = {
    "people": "人|人员|群众|干部|律师|职工|居民|学生|对象|党员|代表|委员|专家|顾问|调解员|志愿者|公务员|领导|当事人|村民|"
              "农民工|网格员|明白人|法官|检察官|警|老人|儿童|青少年|妇女|残疾人|人手|力量",
    "organisations": "企业|单位|部门|机构|中心|商户|律所|事务所|学校|医院|乡镇|街道|社区|村|公司|平台|协会|站|所",
    "cases": "案件|案子|案|案例|申请|纠纷|官司|诉讼|信访|投诉|举报|工单|矛盾|业务|办件",
    "documents": "文件|规章|办法|条例|制度|合同|法规|规定|细则|意见|方案|清单",
    "items": "事项|问题|项目|措施|任务|建议|提案|条",
    "times": "会议|活动|讲座|培训班|检查|督察|督查|考试|巡查|演练",
    "posts": "编制|职数|岗位|名额",  # 编制达到11个 counts posts, not the people in them
}
# stages of one process: a figure of one stage never answers a question about another
# (收到多少申请 is not answered by 办结219件; 合格多少人 is not answered by 参考295人)
STAGES = {
    # received (收到申请) and accepted (依法受理) are two stages of a legal procedure (复议, 诉讼, 仲裁) that reports
    # count apart; elsewhere (政府信息公开申请) 受理 is how a report says received. 收案/新收 may mean either
    "received": "收到|收案|新收|接收|接到|接手|收了",
    "accepted": "受理|立案|收案|新收|收了",  # 收了多少件: received or accepted, as the report counts it
    "closing": "办结|审结|结案|办理完毕|作出决定",
    "taking": "参加|参考|参与",
    "passing": "合格|及格|考过|过关|通过(?=考试|测试|率|的|了|\\d|人|$)",  # 通过网上平台 is "via", not "passed"
    "sued": "被诉|被起诉|应诉",
    "lost": "败诉|输(?!入|出|送)",
    "filing": "备案|报备",
    "review": "审查|审核",
    # outcomes of a case, each its own count (撤销 is one kind of 纠错: 纠错19件 does not say how many were 撤销)
    "corrected": "纠错|纠正",
    "revoked": "撤销",
    "upheld": "维持",
    "dismissed": "驳回",
    "settled": "调解成功|调成|和解",
}


# asked of one body's own level (市本级, 司法局本单位, 局机关), not of all a region's (全区, 各级)
_OWN_LEVEL = re.compile(r"本级|本单位|本局|本部门|本机关|局机关")


@dataclass(frozen=True)
class Slot:
    """What one question part asks for, and what a quote must hold to answer it."""

    kind: str  # count | rate | amount | points | date | year | name | list | text
    unit_kinds: frozenset[str] = frozenset()  # rag.units kinds a figure must have (people, cases ...)
    rates: frozenset[str] = frozenset()  # named rates by their head (纠错率): only that rate answers
    label: str = ""  # the rate as the question names it (负责人出庭应诉率), for messages
    head: str = ""  # count: the noun counted when the question names it right after the unit (多少个问题)
    unit_word: str = ""  # count: the word after 多少/几 (件, 人, 年, 个月)
    stages: frozenset[str] = frozenset()  # count: the process stages the question names (received, accepted, closing ...)
    part: str = ""  # count: the subset a population is narrowed to ("评查的案卷里,优秀的有多少": 优秀)
    given: frozenset[str] = frozenset()  # numbers the question states itself ("那88份意见书里"): never the answer
    population: str = ""  # count: the verb of the population a part is asked within (纠正的那几件措施里 -> 纠正)
    new: bool = False  # count: asks how many were newly added (新创成了几个), which a stock (现有14个) does not say
    every_agency: bool = False  # asks of all a region's agencies (全市行政机关), not of its government as a party
    words: str = ""  # count: the question as asked, for what a figure counts together with the asked thing
    own_level: bool = False  # count: asked of one government's own level (市本级), not of all levels (全市三级)
    stock: bool = False  # count: how many there are (总共有多少名), which an increase (新增12名) does not say
    place: str = ""  # a town or subdistrict the question names (潭门镇 -> 潭门): a quote must name it too

    def describe(self) -> str:
        """How the answer names a figure the report does not give: "但没有给出…"."""
        return (f"{self.place}的" if self.place else "") + self._measure()

    def _measure(self) -> str:
        if self.rates:
            return (self.label or "、".join(sorted(self.rates))) + ("的变化" if self.kind == "change" else "的数值")
        names = {"people": "人数", "cases": "件数", "times": "次数", "documents": "件数", "items": "数量",
                 "organisations": "单位数", "households": "户数", "amount": "金额", "rate": "比例"}
        asked = [names[k] for k in sorted(self.unit_kinds) if k in names]
        if asked:  # 件 counts cases, documents and items: one name says it
            return "件数" if "件数" in asked else asked[0]
        return {"rate": "比例", "amount": "金额", "points": "变化幅度", "date": "日期", "year": "年份", "duration": "时长",
                "name": "名称", "list": "各项的名称", "count": "具体数字", "change": "变化情况"}.get(self.kind, "相关内容")


@dataclass(frozen=True)
class Derivation:
    """A figure computed from two stated ones."""

    op: str  # difference | compare | sum | share | points | levels | yearchange | atrate | fromrate
    verb: str = ""  # difference: the positive side of the negated verb, most specific first (合格|通过);
    #                 compare: "+" for A比B多 (A − B), "-" for A比B少 (B − A), "" for 相差 (larger − smaller)
    removed: str = ""  # difference: what is taken away (不予受理, 涉及金融机构借贷)
    terms: tuple[str, ...] = ()  # sum: what is added up; compare: A and B; share: the part
    years: tuple[int, ...] = ()  # the years the question names: which of a sentence's yearly figures to take


@dataclass
class Part:
    text: str
    slot: Slot


@dataclass
class Analysis:
    question: str  # as asked
    resolved: str  # after follow-up resolution and punctuation normalisation: what is retrieved
    regions: list[str] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    intent: str = "fact"  # fact | multi | list | derived | compare | meta | section
    section: str = ""  # problems | plans, for intent "section"
    parts: list[Part] = field(default_factory=list)
    derivation: Derivation | None = None
    meta: frozenset[str] = frozenset()  # for intent "meta": the facts about the text asked (meta_fields)

    @property
    def slot(self) -> Slot:
        return self.parts[0].slot if self.parts else Slot("text")


def slot_of(text: str) -> Slot:
    text = normalise(text)
    rates = frozenset(r for r in re.findall(r"[\u4e00-\u9fff]{2}率", text)  # 办事效率 names no rate (效率, not 事效率)
                      if not any(f"{r[1:]}" == word for word in ("比率", "概率", "效率", "频率", "税率")))
    if _POINTS.search(text):
        return Slot("points", frozenset({"points", "rate"}), rates)
    if _CHANGE_ASKED.search(text) or (_LEVELS.search(text) and not _compares_things(text)):
        counted = _COUNTED.search(text)  # 比上年少几件: a change in cases, not in %
        return Slot("change", units.asked_kinds(counted[0]) - {"rate"} if counted else frozenset(), rates)
    if _SCORE.search(text):  # 实办率综合得分是多少: a score in 分, not the rate
        return Slot("count", unit_word="分")
    if _RATE.search(text) and not (_LIST.search(text) and not _RATE_ASKED.search(text)):  # 为降低败诉率出台了哪些文件: a list
        named = re.findall(r"[\u4e00-\u9fff]{2,}率", text)
        label = re.sub(r"^.*(?:年度?|的|中|里|哪边|哪个|哪家|哪里|谁|各地|两地|三地)", "", max(named, key=len)) if named else ""
        # no rate named ("负责人到庭应诉的比例"): the thing whose share it is, for the level's clause to name
        thing = None if named else re.search(r"([\u4e00-\u9fff]{2,8}?)的?(?:比例|比重|权重|百分比|占比)", text)
        words = re.sub(r"(?:占了?|有|是|为)?(?:多大|多少|多高|几)?$", "", thing[1]) if thing else ""
        return Slot("rate", frozenset({"rate"}), rates, label, words=words[-4:], every_agency=bool(_EVERY_AGENCY.search(text)))
    if _AMOUNT.search(text) and not _COUNTED.search(text):  # 多少人获得补贴 counts people
        return Slot("amount", frozenset({"amount"}), own_level=bool(_OWN_LEVEL.search(text)), words=text)
    if _YEAR.search(text):
        return Slot("year", words=text)
    if _DURATION.search(text):
        return Slot("duration")
    if _DATE.search(text) and not _COUNT.search(text):
        return Slot("date", words=text)
    if _LIST.search(text):
        return Slot("list")
    if re.search(r"第几|排第|名次|排名", text):  # a rank (第几名, 第几批) is a name, not a count of people
        return Slot("text")
    if _COUNT.search(text) or _MORE.search(text):
        asked = units.asked_kinds(text.replace("个人员", "个 人员")) - {"rate", "amount"}  # 多少个人员编制: 个
        unit_word = _unit_word(text)
        head = _head_noun(text)
        before = re.search(r"([\u4e00-\u9fff]{2})(?:有|是|共有|一共有|总共有)(?:多少|几)个?[?？]?$", text)
        if not head and before and head_kinds(before[1]):  # "办复议案子的人手有几个": the noun is before the count
            head = before[1]
        of_head = head_kinds(head)
        # the head narrows the measure word (多少件文件: documents); when they share no kind (多少条热线工单: 条 is no
        # case word, 工单 are cases) the report may count in either
        asked = (asked & of_head or (of_head if unit_word == "个" and of_head == {"people"} else of_head | asked)) if of_head else asked  # 几个人手: people
        if unit_word == "件" and "cases" in asked and _HANDLED.search(_asked_scope(text)) and not of_head:
            asked = frozenset({"cases"})  # 办理了多少件许可: matters handled (件), not the items a list holds (268项)
        stages = stages_of(_asked_scope(text))
        if stages & {"received", "accepted"} and not re.search(r"复议|诉讼|仲裁", text):
            stages |= {"received", "accepted"}  # only a legal procedure accepts (受理) what it received (收到) apart
        return Slot("count", asked, head=head, unit_word=unit_word, stages=stages,
                    part=_part_asked(text), given=frozenset(_GIVEN.findall(text)), words=text,
                    own_level=bool(_OWN_LEVEL.search(text)), stock=bool(_STOCK.search(text) or _THERE_ARE.search(text) and not _EVENT.search(text)),
                    population=_population_verb(text), new=bool(NEWLY_ADDED.search(text)),
                    every_agency=bool(_EVERY_AGENCY.search(text)))
    if _NAME.search(text):
        return Slot("name")
    which = _WHICH_ONE.search(text)
    if which:  # "是哪个村": a place or body by its own name (新河村), not a count of them (1个村)
        return Slot("which", label=which["noun"], words=text)
    return Slot("text")


_STOCK = re.compile(r"(?:总共|一共|共|现在|目前|眼下|现|手里)有(?:多少|几)|总数是?(?:多少|几)|(?:现有|共有)(?:多少|几)")
_HANDLED = re.compile(r"办理|受理|办结|审批|审结|查处|办件|立案")
# "持证的执法人员有多少": how many there are, when the question names no event that counts them
_THERE_ARE = re.compile(r"(?<![没还])有(?:多少|几)(?:个|名|位|人|家|支|所)?[?？]?$")
_EVENT = re.compile(r"参加|参与|参考|考试|考|培训|办理|办|受理|审结|结案|收到|收|开展|组织|新增|发放|调解|化解|出具|提供|接待|"
                    r"处理|查处|作出|制定|出台|审查|备案|清理|评查|获得|获|通过|合格|派出|选聘|聘请|聘|招录|录用|培育|发展|"
                    r"提出|发现|整改|建成|建立|设立|成立|覆盖|服务|走访|排查|申请|起诉|败诉|胜诉|出庭|纠错|撤销|维持|驳回|"
                    r"今年|去年|当年|全年|年内|期间|以来")
_SCORE = re.compile(r"得分|分数|评分|打分|(?:多少|几)分(?![之钟])")
_HEAD = re.compile(r"(?:多少|几)(?:个|项|件|条|家|次|名|位|人次|人|份|部|起|宗|场|期|户|种|张|支)?(?:的)?([\u4e00-\u9fff]{2,6})")
_NOT_HEAD = re.compile(r"^(是|有|在|被|呢|吗|了|左右|以上|工作(?!人员)|方面|情况|没|未|不)")
_TIME_WORDS = {"年", "个月", "个工作日", "天", "日", "周", "小时"}
# measure words that count one thing only: asked in them (多少通电话, 多少课时), a figure must be written in them
_LITERAL_UNITS = {"通", "课时", "学时", "亩", "吨", "公里", "平方米", "盏", "株", "棵", "趟", "笔", "单", "幅", "堂",
                  "节", "届", "米", "千米", "公顷", "万人次", "人次"}


def _unit_word(text: str) -> str:
    """The measure word right after 多少/几 (件, 人, 个月, 通), when it is one."""
    for match in re.finditer(r"多少|几", text):
        after = text[match.end():]
        for size in (4, 3, 2, 1):
            word = after[:size]
            if len(word) == size and (word in units.UNIT_KINDS or word in _TIME_WORDS or word in _LITERAL_UNITS):
                return word
    return ""
_CHANGE_ASKED = re.compile(r"(同比|比上年|较上年|比去年|较去年|比前一年)?(增长|(?<!新)增加|提高|上升|下降|减少|降低|降|升|涨|跌)了?(多少|几)(?!个百分点)|"
                           # which way it moved: "跟2022年比是降了还是升了", "有没有下降", "变化如何"
                           r"[升降增减涨跌高低多少]了?还是[升降增减涨跌高低多少]|(?:有没有|是否|有无)(?:增长|增加|提高|上升|下降|减少|降低)|"
                           r"变化(?:如何|怎样|怎么样|情况)|怎么变")


def head_kinds(head: str) -> frozenset[str]:
    """The kinds a counted noun is counted in, from its last characters; empty when unknown."""
    for size in (3, 2, 1):
        tail = head[-size:]
        kinds = {kind for kind, nouns in HEAD_KINDS.items() if tail in nouns.split("|")}
        if kinds:
            return frozenset(kinds)
    return frozenset()


# "评查的案卷里,优秀的有多少" / "案卷里有多少卷是优秀": the part of a population a count asks for
_IN_POPULATION = r"(?:里面|里头|当中|之中|其中|里|(?<![集其])中(?![心国央级介期层]))"
_PART_ASKED = re.compile(rf"{_IN_POPULATION}[,，]?(?:有)?(?P<part>[^,，?？、]{{2,14}}?)的(?:有|是|为)?(?:多少|几)|"
                         rf"{_IN_POPULATION}[,，]?(?P<bare>[^,，?？、的有]{{2,8}}?)(?:有|是|为|共)(?:多少|几)|"
                         rf"{_IN_POPULATION}有?(?:多少|几)[^,，?？]{{0,4}}?(?:是|为|属于)(?P<after>[^,，?？、]{{2,10}}?)[?？的]?$|"
                         # "收到的申请,最后有几件是同意公开的": the population is the clause before
                         rf"的[^,，?？]{{2,12}}[,，](?:最后|最终|其中|结果)?有?(?:多少|几)[^,，?？]{{0,4}}?(?:是|为|属于)"
                         rf"(?P<then>[^,，?？、]{{2,10}}?)[?？的]?$")
# "纠正的那几件政策措施里,市级层面的有几件", "移交给公安的那些案子,立案了几件": the part is counted among what
# the verb before 的 did; a demonstrative (那些, 这几件) or 里/中 marks the population
_POPULATION = re.compile(r"(?P<verb>[\u4e00-\u9fff]{2})(?:给[\u4e00-\u9fff]{1,4})?了?的(?:(?:那|这)(?:些|几[\u4e00-\u9fff]?)"
                         r"[^,，?？]{1,12}?(?:里面|当中|之中|里|中)?|[^,，?？]{1,12}?(?:里面|当中|之中|里|中))[,，]")
_EVERY_AGENCY = re.compile(r"全[市县区旗州](?:各级)?(?:行政机关|各部门|政府部门)|各级行政机关")
NEWLY_ADDED = re.compile(r"新(?:创|增|建|设|评|培育|成立|命名|入选|认定|获评|创建|创成|增加)")  # 新创成了几个


def _population_verb(text: str) -> str:
    found = _POPULATION.search(text)
    verb = found["verb"] if found else ""  # a verb, not whose (叙州区的复议案件里) or what (案件的)
    return verb if verb and not re.match(r"[这那哪其各每]", verb) and \
        not re.search(r"[区县市省镇乡州旗村级局委办]$|案件|案子|申请|文件|事项|人员|单位|部门|全年|今年|去年", verb) else ""


_GIVEN = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)(?![\d.]|\s*年|\s*月|\s*日)")


def _part_asked(text: str) -> str:
    """The qualifier of the part a count asks for within a population, without its leading verb
    (有执法证的 -> 执法证, 靠调解结案的 -> 调解结案); '' when the question asks for no such part."""
    found = _PART_ASKED.search(text)
    asked = (found["part"] or found["bare"] or found["after"] or found["then"] or "") if found else ""
    if not found or "各" in asked:
        return ""
    part = re.sub(r"^(?:有|是|被|由|靠|通过|经过?|经由|属于|评为|评上|列为)", "", asked)
    return part if len(part) >= 2 and not _NEGATED.match(part) else ""


def _asked_scope(text: str) -> str:
    """The words after a population the question narrows to ('审结的复议案里,维持的各有几件': 审结 names
    the population, not the asked measure)."""
    text = re.split(r"的[^,，?]{1,14}?(?:里面|当中|之中|里|中)[,，]?", text)[-1]
    asking = [c for c in re.split(r"[,，]", text) if re.search(r"多少|几", c)]  # '受理的仲裁案子,结案了多少件'
    return asking[-1] if asking else text


def stages_of(text: str) -> frozenset[str]:
    """The stages a text names; a negated one (不予受理, 未通过, 不合格) is not that stage."""
    text = re.sub(r"(?:不予|未予|不|未|没有|没)[\u4e00-\u9fff]{2}", " ", text)
    return frozenset(stage for stage, words in STAGES.items() if re.search(words, text))


def _head_noun(text: str) -> str:
    """The noun a count question names after its unit: 多少个问题 -> 问题 (not 多少人参加 -> 参加)."""
    match = _HEAD.search(text)
    if not match or _NOT_HEAD.match(match[1]) or re.match(r"个人(?!员)", text[match.start(1) - 1:]):
        return ""  # 几个人参加了: the noun is 人 (people), not 人参加
    noun = re.split(r"[了过是被在呢吗的和与]", match[1])[0]
    return noun if len(noun) >= 2 and not re.match(r"^(参加|参与|获得|通过|没有|还有|受理|办理|开展|完成|出台|发现|组成|构成|"
                                                  r"组建|担任|出席|列席)", noun) else ""


_IN = re.compile(r"^(?P<container>[^,，]{2,}?)(?:里头|里面|当中|之中|中|里)(?P<rest>[^,，]*)$")
_SHARE_IS = re.compile(r"(?P<whole>[^?]{2,30}?)(?:中|里|当中|之中)(?:有|的)?(?:多大|多少|几成|百分之几)(?:的)?(?:比例|比重)?"
                       r"(?:是|为|属于)(?P<part>[^,?]{2,20})")


def _share_terms(text: str) -> tuple[str, ...]:
    """(part,) or (part, whole), without the estimate words a speaker adds (…的大概占多少)."""
    return tuple(re.sub(r"的?(?:大概|大约|约莫|大致|差不多|约)$", "", t) for t in _share_terms_as_asked(text))


def _share_terms_as_asked(text: str) -> tuple[str, ...]:
    text = re.sub(r"的?占比", "的比例", text)  # "全程网办的占比是多少": 占比 names the share, not a whole after 占
    """(part,) or (part, whole) of a share question: '律师代理的占受理案件的比例' -> (律师代理的, 受理案件);
    '办结的案件中,调解和解的比例有多大' -> (调解和解的, 办结的案件)."""
    inverted = _SHARE_IS.search(text)  # "受理案件中有多大比例是律师代理的": the whole first, the part after 是
    if inverted:
        part, whole = _named(inverted["part"].strip("的 ")), _named(re.split(r"[,，]", inverted["whole"])[-1].strip("的 "))
        return (part, whole) if len(part) >= 2 and len(whole) >= 2 else ((part,) if len(part) >= 2 else ())
    cut = text.index("占") if "占" in text else (m.start() if (m := re.search(r"的?(比例|比重|占比|几成)", text)) else 0)
    within = re.search(r"在(?P<whole>[^,，在]{2,20}?)(?:中|里|当中|之中)$", text[:cut])  # "律师代理案件在受理案件中占…"
    if within:
        part = _named(re.split(r"[,，]", text[:within.start()])[-1].strip("的 "))
        whole = _named(within["whole"].strip("的 "))
        return (part, whole) if len(part) >= 2 else ()
    clauses = re.split(r"[,，]", text[:cut].removesuffix("所").rstrip(",， "))  # "…的案件,占审结的比例": the part before the comma
    inside = _IN.match(clauses[-1])  # "X中Y" / "X里头Y"; 县里的人 is no container (县 is one character)
    part = _named((inside["rest"] if inside and len(inside["rest"].strip("的")) >= 2 else clauses[-1]).strip("的"))
    whole = ""
    if "占" in text:
        whole = re.split(r"的?(?:比例|比重|百分比|比率|百分之几|百分之多少|多少|几成|几个百分点)", text[cut + 1:])[0]
        whole = re.sub(r"^(?:了|到|据)|(?:多大|多高|多少|几)$", "", whole)  # 占了多大比例 names no whole
    if len(whole.strip("的 了")) < 2:  # 占几成: the whole is the container before
        container = inside if inside and inside["rest"].strip("的") else (_IN.match(clauses[-2]) if len(clauses) > 1 else None)
        whole = container["container"] if container else (clauses[-2] if len(clauses) > 1 else "")
    whole = _named(whole.strip("的 ")) if len(whole.strip("的 ")) >= 2 else ""
    if len(part) < 2:
        return ()
    return (part, whole) if whole else (part,)


def _population_named(text: str) -> tuple[str, ...]:
    """"受理的案子里,还有多少件没审结": the population named before 里/中 and a comma, which is the total a
    remainder is taken from (受理164件, not 收到187件); () when none is named."""
    clause = next((c for c in re.split(r"[,，]", text)[:-1] if re.search(r"(?:里面|当中|之中|里|中)$", c)), "")
    population = _named(re.sub(r"^.*?\d{4}年度?|的?(?:案子|案件|申请|事项)?(?:里面|当中|之中|里|中)$", "", clause))
    return (population,) if len(population) >= 2 else ()


def _compares_things(text: str) -> bool:
    """'A比B多多少' compares two things; '比去年多了多少' / '同比增长' asks for a change over time."""
    rest = re.sub(rf"同比|环比|[比较](?:{TIME_BASE}|\d{{4}}年度?)|[跟和与同较](?:{TIME_BASE}|\d{{4}}年度?)(?:相)?比较?", "",
                  text)
    return bool(re.search(r"(?<![对相占同环无])比(?![例重率较])", rest))  # 比例, 对比, 相比 compare nothing


def years_mentioned(text: str) -> set[int]:
    """Every year a text mentions (2023年, 2021年度; rag.answer.cite.years_named keeps times only, in order)."""
    return {int(y) for y in YEAR.findall(text)}


def derivation_of(text: str) -> Derivation | None:
    found = _derivation(text)
    years = tuple(sorted(years_mentioned(normalise(text))))
    # the years a computation's figures are of (a base year compared with is the other operand's: not kept)
    keep = found is not None and years and (found.op in ("share", "difference", "sum") or found.op == "levels" and len(years) == 2)
    return replace(found, years=years) if keep else found


def _derivation(text: str) -> Derivation | None:
    text = normalise(text)
    apart = _APART.search(text)
    apart_terms = [t for t in _JOIN.split(re.sub(r"\([^()]*\)", "", re.split(r"[,，]", apart["terms"])[-1]))
                   if len(t) >= 2] if apart else []
    if _POINTS.search(text) and not _compares_things(text) and len(apart_terms) != 2:
        return Derivation("points")  # (A比B高出几个百分点 and A跟B差了几个百分点 compare two rates)
    compared = _COMPARED.search(text)
    if compared and re.fullmatch(r"(?:19|20)\d{2}年度?", re.split(r"[,，]", compared["b"])[-1]) and \
            re.search(r"(?:19|20)\d{2}年", re.split(r"[,，]", compared["a"])[-1]):
        thing = re.sub(r"^.*?(?:19|20)\d{2}年度?(?:的)?", "", re.split(r"[,，]", compared["a"])[-1])
        return Derivation("levels", terms=(_named(thing),) if len(thing) >= 2 else ())  # 2023年X比2022年多几件
    if compared and not _TIME_BASE.match(compared["b"]):
        a = re.split(r"[,，中里]", compared["a"])[-1]
        if _MEASURE_ONLY.match(a):  # "政府法律顾问,人数比公职律师多": the thing is in the clause before
            a = re.split(r"[,，]", text[:compared.start("a") + compared["a"].rfind(a)].rstrip(",，"))[-1] + a
        return Derivation("compare", terms=(_named(a), _named(compared["b"])),
                          verb="-" if compared["sign"] in "少低" else "+")
    if len(apart_terms) == 2:
        return Derivation("compare", terms=tuple(_named(t) for t in apart_terms))
    if _SHARE.search(text) and not _LEVELS.search(text):  # 没被受理的占了百分之几: a share of the negated part
        return Derivation("share", terms=_share_terms(text))
    asking = re.split(r"[,，]", text)[-1]
    inverse = _INVERSE.search(text) and re.findall(r"([\u4e00-\u9fff]{2,6})率", text)
    if inverse and re.search(r"(多少|几)(?!个百分点|成|倍)", asking):  # 按结案数和结案率倒推总量: count ÷ rate
        return Derivation("fromrate", terms=(re.sub(r"^.*[和及与的按]", "", inverse[-1]),))
    if _ESTIMATE.search(text) and re.search(r"(多少|几)(?!个百分点|成|倍)", asking) and \
            not re.search(r"率|比例|比重|占比|百分", asking) and not _SUM.search(text):  # 两者之和大约多少: a sum  # 被纠错的大约有多少件: a count at a stated rate
        part = re.sub(r"(?:大约|大概|约莫|估计|差不多|约)?(?:有|是|为)?(?:多少|几).*$", "", asking).strip("的 ")
        negated = _NEGATED.search(text)
        return Derivation("atrate", terms=(_named(part),),
                          verb=_verb_forms(negated[1]) if negated and not _LEXICAL_NEGATION.match(negated[1]) else "")
    neither = _NEITHER.search(text)
    if neither and _COUNT.search(text):  # 既没评上优秀、也不算不合格的: the total less both
        things = [re.sub(r"^(?:被|评上|评为|算|算是|属于|是)", "", t).strip("的") for t in (neither["a"], neither["b"])]
        return Derivation("difference", removed="、".join(things))
    negated = _NEGATED.search(text)
    if negated and _COUNT.search(text) and not _LEXICAL_NEGATION.match(negated[1]):
        return Derivation("difference", verb=_verb_forms(negated[1]), terms=_population_named(text))
    removed = _REMOVED.search(text)
    if removed and _COUNT.search(text):
        # the population taken from ("那批复议申请,刨去…"): names the total when several figures are larger
        population = re.sub(r"(里面|当中|之中|里|中|的)+$", "", re.split(r"[,，]", text[:removed.start()].rstrip(",，"))[-1])
        return Derivation("difference", removed=next(g for g in removed.groups() if g).strip("的"),
                          terms=(_named(population),) if len(population) >= 2 else ())
    if _BEFORE_ASKED.search(text) and _COUNT.search(text):
        return Derivation("before")
    since = _SINCE_LAST_YEAR.search(text)
    if since and _MOVED_BY.search(text) and not _POINTS.search(text):
        # what moved: the words before 比上年 (行政处罚案件数量比上年少了多少件 -> 行政处罚案件)
        subject = re.sub(r"(?:的)?(?:数量|件数|人数|总数|总量|数)$", "",
                         re.sub(r"\d{4}年度?", "", _named(re.split(r"[,，]", text[:since.start()])[-1])))
        return Derivation("yearchange", terms=(subject,) if len(subject) >= 3 else ())
    if _REMAINING.search(text):
        return Derivation("difference", verb="办结|审结|结案|完成|化解|整改", terms=_population_named(text))
    if _LEVELS.search(text) and not _compares_things(text):  # no stated change: the two levels it moved between
        return Derivation("levels")
    if _SHARE.search(text):
        return Derivation("share", terms=_share_terms(text))
    cue = _SUM.search(text)
    if cue and _COUNT.search(text) and (levels := _LEVELS_LISTED.search(text[:cue.start()])):
        return Derivation("sum", terms=tuple(f"{level}级" for level in re.sub(r"[、和与及]", "", levels["levels"])))
    after = re.match(r"[^,，?？]{0,6}?(?:多少|几)[个条件项人名家次起份部场宗户期]?(?P<things>[^,，?？。]{4,30})$",
                     text[cue.end():].rstrip("?？。! ")) if cue else None
    if after and _JOIN.search(after["things"]) and not _JOIN.search(text[:cue.start()]):
        # "一共研判了多少条热线工单和网络舆情": the things added up come after the asked count
        terms = [t for t in _JOIN.split(after["things"]) if len(t) >= 2]
        if len(terms) >= 2:
            return Derivation("sum", terms=tuple(_named(t) for t in terms))
    if cue and _COUNT.search(text):
        clauses = re.split(r"[,，]", text[:cue.start()])
        own = clauses[-1] if not _SUM_JOIN.search(clauses[-1]) else ""
        if len(clauses) > 1 and (_PLACEHOLDER.fullmatch(clauses[-1]) or not _SUM_JOIN.search(clauses[-1]) and (
                re.search(r"加上|连同|、", clauses[-2]) or clauses[-2].endswith("的"))):
            # "市直部门加上镇街,总共" / "A、B和C,总共" / "保留的加上废止的,文件总数": the parts are in the clause before; a plain
            # "党委和政府开会前学法,一共" names one subject, not two figures
            own = clauses[-2]
        before = re.sub(r"\([^()]*\)", "", own if own or not _SUM_JOIN.search(clauses[-1]) else clauses[-1])
        before = before if _SUM_JOIN.search(before) else clauses[-1]
        # 复议案子里被撤销或…: the population the parts are counted in is not a part (中心 is no 中)
        before = re.sub(r"^[^,]*?(?:(?:里面|当中|之中|里)被?|中被)(?=[\u4e00-\u9fff]{2})", "", before)
        before = re.sub(r"(?:这|那)?[两二三四五六七八九几]+(?:类|项|种|个|部分|方面)(?:加起来|的?事项)?$|这些|那些|之间$", "", before)
        if re.search(r"的(?:和|与|及|以及|跟)", before):  # 被直接纠错的和以调解、和解了结的: one term each
            terms = [t for t in re.split(r"的(?:和|与|及|以及|跟)", before) if len(t) >= 2]
        else:
            terms = [t for t in _SUM_JOIN.split(before) if len(t) >= 2]
        terms = [re.sub(r"(?<=[\u4e00-\u9fff])(?:这)?一级$", "", t) for t in terms]  # 乡镇一级加村一级
        if len(terms) >= 2:
            if "的" in terms[0].strip("的") and not any("的" in t for t in terms[1:]):
                terms[0] = terms[0].rsplit("的", 1)[1]  # 建成的A和B: the modifier is shared by both
            elif "的" in terms[-1].strip("的") and not any("的" in t for t in terms[:-1]):
                head = terms[-1].split("的", 1)[0]  # 废止和修改的规章: the noun is shared, the verbs tell apart
                terms[-1] = head if len(head) >= 2 else terms[-1]
            return Derivation("sum", terms=tuple(_named(t) for t in terms))
        if _COUNTED.search(text) and not _LIST.search(text) and len(split_parts(text)) == 1:
            # a whole whose members the report lists (顾问团由7名律师和3名专家组成); or the figures of the thing
            # named after the cue, one per round ("两轮加起来撤回复议申请的一共多少件")
            thing = re.match(r"([\u4e00-\u9fff]{2,12}?)的?(?:一共|总共|共|合计)?(?:有|是)?(?:多少|几)", text[cue.end():])
            return Derivation("sum", verb=thing[1] if thing and len(clauses) > 1 or (thing and cue.start() > 0) else "")
    return None


_PLACE_TIME = re.compile(r"^(?:\d{4}年度?|[\u4e00-\u9fff]{1,8}?(?<![社小园景辖片街山矿营城都超])(?:省|市|区|县|旗|州|盟)"
                         r"(?!政府|人民政府|委|局|院|直|属|级|[区县市旗])(?:本级)?|"
                         r"本级|全市|全县|全区)+")


def _named(term: str) -> str:
    """A figure's name as the question gives it, without the place and year in front
    (温州市本级“一证通办”事项 -> “一证通办”事项): those head every figure of the report alike."""
    stripped = _PLACE_TIME.sub("", term)
    return stripped if len(stripped) >= 3 else term  # 全市通办 is a name, not 全市 + 通办


_LIGHT_VERB = re.compile(r"^(?:做|搞|进行|开展|接受|得到|拿到|享受|给)")


def _verb_forms(word: str) -> str:
    """The positive side of a negated verb as a regex, most specific first: the word as asked,
    its known synonyms (考过 -> 合格|通过), then its leading verb (发现问题 -> 发现)."""
    word = re.sub(r"^(?:被|评上|评为|算是?|属于)", "", word.rstrip("的了"))  # 没评上合格: the verb is 合格
    if len(word) > 2 and word.endswith("过"):  # 审核过 -> 审核; 考过 stays a word of its own
        word = word[:-1]
    forms = [word]
    for key, synonyms in VERB_FORMS.items():
        if word == key or (len(key) > 1 and word.startswith(key)):  # 签 is 签订, not 签收
            forms += synonyms.split("|")
    light = _LIGHT_VERB.match(word)
    if light and len(word) - light.end() >= 2:  # 做法律体检 is what 提供法律体检 gives: the object, not 做法
        forms.append(word[light.end():])
    elif len(word) > 2:
        forms.append(word[:2])
    if len(word) == 2:  # a contracted verb: 调成 is 调解成功, 办完 is 办理完毕
        forms.append(f"{word[0]}[\u4e00-\u9fff]{{1,2}}{word[1]}")
    return "|".join(dict.fromkeys(forms))


# (那几件, 这几个 point back at things already named: they ask nothing)
_ASKS = re.compile(r"(多少|(?<![那这])几|哪|什么|是否|如何|怎样|怎么|吗|呢|谁|何|有没有|分别)")


def split_parts(question: str) -> list[str]:
    """The sub-questions of a multi-part question; a piece that asks nothing ("那份报告里") is
    context for the piece after it, not a part of its own."""
    pieces = [p.strip(" ,。") for p in _PART_SPLIT.split(normalise(question)) if p and len(p.strip(" ,。")) >= 2]
    parts, context = [], ""
    for piece in pieces:
        if not _ASKS.search(piece):
            context += piece + ","
            continue
        parts.append(context + piece)
        context = ""
    if context and parts:
        parts[-1] += "," + context.rstrip(",")
    for i in range(1, len(parts)):  # "复议局有多少编制、多少工作人员": the second part asks about the same subject
        if _BARE_ASK.match(parts[i]):
            subject = _BARE_ASK.split(parts[i - 1], maxsplit=1)[0]
            parts[i] = subject + ("" if parts[i].startswith(("有", "是")) else "有") + parts[i] if len(subject) >= 2 else parts[i]
    return parts or [question]


_BARE_ASK = re.compile(r"^(?:有|是|共|一共|共有)?(?:多少|几)|(?:有|是|共|一共|共有)?(?:多少|几)")


def section_of(question: str) -> str:
    """The report sections a question asks for, in the order it names them ("问题以及…打算" ->
    "problems plans"); '' when it asks for none."""
    if not _SECTION_ASK.search(question):
        return ""
    # 查摆问题, 发现问题, 整改问题 are work the report did, not its own problems section
    question = re.sub(r"(?:查摆|发现|整改|反馈|排查|解决|督办|交办|梳理出|查找|纠正)(?:了|出)?(?:的)?(?:问题|不足|短板)", "", question)
    # 立法计划, 执法检查计划 are programmes the report names (计划里的两部法规), not its own plans section
    question = re.sub(r"(?:立法|执法|普法|培训|检查|抽查|审查|监督|督查|调研|评查|考试)(?:工作)?计划", "", question)
    named = sorted((m.start(), name) for name, asks in SECTIONS.items() if (m := asks.search(question)))
    return " ".join(name for _, name in named)


_IT = re.compile(r"(?<=[比较和跟与同])(?:它|其|这个数|这一数字|这个数字|那个数)")


def _refer_back(text: str) -> str:
    """'2022年办了多少件?2023年比它多几件?': the pronoun compares with the year the earlier part asked
    about (2023年比2022年多几件), when that part names one year."""
    found = _IT.search(text)
    if not found:
        return text
    years = re.findall(r"((?:19|20)\d{2})年", re.split(r"[?？]", text[:found.start()])[-2] if re.search(r"[?？]", text[:found.start()]) else "")
    return text[:found.start()] + f"{years[-1]}年" + text[found.end():] if len(set(years)) == 1 else text


# a town or subdistrict by its name: the two characters before 镇/街道 (潭门镇, 王家街道), not a kind of place
# (城镇, 乡镇, 各镇, 12个镇, 特色小镇, 城关镇 is left alone too)
_SUB_PLACE = re.compile(r"([\u4e00-\u9fff]{2})(?:镇|街道)")
_NOT_A_NAME = set("各全本该每城乡村集小重名古市区县省个的和与及等其余这那些级办在是有了给向对到从为把被将于至往里")


def sub_place(text: str) -> str:
    """The name of the first town or subdistrict a text names ("琼海潭门镇办了多少件" -> 潭门), else ''."""
    return next((m[1] for m in _SUB_PLACE.finditer(text) if not set(m[1]) & _NOT_A_NAME), "")


def _placed(slot: Slot, text: str, regions: list[str]) -> Slot:
    """The slot with the town the part names, unless that town is an indexed region asked about (琥珀街道's
    own report need not repeat its name)."""
    place = sub_place(text)
    if not place or slot.kind in ("which", "list", "text") or any(place in r for r in regions):
        return slot
    return replace(slot, place=place)


def analyse(question: str, history, coverage) -> Analysis:
    """One record of everything the answerer needs to know about a question."""
    text = _refer_back(normalise(question.strip()))
    resolved, regions, years = followup.resolve(text, history or [], coverage)
    out = Analysis(question, resolved, regions, years)
    out.parts = [Part(p, _placed(slot_of(p), p, regions)) for p in split_parts(resolved)]
    out.derivation = derivation_of(resolved)
    if len(out.parts) > 1 and out.derivation is not None:  # the one part that asks a computation, read on its own
        own = [d for p in out.parts if (d := derivation_of(p.text)) is not None]
        out.derivation = own[0] if len(own) == 1 else out.derivation
    out.section = section_of(resolved)
    if _META.search(resolved) or (_DOCUMENT.search(resolved) and _ABOUT_TEXT.search(resolved)
                                  and not _COUNT.search(resolved.replace("哪几年", "")) and not _RATE.search(resolved)):
        out.intent, out.meta = "meta", meta_fields(resolved)
    elif len(regions) >= 2 or (not regions and _COMPARE.search(resolved)):
        out.intent = "compare"
    elif out.derivation:
        out.intent = "derived"
    elif out.section:
        out.intent = "section"
    elif any(p.slot.kind == "list" for p in out.parts):
        out.intent = "list"
    elif len(out.parts) > 1:
        out.intent = "multi"
    return out
