"""Compose extractive and comparison answers from quotes; mask injected spam; build citations."""
from __future__ import annotations

import re
from dataclasses import replace

from rag import retrieve
from rag.answer.cite import REFUSAL
from rag.answer.extractive import (Quote, best_quotes, content_terms, expected_shapes, is_list_question,
                                   split_parts)
from rag.types import Citation, Passage

THRESHOLD = 0.5  # idf-weighted share of the asked-for terms a quote's sentence must contain
EXTRACTIVE_NOTE = "【抽取式回答】未使用大模型,以下句子摘自报告原文。"
SPAM_MASK = "〔已隐去可疑文字〕"


def citation(n: int, passage: Passage, quotes: list[str]) -> Citation:
    return Citation(n, passage.chunk_id, passage.source, passage.text, passage.region, passage.year,
                    passage.title, passage.heading, quotes, passage.flags)


def _label(p: Passage) -> str:
    return f"{p.region}{p.year}年" if p.year else p.region


def _drop_words(passages: list[Passage]) -> list[str]:
    return [a for r in {p.region for p in passages} for a in retrieve.aliases(r)]


def pick_quotes(question: str, passages: list[Passage], corpus_idf=None, similarity=None,
                must_contain: tuple[str, ...] = ()) -> list[Quote]:
    drop = _drop_words(passages)
    whole = content_terms(question, drop)
    chosen: list[Quote] = []
    take = 3 if is_list_question(question) else 1
    for part in split_parts(question):
        ranked = [q for q in best_quotes(part, passages, drop, whole, corpus_idf=corpus_idf,
                                          similarity=similarity) if q.score >= THRESHOLD
                  and (not must_contain or any(m in q.text for m in must_contain))]
        for quote in ranked[:take]:
            if any(_overlaps(quote, c) for c in chosen):
                break  # an earlier quote already answers this part best
            chosen.append(quote)
    return chosen


def _overlaps(a: Quote, b: Quote) -> bool:
    return a.passage == b.passage and (a.text in b.text or b.text in a.text)


def extractive(question: str, plan, passages: list[Passage], corpus_idf=None, similarity=None,
               must_contain: tuple[str, ...] = ()) -> tuple[str, list[Citation]]:
    quotes = pick_quotes(question, passages, corpus_idf, similarity, must_contain)
    if not quotes:
        return _weak_refusal(passages), []
    numbers: dict[int, int] = {}
    for q in quotes:
        numbers.setdefault(q.passage, len(numbers) + 1)
    labels = {_label(passages[q.passage]) for q in quotes}
    lines = [EXTRACTIVE_NOTE]
    if len(labels) == 1:
        lines.append(f"{labels.pop()}:")
    for q in quotes:
        prefix = "" if len(lines) > 1 and lines[1].endswith(":") else f"{_label(passages[q.passage])}: "
        lines.append(f"- {prefix}{q.text}[{numbers[q.passage]}]")
    citations = [citation(n, passages[i], [q.text for q in quotes if q.passage == i]) for i, n in numbers.items()]
    return "\n".join(lines), citations


def _weak_refusal(passages: list[Passage]) -> str:
    topics = list(dict.fromkeys(f"{_label(p)}「{(p.heading or p.title).split(' > ')[-1]}」" for p in passages[:3]))
    seen = f"最相关的段落是: {'; '.join(topics)}。" if topics else ""
    return f"{REFUSAL}。{seen}"


def comparison(question: str, per_region: dict[str, list[Passage]], corpus_idf=None,
               similarity=None) -> tuple[str, list[Citation]]:
    """One quote per region, then the comparison when the values are of the same indicator."""
    drop = [a for r in per_region for a in retrieve.aliases(r)]
    lines, citations, picked = [EXTRACTIVE_NOTE + "按地区分别摘录:"], [], {}
    for region, passages in per_region.items():
        quotes = [q for q in best_quotes(question, passages, drop, corpus_idf=corpus_idf,
                                                 similarity=similarity) if q.score >= THRESHOLD]
        if not quotes:
            lines.append(f"- {region}: 报告中未见相关数据")
            continue
        q = quotes[0]
        n = len(citations) + 1
        citations.append(citation(n, passages[q.passage], [q.text]))
        picked[region] = (q.text, n, passages[q.passage])
        lines.append(f"- {_label(passages[q.passage])}: {q.text}[{n}]")
    if not picked:
        return f"{REFUSAL}。各地区报告中都未见相关数据。", []
    ranking = _ranking(question, picked, drop)
    if ranking:
        lines += ["", ranking]
    return "\n".join(lines), citations


def _ranking(question: str, picked: dict, drop: list[str]) -> str:
    """'纠错率: 本溪市 23.29%[1] > 长沙市芙蓉区 20.93%[2]' when every quote gives that indicator."""
    text = question
    for word in sorted(drop, key=len, reverse=True):
        text = text.replace(word, " ")
    runs = re.findall(r"[\u4e00-\u9fff]{2,}", text)
    candidates = sorted({run[i:j] for run in runs for i in range(len(run)) for j in range(i + 2, len(run) + 1)},
                        key=len, reverse=True)
    units = "%" if "rate" in expected_shapes(question) else "件|人|项|个|家|次"
    for indicator in candidates:
        values = {}
        for region, (quote, n, _) in picked.items():
            match = re.search(re.escape(indicator) + rf"[^\d。;;]{{0,6}}?(\d+(?:\.\d+)?)({units})", quote)
            if match:
                values[region] = (float(match[1]), match[1] + match[2], match[2], n)
        kinds = {v[2] for v in values.values()}
        if len(values) >= 2 and len(values) == len(picked) and len(kinds) == 1:
            order = sorted(values.items(), key=lambda kv: -kv[1][0])
            chain = " > ".join(f"{region} {shown}[{n}]" for region, (_, shown, _, n) in order)
            return f"比较({indicator},由高到低): {chain}"
    return ""


def masked(passage: Passage) -> Passage:
    """The passage with flagged spam replaced, as sent to an LLM."""
    text = passage.text
    for flag in sorted(passage.flags, key=lambda f: -f["start"]):
        s, e = flag["start"] - passage.start, flag["end"] - passage.start
        if 0 <= s < e <= len(text):
            text = text[:s] + SPAM_MASK + text[e:]
    return replace(passage, text=text)


def mask_spam(text: str, passages: list[Passage]) -> str:
    """Never echo flagged spam as a fact: hide it wherever it appears in an answer."""
    for flagged in {f["text"] for p in passages for f in p.flags}:
        text = text.replace(flagged, SPAM_MASK)
    return text
