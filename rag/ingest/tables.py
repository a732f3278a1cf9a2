"""Statistics tables as sentences. Loaders write a table one row per line, cells joined by " | "
(rag/ingest/office.py, html.py, pdflayout.py). A row of bare numbers means nothing without its
header: "3 | 行政复议案件直接纠错率 | % | 15.1 | 12.5" under "序号 | 指标名称 | 单位 | 2022年 | 2023年".
A table with a header row of labels over rows of figures is rewritten one row per sentence, each
figure with its column and unit: "行政复议案件直接纠错率:2023年12.5%,2022年15.1%。" Year columns are
read latest first (the report's own year is the latest a report tabulates). Any other table — a
page's header fields, a contact list, a table without figures — stays as it is.
"""
from __future__ import annotations

import re

from rag.units import UNIT_KINDS

_NUMBER = re.compile(r"^[-+]?\d+(?:\.\d+)?$")
_YEAR = re.compile(r"^((?:19|20)\d{2})\s*年?度?$")
_INDEX = re.compile(r"^(?:序号|编号|序|No\.?)$", re.I)
_UNIT = re.compile(r"^(?:计量)?单位$")
_BLANK = {"—", "-", "--", "——", "/", "无", ""}
_LABEL_UNIT = re.compile(rf"^(?P<name>.+?)\s*[((](?P<unit>{'|'.join(sorted(map(re.escape, UNIT_KINDS), key=len, reverse=True))})[))]$")


def readable(lines: list[str]) -> list[str]:
    """`lines` with each statistics table's data rows written as sentences (other lines unchanged)."""
    out: list[str] = []
    index = 0
    while index < len(lines):
        end = index
        while end < len(lines) and _is_row(lines[end]):
            end += 1
        if end - index >= 2:
            out += _table(lines[index:end])
            index = end
        else:
            out.append(lines[index])
            index += 1
    return out


def _is_row(line: str) -> bool:
    return line.count(" | ") >= 1


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.split(" | ")]


def _table(rows: list[str]) -> list[str]:
    header, body = _cells(rows[0]), [_cells(row) for row in rows[1:]]
    if any(_NUMBER.match(cell) for cell in header) or not all(header):
        return rows
    width = len(header)
    index_col = next((i for i, cell in enumerate(header) if _INDEX.match(cell)), None)
    unit_col = next((i for i, cell in enumerate(header) if _UNIT.match(cell)), None)
    rest = [i for i in range(width) if i not in (index_col, unit_col)]
    if len(rest) < 2:
        return rows
    name_col, values = rest[0], rest[1:]
    fitting = [row for row in body if len(row) == width]
    numeric = [row for row in fitting if any(_NUMBER.match(_bare(row[i], row[unit_col] if unit_col is not None else ""))
                                             for i in values)]
    if not numeric or len(numeric) * 2 < len(body):
        return rows
    years = [_YEAR.match(header[i]) for i in values]
    if all(years):  # latest year first: the first figure a reader takes is the report's own
        values = [i for _, i in sorted(zip((int(y[1]) for y in years), values), reverse=True)]
    out = [rows[0]]
    for line, row in zip(rows[1:], body):
        if len(row) != width or not row[name_col] or _NUMBER.match(row[name_col]):
            out.append(line)
            continue
        name, unit = row[name_col], row[unit_col] if unit_col is not None else ""
        labelled = _LABEL_UNIT.match(name) if not unit else None
        if labelled:  # "法律援助案件(件) | 8736": the unit written after the row's name
            name, unit = labelled["name"], labelled["unit"]
        parts = [f"{_column(header[i], row[i])}{_figure(row[i], unit)}" for i in values]
        out.append(f"{name}:{','.join(parts)}。")
    return out


def _column(header: str, cell: str) -> str:
    """A column's name before its figure; a change column's (同比变化) without 变化 before a change
    that says its direction: 同比增长14.8%, not 同比变化增长14.8%."""
    if re.match(r"(增长|增加|下降|减少|上升|提高|降低|持平|基本持平)", cell):
        return re.sub(r"(变化|增减|变动|增减情况|变化情况)$", "", header)
    return header


def _bare(cell: str, unit: str) -> str:
    """A cell without its unit, when the unit column or the cell itself carries one (12.5% -> 12.5)."""
    return cell.removesuffix(unit).strip() if unit and cell.endswith(unit) else re.sub(r"(?<=\d)\s*(%|‰)$", "", cell)


def _figure(cell: str, unit: str) -> str:
    if _NUMBER.match(cell) and unit and unit not in _BLANK:
        return f"{cell}{unit}"
    return cell
