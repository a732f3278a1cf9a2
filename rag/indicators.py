"""The domain vocabulary of the facts table (rag/data/indicators.toml), and the indicator a
user's words name. Each indicator: name, aliases, subject and measure patterns, unit kind(s)."""
from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

INDICATORS_FILE = Path(__file__).resolve().parent / "data" / "indicators.toml"


@dataclass(frozen=True)
class Indicator:
    name: str
    unit: str  # the unit shown for the indicator: 件 / % / 人 / 次 / 元 ...
    kinds: frozenset[str]  # unit kinds (rag/units.py)
    measure: re.Pattern[str]
    subject: re.Pattern[str] | None = None
    aliases: tuple[str, ...] = ()  # other names analysts use (行政复议案件量)
    unless: re.Pattern[str] | None = None
    gap: int = 12


_SHOWN_UNIT = {"cases": "件", "documents": "件", "items": "项", "people": "人", "times": "次", "rate": "%",
               "amount": "元", "organisations": "家", "households": "户"}


@lru_cache(maxsize=1)
def indicators() -> tuple[Indicator, ...]:
    data = tomllib.loads(INDICATORS_FILE.read_text(encoding="utf-8"))
    out = []
    for entry in data["indicator"]:
        kinds = [entry["kind"]] if isinstance(entry["kind"], str) else entry["kind"]
        out.append(Indicator(
            entry["name"], _SHOWN_UNIT[kinds[0]], frozenset(kinds), re.compile(entry["measure"]),
            re.compile(entry["subject"]) if entry.get("subject") else None, tuple(entry.get("aliases", ())),
            re.compile(entry["unless"]) if entry.get("unless") else None,
            entry.get("gap", 6 if "rate" in kinds else 12)))
    return tuple(out)


def find_indicator(text: str) -> Indicator | None:
    """The indicator a question or a user's word names (纠错率, 直接纠错率, 败诉率 ...): by its name, or by its
    subject and measure together. A candidate whose subject the text contradicts — another candidate's
    subject is named, its own is not — comes last: 复议的调解率 is the review's 调解和解率, not a lawsuit's."""
    text = unicodedata.normalize("NFKC", text)
    candidates = []
    for indicator in indicators():
        if indicator.unless and indicator.unless.search(text):
            continue
        core = indicator.name.removeprefix("行政复议").removeprefix("行政诉讼").removeprefix("负责人")
        names = {indicator.name, *indicator.aliases} | ({core} if len(core) >= 3 else set())
        score = max((len(n) for n in names if n in text), default=0)
        measure = indicator.measure.search(text)  # "执法人员参加资格考试的人数" names the exam count
        subject = indicator.subject.search(text) if indicator.subject else None
        if score or (measure and subject):
            size = score + (len(measure.group()) if measure else 0) + (len(subject.group()) if subject else 0)
            candidates.append((indicator, subject is not None, size, score))
    named_subject = any(has_subject for _, has_subject, _, _ in candidates)
    ranked = [((not (named_subject and i.subject and not has_subject)), score > 0, size, score, -n)
              for n, (i, has_subject, size, score) in enumerate(candidates)]
    return candidates[ranked.index(max(ranked))][0] if candidates else None


