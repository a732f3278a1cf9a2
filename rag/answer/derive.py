"""Derived numbers: the asked figure computed from two figures one cited sentence states.

"参加考试295名,其中267人考试合格" answers "有多少人没考过" with 295 − 267 = 28; "收到申请120件,
不予受理25件" answers "扣除不予受理的还有多少" with 120 − 25 = 95; "社区矫正对象X人,安帮人员Y人"
answers "加起来有多少人" with X + Y; "由a%提高到b%" answers "提高了几个百分点" with b − a. Which
figure plays which part is read from the clause around it (the verb the question negates, the
thing it removes, the things it adds up), never from a fixed sentence shape.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from rag import units
from rag.answer.question import Derivation, Slot

MINUS, PLUS = "−", "+"


@dataclass
class Derived:
    value: str  # the computed figure as shown: "28"
    unit: str  # 人 / 件 / 个百分点 / %
    operation: str  # "295 − 267"
    sentence: str  # the cited sentence holding both operands

    @property
    def shown(self) -> str:
        return f"{self.operation} = {self.value}{self.unit}"


def _clause(text: str, q: units.Quantity) -> str:
    """The clause around a figure (between the punctuation marks or brackets on either side)."""
    start = max(text.rfind(mark, 0, q.start) for mark in ",;。:、(") + 1
    ends = [i for i in (text.find(mark, q.end) for mark in ",;。)") if i != -1]
    return text[start:min(ends) if ends else len(text)]


def _segments(text: str, figures, index: int) -> tuple[str, str]:
    """(before, after): the words between this figure and its neighbours in the same clause,
    asides in brackets removed: what the figure counts ('145个乡(镇)工作站、' -> '乡工作站')."""
    q = figures[index]
    clause_start = max(text.rfind(mark, 0, q.start) for mark in ",;。:") + 1
    ends = [i for i in (text.find(mark, q.end) for mark in ",;。") if i != -1]
    clause_end = min(ends) if ends else len(text)
    prev_end = figures[index - 1].end if index else 0
    next_start = figures[index + 1].start if index + 1 < len(figures) else len(text)
    before = text[max(clause_start, prev_end):q.start]
    after = text[q.end:min(clause_end, next_start)]
    strip = lambda t: re.sub(r"\([^()]*\)", "", t)  # noqa: E731
    return strip(before), strip(after)


def _grams(text: str) -> set[str]:
    return {text[i:i + 2] for i in range(len(text) - 1) if re.fullmatch(r"[\u4e00-\u9fff]{2}", text[i:i + 2])}


def _overlap(term: str, clause: str) -> float:
    grams = _grams(term)
    return len(grams & _grams(clause)) / len(grams) if grams else 0.0


def _figures(sentence: str, slot: Slot) -> list[units.Quantity]:
    if slot.kind == "points":  # levels before and after: "从去年的3%提高到5%"
        return [q for q in units.find_quantities(sentence) if q.unit == "%"]
    found = [q for q in units.find_quantities(sentence) if not units.is_change(sentence[:q.start])]
    found = [q for q in found if q.unit not in ("%", "‰", "个百分点")]
    kinds = slot.unit_kinds
    return [q for q in found if units.compatible(q.unit, kinds)] if kinds else found


def _same_family(a: units.Quantity, b: units.Quantity) -> bool:
    return a.unit == b.unit or bool(a.kinds & b.kinds)


def _fmt(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text


def _scale(q: units.Quantity) -> float:
    return q.value / float(q.number) if float(q.number) else 1.0


def solve(derivation: Derivation, slot: Slot, sentence: str, asked_unit: str = "") -> Derived | None:
    """The derived figure if this sentence states both operands, else None."""
    figures = _figures(units.normalize(sentence), slot)
    if len(figures) < 2:
        return None
    text = units.normalize(sentence)
    pair = {"difference": _difference, "sum": _sum, "points": _points, "share": _share}[derivation.op](
        derivation, text, figures)
    if pair is None:
        return None
    a, b, op = pair
    if _scale(a) != _scale(b):  # 1.2万件 and 300件: shown numbers would not subtract as written
        return None
    if op == "share":
        value = (Decimal(str(a.value)) / Decimal(str(b.value)) * 100).quantize(Decimal("0.01"))
        return Derived(_fmt(value), "%", f"{a.number} ÷ {b.number}", sentence)
    x, y = Decimal(a.number), Decimal(b.number)
    value = x - y if op == MINUS else x + y
    if value <= 0:
        return None
    if derivation.op == "points":  # the operands are rates: shown with their %
        return Derived(_fmt(value), "个百分点", f"{a.number}% {op} {b.number}%", sentence)
    unit = asked_unit or b.unit.lstrip("余多")
    return Derived(_fmt(value), unit, f"{a.number} {op} {b.number}", sentence)


def _difference(derivation: Derivation, text: str, figures):
    """total − part: the part is the figure whose clause carries the (positive) verb or the removed
    thing; the total is the nearest earlier larger figure of the same kind whose clause does not."""
    def is_part(q) -> bool:
        clause = _clause(text, q)
        if derivation.removed:
            return _overlap(derivation.removed, clause) >= 0.7
        hit = re.search(f"(?<!不予)(?<!未)(?<!不)({derivation.verb})", clause)
        return bool(hit)

    for index, part in enumerate(figures):
        if not is_part(part):
            continue
        totals = [t for t in figures[:index] if _same_family(t, part) and t.value > part.value and not is_part(t)]
        if totals:
            return totals[-1] if derivation.removed else totals[0], part, MINUS
    return None


def _sum(derivation: Derivation, text: str, figures):
    picked = []
    for term in derivation.terms[:2]:
        tail = term[-6:]  # a noun phrase ends with its head: 在管的社区矫正对象 -> 社区矫正对象
        scored = [(max(_overlap(tail, seg) for seg in _segments(text, figures, i)), -i, i) for i in range(len(figures))]
        best = next(((s, i) for s, _, i in sorted(scored, reverse=True) if s >= 0.5 and i not in picked), None)
        if best is None:
            return None
        picked.append(best[1])
    a, b = figures[picked[0]], figures[picked[1]]
    return (a, b, PLUS) if _same_family(a, b) else None


def _points(derivation: Derivation, text: str, figures):
    """'由a%提高到b%' / 'b%,比上年的a%': the later level minus the earlier one."""
    if len(figures) != 2:
        return None
    a, b = figures
    between = text[a.end:b.start]
    if re.search(r"(提高|上升|增加|下降|降低|减少)到|增至|降至|升至", between):
        return (b, a, MINUS) if b.value > a.value else (a, b, MINUS)
    return None


def _share(derivation: Derivation, text: str, figures):
    """part ÷ whole: the whole is the first figure, the part a later one of the same kind."""
    whole = figures[0]
    parts = [q for q in figures[1:] if _same_family(q, whole) and q.value < whole.value]
    return (parts[0], whole, "share") if parts else None


def asked_unit(question: str) -> str:
    match = re.search(r"(?:多少|几)(个百分点|人次|件|人|名|项|个|家|次|条|部|份|起|宗|场|期|户|元|万元)", question)
    return match[1] if match else ""
