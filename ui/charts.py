"""The 对比 tab's charts as inline SVG: readable at a glance.

One chart per unit (a rate and a count never share an axis); inside it one block per indicator,
bars sorted by value, largest first, each labelled with its region and year and its value as
written; the unit on the axis; the regions with no extracted value listed under the chart. All
text is escaped: region names and values come from documents.
"""
from __future__ import annotations

import html
import math

from rag.compare import NOT_EXTRACTED, Comparison

WIDTH, LABEL_W, VALUE_W, ROW_H, HEAD_H, AXIS_H = 720, 220, 110, 26, 24, 40
BAR_W = WIDTH - LABEL_W - VALUE_W
COLOURS = ["#3b6fb6", "#d9822b", "#3a9d5d", "#8e5ac8"]


def by_unit(results: list[Comparison]) -> dict[str, list[Comparison]]:
    """The picked indicators grouped by unit, in the order picked."""
    groups: dict[str, list[Comparison]] = {}
    for result in results:
        groups.setdefault(result.unit, []).append(result)
    return groups


def bars(result: Comparison) -> list[tuple[str, float, str]]:
    """(region and year, value, value as written), largest first."""
    rows = [(f"{f.region} {f.year}年" if f.year else f.region, f.value, f.shown) for _, f in result.rows]
    return sorted(rows, key=lambda r: -r[1])


def charts_html(results: list[Comparison]) -> str:
    if not results:
        return '<div class="src-meta">选择指标后点“比较”。</div>'
    return "".join(_chart(unit, group) for unit, group in by_unit(results).items())


def _chart(unit: str, group: list[Comparison]) -> str:
    step, ticks = _scale(max((v for r in group for _, v, _ in bars(r)), default=0))
    top = step * ticks
    parts, y = [], 0
    for i, result in enumerate(group):
        colour = COLOURS[i % len(COLOURS)]
        parts.append(f'<text x="0" y="{y + 16}" font-weight="bold" font-size="13">{html.escape(result.indicator)}</text>')
        y += HEAD_H
        for label, value, shown in bars(result):
            width = max(1.0, BAR_W * value / top)
            parts.append(
                f'<g class="bar"><text x="{LABEL_W - 8}" y="{y + 17}" text-anchor="end" font-size="13">{html.escape(label)}</text>'
                f'<rect x="{LABEL_W}" y="{y + 4}" width="{width:.1f}" height="{ROW_H - 8}" fill="{colour}"/>'
                f'<text x="{LABEL_W + width + 6:.1f}" y="{y + 17}" font-size="12">{html.escape(shown)}</text></g>')
            y += ROW_H
    parts.append(_axis(y, step, ticks, unit))
    height = y + AXIS_H
    missing = "".join(
        f'<li>{html.escape(r.indicator)}: {html.escape("、".join(r.missing))}</li>' for r in group if r.missing)
    note = (f'<div class="chart-missing">{NOT_EXTRACTED}数值的地区 (报告可能以其他说法提及):<ul>{missing}</ul></div>'
            if missing else "")
    title = f"单位: {html.escape(unit)} · {html.escape('、'.join(r.indicator for r in group))}"
    return (f'<figure class="compare-chart" data-unit="{html.escape(unit)}"><figcaption>{title}(由高到低)</figcaption>'
            f'<svg role="img" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
            f'xmlns="http://www.w3.org/2000/svg">{"".join(parts)}</svg>{note}</figure>')


def _scale(largest: float) -> tuple[float, int]:
    """(tick step, number of steps): a round step (1, 2 or 5 × 10^k) and the fewest steps reaching `largest`."""
    if largest <= 0:
        return 1.0, 1
    rough = largest / 4
    power = 10 ** math.floor(math.log10(rough))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= rough)
    return step, max(1, math.ceil(largest / step - 1e-9))


def _axis(y: int, step: float, count: int, unit: str) -> str:
    x = lambda k: LABEL_W + BAR_W * k / count  # noqa: E731
    ticks = "".join(
        f'<line x1="{x(k):.1f}" y1="{y}" x2="{x(k):.1f}" y2="{y + 5}" stroke="#57606a"/>'
        f'<text x="{x(k):.1f}" y="{y + 18}" text-anchor="middle" font-size="11">{_tick(step * k)}</text>'
        for k in range(count + 1))
    return (f'<line x1="{LABEL_W}" y1="{y}" x2="{LABEL_W + BAR_W}" y2="{y}" stroke="#57606a"/>{ticks}'
            f'<text class="axis-unit" x="{LABEL_W + BAR_W + 8}" y="{y + 18}" font-size="12">({html.escape(unit)})</text>')


def _tick(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:g}"
