"""HTML to plain text: block elements become line breaks, data tables become "cell | cell" rows,
and page chrome elements (navigation, breadcrumbs, share bars, related links, page footers) are
dropped by their tag or their class/id, wherever a site puts them.

The header table of an article page (索引号 | … | 发布日期 | …) is a data table and stays, one row
a line, so the cleaner can read its fields as metadata.
"""
from __future__ import annotations

import html
import re
from html.parser import HTMLParser

BLOCKS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "main",
          "table", "ul", "ol", "title", "header", "footer", "dt", "dd", "blockquote", "pre", "hr"}
SKIP = {"script", "style", "noscript", "template", "select", "button", "svg"}
CHROME_TAGS = {"nav", "aside"}
PAGE_TAGS = {"header", "footer"}  # chrome at page level; an article's own <header> holds its title
CONTENT_TAGS = {"article", "main"}
CHROME_NAMES = re.compile(
    r"(?:^|[-_\s])(?:nav|navbar|navigation|menu|breadcrumbs?|crumbs?|bread|footer|foot|share|sharebar"
    r"|toolbar|tools|topbar|top-bar|location|position|dqwz|related|relate|xgwz|xglj|copyright|bqxx"
    r"|friend-?links?|yqlj|sidebar)(?:[-_\s\d]|$)", re.I)


# a CMS page title: "报告标题_栏目_网站名", "报告标题 - 网站名", "报告标题|栏目|网站名"; a "-" between digits
# (2021-2025年) or a "——" subtitle dash is part of the title
_TITLE_SEP = re.compile(r"\s*(?:[_|｜]|\s[-—–]\s|(?<=[\u4e00-\u9fff])[-–](?=[\u4e00-\u9fff])|"
                        r"(?<=[\u4e00-\u9fff\)）])—(?=[\u4e00-\u9fff])(?<!——)(?!—))\s*")


def split_page_title(title: str, known: tuple[str, ...] = ()) -> str:
    """A page's <title> without the column and site names a CMS appends to it. A title the page
    also shows (its <h1>, its ArticleTitle) is taken whole; otherwise the suffix segments are cut
    when each is short, as column and site names are."""
    title = re.sub(r"\s+", " ", title).strip()
    for candidate in known:
        candidate = re.sub(r"\s+", " ", candidate).strip()
        if len(candidate) >= 6 and title.startswith(candidate) and _TITLE_SEP.match(title, len(candidate)):
            return candidate
    parts = _TITLE_SEP.split(title)
    if len(parts) > 1 and len(parts[0]) >= 6 and all(0 < len(p) <= 25 for p in parts[1:]):
        return parts[0]
    return title


# <meta> fields government CMSs fill (TRS and its kin: PubDate, ContentSource, SiteName; Open Graph)
META_FIELDS = {"pubdate": "发布时间", "publishdate": "发布时间", "firstpublishedtime": "发布时间",
               "article:published_time": "发布时间", "contentsource": "来源", "sitename": "网站",
               "og:site_name": "网站"}
_SITE = re.compile(r"(网|网站|门户|政府|人民政府|委员会|局|办公室)$")


def page_site(page_title: str, title: str) -> str:
    """The site a page's <title> names after the report's own title ("…报告_政务公开_某区人民政府"
    -> 某区人民政府), '' when nothing after it names a site."""
    page_title = re.sub(r"\s+", " ", page_title).strip()
    if title == page_title or not page_title.startswith(title):
        return ""
    last = _TITLE_SEP.split(page_title[len(title):])[-1].strip()
    return last if _SITE.search(last) else ""


def _span(value: str | None) -> int:
    """A colspan/rowspan attribute as a count of 1..50 (bad or absent values are 1)."""
    return min(50, max(1, int(value))) if value and value.strip().isdigit() else 1


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.sinks: list[list[str]] = [[]]  # innermost last: the page, then open table cells
        self.rows: list[list[tuple[str, int, int]]] = []  # (text, colspan, rowspan) of the open row of each open table
        self.spans: list[tuple[int, int]] = []  # (colspan, rowspan) of each open cell
        self.below: list[dict[int, list]] = []  # per open table: column -> [text, rows left] of cells spanning down
        self.skip: list[tuple[str, int]] = []  # (tag, nesting) of the chrome element being dropped
        self.content = 0
        self.title: list[str] | None = None  # the <title> text while it is open
        self.title_slot = -1  # where the page title goes in the page sink
        self.page_title = ""
        self.known_titles: list[str] = []  # <meta name="ArticleTitle">, <h1> texts
        self.meta_fields: dict[str, str] = {}  # header fields from <meta> tags, shown under the title
        self.h1: list[str] | None = None

    def handle_starttag(self, tag: str, attrs) -> None:
        if self.skip:
            if tag == self.skip[-1][0]:
                self.skip[-1] = (tag, self.skip[-1][1] + 1)
            return
        if tag == "meta":
            attr = dict(attrs)
            name = (attr.get("name") or attr.get("property") or "").lower()
            if name in ("articletitle", "title") and attr.get("content"):
                self.known_titles.append(attr["content"])
            elif name in META_FIELDS and (attr.get("content") or "").strip():
                self.meta_fields.setdefault(META_FIELDS[name], html.unescape(attr["content"]).strip())
            return
        if tag == "title" and self.title_slot < 0:
            self.title, self.title_slot = [], len(self.sinks[0]) + 1
            self.sinks[0] += ["\n", "", "\n"]
            return
        names = " ".join(v or "" for k, v in attrs if k in ("class", "id"))
        if (tag in SKIP or tag in CHROME_TAGS or (tag in PAGE_TAGS and not self.content)
                or (names and CHROME_NAMES.search(names))):
            self.skip.append((tag, 1))
            return
        self.content += tag in CONTENT_TAGS
        if tag == "h1":
            self.h1 = []
        if tag == "table":
            self.below.append({})
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self.sinks.append([])
            attr = dict(attrs)
            self.spans.append((_span(attr.get("colspan")), _span(attr.get("rowspan"))))
        elif tag in BLOCKS:
            self.sinks[-1].append("\n")

    def handle_endtag(self, tag: str) -> None:
        if self.skip:
            if tag == self.skip[-1][0]:
                name, depth = self.skip.pop()
                if depth > 1:
                    self.skip.append((name, depth - 1))
            return
        if tag == "title" and self.title is not None:
            self.page_title, self.title = "".join(self.title), None
            return
        if tag == "h1" and self.h1 is not None:
            self.known_titles.append("".join(self.h1))
            self.h1 = None
        self.content -= tag in CONTENT_TAGS and self.content > 0
        if tag in ("td", "th") and len(self.sinks) > 1:
            cell = "".join(self.sinks.pop())
            spans = self.spans.pop() if self.spans else (1, 1)
            if self.rows:
                self.rows[-1].append((cell, *spans))
            else:
                self.sinks[-1].append(cell)
        elif tag == "tr" and self.rows:
            self._flush_row(self._grid_row(self.rows.pop()))
        elif tag == "table" and self.below:
            self.below.pop()
        elif tag in BLOCKS:
            self.sinks[-1].append("\n")

    def _grid_row(self, cells: list[tuple[str, int, int]]) -> list[str]:
        """A data row's cells in the table's grid: a short cell merged across columns (colspan) or down
        rows (rowspan) stands in each column and row it covers, so "行政复议 | 依法受理 | 51 | 件" keeps
        its category and every row lines up with the header. A row of one merged cell (a note under
        the table) stays one cell; paragraphs of a layout table are never repeated."""
        below = self.below[-1] if self.below else {}
        out: list[str] = []

        def fill() -> None:
            while len(out) in below:
                text, left = below[len(out)]
                out.append(text)
                if left <= 1:
                    del below[len(out) - 1]
                else:
                    below[len(out) - 1][1] = left - 1

        for text, colspan, rowspan in cells:
            fill()
            plain = re.sub(r"[ \t\u3000\xa0]+", " ", text).strip()
            short = "\n" not in plain and len(plain) <= 20
            repeat = colspan if short and len(cells) > 1 else 1
            for _ in range(repeat):
                if rowspan > 1 and short:
                    below[len(out)] = [text, rowspan - 1]
                out.append(text)
        fill()
        return out

    def _flush_row(self, cells: list[str]) -> None:
        """A row of plain cells is one 'a | b' line; a layout row (cells holding paragraphs) stays
        one block per cell."""
        texts = [re.sub(r"[ \t\u3000\xa0]+", " ", c).strip() for c in cells]
        if any("\n" in t for t in texts):
            self.sinks[-1].append("\n" + "\n".join(texts) + "\n")
        elif any(texts):  # an empty cell inside the row keeps its place, so cells stay under their column
            while texts and not texts[-1]:
                texts.pop()
            self.sinks[-1].append("\n" + " | ".join(texts if texts[0] else [t for t in texts if t]) + "\n")

    def handle_data(self, data: str) -> None:
        if self.title is not None:
            self.title.append(data)
        elif not self.skip:
            self.sinks[-1].append(data)
            if self.h1 is not None:
                self.h1.append(data)

    def text(self) -> str:
        while len(self.sinks) > 1:  # cells never closed
            cell = "".join(self.sinks.pop())
            self.sinks[-1].append(cell)
        for row in reversed(self.rows):
            self._flush_row(self._grid_row(row))
        if self.title_slot >= 0:
            known = tuple(html.unescape(t) for t in self.known_titles)
            page_title = html.unescape(self.page_title)
            title = split_page_title(page_title, known)
            fields = dict(self.meta_fields)
            site = page_site(page_title, title)  # kept as a header field: it may name the region
            if site:
                fields.setdefault("网站", site)
            self.sinks[0][self.title_slot] = title + "".join(f"\n{key}: {value}" for key, value in fields.items())
        return "".join(self.sinks[0])


def html_to_text(markup: str) -> str:
    parser = _TextExtractor()
    parser.feed(markup)
    parser.close()
    return re.sub(r"\n[ \t\u3000]*\n(\s*\n)+", "\n\n", html.unescape(parser.text()))
