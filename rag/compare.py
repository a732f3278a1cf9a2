"""Compare regions on one indicator, from the facts table; every value cites its paragraph."""
from __future__ import annotations

from dataclasses import dataclass, field

from rag.errors import InputError
from rag.facts import Fact, find_indicator, indicators


@dataclass
class Comparison:
    indicator: str
    unit: str
    rows: list[tuple[int, Fact]] = field(default_factory=list)  # (citation number, fact), best first
    missing: list[str] = field(default_factory=list)  # indexed regions that do not report it


def compare(pipeline, indicator_text: str, regions: list[str] | None = None) -> Comparison:
    indicator = find_indicator(indicator_text)
    if indicator is None:
        names = "、".join(i.name for i in indicators())
        raise InputError(f"不认识的指标“{indicator_text}”。可用指标: {names}")
    fingerprint = pipeline.settings.index_fingerprint
    found = pipeline.facts.query(fingerprint, indicator.name, regions)
    first: dict[tuple[str, int | None], Fact] = {}
    for fact in found:  # one value per report: the first the report states
        first.setdefault((fact.region, fact.year), fact)
    ordered = sorted(first.values(), key=lambda f: -f.value)
    covered = regions or pipeline.coverage().regions
    reported = {f.region for f in ordered}
    return Comparison(indicator.name, indicator.unit, [(n, f) for n, f in enumerate(ordered, 1)],
                      [r for r in covered if r not in reported])


def to_markdown(result: Comparison) -> str:
    lines = [f"### {result.indicator}(由高到低)", "", "| 地区 | 年度 | 数值 | 原文 |", "|---|---|---|---|"]
    for n, fact in result.rows:
        lines.append(f"| {fact.region} | {fact.year or ''} | {fact.shown}[{n}] | {fact.sentence} |")
    if result.missing:
        lines += ["", f"未报告该指标: {'、'.join(result.missing)}"]
    return "\n".join(lines)
