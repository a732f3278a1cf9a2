"""What the index holds, for the app: per-report counts and quality flags, and example questions
made from the indexed reports themselves (their regions, years and extracted indicators), so the
examples change when reports are added or removed. Nothing here knows the seed reports."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from rag.facts import Fact
from rag.library import CONFIDENCE_LABELS, DOC_TYPES, FIELD_LABELS
from rag.types import Document

MAX_EXAMPLES = 6


@dataclass
class Report:
    doc: Document
    chunks: int
    facts: list[Fact] = field(default_factory=list)

    @property
    def label(self) -> str:
        """本溪市2022年 — how a question names the report."""
        return (self.doc.region or "地区不详") + self.doc.years_said()

    @property
    def flags(self) -> list[str]:
        return quality_flags(self.doc, self.chunks, len(self.facts))


def reports(pipeline) -> list[Report]:
    """The indexed reports with their chunk counts and facts, in the catalog's order."""
    facts: dict[str, list[Fact]] = {}
    for fact in pipeline.facts.query(pipeline.settings.index_fingerprint):
        facts.setdefault(fact.doc_id, []).append(fact)
    return [Report(doc, n, facts.get(doc.doc_id, [])) for doc, n in pipeline.documents()]


def quality_flags(doc: Document, chunks: int, facts: int) -> list[str]:
    """What a reader should check before trusting answers from this report."""
    flags = [f"⚠ 可疑文字 {len(doc.flags)} 处"] if doc.flags else []
    flags += [f"{FIELD_LABELS[f]}不详" for f in ("region", "year") if not getattr(doc, f)
              and not (f == "year" and doc.covered())]
    unsure = [FIELD_LABELS[f] for f in ("region", "year")
              if getattr(doc, f) and (doc.provenance.get(f) or {}).get("confidence") == "low"]
    if unsure:
        flags.append(f"{'、'.join(unsure)}置信度{CONFIDENCE_LABELS['low']}")
    if doc.doc_type and doc.doc_type != "annual_report":
        flags.append(f"非年度报告({DOC_TYPES.get(doc.doc_type, doc.doc_type)})")
    if chunks and not facts:
        flags.append("未提取到指标数据")
    return flags


def example_questions(pipeline, limit: int = MAX_EXAMPLES) -> list[str]:
    """Questions the index can answer, from what it holds: a figure of a few different reports,
    a comparison of the indicator most regions report, and a report's problems and plans."""
    known = sorted((r for r in reports(pipeline) if r.doc.region and r.doc.year),
                   key=lambda r: (r.doc.doc_type != "annual_report", -len(r.facts), r.doc.region, r.doc.year))
    with_facts = [r for r in known if r.facts]
    per_indicator = Counter(i for i, _ in {(f.indicator, f.region) for r in known for f in r.facts})
    questions, asked = [], set()
    for report in with_facts[:3]:  # the widest-reported indicator not asked yet: the vocabulary's core
        fact = min(report.facts, key=lambda f: (f.indicator in asked, -per_indicator[f.indicator], f.unit != "%",
                                                f.indicator))
        asked.add(fact.indicator)
        questions.append(f"{report.label}{_asking(fact)}")
    units = {f.indicator: f.unit for r in known for f in r.facts}
    shared = sorted((i for i, n in per_indicator.items() if n >= 2), key=lambda i: (-per_indicator[i], units[i] != "%", i))
    if shared:
        questions.append(f"哪个地区的{shared[0]}{'最高' if units[shared[0]] == '%' else '最多'}?")
    rest = [r for r in known if r not in with_facts[:3]] or known
    if rest:
        questions.append(f"{rest[0].label}报告存在哪些问题?")
        questions.append(f"{rest[1 if len(rest) > 1 else 0].label}下一步有哪些工作计划?")
    return list(dict.fromkeys(questions))[:limit]


def _asking(fact: Fact) -> str:
    """纠错率是多少? / 法律援助案件多少件? — how a reader asks for the figure."""
    return f"{fact.indicator}是多少?" if fact.indicator.endswith(("率", "数")) else f"{fact.indicator}多少{fact.unit}?"
