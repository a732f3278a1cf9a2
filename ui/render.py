"""HTML for source cards and documents, and inert Markdown for the chat and briefs.

Every piece of document text and model output is escaped: a report holding `<img src=x onerror=...>`
shows those characters and never runs them; Markdown images and links are shown as text (an
http(s) link with its target), so nothing a document or a model writes makes the browser load or
run anything."""
from __future__ import annotations

import html
import re

from rag.types import Answer, Citation, Document

CSS = """
.src-card{border:1px solid #d0d7de;border-radius:8px;padding:10px 12px;margin:8px 0;background:#fff}
.src-card h4{margin:0 0 4px 0;font-size:14px}
.src-meta{color:#57606a;font-size:12px;margin-bottom:6px}
.src-card mark{background:#fff3b0;padding:0 1px}
.src-text{white-space:pre-wrap;font-size:13px;line-height:1.6}
.badge{display:inline-block;border-radius:10px;padding:1px 8px;font-size:12px;margin-right:6px;background:#eef}
.badge.warn{background:#ffe3e3;color:#a40000}
.spam{background:#ffb4b4;text-decoration:line-through}
.doc-view{white-space:pre-wrap;font-size:13px;line-height:1.7;max-height:600px;overflow:auto}
"""


_MD_LINK = re.compile(r"(!?)\[([^\[\]\n]*)\]\(\s*<?((?:[^()\s<>]|\([^()\s]*\))*)>?(?:\s+[^()\n]*)?\)")
_MD_REFERENCE = re.compile(r"^(\s*)\[(?=[^\]\n]+\]:)", re.M)  # "[1]: http://…" would define a link


def _link_as_text(match: re.Match) -> str:
    label, target = match[2].strip(), match[3]
    shown = target if re.match(r"https?://", target, re.I) else ""  # javascript:, data:, relative: dropped
    return f"{label} ({shown})" if shown and label and label != shown else (shown or label)


def inert_markdown(text: str) -> str:
    """Markdown that renders as the text it holds: no raw HTML, no image, no link (`<` and `&`
    escaped; `[x](http://a)` shown as the text "x (http://a)", other targets dropped; URLs escaped so
    they are never auto-linked; any leftover image, link or reference-definition syntax
    backslash-escaped). Citation markers [n], headings, lists, tables and bold written by the
    product still render."""
    text = text.replace("&", "&amp;").replace("<", "&lt;")
    text = _MD_LINK.sub(_link_as_text, text)
    text = text.replace("![", "!\\[").replace("](", "\\](")
    text = text.replace("://", ":\\/\\/").replace("www.", "www\\.")  # shown as text, never auto-linked
    return _MD_REFERENCE.sub(r"\1\\[", text)


def _highlight(text: str, quotes: list[str]) -> str:
    """Escape text and wrap the quoted sentences in <mark>."""
    spans = []
    for quote in quotes:
        start = text.find(quote)
        if quote and start >= 0:
            spans.append((start, start + len(quote)))
    out, cursor = [], 0
    for start, end in sorted(spans):
        if start < cursor:
            continue
        out += [html.escape(text[cursor:start]), "<mark>", html.escape(text[start:end]), "</mark>"]
        cursor = end
    out.append(html.escape(text[cursor:]))
    return "".join(out)


def _strike(rendered: str, flags: list[dict]) -> str:
    """Strike through flagged spam inside already-escaped passage HTML."""
    for flagged in {html.escape(f["text"]) for f in flags}:
        rendered = rendered.replace(flagged, f'<span class="spam" title="可疑文字">{flagged}</span>')
    return rendered


def _card(c: Citation) -> str:
    year = f"{c.year}年" if c.year else "年份不详"
    return (f'<div class="src-card" id="src-{c.n}"><h4>[{c.n}] {html.escape(c.region)} · {year}</h4>'
            f'<div class="src-meta">《{html.escape(c.title)}》 · {html.escape(c.heading)} · {html.escape(c.source)}</div>'
            f'<div class="src-text">{_strike(_highlight(c.text, c.quotes), c.flags)}</div></div>')


def sources_html(result: Answer | None) -> str:
    if result is None:
        return '<div class="src-meta">提问后,这里显示回答引用的段落。</div>'
    mode = "大模型" if result.mode == "llm" else "抽取式"
    parts = [f'<div><span class="badge">模式: {mode}</span>']
    if result.refused:
        parts.append('<span class="badge warn">未找到答案</span>')
    if result.unverified:
        parts.append(f'<span class="badge warn">未核实数字: {html.escape("、".join(result.unverified))}</span>')
    for item in result.derived:
        parts.append(f'<span class="badge">计算得出: {html.escape(item["operation"])} = {html.escape(item["value"])}</span>')
    if result.invalid_markers:
        parts.append(f'<span class="badge warn">已删除无效引用: {len(result.invalid_markers)} 个</span>')
    parts.append("</div>")
    parts += [f'<div class="src-meta">注意: {html.escape(n)}</div>' for n in result.notices]
    parts += [_card(c) for c in result.citations]
    return "".join(parts)


def chat_text(result: Answer) -> str:
    """The answer as inert chat Markdown, unverified numbers marked."""
    text = inert_markdown(result.answer)
    for number in result.unverified:
        text = text.replace(inert_markdown(number), f"**{inert_markdown(number)}**⚠")
    badge = "〔大模型〕" if result.mode == "llm" else ("" if "抽取式" in result.answer else "〔抽取式〕")
    notices = "".join(f"\n\n> 注意: {inert_markdown(n)}" for n in result.notices)
    warn = (f"\n\n⚠ 未能在引用段落中核实的数字: {inert_markdown('、'.join(result.unverified))}"
            if result.unverified else "")
    derived = "".join(f"\n\n〔计算得出〕{inert_markdown(d['value'])} = {inert_markdown(d['operation'])}"
                      "(由引用段落中的数字计算)" for d in result.derived)
    return f"{badge} {text}{notices}{derived}{warn}".strip()


def document_html(doc: Document) -> str:
    """The cleaned document with flagged spans struck through and marked."""
    out, cursor = [], 0
    for span in sorted(doc.flags, key=lambda s: s.start):
        out.append(html.escape(doc.text[cursor:span.start]))
        tip = html.escape(f"{span.reason}" + (f",疑为“{span.replacement}”" if span.replacement else ""))
        out.append(f'<span class="spam" title="{tip}">{html.escape(doc.text[span.start:span.end])}</span>')
        cursor = span.end
    out.append(html.escape(doc.text[cursor:]))
    head = (f"<h3>{html.escape(doc.region)} {doc.year or ''} · {html.escape(doc.title)}</h3>"
            f'<div class="src-meta">{html.escape(doc.source)} · 标记 {len(doc.flags)} 处</div>')
    return f'{head}<div class="doc-view">{"".join(out)}</div>'
