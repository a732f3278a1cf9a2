"""Indicator facts: (region, year, indicator, value, unit, chunk, sentence) extracted at ingest.

The indicators are a domain vocabulary (rag/indicators.py over rag/data/indicators.toml: name,
aliases, subject, measure words, unit kind). A fact is an indicator's measure word plus a number with a unit of its kind
(rag/units.py) in the SAME clause — sentences split at ,;。 and at 、 after a figure — about the
indicator's subject, found in the clause, earlier in the sentence or in the heading path. Not
values: changes (同比增长17%, 提高5个百分点), targets (力争…达到), plan sections, parenthesised
figures, and sub-counts (其中… repeating an indicator; a centre or platform as the subject; a
scope since a platform started; N个试点单位共…).
Facts live in SQLite beside the catalog.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from rag import units
from rag.index.catalog import Database
from rag.indicators import Indicator, find_indicator, indicators  # noqa: F401  (the vocabulary, re-exported)
from rag.ingest.chunk import sentence_spans
from rag.types import Chunk, Document
SKIPPED_HEADINGS = ("文档信息", "落款")
PLAN_HEADING = re.compile(r"下一步|下步|今后|计划|安排|打算|思路|改进措施")
_TARGET = re.compile(r"(力争|争取|确保|目标|预计|拟)[^,]{0,12}$")
_NOT_COUNTED = re.compile(r"^(方面|环节|领域|步骤|阶段|层级|维度|种类|大类|类别|年度|月|小时|工作日)")
_SUB_CLAUSE = re.compile(r"^(其中|内含|含)")
_SUB_SUBJECT = re.compile(r"^(?:该|此)?(?!依托|通过|借助|利用|纳入|在|发挥|充分|建设|建立|设立|成立|组建|打造|推动)"
                          r"[\u4e00-\u9fff“”]{0,8}?(中心|工作站|服务站|调解室|工作室|窗口|驿站|平台)"
                          r"(?=共|累计|先后|已|今年|全年|[走发开为接调审办受出提])")
_SUB_SCOPE = re.compile(r"(自|从)[^,\d]{1,12}(以来|运行|上线)|专项(行动|活动|整治)(中|期间)")
_COUNTED_UNITS = re.compile(r"^[^,]{0,4}?\d+个[^,\d]{1,10}?(单位|部门|机构)(共|累计|合计)")
_CLAUSE_END = re.compile(r"[;。:!?]|,(?!(?<=\d,)\d{3}(?!\d))")  # not the comma of 1,286
_CONTINUES = re.compile(r"^(覆盖|惠及|参训|涉及|累计|共计|合计)")
SUBJECT_LEVEL_COST = 4  # a subject carried from the sentence start costs 4 characters of distance; heading 8
AFTER_COST = 2  # a measure after the number ("1008人参加考试") costs 2 characters more than one before


@dataclass
class Fact:
    doc_id: str
    region: str
    year: int | None
    indicator: str
    value: float
    unit: str
    shown: str  # as written, e.g. 20.93%
    chunk_id: str
    sentence: str


def extract(doc: Document, chunks: list[Chunk]) -> list[Fact]:
    """Every (indicator, value) the document states, first statement first, each with its sentence."""
    facts, seen = [], set()
    for chunk in chunks:
        top = chunk.heading.split(" > ")[0] if chunk.heading else ""
        if top in SKIPPED_HEADINGS or PLAN_HEADING.search(top):
            continue  # plans state targets, not values
        for s, e in sentence_spans(chunk.text, 0, len(chunk.text)):
            sentence = chunk.text[s:e].strip()
            for indicator, quantity in sentence_facts(sentence, chunk.heading):
                if (indicator.name, quantity.value) not in seen:
                    seen.add((indicator.name, quantity.value))
                    facts.append(Fact(doc.doc_id, doc.region, doc.year, indicator.name, quantity.value,
                                      quantity.unit, quantity.shown, chunk.chunk_id, sentence))
    return facts


def sentence_facts(sentence: str, heading: str = "") -> list[tuple[Indicator, units.Quantity]]:
    """The (indicator, quantity) pairs one sentence states, in order."""
    out = []
    clauses = split_clauses(plain(sentence))
    sub = parted = False
    centre = ""
    for index, (clause, sub_clause) in enumerate(clauses):
        earlier = ",".join(c for c, _ in clauses[:index])
        sub = sub or bool(_SUB_SCOPE.search(clause) or _COUNTED_UNITS.search(clause))
        centre = centre or ((m := _SUB_SUBJECT.search(clause)) and m[0]) or ""
        parted = parted or sub_clause or clause == "其中"
        if sub:
            continue
        previous = clauses[index - 1][0] if index and _CONTINUES.search(clause) else ""
        stated = {indicator.name for indicator, _ in out}
        # from 其中 on, an indicator already stated is a part of it ("其中市本级…培训2292人");
        # another indicator is a breakdown worth keeping ("审结71件,其中纠错9件").
        # One centre's figures are a part of the whole, unless the centre is named by the indicator's
        # own work (市行政复议服务中心 is where all review cases go; a 公共法律服务中心 is one provider)
        out += [(i, q) for i, q in _clause_facts(clause, earlier, heading, previous)
                if not (parted and i.name in stated)
                and not (centre and not (i.subject and i.subject.search(centre)))]
    return out


def split_clauses(text: str) -> list[tuple[str, bool]]:
    """Clauses at , ; 。: ! ? and at 、 right after a figure ("受理372件、审结344件"), each with
    whether it begins a breakdown (其中…, also for its 、 items)."""
    out = []
    for part in _CLAUSE_END.split(text):
        sub = bool(_SUB_CLAUSE.search(part)) and part != "其中"
        pieces, start = [], 0
        for q in units.find_quantities(part):
            if part[q.end:q.end + 1] == "、":
                pieces.append(part[start:q.end])
                start = q.end + 1
        pieces.append(part[start:])
        out += [(p, sub) for p in pieces if p]
    return out


def plain(sentence: str) -> str:
    """Comparable text: NFKC, no spaces, no parenthesised asides, titles emptied (《…》 -> 《》)."""
    text = unicodedata.normalize("NFKC", sentence)
    text = re.sub(r"\s+", "", text)
    text = re.sub(r"\([^()]*\)", "", text)
    return re.sub(r"《[^《》]*》", "《》", text)


def _clause_facts(clause: str, earlier: str, heading: str, previous: str) -> list[tuple[Indicator, units.Quantity]]:
    out = []
    quantities = units.find_quantities(clause)
    consumed = 0  # a measure taken after a figure ("9个地方性法规") is not the next figure's measure
    for i, q in enumerate(quantities):
        before = clause[consumed:q.start]
        after = clause[q.end:quantities[i + 1].start if i + 1 < len(quantities) else len(clause)]
        if q.unit == "个百分点" or units.is_change(before) or _TARGET.search(before) \
                or _NOT_COUNTED.search(clause[q.end:]) or "分别" in after:  # "A、B分别被评为X、Y": unpaired
            consumed = q.end
            continue
        best = _best(q, previous + before, after, clause, earlier, heading)
        consumed = q.end + (best[2] if best else 0)
        if best:
            out.append((best[1], q))
    return out


def _best(q: units.Quantity, before: str, after: str, clause: str, earlier: str, heading: str):
    """(cost, indicator, characters of `after` used) of the indicator that owns a quantity, or None."""
    best = None
    for indicator in indicators():
        if not indicator.kinds & q.kinds:
            continue
        level = _subject_level(indicator, clause, earlier, heading)
        if level is None or (indicator.unless and indicator.unless.search(before + after)):
            continue
        for cost, used in _measure_costs(indicator, before, after):
            cost += SUBJECT_LEVEL_COST * level
            if best is None or cost < best[0]:
                best = (cost, indicator, used)
    return best


def _measure_costs(indicator: Indicator, before: str, after: str):
    """Distance between the measure and the number: the nearest match before, or the first after."""
    before_hits = [m for m in indicator.measure.finditer(before) if not _negated(before, m.start())]
    if before_hits:
        m = max(before_hits, key=lambda m: (m.end(), m.end() - m.start()))
        gap = len(before) - m.end()
        if gap <= indicator.gap:
            yield gap - (m.end() - m.start()) / 100, 0
    m = indicator.measure.search(after)
    if m and m.start() <= indicator.gap:
        yield m.start() + AFTER_COST - (m.end() - m.start()) / 100, m.end()


def _negated(text: str, start: int) -> bool:
    return text[max(0, start - 2):start].endswith(("不予", "不", "未", "无"))


def _subject_level(indicator: Indicator, clause: str, earlier: str, heading: str) -> int | None:
    """0: the clause names the subject; 1: the sentence did before; 2: the heading path does."""
    if indicator.subject is None:
        return 0
    for level, text in enumerate((clause, earlier, heading)):
        if indicator.subject.search(text):
            return level
    return None


class FactStore:
    """Facts in the catalog's database (rag.index.catalog.Database): a document's facts are replaced
    inside the same transaction as its catalog row when the caller wraps both in `db.write()`."""

    def __init__(self, db: Database) -> None:
        self.db = db
        db.run("CREATE TABLE IF NOT EXISTS facts (fingerprint TEXT, doc_id TEXT, region TEXT, year INTEGER, "
               "indicator TEXT, value REAL, unit TEXT, shown TEXT, chunk_id TEXT, sentence TEXT)")

    def replace(self, fingerprint: str, doc_id: str, facts: list[Fact]) -> None:
        with self.db.write():
            self.db.run("DELETE FROM facts WHERE fingerprint = ? AND doc_id = ?", (fingerprint, doc_id))
            self.db.run("INSERT INTO facts VALUES (?,?,?,?,?,?,?,?,?,?)",
                        [(fingerprint, f.doc_id, f.region, f.year, f.indicator, f.value, f.unit, f.shown,
                          f.chunk_id, f.sentence) for f in facts], many=True)

    def delete(self, fingerprint: str, doc_id: str) -> None:
        self.replace(fingerprint, doc_id, [])

    def relabel(self, fingerprint: str, doc_id: str, region: str, year: int | None) -> None:
        """A corrected document's region and year on its facts (values and sentences unchanged)."""
        self.db.run("UPDATE facts SET region = ?, year = ? WHERE fingerprint = ? AND doc_id = ?",
                    (region, year, fingerprint, doc_id))

    def doc_ids(self, fingerprint: str) -> set[str]:
        return {r[0] for r in self.db.rows("SELECT DISTINCT doc_id FROM facts WHERE fingerprint = ?", (fingerprint,))}

    def count(self, fingerprint: str, doc_id: str) -> int:
        return self.db.rows("SELECT COUNT(*) FROM facts WHERE fingerprint = ? AND doc_id = ?",
                            (fingerprint, doc_id))[0][0]

    def query(self, fingerprint: str, indicator: str | None = None, regions: list[str] | None = None,
              doc_id: str | None = None) -> list[Fact]:
        sql, args = "SELECT doc_id, region, year, indicator, value, unit, shown, chunk_id, sentence FROM facts " \
                    "WHERE fingerprint = ?", [fingerprint]
        if indicator:
            sql, args = sql + " AND indicator = ?", args + [indicator]
        if doc_id:
            sql, args = sql + " AND doc_id = ?", args + [doc_id]
        order = " ORDER BY rowid" if doc_id else " ORDER BY indicator, region, year"  # a report: its own order
        rows = [Fact(*row) for row in self.db.rows(sql + order, args)]
        return [f for f in rows if not regions or f.region in regions]

    def indicators(self, fingerprint: str) -> list[str]:
        rows = self.db.rows("SELECT DISTINCT indicator FROM facts WHERE fingerprint = ? ORDER BY indicator",
                            (fingerprint,))
        return [r[0] for r in rows]
