"""Compare regions on one indicator, from the facts table; every value cites its paragraph.

The one comparison renderer: `to_markdown` (CLI), `answer_text` (chat answers), `table_rows` and
`chart_rows` (the app's 对比 tab) all read one `Comparison`. A region without an extracted value is
"未自动提取到" — the extractor did not find it, which does not mean the report lacks it — and the
answer may quote that region's most relevant sentence instead.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from rag import units
from rag.errors import InputError
from rag.facts import PLAN_HEADING, Fact, plain
from rag.indicators import find_indicator, indicators
from rag.ingest.chunk import sentence_spans

NOT_EXTRACTED = "未自动提取到"
MIN_QUOTE_CHARS = 15  # shorter sentences are headings ("(三)全力降低行政败诉率。")


@dataclass
class Comparison:
    indicator: str
    unit: str
    rows: list[tuple[int, Fact]] = field(default_factory=list)  # (citation number, fact), best first
    missing: list[str] = field(default_factory=list)  # indexed regions with no extracted value


@dataclass
class Quoted:
    """A sentence quoted for a region whose value was not extracted."""
    region: str
    label: str  # region and year, e.g. 平遥县2020年
    text: str
    n: int  # its citation number, after the rows'


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


def _label(fact: Fact) -> str:
    return f"{fact.region}{fact.year}年" if fact.year else fact.region


def ranking(result: Comparison, extremes: bool = False) -> str:
    """'比较(行政复议纠错率,由高到低): 本溪市 23.29%[1] > 长沙市芙蓉区 20.93%[2]' for two or more values."""
    if len(result.rows) < 2:
        return ""
    if len({fact.value for _, fact in result.rows}) == 1:  # all the same: say so, no order and no gap of 0
        same = " = ".join(f"{fact.region} {fact.shown}[{n}]" for n, fact in result.rows)
        return f"比较({result.indicator}): {same},各地相同"
    chain = " > ".join(f"{fact.region} {fact.shown}[{n}]" for n, fact in result.rows)
    gap = _gap(result, extremes)
    return f"比较({result.indicator},由高到低): {chain}" + _verdict(result) + (f",{gap[1:]}" if gap else "")


def _verdict(result: Comparison) -> str:
    """Which is higher, in words: '平遥县更高' for two, '最高为A,最低为B' for more."""
    (_, high), (_, low) = result.rows[0], result.rows[-1]
    if len(result.rows) > 2:
        return f";最高为{high.region},最低为{low.region}"
    more = "更高" if any(u in (high.unit or "") for u in ("%", "‰")) else "更多"
    return f";{high.region}{more}"


def _gap(result: Comparison, extremes: bool) -> str:
    """Two regions (or, when the question asks how far apart, the highest and the lowest): the gap as
    one shown operation on the two cited figures ('相差 236 − 187 = 49件[1][2]'; rates in 个百分点),
    which the verifier accepts as derived."""
    if len(result.rows) != 2 and not (extremes and len(result.rows) > 2):
        return ""
    (n, high), (m, low) = result.rows[0], result.rows[-1]
    a, b = (units.find_quantities(f.shown) for f in (high, low))
    if len(a) != 1 or len(b) != 1 or a[0].unit != b[0].unit or a[0].value / float(a[0].number) != \
            b[0].value / float(b[0].number):
        return ""  # different units or scales (1.2万件, 300件): the shown figures would not subtract
    gap = Decimal(a[0].number) - Decimal(b[0].number)
    shown = format(gap.normalize(), "f")
    if a[0].unit == "%":
        apart = f"{a[0].number}% − {b[0].number}% = {shown}个百分点"
    else:
        apart = f"{a[0].number} − {b[0].number} = {shown}{a[0].unit.lstrip('余多')}"
    between = f"(最高{high.region}与最低{low.region})" if len(result.rows) > 2 else ""
    return f";相差{between} {apart}[{n}][{m}]"


def missing_line(result: Comparison) -> str:
    if not result.missing:
        return ""
    return f"{NOT_EXTRACTED}该指标数值的地区: {'、'.join(result.missing)}(报告可能以其他说法提及,可查阅原文)"


def to_markdown(result: Comparison) -> str:
    lines = [f"### {result.indicator}(由高到低)", "", "| 地区 | 年度 | 数值 | 原文 |", "|---|---|---|---|"]
    for n, fact in result.rows:
        lines.append(f"| {fact.region} | {fact.year or ''} | {fact.shown}[{n}] | {fact.sentence} |")
    if result.missing:
        lines += ["", missing_line(result)]
    return "\n".join(lines)


def answer_text(result: Comparison, quoted: list[Quoted] = (), extremes: bool = False) -> str:
    """The chat answer: one cited sentence per region, quotes for the rest, then the ranking."""
    lines = [f"按指标“{result.indicator}”比较(数据取自各报告原文):"]
    lines += [f"- {_label(fact)}: {fact.sentence}[{n}]" for n, fact in result.rows]
    quoted_regions = {q.region for q in quoted}
    lines += [f"- {q.label}: {NOT_EXTRACTED}该指标数值,相关原文: {q.text}[{q.n}]" for q in quoted]
    rest = [r for r in result.missing if r not in quoted_regions]
    if rest:
        lines.append(f"- {NOT_EXTRACTED}该指标数值: {'、'.join(rest)}")
    chain = ranking(result, extremes)
    return "\n".join(lines + (["", chain] if chain else []))


def table_rows(results: list[Comparison]) -> list[list]:
    """Rows of the app's table: 指标, 地区, 年度, 数值, 原文 (with its [n])."""
    rows = []
    for result in results:
        rows += [[result.indicator, f.region, f.year or "", f.shown, f"[{n}] {f.sentence}"] for n, f in result.rows]
        rows += [[result.indicator, region, "", NOT_EXTRACTED, ""] for region in result.missing]
    return rows


def chart_rows(results: list[Comparison]) -> list[dict]:
    return [{"地区": f.region, "数值": f.value, "指标": result.indicator} for result in results for _, f in result.rows]


def quote_missing(pipeline, question: str, result: Comparison) -> list[tuple[Quoted, object]]:
    """For each region without an extracted value, the first sentence of its best retrieved passages
    that names the indicator's measure (and subject), so the reader can check the report; as
    (Quoted, passage). A region with no such sentence gets none."""
    indicator = find_indicator(result.indicator)
    out = []
    for region in result.missing:
        candidates = [(passage, sentence) for passage in pipeline.search(question, k=5, regions=[region]).passages
                      if not PLAN_HEADING.search(passage.heading.split(" > ")[0])
                      for sentence in _sentences(passage.text) if _names(indicator, sentence, passage.heading)]
        if candidates:  # a figure of the indicator's kind close after its measure first, else the best passage's
            passage, sentence = min(candidates, key=lambda c: _measure_gap(indicator, c[1]))
            label = f"{passage.region}{passage.year}年" if passage.year else passage.region
            out.append((Quoted(region, label, sentence, len(result.rows) + len(out) + 1), passage))
    return out


def _measure_gap(indicator, sentence: str) -> int:
    """How many characters lie between the indicator's measure and the nearest figure of its kind
    after it in the same clause (备案文件400件: 2); large when there is none."""
    text = plain(sentence)
    gaps = [q.start - m.end() for m in indicator.measure.finditer(text) for q in units.find_quantities(text)
            if indicator.kinds & q.kinds and q.start >= m.end() and not re.search(r"[,;。]", text[m.end():q.start])]
    return min(gaps, default=1000)


def _sentences(text: str) -> list[str]:
    return [text[s:e].strip() for s, e in sentence_spans(text, 0, len(text)) if e - s >= MIN_QUOTE_CHARS]


def _names(indicator, sentence: str, heading: str) -> bool:
    text = plain(sentence)
    return bool(indicator.measure.search(text)) and (
        indicator.subject is None or bool(indicator.subject.search(text + heading)))
