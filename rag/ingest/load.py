"""Find report files and read them as text, whatever their encoding or markup."""
from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path

from charset_normalizer import from_bytes

from rag.errors import InputError

SUPPORTED = {".txt", ".md", ".html", ".htm"}
_CJK = re.compile(r"[\u4e00-\u9fff]")


def find_files(paths: list[Path]) -> list[Path]:
    """Expand files and directories (recursively) into the supported report files, sorted."""
    found: list[Path] = []
    for path in paths:
        if not path.exists():
            raise InputError(f"没有这个文件或目录: {path}")
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED)
        elif path.suffix.lower() in SUPPORTED:
            found.append(path)
        else:
            raise InputError(f"不支持的文件类型 {path.suffix or '(无扩展名)'}: {path} (支持 .txt .md .html)")
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


class _TextExtractor(HTMLParser):
    """HTML to text: block elements become line breaks, script/style are dropped."""

    BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article",
              "table", "ul", "ol", "title", "header", "footer", "td"}
    SKIP = {"script", "style", "noscript", "template"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in self.SKIP:
            self._skip += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self._skip = max(0, self._skip - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    parser = _TextExtractor()
    parser.feed(markup)
    parser.close()
    text = "".join(parser.parts)
    return re.sub(r"\n[ \t\u3000]*\n(\s*\n)+", "\n\n", html.unescape(text))


def read_file(path: Path) -> tuple[str, str]:
    """Read one report file as plain text; returns (text, encoding)."""
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise InputError(f"无法读取文件 {path}: {err.strerror or err}") from err
    if b"\x00" in raw[:4096] and not raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise InputError(f"不是文本文件: {path}")
    try:
        text, encoding = decode(raw)
    except InputError as err:
        raise InputError(f"{err}: {path}") from err
    if path.suffix.lower() in {".html", ".htm"} or re.match(r"\s*<(!doctype|html)", text[:200], re.I):
        text = html_to_text(text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise InputError(f"文件是空的: {path}")
    return text, encoding
