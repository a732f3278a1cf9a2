"""The one unit vocabulary: which units count what, and the quantities a clause states.

API (used by the facts table, answers and the verifier):
- `UNIT_KINDS`: unit -> the kinds it can count (件 counts cases, documents and items; 人/名 count people).
- `kinds_of(unit)`: the kinds of a written unit ("700余人" -> {"people"}; 万元 -> {"amount"}).
- `compatible(unit, kinds)`: whether a unit can express one of the kinds.
- `asked_kinds(question)`: the kinds a question asks for: 多少人/人数 -> people, 几件/案件数 -> cases
  (and the other kinds 件 counts), 多少次 -> times, 比例/率 -> rate, 金额 -> amount ...; empty when the
  question names no unit.
- `find_quantities(text)`: every `Quantity` (value, number, unit, span ...) in a clause. Handles
  spaces ("18 次", "15 %"), full-width digits, thousands separators, 余/多 after the number, 近/约
  before it, 万/亿 multipliers; skips masked placeholders ("*次", "2*件"), ordinals (第3次) and
  numbers that are part of a word (3个月, 10部门).
- `find_quantities(text, spelled=True)` also reads counts spelled in Chinese numerals (两个科室,
  十二个乡镇, 一百二十余件); not a lone 一 (一次, 一批 are articles), not an ordinal (第三次) and not a
  name in quotes or a title (“三项制度”, 《…》).
- `is_change(before)`: whether the text right before a number makes it a change ("同比增长17%",
  "比去年提高5.78%", "上升3个百分点"), not a level ("提高到95%" is a level).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

UNIT_KINDS: dict[str, frozenset[str]] = {unit: frozenset(kinds) for unit, kinds in {
    "人": {"people"}, "名": {"people"}, "位": {"people"}, "人次": {"people", "times"},
    "件": {"cases", "documents", "items"}, "起": {"cases"}, "宗": {"cases"}, "例": {"cases"},
    "件次": {"cases", "times"}, "案": {"cases"},
    "份": {"documents"}, "部": {"documents"}, "篇": {"documents"}, "卷": {"documents", "cases"},
    "册": {"documents"}, "条": {"documents", "items"}, "项": {"items", "documents"},
    "个": {"items", "organisations", "documents"}, "类": {"items"}, "种": {"items"}, "张": {"items", "documents"},
    "台": {"items"}, "套": {"items"}, "辆": {"items"}, "座": {"items"}, "支": {"organisations", "items"},
    "次": {"times"}, "场": {"times"}, "场次": {"times"}, "期": {"times"}, "轮": {"times"},
    "批": {"times", "items"}, "批次": {"times", "items"},
    "家": {"organisations"}, "所": {"organisations"}, "户": {"households"},
    "%": {"rate"}, "‰": {"rate"}, "个百分点": {"points"},
    "元": {"amount"}, "万元": {"amount"}, "亿元": {"amount"},
}.items()}

_FULL_WIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}  # same length: spans stay true
_UNIT_RE = "|".join(sorted((re.escape(u) for u in UNIT_KINDS if u not in ("万元", "亿元")), key=len, reverse=True))
_QUANTITY = re.compile(
    r"(?P<approx>近|约|超过|逾)?(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*"
    r"(?P<more>[余多])?(?P<mult>[万亿])?(?P<more2>[余多])?\s*(?P<unit>" + _UNIT_RE + ")")
_MASK = "*＊×Xx"
_COMPOUNDS = ("个月", "个工作日", "部门", "部分", "场所", "期间", "期限", "次日", "条例", "条件", "人民", "人员",
              "名单", "名录", "名称", "户籍", "所有", "所在", "项目", "批准", "份额", "起草", "起诉", "起来",
              "例如", "宗旨", "位于", "类似", "元素", "卷宗", "件事", "种类", "种植", "张贴", "台账", "台阶",
              "套餐", "座谈", "支持", "支付", "支出", "支部", "支援")
_CHANGE = re.compile(r"(增长|提高|提升|上升|下降|降低|减少|(?<!新)增加|增幅|降幅|回落|同比|环比|比去年|较去年|比上年|"
                     r"较上年|较同期|比同期|去年的|上年的|同期的)(了|约|达|近|超过|多|为)?$")
_ASKED = re.compile(r"(?:多少|几|若干)(?:个)?(" + _UNIT_RE + r")")
# words that ask for money: 收费总额, 挽回经济损失, 投入资金, 多少万元
AMOUNT_WORDS = (r"金额|多少钱|资金|经费|万元|亿元|标的额|罚没|罚款|总额|费用|收费|款项|补贴|补助|投入|预算|"
                r"经济损失|损失|赔偿|补偿款|税费")
_ASKED_WORDS = {"people": r"人数|多少人|几人|人员数|名额", "cases": r"案件数|件数|案件量|收案|多少案",
                "times": r"次数|场次|频次", "rate": r"(?<!效)率|比例|比重|占比|百分比|百分之",
                "amount": AMOUNT_WORDS, "organisations": r"多少家|多少个单位|多少个部门"}


@dataclass(frozen=True)
class Quantity:
    value: float  # in the base unit: 1.2万件 -> 12000, 603.81万元 -> 6038100
    number: str  # as written, without separators: "1,234" -> "1234"
    unit: str  # 件 / 人次 / % / 万元 ...
    start: int
    end: int
    shown: str  # as written, e.g. 近200场, 700余人, 603.81万余元
    approx: str = ""  # 近 / 约 / 余 / 多 when the report says so

    @property
    def kinds(self) -> frozenset[str]:
        return kinds_of(self.unit)


def normalize(text: str) -> str:
    """Full-width digits, letters, % and spaces to ASCII, keeping every offset."""
    return text.translate(_FULL_WIDTH)


def kinds_of(unit: str) -> frozenset[str]:
    unit = unit.lstrip("余多")
    if unit in UNIT_KINDS:
        return UNIT_KINDS[unit]
    return UNIT_KINDS.get(unit.lstrip("万亿"), frozenset())


def compatible(unit: str, kinds) -> bool:
    return bool(kinds_of(unit) & frozenset(kinds))


def asked_kinds(question: str) -> frozenset[str]:
    text = normalize(question)
    kinds: set[str] = set()
    for match in _ASKED.finditer(text):
        kinds |= kinds_of(match[1])
    for kind, words in _ASKED_WORDS.items():
        if re.search(words, text):
            kinds.add(kind)
    return frozenset(kinds)


def is_change(before: str) -> bool:
    return bool(_CHANGE.search(before.rstrip()))


_CN_DIGIT = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_PLACE = {"十": 10, "百": 100, "千": 1000}
_SPELLED = re.compile(r"(?P<num>[〇零一二两三四五六七八九十百千]+)(?P<more>[余多])?(?P<unit>" + _UNIT_RE + ")")


def spelled_value(numeral: str) -> int | None:
    """一百二十 -> 120, 十二 -> 12, 两千 -> 2000; None for what is not a number written this way
    (a run of bare digits such as 三五, or places out of order)."""
    if not any(c in _CN_PLACE for c in numeral):
        return _CN_DIGIT[numeral] if len(numeral) == 1 else None
    total, digit, last_place = 0, None, 10_000
    for c in numeral:
        if c in "零〇" and last_place < 10_000:
            continue  # 两千零五: a place left empty
        if c in _CN_DIGIT:
            if digit is not None:
                return None  # two digits in a row: 三五十
            digit = _CN_DIGIT[c]
        else:
            place = _CN_PLACE[c]
            if place >= last_place:
                return None
            total += (1 if digit is None else digit) * place
            digit, last_place = None, place
    return total + (digit or 0)


def _spelled_quantities(text: str) -> list[Quantity]:
    out = []
    for m in _SPELLED.finditer(text):
        before = text[max(0, m.start() - 1):m.start()]
        if m["num"] == "一" and not re.match(r"[,;。、)]", text[m.end():m.end() + 1]) or before in ("第", "“", "「", "\"", "'", "‘", "《", "每") or _in_title(text, m.start()):
            continue
        if text[m.start("unit"):m.start("unit") + 4].startswith(_COMPOUNDS) or (value := spelled_value(m["num"])) is None:
            continue
        out.append(Quantity(float(value), str(value), m["unit"], m.start(), m.end(), m.group(), m["more"] or ""))
    return out


def _in_title(text: str, at: int) -> bool:
    return text.rfind("《", 0, at) > text.rfind("》", 0, at)


def find_quantities(text: str, spelled: bool = False) -> list[Quantity]:
    """Every quantity written in digits; with `spelled`, counts in Chinese numerals as well."""
    text = normalize(text)
    out = _spelled_quantities(text) if spelled else []
    for m in _QUANTITY.finditer(text):
        start, end = m.start("num"), m.end()
        if _masked(text, start, m.end("num")) or text[max(0, start - 1):start] == "第":
            continue
        if text[m.start("unit"):m.start("unit") + 4].startswith(_COMPOUNDS) or _glued_digit(text, end):
            continue
        unit = m["unit"]
        if m["mult"] and unit == "元":
            unit = m["mult"] + "元"
        number = m["num"].replace(",", "")
        scale = {"万": 1e4, "亿": 1e8}.get(m["mult"] or "", 1.0)
        approx = m["approx"] or m["more"] or m["more2"] or ""
        shown = re.sub(r"\s+", "", m.group())
        out.append(Quantity(float(number) * scale, number, unit, m.start(), end, shown, approx))
    return sorted(out, key=lambda q: q.start) if spelled else out


_DURATION = re.compile(r"(?<![\d.第])(\d+(?:\.\d+)?)\s*(个工作日|个月|个小时|工作日|小时|天|日|周|年)(?![\d度])")


def find_durations(text: str) -> list[Quantity]:
    """Spans of time ('12个工作日', '40天', '3个月'); not dates (2021年, 5月1日) and not counts."""
    text = normalize(text)
    out = []
    for m in _DURATION.finditer(text):
        if m[2] in ("日", "年") and (re.search(r"月$", text[:m.start()]) or len(m[1]) == 4):
            continue  # 5月1日, 2021年
        out.append(Quantity(float(m[1]), m[1], m[2], m.start(), m.end(), m.group()))
    return out


def _glued_digit(text: str, end: int) -> bool:
    """'3条2款': a digit right after the unit continues a numbering; a number name of three or more
    digits after it ('2534条12345热线工单') is the counted thing's name."""
    return bool(re.match(r"\d(?!\d\d)", text[end:end + 3]))


def _masked(text: str, start: int, end: int) -> bool:
    """'2*件', '*3人': a digit next to a placeholder is part of a masked figure."""
    return text[max(0, start - 1):start] in tuple(_MASK) or text[end:end + 1] in tuple(_MASK)
