"""The frame around a document's body, read as a person reads a page: the title (a 公文's letterhead,
文号, 签发人 and 附件 label set aside; a CMS title's column and site cut; a title wrapped over two
lines joined), the byline and header fields under it (posting date, publisher), and the signature
at the end (issuers and signing date) — or, when the end is unsigned, the issuers the title or the
letterhead names.
"""
from __future__ import annotations

import re

from rag.ingest.clean import DOC_NOUN, NO_SOURCE, is_header_line
from rag.ingest.dates import date_line, iso_date
from rag.ingest.html import split_page_title
from rag.ingest.place import note as _note
from rag.types import Document, Span

STRONG_SOURCES = {"title", "header", "sidecar", "user"}  # a year from these may ground a refusal
_BYLINE = re.compile(r"^(?P<org>[\u4e00-\u9fff]{2,30}?)\s*(?P<date>\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|\d{4}-\d{1,2}-\d{1,2})$")
_TAG = re.compile(r"^【([^】]{2,8})】\s*")
_TITLE_END = re.compile(DOC_NOUN + r"[》)）]?$")  # the second line of a title split over two ends so
_CRUMB_MARKS = re.compile(r"(?:>>|->|[>＞»›〉→])")
# a 公文's letterhead (红头: "XX市人民政府文件") and its 文号 ("X府〔2024〕8号") stand above the title
_LETTERHEAD = re.compile(r"^(?P<org>[\u4e00-\u9fff][\u4e00-\u9fff 、]{1,40}?)\s*文件$")
_WENHAO = re.compile(r"^(?=\S)(?:[\u4e00-\u9fff]{1,12}\s*[〔\[［(（【]\s*\d{4}\s*[〕\]］)）】]\s*第?\s*\d{1,4}\s*号)?\s*"
                     r"(?:签发人\s*[:：]\s*[\u4e00-\u9fff ]{2,12})?$")  # 上行文: "X政报〔2024〕5号  签发人:某某"
_ATTACHED = re.compile(r"^附\s*件\s*\d{0,2}(?:\s*[:：]|$)")  # 附件 / 附件2: 统计表 — an attachment's label or list
_ATTACHMENT = re.compile(r"^附\s*件\s*\d{0,2}\s*[:：]?$")  # a report sent as the attachment of a letter
# "常德日报 | 2024-02-27 08:10 | 记者 胡晓": a byline of cells, one a date (and time)
_STAMP_CELL = re.compile(r"^\d{4}\s*[-年./]\s*\d{1,2}\s*[-月./]\s*\d{1,2}\s*日?(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?$")
_OUTLET_CELL = re.compile(r"^(?!记者|作者|编辑|责任编辑|通讯员|来源)[\u4e00-\u9fff]{2,20}$")
# "中共某县委 某县人民政府关于…的报告": the issuers a title names before its 关于
_ISSUER_IN_TITLE = re.compile(r"^(?P<org>[\u4e00-\u9fff][\u4e00-\u9fff 、]{2,60}?(?:政府|委员会|委|办公室|局|厅|院|办))\s*关于")
# a line that is only an institution's name (the issuer under a title or above its 关于)
_INSTITUTION = re.compile(r"^(?P<org>[\u4e00-\u9fff][\u4e00-\u9fff 、]{2,40}?(?:政府|委员会|委|办公室|局|厅|院|办))$")
# spaces inside a title: letter spacing and wrap gaps (平 遥 县, 情况的 报告) go; the one space between
# the two phrases of a headline (依法行政跑出加速度 柳州…) stays
_SPACED = re.compile(r"(?<=[\u4e00-\u9fff\d])\s+(?=[\u4e00-\u9fff\d])")
_RUN = r"[\u4e00-\u9fff\d]{6}"


def read_title(doc: Document, lines: list[str]) -> tuple[str, list[str]]:
    """The document's own title line (or its header's 标题), without a CMS page title's column and
    site names and joined when split over two lines; returns a leading 【tag】 if any and the lines
    the title was read from."""
    title, source, used = doc.header.get("标题", ""), "header", []
    if not title:
        top = [i for i, line in enumerate(lines[:8]) if not above_title(line)]
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


def above_title(line: str) -> bool:
    """Lines a 公文 sets above its title: letterhead, 文号 (and 签发人), 附件 label."""
    return bool(_LETTERHEAD.match(line) or _WENHAO.match(line) or _ATTACHMENT.match(line))


def _looks_like_title(line: str) -> bool:
    return (len(line) <= 80 and not line.endswith(("。", ":", "：", ",", "，")) and not is_header_line(line)
            and not date_line(line) and not _byline(line) and len(_CRUMB_MARKS.findall(line)) < 2)


# whom a report is addressed to (省委依法治省办: / 市人大常委会、市政府:); an opening sentence that ends
# with a colon (…现将有关情况报告如下:) is not one
_SALUTATION = re.compile(r"^[^,，。;；]{1,40}[:：]$")


def body_lines(lines: list[str], title: str, title_lines: list[str] = ()) -> list[str]:
    """The lines after the title and header block: where the opening sentence is."""
    out = [line for line in lines if line.strip("《》 ") != title and line not in title_lines
           and not is_header_line(line) and not _byline(line) and not above_title(line)]
    return [line for line in out if not _SALUTATION.match(line)][:40]


def read_dates(doc: Document, lines: list[str]) -> None:
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


def signature(lines: list[str]) -> tuple[list[str], str]:
    """Issuer lines and signing date: a date line (in digits or 二〇二四年一月八日) preceded by
    institution lines, at the end of the document or, for a notice, after its short covering text;
    else a bare date line among the last three (the issuers then stand above the title)."""
    found = signature_at(lines, closing_only=False)
    if found:
        first, index, signed = found
        return lines[first:index], signed
    bare = next((signed for index in range(len(lines) - 1, max(-1, len(lines) - 4), -1)
                 if (signed := date_line(lines[index]))), "")
    return [], bare


def signature_at(lines: list[str], closing_only: bool = True) -> tuple[int, int, str] | None:
    """(first issuer line, date line, ISO date) of a signature: issuer lines over a date line at the
    end of the document, or just above an attachment printed after it (附件:…统计表 and its table);
    unless `closing_only`, also a notice's signature under its short covering text near the top."""
    tail = range(len(lines) - 1, max(-1, len(lines) - 7), -1)
    appended = [i for i in range(len(lines) // 2, len(lines)) if _ATTACHED.match(lines[i])]
    before_attachment = range(appended[-1] - 1, max(-1, appended[-1] - 7), -1) if appended else range(0)
    head = range(0) if closing_only else range(min(len(lines), 15))
    for index in [*tail, *before_attachment, *head]:
        signed = date_line(lines[index])
        if not signed:
            continue
        first = index
        while first > max(0, index - 3) and not _ends_issuers(lines[first - 1]):
            first -= 1
        if first < index:
            return first, index, signed
    return None


def _ends_issuers(line: str) -> bool:
    """A line above a signature that is no issuer: a sentence, a heading with a colon, a date, an attachment label."""
    return len(line) > 30 or line.endswith(("。", ";", "；", ":", "：")) or bool(date_line(line)) or bool(_ATTACHED.match(line))


def issuer_from_top(doc: Document, lines: list[str]) -> None:
    """An unsigned end: the issuers the title names before its 关于, a line under the title that is
    only an institution's name (a report read to the congress), or the letterhead's (XX文件)."""
    named = _ISSUER_IN_TITLE.match(doc.title) if doc.provenance["title"]["source"] in STRONG_SOURCES else None
    under = next((m for line in lines[1:5] if line not in doc.title and (m := _INSTITUTION.match(line))), None)
    letterhead = next((m for line in lines[:3] if (m := _LETTERHEAD.match(line))), None)
    found = named or under or letterhead
    if found:
        doc.issuer = "、".join(re.split(r"[\s、]+", found["org"].strip()))
        _note(doc, "issuer", "title" if named or under else "header", "high" if named else "medium")


def spans_in(doc: Document, line: str) -> list[Span]:
    offset = doc.text.rfind(line)
    return [Span(s.start - offset, s.end - offset, s.text, s.reason, s.replacement)
            for s in doc.flags if offset <= s.start and s.end <= offset + len(line)]
