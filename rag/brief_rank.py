"""What goes on a brief's first screen: a report's most informative measures and headline figures.

One general scoring rule, not words of any one report: a sentence informs by what a reader can
check or name — figures with units, named systems and documents (《…》, “…”), firsts and rankings —
and loses for stock phrases that any report could say (坚持, 深入, 进一步 …) when it has nothing else.
Picks are spread over the report's sections, then shown in report order; long sentences are cut
at clause boundaries around their figures (a cut is marked with …), so every quote stays verbatim.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from rag import units
from rag.facts import Fact
from rag.ingest.chunk import POINT_LABEL, sentence_spans
from rag.types import Passage

HEADLINE_MEASURES = 8
HEADLINE_FIGURES = 10
FALLBACK_MEASURES = 4  # when no sentence has a figure, a name or a first
QUOTE_CHARS = 100  # a first-screen quote longer than this is cut to its most informative clauses
SHORT_CHARS = 70  # problems and plans on the first screen
MIN_CHARS = 15  # shorter sentences are headings or salutations
_NAMED = re.compile(r"《[^《》]{2,40}》")
_QUOTED = re.compile(r"“[^“”]{2,16}”")
_FIRST = re.compile(r"首个|首家|首批|首次|首创|率先|第一[名家批个]|全[国省市]第[一二三]|排名第|位居|位列|居全[国省市]|"
                    r"获评|被评为|评为|入选|荣获|获得.{0,8}(奖|称号)|示范(市|县|区|单位|点|项目)")
_STOCK = re.compile(r"坚持|深入|全面|切实|持续|不断|进一步|扎实|积极|大力|着力|牢固树立|贯彻落实|认真|"
                    r"高度重视|统筹|推动|加强|强化|提升|深化|完善")
_CLAUSE = re.compile(r"[^,;:,;:]+[,;:,;:]?")
NUMBERING = re.compile(r"^\s*(?:[((][一二三四五六七八九十\d]+[))]|[一二三四五六七八九十\d]+[、.．]|"
                        r"[一二三四五六七八九十]+是)\s*")


@dataclass
class Pick:
    chunk: Passage
    quote: str  # verbatim from the chunk, … where cut
    label: str  # the heading or 一是-point it belongs to
    order: tuple[int, int]  # (chunk index, position in chunk): report order


def information(text: str) -> int:
    """How much a sentence tells a reader: figures, names and firsts up; stock phrases down."""
    figures = len({q.shown for q in units.find_quantities(text)})
    named = len(_NAMED.findall(text))
    quoted = len(_QUOTED.findall(text))
    score = 2 * min(figures, 4) + 2 * min(named, 2) + min(quoted, 2) + (3 if _FIRST.search(text) else 0)
    stock = len(_STOCK.findall(text))
    return score - min(stock, 3) if score < 4 else score


def sentences(text: str) -> list[tuple[int, str]]:
    return [(s, text[s:e].strip()) for s, e in sentence_spans(text, 0, len(text)) if e - s >= MIN_CHARS]


def trim(sentence: str, limit: int = QUOTE_CHARS) -> str:
    """The sentence, or its most informative run of whole clauses within `limit` characters."""
    if len(sentence) <= limit:
        return sentence
    clauses = _CLAUSE.findall(sentence)
    best, best_score = (0, 1), None
    for i in range(len(clauses)):
        length = 0
        for j in range(i, len(clauses)):
            length += len(clauses[j])
            if length > limit and j > i:
                break
            score = (information("".join(clauses[i:j + 1])), -i)
            if best_score is None or score > best_score:
                best, best_score = (i, j + 1), score
    i, j = best
    text = "".join(clauses[i:j]).rstrip(",;:,;:")
    if len(text) > limit:
        text = text[:limit]
    return ("…" if i > 0 else "") + text + ("" if j == len(clauses) and text.endswith("。") else "…")


def prefix(sentence: str, limit: int = SHORT_CHARS) -> str:
    """The sentence's leading whole clauses within `limit` characters (… where cut)."""
    if len(sentence) <= limit:
        return sentence
    text = ""
    for clause in _CLAUSE.findall(sentence):
        if text and len(text) + len(clause) > limit:
            break
        text += clause
    return text[:limit].rstrip(",;:,;:") + "…"


def label_of(chunk: Passage, at: int) -> str:
    """The 一是-point before position `at` in the chunk, else the chunk's own heading, without numbering."""
    points = list(re.finditer(POINT_LABEL, chunk.text[:at + 1]))
    if points:
        text = re.split(r"[。;;,,:]", chunk.text[points[-1].end():], maxsplit=1)[0]
    else:
        text = chunk.heading.split(" > ")[-1] if chunk.heading else ""
    return short_label(text)


def short_label(heading: str, limit: int = 16) -> str:
    """A heading without its numbering ((一)/1、/一是), cut to `limit` characters (… where cut)."""
    text = NUMBERING.sub("", heading).rstrip("。")
    return text if len(text) <= limit else text[:limit - 1] + "…"


def headline_measures(chunks: list[Passage], limit: int = HEADLINE_MEASURES) -> list[Pick]:
    """The `limit` most informative sentences of the measure chunks, at most one per section (two
    when a report has fewer sections than picks), in report order."""
    candidates = []
    for index, chunk in enumerate(chunks):
        for start, sentence in sentences(chunk.text):
            score = information(sentence)
            if sentence.rstrip("。") not in chunk.heading and not sentence.endswith((":", ":")):  # not a lead-in
                candidates.append((score, index, start, chunk, sentence))
    if any(c[0] > 0 for c in candidates):
        candidates = [c for c in candidates if c[0] > 0]
    else:  # a report of stock phrases only still gets its least empty ones, fewer of them
        limit = min(limit, FALLBACK_MEASURES)
    candidates.sort(key=lambda c: (-c[0], c[1], c[2]))
    picked, per_section, seen = [], {}, set()
    for allowed in (1, 2, limit):
        for score, index, start, chunk, sentence in candidates:
            section = " > ".join(chunk.heading.split(" > ")[:2])
            if len(picked) >= limit or sentence in seen or per_section.get(section, 0) >= allowed:
                continue  # by text: overlapping chunks repeat a sentence
            seen.add(sentence)
            per_section[section] = per_section.get(section, 0) + 1
            picked.append(Pick(chunk, trim(sentence), label_of(chunk, start), (index, start)))
    return sorted(picked, key=lambda p: p.order)


def headline_figures(facts: list[Fact], limit: int = HEADLINE_FIGURES) -> list[Fact]:
    """One value per indicator, spread over the report: rates first, then the first figure of each
    paragraph not yet shown, then the rest; shown in report order."""
    ranked: list[Fact] = []
    names: set[str] = set()
    shown_chunks: set[str] = set()
    stages = [lambda f: f.unit == "%", lambda f: f.chunk_id not in shown_chunks, lambda f: True]
    for stage in stages:
        for fact in facts:
            if len(ranked) < limit and fact.indicator not in names and stage(fact):
                names.add(fact.indicator)
                shown_chunks.add(fact.chunk_id)
                ranked.append(fact)
    return sorted(ranked, key=facts.index)


def short_items(picked: list[tuple[Passage, str]], limit: int = 4) -> list[tuple[Passage, str]]:
    """Problems or plans for the first screen: one short quote per item, the first `limit` items
    (a whole-section quote split into its sentences)."""
    out = []
    for chunk, quote in picked:
        parts = [s for _, s in sentences(quote)] or [quote]
        for part in parts if len(picked) < limit else parts[:1]:
            if len(out) < limit:
                out.append((chunk, prefix(part)))
    return out
