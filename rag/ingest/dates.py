"""Years and dates as documents write them: 2024年1月29日, 2024-01-29, 2024.1.29, and in Chinese
numerals as 公文 often do (二〇二四年一月二十九日, 二零二三年度). Full-width digits are already ASCII
(the cleaner normalises them). `arabic` rewrites Chinese-numeral years and dates into digits for
reading only; the document's text is never changed.
"""
from __future__ import annotations

import re

DATE = re.compile(r"(\d{4})\s*[-年./]\s*(\d{1,2})\s*[-月./]\s*(\d{1,2})\s*日?")
DATE_LINE = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$")
YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年度?")

_DIGIT = {"〇": 0, "○": 0, "零": 0, "O": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
          "八": 8, "九": 9}
# a year in numerals always has a zero (二〇二三, 一九九八 has none but predates these reports)
_CN_YEAR = re.compile(r"([〇○零O一二三四五六七八九]{4})(?=\s*年)")
_CN_MONTH_DAY = re.compile(r"(?<=\d年)(\s*)([一二三四五六七八九十]{1,3})(\s*月\s*)(?:([一二三四五六七八九十]{1,3})(\s*日))?")


def _small(numeral: str) -> int:
    """一..三十一 as an int (十八 -> 18, 二十 -> 20, 二十九 -> 29)."""
    if "十" not in numeral:
        return _DIGIT.get(numeral, 0)
    tens, _, ones = numeral.partition("十")
    return (_DIGIT.get(tens, 0) if tens else 1) * 10 + (_DIGIT.get(ones, 0) if ones else 0)


def arabic(text: str) -> str:
    """`text` with Chinese-numeral years (with a 〇/零) and the month and day after them in digits."""
    if not re.search(r"[〇○零]", text):
        return text
    text = _CN_YEAR.sub(lambda m: "".join(str(_DIGIT[c]) for c in m[1]) if re.search(r"[〇○零O]", m[1]) else m[1],
                        text)
    return _CN_MONTH_DAY.sub(lambda m: f"{m[1]}{_small(m[2])}{m[3]}" + (f"{_small(m[4])}{m[5]}" if m[4] else ""),
                             text)


def iso_date(value: str) -> str:
    match = DATE.search(arabic(value or ""))
    return f"{int(match[1]):04d}-{int(match[2]):02d}-{int(match[3]):02d}" if match else ""


def date_line(line: str) -> str:
    """The ISO date of a line that is only a date (a signature's date line), else ''."""
    match = DATE_LINE.match(arabic(line.strip()))
    return f"{int(match[1]):04d}-{int(match[2]):02d}-{int(match[3]):02d}" if match else ""


def years_in(text: str) -> list[int]:
    return [int(y) for y in YEAR.findall(arabic(text))]
