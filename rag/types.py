"""The small typed records that flow through the pipeline: files -> documents -> chunks -> passages."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Span:
    """A flagged stretch of a cleaned document (e.g. injected spam), with char offsets."""

    start: int
    end: int
    text: str
    reason: str
    replacement: str | None = None  # what probably stood there, when the position tells


def years_said(years: tuple[int, ...]) -> str:
    """Covered years as a reader says them: (2022,) -> 2022年, (2019, …, 2023) -> 2019—2023年, () -> ''."""
    return f"{years[0]}—{years[-1]}年" if len(years) > 1 else f"{years[0]}年" if years else ""


@dataclass
class Document:
    """One report after loading and cleaning, with its metadata."""

    doc_id: str
    source: str  # original file name
    path: str
    sha1: str
    text: str  # cleaned text; chunk offsets point into it
    title: str = ""
    region: str = ""  # normalised full name, e.g. 长沙市芙蓉区
    region_level: str = ""  # 省 / 地级市 / 县区
    province: str = ""
    year: int | None = None  # the year the report covers
    span: str = ""  # a report of several years names them instead: "2019-2023" (year is then None)
    doc_type: str = ""  # annual_report | news | interpretation | plan | yearbook | other
    issuer: str = ""
    publisher: str = ""
    signed: str = ""  # ISO date the report was signed
    published: str = ""  # ISO date it was posted
    encoding: str = ""
    header: dict[str, str] = field(default_factory=dict)
    flags: list[Span] = field(default_factory=list)
    # where each metadata field came from and how sure it is:
    # {"year": {"source": "title", "confidence": "high"}, ...}; sources: title, opening, heading,
    # header, signature, body, sidecar, user; confidence: high | medium | low
    provenance: dict[str, dict[str, str]] = field(default_factory=dict)

    def years_said(self) -> str:
        """The years it covers as a reader says them: 2022年, 2019—2023年; '' when unknown."""
        return years_said(self.covered())

    def covered(self) -> tuple[int, ...]:
        """The years the report covers: its year, else every year of its span; () when unknown."""
        if self.year is not None:
            return (self.year,)
        first, _, last = self.span.partition("-")
        return tuple(range(int(first), int(last) + 1)) if last else ()

    def meta(self) -> dict:
        data = asdict(self)
        data.pop("text")
        return data


@dataclass
class Chunk:
    """A retrievable unit: a paragraph or a sentence-aligned piece of one."""

    chunk_id: str
    doc_id: str
    text: str
    start: int
    end: int
    heading: str  # heading path joined with " > "
    ordinal: int  # position in the document
    flags: list[Span] = field(default_factory=list)


@dataclass
class Passage:
    """A retrieved chunk with the metadata needed to show and cite it."""

    chunk_id: str
    text: str
    source: str
    region: str
    year: int | None
    title: str
    heading: str
    doc_id: str
    start: int
    end: int
    score: float = 0.0
    flags: list[dict] = field(default_factory=list)
    ranks: dict[str, int] = field(default_factory=dict)  # rank per retriever, for diagnosis

    def to_json(self) -> dict:
        return asdict(self)


@dataclass
class Citation:
    """A passage an answer cites as [n], with the sentence(s) the answer took from it."""

    n: int
    chunk_id: str
    source: str
    text: str
    region: str
    year: int | None
    title: str
    heading: str
    quotes: list[str] = field(default_factory=list)  # verbatim sentences used (for highlighting)
    flags: list[dict] = field(default_factory=list)  # flagged spans (spam) inside the passage

    def to_json(self) -> dict:
        return asdict(self)


@dataclass
class Answer:
    question: str
    answer: str
    mode: str  # llm | extractive
    refused: bool
    citations: list[Citation] = field(default_factory=list)
    retrieved: list[Passage] = field(default_factory=list)
    unverified: list[str] = field(default_factory=list)
    derived: list[dict] = field(default_factory=list)  # {"value", "operation"}: computed from cited numbers
    invalid_markers: list[int] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    resolved_question: str = ""  # the question after follow-up resolution
    regions: list[str] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    latency_ms: float = 0.0

    def to_json(self) -> dict:
        return {
            "question": self.question, "answer": self.answer, "refused": self.refused, "mode": self.mode,
            "citations": [{"n": c.n, "chunk_id": c.chunk_id, "source": c.source, "text": c.text,
                           "region": c.region, "year": c.year, "heading": c.heading, "quotes": c.quotes}
                          for c in self.citations],
            "retrieved": [{"chunk_id": p.chunk_id, "source": p.source, "region": p.region, "year": p.year,
                           "text": p.text, "score": p.score} for p in self.retrieved],
            "unverified": self.unverified, "derived": self.derived, "invalid_markers": self.invalid_markers, "notices": self.notices,
            "resolved_question": self.resolved_question, "latency_ms": self.latency_ms,
        }
