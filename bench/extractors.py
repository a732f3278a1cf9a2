"""Compare text extractors on self-made reports; prints and saves bench/results/extractors.json.

PDF: pypdfium2, pdfminer.six and pypdf feed the same layout step (rag.ingest.pdflayout) on PDFs
with running headers, page numbers, header tables and paragraphs wrapped over pages. Figures:
character accuracy of the final text vs the source, source paragraphs found whole, header-table
rows kept as "a | b" rows, running header/page-number lines left, seconds per document.
HTML: the previous html_to_text, today's html_to_text and trafilatura, each followed by the
cleaner, on government pages in three layouts; plus htmldate and trafilatura's dates. Figures:
chrome lines left, body lines lost, header fields the cleaner reads, dates found.

Run: .venv/bin/python bench/extractors.py
"""
from __future__ import annotations

import difflib
import io
import json
import logging
import re
import sys
import tempfile
import time
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
logging.getLogger("fontTools").setLevel(logging.ERROR)
logging.getLogger("trafilatura").setLevel(logging.ERROR)
logging.getLogger("htmldate").setLevel(logging.ERROR)

from rag.ingest import pdf as pdf_module  # noqa: E402
from rag.ingest.clean import clean, is_header_line  # noqa: E402
from rag.ingest.html import html_to_text  # noqa: E402
from rag.ingest.pdflayout import PAGE_NUMBER, Piece, pages_to_text  # noqa: E402
from tests import docmaker as dm  # noqa: E402

SPECS = [dm.GANGU, dm.WENJIANG, dm.ZHENHAI, dm.DEQING]
PDF_VARIANTS = [  # (spec, options)
    (dm.GANGU, {}),
    (dm.WENJIANG, {"indent": False, "page_numbers": "- {n} -"}),
    (dm.ZHENHAI, {"header_table": False, "running_header": dm.ZHENHAI.title}),
    (dm.DEQING, {"indent": False, "page_numbers": "{n}/{total}", "running_header": ""}),
]


# ---- PDF engines: positioned pieces of every page -------------------------------------------------
def pdfium_pieces(raw: bytes) -> list[list[Piece]]:
    return pdf_module.pdfium_pages(raw, Path("bench.pdf"))


def pdfminer_pieces(raw: bytes) -> list[list[Piece]]:
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams, LTTextLineHorizontal

    def lines(item):
        if isinstance(item, LTTextLineHorizontal):
            yield item
        elif hasattr(item, "__iter__"):
            for child in item:
                yield from lines(child)

    pages = []
    for page in extract_pages(io.BytesIO(raw), laparams=LAParams()):
        pages.append([Piece(line.get_text().rstrip("\n"), line.x0, line.x1, page.height - line.y1,
                            page.height - line.y0) for line in lines(page)])
    return pages


def pypdf_pieces(raw: bytes) -> list[list[Piece]]:
    """pypdf gives text lines without positions: width is counted in columns (CJK = 2, em = 2)."""
    import pypdf

    def columns(text: str) -> int:
        return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)

    pages = []
    for page in pypdf.PdfReader(io.BytesIO(raw)).pages:
        rows = page.extract_text().split("\n")
        pages.append([Piece(row, 0, columns(row), 3 * i, 3 * i + 2) for i, row in enumerate(rows)])
    return pages


PDF_ENGINES = {"pypdfium2": pdfium_pieces, "pdfminer.six": pdfminer_pieces, "pypdf": pypdf_pieces}


def accuracy(got: str, want: str) -> float:
    return round(difflib.SequenceMatcher(None, got, want, autojunk=False).ratio(), 4)


def bench_pdf(workdir: Path) -> dict:
    docs = []
    for spec, options in PDF_VARIANTS:
        path, _ = dm.report_pdf(workdir / f"{spec.short}.pdf", spec, **options)
        table = [" | ".join(x for kv in dm.header_fields(spec)[i:i + 2] for x in kv) for i in (0, 2)]
        table.append(" | ".join(dm.header_fields(spec)[4]))
        want = (table if options.get("header_table", True) else []) + dm.body_lines(spec)
        docs.append((path.read_bytes(), want, options.get("running_header", spec.justice_bureau)))
    results = {}
    for name, engine in PDF_ENGINES.items():
        scores = {"char_accuracy": [], "paragraphs_whole": [], "table_rows": [], "running_left": [], "seconds": []}
        for raw, want, running in docs:
            started = time.perf_counter()
            text = pages_to_text(engine(raw))
            scores["seconds"].append(time.perf_counter() - started)
            lines = text.split("\n")
            scores["char_accuracy"].append(accuracy(text, "\n".join(want)))
            body = [w for w in want if " | " not in w]
            scores["paragraphs_whole"].append(sum(w in lines for w in body) / len(body))
            tables = [w for w in want if " | " in w]
            if tables:
                scores["table_rows"].append(sum(w in lines for w in tables) / len(tables))
            numbers = sum(bool(PAGE_NUMBER.match(x)) for x in lines)
            repeats = max(0, lines.count(running) - want.count(running)) if running else 0
            scores["running_left"].append(numbers + repeats)
        results[name] = {k: round(sum(v) / len(v), 4) for k, v in scores.items() if v}
    return {"documents": len(docs), "engines": results}


# ---- HTML ------------------------------------------------------------------------------------------
class _OldExtractor(HTMLParser):
    """html_to_text before this change: every block and table cell a line, no chrome elements dropped."""

    BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article",
              "table", "ul", "ol", "title", "header", "footer", "td"}
    SKIP = {"script", "style", "noscript", "template"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts, self.skip = [], 0

    def handle_starttag(self, tag, attrs):
        self.skip += tag in self.SKIP
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        self.skip = max(0, self.skip - (tag in self.SKIP))
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def old_html_to_text(markup: str) -> str:
    parser = _OldExtractor()
    parser.feed(markup)
    return "".join(parser.parts)


def trafilatura_text(markup: str) -> str:
    import trafilatura

    return trafilatura.extract(markup, include_tables=True, include_comments=False, favor_recall=True) or ""


HTML_METHODS = {"html_to_text (before)": old_html_to_text, "html_to_text": html_to_text,
                "trafilatura": trafilatura_text}


def opaque(markup: str) -> str:
    """The same page with class names that say nothing (many sites use such) and no <meta> dates."""
    counter = iter(range(10**6))
    markup = re.sub(r"<meta name=[^>]*>", "", markup)  # and no machine-readable dates
    return re.sub(r'class="[^"]*"', lambda m: f'class="c{next(counter)}"', markup)


def norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).replace(" ", "")


def html_pages(workdir: Path) -> list[tuple[str, str, dm.Spec]]:
    pages = []
    for spec in SPECS:
        for layout in ("table", "fields"):
            path, _ = dm.gov_page_html(workdir / f"{spec.short}-{layout}.html", spec, layout)
            pages.append((f"{spec.short}-{layout}", path.read_text(encoding="utf-8"), spec))
        pages.append((f"{spec.short}-opaque", opaque(pages[-2][1]), spec))
    return pages


def bench_html(workdir: Path) -> dict:
    pages = html_pages(workdir)
    keys = ["索引号", "发布机构", "成文日期", "发布日期"]
    results = {}
    for name, method in HTML_METHODS.items():
        leaked = lost = fields = titles = raw_leaked = 0
        started = time.perf_counter()
        for _, markup, spec in pages:
            text, header = clean(method(markup))
            body = [norm(line) for line in text.split("\n") if not is_header_line(line)]
            chrome = [v for k, v in dm.chrome_lines(spec, dm.date(2024, 3, 5)).items() if k != "site"]
            leaked += sum(any(norm(c)[:12] in line for line in body) for c in chrome)
            raw = [norm(line) for line in method(markup).split("\n")]
            raw_leaked += sum(any(norm(c)[:12] in line for line in raw) for c in chrome)
            lost += sum(norm(b) not in body for b in dm.body_lines(spec))
            want = dict(dm.header_fields(spec))
            fields += sum(norm(header.get(k, "")) == norm(want[k]) for k in keys)
            titles += bool(body) and body[0] == norm(spec.title)
        results[name] = {"chrome_lines_before_cleaner": raw_leaked, "chrome_lines_left": leaked, "body_lines_lost": lost,
                         "header_fields_read": f"{fields}/{len(keys) * len(pages)}",
                         "title_first_line": f"{titles}/{len(pages)}",
                         "seconds_per_page": round((time.perf_counter() - started) / len(pages), 4)}
    results["dates"] = bench_dates(pages)
    return {"pages": len(pages), "methods": results}


def bench_dates(pages) -> dict:
    import trafilatura
    from htmldate import find_date

    found = {"htmldate original": 0, "htmldate latest": 0, "trafilatura metadata": 0}
    for _, markup, spec in pages:
        want = spec.published.isoformat()
        found["htmldate original"] += find_date(markup, original_date=True, outputformat="%Y-%m-%d") == want
        found["htmldate latest"] += find_date(markup, original_date=False, outputformat="%Y-%m-%d") == want
        meta = trafilatura.extract_metadata(markup)
        found["trafilatura metadata"] += bool(meta) and meta.date == want
    return {k: f"{v}/{len(pages)} publication dates right" for k, v in found.items()}


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        figures = {"pdf": bench_pdf(Path(tmp)), "html": bench_html(Path(tmp))}
    out = ROOT / "bench" / "results" / "extractors.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(figures, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(figures, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
