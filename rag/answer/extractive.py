"""The offline answerer: pick the sentences of the retrieved passages that answer the question.

It matches the asked-for thing (the question's content terms, weighted by rarity) and the expected
answer shape (a count with 件/项/人, a rate %, a date, a 《》 name, a list), quotes the best clause
window verbatim and cites it. Multi-part questions get one quote per part. Weak evidence, or an
expected number that no candidate carries, means refusal: an unrelated number is never an answer.
"""
from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rag.ingest.chunk import sentence_spans
from rag.types import Passage

SYNONYMS_FILE = Path(__file__).resolve().parent.parent / "data" / "synonyms.txt"
_QUESTION_WORDS = re.compile(
    r"(是多少|有多少|多少|几个|几件|几项|几次|几人|几家|哪些|哪个|哪几|哪一|哪里|哪天|什么|怎么样|怎样|如何|是否|"
    r"有没有|请问|请|一下|分别|各是|具体|情况|方面|主要|相关|一共|共计|总共|大概|呢|吗|的|了|是|有|在|和|与|及|"
    r"这份|那份|该|报告|年度|全年|今年|当年|工作|法治政府建设|法治政府|建设|提到|提及|介绍|说明|列举|给出|数据|"
    r"数字|数量|比例|比率|占比|百分比|指标|怎么|为何|为什么|描述|内容|总结|简要|概括)"
)
# single characters that glue a paraphrase together; bigrams across them are noise (问里, 里由)
_FUNCTION_CHARS = set("里由被把对向从给让比就都也还又而且或及其之所为以于将已曾该各每这那哪谁吗呢吧啊么")
# e5 cosines between a question and sentences sit in a narrow band: below SIM_FLOOR is unrelated,
# SIM_FLOOR + SIM_SPAN and above is a close paraphrase (measured on the seeds, see README)
SIM_FLOOR, SIM_SPAN = 0.86, 0.06
# a quote must contain at least this weighted share of the asked-for terms (swept 0.2/0.28/0.35)
MIN_TERM_SHARE = 0.28
_COUNT_UNIT = r"(件|项|人|家|个|次|份|起|名|宗|卷|场|期|部|条|所|例|万元|元|人次|余件|余人|余次|余份|余项|余家)"
SHAPES = {
    "rate": (re.compile(r"(率|比例|比重|占比|百分|%)"), re.compile(r"\d+(\.\d+)?\s*[%％]")),
    "count": (re.compile(r"(多少|几)(件|项|人|家|个|次|份|起|名|宗|卷|场|期|部|条|所)?|数量|件数|人数|次数|数是"),
              re.compile(r"\d+(\.\d+)?\s*" + _COUNT_UNIT)),
    "date": (re.compile(r"(什么时候|何时|哪天|哪一天|日期|几月|时间)"), re.compile(r"\d{4}年\d{1,2}月|\d{4}-\d{2}-\d{2}|\d{1,2}月\d{1,2}日")),
    "year": (re.compile(r"(哪年|哪一年|何年|哪个年份)"), re.compile(r"\d{4}年")),
    "name": (re.compile(r"(什么文件|哪些文件|哪部|哪些制度|什么制度|什么办法|出台|印发|制定了|《)"), re.compile(r"《[^》]{2,40}》")),
}
_LIST = re.compile(r"(哪些|有哪几|包括|列举|几个方面|几方面|问题|不足|计划|打算|下一步|措施|举措)")
_PART_SPLIT = re.compile(r"[??;;]|,(?=[^,,]*(?:多少|几|哪|什么|是否))|、(?=[^、]*(?:多少|几|哪|什么))")


@dataclass
class Quote:
    passage: int  # index into the passages list
    text: str  # verbatim substring of the passage text
    score: float
    part: str


def expected_shapes(question: str) -> set[str]:
    return {name for name, (asks, _) in SHAPES.items() if asks.search(question)}


@lru_cache(maxsize=1)
def _synonyms() -> list[tuple[str, str]]:
    """(colloquial form, report term) pairs, longest form first."""
    pairs = []
    for line in SYNONYMS_FILE.read_text(encoding="utf-8").splitlines():
        if ":" in line and not line.startswith("#"):
            term, forms = line.split(":", 1)
            pairs += [(form, term.strip()) for form in forms.split()]
    return sorted(pairs, key=lambda p: -len(p[0]))


def in_report_terms(question: str) -> str:
    """Rewrite colloquial wording into the reports' terms (输了官司 -> 败诉), longest form first;
    report terms already in the question are kept as they are (行政复议 stays)."""
    pairs = _synonyms()
    terms = sorted({term for _, term in pairs}, key=len, reverse=True)
    out, i = [], 0
    while i < len(question):
        term = next((t for t in terms if question.startswith(t, i)), None)
        hit = None if term else next(((f, t) for f, t in pairs if question.startswith(f, i)), None)
        if term:
            out.append(term)
            i += len(term)
        elif hit:
            out.append(hit[1])
            i += len(hit[0])
        else:
            out.append(question[i])
            i += 1
    return "".join(out)


def content_terms(question: str, drop: list[str]) -> list[str]:
    """Character bigrams of the asked-for thing (question words, regions and years removed)."""
    text = in_report_terms(question)
    for word in sorted(drop, key=len, reverse=True):
        text = text.replace(word, " ")
    text = re.sub(r"\d{4}\s*年?度?|\d+", " ", text)
    text = _QUESTION_WORDS.sub(" ", text)
    runs = re.findall(r"[\u4e00-\u9fff]+", text)
    grams = [run[i: i + 2] for run in runs for i in range(len(run) - 1)
             if not (set(run[i: i + 2]) & _FUNCTION_CHARS)]
    grams += [run for run in runs if len(run) == 1 and run in "率件"]
    return list(dict.fromkeys(grams))


def split_parts(question: str) -> list[str]:
    parts = [p.strip(" ,,。") for p in _PART_SPLIT.split(question) if p and len(p.strip(" ,,。")) >= 2]
    return parts or [question]


def _clauses(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans, cursor = [], start
    for match in re.finditer(r"[,,;;。]", text[start:end]):
        spans.append((cursor, start + match.end()))
        cursor = start + match.end()
    if cursor < end:
        spans.append((cursor, end))
    return spans


def _weights(terms: list[str], passages: list[Passage], corpus_idf) -> dict[str, float]:
    """Term weights: corpus IDF when known (terms the corpus never uses are paraphrase noise and
    carry no weight), else rarity among the retrieved passages."""
    if corpus_idf is None:
        n = len(passages) + 1
        return {t: math.log(1 + n / (1 + sum(t in p.text for p in passages))) for t in terms}
    return {t: w for t in terms if (w := corpus_idf(t))}


def best_quotes(part: str, passages: list[Passage], drop: list[str], context_terms: list[str] = (),
                max_chars: int = 160, corpus_idf=None, similarity=None) -> list[Quote]:
    """Candidate quotes for one question part, best first.

    A sentence scores by the weighted share of the asked-for terms it contains and, when a
    `similarity(question, sentences) -> cosines` function is given, by its embedding similarity
    to the question (robust to paraphrase); a missing expected shape (no % for a rate) costs 60%.
    """
    terms = content_terms(part, drop) or list(context_terms)
    shapes = expected_shapes(part)
    # a rate, date, year or name asked for must be there; a bare 多少 (count) only when nothing else is
    required = (shapes - {"count"}) or shapes
    # a rate asked by name (败诉率) is answered only by that rate, not by another one (调解率)
    rate_heads = set(re.findall(r"[\u4e00-\u9fff]{2}率", in_report_terms(part))) - {"比率", "概率"}
    idf = _weights(terms, passages, corpus_idf)
    total = sum(idf.values())
    if not total:
        return []
    candidates = []
    for index, passage in enumerate(passages):
        text = passage.text
        for s, e in sentence_spans(text, 0, len(text)):
            clauses = _clauses(text, s, e)
            hits = [(cs, ce) for cs, ce in clauses if any(t in text[cs:ce] for t in idf)]
            if hits:
                candidates.append((index, text, s, e, clauses, hits))
    cosines = similarity(part, [c[1][c[2]:c[3]] for c in candidates]) if similarity and candidates else None
    out = []
    for position, (index, text, s, e, clauses, hits) in enumerate(candidates):
        window = _window(text, clauses, hits, shapes, max_chars)
        quote = text[window[0]:window[1]].strip()
        # a term in the passage's heading path counts half: the sentence inherits its section's subject
        heading = passage.heading
        covered = sum(w if t in text[s:e] else w * 0.5 if t in heading else 0 for t, w in idf.items()) / total
        if covered < MIN_TERM_SHARE:
            continue  # similar in meaning but not about the asked-for thing: never an answer
        if cosines is not None:
            covered = 0.5 * covered + 0.5 * min(1.0, max(0.0, (cosines[position] - SIM_FLOOR) / SIM_SPAN))
        shape_ok = all(SHAPES[name][1].search(quote) for name in required) and _names_rates(quote, rate_heads)
        score = covered * (1.0 if shape_ok else 0.4) + 0.05 / (1 + index)
        out.append(Quote(index, quote, round(score, 4), part))
    return sorted(out, key=lambda q: -q.score)


def _names_rates(quote: str, heads: set[str]) -> bool:
    plain = re.sub(r"\([^()]{1,3}\)", "", unicodedata.normalize("NFKC", quote))  # 调(和)解率 -> 调解率
    return not heads or any(head in plain for head in heads)


def _window(text: str, clauses, hits, shapes: set[str], max_chars: int) -> tuple[int, int]:
    """The whole sentence when short enough, else the clauses from the first to the last matching one
    (plus the value clause right after)."""
    if clauses[-1][1] - clauses[0][0] <= max_chars:
        return clauses[0][0], clauses[-1][1]
    first, last = clauses.index(hits[0]), clauses.index(hits[-1])
    if shapes and last + 1 < len(clauses):
        after = text[clauses[last + 1][0]:clauses[last + 1][1]]
        if any(SHAPES[name][1].search(after) for name in shapes) and not any(
            SHAPES[name][1].search(text[clauses[last][0]:clauses[last][1]]) for name in shapes
        ):
            last += 1
    while clauses[last][1] - clauses[first][0] > max_chars and last > first:
        last -= 1
    start, end = clauses[first][0], clauses[last][1]
    return start, min(end, start + max(max_chars, clauses[first][1] - clauses[first][0]))


def is_list_question(question: str) -> bool:
    return bool(_LIST.search(question))
