"""Markdown as plain text: a report exported or saved as .md keeps its words, not its markup.

Headings lose their #, quotes their >, links and images their targets, emphasis its stars, and a
table's rows become "cell | cell" lines (its ---|--- rule dropped) like every loader's tables, so
rag/ingest/tables.py reads its figures. A star next to a digit is a masked figure (2*件), not emphasis.
"""
from __future__ import annotations

import re

_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$")
_QUOTE = re.compile(r"^\s{0,3}(?:>\s?)+")
_RULE = re.compile(r"^\s{0,3}([-*_])(?:\s*\1){2,}\s*$")
_FENCE = re.compile(r"^\s{0,3}(?:```|~~~)")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")
_BULLET = re.compile(r"^\s*[-*+]\s+")
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_EMPHASIS = re.compile(r"(?<![\d*])\*(?=[^\s*])([^*\n]+?)(?<=[^\s*])\*(?![\d*])")
_CODE = re.compile(r"`([^`\n]*)`")


def plain_text(markdown: str) -> str:
    out = []
    for line in markdown.split("\n"):
        if _FENCE.match(line) or _RULE.match(line) or _TABLE_RULE.match(line) and "-" in line:
            out.append("")
            continue
        line = _QUOTE.sub("", line)
        heading = _HEADING.match(line)
        if heading:
            line = heading[1]
        line = _BULLET.sub("", line)
        line = _LINK.sub(r"\1", _IMAGE.sub("", line))
        line = _CODE.sub(r"\1", _EMPHASIS.sub(r"\1", _STRONG.sub(r"\2", line)))
        line = re.sub(r"<br\s*/?>", "\n", line, flags=re.I)
        if line.strip().startswith("|") and line.strip().endswith("|") and line.count("|") >= 3:
            line = " | ".join(cell.strip() for cell in line.strip().strip("|").split("|"))
        out.append(line)
    return "\n".join(out)
