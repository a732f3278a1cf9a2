"""Read a Word .docx report with python-docx: paragraphs in order, tables as "cell | cell" rows.

The document's page headers and footers (letterheads, page numbers) are not part of the body and
are left out. An old binary .doc cannot be read; the user is told to save it as .docx.
"""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

from rag.errors import InputError

OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # compound file: Word 97-2003 .doc, or an encrypted .docx


def check_word_bytes(raw: bytes, path: Path) -> None:
    if raw.startswith(OLE_MAGIC):
        if path.suffix.lower() == ".doc":
            raise InputError(f"旧版 Word 文档(.doc)无法读取,请用 Word 或 WPS 另存为 .docx 后再导入: {path}")
        raise InputError(f"Word 文档已加密或是旧版 .doc 格式,请解除密码并另存为 .docx 后再导入: {path}")
    if raw.startswith(b"{\\rtf"):
        raise InputError(f"这是 RTF 文档,不是 .docx,请另存为 .docx 后再导入: {path}")
    if not raw.startswith(b"PK"):
        raise InputError(f"不是有效的 .docx 文件(可能已损坏): {path}")


def read_docx(path: Path, raw: bytes) -> str:
    check_word_bytes(raw, path)
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(raw))
        blocks = list(document.iter_inner_content())
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError, OSError) as err:
        raise InputError(f".docx 文件已损坏或不完整,无法读取: {path}") from err
    except Exception as err:  # lxml parse errors of a damaged part
        if type(err).__module__.startswith("lxml"):
            raise InputError(f".docx 文件已损坏或不完整,无法读取: {path}") from err
        raise
    lines: list[str] = []
    for block in blocks:
        lines += table_rows(block) if hasattr(block, "rows") else [_clean(block.text)]
    return "\n".join(line for line in lines if line)


def table_rows(table) -> list[str]:
    """One line per row; a merged cell (python-docx repeats it) is written once."""
    rows = []
    for row in table.rows:
        cells, seen = [], set()
        for cell in row.cells:
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            cells.append(_clean(" ".join(p.text for p in cell.paragraphs)))
        if any(cells):
            rows.append(" | ".join(cells))
    return rows


def _clean(text: str) -> str:
    """Soft line breaks and tabs inside a paragraph become spaces; edges are trimmed."""
    return " ".join(text.replace("\t", " ").replace("\v", " ").split("\n")).strip(" \u3000\xa0")
