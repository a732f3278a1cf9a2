"""retrieve -> build context -> answer (LLM or extractive) -> parse citations -> verify.

`answer()` is what the CLI, the UI and the eval harness call. It refuses (with the shared refusal
phrase, saying what the index does contain) when the asked region or year is not indexed or the
evidence is weak, and it never echoes text flagged as injected spam.
"""
from __future__ import annotations

import re
import time
from collections.abc import Callable

from rag.answer import compose, items, structured
from rag.answer.question import analyse, slot_of
from rag.answer.cite import REFUSAL, strip_invalid, verify, vouched
from rag.types import Answer, Citation, Passage

_PLAN_WORDS = re.compile(r"(计划|安排|打算|下一步|思路|部署|目标|(?:\d{4}年|明年)(?:要|将|准备|拟)|重点(?:抓|做|推进))")
_ASKS_GAP = re.compile(r"相差|差[了几多]|差距|高出|低出|多出|[多少]多少|[多少]了?几")


def answer(question: str, pipeline, mode: str = "auto", regions: list[str] | None = None,
           years: list[int] | None = None, history: list[Answer] | None = None, llm_client=None,
           on_token: Callable[[str], None] | None = None) -> Answer:
    """analyse -> retrieve -> select evidence -> compose -> verify."""
    started = time.perf_counter()
    coverage = pipeline.coverage()
    asked = analyse(question, history or [], coverage)
    resolved = asked.resolved
    scope = {"regions": regions or asked.regions or None, "years": years or asked.years or None}
    result = pipeline.search(resolved, k=10, **scope)
    plan = result.plan
    if len(asked.parts) >= 2 and asked.intent not in ("compare", "meta", "section"):
        # each part of a multi-part question searched on its own too: one query's top ten may serve one part
        seen = {p.chunk_id for p in result.passages}
        for part in asked.parts:
            found = pipeline.search(part.text, k=5, **scope).passages
            result.passages += [p for p in found if p.chunk_id not in seen]
            seen |= {p.chunk_id for p in found}
    refusal = _coverage_refusal(plan, coverage)
    out = Answer(question=question, answer="", mode="extractive", refused=False, retrieved=result.passages,
                 notices=list(plan.notices), resolved_question=resolved, regions=plan.regions, years=plan.years)
    comparing = len(plan.regions) >= 2 or (not plan.regions and asked.intent == "compare")
    if refusal and plan.regions and not plan.unknown_regions:
        _events_of_missing_year(out, pipeline, resolved, plan, refusal, asked)
    elif refusal:
        out.answer, out.refused = refusal, True
    elif comparing:
        _compare(out, pipeline, resolved, plan)
    else:
        use_llm = mode == "llm" or (mode == "auto" and _llm_ready(pipeline.settings))
        if use_llm:
            _with_llm(out, pipeline, resolved, result.passages, history or [], llm_client, on_token)
        if not use_llm or out.mode == "extractive":
            _extractive(out, pipeline, resolved, plan, result.passages, asked)
    out.latency_ms = round((time.perf_counter() - started) * 1000, 1)
    return out


def _llm_ready(settings) -> bool:
    from rag.answer.llm import llm_configured

    return llm_configured(settings)


def _coverage_refusal(plan, coverage) -> str:
    """Refuse when the question names only regions/years the index does not hold."""
    holdings = "、".join(f"{r}{coverage.held(r)}" for r in coverage.regions) or "无"
    if plan.unknown_regions and not plan.regions:
        return f"{REFUSAL}。{''.join(plan.notices)}现有报告: {holdings}。"
    if plan.years and not plan.year_filter and not plan.doc_filter and not plan.unsure_year \
            and not _plan_year(plan, coverage):
        return f"{REFUSAL}。{''.join(plan.notices)}"
    return ""


def _plan_year(plan, coverage) -> bool:
    """'平遥2021年的工作安排' is answered by the 2020 report's plan section: a year right after a
    covered report year, asked with plan words, is not a missing report."""
    if not _PLAN_WORDS.search(plan.question):
        return False
    covered = {y for r in (plan.regions or coverage.regions) for y in coverage.years_of(r)}
    if all(y - 1 in covered for y in plan.years):
        coverage.restrict(plan, [y - 1 for y in plan.years])
        plan.notices = [f"{y}年的安排见{y - 1}年报告中的工作计划。" for y in plan.years]
        return True
    return False


def _events_of_missing_year(out: Answer, pipeline, question: str, plan, refusal: str, asked) -> None:
    """No report for the asked year, but another report may record events of that year
    ("2021年市政府督查机构对121项重点工作进行跟踪督办" in a 2022 article). Answer only from
    sentences that name the year; otherwise refuse, saying which years exist."""
    if _year_before(out, pipeline, question, plan.years, asked):  # the year before, written or computed from its change
        return
    years = tuple(f"{y}年" for y in plan.years)
    composed = compose.extractive(question, plan, out.retrieved, pipeline.lexical.idf, pipeline.similarity,
                                  must_contain=years, analysis=asked)
    if composed.citations and not composed.refused:
        out.notices.append("以下内容来自其他年度报告中对该年情况的记述。")
        _finish(out, composed, "extractive")
        return
    out.answer, out.refused = refusal, True


def _year_before(out: Answer, pipeline, question: str, years: list[int], asked) -> bool:
    """A rate or count of the year before a report's year: its level less the change the report states
    (较上年提高2.3个百分点, 同比增长18.6%), with a notice that it is computed."""
    later = [p for p in out.retrieved if p.year is not None and all(p.year == y + 1 for y in years)]
    if not later or asked.slot.kind not in ("rate", "count"):
        return False
    composed = compose.previous_level(question, later, pipeline.lexical.idf, pipeline.similarity, asked)
    if composed is None:
        return False
    asked_years = '、'.join(f'{y}年' for y in years)
    out.notices.append(f"没有{asked_years}的报告;以下由{later[0].year}年报告所写的水平和较上年的变化推算。" if composed.derived
                       else f"没有{asked_years}的报告;以下是{later[0].year}年报告中写明的{asked_years}数字。")
    _finish(out, composed, "extractive")
    return True


_YEAR = re.compile(r"(\d{4})年")
# the year before the report's own, named relative to it ("去年" is left out: in a report it is often the report's year)
_YEAR_BEFORE = re.compile(r"(?<![比较和与跟])(?:(?:上一年|上年度|前一年)(?:度)?的?|上年的)")
_SINCE = re.compile(r"(?:比|较|和|与|跟)(?:上一年|上年度|上年|前一年)|同比")


def _asked_year_before(question: str, plan, coverage) -> list[int]:
    """'2021年比上年有提升,2020年的优良率是多少': the year the asking clause names, when the region has no
    report of it but has one of the year after."""
    covered = {y for r in plan.regions for y in coverage.years_of(r)}
    if _YEAR_BEFORE.search(question) and len(covered) == 1 and not _SINCE.search(question):
        return [min(covered) - 1]  # "上一年的败诉率是多少": the year before the one report's year
    clauses = [c for c in re.split(r"[,，;；?？。]", question) if c.strip()]
    asks = [c for c in clauses if re.search(r"多少|几", c)] or clauses[-1:]
    asking = asks[-1] if asks else ""  # the last clause that asks (按2021年报告算 asks nothing)
    named = [int(y) for y in _YEAR.findall(asking)]
    if len(named) != 1 or not plan.regions:
        return []
    return named if named[0] not in covered and named[0] + 1 in covered else []


def _extractive(out: Answer, pipeline, question: str, plan, passages: list[Passage], asked) -> None:
    docs = _target_docs(pipeline, plan, passages)
    read: dict[str, list[Passage]] = {}  # a report's chunks, read from the store once per answer

    def chunks_of(doc_id: str) -> list[Passage]:
        if doc_id not in read:
            read[doc_id] = pipeline.store.document_chunks(doc_id)
        return read[doc_id]

    composed = None
    if asked.intent == "meta" and docs:
        text, citations = structured.meta_answer([(d, chunks_of(d.doc_id)) for d in docs],
                                                   asked.meta)
        composed = compose.Composed(text, citations) if text else None
    elif asked.intent == "section" and len(docs) == 1:
        chunks = chunks_of(docs[0].doc_id)
        answers = [structured.section_answer(kind, docs[0], chunks) for kind in asked.section.split()]
        composed = compose.merged_sections([a for a in answers if a[0]]) or None
    if composed is None and (before := _asked_year_before(question, plan, pipeline.coverage())) and \
            _year_before(out, pipeline, question, before, asked):
        return
    if composed is None:
        following = _following(chunks_of, passages[:3]) if any(p.slot.kind == "list" for p in asked.parts) else {}
        composed = compose.extractive(question, plan, passages, pipeline.lexical.idf, pipeline.similarity,
                                      analysis=asked, following=following)
        out.retrieved = out.retrieved + [p for p in following.values() if p not in out.retrieved]
    if asked.intent == "list" and len(docs) == 1:
        # honours or titles that the best sentences do not name ("获得了哪些荣誉" vs "获评…"), or honours the report
        # names in more places than its best sentences: the whole report's
        chunks = chunks_of(docs[0].doc_id)
        whole = compose.document_items(question, chunks)
        wanted = 1 if whole is None or items.asked_kinds(question) != ["honours"] else compose.named_items(question, whole)
        if whole is not None and (composed.refused or compose.named_items(question, composed) < wanted):
            composed = whole
            out.retrieved = out.retrieved + [c for c in chunks if c.chunk_id in {x.chunk_id for x in composed.citations}]
    _finish(out, composed, "extractive")


def _following(chunks_of: Callable[[str], list[Passage]], passages: list[Passage]) -> dict[str, Passage]:
    """For each passage, the chunk of its report that goes on with its paragraph (starts at or before
    its end), if any: a list's items often run past a chunk's end."""
    out = {}
    for passage in passages:
        nxt = next((c for c in chunks_of(passage.doc_id) if passage.start < c.start <= passage.end), None)
        if nxt is not None:
            out[passage.chunk_id] = nxt
    return out


def _target_docs(pipeline, plan, passages: list[Passage]) -> list:
    """The reports a question is about: its regions (and years), else the best passage's report."""
    docs = [d for d, _ in pipeline.documents()]
    chosen = [d for d in docs if d.region in plan.regions and (not plan.year_filter or d.year in plan.year_filter)
              and (not plan.doc_filter or d.doc_id in plan.doc_filter)]
    if not chosen and passages:
        chosen = [d for d in docs if d.doc_id == passages[0].doc_id]
    return chosen


def _compare(out: Answer, pipeline, question: str, plan) -> None:
    regions = plan.regions or pipeline.coverage().regions
    own = compose.own_wording(question, regions)  # "本溪的“全市通办”和温州的“全城通办”": each region's own thing
    if not own and _compare_facts(out, pipeline, question, regions):
        return
    # one search over all the regions, grouped; a region it leaves short gets a search of its own
    years = plan.year_filter or None
    found = pipeline.search(question, k=5 * len(regions), regions=regions, years=years).passages if not own else []
    per_region = {region: [p for p in found if p.region == region][:5] for region in regions}
    for region in [r for r, ps in per_region.items() if len(ps) < 3]:
        per_region[region] = pipeline.search(own.get(region, question), k=5, regions=[region], years=years).passages
    out.retrieved = [p for ps in per_region.values() for p in ps[:3]]
    text, citations = compose.comparison(question, per_region, pipeline.lexical.idf, pipeline.similarity, own)
    _finish(out, compose.Composed(text, citations, not citations), "extractive")


def _compare_facts(out: Answer, pipeline, question: str, regions: list[str]) -> bool:
    """Comparisons on a known indicator read the facts table: one cited value per report, ranked;
    a region whose value was not extracted gets its most relevant sentence quoted, or is named."""
    from rag.answer.extractive import in_report_terms
    from rag.compare import answer_text, compare, quote_missing
    from rag.facts import find_indicator

    wording = in_report_terms(question)
    indicator = find_indicator(wording)
    if indicator is None:
        return False
    asked = slot_of(wording)
    if asked.kind == "rate" and asked.rates and indicator.unit != "%":
        return False  # 执法资格考试…通过率: a rate of the indicator's counts, computed per region, not its counts
    table = compare(pipeline, wording, regions)
    if not table.rows:
        return False
    passages = pipeline.store.get([fact.chunk_id for _, fact in table.rows])
    quoted = quote_missing(pipeline, question, table)
    citations = [compose.citation(n, passages[fact.chunk_id], [fact.sentence]) for n, fact in table.rows]
    citations += [compose.citation(q.n, passage, [q.text]) for q, passage in quoted]
    out.retrieved = list(passages.values()) + [passage for _, passage in quoted]
    extremes = bool(_ASKS_GAP.search(question))
    _finish(out, compose.Composed(compose.EXTRACTIVE_NOTE + answer_text(table, [q for q, _ in quoted], extremes),
                                  citations),
            "extractive")
    return True


def _with_llm(out: Answer, pipeline, question: str, passages: list[Passage], history: list[Answer],
              client, on_token) -> None:
    from rag.answer import llm

    settings = pipeline.settings
    try:
        client = client or llm.make_client(settings)
        pairs = [(h.question, h.answer) for h in history[-3:]]
        messages, sent = llm.build_messages(question, [compose.masked(p) for p in passages], settings, pairs)
        parts = []
        for delta in llm.stream_answer(client, settings, messages):
            parts.append(delta)
            if on_token:
                on_token(delta)
        text = "".join(parts).strip()
    except llm.LLMUnavailable as err:
        out.notices.append(f"{err};已改用抽取式回答。")
        return
    originals = {p.chunk_id: p for p in passages}  # unmasked, untruncated: what citations show
    citations = [compose.citation(n, originals[s.chunk_id], []) for n, s in enumerate(sent, 1)]
    _finish(out, compose.Composed(text, citations, REFUSAL in text), "llm")


def _finish(out: Answer, composed, mode: str) -> None:
    """Verify markers and numbers (a number may be derived from cited ones by one shown operation),
    drop invalid markers, keep only cited passages."""
    text = compose.mask_spam(composed.text, out.retrieved)
    by_n = {c.n: c for c in composed.citations}
    out.mode = mode
    if not by_n and text.startswith(REFUSAL):  # our own refusal template claims no facts
        out.answer, out.refused = text, True
        return
    extra = {c.n: vouched(c.year, c.heading) for c in composed.citations}
    check = verify(text, {n: c.text for n, c in by_n.items()}, extra)
    out.answer = strip_invalid(text, check.invalid_markers)
    out.invalid_markers, out.unverified, out.derived = check.invalid_markers, check.unverified, check.derived
    out.citations = [by_n[n] for n in sorted(check.markers)]
    out.refused = out.refused or composed.refused or text.startswith(REFUSAL)
