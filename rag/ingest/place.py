"""Which region a document names itself by: its title, signature, publisher or site, and opening —
a place mentioned only deeper in the body, or one the text masks (某县, *区), is never taken.

Evidence is weighed by where it stands (title 5, signature 3, publisher/site and opening 2); a
district name shared by several cities counts only where its city or province is named too; a
headline's short name (泉州晒出…) needs a voucher; a district the gazetteer still lists under its
former county name (撤县设区) is found by that name's short form within the same city, and an
autonomous prefecture or county by its everyday name (黔东南州). A 街道, town or development area
the title names right after its region is the report's region (宜宾市三江新区), never its parent.
"""
from __future__ import annotations

import re

from rag.ingest import gazetteer
from rag.types import Document

MASKED = re.compile(r"(某|[*＊×Xx]{1,3})(?:省|自治区|市|自治州|州|地区|盟|县|区|旗)")
_PLACE_IN_TITLE = re.compile(r"^(?:关于)?([\u4e00-\u9fff]{2,12}?(?:省|自治区|市|自治州|州|地区|盟|县|区|旗))")
# "泉州网2月6日讯(记者…)", "寿光日报讯": the outlet that opens a news story, often named for its place
_DATELINE = re.compile(r"^(?P<outlet>[\u4e00-\u9fff]{2,10}?(?:网|日报|晚报|早报|都市报|商报|时报|融媒体?|电视台|发布))"
                       r"\s*(?:\d{1,2}\s*月\s*\d{1,2}\s*日)?\s*(?:电|讯)")
# a name that is also an ordinary phrase (兴+城市 in "强产业、兴城市", 老城区改造): weak in running text
_PHRASE_NAME = re.compile(r"^[\u4e00-\u9fff](?:城市|城区)$")
_NOT_PLACES = re.compile(r"长治久安")  # set phrases that hold a city's short name
_RANK = {"县区": 2, "地级市": 1, "省": 0}
# a unit below a known region that the title names right after it (顺庆区中城街道, 宜宾市三江新区):
# the report is that unit's, not its parent's
_SUB_UNIT = re.compile(r"(?!人民|政府)(?P<name>[\u4e00-\u9fff]{2,12}?(?P<kind>街道|镇|乡|新区|开发区|高新区|园区|示范区|管理区))"
                       r"(?=\d{4}|关于|法治|依法|全面|党|人民政府|办事处|管委会|管理委员会)")
_TOWN_KINDS = {"街道", "镇", "乡"}


def note(doc: Document, field: str, source: str, confidence: str, why: str = "") -> None:
    doc.provenance[field] = {"source": source, "confidence": confidence, **({"note": why} if why else {})}


def read_region(doc: Document, title: str, body: list[str], signature: list[str]) -> None:
    """Fill region, region_level and province from the document's own naming. `title` is '' when
    the document has no title of its own."""
    masked = MASKED.search(title) or next((m for line in body[:2] if (m := MASKED.search(line[:200]))), None)
    if masked:
        note(doc, "region", "title" if MASKED.search(title) else "opening", "high", f"文本隐去了地名({masked[0]})")
        return
    site = doc.header.get("网站", "")
    sources = [("title", title, 5.0, 2), ("signature", "\n".join(signature), 3.0, 3),
               ("header", "\n".join(filter(None, (doc.publisher, site))), 2.0, 3),
               ("opening", "\n".join(body[:2])[:300], 2.0, 3)]
    scores: dict[gazetteer.Region, float] = {}
    best_source: dict[gazetteer.Region, str] = {}
    for source, text, weight, min_len in sources:
        named = {**gazetteer.mentions(text, min_len), **gazetteer.renamed_mentions(text),
                 **gazetteer.common_name_mentions(text)}
        for region, count in named.items():
            phrase = (source in ("header", "opening") and _PHRASE_NAME.match(region.name)
                      and best_source.get(region) not in ("title", "signature"))
            scores[region] = scores.get(region, 0.0) + weight * count * (0.25 if phrase else 1)
            best_source.setdefault(region, source)
    if title and not any(source == "title" for source in best_source.values()):
        for region in _short_named(title, doc.publisher, body):
            scores[region] = scores.get(region, 0.0) + 4.0
            best_source[region] = "title"
    if scores:
        region = max(scores, key=lambda r: (scores[r], _RANK[r.level]))
        doc.region, doc.region_level, doc.province = region.full, region.level, region.province
        source = best_source[region]
        unit = _unit_below(region, title) if source == "title" else None
        if unit:
            doc.region, doc.region_level = region.full + unit["name"], "乡镇街道" if unit["kind"] in _TOWN_KINDS else "功能区"
        note(doc, "region", source, "high" if source in ("title", "signature") else "medium")
        return
    match = _PLACE_IN_TITLE.match(title)  # a place the gazetteer does not know: the title's own name
    town = _SUB_UNIT.match(title)  # 某某街道2023年…: a sub-district or town whose county the page does not name
    if match and doc.doc_type != "news":  # a headline's opening words are no place name (…加速度柳州)
        doc.region = match[1]
        note(doc, "region", "title", "medium", "地名不在行政区划表中")
    elif town and doc.doc_type != "news":
        doc.region, doc.region_level = town["name"], "乡镇街道" if town["kind"] in _TOWN_KINDS else "功能区"
        note(doc, "region", "title", "medium", "乡镇(街道)名不在行政区划表中,所属县区未写明")


def _unit_below(region: gazetteer.Region, title: str) -> re.Match | None:
    """The sub-district, town or development area the title names right after `region`, by its
    own name or its short name (芜湖经济技术开发区)."""
    for name in dict.fromkeys((region.name, region.short)):
        at = title.find(name)
        if at >= 0 and len(name) >= 2:
            return _SUB_UNIT.match(title, at + len(name))
    return None


def _short_named(title: str, publisher: str, body: list[str]) -> list[gazetteer.Region]:
    """Regions a headline names by short name only (泉州晒出…), vouched for by the page: the
    outlet of its dateline or its publisher (泉州网…讯, 来源: 泉州晚报), or for a city or province
    also the opening. A county's or district's short name needs the outlet: short names of counties
    are often ordinary words (平安, 资源, 公安)."""
    outlets = " ".join([publisher, *(m["outlet"] for line in body[:2] if (m := _DATELINE.match(line)))])
    opening = "\n".join(body[:2])[:300]
    found = gazetteer.short_mentions(_NOT_PLACES.sub("", title))
    return [region for region, short in found.items()
            if short in outlets or (region.level != "县区" and short in opening)]
