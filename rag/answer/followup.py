"""Resolve follow-up questions ("那平遥呢?", "去年呢?") against the previous turn before retrieval."""
from __future__ import annotations

import re

from rag import retrieve
from rag.types import Answer

_FOLLOW = re.compile(r"^(那|那么|那个|还有|另外|再看看|换成|如果是|去年|前年|今年|上一年|下一年)|[呢吗][??]?$")
_RELATIVE = {"前年": -2, "去年": -1, "上一年": -1, "今年": 0, "当年": 0, "下一年": 1, "次年": 1}


def resolve(question: str, history: list[Answer], coverage: retrieve.Coverage) -> tuple[str, list[str], list[int]]:
    """(question to retrieve with, regions, years). Non-follow-ups pass through unchanged."""
    plan = retrieve.analyse(question, coverage)
    previous = history[-1] if history else None
    if previous is None or not _is_follow_up(question, plan):
        return question, plan.regions, plan.years
    regions = plan.regions or previous.regions
    years = plan.years or _relative_years(question, previous, coverage)
    if plan.regions and not plan.years and any(y not in coverage.years_of(r) for r in regions for y in years):
        years = []  # "那本溪呢?" after a 2023 question about 芙蓉区: the year belonged to 芙蓉区
    topic = _topic(previous.resolved_question or previous.question, previous.regions)
    prefix = "、".join(regions)
    year_text = "、".join(f"{y}年" for y in years)
    return f"{prefix}{year_text}{topic}".strip(), regions, years


def _is_follow_up(question: str, plan: retrieve.QueryPlan) -> bool:
    stripped = re.sub(r"[??。.!!\s]", "", question)
    content = stripped
    for region in plan.regions:
        for alias in retrieve.aliases(region):
            content = content.replace(alias, "")
    content = re.sub(r"\d{4}年度?|[那么呢吗还有另外的情况怎么样如何]", "", content)
    for word in _RELATIVE:
        content = content.replace(word, "")
    return bool(_FOLLOW.search(question.strip())) and len(content) <= 4


def _relative_years(question: str, previous: Answer, coverage: retrieve.Coverage) -> list[int]:
    for word, delta in _RELATIVE.items():
        if word in question:
            base = previous.years or [y for r in previous.regions for y in coverage.years_of(r)]
            return sorted({y + delta for y in base}) if base else []
    return previous.years


def _topic(question: str, regions: list[str]) -> str:
    """The previous question without its regions and years: the thing being asked about."""
    topic = question
    for region in regions:
        for alias in retrieve.aliases(region):
            topic = topic.replace(alias, "")
    return re.sub(r"(19|20)\d{2}\s*年度?", "", topic).strip(" ,,的")
