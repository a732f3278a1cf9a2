"""Positioned text of PDF pages -> plain text with one paragraph a line.

Any extractor that can say where each piece of text sits (x0, x1, top, bottom, in any unit) feeds
`pages_to_text`: pieces become rows (table cells on one row are joined with " | "), running page
headers/footers and page numbers are dropped, and rows are rejoined into paragraphs across line
wraps and page breaks. Geometry decides first (indented first lines, short last lines, centred or
right-aligned lines); sentence-final punctuation decides when the document does not indent.
"""
from __future__ import annotations

import re
import statistics
import unicodedata
from dataclasses import dataclass

PAGE_NUMBER = re.compile(
    r"^(?:第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?|共\s*\d+\s*页\s*第\s*\d+\s*页|[-—–－]\s*\d+\s*[-—–－]"
    r"|\d+\s*/\s*\d+|\d+|page\s*\d+(?:\s*of\s*\d+)?)$", re.I)
HEADING = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十\d]+[)）]|\d{1,2}[、．.](?!\d)"
                     r"|第[一二三四五六七八九十]+[章节部分条])")
SENTENCE_END = ("。", "！", "？", "!", "?", "…", "”。", "。”")
_CELL_GAP = 1.5  # ems of white space between two pieces of one row that make them two cells
_EDGE_ROWS = 2  # rows at the top and at the bottom of a page where running headers/footers sit


@dataclass
class Piece:
    text: str
    x0: float
    x1: float
    top: float  # distance from the top of the page (grows downwards)
    bottom: float


@dataclass
class Row:
    text: str
    x0: float
    x1: float
    height: float
    cells: int = 1


def fix_radicals(text: str) -> str:
    """Some PDF fonts map ideographs to Kangxi radicals (⼀ U+2F00 …); NFKC maps them back."""
    return "".join(unicodedata.normalize("NFKC", c) if "\u2e80" <= c <= "\u2fdf" else c for c in text)


def rows_of(pieces: list[Piece]) -> list[Row]:
    """Group pieces whose vertical extents overlap into rows, top to bottom, left to right."""
    rows: list[list[Piece]] = []
    for piece in sorted((p for p in pieces if p.text.strip()), key=lambda p: (p.top, p.x0)):
        middle = (piece.top + piece.bottom) / 2
        if rows and rows[-1][0].top <= middle <= rows[-1][0].bottom:
            rows[-1].append(piece)
        else:
            rows.append([piece])
    return [_join_row(sorted(row, key=lambda p: p.x0)) for row in rows]


def _lead(text: str, height: float) -> float:
    """Width of the leading blanks some documents indent with (U+3000 is one em wide)."""
    blanks = text[:len(text) - len(text.lstrip(" \t\u3000"))]
    return sum(height if c == "\u3000" else height / 2 for c in blanks)


def _join_row(pieces: list[Piece]) -> Row:
    height = max(p.bottom - p.top for p in pieces)
    x0 = pieces[0].x0 + _lead(pieces[0].text, height)
    text, cells = pieces[0].text.strip(), 1
    for left, right in zip(pieces, pieces[1:]):
        gap = right.x0 - left.x1
        if gap > _CELL_GAP * height:
            text, cells = f"{text} | {right.text.strip()}", cells + 1
        else:
            text = (" " if gap > 0.2 * height else "").join(_glue(text, right.text.strip()))
    return Row(fix_radicals(text.strip(" \t\u3000")), x0, pieces[-1].x1, height, cells)


def _glue(left: str, right: str) -> list[str]:
    """The two texts to join with a space, or one text when no space belongs between them: only
    Latin words get a space (a number wrapped over two lines is one number)."""
    latin = left[-1:].isascii() and left[-1:].isalpha() and right[:1].isascii() and right[:1].isalpha()
    return [left, right] if latin else [left + right]


def drop_running(pages: list[list[Row]]) -> list[list[Row]]:
    """Remove page numbers and rows repeated at the top or bottom of most pages. A repeat set in a
    larger size than the others (the title on page one when the running header repeats it) stays."""
    def key(row: Row) -> str:
        return re.sub(r"\d+", "#", row.text.replace(" ", ""))

    def edges(rows: list[Row]) -> list[Row]:
        return rows[:_EDGE_ROWS] + rows[-_EDGE_ROWS:]

    pages_with: dict[str, int] = {}
    smallest: dict[str, float] = {}
    for rows in pages:
        for row in edges(rows):
            smallest[key(row)] = min(smallest.get(key(row), row.height), row.height)
        for k in {key(r) for r in edges(rows)}:
            pages_with[k] = pages_with.get(k, 0) + 1
    threshold = max(2, 0.6 * len(pages))

    def running(row: Row) -> bool:
        k = key(row)
        return bool(PAGE_NUMBER.match(row.text)) or (pages_with[k] >= threshold
                                                     and row.height <= 1.15 * smallest[k])

    kept = []
    for rows in pages:
        edge = {id(r) for r in edges(rows)}
        kept.append([r for r in rows if id(r) not in edge or not running(r)])
    return kept


def rejoin(rows: list[Row]) -> list[str]:
    """Paragraphs from wrapped rows: a row continues the previous one unless geometry (an indented
    first line, a short last line, another font size), a heading, a table row or (in documents that
    do not indent) sentence-final punctuation says otherwise."""
    if not rows:
        return []
    body = [r for r in rows if r.cells == 1]
    em = statistics.median(r.height for r in body or rows)
    left = min(statistics.multimode(round(r.x0 / em) for r in body or rows)) * em
    right = sorted(r.x1 for r in body or rows)[int(0.9 * (len(body or rows) - 1))]

    def indented(row: Row) -> bool:
        return row.x0 > left + 0.8 * em

    def short(row: Row) -> bool:
        return row.x1 < right - 1.5 * em

    starts = [b for a, b in zip(rows, rows[1:]) if short(a) and b.cells == 1]
    uses_indent = bool(starts) and sum(map(indented, starts)) >= 0.5 * len(starts)
    paragraphs = [rows[0].text]
    for before, row in zip(rows, rows[1:]):
        resized = abs(before.height - row.height) > 0.2 * min(before.height, row.height)
        breaks = (indented(row) or short(before) or resized or before.cells > 1 or row.cells > 1
                  or bool(HEADING.match(row.text)) or bool(HEADING.match(before.text)) and short(before)
                  or (not uses_indent and before.text.endswith(SENTENCE_END)))
        if min(before.height, row.height) > 1.2 * em and not resized and not HEADING.match(row.text):
            breaks = False  # a title set large and wrapped (centred lines) is one paragraph
        if breaks:
            paragraphs.append(row.text)
        else:
            paragraphs[-1] = " ".join(_glue(paragraphs[-1], row.text))
    return paragraphs


def pages_to_text(pages: list[list[Piece]]) -> str:
    rows = [row for page in drop_running([rows_of(p) for p in pages]) for row in page]
    return "\n".join(p for p in rejoin(rows) if p.strip())
