"""A brief as a Word document (.docx), from the brief's own Markdown so both say the same thing.

Only the Markdown a brief is made of: # headings, "- " bullets with **bold** labels, "| " tables,
"> " notes, numbered source lines and plain paragraphs. Text is written as text (python-docx escapes
it); citation markers [n] stay as they are, so a reader of the Word file finds them in 来源.
"""
from __future__ import annotations

import re
from pathlib import Path

from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt

FONT = "SimSun"  # Word falls back to the reader's Chinese font when this one is missing
_BOLD = re.compile(r"\*\*(.+?)\*\*")


def write_docx(markdown: str, path: Path) -> Path:
    document = Document()
    normal = document.styles["Normal"]
    normal.font.size = Pt(10.5)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    table_rows: list[list[str]] = []
    for line in markdown.splitlines() + [""]:
        if line.startswith("|"):
            if not re.fullmatch(r"\|(?:-+\|)+", line.replace(" ", "")):
                table_rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
            continue
        if table_rows:
            _table(document, table_rows)
            table_rows = []
        _line(document, line)
    path = Path(path)
    document.save(str(path))
    return path


def _line(document, line: str) -> None:
    heading = re.match(r"(#{1,3}) (.*)", line)
    if heading:
        document.add_heading(heading[2], level=len(heading[1]) - 1 if len(heading[1]) > 1 else 0)
    elif line.startswith("- "):
        _runs(document.add_paragraph(style="List Bullet"), line[2:])
    elif line.startswith("> "):
        _runs(document.add_paragraph(style="Intense Quote"), line[2:])
    elif line.strip():
        _runs(document.add_paragraph(), line)


def _runs(paragraph, text: str) -> None:
    """Plain and **bold** runs."""
    for i, part in enumerate(_BOLD.split(text)):
        if part:
            paragraph.add_run(part).bold = i % 2 == 1


def _table(document, rows: list[list[str]]) -> None:
    width = max(len(r) for r in rows)
    table = document.add_table(rows=len(rows), cols=width)
    table.style = "Table Grid"
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            cell = table.cell(r, c)
            cell.text = ""
            _runs(cell.paragraphs[0], text)
            if r == 0:
                for run in cell.paragraphs[0].runs:
                    run.bold = True
