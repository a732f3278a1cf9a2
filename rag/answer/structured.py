"""Answers that read a report's structure rather than top-k passages: questions about the document
itself (who issued it, when, which year it covers, what kind of text it is) and list questions about
a whole section (存在的问题, 下一步计划)."""
from __future__ import annotations

import re

from rag import library
from rag.answer.compose import EXTRACTIVE_NOTE, citation, mask_spam
from rag.ingest.chunk import POINT_LABEL, sentence_spans
from rag.types import Citation, Document, Passage

# (question words, heading words) per section kind; questions are analysed in rag/answer/question.py
SECTIONS = {
    "problems": (re.compile(r"(问题|不足|短板|薄弱)"), re.compile(r"问题|不足")),
    "plans": (re.compile(r"(下一步|下步|计划|打算|安排|思路|重点工作|改进措施)"),
              re.compile(r"下一步|下步|计划|安排|思路|打算|重点工作|改进")),
}
# sentences that state problems or plans, for reports without such sections (温州, news articles)
STATES = {
    "problems": re.compile(r"(但也存在|但仍然存在|仍然存在|仍存在|还存在|不足之处|薄弱环节|差距较大)"),
    "plans": re.compile(r"(下一步|今后|明年|来年|将(?:继续|进一步|持续|坚持|全力|着力|加快|深入|大力|扎实|不断|努力|重点|围绕|"
                        r"高举|紧扣|聚焦))"),
}
# the library's names of the document types, two of them explained for a reader of an answer
DOC_TYPES = {**library.DOC_TYPES, "annual_report": "年度工作报告", "news": "新闻报道(不是政府的正式年度报告)",
             "other": "其他文本"}


def meta_answer(docs: list[tuple[Document, list[Passage]]], fields: frozenset[str] = frozenset()) -> tuple[str, list[Citation]]:
    """Facts about each document, each quoted from where it stands: the title/header chunk, the sentence
    that names the year, the addressee line, the signature. `fields` (question.meta_fields) keeps the
    asked facts only; none asked -> all."""
    def asked(*names: str) -> bool:
        return not fields or any(name in fields for name in names)

    lines, citations = [EXTRACTIVE_NOTE], []

    def cite(chunk: Passage, quote: str) -> int:
        citations.append(citation(len(citations) + 1, chunk, [quote]))
        return citations[-1].n

    for doc, chunks in docs:
        card = next((c for c in chunks if c.heading == "文档信息"), None)
        sign = next((c for c in reversed(chunks) if c.heading == "落款"), None)
        lines.append(f"{doc.region}:")
        if card and asked("published", "number", "issuer", "author", "type"):
            lines.append(f"- 标题与页面信息: {' '.join(card.text.split())}[{cite(card, card.text)}]")
        years = doc.covered()
        if years and asked("year"):
            where = _year_said(years[0], card, chunks)
            lines.append(f"- 报告所述年度: {doc.years_said()}{'(多年总结)' if len(years) > 1 else ''}"
                         + (f"[{cite(*where)}]" if where else ""))
        kind = DOC_TYPES.get(doc.doc_type, doc.doc_type)
        lines.append(f"- 文本类型: {kind}(多年总结)" if len(years) > 1 else f"- 文本类型: {kind}")
        salutation = _salutation(chunks)
        if salutation and asked("addressee"):  # "省委依法治省办:" above the body: whom the report is addressed to
            chunk, line = salutation
            lines.append(f"- 报送对象(抬头): {line.rstrip(':：')}[{cite(chunk, line)}]")
        if sign and asked("signed", "issuer"):
            shown = mask_spam(" ".join(sign.text.split()), [sign])
            note = f"(按位置还原为: {doc.issuer})" if sign.flags and doc.issuer else ""
            lines.append(f"- 落款: {shown}{note}[{cite(sign, sign.text)}]")
    if fields and not citations:  # none of the asked facts is quoted (no signature, no addressee line): all of them
        return meta_answer(docs)
    return "\n".join(lines), citations


def _year_said(year: int, card: Passage | None, chunks: list[Passage]) -> tuple[Passage, str] | None:
    """Where the report names the year it covers: its title, else the opening sentence that reports on
    the year (现将我县2021年度…报告如下), else the first opening sentence naming it. A report of several
    years is found by its first year (2019—2023年)."""
    said = str(year)
    if card and said in card.text:
        return card, card.text
    found = []
    for chunk in [c for c in chunks if c.heading != "文档信息"][:4]:
        for start, end in sentence_spans(chunk.text, 0, len(chunk.text)):
            sentence = chunk.text[start:end].strip()
            if said in sentence:
                found.append((chunk, sentence))
    reporting = [f for f in found if re.search(r"报告如下|情况报告|工作报告", f[1])]
    return (reporting or found or [None])[0]


_SALUTATION = re.compile(r"^[\u4e00-\u9fff、()（）]{2,24}[:：]$")


def _salutation(chunks: list[Passage]) -> tuple[Passage, str] | None:
    """The addressee line a report opens with (省委依法治省办: / 潍坊市人民政府:), from the first body chunks."""
    body = [c for c in chunks if c.heading != "文档信息"][:3]
    for chunk in body:
        line = chunk.text.strip().split("\n")[0].strip()
        if _SALUTATION.match(line):
            return chunk, line
    return None


def section_quotes(kind: str, chunks: list[Passage], limit: int = 8) -> tuple[str, list[tuple[Passage, str]]]:
    """(section title, [(chunk, quote)]) for a report's problems/plans: the first sentence of each
    chunk under its section (the whole chunk when the section is one or two paragraphs), else the
    sentences that state them."""
    pattern = SECTIONS[kind][1]
    inside = [c for c in chunks if c.heading and pattern.search(c.heading.split(" > ")[0])]
    both = [c for c in inside if all(words.search(c.heading.split(" > ")[0]) for _, words in SECTIONS.values())]
    if both:  # "存在不足与下一步打算": one heading over both kinds, the paragraphs that speak of the asked one
        inside = [c for c in inside if c not in both or SECTIONS[kind][0].search(c.text)]
    if inside:
        whole = len(inside) <= 2
        picked: dict[str, Passage] = {}  # quote -> its first chunk (chunks of one paragraph overlap by a sentence)
        for chunk in inside:
            for quote in [chunk.text.strip()] if whole else _leads(chunk.text):
                picked.setdefault(quote, chunk)
        return f"«{inside[0].heading.split(' > ')[0]}»", [(c, q) for q, c in picked.items()][:limit]
    stated = [(c, sentence) for c in chunks for sentence in _sentences(c.text)
              if (STATES[kind].search(sentence) or kind == "plans" and _next_year_plan(sentence, c.year))
              and not (kind == "plans" and STATES["problems"].search(sentence))]
    return "(报告无专门章节,以下为陈述相关内容的句子)", stated[:6]


def _next_year_plan(sentence: str, year: int | None) -> bool:
    """"2024年准格尔旗还将出台《…》" in a 2023 report: what it will do the year after its own."""
    return bool(year) and f"{year + 1}年" in sentence and bool(re.search(r"将|计划|拟|力争|争取|准备", sentence))


def section_answer(kind: str, doc: Document, chunks: list[Passage]) -> tuple[str, list[Citation]]:
    title, picked = section_quotes(kind, chunks)
    if not picked:
        return "", []
    lines = [EXTRACTIVE_NOTE, f"{doc.region}{doc.year or ''}年 {title}:"]
    citations: list[Citation] = []
    for chunk, quote in picked:
        existing = next((c for c in citations if c.chunk_id == chunk.chunk_id), None)
        if existing:
            existing.quotes.append(quote)
        else:
            citations.append(citation(len(citations) + 1, chunk, [quote]))
            existing = citations[-1]
        lines.append(f"- {mask_spam(quote, [chunk])}[{existing.n}]")
    return "\n".join(lines), citations


def _sentences(text: str) -> list[str]:
    return [text[s:e].strip() for s, e in sentence_spans(text, 0, len(text))]


_POINT = re.compile(rf"(?:[^。;]{{0,40}}[::])?{POINT_LABEL}")


def _leads(text: str) -> list[str]:
    """What a chunk of a section says first: each 一是/二是 point it opens (a paragraph cut into chunks
    keeps points past its first sentence), else its first sentence."""
    sentences = _sentences(text) or [text]
    points = [s for s in sentences if _POINT.match(s)]
    if points:
        return points
    first = re.match(r"[^。!?]*[。!?]?", text.strip())[0]  # the first sentence whole: "直面问题:A;B;C。"
    return [first or sentences[0]]
