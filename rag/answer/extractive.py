"""The offline answerer: pick the sentences of the retrieved passages that answer the question.

It matches the asked-for thing (the question's content terms, weighted by rarity) and the expected
answer shape (a count with 件/项/人, a rate %, a date, a 《》 name, a list), quotes the best clause
window verbatim and cites it. Multi-part questions get one quote per part. Weak evidence, or an
expected number that no candidate carries, means refusal: an unrelated number is never an answer.
"""
from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rag import units
from rag.answer.question import NEWLY_ADDED, Slot, head_kinds, slot_of, stages_of, years_mentioned
from rag.answer.thresholds import MIN_TERM_SHARE, SIM_FLOOR, SIM_SPAN
from rag.ingest.chunk import POINT_LABEL, sentence_spans
from rag.types import Passage

SYNONYMS_FILE = Path(__file__).resolve().parent.parent / "data" / "synonyms.txt"
_QUESTION_WORDS = re.compile(
    r"(是多少|有多少|多少个|多少|几个|几件|几项|几次|几人|几家|哪些|哪个|哪几|哪一|哪里|哪天|什么|怎么样|怎样|如何|是否|"
    r"有没有|请问|请|一下|分别|各是|具体|情况|方面|主要|相关|一共|共计|总共|大概|呢|吗|的|了|是|有|在|和|与|及|"
    r"这份|那份|该|报告|年度|全年|今年|当年|工作|法治政府建设|法治政府|建设|提到|提及|介绍|说明|列举|给出|数据|"
    r"数字|数量|比例|比率|占比|百分比|指标|怎么|为何|为什么|描述|内容|总结|简要|概括|做了|干了|搞了|采取了|件事|"
    r"举措|措施|做法|多长时间|多久|多长|现在|目前|如今|需要|(?<![统唯第])一[家名位](?=[\u4e00-\u9fff]))"
)
# content words holding a character the question-word removal takes out on its own (和, 了, 有, 在, 及, 与)
_WORDS_WITH_FUNCTION_CHARS = ("和解", "了结", "有效", "在线", "存在", "参与", "及时", "涉及", "普及", "和谐", "在编",
                              "有偿", "在押", "给与")
# single characters that glue a paraphrase together; bigrams across them are noise (问里, 里由)
_FUNCTION_CHARS = set("里由被把对向从给让比就都也还又而且或及其之所为以于将已曾该各每这那哪谁吗呢吧啊么")
SHAPES = {  # what a date, year or name answer looks like
    "date": re.compile(r"\d{4}年\d{1,2}月|\d{4}-\d{2}-\d{2}|\d{1,2}月\d{1,2}日"),
    "year": re.compile(r"\d{4}年"),
    "name": re.compile(r"《[^》]{2,40}》"),
}


_NAMED_AS = re.compile(r"被(?:正式|首次|首批)?(?P<verb>命名|评为|评定|认定|授予|确定|列为|表彰|批准)")


@dataclass
class Quote:
    passage: int  # index into the passages list
    text: str  # verbatim substring of the passage text
    score: float
    part: str
    holds: bool = True  # the quote holds the asked-for slot (a figure of the asked kind ...)
    about: float = 0.0  # how much it is about the asked-for thing, whether or not it holds the slot
    section: bool = False  # the first sentence of a section of points that its heading made the answer


def holds_slot(quote: str, slot: Slot) -> bool:
    """Whether a quote can answer the slot: a figure of the asked kind (not a change from last
    year), the named rate with its own level, a date, a year, a 《》 name."""
    if slot.place and slot.place not in quote:  # 潭门镇办了多少件 is not answered by 全市12个镇…其中嘉积镇612件
        return False
    if slot.kind == "which":  # a name ending in the noun: 新河村 — not 1个村, 各村, nor the honour's 示范村 the question names
        return any(not re.search(r"[\d个各全每该本的一二两三四五六七八九十余多些级有]", quote[max(0, m.start() - 2):m.start()])
                   and re.fullmatch(r"[\u4e00-\u9fff]{2}", quote[max(0, m.start() - 2):m.start()])
                   and quote[m.start() - 2:m.end()] not in slot.words
                   for m in re.finditer(re.escape(slot.label), quote))
    if slot.kind in SHAPES:
        named = _NAMED_AS.search(slot.words) if slot.kind in ("date", "year") else None
        # "哪年被命名为…": when it was named, not when it was recommended for it (被推荐参加…评选)
        return bool(SHAPES[slot.kind].search(quote)) and (not named or _in(named["verb"], quote))
    if slot.kind == "rate":
        at = max((quote.rfind(r) for r in slot.rates), default=-1)
        return _rate_level(quote, slot.rates, slot.words) and not (slot.every_agency and party_itself(quote, at))
    if slot.kind == "duration":  # "多长时间", "几个工作日": a span of time (0.5个工作日, 3天, 即办)
        return bool(units.find_durations(quote)) or bool(re.search(r"即办|当场办结|立等可取|当天办结|当日办结", quote))
    if slot.kind == "change":  # "同比增长了多少": only a change answers, not the level itself; "少几件" not a %
        if slot.rates:  # "败诉率降了多少": the change of that rate, in its own clause (not 出庭应诉率's)
            return any(units.is_change(w[:q.start]) for w in _rate_windows(quote, slot.rates)
                       for q in units.find_quantities(w))
        return any(units.is_change(quote[:q.start]) and (not slot.unit_kinds or units.compatible(q.unit, slot.unit_kinds))
                   for q in units.find_quantities(quote, spelled=True))
    if slot.kind == "points":  # of the named rate when one is named: 出庭应诉率提高11.5个百分点 is not 败诉率's
        windows = _rate_windows(quote, slot.rates) if slot.rates else [_plain(quote)]
        return any("百分点" in w or len([q for q in units.find_quantities(w) if q.unit == "%"]) >= 2 for w in windows)
    if slot.kind == "count" and slot.unit_word and slot.unit_word not in units.UNIT_KINDS:
        return bool(re.search(rf"(\d+|[两二三四五六七八九十])\s*[余多]?{re.escape(slot.unit_word)}", quote))  # 连续5年, 3个月
    if slot.kind == "count" and not (slot.unit_kinds or slot.unit_word or slot.head) and _rate_level(quote, frozenset()):
        return True  # a bare "各是多少" names no measure: a stated level in % answers it as well as a count
    if slot.kind in ("count", "amount"):
        found = [q for q in units.find_quantities(quote, spelled=True) if not units.is_change(quote[:q.start])
                 and q.unit not in ("%", "‰", "个百分点")]
        kinds = slot.unit_kinds or ({"amount"} if slot.kind == "amount" else set())
        found = [q for q in found if units.compatible(q.unit, kinds)] if kinds else found
        if slot.unit_word in ("人", "名", "位"):  # 多少名群众 counts people; 5100人次 counts visits
            found = [q for q in found if not q.unit.endswith("人次")]
        return any(_counts_head(quote, q, slot.head) and _same_stage(quote, q, slot.stages)
                   and _noun_agrees(quote, q, slot.unit_kinds) and _names_part(quote, q, slot.part)
                   and q.number not in slot.given and not _counts_with_another(quote, q, slot.words)
                   and not (slot.own_level and _all_levels(quote, q)) and not _planned(quote, q)
                   and not (slot.stock and _added(quote, q)) and _in_population(quote, q, slot.population)
                   and not (slot.new and _stock(quote[_clause_around(quote, q)[0]:q.start]))
                   and not _attended(quote, q, slot.words) and not _joint_total(quote, q, slot.words)
                   and not _of_one_field(quote, q, slot.words)
                   and not (slot.every_agency and party_itself(quote, q.start)) for q in found)
    return True


def _plain(quote: str) -> str:
    """NFKC, without short parentheses inside a rate's name: 调(和)解率 -> 调解率."""
    return re.sub(r"\([^()]{1,3}\)", "", unicodedata.normalize("NFKC", quote))


def _rate_windows(quote: str, rates: frozenset[str]) -> list[str]:
    """What follows each named rate, to the next rate named or the sentence's end: 败诉率7.9%,同比下降1.2个百分点."""
    plain = _plain(quote)
    return [re.split(r"[;。]|[\u4e00-\u9fff]{2}率", plain[m.end():], maxsplit=1)[0]
            for r in rates for m in re.finditer(re.escape(r), plain)]


def _counts_head(quote: str, q, head: str) -> bool:
    """'多少个问题' is answered by '发现问题25个' or '25个问题', not by '12个单位': a figure directly
    followed by a noun that shares nothing with the counted noun counts something else."""
    if not head:
        return True
    after = re.match(r"[\u4e00-\u9fff]{2,4}", quote[q.end:])
    if not after:
        return _kind_before(quote, q, head)
    grams = {head[i:i + 2] for i in range(len(head) - 1)}
    named = {after[0][i:i + 2] for i in range(len(after[0]) - 1)}
    start = _clause_around(quote, q)[0]
    if len(head) >= 4 and after[0].startswith(head[-2:]) and head[:-2] not in quote[start:q.end + len(after[0])]:
        return False  # 多少名公职律师 is not answered by 5名律师: the figure counts the bare noun, not the asked kind
    counted = _OTHER_COUNTED.search(re.match(r"[\u4e00-\u9fff]{2,8}", quote[q.end:])[0])
    if counted and counted[0] not in head and head[-2:] not in after[0][:counted.start()] \
            and not head_kinds(head) & {"organisations"}:
        return False  # 29个行政执法部门执法信息, 7个方面: the figure counts the departments or aspects, not the 信息
    same_kind = bool(head_kinds(head) & head_kinds(after[0][:2]))  # 几起案子 is answered by 6起案例
    return bool(grams & named) or head in quote[start:q.start] or same_kind


# areas of work a figure belongs to, as questions and reports name them: a question about one is not answered
# by a paragraph that names none of its words (行政复议 is not 行政许可事项)
_AREAS = ("复议", "诉讼|应诉|被诉|败诉|胜诉|出庭|官司|被告", "法律援助|法援", "仲裁", "公证", "信访", "矫正", "许可")


def on_topic(question: str, passage) -> bool:
    """Whether a passage (its paragraph and heading) names every area of work the question names."""
    said = passage.heading + " " + passage.text
    return all(re.search(area, said) for area in _AREAS if re.search(area, question))


_GENERIC_GRAMS = {"行政", "工作", "相关", "各类", "全部", "各项", "有关"}
# nouns a figure right before them counts, whatever the noun phrase goes on to name
_OTHER_COUNTED = re.compile(r"部门|单位|机关|方面|领域|环节|行业|批次|类别")


def _kind_before(quote: str, q, head: str) -> bool:
    """'多少件行政处罚案件' is not answered by '行政诉讼案件63件' nor by its '审结58件': a figure of the head's
    noun (案件), named in its sentence before it, must be of the head's own kind (处罚), named before that noun."""
    noun, modifier = head[-2:], head[:-2]
    if len(modifier) < 2 or not (head_kinds(noun) or noun in ("决定", "文书")):  # 减轻处罚决定 vs 不予处罚决定161件
        return True
    sentence = quote[max(quote.rfind(m, 0, q.start) for m in "。;;") + 1:q.start]
    named = sentence.rfind(noun)  # the noun this figure counts, in its clause or carried from an earlier one (…案件63件,审结58件)
    if named < 0:
        return True
    near = sentence[max(sentence.rfind(m, 0, named) for m in ",、") + 1:named]  # the noun's own phrase
    grams = [g for g in (modifier[i:i + 2] for i in range(len(modifier) - 1)) if g not in _GENERIC_GRAMS]
    return not grams or sum(_in(g, near) for g in grams) * 2 >= len(grams)


_ASKS_PLANS = re.compile(r"计划|打算|安排|下一步|下步|将要|准备|明年|今后|目标|思路|部署")
# (目标管理/目标考核/目标责任 name a kind of appraisal, not a target)
_PLAN_WORDS = re.compile(r"力争|争取|确保|拟[于在将]?|预计|目标(?!管理|考核|责任)(?:是|为)?|计划(?=[新再在到于将完实培建开组]|\d)")
_DONE = re.compile(r"已|累计|目前|现有|截至|实际|共计")


def _clause_around(quote: str, q) -> tuple[int, int]:
    """(start, end) of the clause a figure stands in: from the mark before it to the mark after it."""
    start = max(quote.rfind(m, 0, q.start) for m in ",;。") + 1
    ends = [i for i in (quote.find(m, q.end) for m in ",;。") if i != -1]
    return start, min(ends) if ends else len(quote)


def _planned(quote: str, q) -> bool:
    """A figure its clause sets as a target (力争…持证率达到95%以上, 计划新培育5000名): no outcome. A
    plan word governs the clauses after it in its sentence (力争败诉率控制在5%以内,出庭应诉率达到100%)
    unless the figure's own clause says what is done (目前已培育3200名)."""
    return _targeted(quote, q.start, _clause_around(quote, q)[0])


def _sentence_start(text: str, at: int) -> int:
    """Where the sentence holding position `at` begins (after the last 。;!? before it)."""
    return max(text.rfind(m, 0, at) for m in "。;!?") + 1


def _targeted(text: str, at: int, clause_start: int) -> bool:
    if _PLAN_WORDS.search(text[clause_start:at]):
        return True
    return bool(_PLAN_WORDS.search(text[_sentence_start(text, at):clause_start])) and not _DONE.search(text[clause_start:at])


_STOCK_BEFORE = re.compile(r"现有|共有|累计|目前|已有|总数|总量|全[县市区旗州]有|拥有")


_JOINED = re.compile(r"([\u4e00-\u9fff]{3,10})(?:和|与|及|以及|、)([\u4e00-\u9fff]{3,10})")


def _joint_total(quote: str, q, words: str) -> bool:
    """"人大代表建议和政协委员提案,全年共办理145件" counts both: no answer to how many 人大代表建议 were
    handled. A figure whose own clause names neither, after a pair of things of which the question names
    only the first."""
    start, _ = _clause_around(quote, q)
    opened = _sentence_start(quote, q.start)
    # the first of the pair named alone again after it (…重大合同、重要文件…166件,其中重大合同审查59件,涉及金额
    # 48.7亿元) is what the figure goes with
    return any(m[1][-4:] in words and m[2][-4:] not in words and m[1][-4:] not in quote[opened + m.end():q.start]
               for m in _JOINED.finditer(quote[opened:start]))


_FIELD = re.compile(r"([\u4e00-\u9fff]{2,6}?)(?:领域|系统|行业)")
_WHOLE_ASKED = re.compile(r"全[市县区旗州省]|一共|总共|合计|全部|总额|总数")


def _of_one_field(quote: str, q, words: str) -> bool:
    """"深入推进生态环境领域执法,…罚没款1386万元" is one field's: no answer to what the whole region fined
    (全市行政处罚一共罚没了多少钱), unless the question names that field."""
    if not _WHOLE_ASKED.search(words):
        return False
    before = quote[_sentence_start(quote, q.start):q.start]
    return any(f[1][-4:] not in words and f[1][-2:] not in words for f in _FIELD.finditer(before))


_HOLD, _ATTEND = r"开|召开|举办|举行|主持|组织", r"列席|参加|出席|参与|旁听"


def _attended(quote: str, q, words: str) -> bool:
    """"开了几次常务会议" asks the meetings held: 列席常务会议32次 counts attending them (a lawyer's), not holding."""
    asked = re.search(rf"(?:{_HOLD})了?[^,，?？]{{0,8}}?(会议|培训班|讲座|考试|论证会|听证会)", words)
    if not asked:
        return False
    start, end = _clause_around(quote, q)
    clause = quote[start:end]
    return bool(re.search(rf"(?:{_ATTEND})[^,，;；。]{{0,10}}{asked[1]}", clause)) and not re.search(_HOLD, clause)


def party_itself(quote: str, at: int) -> bool:
    """Whether the figure at `at` is of the government itself as a party (市政府作为被告的案件96件,…败诉率4.55%),
    the subject last named before it, rather than of all the region's agencies (全市行政机关…)."""
    if at < 0:
        return False
    before = quote[:at]
    itself = [m.start() for m in re.finditer(r"(?<!全)[市县区旗州](?:人民)?政府(?:作为|为)被告|以[市县区旗州](?:人民)?政府为被告", before)]
    every = [m.start() for m in re.finditer(r"全[市县区旗州]", before)]
    return bool(itself) and itself[-1] > max(every, default=-1)


def _stock(before: str) -> bool:
    """A figure given as how many there are (现有14个), not as how many were added (累计新增2437名)."""
    return bool(_STOCK_BEFORE.search(before)) and not (NEWLY_ADDED.search(before) or "增加" in before)


def _in_population(quote: str, q, verb: str) -> bool:
    """A part asked within a population (纠正的那几件里): its figure must follow, in its sentence, the
    population's verb (纠正违规措施5件,其中市级2件) — 其中市级层面审查43件 is a part of what was reviewed."""
    if not verb:
        return True
    return _in(verb, quote[_sentence_start(quote, q.start):q.start])


def _added(quote: str, q) -> bool:
    """A figure its clause gives as an increase (新增公职律师12名) or as the takers of an exam or a
    course (组织295名执法人员参加考试, 其中267人考试合格), not as how many there are."""
    start, end = _clause_around(quote, q)
    return bool(re.search(r"新增加?|新设|新培育|新招录|新聘请?|新发展|新建|增加了?|增设", quote[start:q.start])) or \
        bool(re.search(r"参加|参考|参训|考试|培训|轮训|合格", quote[start:end]))


def _all_levels(quote: str, q) -> bool:
    """Whether a figure's own words count across a region's levels (全市三级政府, 各级, 市县两级), not
    one government's own level (本级)."""
    clause = quote[_clause_around(quote, q)[0]:q.end]
    # the subject is carried from the sentence's start: 全市行政执法机关…办理案件4.37万件,罚没款2.86亿元
    carried = quote[max(quote.rfind(m, 0, q.start) for m in "。;") + 1:q.end]
    return "本级" not in clause and bool(re.search(r"全[市县区州省旗]|各级|[两二三四五]级|[市县区乡镇]{2}两级", carried))


def _counts_with_another(quote: str, q, words: str) -> bool:
    """'412件…不予处罚或者减轻处罚' counts two things together: it does not answer a question that asks
    for one of them alone (不予处罚的有多少件), unless the question joins them too."""
    if not words or "或" in words:
        return False
    start, end = _clause_around(quote, q)
    clause = quote[start:end]
    asked = in_report_terms(words)

    def share(side: str) -> float:
        grams = {side[i:i + 2] for i in range(len(side) - 1)} - {"处理", "案件"}
        return sum(g in asked for g in grams) / len(grams) if grams else 0.0
    for m in re.finditer(r"([\u4e00-\u9fff]{2,4})(?:或者|或)([\u4e00-\u9fff]{2,4})", clause):
        if (share(m[1]) >= 0.5) != (share(m[2]) >= 0.5):
            return True
    return False


def _names_part(quote: str, q, part: str) -> bool:
    """'案卷里,优秀的有多少' is answered by a figure whose own clause names 优秀 (in the reports' words),
    not by the whole population's figure: every two-character word of the part's modifier, and at
    least half of the part's."""
    if not part:
        return True
    start, end = _clause_around(quote, q)
    clause = quote[start:end]
    wording = in_report_terms(part)
    grams = [g for g in (wording[i:i + 2] for i in range(len(wording) - 1))
             if re.fullmatch(r"[\u4e00-\u9fff]{2}", g) and not set(g) & _FUNCTION_CHARS]
    modifier = wording.rpartition("的")[0]
    needed = [g for g in grams if g in modifier]
    if not grams:
        return True
    if not re.search(r"不|未|没|非", part):  # 不予受理8件 does not name 受理 (but answers 不予受理的)
        clause = re.sub(r"(?:不予|不|未|没有|没|非)[\u4e00-\u9fff]{2}", " ", clause)
    return all(_in(g, clause) for g in needed) and sum(_in(g, clause) for g in grams) * 2 >= len(grams)


_LINK_VERB = r"(?:达到|已达|达|为|共有|共计|总计|合计|共|约|近|超过|增至|增加到)$"  # 编制达到11个: the noun is 编制


def _noun_agrees(quote: str, q, kinds: frozenset[str]) -> bool:
    """'处罚案件265件' counts cases: it does not answer a count of 事项 (items), whatever 件 may count.
    The noun right before a figure with nothing after it says what it counts."""
    if not kinds or re.match(r"[\u4e00-\u9fff]{2}", quote[q.end:]):
        return True
    before = re.search(r"[\u4e00-\u9fff]{2,4}$", re.sub(_LINK_VERB, "", quote[:q.start]))
    named = head_kinds(before[0]) if before else frozenset()
    return not named or bool(named & kinds)


def _same_stage(quote: str, q, asked: frozenset[str]) -> bool:
    """When the question names a stage of a process (收到, 办结, 参加, 合格 …), only a figure whose own
    clause names that stage answers: 办结219件 does not answer 收到多少申请, nor 3006名执法人员 考过多少人."""
    if not asked:
        return True
    start, end = _clause_around(quote, q)
    return bool(stages_of(quote[start:end]) & asked)


def _rate_level(quote: str, rates: frozenset[str], thing: str = "") -> bool:
    """A level in % (not a change) right after the named rate, in the same clause (or any level when
    no rate is named). A rate the quote names with a word of the thing asked is the named one: asked
    负责人到庭应诉的比例, the quote's 出庭应诉率 must have its level (结案率80% is another rate's)."""
    plain = _plain(quote)
    if not rates and thing:
        grams = {thing[i:i + 2] for i in range(len(thing) - 1)} - {"比例", "比率"}
        rates = frozenset(r for r in re.findall(r"[\u4e00-\u9fff]{2,6}率", plain) if any(g in r for g in grams))
    windows = [plain[m.end():] for r in rates for m in re.finditer(re.escape(r), plain)] if rates else [plain]
    for window in windows:
        clause = re.split(r"[,;。]", window, maxsplit=1)[0] if rates else window
        before = plain[:len(plain) - len(window)]  # the clause's words before the rate's name
        opened = before[max(before.rfind(m) for m in ",;。") + 1:]
        if any(q.unit == "%" and not units.is_change(clause[:q.start])
               and not _targeted(before + clause, len(before) + q.start, len(before) - len(opened))
               for q in units.find_quantities(clause)):
            return True
    return False


@lru_cache(maxsize=1)
def _synonym_file() -> tuple[list[tuple[str, str]], dict[str, tuple[str, ...]]]:
    """The synonyms file, read once: (colloquial form, report term) pairs, longest form first, and
    the groups of report terms that name the same measure in different reports (`= 办结 审结 结案`)."""
    pairs, groups = [], {}
    for line in SYNONYMS_FILE.read_text(encoding="utf-8").splitlines():
        if line.startswith("="):
            words = tuple(line[1:].split())
            groups.update({word: words for word in words})
        elif ":" in line and not line.startswith("#"):
            term, forms = line.split(":", 1)
            pairs += [(form, term.strip()) for form in forms.split()]
    return sorted(pairs, key=lambda p: -len(p[0])), groups


def _forms(term: str) -> tuple[str, ...]:
    """The term and the report terms that name the same measure: a sentence holding any holds the term."""
    return _synonym_file()[1].get(term, (term,))


def report_variants(term: str, text: str) -> list[str]:
    """The term with a report word the text does not use swapped for one of its group that it does
    (被诉的案件 -> 被告的案件 in "作为被告的行政诉讼案件4件")."""
    groups = _synonym_file()[1]
    return [term.replace(word, other) for word in sorted(groups, key=len, reverse=True) if word in term and word not in text
            for other in groups[word] if other != word and other in text]


def _in(term: str, text: str) -> bool:
    return any(form in text for form in _forms(term))


def in_report_terms(question: str) -> str:
    """Rewrite colloquial wording into the reports' terms (输了官司 -> 败诉), longest form first;
    report terms already in the question are kept as they are (行政复议 stays)."""
    pairs = _synonym_file()[0]
    terms = sorted({term for _, term in pairs}, key=len, reverse=True)
    out, i = [], 0
    while i < len(question):
        term = next((t for t in terms if question.startswith(t, i)), None)
        hit = None if term else next(((f, t) for f, t in pairs if question.startswith(f, i)), None)
        if term:
            out.append(term)
            i += len(term)
        elif hit:
            out.append(hit[1])
            i += len(hit[0])
        else:
            out.append(question[i])
            i += 1
    return "".join(out)


def content_terms(question: str, drop: list[str]) -> list[str]:
    """Character bigrams of the asked-for thing (question words, regions and years removed)."""
    text = in_report_terms(question)
    for word in sorted(drop, key=len, reverse=True):
        text = text.replace(word, " ")
    text = re.sub(r"\d{4}\s*年?度?|\d+", " ", text)
    # a word of a synonym group longer than a bigram (调解成功 = 调成) is one term, found in any of its forms
    words = [w for w in sorted(_synonym_file()[1], key=len, reverse=True) if len(w) > 2 and w in text]
    for word in words:
        text = text.replace(word, " ")
    kept = {chr(0xE000 + i): word for i, word in enumerate(_WORDS_WITH_FUNCTION_CHARS) if word in text}
    for mark, word in kept.items():  # 和解 is a word, not 和 + 解: hide it from the question-word removal
        text = text.replace(word, mark)
    text = _QUESTION_WORDS.sub(" ", text)
    for mark, word in kept.items():
        text = text.replace(mark, word)
    # "在执法监督上": the place word closing a run is no part of the thing
    runs = [run[:-1] if len(run) > 2 and run[-1] in "上中里" else run for run in re.findall(r"[\u4e00-\u9fff]+", text)]
    grams = [run[i: i + 2] for run in runs for i in range(len(run) - 1)
             if not (set(run[i: i + 2]) & _FUNCTION_CHARS)]
    grams += [run for run in runs if len(run) == 1 and run in "率件"]
    return list(dict.fromkeys(words + grams))


def _clauses(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans, cursor = [], start
    for match in re.finditer(r"[,,;;。]", text[start:end]):
        spans.append((cursor, start + match.end()))
        cursor = start + match.end()
    if cursor < end:
        spans.append((cursor, end))
    return spans


def _weights(terms: list[str], passages: list[Passage], corpus_idf) -> dict[str, float]:
    """Term weights: corpus IDF when known (terms the corpus never uses are paraphrase noise and
    carry no weight), else rarity among the retrieved passages."""
    if corpus_idf is None:
        n = len(passages) + 1
        return {t: math.log(1 + n / (1 + sum(_in(t, p.text) for p in passages))) for t in terms}
    weights = {t: w for t in terms if (w := max(_idf(corpus_idf, form) for form in _forms(t)))}
    # a bigram across two words of the question (复议|调解 -> 议调) weighs no more than the words it joins
    # when the passages never write it: a rare junction is no rarer a thing asked
    for t in [t for t in weights if len(t) == 2 and not any(_in(t, p.text) for p in passages)]:
        joined = [w for a, w in weights.items() if len(a) == 2 and a != t and (a[1] == t[0] or a[0] == t[1])]
        if len(joined) >= 2:
            weights[t] = min(weights[t], *joined)
    return weights


def _idf(corpus_idf, word: str) -> float:
    """A bigram's corpus IDF; a longer word is at least as rare as its rarest bigram (0 if one is unused)."""
    grams = [corpus_idf(word[i:i + 2]) for i in range(len(word) - 1)] if len(word) > 2 else [corpus_idf(word)]
    return 0.0 if None in grams else max(grams)


def best_quotes(part: str, passages: list[Passage], drop: list[str], context_terms: list[str] = (),
                max_chars: int = 160, corpus_idf=None, similarity=None, slot: Slot | None = None) -> list[Quote]:
    """Candidate quotes for one question part, best first.

    A sentence scores by the weighted share of the asked-for terms it contains and, when a
    `similarity(question, sentences) -> cosines` function is given, by its embedding similarity
    to the question (robust to paraphrase); a quote that does not hold the asked-for slot (no
    figure of the asked kind, only a change where a rate is asked) costs 60% and is marked so.
    The order of the passages never changes which sentence wins (ties go to the better-ranked one).
    """
    terms = content_terms(part, drop) or list(context_terms)
    slot = slot or slot_of(in_report_terms(part))
    idf = _weights(terms, passages, corpus_idf)
    total = sum(idf.values())
    if not total:
        return []
    candidates = []
    for index, passage in enumerate(passages):
        text, before = passage.text, ""
        # a list asked of a section's subject ("优化营商环境做了哪几件事"): a section whose body is a run of points
        # is about what its heading names, so its first sentence is covered by the heading's share of the terms;
        # a heading naming most of them makes that sentence a candidate though the points repeat no term of it
        section = sum(w for t, w in idf.items() if _in(t, passage.heading)) / total \
            if slot.kind == "list" and len(re.findall(POINT_LABEL, text)) >= 2 else 0.0
        for number, (s, e) in enumerate(sentence_spans(text, 0, len(text))):
            clauses = _clauses(text, s, e)
            hits = [(cs, ce) for cs, ce in clauses if any(_in(t, text[cs:ce]) for t in idf)]
            if hits or (section >= 0.75 and number == 0):
                candidates.append((index, text, s, e, clauses, hits or clauses[:1], before, not hits,
                                   section if s == 0 else 0.0))
            before = text[s:e]
    # a section's first sentence is compared in meaning as its heading says it (一是推进“放管服”改革 under 优化营商环境)
    said = [(passages[c[0]].heading.split(" > ")[-2:][0] + " " if c[7] else "") + c[1][c[2]:c[3]] for c in candidates]
    cosines = similarity(part, said) if similarity and candidates else None
    from rag.answer.structured import SECTIONS  # the plans section's heading words (structured imports this module)
    planned_section = SECTIONS["plans"][1] if slot.kind == "list" and not _ASKS_PLANS.search(part) else None
    named_years = years_mentioned(part)
    asked_year = named_years.pop() if len(named_years) == 1 else None
    out = []
    for position, (index, text, s, e, clauses, hits, before, headed_only, section) in enumerate(candidates):
        window = _window(text, clauses, hits, slot, max_chars)
        quote = text[window[0]:window[1]].strip()
        # a term in the passage's heading path counts half: the sentence inherits its section's subject
        # a term in the passage's heading path, or in the sentence before (whose subject a sentence such as
        # "调解、和解108件,调(和)解率29.07%" leaves unsaid), counts half
        context = passages[index].heading + " " + before  # this candidate's own, not the last one looped over
        covered = sum(w if _in(t, text[s:e]) else w * 0.5 if _in(t, context) else 0 for t, w in idf.items()) / total
        covered = max(covered, section)  # the first sentence of a section of points, as its heading names it
        if covered < MIN_TERM_SHARE:
            continue  # similar in meaning but not about the asked-for thing: never an answer
        if cosines is not None:
            covered = 0.5 * covered + 0.5 * min(1.0, max(0.0, (cosines[position] - SIM_FLOOR) / SIM_SPAN))
        holds = holds_slot(quote, slot) and _of_year(quote, asked_year, passages[index].year) and _same_scope(part, quote) \
            and on_topic(part, passages[index])
        score = covered * (1.0 if holds else 0.4)
        if planned_section and planned_section.search(passages[index].heading.split(" > ")[0]):
            score *= 0.8  # "做了哪几件事": next year's plans are not what was done
        out.append(Quote(index, quote, round(score, 4), part, holds, round(covered, 4), headed_only))
    # ties go to the passage retrieval ranked higher (its fused score), never to its list position
    return sorted(out, key=lambda q: (-q.score, -passages[q.passage].score, q.text))


_NATIONAL, _PROVINCIAL = r"全国|国家级|国家", r"省级|全省|[\u4e00-\u9fff]{1,3}省(?!级)|自治区"
_SCOPED = re.compile(rf"(?P<scope>{_NATIONAL}|{_PROVINCIAL})(?:首批|第[一二三四五六七八九十\d]+批)?(?P<thing>[\u4e00-\u9fff]{{4}})")


def _same_scope(question: str, quote: str) -> bool:
    """An honour or title asked at one level (全国法治政府建设示范市) is not one the quote gives at another
    (河南省首批法治政府建设示范市): where the quote names the thing only under the other level, it does not hold."""
    for asked in _SCOPED.finditer(question):
        national = bool(re.fullmatch(_NATIONAL, asked["scope"]))
        found = [m for m in _SCOPED.finditer(quote) if m["thing"] == asked["thing"]]
        if found and all(bool(re.fullmatch(_NATIONAL, m["scope"])) != national for m in found) and \
                quote.count(asked["thing"]) == len(found):
            return False
    return True


def _of_year(quote: str, asked: int | None, report_year: int | None) -> bool:
    """A sentence of a report of no single year (a five-year summary) holds a figure of the asked year only
    if it names that year, when it names years at all: 2019年286件、2020年312件 does not answer 2018年收了多少件."""
    if asked is None or report_year is not None:  # a report of one year: its other years are said as such
        return True
    named = {int(y) for y in re.findall(r"((?:19|20)\d{2})\s*年(?!度?(?:工作|计划|目标))", quote)}
    return not named or asked in named


def _window(text: str, clauses, hits, slot: Slot, max_chars: int) -> tuple[int, int]:
    """The whole sentence when short enough, else the clauses from the first to the last matching one
    (plus the value clause right after)."""
    if clauses[-1][1] - clauses[0][0] <= max_chars:
        return clauses[0][0], clauses[-1][1]
    first, last = clauses.index(hits[0]), clauses.index(hits[-1])
    if slot.kind not in ("text", "list") and last + 1 < len(clauses):
        after = text[clauses[last + 1][0]:clauses[last + 1][1]]
        if holds_slot(after, slot) and not holds_slot(text[clauses[last][0]:clauses[last][1]], slot):
            last += 1
    while clauses[last][1] - clauses[first][0] > max_chars and last > first:
        last -= 1
    start, end = clauses[first][0], clauses[last][1]
    return start, min(end, start + max(max_chars, clauses[first][1] - clauses[first][0]))

