"""Document metadata from title, header fields and text: region, covered year, type, issuer, dates.

Everything is derived generically; a sidecar `<file name>.meta.json` next to a report overrides
any field (for corrections the text cannot give).
"""
from __future__ import annotations

import json
import re
from pathlib import Path

from rag.errors import InputError
from rag.ingest import gazetteer, spam
from rag.types import Document, Span

_DATE = re.compile(r"(\d{4})\s*[-年./]\s*(\d{1,2})\s*[-月./]\s*(\d{1,2})\s*日?")
_SIGNED = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$")
_YEAR_IN_TITLE = re.compile(r"(\d{4})\s*年度?")
_NEWS_MARKS = re.compile(r"(日报|晚报|新闻|记者|通讯员|综述|融媒体|电视台)")
_PLACE_IN_TITLE = re.compile(r"^(?:关于)?([\u4e00-\u9fff]{2,12}?(?:省|自治区|市|自治州|州|地区|盟|县|区|旗))")
OVERRIDABLE = {"title", "region", "region_level", "province", "year", "doc_type", "issuer",
               "publisher", "signed", "published"}


def iso_date(value: str) -> str:
    match = _DATE.search(value or "")
    return f"{int(match[1]):04d}-{int(match[2]):02d}-{int(match[3]):02d}" if match else ""


def extract(doc: Document) -> Document:
    """Fill the metadata fields of a cleaned document in place and return it."""
    lines = doc.text.split("\n")
    doc.title = doc.header.get("标题") or _title(lines)
    doc.published = iso_date(doc.header.get("发布日期") or doc.header.get("发布时间") or doc.header.get("时间", ""))
    signature, doc.signed = _signature(lines)
    repaired = [spam.repair(line, _spans_in(doc, line)) for line in signature]
    doc.issuer = "、".join(repaired)
    doc.publisher = doc.header.get("发布机构") or doc.header.get("发布单位") or doc.header.get("来源", "")
    doc.doc_type = _doc_type(doc)
    doc.year = _year(doc, lines)
    region = _region(doc, lines, repaired)
    if region:
        doc.region, doc.region_level, doc.province = region.full, region.level, region.province
    else:  # a place the gazetteer does not know: trust the title's leading place name
        match = _PLACE_IN_TITLE.match(doc.title)
        doc.region = match[1] if match else ""
    return doc


def apply_sidecar(doc: Document, path: Path) -> Document:
    """Override fields from `<file>.meta.json` if it exists; unknown keys are an error."""
    sidecar = path.with_name(path.name + ".meta.json")
    if not sidecar.exists():
        return doc
    try:
        fields = json.loads(sidecar.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise InputError(f"元数据文件无法解析 {sidecar}: {err}") from err
    unknown = set(fields) - OVERRIDABLE
    if not isinstance(fields, dict) or unknown:
        raise InputError(f"元数据文件 {sidecar} 含有不支持的字段: {', '.join(sorted(unknown))}")
    for key, value in fields.items():
        setattr(doc, key, int(value) if key == "year" and value is not None else value)
    return doc


def _title(lines: list[str]) -> str:
    for line in lines[:5]:
        if len(line) <= 60 and not line.endswith(("。", ":", ":")):
            return line.strip("《》")
    return lines[0][:60] if lines else ""


def _signature(lines: list[str]) -> tuple[list[str], str]:
    """Issuer lines and signing date from the end of the document ('' when unsigned)."""
    tail = lines[-6:]
    for index in range(len(tail) - 1, -1, -1):
        match = _SIGNED.match(tail[index])
        if match:
            issuers = []
            for line in reversed(tail[:index]):
                if len(line) > 30 or line.endswith(("。", ";", ";")):
                    break
                issuers.insert(0, line)
            return issuers, f"{int(match[1]):04d}-{int(match[2]):02d}-{int(match[3]):02d}"
    return [], ""


def _spans_in(doc: Document, line: str) -> list[Span]:
    offset = doc.text.rfind(line)
    return [Span(s.start - offset, s.end - offset, s.text, s.reason, s.replacement)
            for s in doc.flags if offset <= s.start and s.end <= offset + len(line)]


def _doc_type(doc: Document) -> str:
    head = " ".join([doc.title, doc.header.get("来源", ""), doc.header.get("作者", ""), doc.text[:200]])
    if "作者" in doc.header or _NEWS_MARKS.search(head):
        return "news"
    return "annual_report" if "报告" in doc.title or "报告如下" in doc.text[:600] else "other"


def _year(doc: Document, lines: list[str]) -> int | None:
    """The year the report covers: title, then opening sentence, then dates."""
    match = _YEAR_IN_TITLE.search(doc.title)
    if match:
        return int(match[1])
    for line in lines[1:4]:
        match = re.match(r"(\d{4})年(度)?[,,]", line) or re.search(r"现将(\d{4})年度?", line)
        if match:
            return int(match[1])
    if doc.doc_type == "news" and doc.published:
        return int(doc.published[:4])
    if doc.signed:  # reports are signed early the next year
        year, month = int(doc.signed[:4]), int(doc.signed[5:7])
        return year - 1 if month <= 4 else year
    return int(doc.published[:4]) if doc.published else None


def _region(doc: Document, lines: list[str], signature: list[str]) -> gazetteer.Region | None:
    """The most-named region, weighting title and signature above body text."""
    scores: dict[gazetteer.Region, float] = {}
    weighted = [(doc.title, 5.0, 2), ("\n".join(signature), 3.0, 3), ("\n".join(lines[:3]), 2.0, 3),
                (doc.text, 1.0, 3)]
    for text, weight, min_len in weighted:
        for region, count in gazetteer.mentions(text, min_len).items():
            scores[region] = scores.get(region, 0.0) + weight * count
    if not scores:
        return None
    rank = {"县区": 2, "地级市": 1, "省": 0}
    return max(scores, key=lambda r: (scores[r], rank[r.level]))
