"""Find report files and read them as text, whatever their encoding, markup or format.

Text, Markdown and HTML are decoded here; PDF and Word .docx are read by `pdf` and `office` into
the same plain text, one paragraph a line. Every file that cannot be read raises one InputError
that names the file and the reason, so a batch reports it and goes on.
"""
from __future__ import annotations

import re
from pathlib import Path

from charset_normalizer import from_bytes

from rag.errors import InputError
from rag.ingest.html import html_to_text
from rag.ingest.markdown import plain_text as markdown_text
from rag.ingest.office import read_docx
from rag.ingest.pdf import read_pdf

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".html", ".htm"}
SUPPORTED = TEXT_SUFFIXES | {".pdf", ".docx"}  # the formats read_file reads (upload, messages)
PICKED = SUPPORTED | {".doc"}  # taken from folders: a .doc is reported (save as .docx), not skipped
_CJK = re.compile(r"[\u4e00-\u9fff]")
__all__ = ["SUPPORTED", "PICKED", "find_files", "read_file", "decode", "html_to_text", "supported_text"]


def supported_text() -> str:
    return " ".join(sorted(SUPPORTED))


def find_files(paths: list[Path]) -> list[Path]:
    """Expand directories (recursively) into report files, sorted. Files named explicitly are kept
    whatever their extension: reading each one says what is wrong with it, file by file."""
    found: list[Path] = []
    for path in paths:
        if not path.exists():
            raise InputError(f"没有这个文件或目录: {path}")
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in PICKED
                            and not p.name.startswith(("~$", ".")))
        else:
            found.append(path)
    return found


def decode(raw: bytes) -> tuple[str, str]:
    """Decode bytes, returning (text, encoding). UTF-8 first, then the Chinese codecs, then detection."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8"), "utf-8-sig"
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return raw.decode("utf-16"), "utf-16"
    for encoding in ("utf-8", "gb18030"):  # gb18030 is a superset of GBK and GB2312
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding == "utf-8" or _looks_chinese(text):
            return text, encoding
    best = from_bytes(raw).best()
    if best is None:
        raise InputError("无法识别文件编码(不是文本文件?)")
    return str(best), best.encoding


def _looks_chinese(text: str) -> bool:
    """GB18030 decodes almost any byte string; accept it only if the result is mostly CJK text."""
    letters = [c for c in text if not c.isspace() and not c.isascii()]
    return bool(letters) and sum(bool(_CJK.match(c)) for c in letters) / len(letters) > 0.6


def read_file(path: Path) -> tuple[str, str]:
    """Read one report file as plain text; returns (text, encoding or format: 'pdf', 'docx')."""
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise InputError(f"无法读取文件 {path}: {err.strerror or err}") from err
    suffix = path.suffix.lower()
    if suffix == ".pdf" or raw.startswith(b"%PDF-"):
        text, kind = read_pdf(path, raw), "pdf"
    elif suffix in (".docx", ".doc") and not _is_markup(raw):
        text, kind = read_docx(path, raw), "docx"
    elif suffix in TEXT_SUFFIXES or suffix == ".doc":  # a .doc saved from a web page is HTML
        text, kind = _read_text(path, raw)
    else:
        raise InputError(f"不支持的文件类型 {suffix or '(无扩展名)'}: {path} (支持 {supported_text()})")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise InputError(f"文件是空的: {path}")
    return text, kind


def _is_markup(raw: bytes) -> bool:
    return bool(re.match(rb"\s*<(!doctype|html|\?xml)", raw[:200].lstrip(b"\xef\xbb\xbf"), re.I))


def _read_text(path: Path, raw: bytes) -> tuple[str, str]:
    if b"\x00" in raw[:4096] and not raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise InputError(f"不是文本文件: {path}")
    try:
        text, encoding = decode(raw)
    except InputError as err:
        raise InputError(f"{err}: {path}") from err
    if path.suffix.lower() in {".html", ".htm", ".doc"} or re.match(r"\s*<(!doctype|html)", text[:200], re.I):
        text = html_to_text(text)
    elif path.suffix.lower() in {".md", ".markdown"}:
        text = markdown_text(text)
    return text, encoding
