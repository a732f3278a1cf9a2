"""Query analysis (regions, years) and hybrid retrieval: dense (Chroma) + lexical (BM25), fused by
weighted reciprocal rank fusion, with region/year filters. Never mixes regions or years silently:
when the asked region/year is not indexed, the result says so in `notices`."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from rag.ingest import gazetteer
from rag.types import Passage, years_said

# a year that names a report ("2021年"), not a span ("2017年以来", "2016年—2019年")
_YEAR = re.compile(r"(?<![-—~至到])((?:19|20)\d{2})\s*(?:年度|年)(?!\s*(?:以来|至今|起|之前|前|底|初|末|[-—~至到]))")

_BASE_YEAR = re.compile(r"(?:(?:比|(?<!比)较)(?:起|上)?|(?:跟|和|与|同)(?=\d{4}\s*年度?\s*(?:相比|比)))((?:19|20)\d{2})\s*年度?")


@dataclass
class Coverage:
    """What the index holds: (region, year) pairs of the indexed reports; a report of several years
    (2019—2023) holds a pair for each of its years."""

    pairs: set[tuple[str, int | None]]
    # regions with a report whose covered year is unknown or only inferred (opening sentence,
    # posting date): a year missing from `pairs` is then no ground for refusal
    unsure: set[str] = field(default_factory=set)
    labels: dict[str, list[str]] = field(default_factory=dict)  # region -> titles of its unsure reports
    # (doc_id, region, covered years, sure); a report of several years has them all, its chunks no year
    docs: list[tuple[str, str, tuple[int, ...], bool]] = field(default_factory=list)

    @classmethod
    def of(cls, documents) -> "Coverage":
        from rag.ingest.meta import STRONG_SOURCES

        coverage = cls(set())
        for doc in documents:
            years = doc.covered()
            coverage.pairs |= {(doc.region, y) for y in years} if years else {(doc.region, None)}
            evidence = (doc.provenance or {}).get("year", {})
            sure = bool(years) and (not doc.provenance or evidence.get("source") in STRONG_SOURCES
                                    or evidence.get("confidence") == "high")
            if not sure:
                coverage.unsure.add(doc.region)
                coverage.labels.setdefault(doc.region, []).append(doc.title)
            coverage.docs.append((doc.doc_id, doc.region, years, sure))
        return coverage

    @property
    def regions(self) -> list[str]:
        return sorted({r for r, _ in self.pairs if r})

    def years_of(self, region: str) -> list[int]:
        return sorted({y for r, y in self.pairs if r == region and y is not None})

    def spans(self, region: str) -> list[str]:
        """The spans of a region's reports of several years: ["2019—2023年"]."""
        return [years_said(years) for _, r, years, _ in self.docs if r == region and len(years) > 1]

    def held(self, region: str) -> str:
        """The years a region's reports cover, as a reader says them: 2021年、2019—2023年."""
        spanned = {y for _, r, years, _ in self.docs if r == region and len(years) > 1 for y in years}
        singles = [f"{y}年" for y in self.years_of(region) if y not in spanned]
        return "、".join(singles + self.spans(region))

    def restrict(self, plan: "QueryPlan", years: list[int]) -> None:
        """Search only reports of `years`: a year filter on chunks, or, when a report of several years
        (whose chunks carry no year) covers one of them, a filter on those reports."""
        plan.year_filter = sorted(years)
        spanned = [d for d, r, covered, _ in self.docs if len(covered) > 1 and set(covered) & set(years)
                   and (not plan.regions or r in plan.regions)]
        if spanned:
            plan.doc_filter = [d for d, r, covered, _ in self.docs if set(covered) & set(years)
                               and (not plan.regions or r in plan.regions)]
            plan.year_filter = []


@dataclass
class QueryPlan:
    question: str
    regions: list[str] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    unknown_regions: list[str] = field(default_factory=list)  # named, but no report in the index
    notices: list[str] = field(default_factory=list)  # what the index cannot cover, for the user
    year_filter: list[int] = field(default_factory=list)  # years actually applied as a filter
    unsure_year: bool = False  # the asked year is missing but some report's year is not known for sure
    doc_filter: list[str] = field(default_factory=list)  # then: the reports a search may use


def aliases(region: str) -> list[str]:
    """Ways a user names an indexed region: 长沙市芙蓉区 -> 长沙市芙蓉区, 芙蓉区, 芙蓉."""
    return list(_aliases(region))


@lru_cache(maxsize=65536)
def _aliases(region: str) -> tuple[str, ...]:
    """aliases(), kept: analyse() asks for every indexed region's aliases on every question."""
    names = {region}
    local = region[region.find("市") + 1:] if "市" in region[:-1] else region  # 宜宾市叙州区 -> 叙州区
    names |= {local, local[:-1]} if len(local) >= 3 and local[-1] in "市县区旗" else {local}
    town = re.search(r"([\u4e00-\u9fff]{2,6}?)(街道|镇|乡)$", re.split(r"[市县区旗]", local)[-1])
    if town:  # 某某区凤鸣街道 -> 凤鸣街道, 凤鸣
        names |= {town[0], town[1]}
    info = gazetteer.by_full_name().get(region)
    if info:
        names |= {info.name, info.short, *gazetteer.everyday_names(info)}  # 黔东南州 for 黔东南苗族侗族自治州
        if info.city and info.city != info.name and region.startswith(info.city):
            names.add(info.city[:-1] + info.name if info.city.endswith("市") else info.name)
    return tuple(sorted((n for n in names if len(n) >= 2), key=len, reverse=True))


def analyse(question: str, coverage: Coverage, regions: list[str] | None = None,
            years: list[int] | None = None) -> QueryPlan:
    """Find regions and years in the question (explicit arguments override what is found)."""
    plan = QueryPlan(question)
    if regions:
        plan.regions = list(regions)
    else:
        found: list[tuple[int, str]] = []
        for region in coverage.regions:
            positions = [question.find(a) for a in aliases(region) if a in question]
            if positions:
                found.append((min(positions), region))
        plan.regions = [r for _, r in sorted(found)]
        plan.unknown_regions = _unknown_regions(question, coverage)
    plan.years = list(years) if years else _asked_years(question)
    _check_coverage(plan, coverage)
    return plan


def _asked_years(question: str) -> list[int]:
    """The years whose reports a question asks about. A year it compares with (比2022年多, 跟2022年相比)
    is a base, not a report asked for: without another year, the report is of the year after it."""
    named = {int(y) for y in _YEAR.findall(question)}
    base = {int(y) for y in _BASE_YEAR.findall(question)}
    if base and named - base:
        return sorted(named - base)
    return sorted({y + 1 for y in base} if base else named)


def _unknown_regions(question: str, coverage: Coverage) -> list[str]:
    """Regions named in the question (by full name) that have no report in the index."""
    covered = set(coverage.regions)
    named = gazetteer.mentions(question, min_len=3)
    out = []

    def held(region) -> bool:
        """Indexed itself, or named as the city of an indexed district the question also names (长沙市芙蓉区);
        a city whose only indexed reports are its districts' is not held (长沙市全市 is not 芙蓉区)."""
        if region.full in covered:
            return True
        children = [c for c in covered if c.startswith(region.full) or region.name in c]
        return any(a in question for c in children for a in aliases(c) if region.name not in a)

    for region in named:
        if not held(region):
            out.append(region.full)
    for short in re.findall(r"([\u4e00-\u9fff]{2,3})(?:市|县|区)", question):
        hit = gazetteer.lookup(short)
        if hit and hit.full not in out and not held(hit):
            out.append(hit.full)
    return out


def _check_coverage(plan: QueryPlan, coverage: Coverage) -> None:
    for name in plan.unknown_regions:
        plan.notices.append(f"索引中没有{name}的报告。")
    if not plan.years:
        return
    regions = plan.regions or coverage.regions
    have = [y for y in plan.years if any((r, y) in coverage.pairs for r in regions)]
    unsure = [r for r in (plan.regions or [""]) if (r in coverage.unsure if r else coverage.unsure)]
    for region in plan.regions:
        missing = [y for y in plan.years if (region, y) not in coverage.pairs]
        if missing and region in coverage.unsure:
            titles = "、".join(f"《{t}》" for t in coverage.labels.get(region, []))
            plan.notices.append(f"{region}的报告{titles}年度未能从标题或页面信息确定,以下内容按地区检索,请核对出处的年份。")
        elif missing:
            years = coverage.held(region) or "无年份"
            plan.notices.append(f"{region}没有{'、'.join(map(str, missing))}年的报告(现有: {years})。")
    if not plan.regions and not have:
        if coverage.unsure:
            plan.notices.append(f"没有标明{'、'.join(map(str, plan.years))}年的报告;部分报告年度未能确定,以下内容请核对出处的年份。")
        else:
            plan.notices.append(f"索引中没有{'、'.join(map(str, plan.years))}年的报告。")
    plan.unsure_year = bool(unsure) and len(have) < len(plan.years)
    coverage.restrict(plan, have)
    if plan.unsure_year:  # the reports of the asked years, and those whose year is not known for sure
        plan.doc_filter = [d for d, r, years, sure in coverage.docs if (not plan.regions or r in plan.regions)
                           and (not sure or set(years) & set(have))]
        plan.year_filter = []
    for region in plan.regions:
        spans = coverage.spans(region)
        if spans and plan.doc_filter and have:
            plan.notices.append(f"{region}的{'、'.join(spans)}报告是多年总结,以下只取写明{'、'.join(map(str, have))}年的内容。")


def where_clause(regions: list[str], years: list[int], docs: list[str] | None = None) -> dict | None:
    parts = [{"doc_id": {"$in": docs}}] if docs else []
    if regions:
        parts.append({"region": {"$in": regions}})
    if years:
        parts.append({"year": {"$in": years}})
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else {"$and": parts}


def fuse(rankings: dict[str, list[str]], weights: dict[str, float], k: int = 60) -> list[tuple[str, float]]:
    """Weighted reciprocal rank fusion of several ranked id lists."""
    scores: dict[str, float] = {}
    for name, ids in rankings.items():
        for rank, chunk_id in enumerate(ids):
            scores[chunk_id] = scores.get(chunk_id, 0.0) + weights.get(name, 1.0) / (k + rank + 1)
    return sorted(scores.items(), key=lambda item: -item[1])


def attach_ranks(passages: list[Passage], rankings: dict[str, list[str]]) -> None:
    for passage in passages:
        passage.ranks = {name: ids.index(passage.chunk_id) + 1 for name, ids in rankings.items()
                         if passage.chunk_id in ids}
