"""Document metadata read the way a person reads a page: title, covered year, region, type, issuer
and dates come from the document's own title, header fields, opening and signature — never from
page widgets (the cleaner has removed them) or from a stray place name deep in the body.

Every field records where it came from and how sure it is (`Document.provenance`): title and
header fields, a sidecar or the user are sure ("high"); the opening sentence, the first section
heading or a yearbook lead are "medium"; a year inferred from posting or signing dates is "low".
Posting and signing dates only bound the covered year; a span of years is not one year; a region
the text masks (某县, *区) stays unknown. A sidecar `<file name>.meta.json` overrides any field.
The title, byline, header dates and signature are read in `frame`; which region a document names
itself by in `place`; years and dates (also 二〇二三年) in `dates`. This module decides the kind
and the covered year (a plan may cover a year after the one it is signed in) and applies sidecars.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

from rag.errors import InputError
from rag.ingest import spam
from rag.ingest.clean import DOC_NOUN
from rag.ingest.dates import YEAR, arabic, years_in
from rag.ingest.frame import (STRONG_SOURCES, body_lines, issuer_from_top, read_dates, read_title, signature,
                              spans_in)
from rag.ingest.place import note as _note, read_region
from rag.types import Document

DOC_TYPES = ("annual_report", "news", "interpretation", "plan", "yearbook", "other")
OVERRIDABLE = {"title", "region", "region_level", "province", "year", "doc_type", "issuer",
               "publisher", "signed", "published"}

_SPAN = re.compile(r"(?:19|20)\d{2}\s*年?\s*[—\-–~～至到]\s*(?:19|20)?\d{2}|(?:19|20)\d{2}\s*年\s*(?:以来|至今)|"
                   r"(?:近|过去|这)?[两三四五六七八九十]年(?:来|以来|间|中|法治|工作)|十[一二三四五六七]五")
_OPENING_YEAR = re.compile(r"^\s*(?:在)?((?:19|20)\d{2})\s*年度?\s*[,，、]")
_REPORTING_YEAR = re.compile(r"现将.{0,20}?((?:19|20)\d{2})\s*年度?|((?:19|20)\d{2})\s*年度?[^。,，]{0,12}法治政府建设")
_HEADING = re.compile(r"^[一二三四五六七八九十]+、")
_YEARBOOK_LEAD = re.compile(r"^【[^】]{2,12}】\s*((?:19|20)\d{2})\s*年")
_DOC_NOUN = re.compile(DOC_NOUN)  # the kind words a title ends with, as the cleaner splits titles
_PLAN_NOUNS = {"方案", "要点", "规划", "计划", "通知", "意见", "决定", "办法"}
_NEWS_MARKS = re.compile(r"(日报|晚报|商报|新闻网|记者|通讯员|本报讯|融媒体|电视台|综述)")
_REPORT_NOUNS = {"报告", "总结", "白皮书"}
_LAST_YEAR = re.compile(r"去年(?!以来|同期|同比)")
# an explainer of another document: 【图解】…, 一图读懂丨…, 图说…
_READING_TAGS = ("解读", "图解", "读懂", "看懂")
_ILLUSTRATED = re.compile(r"^(?:一图|图解|图说|读懂|看懂|速览)")
_BYLINE_MARKS = re.compile(r"(记者|通讯员|本报讯|\d{1,2}\s*月\s*\d{1,2}\s*日\s*讯)")


def extract(doc: Document) -> Document:
    """Fill the metadata fields of a cleaned document in place and return it."""
    lines = [line for line in doc.text.split("\n") if line.strip()]
    tag, title_lines = read_title(doc, lines)
    body = body_lines(lines, doc.title, title_lines)
    read_dates(doc, lines)
    signers, signed = signature(lines)
    if signed:  # the document's own date line outranks the site's 成文日期
        doc.signed = signed
        _note(doc, "signed", "signature", "high")
    repaired = [spam.repair(line, spans_in(doc, line)) for line in signers]
    doc.issuer = "、".join(repaired)
    if doc.issuer:
        _note(doc, "issuer", "signature", "high")
    else:
        issuer_from_top(doc, lines)
    doc.doc_type = _doc_type(doc, lines, tag)
    _note(doc, "doc_type", "title" if doc.provenance["title"]["source"] in STRONG_SOURCES else "body", "medium")
    _read_year(doc, body)
    strong_title = doc.provenance["title"]["source"] in STRONG_SOURCES
    read_region(doc, doc.title if strong_title else "", body, repaired)
    return doc


def _doc_type(doc: Document, lines: list[str], tag: str) -> str:
    """annual_report | news | interpretation | plan | yearbook | other, from the title's own kind
    word (outside any 《》 it quotes), its tag, the byline and the opening."""
    strong_title = doc.provenance["title"]["source"] in STRONG_SOURCES
    outer = re.sub(r"《[^》]*》", "", doc.title) if strong_title else ""
    kinds = _DOC_NOUN.findall(outer)
    reporting = any(kind in _REPORT_NOUNS for kind in kinds)  # "2023年工作总结及2024年工作计划" reports
    top = " ".join([doc.header.get("来源", ""), doc.header.get("作者", ""), *lines[:3]])
    if any(word in tag for word in _READING_TAGS) or _ILLUSTRATED.match(outer) or (kinds and kinds[-1] == "解读"):
        return "interpretation"
    if "年鉴" in top or any(_YEARBOOK_LEAD.match(line) for line in lines[:3]):
        return "yearbook"
    reports_itself = reporting and bool(doc.issuer or "报告如下" in doc.text[:800])
    if _BYLINE_MARKS.search(top) or (not reports_itself and ("作者" in doc.header or _NEWS_MARKS.search(top))):
        return "news"  # a report a site posts with 来源: 县融媒体中心 is still the report
    if kinds and kinds[-1] in _PLAN_NOUNS and not reporting:
        return "plan"
    about_law = re.search(r"法治|依法行政|法制", doc.title + doc.text[:600])
    if about_law and (reporting or "报告如下" in doc.text[:800]):
        return "annual_report"
    return "other"


_QUOTED_REPORT = re.compile(r"《[^》]{0,24}?(\d{4})年度?[^》\d]{0,24}(?:报告|情况)》")


def _read_year(doc: Document, body: list[str]) -> None:
    """Covered year, by evidence in order: title, opening, first section heading, yearbook lead;
    bounded by the posting/signing year (except for a plan, which covers a year to come); else
    inferred from those dates (weakly). Years in Chinese numerals (二〇二三年) count the same."""
    dates = (doc.published, doc.signed) if doc.doc_type != "plan" else ()
    bound = min((int(d[:4]) for d in dates if d), default=None)
    strong_title = doc.provenance["title"]["source"] in STRONG_SOURCES
    if strong_title and _SPAN.search(arabic(doc.title)):
        doc.year, doc.span = None, _span_of(arabic(doc.title))
        _note(doc, "year", "title", "high", "跨年度(多年)报告,不是单一年度")
        return
    for source, confidence, year in _year_evidence(doc, body, strong_title):
        if bound is None or year <= bound:
            doc.year = year
            _note(doc, "year", source, confidence)
            return
    doc.year = _year_from_dates(doc)
    if doc.year:
        _note(doc, "year", "header" if doc.published else "signature", "low", "由发布或落款日期推断")


_RANGE = re.compile(r"((?:19|20)\d{2})\s*年?\s*[—\-–~～至到]\s*((?:19|20)?\d{2})(?!\d)")
_FIVE_YEAR_PLAN = {"十一五": 2006, "十二五": 2011, "十三五": 2016, "十四五": 2021, "十五五": 2026}


def _span_of(title: str) -> str:
    """The years a title of several years names: 2019—2023年 -> "2019-2023", 2019-23 -> "2019-2023",
    十三五 -> "2016-2020"; "" when it names no closed range (2017年以来, 近五年)."""
    match = _RANGE.search(title)
    if match:
        first, last = int(match[1]), int(match[2]) + (int(match[1]) // 100 * 100 if len(match[2]) == 2 else 0)
        return f"{first}-{last}" if first < last <= first + 20 else ""
    plan = next((start for name, start in _FIVE_YEAR_PLAN.items() if name in title), None)
    return f"{plan}-{plan + 4}" if plan else ""


def _year_evidence(doc: Document, body: list[str], strong_title: bool):
    if strong_title:
        years = years_in(doc.title)
        if years:
            yield "title", "high", years[0]
    for line in map(arabic, body[:1]):
        if _SPAN.match(line) or _HEADING.match(line):
            continue
        for sentence in re.split(r"(?<=[。!?！？])", line)[:3]:
            match = _OPENING_YEAR.match(sentence) or _REPORTING_YEAR.search(sentence[:80])
            if match:  # "现将…2021年度…报告如下" is the report saying which year it reports: sure
                sure = match.re is _REPORTING_YEAR and match[1] and "报告" in sentence[match.end():]
                yield "opening", "high" if sure else "medium", int(next(g for g in match.groups() if g))
    for line in map(arabic, body[:3]):  # a subtitle under the title (——某区2023年法治政府建设工作综述) says it as surely
        match = YEAR.search(line[:40]) if re.match(r"^\s*[—─-]{1,2}", line) else None
        if match and not _SPAN.search(line[:40]):
            yield "opening", "high", int(match[1])
    for line in map(arabic, body[:2]):  # a story about a report names it: 审议通过了《某市2023年度法治政府建设情况报告》
        match = _QUOTED_REPORT.search(line[:300])
        if match:  # the report a story's lead names is what the story is about: as sure as a title
            yield "opening", "high", int(match[1])
    heading = arabic(next((line for line in body[:15] if _HEADING.match(line)), ""))
    match = YEAR.search(heading[:30])
    if match and not _SPAN.search(heading[:30]):
        yield "heading", "medium", int(match[1])
    for line in body[:3]:
        match = _YEARBOOK_LEAD.match(line)
        if match:
            yield "opening", "medium", int(match[1])
    if doc.doc_type == "news" and doc.published and _LAST_YEAR.search("".join(body[:1])[:60]):
        yield "opening", "low", int(doc.published[:4]) - 1  # a story's 去年 is the year before it ran


def _year_from_dates(doc: Document) -> int | None:
    if doc.doc_type == "news" and doc.published:
        return int(doc.published[:4])
    date = doc.signed or doc.published
    if not date:
        return None
    year, month = int(date[:4]), int(date[5:7])  # reports are signed and posted early the next year;
    return year - 1 if month <= 4 and doc.doc_type == "annual_report" else year  # plans in their year


def apply_sidecar(doc: Document, path: Path) -> Document:
    """Override fields from `<file>.meta.json` if it exists; unknown keys or bad values are an error."""
    sidecar = path.with_name(path.name + ".meta.json")
    if not sidecar.exists():
        return doc
    try:
        fields = json.loads(sidecar.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise InputError(f"元数据文件无法解析 {sidecar}: {err}") from err
    if not isinstance(fields, dict):
        raise InputError(f"元数据文件 {sidecar} 应当是一个 JSON 对象")
    unknown = set(fields) - OVERRIDABLE
    if unknown:
        raise InputError(f"元数据文件 {sidecar} 含有不支持的字段: {', '.join(sorted(unknown))}")
    for key, value in fields.items():
        setattr(doc, key, check_value(key, value, sidecar))
        _note(doc, key, "sidecar", "high")
    return doc


def check_value(key: str, value, where) -> object:
    """A metadata value as stored, or one clear error naming the field and where it came from."""
    if key == "year":
        if value in (None, ""):
            return None
        try:
            year = int(value)
        except (TypeError, ValueError):
            raise InputError(f"{where}: 年份应为整数,收到 {value!r}") from None
        if not 1949 <= year <= 2100:
            raise InputError(f"{where}: 年份 {year} 不在 1949–2100 之间")
        return year
    if key == "doc_type" and value not in DOC_TYPES:
        raise InputError(f"{where}: 文本类型应为 {' / '.join(DOC_TYPES)} 之一,收到 {value!r}")
    if not isinstance(value, str):
        raise InputError(f"{where}: 字段 {key} 应为文字,收到 {value!r}")
    return value
