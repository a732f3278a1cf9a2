"""Split a cleaned document along its structure into paragraph chunks with heading paths.

Headings in these reports come as 一、 / (一) / 1、 / 一是, standalone or at the start of a
paragraph (the heading then runs to the first 。); news articles use short standalone lines.
Paragraphs are the unit; a long paragraph is split at sentence ends with a one-sentence overlap.
Each chunk's text is exactly the slice text[start:end] of the cleaned document.
"""
from __future__ import annotations

import hashlib
import re
from bisect import bisect_left
from collections import Counter

from rag.ingest.clean import is_header_line
from rag.ingest.frame import above_title, signature_at
from rag.types import Chunk, Document, Span

_NUM = "一二三四五六七八九十"
HEADING_LEVELS = [
    (1, re.compile(rf"^[{_NUM}]+、")),
    (2, re.compile(rf"^[((][{_NUM}]+[))]")),
    (3, re.compile(r"^\d{1,2}[、.．](?!\d)")),
]
# the label of a point inside a paragraph: 一是… 二是…, or (1)… (2)…, ①… ②…, 第一,… 第二,…
POINT_LABEL = rf"(?:[{_NUM}]+是|\(\d{{1,2}}\)|[①②③④⑤⑥⑦⑧⑨⑩]|第[{_NUM}](?=[,、是]))"
_POINT = re.compile(POINT_LABEL)
# a sentence ends at its mark (with the line break after it) or at a line's end: a table's caption and header
# row are sentences of their own, not the start of its first row's
_SENTENCE_END = re.compile(r"(?:[。!?;!?;](?![”’\"」』)])|[”’\"」』)](?<=[。!?!?][”’\"」』)]))\n?|\n")
_MAX_HEADING = 40


def heading_of(line: str) -> tuple[int, str] | None:
    """(level, heading text) if the paragraph is or starts with a heading."""
    for level, pattern in HEADING_LEVELS:
        if pattern.match(line):
            first = re.split(r"[。::]", line, maxsplit=1)[0]
            if len(first) <= _MAX_HEADING or (first == line and len(line) <= 2 * _MAX_HEADING):
                return level, first
            return None
    if len(line) <= 25 and not re.search(r"[。;;!?!?::,,]$", line) and not re.match(r"^\d{4}年", line):
        return 1, line  # a short standalone line: a section title (news style) or a signature
    return None


def sentence_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence boundaries inside text[start:end] as absolute offsets."""
    spans, cursor = [], start
    for match in _SENTENCE_END.finditer(text, start, end):
        spans.append((cursor, match.end()))
        cursor = match.end()
    if cursor < end:
        spans.append((cursor, end))
    return spans


def _pieces(text: str, start: int, end: int, max_chars: int) -> list[tuple[int, int]]:
    """Sentence-aligned pieces of at most ~max_chars, each starting with the previous piece's last
    sentence when that sentence is short (the overlap)."""
    if end - start <= max_chars:
        return [(start, end)]
    sentences: list[tuple[int, int]] = []
    for s, e in sentence_spans(text, start, end):
        while e - s > max_chars:  # a run-on sentence: cut at a comma, else hard
            cut = max((m.end() for m in re.finditer(r"[,,、]", text[s: s + max_chars])), default=max_chars)
            sentences.append((s, s + cut))
            s += cut
        sentences.append((s, e))
    pieces: list[tuple[int, int]] = []
    current: list[tuple[int, int]] = []
    for sentence in sentences:
        if current and sentence[1] - current[0][0] > max_chars:
            pieces.append((current[0][0], current[-1][1]))
            last = current[-1]
            current = [last] if last[1] - last[0] <= max_chars // 3 else []
        current.append(sentence)
    pieces.append((current[0][0], current[-1][1]))
    return pieces


# a statistics table as loaders and rag/ingest/tables.py write it: its caption, "a | b" rows, and rows read as
# sentences ("法律援助案件:2023年892件,2022年815件。")
_CAPTION = re.compile(r"^(?:续?表\s*[\d一二三四五六七八九十]+|附表)")
_ROW_SENTENCE = re.compile(r"^[^。::]{1,40}:[^。]*\d[^。]*。$")


def _table_row(line: str) -> bool:
    """A table row: cells joined by " | ", or read as one sentence (never a heading or a numbered point)."""
    return " | " in line or (len(line) <= 160 and bool(_ROW_SENTENCE.match(line)) and heading_of(line) is None
                             and not _POINT.match(line))


def _table_blocks(lines: list[str]) -> dict[int, int]:
    """First line -> last line of each table: a caption or row followed by at least one more row. A
    table is one paragraph: its rows are chunked together under the section it stands in, and its
    caption is no heading."""
    blocks, number = {}, 0
    while number < len(lines):
        end = number + 1 if _CAPTION.match(lines[number]) or _table_row(lines[number]) else number
        while end < len(lines) and _table_row(lines[end]):
            end += 1
        rows = end - number - (1 if _CAPTION.match(lines[number]) else 0)
        if end > number + 1 and rows >= 2:
            blocks[number] = end - 1
            number = end
        else:
            number += 1
    return blocks


def chunk_document(doc: Document, max_chars: int = 320) -> list[Chunk]:
    text = doc.text
    lines = text.split("\n")
    tables = _table_blocks(lines)
    inside_table = -1  # the last line of the table being chunked
    signed = signature_at(lines)
    signature_from, signature_to = (signed[0], signed[1]) if signed else (-1, -1)
    path: dict[int, str] = {}
    chunks: list[Chunk] = []
    emit = _Emitter(doc, chunks)
    offset = 0
    for number, line in enumerate(lines):
        start, end = offset, offset + len(line)
        offset = end + 1
        if number == signature_from:  # issuer lines and date: one closing chunk under 落款
            emit(start, sum(len(line) + 1 for line in lines[:signature_to + 1]) - 1, ["落款"])
            continue
        if signature_from < number <= signature_to:
            continue  # inside the signature; an attachment printed after it is chunked as text
        if number == 0 and len(line) <= 80 and not line.endswith("。"):
            # title (and the page's header fields, if any): one chunk about the document itself; a 公文's
            # letterhead and 文号 above its title belong to it
            title_at = next((i for i in range(min(4, len(lines))) if not above_title(lines[i])), 0)
            for following in lines[1:title_at + 1]:
                end += 1 + len(following)
            if len(lines) > title_at + 1 and is_header_line(lines[title_at + 1]):
                end += 1 + len(lines[title_at + 1])
            emit(start, end, ["文档信息"])
            continue
        if chunks and chunks[-1].end >= end:
            continue  # already inside the document-information chunk
        if number <= inside_table:
            continue  # a row of the table chunked with its first line
        if number in tables:
            inside_table = tables[number]
            end = start + len("\n".join(lines[number:inside_table + 1]))
        heading = heading_of(line) if number not in tables else None
        if heading:
            level, title = heading
            path = {k: v for k, v in path.items() if k < level}
            path[level] = title
            if len(line) <= len(title) + 1:
                continue  # a heading-only line lives on in the heading paths that follow
        points = [(m.start(), m.end()) for m in _POINT.finditer(text, start, min(end + 40, len(text)))]
        for piece_start, piece_end in _pieces(text, start, end, max_chars):
            trail = [path[k] for k in sorted(path)]
            point = _point_title(text, points, piece_start)
            if point and point not in trail[-1:]:
                trail.append(point)
            emit(piece_start, piece_end, trail)
    return chunks


class _Emitter:
    """Appends chunks whose ids hash doc_id, text and occurrence: stable across re-ingests and renames,
    unique across documents. Occurrences and flags are looked up, not rescanned: linear in length."""

    def __init__(self, doc: Document, chunks: list[Chunk]) -> None:
        self.doc, self.chunks, self.seen = doc, chunks, Counter()
        self.flags = sorted(doc.flags, key=lambda f: f.start)
        self.starts = [f.start for f in self.flags]
        self.longest = max((f.end - f.start for f in self.flags), default=0)

    def __call__(self, start: int, end: int, trail: list[str]) -> None:
        piece = self.doc.text[start:end]
        occurrence = self.seen[piece]
        self.seen[piece] += 1
        digest = hashlib.sha1(f"{self.doc.doc_id}\x00{piece}\x00{occurrence}".encode()).hexdigest()[:16]
        self.chunks.append(Chunk(digest, self.doc.doc_id, piece, start, end, " > ".join(trail), len(self.chunks),
                                 self._flags_in(start, end)))

    def _flags_in(self, start: int, end: int) -> list[Span]:
        near = self.flags[bisect_left(self.starts, start - self.longest):bisect_left(self.starts, end)]
        return [f for f in near if f.start < end and f.end > start]


def _point_title(text: str, points: list[tuple[int, int]], piece_start: int) -> str:
    """The last 一是/二是 point of the paragraph (its `points`) that starts at or before this piece,
    ending within 40 characters after the piece's start; its first clause."""
    found = [p for p in points if p[1] <= piece_start + 40]
    if not found:
        return ""
    begin = found[-1][0]
    tail = text[begin: min(piece_start + 80, begin + 4 * _MAX_HEADING)]
    return re.split(r"[。;;,,]", tail, maxsplit=1)[0][:_MAX_HEADING]
