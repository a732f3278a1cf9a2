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
    doc_type: str = ""  # annual_report | news
    issuer: str = ""
    publisher: str = ""
    signed: str = ""  # ISO date the report was signed
    published: str = ""  # ISO date it was posted
    encoding: str = ""
    header: dict[str, str] = field(default_factory=dict)
    flags: list[Span] = field(default_factory=list)

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
