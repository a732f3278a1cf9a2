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
_UNITS = '|'.join(sorted(map(re.escape, UNIT_KINDS), key=len, reverse=True))
_SCALED = re.compile(rf"^(?:万|亿)(?:{_UNITS})$")  # 万件, 亿元
_LABEL_UNIT = re.compile(rf"^(?P<name>.+?)\s*[((](?P<unit>(?:万|亿)?(?:{_UNITS}))[))]$")


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
    kept = 1  # header rows: a second row of labels under merged ones ("2023年完成情况" over 数量 | 单位)
    if body and len(body[0]) == width and all(body[0]) and \
            not any(re.match(r"[-+]?\d", c) and not _YEAR.match(c) for c in body[0]):
        header = [_merged(top, low) for top, low in zip(header, body[0])]
        body, kept = body[1:], 2
    # a row whose empty remark cell was left off at its end (a page drops a row's trailing empty cells)
    body = [row + [""] * (width - len(row)) if len(row) < width and all(_REMARK.match(h) for h in header[len(row):])
            else row for row in body]
    index_col = next((i for i, cell in enumerate(header) if _INDEX.match(cell)), None)
    unit_col = next((i for i, cell in enumerate(header) if _UNIT.match(cell)
                     and _holds_units([row[i] for row in body if len(row) == width])), None)  # 单位 may name offices
    rest = [i for i in range(width) if i not in (index_col, unit_col)]
    if len(rest) < 2:
        return rows
    fitting = [row for row in body if len(row) == width]
    units = {i: _LABEL_UNIT.match(header[i]) for i in rest}  # "立案数(件)": the column's unit
    names = {i: (units[i]["name"] if units[i] else header[i]) for i in rest}

    def numeric(i: int) -> bool:
        return sum(bool(_FIGURE.match(_bare(row[i], _unit(row, i, unit_col, units)))) for row in fitting) * 2 > len(fitting)

    first_value = next((i for i in rest if numeric(i)), None)
    if first_value is None:
        return rows
    labels = [i for i in rest if i < first_value]  # 类别 | 指标: a row is named by every label before its figures
    values = [i for i in rest if i >= first_value]
    if not labels:
        return rows
    numbered = [row for row in fitting if any(_NUMBER.match(_bare(row[i], _unit(row, i, unit_col, units))) for i in values)]
    if not numbered or len(numbered) * 2 < len(body):
        return rows
    years = [_YEAR.match(names[i]) for i in values]
    if all(years):  # latest year first: the first figure a reader takes is the report's own
        values = [i for _, i in sorted(zip((int(y[1]) for y in years), values), reverse=True)]
    out = rows[:kept]
    for line, row in zip(rows[kept:], body):
        if len(row) != width or not row[labels[-1]] or _NUMBER.match(row[labels[-1]]):
            out.append(line)
            continue
        name = _row_name([row[i] for i in labels if row[i]])
        unit = row[unit_col] if unit_col is not None else ""
        labelled = _LABEL_UNIT.match(name) if not unit else None
        if labelled:  # "法律援助案件(件) | 8736": the unit written after the row's name
            name, unit = labelled["name"], labelled["unit"]
        parts = []
        for i in values:
            cell = row[i]
            if cell in _BLANK:
                continue
            shown = _figure(cell, unit or (units[i]["unit"] if units[i] else ""))
            if _NUMBER.match(_bare(cell, unit)) or not _REMARK.match(names[i]):
                parts.append(f"{_column(names[i] if len(values) > 1 or not _GENERIC.match(names[i]) else '', cell)}{shown}")
            else:  # a remark column's words are said as written (纠错率12.8%)
                parts.append(cell)
        out.append(f"{name}:{','.join(parts)}。" if parts else line)
    return out


_FIGURE = re.compile(r"^[-+]?\d+(?:\.\d+)?\s*(?:%|‰|(?:万|亿)?[\u4e00-\u9fff]{1,2})?$")  # 58, 31件, 4.37万件
_REMARK = re.compile(r"^(?:备注|说明|附注|注)$")
_GENERIC = re.compile(r"^(?:数量|数值|数据|数|完成数|完成情况|合计|情况)$")


def _row_name(labels: list[str]) -> str:
    """A row's name from its label cells, a category first (行政复议 | 依法受理 -> 行政复议依法受理; a
    category the indicator already names once; 其中:调解 -> 行政复议,其中调解)."""
    name = ""
    for label in labels:
        label = re.sub(r"^其中[::]\s*", "其中", label).replace(":", "").replace("：", "")
        if label.startswith("其中") and name:
            name += f",{label}"
        elif label not in name:
            name = label if name and name in label else name + label
    return name


def _merged(top: str, low: str) -> str:
    """One column name from two header rows: the lower one, unless it only says "number" under a
    named group (2023年完成情况 over 数量) or repeats it; a unit column stays 单位."""
    if top == low or _UNIT.match(low):
        return low
    return top if _GENERIC.match(low) else f"{top}{low}" if not _INDEX.match(low) else low


def _holds_units(cells: list[str]) -> bool:
    """A 单位 column whose cells are units (件, 人, %) — not one naming offices (市局直属, 江阴市)."""
    filled = [c for c in cells if c not in _BLANK]
    return bool(filled) and sum(c in UNIT_KINDS or bool(_SCALED.match(c)) for c in filled) * 2 > len(filled)


def _unit(row: list[str], i: int, unit_col: int | None, units: dict) -> str:
    return row[unit_col] if unit_col is not None else (units[i]["unit"] if units.get(i) else "")


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
