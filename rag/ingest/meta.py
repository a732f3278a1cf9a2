"""Document metadata read the way a person reads a page: title, covered year, region, type, issuer
and dates come from the document's own title, header fields, opening and signature — never from
page widgets (the cleaner has removed them) or from a stray place name deep in the body.

Every field records where it came from and how sure it is (`Document.provenance`): title and
header fields, a sidecar or the user are sure ("high"); the opening sentence, the first section
heading or a yearbook lead are "medium"; a year inferred from posting or signing dates is "low".
Posting and signing dates only bound the covered year; a span of years is not one year; a region
the text masks (某县, *区) stays unknown. A sidecar `<file name>.meta.json` overrides any field.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

from rag.errors import InputError
from rag.ingest import gazetteer, spam
from rag.ingest.clean import DOC_NOUN, NO_SOURCE, is_header_line
from rag.ingest.html import split_page_title
from rag.types import Document, Span

DOC_TYPES = ("annual_report", "news", "interpretation", "plan", "yearbook", "other")
STRONG_SOURCES = {"title", "header", "sidecar", "user"}  # a year from these may ground a refusal
OVERRIDABLE = {"title", "region", "region_level", "province", "year", "doc_type", "issuer",
               "publisher", "signed", "published"}

_DATE = re.compile(r"(\d{4})\s*[-年./]\s*(\d{1,2})\s*[-月./]\s*(\d{1,2})\s*日?")
_DATE_LINE = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$")
_BYLINE = re.compile(r"^(?P<org>[\u4e00-\u9fff]{2,30}?)\s*(?P<date>\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|\d{4}-\d{1,2}-\d{1,2})$")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年度?")
_SPAN = re.compile(r"(?:19|20)\d{2}\s*年?\s*[—\-–~～至到]\s*(?:19|20)?\d{2}|(?:19|20)\d{2}\s*年\s*(?:以来|至今)|"
                   r"(?:近|过去|这)?[两三四五六七八九十]年(?:来|以来|间|中|法治|工作)|十[一二三四五六七]五")
_OPENING_YEAR = re.compile(r"^\s*(?:在)?((?:19|20)\d{2})\s*年度?\s*[,，、]")
_REPORTING_YEAR = re.compile(r"现将.{0,20}?((?:19|20)\d{2})\s*年度?|((?:19|20)\d{2})\s*年度?[^。,，]{0,12}法治政府建设")
_HEADING = re.compile(r"^[一二三四五六七八九十]+、")
_YEARBOOK_LEAD = re.compile(r"^【[^】]{2,12}】\s*((?:19|20)\d{2})\s*年")
_TAG = re.compile(r"^【([^】]{2,8})】\s*")
_MASKED = re.compile(r"(某|[*＊×Xx]{1,3})(?:省|自治区|市|自治州|州|地区|盟|县|区|旗)")
_PLACE_IN_TITLE = re.compile(r"^(?:关于)?([\u4e00-\u9fff]{2,12}?(?:省|自治区|市|自治州|州|地区|盟|县|区|旗))")
_DOC_NOUN = re.compile(DOC_NOUN)  # the kind words a title ends with, as the cleaner splits titles
_PLAN_NOUNS = {"方案", "要点", "规划", "计划", "通知", "意见", "决定", "办法"}
_NEWS_MARKS = re.compile(r"(日报|晚报|商报|新闻网|记者|通讯员|本报讯|融媒体|电视台|综述)")
_TITLE_END = re.compile(DOC_NOUN + r"[》)）]?$")  # the second line of a title split over two ends so
_CRUMB_MARKS = re.compile(r"(?:>>|->|[>＞»›〉→])")
# "泉州网2月6日讯(记者…)", "寿光日报讯": the outlet that opens a news story, often named for its place
_DATELINE = re.compile(r"^(?P<outlet>[\u4e00-\u9fff]{2,10}?(?:网|日报|晚报|早报|都市报|商报|时报|融媒体?|电视台|发布))"
                       r"\s*(?:\d{1,2}\s*月\s*\d{1,2}\s*日)?\s*(?:电|讯)")
# a name that is also an ordinary phrase (兴+城市 in "强产业、兴城市", 老城区改造): weak in running text
# spaces inside a title: letter spacing and wrap gaps (平 遥 县, 情况的 报告) go; the one space between
# the two phrases of a headline (依法行政跑出加速度 柳州…) stays
_SPACED = re.compile(r"(?<=[\u4e00-\u9fff\d])\s+(?=[\u4e00-\u9fff\d])")
_RUN = r"[\u4e00-\u9fff\d]{6}"
_PHRASE_NAME = re.compile(r"^[\u4e00-\u9fff](?:城市|城区)$")
_NOT_PLACES = re.compile(r"长治久安")  # set phrases that hold a city's short name


def iso_date(value: str) -> str:
    match = _DATE.search(value or "")
    return f"{int(match[1]):04d}-{int(match[2]):02d}-{int(match[3]):02d}" if match else ""


def _note(doc: Document, field: str, source: str, confidence: str, why: str = "") -> None:
    doc.provenance[field] = {"source": source, "confidence": confidence, **({"note": why} if why else {})}


def extract(doc: Document) -> Document:
    """Fill the metadata fields of a cleaned document in place and return it."""
    lines = [line for line in doc.text.split("\n") if line.strip()]
    tag, title_lines = _read_title(doc, lines)
    body = _body(lines, doc.title, title_lines)
    _read_dates(doc, lines)
    signature, signed = _signature(lines, "")
    if signed:  # the document's own date line outranks the site's 成文日期
        doc.signed = signed
        _note(doc, "signed", "signature", "high")
    repaired = [spam.repair(line, _spans_in(doc, line)) for line in signature]
    doc.issuer = "、".join(repaired)
    if doc.issuer:
        _note(doc, "issuer", "signature", "high")
    doc.doc_type = _doc_type(doc, lines, tag)
    _note(doc, "doc_type", "title" if doc.provenance["title"]["source"] in STRONG_SOURCES else "body", "medium")
    _read_year(doc, body)
    _read_region(doc, body, repaired)
    return doc


def _read_title(doc: Document, lines: list[str]) -> tuple[str, list[str]]:
    """The document's own title line (or its header's 标题), without a CMS page title's column and
    site names and joined when split over two lines; returns a leading 【tag】 if any and the lines
    the title was read from."""
    title, source, used = doc.header.get("标题", ""), "header", []
    if not title:
        index = next((i for i, line in enumerate(lines[:4]) if _looks_like_title(line)), None)
        if index is not None:
            title, source, used = _title_from(lines, index)
    if not title and lines:  # no title line: name the document by its opening words, weakly
        title, source = lines[0][:30].rstrip(",，、。") + "…", "body"
    title = title.strip("《》 ")
    title = _SPACED.sub(lambda m: " " if re.search(_RUN + "$", title[:m.start()]) and re.match(_RUN, title[m.end():])
                        else "", title)
    tag = _TAG.match(title)
    doc.title = title[tag.end():].strip("《》 ") if tag else title
    _note(doc, "title", source, "high" if source != "body" else "low")
    return (tag[1] if tag else ""), used


def _title_from(lines: list[str], index: int) -> tuple[str, str, list[str]]:
    """(title, source, lines used) from the title line at `index`: "标题_栏目_网站" loses its
    suffixes (taking whole a later line that is the bare title), and a first line that does not end
    with a kind word is joined with a short next line that does (公文 titles wrap: "…人民政府关于
    2023年度法治政府建设" / "工作情况的报告")."""
    line = lines[index]
    title = split_page_title(line, tuple(lines[index + 1:index + 6]))
    following = lines[index + 1] if index + 1 < len(lines) else ""
    if (title == line and not _TITLE_END.search(line) and not line.endswith("文件") and len(following) <= 40
            and _TITLE_END.search(following) and _looks_like_title(following)):
        return line + following, "title", [line, following]
    return title, "title", [line]


def _looks_like_title(line: str) -> bool:
    return (len(line) <= 80 and not line.endswith(("。", ":", "：", ",", "，")) and not is_header_line(line)
            and not _DATE_LINE.match(line) and not _BYLINE.match(line) and len(_CRUMB_MARKS.findall(line)) < 2)


def _body(lines: list[str], title: str, title_lines: list[str] = ()) -> list[str]:
    """The lines after the title and header block: where the opening sentence is."""
    out = [line for line in lines if line.strip("《》 ") != title and line not in title_lines
           and not is_header_line(line) and not _BYLINE.match(line)]
    return [line for line in out if not line.endswith((":", "："))][:40]  # salutations (省委依法治省办:)


def _read_dates(doc: Document, lines: list[str]) -> None:
    header = doc.header
    for key in ("发布日期", "发布时间", "时间", "更新时间"):
        if iso_date(header.get(key, "")):
            doc.published = iso_date(header[key])
            _note(doc, "published", "header", "high")
            break
    if iso_date(header.get("成文日期", "")):
        doc.signed = iso_date(header["成文日期"])
        _note(doc, "signed", "header", "high")
    publisher = next((header[k] for k in ("发布机构", "发布单位", "制发机构", "发文机关", "来源", "文章来源", "信息来源")
                      if header.get(k) and not NO_SOURCE.search(header[k])), "")
    byline = next((m for line in lines[1:4] if (m := _BYLINE.match(line))), None)
    if byline:  # "清水县人民政府 2024年01月08日" under the title
        publisher = publisher or byline["org"]
        if not doc.published:
            doc.published = iso_date(byline["date"])
            _note(doc, "published", "header", "medium")
    doc.publisher = publisher
    if publisher:
        _note(doc, "publisher", "header", "high" if not byline else "medium")


def _signature(lines: list[str], signed: str) -> tuple[list[str], str]:
    """Issuer lines and signing date: a date line preceded by institution lines, at the end of the
    document or, for a notice, after its short covering text ('' when unsigned)."""
    tail = range(len(lines) - 1, max(-1, len(lines) - 7), -1)
    head = range(min(len(lines), 15))
    for index in [*tail, *head]:
        match = _DATE_LINE.match(lines[index])
        if not match:
            continue
        issuers = []
        for line in reversed(lines[max(0, index - 3):index]):
            if len(line) > 30 or line.endswith(("。", ";", "；", ":", "：")) or _DATE_LINE.match(line):
                break
            issuers.insert(0, line)
        if issuers:
            return issuers, f"{int(match[1]):04d}-{int(match[2]):02d}-{int(match[3]):02d}"
    return [], signed


def _spans_in(doc: Document, line: str) -> list[Span]:
    offset = doc.text.rfind(line)
    return [Span(s.start - offset, s.end - offset, s.text, s.reason, s.replacement)
            for s in doc.flags if offset <= s.start and s.end <= offset + len(line)]


def _doc_type(doc: Document, lines: list[str], tag: str) -> str:
    """annual_report | news | interpretation | plan | yearbook | other, from the title's own kind
    word (outside any 《》 it quotes), its tag, the byline and the opening."""
    strong_title = doc.provenance["title"]["source"] in STRONG_SOURCES
    outer = re.sub(r"《[^》]*》", "", doc.title) if strong_title else ""
    kinds = _DOC_NOUN.findall(outer)
    top = " ".join([doc.header.get("来源", ""), doc.header.get("作者", ""), *lines[:3]])
    if "解读" in tag or (kinds and kinds[-1] == "解读"):
        return "interpretation"
    if "年鉴" in top or any(_YEARBOOK_LEAD.match(line) for line in lines[:3]):
        return "yearbook"
    if "作者" in doc.header or _NEWS_MARKS.search(top):
        return "news"
    if kinds and kinds[-1] in _PLAN_NOUNS:
        return "plan"
    about_law = re.search(r"法治|依法行政|法制", doc.title + doc.text[:600])
    if about_law and ((kinds and kinds[-1] in ("报告", "总结", "白皮书")) or "报告如下" in doc.text[:800]):
        return "annual_report"
    return "other"


def _read_year(doc: Document, body: list[str]) -> None:
    """Covered year, by evidence in order: title, opening, first section heading, yearbook lead;
    bounded by the posting/signing year; else inferred from those dates (weakly)."""
    bound = min((int(d[:4]) for d in (doc.published, doc.signed) if d), default=None)
    strong_title = doc.provenance["title"]["source"] in STRONG_SOURCES
    if strong_title and _SPAN.search(doc.title):
        doc.year = None
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


def _year_evidence(doc: Document, body: list[str], strong_title: bool):
    if strong_title:
        years = [int(y) for y in _YEAR.findall(doc.title)]
        if years:
            yield "title", "high", years[0]
    for line in body[:1]:
        if _SPAN.match(line) or _HEADING.match(line):
            continue
        for sentence in re.split(r"(?<=[。!?！？])", line)[:3]:
            match = _OPENING_YEAR.match(sentence) or _REPORTING_YEAR.search(sentence[:80])
            if match:  # "现将…2021年度…报告如下" is the report saying which year it reports: sure
                sure = match.re is _REPORTING_YEAR and match[1] and "报告" in sentence[match.end():]
                yield "opening", "high" if sure else "medium", int(next(g for g in match.groups() if g))
    heading = next((line for line in body[:15] if _HEADING.match(line)), "")
    match = _YEAR.search(heading[:30])
    if match and not _SPAN.search(heading[:30]):
        yield "heading", "medium", int(match[1])
    for line in body[:3]:
        match = _YEARBOOK_LEAD.match(line)
        if match:
            yield "opening", "medium", int(match[1])


def _year_from_dates(doc: Document) -> int | None:
    if doc.doc_type == "news" and doc.published:
        return int(doc.published[:4])
    date = doc.signed or doc.published
    if not date:
        return None
    year, month = int(date[:4]), int(date[5:7])  # reports are signed and posted early the next year;
    return year - 1 if month <= 4 and doc.doc_type == "annual_report" else year  # plans in their year


def _read_region(doc: Document, body: list[str], signature: list[str]) -> None:
    """The region the document names itself by: title, signature, publisher, opening — a place
    mentioned only in the body, or a masked one, is never taken."""
    strong_title = doc.provenance["title"]["source"] in STRONG_SOURCES
    title = doc.title if strong_title else ""
    masked = _MASKED.search(title) or any(_MASKED.search(line[:200]) for line in body[:2])
    if masked:
        _note(doc, "region", "title" if _MASKED.search(title) else "opening", "high", f"文本隐去了地名({masked[0]})")
        return
    sources = [("title", title, 5.0, 2), ("signature", "\n".join(signature), 3.0, 3),
               ("header", doc.publisher, 2.0, 3), ("opening", "\n".join(body[:2])[:300], 2.0, 3)]
    scores: dict[gazetteer.Region, float] = {}
    best_source: dict[gazetteer.Region, str] = {}
    for source, text, weight, min_len in sources:
        for region, count in gazetteer.mentions(text, min_len).items():
            phrase = (source in ("header", "opening") and _PHRASE_NAME.match(region.name)
                      and best_source.get(region) not in ("title", "signature"))
            scores[region] = scores.get(region, 0.0) + weight * count * (0.25 if phrase else 1)
            best_source.setdefault(region, source)
    if title and not any(source == "title" for source in best_source.values()):
        for region in _short_named(title, doc.publisher, body):
            scores[region] = scores.get(region, 0.0) + 4.0
            best_source[region] = "title"
    if scores:
        rank = {"县区": 2, "地级市": 1, "省": 0}
        region = max(scores, key=lambda r: (scores[r], rank[r.level]))
        doc.region, doc.region_level, doc.province = region.full, region.level, region.province
        source = best_source[region]
        _note(doc, "region", source, "high" if source in ("title", "signature") else "medium")
        return
    match = _PLACE_IN_TITLE.match(title)  # a place the gazetteer does not know: the title's own name
    if match and doc.doc_type != "news":  # a headline's opening words are no place name (…加速度柳州)
        doc.region = match[1]
        _note(doc, "region", "title", "medium", "地名不在行政区划表中")


def _short_named(title: str, publisher: str, body: list[str]) -> list[gazetteer.Region]:
    """Regions a headline names by short name only (泉州晒出…成绩单), vouched for by the page: the
    outlet of its dateline or its publisher (泉州网…讯, 来源: 泉州晚报), or for a city or province
    also the opening. A county's or district's short name needs the outlet: short names of counties
    are often ordinary words (平安, 资源, 公安)."""
    outlets = " ".join([publisher, *(m["outlet"] for line in body[:2] if (m := _DATELINE.match(line)))])
    opening = "\n".join(body[:2])[:300]
    found = gazetteer.short_mentions(_NOT_PLACES.sub("", title))
    return [region for region, short in found.items()
            if short in outlets or (region.level != "县区" and short in opening)]


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
