"""Compose extractive and comparison answers from quotes; mask injected spam; build citations."""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from decimal import Decimal

from rag import retrieve, units
from rag.answer import derive, items
from rag.answer.cite import RELATIVE_DATE, REFUSAL, years_named
from rag.answer.extractive import Quote, best_quotes, content_terms, in_report_terms, on_topic, party_itself
from rag.answer.question import (Analysis, Derivation, Part, derivation_of, invites_estimate, slot_of, split_parts,
                                 years_mentioned)
from rag.answer.thresholds import THRESHOLD
from rag.types import Citation, Passage
EXTRACTIVE_NOTE = "【抽取式回答】未使用大模型,以下句子摘自报告原文。"
SPAM_MASK = "〔已隐去可疑文字〕"


def citation(n: int, passage: Passage, quotes: list[str]) -> Citation:
    return Citation(n, passage.chunk_id, passage.source, passage.text, passage.region, passage.year,
                    passage.title, passage.heading, quotes, passage.flags)


def _label(p: Passage) -> str:
    """Whose words these are: region and year, or the report's title when the region is unknown."""
    if not p.region:
        return f"《{p.title}》" + (f"({p.year}年)" if p.year else "")
    return f"{p.region}{p.year}年" if p.year else p.region


def _drop_words(passages: list[Passage]) -> list[str]:
    """Ways the question may name the passages' regions: not part of the asked-for thing."""
    return [a for r in {p.region for p in passages if p.region} for a in retrieve.aliases(r)]


@dataclass
class Composed:
    """An extractive answer before verification: text, citations, whether it refuses, derived figures."""

    text: str
    citations: list[Citation] = field(default_factory=list)
    refused: bool = False
    derived: list[derive.Derived] = field(default_factory=list)


def _parts(question: str, analysis: Analysis | None) -> list[Part]:
    if analysis is not None and analysis.parts:
        return analysis.parts
    return [Part(p, slot_of(in_report_terms(p))) for p in split_parts(question)]


def _contains(text: str, must_contain: tuple[str, ...]) -> bool:
    """Whether a quote names one of the required words (a year) as its own, not as a base it is
    compared with: "2021年督办121项" names 2021; "826件,比2021年增加74件" does not."""
    # "2022年—": a table's empty cell for that year; "计划2024年新培育200名": a plan for that year, not its events
    return not must_contain or any(re.search(rf"(?<![比较与和跟拟])(?<!相比)(?<!同)(?<!计划)(?<!力争)(?<!争取)(?<!预计)"
                                             rf"(?<!将于)(?<!将在)(?<!计划在)(?<!力争在){re.escape(m)}(?!相比|同期|[—\-/]|无)", text)
                                   for m in must_contain)


def select(question: str, passages: list[Passage], corpus_idf=None, similarity=None,
           must_contain: tuple[str, ...] = (), analysis: Analysis | None = None):
    """(quotes that hold their part's slot, [(part, best quote about it that lacks the slot)])."""
    drop = _drop_words(passages)
    whole = content_terms(question, drop)
    parts = _parts(question, analysis)
    take = 3 if any(p.slot.kind == "list" for p in parts) else 1
    chosen: list[Quote] = []
    missing: list[tuple[Part, Quote | None]] = []
    for part in parts:
        ranked = [q for q in best_quotes(part.text, passages, drop, whole, corpus_idf=corpus_idf,
                                         similarity=similarity, slot=part.slot)
                  if _contains(q.text, must_contain)]
        good = [q for q in ranked if q.holds and q.score >= THRESHOLD]
        if not good:  # the sentence that speaks about it, one of its area of work first
            near = [q for q in ranked if q.about >= THRESHOLD]
            missing.append((part, next((q for q in near if on_topic(part.text, passages[q.passage])), near[0] if near else None)))
            continue
        for quote in good[:take]:
            if any(_overlaps(quote, c) for c in chosen):
                break  # an earlier quote already answers this part best
            chosen.append(quote)
        for query in _per_domain(part.text) if part.slot.kind == "list" else []:
            # "在重大决策、规范性文件和执法追责方面出台了哪些办法": the best sentence of each domain named
            best = next((q for q in best_quotes(query, passages, drop, whole, corpus_idf=corpus_idf, similarity=similarity,
                                                slot=part.slot) if q.holds and q.score >= THRESHOLD
                         and _contains(q.text, must_contain)), None)
            if best is not None and not any(_overlaps(best, c) for c in chosen):
                chosen.append(best)
    return chosen, missing


_DOMAINS = re.compile(r"在?(?P<domains>[^,，在]{4,40}?)(?:等)?(?:这几个|几个|三个|两个)?(?:方面|领域)(?P<rest>.*)$")


def _per_domain(question: str) -> list[str]:
    """One question per domain a list question enumerates before 方面/领域 ("A、B和C方面…" -> "A…", "B…", "C…")."""
    found = _DOMAINS.search(question)
    if not found:
        return []
    domains = [d for d in re.split(r"[、和及与]|以及", found["domains"]) if len(d) >= 2]
    return [f"{d}{found['rest']}" for d in domains] if len(domains) >= 2 else []


def pick_quotes(question: str, passages: list[Passage], corpus_idf=None, similarity=None,
                must_contain: tuple[str, ...] = (), analysis: Analysis | None = None) -> list[Quote]:
    return select(question, passages, corpus_idf, similarity, must_contain, analysis)[0]


def _overlaps(a: Quote, b: Quote) -> bool:
    """The same words: within one passage, or the same sentence in two overlapping chunks."""
    return (a.passage == b.passage and (a.text in b.text or b.text in a.text)) or a.text == b.text


class _Numbering:
    """One citation number per passage, in order of first use."""

    def __init__(self, passages: list[Passage]) -> None:
        self.passages, self.numbers, self.quotes = passages, {}, {}

    def cite(self, index: int, quote: str) -> int:
        n = self.numbers.setdefault(index, len(self.numbers) + 1)
        self.quotes.setdefault(index, [])
        if quote not in self.quotes[index]:
            self.quotes[index].append(quote)
        return n

    def citations(self) -> list[Citation]:
        return [citation(n, self.passages[i], self.quotes[i]) for i, n in self.numbers.items()]


def extractive(question: str, plan, passages: list[Passage], corpus_idf=None, similarity=None,
               must_contain: tuple[str, ...] = (), analysis: Analysis | None = None,
               following: dict[str, Passage] | None = None) -> Composed:
    """The extractive answer; `following` (chunk id -> the chunk that continues its paragraph) lets a
    list read on past a passage's end."""
    passages = list(passages)  # a list may add the chunk that continues a quoted paragraph
    quotes, missing = select(question, passages, corpus_idf, similarity, must_contain, analysis)
    derivation = analysis.derivation if analysis is not None else derivation_of(question)
    if quotes and _OUTCOME_ASKED.search(question) and all(_PLANNED.search(q.text) for q in quotes):
        return _only_planned(passages, quotes)
    slot = analysis.slot if analysis is not None else slot_of(question)
    # "效率提高了多少" asks no unit: a stated move in % answers it (a move in days is asked in days)
    any_unit = derivation is not None and not slot.unit_kinds and not derive.asked_unit(question)
    if derivation is not None and not _stated(derivation, quotes, any_unit):
        derived = _derived(question, derivation, analysis, passages, corpus_idf, similarity, must_contain)
        if derived is not None:
            return derived
        if derivation.op in ("difference", "sum", "compare", "yearchange", "levels") and quotes and \
                (derivation.op != "sum" or derivation.terms) and \
                not any(_states_directly(derivation, q.text, any_unit) for q in quotes):
            # a figure to compute whose operands the reports do not both give: the quote that speaks
            # about it is no answer (它给的是总数, not 没发现问题的件数)
            return _partial(passages, [(part, quotes[0]) for part in _parts(question, analysis)])
    if not quotes and derivation is None and slot.kind == "rate" and slot.rates and len(_parts(question, analysis)) == 1:
        # 合格率 not written, but 参考612人,合格538人 are: the rate is the named part of its whole
        stem = max(slot.rates, key=len).removesuffix("率")
        years = tuple(analysis.years) if analysis is not None else ()  # of a sentence of several years, the asked one's
        derived = _derived(question, Derivation("share", terms=(stem,), years=years), analysis, passages, corpus_idf, similarity,
                           must_contain) if len(stem) >= 2 else None
        operands = derived.derived[0].operation.split(" ÷ ") if derived is not None else []
        sentence = derived.derived[0].sentence if derived is not None else ""
        if derived is not None and _same_unit(sentence, operands) and \
                not (slot.every_agency and party_itself(sentence, sentence.find(operands[0]))):  # 538人 of 612人, not 9个 of 40件
            return derived
    if not quotes and derivation is None and slot.kind == "count" and len(_parts(question, analysis)) == 1:
        derived = _through_negation(question, analysis, passages, corpus_idf, similarity, must_contain)
        if derived is not None:
            return derived
    if not quotes:
        return _partial(passages, missing) or Composed(_weak_refusal(passages), [], True)
    numbering = _Numbering(passages)
    labels = {_label(passages[q.passage]) for q in quotes}
    lines = [EXTRACTIVE_NOTE]
    if len(labels) == 1:
        lines.append(f"{labels.pop()}:")
    for q in quotes:
        prefix = "" if len(lines) > 1 and lines[1].endswith(":") else f"{_label(passages[q.passage])}: "
        lines.append(f"- {prefix}{q.text}[{numbering.cite(q.passage, q.text)}]")
        if slot.kind == "date" and (dated := _relative_date(passages[q.passage].text, q.text)):
            lines.append(f"- {dated}[{numbering.cite(q.passage, q.text)}]")
    for part, _ in missing:  # a part of a multi-part question the reports do not answer
        lines.append(f"- {part.text}: 报告中没有给出{part.slot.describe()}")
    if any(p.slot.kind == "list" for p in _parts(question, analysis)):
        listed = _item_lines(question, passages, quotes, numbering, following)
        if not listed and _COUNTED_NAMES.search(question) and len(_parts(question, analysis)) == 1:
            # "那4项重大决策分别是什么": a report that counts them without naming them does not answer
            return _partial(passages, [(part, quotes[0]) for part in _parts(question, analysis)])
        lines += listed
    return Composed("\n".join(lines), numbering.citations())


_ASKED_VERB = re.compile(r"(?:被|最终|最后|实际|真正)*(?P<verb>[\u4e00-\u9fff]{2})了?的?(?:有|是|共|一共)?(?:多少|几)")


def _through_negation(question, analysis, passages, corpus_idf, similarity, must_contain) -> Composed | None:
    """'收到的申请里,被受理的有多少件' when the report gives 收到22件 and 不予受理8件: the asked count is
    the population it names less the figure of the negated verb."""
    asked = _ASKED_VERB.search(question)
    if not asked or re.search(r"(?:不予|不|未|没有?|非)$", question[:asked.start("verb")]):
        return None  # 不予处罚的有多少: the question asks the negated side itself
    population = re.split(r"[,，]", question[:asked.start()])[-1]
    inside = re.match(r"(?P<whole>.+?)(?:里面|当中|之中|里|中)", population)
    terms = (inside["whole"],) if inside and len(inside["whole"]) >= 2 else ()
    for negation in ("不予", "未", "不"):
        derivation = Derivation("difference", removed=negation + asked["verb"], terms=terms)
        derived = _derived(question, derivation, analysis, passages, corpus_idf, similarity, must_contain)
        if derived is not None:
            return derived
    return None


def _stated(derivation, quotes: list[Quote], any_unit: bool = False) -> bool:
    """A stated rate or change beats a computed one, when it is the asked one: a share's quote must
    name the share's part (政务公开面达100% does not state what share 县政府 holds)."""
    if derivation.op not in ("share", "levels") or not quotes:
        return False
    if derivation.op == "share":  # a negated part's share is the rest of the stated one; an unnamed part names no rate
        return bool(derivation.terms) and not derive.affirmed(derivation.terms[0]) and \
            any(derive.rate_of(derivation.terms[0], q.text) for q in quotes)  # the quote of its part, in a multi-part question
    return _states_directly(derivation, quotes[0].text, any_unit)  # 缩短了3天 states it; 压缩至0.5个工作日 does not


_DIRECT = {"sum": re.compile(r"(合计|共计|总计|一共|共有|累计|总数|共[^,;。]{0,20}\d)"),
           "levels": re.compile(r"(?:减少|缩短|压缩|精简|简化|降低|下降|增加|提高|提升|增长|上升|延长|节省|节约|提速|多|少)"
                                r"了?(?:(?:近|约)?\d+(?:\.\d+)?(?![\d.]*%)|一半|[一二两三四五六七八九十]+[倍成])|百分点"),
           "yearchange": re.compile(r"(?:增加|减少|增长|下降|多|少)了?\d+(?:\.\d+)?(?![\d.]*(?:%|个百分点))"),
           "compare": re.compile(r"(多出|少了|高出|低了|相差|差距|多\d|少\d)")}


_MOVED_IN_PERCENT = re.compile(r"(?:减少|缩短|压缩|降低|下降|增加|提高|提升|增长|上升|提速)了?(?:近|约)?\d+(?:\.\d+)?%")


def _states_directly(derivation, quote: str, any_unit: bool = False) -> bool:
    """Whether a quote states the asked figure itself: the negated side (未通过28人, 尚未办结5件), a
    total (合计120件) or a gap (多出15件) — then the quote answers and nothing is computed."""
    if derivation.op == "difference":
        if not derivation.verb:
            return False
        return bool(re.search(rf"(?:没有?|未|尚未|不)(?:{derivation.verb})[^,;。]{{0,8}}\d", quote))
    if derivation.op in ("levels", "yearchange") and any_unit and _MOVED_IN_PERCENT.search(quote):
        return True
    return bool(_DIRECT[derivation.op].search(quote))


# "创成…了吗", "是否已经建成": a question about an outcome, which a target or a plan does not answer
_ACHIEVED = r"(?:创成|创建成功|建成|完成|达到|达成|实现|通过|获评|评上|成功|拿到|落地|办成|出台)"
_OUTCOME_ASKED = re.compile(rf"{_ACHIEVED}[^,，?？]{{0,16}}(?:了吗|了没有|没有[?？]?$)|(?:是否|有没有|有无)(?:已经?)?{_ACHIEVED}")
_PLANNED = re.compile(r"力争|争取|计划|拟于|目标是|将(?:继续|进一步|持续|坚持|全力|着力|加快|深入|大力|扎实|不断|努力|重点|"
                      r"围绕|在\d{4}年)|下一步|明年")


def _only_planned(passages: list[Passage], quotes: list[Quote]) -> Composed:
    """An outcome asked, only a target or plan stated: cite the plan and refuse to call it done."""
    numbering = _Numbering(passages)
    said = "; ".join(f"{_label(passages[q.passage])}: “{q.text}”[{numbering.cite(q.passage, q.text)}]" for q in quotes[:2])
    return Composed(f"{REFUSAL}。报告提到{said},但这是目标或计划,报告没有给出结果。", numbering.citations(), True)


def _partial(passages: list[Passage], missing) -> Composed | None:
    """The reports speak about the asked-for thing but do not give the asked figure: say so,
    cite what they do say, and refuse."""
    near = list({q.text: (part, q) for part, q in reversed(missing) if q is not None}.values())[::-1]  # one quote once
    if not near:
        return None
    numbering = _Numbering(passages)
    said = "; ".join(f"{_label(passages[q.passage])}: “{q.text}”[{numbering.cite(q.passage, q.text)}]" for _, q in near[:2])
    lacking = "、".join(dict.fromkeys(part.slot.describe() for part, _ in missing))
    return Composed(f"{REFUSAL}。报告提到{said},但没有给出{lacking}。", numbering.citations(), True)


def _derived(question, derivation, analysis, passages, corpus_idf, similarity, must_contain) -> Composed | None:
    """Compute the asked figure; a question asking it in several measures ("除去市本级,各地办了多少期、培训了
    多少人") gets one computation per measure, each as its part asks it."""
    parts = _parts(question, analysis)
    if len(parts) > 1 and len({derive.asked_unit(p.text) for p in parts}) == len(parts) and \
            derivation.op in ("difference", "sum"):
        found = [_derived_one(question, derivation, p.slot, derive.asked_unit(p.text), passages, corpus_idf, similarity,
                              must_contain) for p in parts]
        if all(found):
            return _merged(passages, found)
    slot = analysis.slot if analysis is not None else slot_of(question)
    return _derived_one(question, derivation, slot, derive.asked_unit(question), passages, corpus_idf, similarity,
                        must_contain)


def merged_sections(answers: list[tuple[str, list[Citation]]]) -> Composed | None:
    """Several section answers of one report ("问题以及…打算") as one, the later ones' markers renumbered."""
    if not answers:
        return None
    lines, citations = answers[0][0].split("\n"), list(answers[0][1])
    for text, cited in answers[1:]:
        offset = len(citations)
        lines += [re.sub(r"\[(\d+)\]", lambda m: f"[{int(m[1]) + offset}]", line) for line in text.split("\n")[1:]]
        citations += [replace(c, n=c.n + offset) for c in cited]
    return Composed("\n".join(lines), citations)


def _merged(passages: list[Passage], composed: list[Composed]) -> Composed:
    """Several computed answers over the same passages, their sentences and computations renumbered as one."""
    numbering, lines, derived = _Numbering(passages), [EXTRACTIVE_NOTE], []
    for one in composed:
        by_n = {c.n: c for c in one.citations}
        for line in one.text.split("\n")[1:]:
            def renumber(match):
                cited = by_n[int(match[1])]
                index = next(i for i, p in enumerate(passages) if p.chunk_id == cited.chunk_id)
                return f"[{[numbering.cite(index, quote) for quote in cited.quotes or ['']][-1]}]"
            line = re.sub(r"\[(\d+)\]", renumber, line)
            if line not in lines:
                lines.append(line)
        derived += one.derived
    return Composed("\n".join(lines), numbering.citations(), False, derived)


def _yearly(text: str, sentence: str, year: int) -> str:
    """The whole sentence when it gives several years' figures, one of them the asked year's; else the sentence."""
    whole = _whole_sentence(text, sentence)
    named = years_mentioned(whole)
    return whole if len(named) >= 2 and year in named else sentence


def _derived_one(question, derivation, slot, unit, passages, corpus_idf, similarity, must_contain) -> Composed | None:
    """Compute the asked figure from two figures relevant sentences state, showing the arithmetic:
    from one sentence, else (for figures the question names: A比B多多少, A和B加起来) from two
    sentences of the same report."""
    drop = _drop_words(passages)
    ranked = [q for q in best_quotes(question, passages, drop, corpus_idf=corpus_idf, similarity=similarity, slot=slot)
              if q.about >= THRESHOLD * 0.8 and _contains(q.text, must_contain) and on_topic(question, passages[q.passage])][:6]
    sentences = list(dict.fromkeys((q.passage, _sentence_of(passages[q.passage].text, q.text)) for q in ranked))
    if derivation.op in ("points", "levels"):  # a level and the year it is of may be clauses apart (2023年,…;…11.71%。)
        sentences = list(dict.fromkeys((i, _whole_sentence(passages[i].text, s)) for i, s in sentences))
    elif len(derivation.years) == 1 and derivation.op in ("share", "difference", "sum"):
        # "2021年参加623人、通过548人;…2023年参加657人、通过602人。": read on to the asked year's part
        sentences = list(dict.fromkeys((i, _yearly(passages[i].text, s, derivation.years[0])) for i, s in sentences))
    for index, sentence in sentences:
        found = derive.solve(derivation, slot, sentence, unit)
        if found is not None:
            return _derived_answer(passages, [(index, sentence)], found)
    named = derivation.op in ("compare", "sum") or (derivation.op == "share" and derivation.terms)
    if not named and derivation.op not in ("difference", "points", "levels"):
        return None
    # a sentence opening on its paragraph's last figure ("审结151件。审结案件中,…终止36件") is read with the one before
    sentences += [(index, before) for index, sentence in sentences[:3]
                  if (before := _sentence_before(passages[index].text, sentence)) and (index, before) not in sentences]
    pairs = []
    for i, (first, a) in enumerate(sentences):
        for j, (second, b) in enumerate(sentences[i + 1:], i + 1):
            # named figures may sit in two sentences of one report; a total and its part in one paragraph
            same = passages[first].doc_id == passages[second].doc_id if named else first == second
            if same and a != b:  # sentences of one paragraph first, the nearest first (a clause after ";" goes on)
                gap = abs(passages[first].start + passages[first].text.find(a) - passages[second].start
                          - passages[second].text.find(b))
                pairs.append(((first != second, gap, i + j), (first, a), (second, b)))
    for _, x, y in sorted(pairs, key=lambda p: p[0]):
        pair = sorted([x, y], key=lambda q: passages[q[0]].start + passages[q[0]].text.find(q[1]))
        found = derive.solve(derivation, slot, pair[0][1] + pair[1][1], unit)
        if found is not None:
            return _derived_answer(passages, pair, found)
    return None


def previous_level(question: str, passages: list[Passage], corpus_idf, similarity, analysis) -> Composed | None:
    """The asked rate or count of the year before a report's year, from the level the report states and
    its stated change from last year, shown as one operation (98.6% − 2.3 = 96.3%; 1268 ÷ (1 + 42.3%) ≈ 891件)."""
    drop = _drop_words(passages)
    asked = "rate" if analysis.slot.kind == "rate" else "count"
    for quote in best_quotes(question, passages, drop, corpus_idf=corpus_idf, similarity=similarity,
                             slot=analysis.slot)[:5]:
        if not quote.holds or quote.score < THRESHOLD:
            continue
        sentence = _sentence_of(passages[quote.passage].text, quote.text)
        year = passages[quote.passage].year - 1 if passages[quote.passage].year else None
        if year and _states_year(sentence, year, analysis.slot):  # "2023年1043件,2022年962件": written, not computed
            numbering = _Numbering(passages)
            n = numbering.cite(quote.passage, sentence)
            lines = [EXTRACTIVE_NOTE, f"{_label(passages[quote.passage])}:", f"- {sentence}[{n}]"]
            # "…有多少件?到2023年增加了多少?": the change asked after it, from the same two years' figures
            moved = derive.solve(analysis.derivation, analysis.slot, sentence, derive.asked_unit(question)) \
                if analysis.derivation is not None and analysis.derivation.op == "levels" else None
            if moved is not None:
                lines.append(f"- 计算得出: {moved.shown}[{n}]")
            return Composed("\n".join(lines), numbering.citations(), False, [moved] if moved else [])
        found = derive.before_change(sentence, asked, year)
        if found is None:
            continue
        numbering = _Numbering(passages)
        n = numbering.cite(quote.passage, sentence)
        if found.approx and not invites_estimate(question):  # 2023年收了多少件: the written figure, which it lacks
            return Composed(f"{REFUSAL}。报告没有写明{year}年的数字,只写了{_label(passages[quote.passage])}的水平和"
                            f"较上年的变化:\n- {sentence}[{n}]\n- 按此推算约为(估算,不是报告中的数字): {found.shown}[{n}]",
                            numbering.citations(), True, [found])
        lines = [EXTRACTIVE_NOTE, f"{_label(passages[quote.passage])}:", f"- {sentence}[{n}]",
                 f"- 计算得出(上一年{'约' if found.approx else ''}): {found.shown}[{n}]"]
        return Composed("\n".join(lines), numbering.citations(), False, [found])
    return None


def _relative_date(text: str, quote: str) -> str:
    """A date written against a year named before it ("2021年…。同年12月28日,…"): that year, said."""
    found = RELATIVE_DATE.search(quote)
    at = text.find(quote)
    years = years_named(text[:max(at, 0) + (found.start() if found else 0)]) if found else []
    return f"{found['word']}即{years[-1]}年: {years[-1]}年{found['date']}" if years else ""


def _same_unit(sentence: str, numbers: list[str]) -> bool:
    """Whether the shown operands are counted in one unit in their sentence (a rate is of like things)."""
    found = {q.number: q.unit.lstrip("余多") for q in units.find_quantities(units.normalize(sentence))}
    return len(numbers) == 2 and all(n in found for n in numbers) and found[numbers[0]] == found[numbers[1]]


def _states_year(sentence: str, year: int, slot) -> bool:
    """Whether a sentence writes the asked figure of `year` itself: 2022年962件, 2022年为96.6%, 上年同期 aside."""
    text = units.normalize(sentence)
    for match in re.finditer(rf"{year}年度?(?:同期)?(?:为|是|的|共|达到?)?", text):
        figure = next(iter(units.find_quantities(text[match.end():match.end() + 12])), None)
        if figure is not None and figure.start == 0 and (
                figure.unit == "%" if slot.kind == "rate" else
                figure.unit != "%" and (not slot.unit_kinds or units.compatible(figure.unit, slot.unit_kinds))):
            return True
    return False


def _derived_answer(passages, quoted: list[tuple[int, str]], found) -> Composed:
    numbering = _Numbering(passages)
    marks = [numbering.cite(index, sentence) for index, sentence in quoted]
    lines = [EXTRACTIVE_NOTE, f"{_label(passages[quoted[0][0]])}:"]
    lines += [f"- {sentence}[{n}]" for (_, sentence), n in zip(quoted, marks)]
    lines.append(f"- 计算得出: {found.shown}{''.join(f'[{n}]' for n in dict.fromkeys(marks))}")
    return Composed("\n".join(lines), numbering.citations(), False, [found])


def _sentence_before(text: str, sentence: str) -> str:
    from rag.ingest.chunk import sentence_spans

    at = text.find(sentence)
    spans = [(s, e) for s, e in sentence_spans(text, 0, len(text)) if e <= at]
    return text[spans[-1][0]:spans[-1][1]].strip() if at > 0 and spans else ""


def _sentence_of(text: str, quote: str) -> str:
    from rag.ingest.chunk import sentence_spans

    at = text.find(quote)
    for s, e in sentence_spans(text, 0, len(text)):
        if s <= at < e:
            return text[s:max(e, at + len(quote))].strip()
    return quote


def _whole_sentence(text: str, part: str) -> str:
    """The sentence up to its 。 that holds `part` (its clauses after ; included)."""
    at = text.find(part)
    start = max(text.rfind(m, 0, at) for m in "。!?") + 1
    ends = [i for i in (text.find(m, at + len(part) - 1) for m in "。!?") if i != -1]
    return text[start:min(ends) + 1 if ends else len(text)].strip()


def named_items(question: str, composed: Composed) -> int:
    """How many of the honours or titles a question asks for an answer names (a list of other things: 1)."""
    kinds = items.asked_kinds(question)
    if not kinds:
        return 1
    return len({i for kind in kinds for c in composed.citations for quote in c.quotes for i in items.items_in(quote, kind)})


def document_items(question: str, chunks: list[Passage]) -> Composed | None:
    """A list question nothing retrieved answers: the honours or titles the whole report names."""
    found = items.in_document(question, chunks)
    if len(found) < 1:
        return None
    numbering = _Numbering(chunks)
    lines = [EXTRACTIVE_NOTE, f"{_label(chunks[0])}(报告中点名的各项):"]
    lines += [f"- {item.text}[{numbering.cite(item.passage, item.sentence)}]" for item in found]
    return Composed("\n".join(lines), numbering.citations())


# names asked of things the question counts itself: "那4项决策分别是什么", "这三个单位是哪几个"
_COUNTED_NAMES = re.compile(r"(?:那|这|其中)?(?:\d+|[两二三四五六七八九十]+)(?:项|个|部|件|家|条|种|类|批)[^,?，？]{0,16}"
                            r"(?:分别是|是哪|有哪|叫什么|名称|都是什么|具体是什么)")


def _item_lines(question: str, passages: list[Passage], quotes: list[Quote], numbering: "_Numbering",
                following: dict[str, Passage] | None = None) -> list[str]:
    """The named items of the quoted sentences, one cited bullet each (after the quotes that name
    them, so counts and context stay with the list). `following` maps a passage to the chunk that
    continues its paragraph; a passage read on into is added to `passages` (and so to the citations)."""
    found: list[items.Item] = []
    for rank, quote in enumerate(quotes):
        if len(found) >= 2 and _shape(found[0].text) in ("other", "point"):
            break  # one enumeration, or one run of 一是/二是 points, is the list: another sentence's is another list
        sentence = _sentence_of(passages[quote.passage].text, quote.text)
        more = (following or {}).get(passages[quote.passage].chunk_id) if rank == 0 else None
        at = None  # the index of the continuing chunk, added to the passages when not among them
        if more is not None:
            ids = [p.chunk_id for p in passages]
            if more.chunk_id not in ids:
                passages.append(more)
                ids.append(more.chunk_id)
            at = ids.index(more.chunk_id)
        # the best quote's paragraph goes on to name more items ("…出台《A》。…出台《B》"): read it to its end
        found += [i for i in items.collect(question, passages, (quote.passage, sentence), whole_passage=rank == 0,
                                           following=at, every_point=quote.section)
                  if i.text not in [x.text for x in found] and (not found or _shape(i.text) == _shape(found[0].text))]
    if len(found) < 2:
        return []
    return ["其中点名的各项:"] + [f"- {i.text}[{numbering.cite(i.passage, i.sentence)}]" for i in found[:12]]


def _shape(item: str) -> str:
    """What kind of named item this is, by its form: a title, a quoted name, a numbered point, other."""
    return "title" if item.startswith("《") else "quoted" if item.startswith("“") else \
        "point" if re.match(items.POINT_LABEL, item) else "other"


def _weak_refusal(passages: list[Passage]) -> str:
    topics = list(dict.fromkeys(f"{_label(p)}「{(p.heading or p.title).split(' > ')[-1]}」" for p in passages[:3]))
    seen = f"最相关的段落是: {'; '.join(topics)}。" if topics else ""
    return f"{REFUSAL}。{seen}"


def own_wording(question: str, regions: list[str]) -> dict[str, str]:
    """Each region's own question when the question names a different thing after each region
    ("本溪的“全市通办”和温州的“全城通办”,哪边事项更多" -> 本溪: “全市通办”,哪边事项更多); {} when the
    regions share one wording ("本溪和温州的仲裁机构…")."""
    at = {}
    for region in regions:
        found = [(question.find(a), a) for a in retrieve.aliases(region) if a in question]
        if not found:
            return {}
        at[region] = min(found, key=lambda f: (f[0], -len(f[1])))
    order = sorted(regions, key=lambda r: at[r][0])
    ask = question[question.rfind(",", at[order[-1]][0]) + 1:] if "," in question[at[order[-1]][0]:] else ""
    own = {}
    for i, region in enumerate(order):
        start = at[region][0] + len(at[region][1])
        end = at[order[i + 1]][0] if i + 1 < len(order) else len(question) - len(ask)
        words = question[start:end].strip(",、和与跟及的 ")
        if len(re.findall(r"[\u4e00-\u9fff]", words)) < 2 or not ask:
            return {}
        own[region] = f"{words.rstrip(',')},{ask}"
    return own


def comparison(question: str, per_region: dict[str, list[Passage]], corpus_idf=None,
               similarity=None, own: dict[str, str] | None = None) -> tuple[str, list[Citation]]:
    """One quote per region (for its own wording, when the question gives each region one), then the
    comparison when the values are of the same indicator."""
    drop = [a for r in per_region for a in retrieve.aliases(r)]
    lines, citations, picked = [EXTRACTIVE_NOTE + "按地区分别摘录:"], [], {}
    # named items (各获得了哪些称号) or several measures (各办了多少期、培训了多少人) take two quotes per region
    asked = slot_of(question)
    take = 2 if asked.kind == "list" or len(split_parts(question)) > 1 else 1
    for region, passages in per_region.items():
        quotes = [q for q in best_quotes((own or {}).get(region, question), passages, drop, corpus_idf=corpus_idf,
                                         similarity=similarity) if q.holds and q.score >= THRESHOLD]
        computed = _rate_of_counts(question, asked, passages, corpus_idf, similarity) if not quotes else None
        if computed is not None:  # 通过率 not written, 参加412人、通过367人 are: the rate is computed, as for one region
            found = computed.derived[0]
            passage = next(p for p in passages if p.chunk_id == computed.citations[0].chunk_id)
            citations.append(citation(len(citations) + 1, passage, [found.sentence]))
            n = citations[-1].n
            lines.append(f"- {_label(passage)}: {found.sentence}[{n}] 计算得出: {found.shown}[{n}]")
            picked[region] = (f"{found.value}{found.unit}", n, passage)
            continue
        if not quotes:
            lines.append(f"- {region}: 报告中未见相关数据")
            continue
        chosen = [quotes[0]] + [q for q in quotes[1:] if not _overlaps(q, quotes[0])][:take - 1]
        numbering, by_passage = [], {}
        for q in chosen:  # one citation per passage, holding each quote from it
            if q.passage not in by_passage:
                citations.append(citation(len(citations) + 1, passages[q.passage], []))
                by_passage[q.passage] = citations[-1]
            by_passage[q.passage].quotes.append(q.text)
            numbering.append(by_passage[q.passage].n)
        picked[region] = (chosen[0].text, numbering[0], passages[chosen[0].passage])
        quoted = " ".join(f"{q.text}[{n}]" for q, n in zip(chosen, numbering))
        lines.append(f"- {_label(passages[chosen[0].passage])}: {quoted}")
    if not picked:
        return f"{REFUSAL}。各地区报告中都未见相关数据。", []
    ranking = _ranking(question, picked)
    if ranking:
        lines += ["", ranking]
    return "\n".join(lines), citations


def _rate_of_counts(question: str, slot, passages: list[Passage], corpus_idf, similarity) -> Composed | None:
    """A named rate a region's report does not state, computed from its part and whole (通过率 from 参加 and
    通过), as a one-region answer computes it; None for any other question."""
    if slot.kind != "rate" or not slot.rates:
        return None
    stem = max(slot.rates, key=len).removesuffix("率")
    if len(stem) < 2:
        return None
    found = _derived_one(question, Derivation("share", terms=(stem,)), slot, "", passages, corpus_idf, similarity, ())
    if found is None or not found.derived or not found.citations:
        return None
    operands = found.derived[0].operation.split(" ÷ ")
    return found if _same_unit(found.derived[0].sentence, operands) else None


def _ranking(question: str, picked: dict) -> str:
    """'比较(纠错率,由高到低): 本溪市 23.29%[1] > 长沙市芙蓉区 20.93%[2]' when every region's quote states
    exactly one figure of the asked kind, all in the same unit (read with the one unit vocabulary),
    rendered by the one comparison renderer (rag.compare)."""
    from rag.compare import Comparison, ranking
    from rag.facts import Fact

    slot = slot_of(question)
    bare = slot.kind == "count" and not (slot.unit_kinds or slot.unit_word or slot.head)  # 各是多少: rates compare too
    kinds = slot.unit_kinds or (frozenset({"rate"}) if bare else frozenset())
    if not kinds:
        return ""
    rows, label = [], slot.label or ("所问数值" if bare else slot.describe())
    for region, (quote, n, passage) in picked.items():
        found = [q for q in units.find_quantities(quote)
                 if not units.is_change(quote[:q.start]) and units.compatible(q.unit, kinds)]
        if len(found) != 1:
            return ""
        q = found[0]
        rows.append((n, Fact(passage.doc_id, region, passage.year, label, q.value, q.unit, q.shown, passage.chunk_id,
                             quote)))
    if len(rows) < 2 or len({fact.unit for _, fact in rows}) != 1:
        return ""
    rows.sort(key=lambda row: -row[1].value)
    return ranking(Comparison(label, rows[0][1].unit, rows), extremes=True)


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
