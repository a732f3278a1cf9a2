"""Read a PDF report as plain text (one paragraph a line) with pypdfium2, or say clearly why not.

PDFium gives every run of text with its box; `pdflayout` turns the boxes into paragraphs, without
running headers, footers and page numbers. Chosen over pdfminer.six and pypdf by
bench/extractors.py (same accuracy on CJK, table cells kept in rows, many times faster).
"""
from __future__ import annotations

from pathlib import Path

from rag.errors import InputError
from rag.ingest.pdflayout import Piece, pages_to_text

MIN_CHARS_PER_PAGE = 10  # fewer visible characters than this on average: a scan without a text layer


def check_bytes(raw: bytes, path: Path) -> None:
    """Reject what is plainly not a whole PDF before a parser tries to repair it."""
    if b"%PDF-" not in raw[:1024]:
        raise InputError(f"不是有效的 PDF 文件(文件头缺失,可能已损坏): {path}")
    if b"%%EOF" not in raw[-2048:]:
        raise InputError(f"PDF 文件不完整(可能下载中断或已损坏): {path}")


def pdfium_pages(raw: bytes, path: Path) -> list[list[Piece]]:
    """Positioned text runs of every page."""
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(raw)
    except pdfium.PdfiumError as err:
        if "password" in str(err).lower() or "security" in str(err).lower():
            raise InputError(f"PDF 文件已加密,需要密码才能打开,请先解除加密: {path}") from err
        raise InputError(f"PDF 文件已损坏,无法读取: {path}") from err
    pages = []
    try:
        for page in document:
            height = page.get_height()
            textpage = page.get_textpage()
            pieces = []
            for index in range(textpage.count_rects()):
                left, bottom, right, top = textpage.get_rect(index)
                text = textpage.get_text_bounded(*_inside(left, bottom, right, top))
                pieces.append(Piece(text.replace("\r", " ").replace("\n", " "), left, right,
                                    height - top, height - bottom))
            pages.append(pieces)
    except pdfium.PdfiumError as err:
        raise InputError(f"PDF 文件已损坏,无法读取: {path}") from err
    finally:
        document.close()
    return pages


def _inside(left: float, bottom: float, right: float, top: float) -> tuple[float, float, float, float]:
    """The box pulled in a little on every side: Chromium prints one box per character and adjacent
    boxes overlap by a fraction of a point, so the whole box would read its neighbour too (法治思治思想)."""
    dx, dy = min(1.0, 0.2 * (right - left)), min(1.0, 0.2 * (top - bottom))
    return left + dx, bottom + dy, right - dx, top - dy


def read_pdf(path: Path, raw: bytes) -> str:
    check_bytes(raw, path)
    pages = pdfium_pages(raw, path)
    visible = sum(len("".join(p.text.split())) for page in pages for p in page)
    if not pages or visible < MIN_CHARS_PER_PAGE * len(pages):
        raise InputError(f"PDF 没有文字层(可能是扫描件),请先做文字识别: {path}")
    return pages_to_text(pages)
