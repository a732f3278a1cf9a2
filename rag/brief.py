"""Region briefs: one screen first — 概况, 主要举措与成效 (≤8), 关键数据 (≤10), 存在问题, 下一步计划 —
then APPENDIX (附录：分节详情) with the full per-section detail, then the sources; every figure cited.

Coverage, not top-k: a brief reads the whole report in order. Without an LLM it is extractive and
uses the report's own structure (problem and plan sections found by their headings, else by their
sentences) and the extracted indicator facts; what reaches the first screen is ranked by one general
rule of information (rag/brief_rank.py). With an LLM the 举措 section is map-reduced over the
report's sections (prompts/brief_map.md, brief_reduce.md): the map bullets are the appendix's detail,
the reduced ones the first screen; everything else stays extractive, and every number passes the
same verification as answers.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from rag import brief_rank as rank
from rag.answer.cite import REFUSAL, verify, vouched
from rag.answer.compose import SPAM_MASK, mask_spam
from rag.answer.structured import DOC_TYPES, SECTIONS, section_quotes
from rag.errors import InputError
from rag.facts import Fact
from rag.ingest.chunk import POINT_LABEL, sentence_spans
from rag.types import Document, Passage

MAX_MEASURES = 18  # one bullet per section down to the 一是/1、 level, in report order
MIN_BULLET_CHARS = 15
_POINT = re.compile(POINT_LABEL)
_QUANTITY = re.compile(r"\d+(?:\.\d+)?\s*(?:件|项|人|%|个|次|家|万|元|起|条|名|份|场|卷|宗|天)")


@dataclass
class Brief:
    region: str
    year: int | None
    markdown: str
    cited: dict[int, Passage] = field(default_factory=dict)
    unverified: list[str] = field(default_factory=list)
    mode: str = "extractive"
    notices: list[str] = field(default_factory=list)


def pick_document(pipeline, region: str, year: int | None) -> Document:
    from rag import retrieve

    docs = [d for d, _ in pipeline.documents()]
    matches = [d for d in docs if region in retrieve.aliases(d.region) or d.region == region]
    if not matches:
        have = "、".join(sorted({d.region for d in docs})) or "无"
        raise InputError(f"索引中没有“{region}”的报告(现有: {have})")
    if year is not None:
        exact = [d for d in matches if d.year == year]
        if not exact:
            years = "、".join(f"{d.year}年" for d in matches)
            raise InputError(f"{matches[0].region}没有{year}年的报告(现有: {years})")
        return exact[0]
    return max(matches, key=lambda d: d.year or 0)


def _first_sentence(text: str, prefer_number: bool = False) -> str:
    sentences = [text[s:e].strip() for s, e in sentence_spans(text, 0, len(text))]
    if prefer_number:
        numbered = [s for s in sentences if _QUANTITY.search(s)]
        if numbered:
            return numbered[0]
    return sentences[0] if sentences else text


def _kind(top: str) -> str:
    for name, (_, heading) in SECTIONS.items():
        if heading.search(top):
            return name
    return "measures"


class _Builder:
    """Collects quotes and numbers them [n] by chunk, in the order they are first cited."""

    def __init__(self) -> None:
        self.cited: dict[int, Passage] = {}
        self.numbers: dict[str, int] = {}

    def cite(self, chunk: Passage) -> int:
        if chunk.chunk_id not in self.numbers:
            self.numbers[chunk.chunk_id] = len(self.numbers) + 1
            self.cited[self.numbers[chunk.chunk_id]] = chunk
        return self.numbers[chunk.chunk_id]

    def quote(self, chunk: Passage, sentence: str) -> str:
        return f"{mask_spam(sentence, [chunk])}[{self.cite(chunk)}]"


APPENDIX = "## 附录：分节详情"  # where the one-screen part ends, for readers and tools


def build_brief(pipeline, region: str, year: int | None = None, mode: str = "auto",
                progress: Callable[[float, str], None] | None = None, doc_id: str | None = None) -> Brief:
    """A brief of the report of `region` (and `year`), or of exactly the report `doc_id`: one screen
    (概况, ≤8 measures, headline figures, short problems and plans), then APPENDIX with the full
    per-section detail, then the sources."""
    doc = next((d for d, _ in pipeline.documents() if d.doc_id == doc_id), None) or pick_document(pipeline, region, year)
    chunks = pipeline.store.document_chunks(doc.doc_id)
    body_chunks = [c for c in chunks if c.heading not in ("文档信息", "落款")]
    measure_chunks = [c for c in body_chunks if _kind(c.heading.split(" > ")[0] if c.heading else "") == "measures"]
    b = _Builder()
    say = progress or (lambda fraction, what: None)
    say(0.1, "概况")
    lines = [f"# {doc.region or '地区不详'}{f'{doc.year}年' if doc.year else ''} 法治政府建设报告简报", "", "## 概况", ""]
    lines += _overview(doc, chunks, b)
    say(0.3, "主要举措与成效")
    (top, detail), used_llm, fell_back = _measures(pipeline, doc, measure_chunks, b, mode, say)
    notices = [f"{fell_back};“主要举措与成效”已改用抽取式。"] if fell_back else []
    lines += ["", "## 主要举措与成效", ""] + [f"> 注意: {n}" for n in notices] + (top or ["(报告中未见含具体内容的举措)"])
    say(0.7, "关键数据")
    facts = pipeline.facts.query(pipeline.settings.index_fingerprint, doc_id=doc.doc_id)
    by_id = {c.chunk_id: c for c in chunks}
    facts = [f for f in facts if f.chunk_id in by_id]
    lines += ["", "## 关键数据", ""] + _figures(rank.headline_figures(facts), by_id, b, with_sentence=False)
    say(0.8, "存在问题与下一步计划")
    problems = section_quotes("problems", body_chunks)[1]
    plans = section_quotes("plans", body_chunks)[1]
    lines += ["", "## 存在问题", ""] + _quotes(rank.short_items(problems), b)
    lines += ["", "## 下一步计划", ""] + _quotes(rank.short_items(plans), b)
    lines += ["", APPENDIX, "", "### 各章节举措与成效", ""] + (detail() or ["(无)"])  # cited after the first screen
    lines += ["", "### 全部指标数据", ""] + _figures(facts, by_id, b, with_sentence=True)
    lines += ["", "### 原文所列问题", ""] + _quotes(problems, b)
    lines += ["", "### 原文所列计划", ""] + _quotes(plans, b)
    body = "\n".join(lines)
    extra = {n: vouched(p.year, p.heading) for n, p in b.cited.items()}
    check = verify(body, {n: p.text for n, p in b.cited.items()}, extra)
    sources = ["", "## 来源", "", f"报告文件: {doc.source}", ""] + [
        f"{n}. {p.region}{p.year or ''}年 · {p.heading or p.title} · “{' '.join(mask_spam(p.text[:60], [p]).split())}…”"
        for n, p in sorted(b.cited.items())]
    if check.unverified:
        sources += ["", f"> ⚠ 未能在引用段落中核实的数字: {'、'.join(check.unverified)}"]
    say(1.0, "完成")
    return Brief(doc.region, doc.year, body + "\n" + "\n".join(sources) + "\n", b.cited, check.unverified,
                 "llm" if used_llm else "extractive", notices)


def one_screen(markdown: str) -> str:
    """The part of a brief before its appendix."""
    return markdown.split("\n" + APPENDIX, 1)[0]


def _overview(doc: Document, chunks: list[Passage], b: _Builder) -> list[str]:
    """Two lines: who and which year (type, signature), then the title and publication."""
    card = next((c for c in chunks if c.heading == "文档信息"), None)
    sign = next((c for c in reversed(chunks) if c.heading == "落款"), None)
    level = f"({doc.province}{' · ' + doc.region_level if doc.region_level else ''})" if doc.province else ""
    year = f"{doc.year}年[{b.cite(card)}]" if card and doc.year else "年度不详"
    first = [f"**{doc.region or '地区不详'}**{level}", f"报告所述年度: {year}", DOC_TYPES.get(doc.doc_type, doc.doc_type)]
    if sign:
        issuer = doc.issuer or mask_spam(" ".join(sign.text.split()[:-1]), [sign])
        note = "(落款原文含可疑文字,已按位置还原)" if sign.flags else ""
        first.append(f"落款: {issuer} {doc.signed}{note}[{b.cite(sign)}]")
    out = ["- " + " · ".join(first)]
    if card:
        published = f" · 发布: {doc.publisher or '—'} {doc.published}".rstrip() if doc.publisher or doc.published else ""
        out.append(f"- 标题: 《{doc.title}》{published}[{b.cite(card)}]")
    return out


def _measures(pipeline, doc, chunks: list[Passage], b: _Builder, mode: str, say
              ) -> tuple[tuple[list[str], Callable[[], list[str]]], bool, str]:
    """((first-screen bullets, the per-section detail when called), whether the LLM wrote them, why
    the LLM was not used when it was meant to be). The detail is cited only when called, so the
    first screen's citation numbers are the smallest."""
    fell_back = ""
    if mode in ("auto", "llm"):
        from rag.answer.llm import LLMUnavailable, llm_configured

        if mode == "llm" or llm_configured(pipeline.settings):
            try:
                return _measures_llm(pipeline, doc, chunks, b, say), True, ""
            except LLMUnavailable as err:
                fell_back = str(err)
    top = [f"- {f'**{p.label}**: ' if p.label else ''}{b.quote(p.chunk, p.quote)}"
           for p in rank.headline_measures(chunks)]
    return (top, lambda: _section_bullets(chunks, b)), False, fell_back


def _section_bullets(chunks: list[Passage], b: _Builder) -> list[str]:
    """One bullet per section down to the 一是/1、 level, in report order (the appendix)."""
    groups: dict[str, list[Passage]] = {}
    for chunk in chunks:
        groups.setdefault(" > ".join(chunk.heading.split(" > ")[:3]), []).append(chunk)
    out = []
    for key, group in list(groups.items())[:MAX_MEASURES]:
        title = key.split(" > ")[-1] if key else ""
        chunk = next((c for c in group if _QUANTITY.search(c.text)), group[0])
        sentence = _first_sentence(_without_heading(chunk), prefer_number=True)
        if len(sentence) < MIN_BULLET_CHARS:
            continue  # a salutation or a bare heading ("省委依法治省办:") says nothing
        label = f"**{_point_at(chunk.text, sentence) or title}**: " if title else ""
        out.append(f"- {label}{b.quote(chunk, sentence)}")
    return out


def _without_heading(chunk: Passage) -> str:
    """Chunk text minus a leading sentence that only repeats its heading ("3、严格落实….")."""
    spans = sentence_spans(chunk.text, 0, len(chunk.text))
    if len(spans) > 1 and chunk.text[spans[0][0]:spans[0][1]].strip().rstrip("。") in chunk.heading:
        return chunk.text[spans[1][0]:]
    return chunk.text


def _point_at(text: str, sentence: str) -> str:
    """The 一是/二是 point a sentence belongs to inside its chunk (its first clause), if any."""
    points = list(_POINT.finditer(text, 0, max(0, text.find(sentence)) + 1))
    if not points:
        return ""
    return re.split(r"[。;;,,]", text[points[-1].start():], maxsplit=1)[0][:40]


def _measures_llm(pipeline, doc, chunks: list[Passage], b: _Builder, say
                  ) -> tuple[list[str], Callable[[], list[str]]]:
    """Map: each section (in token-budget batches) to cited bullets — the appendix's detail;
    reduce: at most HEADLINE_MEASURES of them, most informative first — the first screen."""
    from rag.answer import llm
    from rag.answer.budget import encoding_for, fit_passages
    from rag.answer.cite import CITATION_FORMAT
    from rag.answer.compose import masked
    from rag.prompts import render

    settings = pipeline.settings
    client = llm.make_client(settings)
    encoding = encoding_for(settings.llm_model, settings.models_dir / "tiktoken")
    sections: dict[str, list[Passage]] = {}
    for chunk in chunks:
        sections.setdefault(chunk.heading.split(" > ")[0] if chunk.heading else "", []).append(chunk)
    by_n = dict(enumerate(chunks, 1))  # stable numbers across map calls
    number = {c.chunk_id: n for n, c in by_n.items()}
    mapped: list[tuple[str, str]] = []  # (section, bullet)
    for index, (top, section) in enumerate(sections.items(), 1):
        say(0.3 + 0.35 * index / max(1, len(sections)), f"概括: {top[:20]}")
        remaining = [masked(c) for c in section]
        while remaining:
            batch, block = fit_passages(remaining, lambda _, p: llm.format_passage(number[p.chunk_id], p),
                                        settings.context_tokens, encoding)
            remaining = remaining[len(batch):]
            prompt = render("brief_map", region=doc.region, year=doc.year or "", section=top or "正文",
                            passages=block, marker=CITATION_FORMAT.format(n=number[batch[0].chunk_id]),
                            refusal=REFUSAL)
            text = llm.complete(client, settings, [{"role": "user", "content": prompt}])
            mapped += [(top, line.strip()) for line in text.splitlines()
                       if line.strip().startswith("-") and REFUSAL not in line]
    say(0.65, "合并要点")
    merged = llm.complete(client, settings, [{"role": "user", "content": render(
        "brief_reduce", region=doc.region, year=doc.year or "", limit=rank.HEADLINE_MEASURES,
        bullets=llm.fence("bullets", "\n".join(bullet for _, bullet in mapped)))}])  # model output goes back fenced, as data
    top = [line.strip() for line in merged.splitlines() if line.strip().startswith("-")][:rank.HEADLINE_MEASURES]

    def cited(line: str) -> str:  # the model's [n] renumbered to the brief's; markers to no passage dropped
        line = re.sub(r"\[(\d+)\]", lambda m: f"[{b.cite(by_n[int(m[1])])}]" if int(m[1]) in by_n else "", line)
        return mask_spam(line.replace(SPAM_MASK, ""), chunks)

    return [cited(line) for line in top], lambda: [
        cited(f"- **{rank.short_label(section)}**: {bullet.lstrip('- ')}" if section else bullet)
        for section, bullet in mapped]


def _figures(facts: list[Fact], by_id: dict[str, Passage], b: _Builder, with_sentence: bool) -> list[str]:
    if not facts:
        return ["(未从本报告中提取到常见指标数据)"]
    if not with_sentence:
        return ["| 指标 | 数值 |", "|---|---|"] + [f"| {f.indicator} | {f.shown}[{b.cite(by_id[f.chunk_id])}] |"
                                                    for f in facts]
    return ["| 指标 | 数值 | 原文 |", "|---|---|---|"] + [
        f"| {f.indicator} | {f.shown}[{b.cite(by_id[f.chunk_id])}] | {mask_spam(f.sentence, [by_id[f.chunk_id]])} |"
        for f in facts]


def _quotes(picked: list[tuple[Passage, str]], b: _Builder) -> list[str]:
    return [f"- {b.quote(chunk, quote)}" for chunk, quote in picked] or ["(报告中未见相关内容)"]
