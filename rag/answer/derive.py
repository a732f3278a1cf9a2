"""Derived numbers: the asked figure computed from two figures one cited sentence states.

"参加考试295名,其中267人考试合格" answers "有多少人没考过" with 295 − 267 = 28; "收到申请120件,
不予受理25件" answers "扣除不予受理的还有多少" with 120 − 25 = 95; "社区矫正对象X人,安帮人员Y人"
answers "加起来有多少人" with X + Y; "由a%提高到b%" answers "提高了几个百分点" with b − a. Which
figure plays which part is read from the clause around it (the verb the question negates, the
thing it removes, the things it adds up), never from a fixed sentence shape.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal

from rag import units
from rag.answer.extractive import in_report_terms, report_variants
from rag.answer.question import STAGES, Derivation, Slot, head_kinds, stages_of, sub_place

MINUS, PLUS = "−", "+"


@dataclass
class Derived:
    value: str  # the computed figure as shown: "28"
    unit: str  # 人 / 件 / 个百分点 / %
    operation: str  # "295 − 267"
    sentence: str  # the cited sentence holding both operands
    approx: bool = False  # rounded to a whole figure: shown with ≈

    @property
    def shown(self) -> str:
        return f"{self.operation} {'≈' if self.approx else '='} {self.value}{self.unit}"


def _clause(text: str, q: units.Quantity) -> str:
    """The clause around a figure: from the punctuation mark (or the open bracket it sits in)
    before it to the next mark or bracket, so '争议(纠纷)351件(其中涉借贷案件261件)' gives 351 its
    own clause and 261 the aside."""
    start = max(text.rfind(mark, 0, q.start) for mark in ",;。:、") + 1
    opened = text.rfind("(", 0, q.start)
    if opened >= start and text.find(")", opened, q.start) == -1:
        start = opened + 1
    ends = [i for i in (text.find(mark, q.end) for mark in ",;。()") if i != -1]
    return text[start:min(ends) if ends else len(text)]


_FIGURE_ASIDE = re.compile(r"\([^()]*\d[^()]*\)")


def _owned_by_earlier(between: str) -> int:
    """Where the words between two figures stop belonging to the earlier one: at the first break
    (, ; 。 、 《 》, a joining 和/及/与, or a bracket closing around the earlier figure) outside brackets."""
    depth = 0
    for i, char in enumerate(between):
        if char == "(" and not depth and ")" not in between[i:]:
            return i  # an aside left open holds the next figure: "351件(其中涉借贷案件261件)"
        if char == "(":
            depth += 1
        elif char == ")":
            if not depth:
                return i
            depth -= 1
        elif not depth and (char in ",;。、《》" or (char in "和及与" and between[i + 1:i + 2] not in ("解", "谐", "时"))):
            return i  # "…会议5次和办公室会议3次": 和 starts the next figure's words
    return len(between)


def _clean(segment: str) -> str:
    """Asides holding figures belong to those figures; other asides are part of the name: 乡(镇)工作站 -> 乡镇工作站."""
    return re.sub(r"[()]", "", _FIGURE_ASIDE.sub("", segment))


def _segments(text: str, figures, index: int) -> tuple[str, str]:
    """(before, after): the words that go with this figure inside its clause. Words between two
    figures belong to the earlier one up to the first break, the rest to the later one:
    '11个县(市、区)中心、145个乡(镇)工作站' gives 11 '县市、区中心' and 145 '乡镇工作站';
    '清单(184项)》《收回…清单(464项)' gives 收回 to 464 only."""
    q = figures[index]
    clause_start = max(text.rfind(mark, 0, q.start) for mark in ",;。:") + 1
    ends = [i for i in (text.find(mark, q.end) for mark in ",;。") if i != -1]
    clause_end = min(ends) if ends else len(text)
    if index and figures[index - 1].end > clause_start:
        between = text[figures[index - 1].end:q.start]
        before = between[_owned_by_earlier(between):]
    else:
        before = text[clause_start:q.start]
    if clause_start > 1 and text[clause_start - 1] == "," and before == text[clause_start:q.start]:
        # "调解结案319件,占办结总数的28.9%": the share is of the clause before; "其中市本级举办9期,培训2292人": a
        # scope opened by 其中 in the clause before holds this figure too, unless that clause lists several
        # members with their figures ("其中市政府18人、县区政府25人,党政机关公职律师52人": a new item)
        previous = text[max(text.rfind(mark, 0, clause_start - 1) for mark in ",;。:") + 1:clause_start - 1]
        scope = previous.startswith("其中") and len(re.findall(r"\d+(?:\.\d+)?", previous)) <= 1
        # "提供“一对一”服务685件,减免公证费近10万元": a figure of another kind in the clause before leaves its
        # subject to this one (whom the 10万元 was waived for); a figure of the same kind starts a new item
        others = [o for o in units.find_quantities(previous) if not units.is_change(previous[:o.start])]
        carried = q.unit not in ("%", "‰") and bool(others) and not any(_same_family(q, o) for o in others)
        # a 其中 scope holds a figure of another measure (其中市本级举办9期,培训2292人), not a sibling item of the
        # same measure (其中“全程网办”事项873项,“赣服通”上线事项642项)
        scope = scope and not any(_same_family(q, o) for o in others)
        if before.startswith("占") or (scope and q.unit not in ("%", "‰")) or carried:
            before = re.sub(r"\d+(?:\.\d+)?\s*\S?", "", previous) + before
    nxt = figures[index + 1].start if index + 1 < len(figures) else len(text)
    after = text[q.end:min(clause_end, nxt)]
    return _clean(before), _clean(after[:_owned_by_earlier(after)])


def _grams(text: str) -> set[str]:
    return {text[i:i + 2] for i in range(len(text) - 1) if re.fullmatch(r"[\u4e00-\u9fff]{2}", text[i:i + 2])}


def rate_of(term: str, text: str) -> bool:
    """Whether a text states a rate of the term: a % level whose own words name it (纠错率11.8% is no
    rate of 调解和解; "调解结案319件,占办结总数的28.9%" is)."""
    text = units.normalize(text)
    return any(names(term, words) for _, words in _rate_levels(text))


def _rate_levels(text: str) -> list[tuple[units.Quantity, str]]:
    """Each stated rate level (a %, not a change) with the words that go with it."""
    rates = [q for q in units.find_quantities(text) if q.unit == "%" and not units.is_change(text[:q.start])]
    return [(q, "".join(_segments(text, rates, i)) + _clause(text, q)) for i, q in enumerate(rates)]


def names(term: str, text: str) -> bool:
    """Whether a text names a figure's term: most of its core's two-character words."""
    return _overlap(_core(term), text) >= 0.5


def _overlap(term: str, clause: str) -> float:
    grams = _grams(term)
    return len(grams & _grams(clause)) / len(grams) if grams else 0.0


def _figures(sentence: str, slot: Slot, op: str) -> list[units.Quantity]:
    if op == "points" or (op == "compare" and slot.kind == "points"):  # rates: "从3%提高到5%", "A比B高几个百分点"
        return [q for q in units.find_quantities(sentence) if q.unit == "%"]
    if op == "levels":  # a count or a time before and after: "表单由16种简化为3种", "从平均12个工作日压缩至2个工作日"
        found = [q for q in units.find_quantities(sentence, spelled=True) if q.unit not in ("%", "‰", "个百分点")]
        return sorted(found + units.find_durations(sentence), key=lambda q: q.start)
    found = [q for q in units.find_quantities(sentence, spelled=True) if not units.is_change(sentence[:q.start])]
    found = [q for q in found if q.unit not in ("%", "‰", "个百分点")]
    if slot.kind == "duration":  # 开工前审批“最多100天”、竣工验收“最多30天”: times add up like counts
        found = sorted(found + units.find_durations(sentence), key=lambda q: q.start)
    kinds = slot.unit_kinds if op != "share" else frozenset()  # a share is asked as a rate of counts
    return [q for q in found if units.compatible(q.unit, kinds)] if kinds else found


_DAYS = {"天", "日", "个工作日", "工作日"}  # days and working days are counted alike in reports' time limits


def _same_family(a: units.Quantity, b: units.Quantity) -> bool:
    return a.unit == b.unit or bool(a.kinds & b.kinds) or {a.unit, b.unit} <= _DAYS


def _fmt(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text


def _scale(q: units.Quantity) -> float:
    return q.value / float(q.number) if float(q.number) else 1.0


def solve(derivation: Derivation, slot: Slot, sentence: str, asked_unit: str = "") -> Derived | None:
    """The derived figure if this sentence states every operand, else None. The op functions return
    (first, [others], op): first − others..., first + others..., first ÷ other."""
    if derivation.op == "atrate":  # a count at a stated rate; else, for a negated verb, total − the positive side
        found = _at_rate(derivation, units.normalize(sentence), sentence)
        if found is not None or not derivation.verb:
            return found
        derivation = Derivation("difference", verb=derivation.verb)
    if derivation.op == "fromrate":
        return _from_rate(derivation, units.normalize(sentence), sentence)
    if derivation.op == "sum" and len(slot.head) >= 3 and not slot.head.startswith("个"):  # a named noun, not 个人/单位
        # 一共多少名法律顾问: only sentences that name 顾问 hold the members (法律明白人200名 are not advisers);
        # a noun any count may carry (案件, 事项) is named with its modifier (仲裁案件, not 上年结转案件)
        named = slot.head if slot.head[-2:] in _GENERIC_NOUNS else slot.head[-2:]
        sentence = "".join(p for p in re.split(r"(?<=[。;；!?！？])", sentence) if named in p)
        if not sentence:
            return None
    if derivation.op == "sum" and not derivation.terms:
        # 2019年402件…2023年566件: the years' figures add up (one asked year's figure is no sum of the series)
        series = _yearly_series(units.normalize(sentence)) if len(derivation.years) != 1 else []
        if series:
            return _sum_of(series, sentence, asked_unit)
        members = _members(units.normalize(sentence), sentence, asked_unit)
        return members if members is not None or not derivation.verb else \
            _each_named(derivation.verb, units.normalize(sentence), sentence, slot, asked_unit)
    if derivation.op == "yearchange":  # a stated change in % gives it; else the two levels it moved between
        found = before_change(sentence, "change", term=derivation.terms[0] if derivation.terms else "")
        if found is not None:
            return found if _unit_fits(asked_unit, found.unit) else None
        derivation = Derivation("points" if slot.rates else "levels")  # a rate's two levels differ in points
    text = units.normalize(sentence)
    if derivation.op == "share" and (rest := _complement(derivation, text, sentence)) is not None:
        return rest
    figures = _figures(text, slot, derivation.op)
    if len(derivation.years) == 1 and derivation.op in ("share", "difference", "sum"):
        # a sentence of several years' figures: the asked year's
        year_of = [_sentence_year(text, q) for q in figures]
        if len({y for y in year_of if y}) >= 2 and derivation.years[0] in year_of:
            figures = [q for q, y in zip(figures, year_of) if y == derivation.years[0]]
    if derivation.op == "share" and derivation.terms:  # 培训的人当中市本级的人: shares of people, not of sessions
        kinds = frozenset().union(*(head_kinds(t) for t in derivation.terms))
        counted = [q for q in figures if units.compatible(q.unit, kinds)] if kinds else figures
        figures = counted if len(counted) >= 2 else figures
    if derivation.op == "points" and slot.rates:  # the named rate's own levels, not another rate's or a change
        levels = [q for q in figures if not units.is_change(text[:q.start])]
        named = [q for q in levels if any(rate in text[max(0, q.start - 8):q.start] for rate in slot.rates)]
        figures = named if len(named) >= 2 else levels  # 由82%提高到97%: the second level follows its move
    if derivation.op in ("sum", "difference", "compare") and asked_unit not in ("", "个") and \
            len(in_unit := [q for q in figures if q.unit.lstrip("余多") == asked_unit]) >= 2:
        figures = in_unit  # 一共几部: the figures counted in 部 (废止规章2部、修改6部), not the 件 of other documents
    if len(figures) < 2:
        return None
    found = {"difference": _difference, "compare": _compare, "sum": _sum, "points": _points, "share": _share,
             "levels": _levels, "before": _before}[derivation.op](derivation, text, figures)
    if found is None:
        return None
    a, others, op = found[0], found[1] if isinstance(found[1], list) else [found[1]], found[2]
    if op != "share" and not _unit_fits(asked_unit, a.unit):  # 少了多少件: not a difference of 万元
        return None
    if any(_scale(a) != _scale(b) for b in others):  # 1.2万件 and 300件: shown numbers would not add up as written
        return None
    if op == "share":
        b = others[0]
        value = (Decimal(str(a.value)) / Decimal(str(b.value)) * 100).quantize(Decimal("0.01"))
        return Derived(_fmt(value), "%", f"{a.number} ÷ {b.number}", sentence)
    value = Decimal(a.number) + sum((Decimal(b.number) * (-1 if op == MINUS else 1) for b in others), Decimal(0))
    if value <= 0:
        return None
    percent = "%" if a.unit == "%" else ""
    shown = f" {op} ".join(f"{q.number}{percent}" for q in [a, *others])
    if percent:  # the operands are rates: the result is in percentage points
        return Derived(_fmt(value), "个百分点", shown, sentence)
    return Derived(_fmt(value), _answer_unit(asked_unit, others[-1]), shown, sentence)


# outcomes of a case a question may ask the figure of: a sentence whose figures carry none of them gives none
_OUTCOMES = ("调解", "和解", "纠错", "撤销", "维持", "驳回", "败诉", "胜诉", "确认违法", "责令履行", "终止")
_GENERIC_NOUNS = {"案件", "事项", "人员", "单位", "文件", "问题", "纠纷", "对象", "机构", "项目", "活动", "申请", "案卷"}


def _unit_fits(asked_unit: str, unit: str) -> bool:
    """Whether a figure in `unit` can answer a question asking in `asked_unit` (件 not 万元; 人 or 人次)."""
    if asked_unit == "个" or {asked_unit, unit} & {"%", "‰", "个百分点"}:  # rates and points: their own checks
        return True
    asked, have = units.kinds_of(asked_unit), units.kinds_of(unit)
    return not asked or not have or bool(asked & have)


_NEGATION = re.compile(r"不是|并非|没有?|未|(?<![一])不(?!同)|(?<![是])非")


def affirmed(term: str) -> str:
    """What a negated part says without its negation: the words after it ('原行政行为没被纠错' -> 纠错,
    '不是由专业律师担任' -> 专业律师担任, '没走“一窗受理”的业务' -> 走“一窗受理”的业务); '' when not negated."""
    negation = _NEGATION.search(term)
    return re.sub(r"^(?:是由|由|被|是)", "", term[negation.end():]).strip("的 ") if negation else ""


def _says(term: str, words: str) -> bool:
    return names(term, words) or _overlap(term, words) >= 0.5


def _complement(derivation: Derivation, text: str, sentence: str) -> Derived | None:
    """The share of the rest: '不是由专业律师担任的占比' from '专业律师担任…占比96.6%' is 100% − 96.6%.
    Only for a part the question negates, and only when exactly one stated level (no change) names
    the part without its negation."""
    positive = affirmed(derivation.terms[0]) if derivation.terms else ""
    if len(positive) < 2:
        return None
    named = [q for q, words in _rate_levels(text) if q.value < 100 and _says(positive, words)]
    if len(named) != 1:
        return None
    value = Decimal(100) - Decimal(named[0].number)
    return Derived(_fmt(value), "%", f"100% − {named[0].number}%", sentence)


def _at_rate(derivation: Derivation, text: str, sentence: str) -> Derived | None:
    """A count at a stated rate, estimated: '办结1105件,纠错率12.6%' gives 被纠错的 1105 × 12.6% ≈ 139件, and
    '评查案卷480卷,合格率95.2%' gives 不合格的 480 × (1 − 95.2%) ≈ 23卷. The rate must name the asked part
    (or, for a negated part, its positive side); the count is the figure right before the rate."""
    if not derivation.terms:
        return None
    negated = bool(_NEGATION.search(derivation.terms[0]))
    part = affirmed(derivation.terms[0]) if negated else derivation.terms[0].removeprefix("被")
    found = _count_at_named_rate(part, text)
    if found is None:
        return None
    rate, base = found
    share = (1 - Decimal(rate.number) / 100) if negated else Decimal(rate.number) / 100
    value = (Decimal(base.number) * share).quantize(Decimal(1))
    operation = f"{base.number} × (1 {MINUS} {rate.number}%)" if negated else f"{base.number} × {rate.number}%"
    return Derived(_fmt(value), base.unit.lstrip("余多"), operation, sentence, True)


def _count_at_named_rate(part: str, text: str, positive: bool = False):
    """(rate, count) when exactly one stated rate level below 100% (above 0% when `positive`, to divide by)
    names the part, and a count stands right before it in the same clause run; else None."""
    named = [q for q, words in _rate_levels(text) if (q.value > 0 or not positive) and q.value < 100 and _says(part, words)]
    if len(part) < 2 or len(named) != 1:
        return None
    rate = named[0]
    counts = [q for q in units.find_quantities(text[:rate.start]) if q.unit not in ("%", "‰", "个百分点")
              and not units.is_change(text[:q.start])]
    if not counts or re.search(r"[。;]", text[counts[-1].end:rate.start]):
        return None
    return rate, counts[-1]


def _from_rate(derivation: Derivation, text: str, sentence: str) -> Derived | None:
    """The whole a count is the stated rate of, estimated: '结案354件,结案率为80.45%' gives 354 ÷ 80.45% ≈ 440件.
    The rate must be the named one; the count is the figure right before it, in the same clause run."""
    found = _count_at_named_rate(derivation.terms[0], text, positive=True) if derivation.terms else None
    if found is None:
        return None
    rate, base = found
    value = (Decimal(base.number) / (Decimal(rate.number) / 100)).quantize(Decimal(1))
    return Derived(_fmt(value), base.unit.lstrip("余多"), f"{base.number} ÷ {rate.number}%", sentence, True)


_GROUP = re.compile(r"由(?P<members>[^,;。]{4,60}?)(?:共同)?组成|(?:包括|包含|其中)(?P<listed>[^;。]{4,60})")


def _each_named(thing: str, text: str, sentence: str, slot: Slot, asked_unit: str) -> Derived | None:
    """'两轮加起来撤回复议申请的一共多少件': the figures whose own clause names the thing (…撤回行政复议申请的有27件,
    …撤回行政复议申请的有133件), when there are two or more of one kind and the sentence states no total."""
    figures = _figures(text, slot, "sum")
    named = [q for q in figures if _overlap(thing, _clause(text, q)) >= 0.5]
    if len(named) < 2 or not all(_same_family(named[0], q) and _scale(q) == _scale(named[0]) for q in named):
        return None
    return _sum_of(named, sentence, asked_unit)


def _sum_of(figures: list[units.Quantity], sentence: str, asked_unit: str) -> Derived:
    """The figures added up, shown as a + b + …, in the asked unit."""
    value = sum((Decimal(q.number) for q in figures), Decimal(0))
    return Derived(_fmt(value), _answer_unit(asked_unit, figures[-1]), f" {PLUS} ".join(q.number for q in figures), sentence)


def _answer_unit(asked_unit: str, q: units.Quantity) -> str:
    """The unit of a computed figure: the one asked (几个人 counts 人), else the operand's."""
    return asked_unit if asked_unit and asked_unit != "个" else q.unit.lstrip("余多")


def _members(text: str, sentence: str, asked_unit: str) -> Derived | None:
    """A whole the question names but the report only lists by its members: '顾问团由7名执业律师和3名
    高校专家组成' gives 一共几个人 as 7 + 3 = 10人. Only the figures inside the 由…组成 / 包括… phrase."""
    for match in _GROUP.finditer(text):
        start = match.start("members") if match["members"] else match.start("listed")
        inside = [q for q in units.find_quantities(text) if start <= q.start < match.end()
                  and q.unit not in ("%", "‰", "个百分点") and not units.is_change(text[:q.start])]
        kinds = {frozenset(q.kinds) or q.unit for q in inside}
        asked = units.UNIT_KINDS.get(asked_unit, frozenset()) if asked_unit != "个" else frozenset()
        if asked and not all(units.compatible(q.unit, asked) for q in inside):
            continue  # 几名公职律师 is not summed from 废止11件、失效6件
        if len(inside) >= 2 and len(kinds) == 1 and all(_scale(q) == _scale(inside[0]) for q in inside):
            return _sum_of(inside, sentence, asked_unit)
    return None


def _difference(derivation: Derivation, text: str, figures):
    """total − part: the part is the figure whose clause carries the (positive) verb or the removed
    thing; the total is the nearest earlier larger figure of the same kind whose clause does not."""
    removed = [_bare(r) for r in re.split(r"[、和及与]|以及", derivation.removed) if len(_bare(r)) >= 2]
    # the most specific form of the verb any figure's clause carries (调解成功 before 调解: 人民调解组织…4215件
    # names 调解 as a noun, not as what happened to the part)
    verb = next((v for v in derivation.verb.split("|") if v and any(
        re.search(f"(?<!不予)(?<!未)(?<!不){v}", _clause(text, q)) for q in figures)), derivation.verb)
    derivation = replace(derivation, verb=verb)

    def is_part(q, thing: str = "") -> bool:
        clause = _clause(text, q)
        if derivation.removed:  # its clause, or the 其中 scope it is counted in ("其中区本级举办12期,培训2000人")
            scoped = clause + _scope(text, q)
            return _overlap(thing or (removed[0] if removed else derivation.removed), scoped) >= 0.7
        hit = re.search(f"(?<!不予)(?<!未)(?<!不)({derivation.verb})", clause)
        return bool(hit)

    if len(removed) >= 2:  # 除了撤销、确认违法和责令履行的: total − each removed part
        owned = ["".join(_segments(text, figures, i)) for i in range(len(figures))]  # each figure's own words
        parts = [next((q for q, words in zip(figures, owned) if _overlap(thing, words) >= 0.7), None)
                 for thing in removed]
        if any(p is None for p in parts) or len({id(p) for p in parts}) < len(parts):
            return None
        first = min(figures.index(p) for p in parts)
        totals = [t for t in figures[:first] if all(_same_family(t, p) for p in parts)
                  and t.value > sum(p.value for p in parts)]
        return (totals[-1], parts, MINUS) if totals else None
    for index, part in enumerate(figures):
        if not is_part(part):
            continue
        totals = [t for t in figures[:index] if _same_family(t, part) and t.value > part.value and not is_part(t)]
        if totals and derivation.terms and (derivation.removed or stages_of(derivation.terms[0])):
            # the population the question names, when something is taken from it or it is named by its stage
            # (受理的案子里…没审结: 受理164件, not 收到187件)
            term = derivation.terms[0]  # in "审结的行政复议案件" the modifier tells the totals apart, the noun is shared
            modifier = term.rpartition("的")[0]
            term = modifier if len(modifier) >= 2 and derivation.removed else term
            named = _pick(term, text, figures, {i for i, f in enumerate(figures) if f not in totals})
            if named is not None:
                return figures[named], part, MINUS
        if totals and not derivation.removed:
            # 调解纠纷3275件,调解成功3251件: a total whose clause shares the part's verb stem is the one it was taken from
            stem = re.search(f"(?<!不予)(?<!未)(?<!不)({derivation.verb})", _clause(text, part))[0][:2]
            return next((t for t in reversed(totals) if stem in _clause(text, t)), totals[0]), part, MINUS
        if totals:
            return totals[-1], part, MINUS
    return None


def _scope(text: str, q: units.Quantity) -> str:
    """The 其中 clause right before a figure's clause that holds it too ("其中区本级举办12期,培训2000人"), or ''."""
    start = max(text.rfind(mark, 0, q.start) for mark in ",;。:")
    if start < 1 or text[start] != ",":
        return ""
    previous = text[max(text.rfind(mark, 0, start) for mark in ",;。:") + 1:start]
    return previous if previous.startswith("其中") and len(re.findall(r"\d+(?:\.\d+)?", previous)) <= 1 else ""


def _bare(thing: str) -> str:
    """What is taken away, without the passive marker and verb complements: 被纠正 -> 纠正, 结转下来 -> 结转."""
    thing = re.sub(r"(下来|出来|过来|起来|进来|(?<=[转调划移])来|掉|了|中)$", "", thing.strip("的 ")).removeprefix("被")
    thing = thing.replace("上一年", "上年").replace("前一年", "上年")  # 上一年结转来的 is 上年结转
    return re.sub(r"^(还|仍|尚|正)", "", thing)  # 还在审理中 -> 在审理


def _core(term: str) -> str:
    """A noun phrase's core: 'X组织调处的纠纷' -> '调处的纠纷' (the verb before the last 的 and the
    noun after it); a phrase without 的 is its own core."""
    if "的" not in term.strip("的"):
        return term
    head, _, noun = term.strip("的").rpartition("的")
    return head[-2:] + "的" + noun


_STAGE_WORDS = "|".join(STAGES[k] for k in ("received", "accepted", "closing", "review", "filing"))


def _pick(term: str, text: str, figures, taken=(), strict: bool = False) -> int | None:
    """The figure a named term counts (`_pick_as_written`); a term the report words differently is
    tried again in the reports' terms (被告到法院的案件 -> 被诉的案件, 法援 -> 法律援助)."""
    stage = re.match(f"(?:{_STAGE_WORDS})(?=[\u4e00-\u9fff]{{2}})", term) if "的" not in term else None
    if stage:  # 审结复议案件 is 审结的复议案件: the stage tells the figures apart, the noun is shared (审结344件)
        term = f"{stage[0]}的{term[stage.end():]}"
    found = _pick_as_written(term, text, figures, taken, strict)
    reworded = in_report_terms(term)
    for variant in dict.fromkeys([reworded, *report_variants(reworded, text)]):  # 被诉的案件 -> 作为被告的案件
        if found is not None:
            break
        found = _pick_as_written(variant, text, figures, taken, strict) if variant != term else None
    return found


def _pick_as_written(term: str, text: str, figures, taken=(), strict: bool = False) -> int | None:
    """The figure a named term counts: the one whose surrounding words share most of the term's
    two-character words, each weighted by how few figures' words carry it (in "网上办理事项877项,
    “掌上办理”130项" the term 掌上办理事项 is told apart by 掌上, not by 办理 or 事项). The term's core
    decides first (调处的纠纷, not the 人民调解组织 that heads the whole sentence), the whole term breaks
    ties. None unless one figure wins outright."""
    segments = ["".join(_segments(text, figures, i)) for i in range(len(figures))]

    def scorer(phrase: str):  # a word no figure carries weighs as much as one only one figure carries
        # 的 joins, 级 only marks a level: 镇级工作站 is told apart by 镇 (reports write 镇(街道)工作站)
        grams = [g for g in _grams(phrase) if "的" not in g and "级" not in g] + re.findall(r"(.)级", phrase)
        carried = [g for g in grams if any(g in seg for seg in segments)]
        grams = carried or grams
        # words no figure carries (最后, 实际, 一共) say nothing about which figure is meant
        weights = {g: 1 / max(1, sum(g in seg for seg in segments)) for g in grams}
        # in "办结的案件" the modifier before 的 tells the figures apart; the noun after it is shared
        modifier = _grams(phrase.strip("的").rpartition("的")[0])
        # so does a stage of a process (复议审结案件: 审结, not 复议, tells 审结1153件 from 收到申请1327件)
        weights = {g: w * (3 if g in modifier or re.fullmatch(_STAGE_WORDS, g) else 1) for g, w in weights.items()}
        total = sum(weights.values())
        return lambda seg: sum(w for g, w in weights.items() if g in seg) / total if total else 0.0

    if any(word in term and not any(re.search(".?".join(word), seg) for seg in segments) for word in _OUTCOMES):
        return None  # 调解结案的 asks an outcome no figure here is of (审结110件, 纠错9件 are not 调解's; 调(和)解率 is)
    core_grams = [g for g in _grams(_core(term)) if "的" not in g and "级" not in g]
    if strict and core_grams and sum(any(g in seg for seg in segments) for g in core_grams) / len(core_grams) < 1 / 3:
        return None  # a part of a sum: 党政机关公职律师 is not named by "其中律师5名", most of its words are not here
    core, whole = scorer(_core(term)), scorer(term)
    quoted = re.findall(r"[“\"]([^”\"]{2,})[”\"]", term)  # a quoted name is a name: only that name counts it
    town = sub_place(term)  # so is a town's (嘉积镇办的案件: 嘉积镇612件, not the 全市12个镇 total)
    of_town = [i for i, seg in enumerate(segments) if town and town in seg and i not in taken]
    if len(of_town) == 1:
        return of_town[0]
    # a stage the term names decides among the figures that carry it (各级复议机关审结的: 审结920件, not 受理958件)
    stages = [g for g in re.findall(_STAGE_WORDS, term) if any(g in seg for seg in segments)]
    scores = sorted((((core(seg), whole(seg)), i) for i, seg in enumerate(segments)
                     if i not in taken and all(name in seg for name in quoted)
                     and all(stage in seg for stage in stages)), reverse=True)
    if not scores or scores[0][0][0] < 0.5:
        return None
    if len(scores) > 1 and scores[1][0] == scores[0][0]:
        # a tie: the figure the term names right before it (其中重大合同审查59件), not one far after an
        # enumeration that also names it (对重大合同、重要文件…开展合法性审查166件)
        tied = [i for score, i in scores if score == scores[0][0]]
        near = [i for i in tied if re.search(re.escape(term.strip("的")) + r"[\u4e00-\u9fff]{0,4}$", text[:figures[i].start])]
        return near[0] if len(near) == 1 else None
    return scores[0][1]


def _named(derivation: Derivation, text: str, figures) -> list | None:
    """The figures the question's terms name, one each, all of one kind; None unless every one is found."""
    picked: list[int] = []
    for term in derivation.terms:
        index = None
        if picked:  # parts of one sum are counted in one unit: try those first (废止2件, not 废止2部)
            other_units = {i for i, f in enumerate(figures) if f.unit != figures[picked[0]].unit}
            index = _pick(term, text, figures, set(picked) | other_units, strict=True)
        index = index if index is not None else _pick(term, text, figures, set(picked), strict=True)
        if index is None or (picked and not _same_family(figures[picked[0]], figures[index])):
            return None
        picked.append(index)
    return [figures[i] for i in picked] if len(picked) >= 2 else None


def _named_pair(derivation: Derivation, text: str, figures):
    """The two figures the question's two terms name, of one kind."""
    found = _named(derivation, text, figures) if len(derivation.terms) == 2 else None
    return tuple(found) if found else None


def _sum(derivation: Derivation, text: str, figures):
    """The two named figures; else, when the clause with the named things states exactly two figures
    of one kind (a sum of two asked things), those two."""
    found = _named(derivation, text, figures)
    if found:
        return found[0], found[1:], PLUS
    if len(derivation.terms) == 2 and len(figures) == 2 and figures[0].unit == figures[1].unit:
        if all(names(t, text) for t in derivation.terms):
            return figures[0], figures[1], PLUS
    return None


def _compare(derivation: Derivation, text: str, figures):
    """'A比B多多少' -> A − B; 'A比B少多少' -> B − A; 'A和B相差多少' -> the larger minus the smaller."""
    pair = _named_pair(derivation, text, figures)
    if pair is None:
        return None
    a, b = pair
    if derivation.verb == "-" or (not derivation.verb and b.value > a.value):
        a, b = b, a
    return a, b, MINUS


def _points(derivation: Derivation, text: str, figures):
    """'由a%提高到b%' / 'b%,比上年的a%': the later level minus the earlier one."""
    if len(figures) != 2:
        return None
    a, b = figures
    between = text[a.end:b.start]
    if re.search(r"(提高|上升|增加|下降|降低|减少)到|增至|降至|升至", between):
        return (b, a, MINUS) if b.value > a.value else (a, b, MINUS)
    years = _sentence_year(text, a), _sentence_year(text, b)
    if all(years) and years[0] != years[1] and re.search(r"[;。]", between):  # 2023年…纠错率11.71%。2022年…13.2%
        return (a, b, MINUS) if a.value > b.value else (b, a, MINUS)
    return None


def _sentence_year(text: str, q: units.Quantity) -> int | None:
    """The year a figure's sentence opens on or names last before it (2022年,全市…纠错率13.2%)."""
    start = max(text.rfind(m, 0, q.start) for m in "。!?") + 1
    years = re.findall(r"((?:19|20)\d{2})年(?!度?(?:工作|计划|目标))", text[start:q.start])
    return int(years[-1]) if years else None


_MOVED = re.compile(r"(简化|压缩|缩短|缩减|减少|降低|下降|降|精简|提高|提升|增加|增长|上升|扩大|延长|增)(为|到|至|成)")


_ADDED = re.compile(r"(?:新增加|新增|增加|增设|新设|扩充|追加|补充)[\u4e00-\u9fff“”\"]{0,12}$")  # 新增“跨省通办”事项37项
_REACHED = re.compile(r"(?:达到|达|增至|增加到|提高到|扩大到|现有|共有|总数为|为)$")


def _before(derivation: Derivation, text: str, figures):
    """'新增加政法专项编制6个,…人员编制达到11个': the level before the increase is the level reached less
    the increase (of one unit, the increase the smaller)."""
    added = [q for q in figures if _ADDED.search(text[max(0, q.start - 12):q.start])]
    reached = [q for q in figures if _REACHED.search(text[max(0, q.start - 4):q.start])]
    for level in reached:
        for increase in reversed(added):  # the increase nearest before the level (新增两个科室,新增编制6个,编制达到11个)
            if increase is not level and _same_family(level, increase) and increase.value < level.value \
                    and increase.start < level.start:
                return level, increase, MINUS
    return None


_YEAR_LABEL = re.compile(r"((?:19|20)\d{2})年度?(?:这一数字|该数字|这个数字|同期)?(?:为|是|的|共|达到?)?$")
_OPENING_YEAR = re.compile(r"^\s*(?:在)?((?:19|20)\d{2})年度?")


def _yearly_series(text: str) -> list[units.Quantity]:
    """Three or more figures of one kind, each labelled with its own year ("由2019年的402件增至2023年的566件,其中
    2020年437件、2021年495件、2022年522件"), in the text's order; [] when the text holds no such series."""
    figures = [q for q in units.find_quantities(text) if q.unit not in ("%", "‰", "个百分点")
               and not units.is_change(text[:q.start])]
    labelled = [(y, q) for q in figures if (y := _labelled_year(text, q))]
    years = [y for y, _ in labelled]
    if len(labelled) < 3 or len(set(years)) < len(years) or \
            not all(_same_family(labelled[0][1], q) for _, q in labelled):
        return []
    return [q for _, q in labelled]


def _labelled_year(text: str, q: units.Quantity) -> int | None:
    """The year a figure is of: written right before it (2022年为3905件), or opening its sentence with no other
    year between (2023年全市办理法律援助案件4268件)."""
    label = _YEAR_LABEL.search(text[max(0, q.start - 12):q.start])
    if label:
        return int(label[1])
    opened = text[max(text.rfind(mark, 0, q.start) for mark in "。;") + 1:q.start]
    first = _OPENING_YEAR.match(opened)
    return int(first[1]) if first and len(re.findall(r"(?:19|20)\d{2}年", opened)) == 1 else None


def _levels(derivation: Derivation, text: str, figures):
    """'由a简化为b' / '从a压缩至b': two levels of one measure in one clause, 由/从 before the first and
    a verb of moving right before the second; the larger minus the smaller. Or two years' levels,
    each labelled with its year ("2023年4132件,2022年3687件"): the later less the earlier."""
    labelled = [(year, q) for q in figures if (year := _labelled_year(text, q))]
    if len(labelled) > 2 and len(derivation.years) == 2:  # 2019年286件、…、2023年603件: the two years asked
        labelled = [(y, q) for y, q in labelled if y in derivation.years]
    if len(labelled) == 2 and labelled[0][0] != labelled[1][0] and _same_family(labelled[0][1], labelled[1][1]):
        (_, earlier), (_, later) = sorted(labelled, key=lambda y: y[0])
        return (later, earlier, MINUS) if later.value > earlier.value else None
    if derivation.terms:  # "2023年,…受理1,984件。2022年,…受理1,701件": the named figure of each year's sentence
        year_of = [_sentence_year(text, q) for q in figures]
        years = sorted({y for y in year_of if y})
        if len(years) >= 2:
            picked = []
            for year in years[-2:]:
                others = {i for i, y in enumerate(year_of) if y != year}
                index = _pick(derivation.terms[0], text, figures, others)
                if index is None:
                    return None
                picked.append(figures[index])
            earlier, later = picked
            return (later, earlier, MINUS) if _same_family(earlier, later) and later.value > earlier.value else None
    for a, b in zip(figures, figures[1:]):
        between = text[a.end:b.start]
        opened = text[max(text.rfind(m, 0, a.start) for m in ",;。") + 1:a.start]
        if not (re.search(r"[由从]", opened) and _MOVED.search(between[-12:]) and _same_family(a, b)):
            continue
        if re.search(r"[;。]", between) or between.count(",") > 1:
            continue
        return (a, b, MINUS) if a.value > b.value else (b, a, MINUS)
    return None


# a whole named by no words of its own (占总数的比例): the total the part is counted in, found as if unnamed
_ANY_WHOLE = re.compile(r"(?:全部|所有|全体)?(?:总数|总量|总额|总计|合计|总体|全部|所有|整体)的?")


def _share(derivation: Derivation, text: str, figures):
    """part ÷ whole: the part is the figure the question names before 占 (else the first smaller one
    after the first figure); the whole a larger figure of the same kind, the earliest one."""
    named = _pick(derivation.terms[0], text, figures) if derivation.terms else None
    if named is None and derivation.terms:
        return None
    if named is not None and len(derivation.terms) > 1 and not _ANY_WHOLE.fullmatch(derivation.terms[1]):
        # the whole the question names (受理案件, 办结的)
        parts = {i for i, q in enumerate(figures) if _within(derivation.terms[1], text, q)}
        whole = _pick(derivation.terms[1], text, figures, {named} | parts)
        if whole is not None and _same_family(figures[named], figures[whole]) and \
                figures[whole].value > figures[named].value:
            return figures[named], figures[whole], "share"
        larger = [(q, "".join(_segments(text, figures, i))) for i, q in enumerate(figures) if i != named and i not in parts
                  and _same_family(q, figures[named]) and q.value > figures[named].value]
        # a named whole the words do not pick: the one larger figure there is, never a guess among several,
        # and only if its words name the whole (调解、和解108件 is no whole of 审结的案件, 出庭案件90件 none of
        # 办理的行政复议案件; 全部事项 is named by 事项) or the whole is a total by name (各镇总数)
        said = re.sub(r"^(?:全部|所有|全体|整个|总的|各)", "", derivation.terms[1])
        return (figures[named], larger[0][0], "share") \
            if len(larger) == 1 and (names(said, larger[0][1]) or names(in_report_terms(said), larger[0][1])
                                     or re.search(r"(?:总数|总量|总额|总计|合计)$", said)) else None
    part_index = named if named is not None else next(
        (i for i, q in enumerate(figures[1:], 1) if _same_family(q, figures[0]) and q.value < figures[0].value), None)
    if part_index is None:
        return None
    part = figures[part_index]
    wholes = [q for q in figures if q is not part and _same_family(q, part) and q.value > part.value]
    # the whole a part is counted in is the nearest larger figure before it (收到248件,审结207件,其中纠错31件: 207)
    before = [q for q in wholes if q.start < part.start]
    return (part, before[-1] if before else wholes[0], "share") if wholes else None


_SINCE_LAST_YEAR = re.compile(r"(?:同比|(?:较|比)(?:上年|去年|上一年|前一年|(?P<base>\d{4})年)(?:同期)?)"
                              r"(?P<dir>增长|增加|上升|提高|提升|下降|减少|降低|回落)"
                              r"了?(?P<by>\d+(?:\.\d+)?)(?P<unit>%|个百分点|人次|[件人名项家次起宗个户份条场卷])")
_RISE = ("增长", "增加", "上升", "提高", "提升")


def before_change(sentence: str, asked: str, year: int | None = None, term: str = "") -> Derived | None:
    """The year before, from a figure and its stated change from last year: a rate's level then
    ('败诉率4.8%,同比下降1.5个百分点' -> 4.8% + 1.5 = 6.3%), a count's level then ('收到申请236件,同比增长
    18.6%' -> 236 ÷ (1 + 18.6%) ≈ 199件), or how far a count moved ('新收92件,同比下降8%' -> 92 ÷ (1 − 8%)
    − 92 ≈ 8件). `asked` is rate | count | change. Only when the sentence holds exactly one such pair:
    the figure right before its change, in the same clause run. A change against a named year
    (比2022年增加74件) counts only when that is `year`, the asked one; a change in the figure's own unit
    gives the count then directly (826件,比2022年增加74件 -> 826 − 74 = 752件). A `term` (what the
    question says moved) must be named before the figure, as written or in the reports' words."""
    text = units.normalize(sentence)
    found = []
    for change in _SINCE_LAST_YEAR.finditer(text):
        if change["base"] and int(change["base"]) != year:
            continue
        before = [q for q in units.find_quantities(text[:change.start()]) if not units.is_change(text[:q.start])]
        if not before or re.search(r"[。;]", text[before[-1].end:change.start()]) or \
                change.start() - before[-1].end > 12:
            continue
        level, by, rose = before[-1], Decimal(change["by"]), change["dir"] in _RISE
        named = text[max(text.rfind(mark, 0, level.start) for mark in "。;") + 1:level.start]
        if term and not names(term, named) and not names(in_report_terms(term), named):
            continue  # 法律援助案件2341件,比上年增长12.6% is no change of 行政处罚案件
        if asked == "rate" and level.unit == "%" and change["unit"] == "个百分点":
            value = Decimal(level.number) + (-by if rose else by)
            found.append(Derived(_fmt(value), "%", f"{level.number}% {MINUS if rose else PLUS} {change['by']}", sentence))
        elif asked == "count" and change["unit"] == level.unit.lstrip("余多") and by < Decimal(level.number):
            value = Decimal(level.number) + (-by if rose else by)
            found.append(Derived(_fmt(value), change["unit"], f"{level.number} {MINUS if rose else PLUS} {change['by']}",
                                 sentence))
        elif asked in ("count", "change") and level.unit not in ("%", "‰") and change["unit"] == "%" and by < 100:
            base = f"{level.number} ÷ (1 {PLUS if rose else MINUS} {change['by']}%)"
            previous = Decimal(level.number) / (1 + (by if rose else -by) / 100)
            if asked == "count":
                found.append(Derived(_fmt(previous.quantize(Decimal(1))), level.unit.lstrip("余多"), base, sentence, True))
            else:
                moved = abs(Decimal(level.number) - previous).quantize(Decimal(1))
                operation = f"{level.number} {MINUS} {base}" if rose else f"{base} {MINUS} {level.number}"
                found.append(Derived(_fmt(moved), level.unit.lstrip("余多"), operation, sentence, True))
    return found[0] if len(found) == 1 else None


_CONTAINER = re.compile(r"([^,;。:]{2,20}?)(?:当中|之中|里面|中|里)[,:]")


def _within(term: str, text: str, q: units.Quantity) -> bool:
    """Whether a figure is counted inside the term ("审结案件中,维持97件": 97 is part of the 审结 cases, not their number)."""
    sentence = text[max(text.rfind(mark, 0, q.start) for mark in "。;") + 1:q.start]
    term = re.sub(r"(?:的)?(?:总数|总量|数量|件数|人数|总和|总计)$", "", term) or term  # 审结总数 names 审结案件
    return any(names(term, match[1]) for match in _CONTAINER.finditer(sentence))


def asked_unit(question: str) -> str:
    match = re.search(r"(?:多少|几)(个百分点|个工作日|个小时|个月|工作日|小时|天|周|人次|万元|件|人|名|项|个|家|次|条|部|份|"
                      r"起|宗|场|期|户|元|种|张|支)", question)
    return match[1] if match else ""
