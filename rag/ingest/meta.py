"""Document metadata read the way a person reads a page: title, covered year, region, type, issuer
and dates come from the document's own title, header fields, opening and signature — never from
page widgets (the cleaner has removed them) or from a stray place name deep in the body.

Every field records where it came from and how sure it is (`Document.provenance`): title and
header fields, a sidecar or the user are sure ("high"); the opening sentence, the first section
heading or a yearbook lead are "medium"; a year inferred from posting or signing dates is "low".
Posting and signing dates only bound the covered year; a span of years is not one year; a region
the text masks (某县, *区) stays unknown. A sidecar `<file name>.meta.json` overrides any field.
Which region a document names itself by is read in `place`; years and dates (also 二〇二三年) in
`dates`. A 公文's letterhead and 文号 are not its title; issuers named only above the title (or
in the letterhead) are its issuers; a plan may cover a year after the one it is signed in.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

from rag.errors import InputError
from rag.ingest import spam
from rag.ingest.clean import DOC_NOUN, NO_SOURCE, is_header_line
from rag.ingest.dates import YEAR, arabic, date_line, iso_date, years_in
from rag.ingest.html import split_page_title
from rag.ingest.place import note as _note, read_region
from rag.types import Document, Span

DOC_TYPES = ("annual_report", "news", "interpretation", "plan", "yearbook", "other")
STRONG_SOURCES = {"title", "header", "sidecar", "user"}  # a year from these may ground a refusal
OVERRIDABLE = {"title", "region", "region_level", "province", "year", "doc_type", "issuer",
               "publisher", "signed", "published"}

_BYLINE = re.compile(r"^(?P<org>[\u4e00-\u9fff]{2,30}?)\s*(?P<date>\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|\d{4}-\d{1,2}-\d{1,2})$")
_SPAN = re.compile(r"(?:19|20)\d{2}\s*年?\s*[—\-–~～至到]\s*(?:19|20)?\d{2}|(?:19|20)\d{2}\s*年\s*(?:以来|至今)|"
                   r"(?:近|过去|这)?[两三四五六七八九十]年(?:来|以来|间|中|法治|工作)|十[一二三四五六七]五")
_OPENING_YEAR = re.compile(r"^\s*(?:在)?((?:19|20)\d{2})\s*年度?\s*[,，、]")
_REPORTING_YEAR = re.compile(r"现将.{0,20}?((?:19|20)\d{2})\s*年度?|((?:19|20)\d{2})\s*年度?[^。,，]{0,12}法治政府建设")
_HEADING = re.compile(r"^[一二三四五六七八九十]+、")
_YEARBOOK_LEAD = re.compile(r"^【[^】]{2,12}】\s*((?:19|20)\d{2})\s*年")
_TAG = re.compile(r"^【([^】]{2,8})】\s*")
_DOC_NOUN = re.compile(DOC_NOUN)  # the kind words a title ends with, as the cleaner splits titles
_PLAN_NOUNS = {"方案", "要点", "规划", "计划", "通知", "意见", "决定", "办法"}
_NEWS_MARKS = re.compile(r"(日报|晚报|商报|新闻网|记者|通讯员|本报讯|融媒体|电视台|综述)")
_TITLE_END = re.compile(DOC_NOUN + r"[》)）]?$")  # the second line of a title split over two ends so
_CRUMB_MARKS = re.compile(r"(?:>>|->|[>＞»›〉→])")
# a 公文's letterhead (红头: "XX市人民政府文件") and its 文号 ("X府〔2024〕8号") stand above the title
_LETTERHEAD = re.compile(r"^(?P<org>[\u4e00-\u9fff][\u4e00-\u9fff 、]{1,40}?)\s*文件$")
_WENHAO = re.compile(r"^(?=\S)(?:[\u4e00-\u9fff]{1,12}\s*[〔\[［(（【]\s*\d{4}\s*[〕\]］)）】]\s*第?\s*\d{1,4}\s*号)?\s*"
                     r"(?:签发人\s*[:：]\s*[\u4e00-\u9fff ]{2,12})?$")  # 上行文: "X政报〔2024〕5号  签发人:某某"
_ATTACHMENT = re.compile(r"^附\s*件\s*\d{0,2}\s*[:：]?$")  # a report sent as the attachment of a letter
# "常德日报 | 2024-02-27 08:10 | 记者 胡晓": a byline of cells, one a date (and time)
_STAMP_CELL = re.compile(r"^\d{4}\s*[-年./]\s*\d{1,2}\s*[-月./]\s*\d{1,2}\s*日?(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?$")
_OUTLET_CELL = re.compile(r"^(?!记者|作者|编辑|责任编辑|通讯员|来源)[\u4e00-\u9fff]{2,20}$")
# "中共某县委 某县人民政府关于…的报告": the issuers a title names before its 关于
_ISSUER_IN_TITLE = re.compile(r"^(?P<org>[\u4e00-\u9fff][\u4e00-\u9fff 、]{2,60}?(?:政府|委员会|委|办公室|局|厅|院|办))\s*关于")
_REPORT_NOUNS = {"报告", "总结", "白皮书"}
_LAST_YEAR = re.compile(r"去年(?!以来|同期|同比)")
# an explainer of another document: 【图解】…, 一图读懂丨…, 图说…
_READING_TAGS = ("解读", "图解", "读懂", "看懂")
_ILLUSTRATED = re.compile(r"^(?:一图|图解|图说|读懂|看懂|速览)")
# a line that is only an institution's name (the issuer under a title or above its 关于)
_INSTITUTION = re.compile(r"^(?P<org>[\u4e00-\u9fff][\u4e00-\u9fff 、]{2,40}?(?:政府|委员会|委|办公室|局|厅|院|办))$")
_BYLINE_MARKS = re.compile(r"(记者|通讯员|本报讯|\d{1,2}\s*月\s*\d{1,2}\s*日\s*讯)")
# spaces inside a title: letter spacing and wrap gaps (平 遥 县, 情况的 报告) go; the one space between
# the two phrases of a headline (依法行政跑出加速度 柳州…) stays
_SPACED = re.compile(r"(?<=[\u4e00-\u9fff\d])\s+(?=[\u4e00-\u9fff\d])")
_RUN = r"[\u4e00-\u9fff\d]{6}"


def extract(doc: Document) -> Document:
    """Fill the metadata fields of a cleaned document in place and return it."""
    lines = [line for line in doc.text.split("\n") if line.strip()]
    tag, title_lines = _read_title(doc, lines)
    body = _body(lines, doc.title, title_lines)
    _read_dates(doc, lines)
    signature, signed = _signature(lines)
    if signed:  # the document's own date line outranks the site's 成文日期
        doc.signed = signed
        _note(doc, "signed", "signature", "high")
    repaired = [spam.repair(line, _spans_in(doc, line)) for line in signature]
    doc.issuer = "、".join(repaired)
    if doc.issuer:
        _note(doc, "issuer", "signature", "high")
    else:
        _issuer_from_top(doc, lines)
    doc.doc_type = _doc_type(doc, lines, tag)
    _note(doc, "doc_type", "title" if doc.provenance["title"]["source"] in STRONG_SOURCES else "body", "medium")
    _read_year(doc, body)
    strong_title = doc.provenance["title"]["source"] in STRONG_SOURCES
    read_region(doc, doc.title if strong_title else "", body, repaired)
    return doc


def _read_title(doc: Document, lines: list[str]) -> tuple[str, list[str]]:
    """The document's own title line (or its header's 标题), without a CMS page title's column and
    site names and joined when split over two lines; returns a leading 【tag】 if any and the lines
    the title was read from."""
    title, source, used = doc.header.get("标题", ""), "header", []
    if not title:
        top = [i for i, line in enumerate(lines[:8]) if not _above_title(line)]
        index = next((i for i in top[:4] if _looks_like_title(lines[i])), None)
        later = next((i for i in top[:4] if index is not None and i > index + 1 and _TITLE_END.search(lines[i])
                      and _looks_like_title(lines[i])), None)
        if index is not None and later is not None and _INSTITUTION.match(lines[index]):
            index = later  # a site's or office's name above the page's own heading ("溧阳市人民政府")
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


def _above_title(line: str) -> bool:
    """Lines a 公文 sets above its title: letterhead, 文号 (and 签发人), 附件 label."""
    return bool(_LETTERHEAD.match(line) or _WENHAO.match(line) or _ATTACHMENT.match(line))


def _looks_like_title(line: str) -> bool:
    return (len(line) <= 80 and not line.endswith(("。", ":", "：", ",", "，")) and not is_header_line(line)
            and not date_line(line) and not _byline(line) and len(_CRUMB_MARKS.findall(line)) < 2)


def _body(lines: list[str], title: str, title_lines: list[str] = ()) -> list[str]:
    """The lines after the title and header block: where the opening sentence is."""
    out = [line for line in lines if line.strip("《》 ") != title and line not in title_lines
           and not is_header_line(line) and not _byline(line) and not _above_title(line)]
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
    byline = next((found for line in lines[1:4] if (found := _byline(line))), None)
    if byline:  # "清水县人民政府 2024年01月08日", "常德日报 | 2024-02-27 08:10 | 记者 胡晓" under the title
        publisher = publisher or byline[0]
        if not doc.published:
            doc.published = iso_date(byline[1])
            _note(doc, "published", "header", "medium")
    doc.publisher = publisher
    if publisher:
        _note(doc, "publisher", "header", "high" if not byline else "medium")


def _byline(line: str) -> tuple[str, str] | None:
    """(outlet or office, date) of a byline under a title: "org date", or cells split by pipes or
    wide gaps of which one is a date (and time); None for any other line."""
    match = _BYLINE.match(line)
    if match:
        return match["org"], match["date"]
    if len(line) > 60 or "。" in line:
        return None
    cells = [c for c in re.split(r"\s*[|｜丨]\s*|\s{2,}|\u3000+", line) if c]
    date = next((c for c in cells if _STAMP_CELL.match(c)), "")
    if not date or len(cells) < 2:
        return None
    return next((c for c in cells if _OUTLET_CELL.match(c)), ""), date


def _signature(lines: list[str]) -> tuple[list[str], str]:
    """Issuer lines and signing date: a date line (in digits or 二〇二四年一月八日) preceded by
    institution lines, at the end of the document or, for a notice, after its short covering text;
    else a bare date line among the last three (the issuers then stand above the title)."""
    tail = range(len(lines) - 1, max(-1, len(lines) - 7), -1)
    head = range(min(len(lines), 15))
    bare = ""
    for index in [*tail, *head]:
        signed = date_line(lines[index])
        if not signed:
            continue
        issuers = []
        for line in reversed(lines[max(0, index - 3):index]):
            if len(line) > 30 or line.endswith(("。", ";", "；", ":", "：")) or date_line(line):
                break
            issuers.insert(0, line)
        if issuers:
            return issuers, signed
        if index >= len(lines) - 3:
            bare = bare or signed
    return [], bare


def _issuer_from_top(doc: Document, lines: list[str]) -> None:
    """An unsigned end: the issuers the title names before its 关于, a line under the title that is
    only an institution's name (a report read to the congress), or the letterhead's (XX文件)."""
    named = _ISSUER_IN_TITLE.match(doc.title) if doc.provenance["title"]["source"] in STRONG_SOURCES else None
    under = next((m for line in lines[1:5] if line not in doc.title and (m := _INSTITUTION.match(line))), None)
    letterhead = next((m for line in lines[:3] if (m := _LETTERHEAD.match(line))), None)
    found = named or under or letterhead
    if found:
        doc.issuer = "、".join(re.split(r"[\s、]+", found["org"].strip()))
        _note(doc, "issuer", "title" if named or under else "header", "high" if named else "medium")


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


def _read_year(doc: Document, body: list[str]) -> None:
    """Covered year, by evidence in order: title, opening, first section heading, yearbook lead;
    bounded by the posting/signing year (except for a plan, which covers a year to come); else
    inferred from those dates (weakly). Years in Chinese numerals (二〇二三年) count the same."""
    dates = (doc.published, doc.signed) if doc.doc_type != "plan" else ()
    bound = min((int(d[:4]) for d in dates if d), default=None)
    strong_title = doc.provenance["title"]["source"] in STRONG_SOURCES
    if strong_title and _SPAN.search(arabic(doc.title)):
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
