"""Citation markers and numeric verification, shared by the LLM and extractive paths.

Every number, percentage and date in an answer must occur in at least one passage it cites
(after normalising full-width digits, thousands separators and 万/亿), or follow from two numbers of
those passages by one shown operation (a − b, a + b, a ÷ b as %, rounded as written): such numbers
are listed as `derived`. Markers that point at no passage are invalid. The refusal phrase and marker format are shared with the prompts and tests.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from rag.units import find_quantities

REFUSAL = "报告中没有找到可以回答这个问题的内容"
CITATION_FORMAT = "[{n}]"
CITATION_RE = re.compile(r"\[(\d{1,3})\]")
_NUMBER = re.compile(
    r"(?P<date>\d{4}\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?|\d{4}-\d{1,2}-\d{1,2})"
    r"|(?P<num>\d+(?:,\d{3})*(?:\.\d+)?)\s*(?P<unit>%|‰|万|亿)?"
)


def normalise(text: str) -> str:
    """NFKC (full-width digits and punctuation to ASCII) with citation markers removed."""
    return CITATION_RE.sub(" ", unicodedata.normalize("NFKC", text))


def numbers_in(text: str) -> list[tuple[str, str]]:
    """(as written, canonical form) for each number/percentage/date in text (markers excluded)."""
    out = []
    for match in _NUMBER.finditer(normalise(text)):
        if match["date"]:
            parts = [int(p) for p in re.findall(r"\d+", match["date"])]
            out.append((match.group().strip(), "date:" + "-".join(map(str, parts))))
            continue
        raw = match["num"].replace(",", "")
        try:
            value = Decimal(raw)
        except InvalidOperation:
            continue
        unit = match["unit"] or ""
        if unit in ("万", "亿"):
            value *= 10_000 if unit == "万" else 100_000_000
            unit = ""
        canonical = format(value.normalize(), "f")
        out.append((match.group().strip(), f"{unit}{canonical}"))
    return out


# a date written against a year named before it: 同年12月28日, 当年3月
RELATIVE_DATE = re.compile(r"(?P<word>同年|当年|是年)(?P<date>(?P<month>\d{1,2})月(?:(?P<day>\d{1,2})日)?)")


def years_named(text: str) -> list[str]:
    """Years a text names as times, in order: not those inside a title (《…(2022年度)》) or a 年度 label."""
    return re.findall(r"(\d{4})年(?!度)", re.sub(r"《[^》]*》", "", text))


def canonical_set(text: str) -> set[str]:
    """Canonical numbers in a passage, including the parts of its dates (2022年12月5日 -> 2022, 12, 5)."""
    found = set()
    for _, canonical in numbers_in(text):
        found.add(canonical)
        if canonical.startswith("date:"):
            found |= set(canonical[5:].split("-"))
    # a count spelled in numerals (责令履行一件) is an operand too
    found |= {q.number for q in find_quantities(text, spelled=True) if not q.shown[0].isdigit()}
    plain = normalise(text)  # "2021年…。同年12月28日": that date, in the year named before it
    for match in RELATIVE_DATE.finditer(plain):
        years = years_named(plain[:match.start()])
        if years and match["day"]:
            found.add(f"date:{int(years[-1])}-{int(match['month'])}-{int(match['day'])}")
    return found


def vouched(year: int | None, heading: str) -> set[str]:
    """What a cited passage vouches for beyond its text: its report's year and its heading numbers."""
    return ({str(year)} if year else set()) | canonical_set(heading)


@dataclass
class Verification:
    markers: list[int] = field(default_factory=list)  # valid markers, in order of first use
    invalid_markers: list[int] = field(default_factory=list)
    unverified: list[str] = field(default_factory=list)
    derived: list[dict] = field(default_factory=list)  # {"value", "operation"}: computed from cited numbers


def _values(canonicals: set[str]) -> list[Decimal]:
    out = []
    for c in canonicals:
        if c.startswith("date:"):
            continue
        try:
            out.append(Decimal(c.lstrip("%‰")))
        except InvalidOperation:
            continue
    return sorted(set(out))


def derivation(written: str, canonical: str, allowed: set[str]) -> str:
    """The one operation (a − b, a + b, a ÷ b as %) on numbers of the cited passages that yields
    this number, rounded as written; '' when none does."""
    if canonical.startswith("date:"):
        return ""
    try:
        target = Decimal(canonical.lstrip("%‰"))
    except InvalidOperation:
        return ""
    digits = len(written.split(".")[1].rstrip("%‰ 件人名项个次")) if "." in written else 0
    quantum = Decimal(1).scaleb(-digits)
    numbers = _values(allowed)
    percent = canonical.startswith("%")
    if percent:  # the rest of a stated share: 100% − 96.6% = 3.4%
        for a in _values({c for c in allowed if c.startswith("%")}):
            if a < 100 and 100 - a == target:
                return f"100% − {_show(a)}%"
    for a in numbers:  # differences and sums first; a share only for a percentage
        for b in numbers:
            if a > b and a - b == target:
                return f"{_show(a)} − {_show(b)}"
            if not percent and a <= b and a + b == target:
                return f"{_show(a)} + {_show(b)}"
    if percent:
        for a in numbers:
            for b in numbers:
                if b and a < b and (a / b * 100).quantize(quantum) == target:
                    return f"{_show(a)} ÷ {_show(b)}"
    return ""


_EXPRESSION = set("0123456789.%()+-−×÷*/ ")
_CONSTANTS = re.compile(r"(?<=\()\s*1\s*(?=[+\-−])|(?<![\d.])100%\s*(?=[−\-]\s*\d)")


def _shown_operation(claim: str, written: str) -> str:
    """An operation written in the claim whose result is this number, rounded as written: '295 − 267 = 28人',
    a chain '125 − 12 − 4 − 2 = 107件', a share '512 ÷ 640 = 80%', rates in points '97% − 82% = 15个百分点',
    the rest of a share '100% − 96.6% = 3.4%', a count at a rate '1105 × 12.6% ≈ 139件', a level before a
    stated change '1268 ÷ (1 + 42.3%) ≈ 891件'. Its operands are numbers of the claim, checked against the
    claim's citations like any other (only the constants 1 and 100% are not)."""
    text = normalise(claim)
    number = re.sub(r"[^\d.]", "", written)
    for match in re.finditer(rf"[=≈]\s*{re.escape(number)}(?![\d.])\s*(?P<unit>%|个百分点)?", text):
        begin = match.start()
        while begin > 0 and text[begin - 1] in _EXPRESSION:
            begin -= 1
        expression = re.sub(r"^[^\d(]+", "", text[begin:match.start()]).strip()
        while expression.startswith("(") and expression.count("(") > expression.count(")"):
            expression = expression[1:]  # a bracket the prose opened: "(其中 512 ÷ 640 = 80%"
        if not re.search(r"\d\s*%?\s*\)?\s*[+\-−×÷*/]", expression):
            continue
        value = _evaluate(expression)
        if value is None:
            continue
        values = [value * 100 if match["unit"] else value]  # 0.8 shown as 80%, 0.15 as 15个百分点
        if not re.search(r"[×÷*/()]", expression):  # rates and points added as written: 5.2% + 0.8 = 6%
            values.append(_evaluate(expression.replace("%", "")))
        digits = len(number.split(".")[1]) if "." in number else 0
        if any(v.quantize(Decimal(1).scaleb(-digits)) == Decimal(number) for v in values):
            return re.sub(r"\s+", " ", re.sub(r"\s*([+\-−×÷*/])\s*", r" \1 ", expression)).replace("-", "−").strip()
    return ""


def _evaluate(expression: str) -> Decimal | None:
    """+ − × ÷ and brackets on decimals, a percentage as its fraction; None when it does not parse."""
    tokens = re.findall(r"\d+(?:\.\d+)?%?|[+\-−×÷*/()]", expression)
    if "".join(tokens) != re.sub(r"\s+", "", expression):
        return None
    position = 0

    def atom() -> Decimal:
        nonlocal position
        token = tokens[position]
        position += 1
        if token == "(":
            value = total()
            if tokens[position] != ")":
                raise ValueError
            position += 1
            return value
        return Decimal(token[:-1]) / 100 if token.endswith("%") else Decimal(token)

    def product() -> Decimal:
        nonlocal position
        value = atom()
        while position < len(tokens) and tokens[position] in "×÷*/":
            op = tokens[position]
            position += 1
            value = value * atom() if op in "×*" else value / atom()
        return value

    def total() -> Decimal:
        nonlocal position
        value = product()
        while position < len(tokens) and tokens[position] in "+-−":
            op = tokens[position]
            position += 1
            value = value + product() if op == "+" else value - product()
        return value

    try:
        value = total()
    except (IndexError, ValueError, ArithmeticError):
        return None
    return value if position == len(tokens) else None


def _show(value: Decimal) -> str:
    return format(value.normalize(), "f")


def verify(answer: str, passages: dict[int, str], extra: dict[int, set[str]] | None = None) -> Verification:
    """Check markers and numbers claim by claim: a number must appear in a passage cited in the same
    sentence (or, failing that, anywhere in the answer). `extra` adds accepted canonical values per
    passage (e.g. the year of the report it comes from)."""
    result = Verification()
    for n in (int(m) for m in CITATION_RE.findall(answer)):
        bucket = result.markers if n in passages else result.invalid_markers
        if n not in bucket:
            bucket.append(n)
    sets = {n: canonical_set(text) | (extra or {}).get(n, set()) for n, text in passages.items()}
    everywhere = set().union(*(sets[n] for n in result.markers)) if result.markers else set()
    for claim in _claims(answer):
        cited = [int(m) for m in CITATION_RE.findall(claim) if int(m) in sets]
        allowed = set().union(*(sets[n] for n in cited)) if cited else everywhere
        for written, canonical in numbers_in(_CONSTANTS.sub(" ", normalise(claim))):
            if canonical in allowed or written in result.unverified:
                continue
            operation = (_shown_operation(claim, written) or derivation(written, canonical, allowed)) if cited else ""
            if operation and any(v in result.unverified for v in re.findall(r"\d+(?:\.\d+)?", operation)):
                operation = ""  # computed from numbers the citations do not hold: as unverified as they are
            if operation:
                if all(d["value"] != written for d in result.derived):
                    result.derived.append({"value": written, "operation": operation})
            else:
                result.unverified.append(written)
    return result


def _claims(answer: str) -> list[str]:
    """Sentences/lines with their trailing markers ("…372件。[1]" keeps [1])."""
    parts = re.split(r"(?<=[。;;!?!?\n])(?!\s*\[\d)", answer)
    return [p for p in parts if p.strip()]


def strip_invalid(answer: str, invalid: list[int]) -> str:
    """Remove markers that point at no passage."""
    return CITATION_RE.sub(lambda m: "" if int(m[1]) in invalid else m[0], answer)
