"""Flag text injected into hacked pages (e.g. a casino slogan standing where 人民政府 belongs).

Two detectors, both generic:
- known patterns, kept as data in rag/data/spam_patterns.txt;
- a positional heuristic: text right after a region name in an institution-name position (the
  signature block, or before 官方网站/重大行政决策/年度 ...) is flagged only when it is confidently
  foreign: not an institution name (…人民政府, …委员会, …局), not a place name (…区/县/市/旗/镇,
  also divisions newer than the gazetteer), and not government prose — fewer than half of its
  character bigrams occur in ordinary report text (rag/data/prose_bigrams.txt, built from clean
  reports by `python -m rag.ingest.spam FILES...`). So 岳麓区, 关于 and 高度重视 stay, 凯发一触即发 and
  银河赢家 are flagged, and so is every other occurrence of a flagged token.
Flagged text is never removed, so offsets and quotes stay true to the page.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from rag.ingest import gazetteer
from rag.types import Span

DATA = Path(__file__).resolve().parent.parent / "data"
PATTERNS_FILE = DATA / "spam_patterns.txt"
PROSE_FILE = DATA / "prose_bigrams.txt"
INSTITUTION = re.compile(
    r"(人民政府|政府|委员会|委|办公室|办|人大常委会|常委会|人大|政协|法院|检察院|院|局|厅|部|署|中心|"
    r"所|会|处|室|科|队|站|组|公司|学校|报社|日报|党委|党组)$"
)
_ANCHORS = r"(?:官方网站|门户网站|网站|重大行政决策|关于|[12]\d{3}年度?)"
_REPLACEMENT = "人民政府"  # what a bare region name is followed by in an institution position
_PLACE = re.compile(r"^[\u4e00-\u9fff]{1,6}(?:自治县|自治州|自治旗|新区|区|县|市|旗|盟|州|镇|乡|街道)$")
_LEADING_PLACE = re.compile(r"^[\u4e00-\u9fff]{1,3}?(?:新区|区|县|市|旗)")  # 坪山区 before the odd text
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")


@lru_cache(maxsize=1)
def known_patterns() -> re.Pattern[str]:
    lines = PATTERNS_FILE.read_text(encoding="utf-8").splitlines()
    rules = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    return re.compile("|".join(f"(?:{rule})" for rule in rules))


@lru_cache(maxsize=1)
def _names() -> frozenset[str]:
    return frozenset(r.name for r in gazetteer.regions() if len(r.name) >= 2)


@lru_cache(maxsize=1)
def _region_names() -> re.Pattern[str]:
    return re.compile("(?:中共)?(" + "|".join(sorted(map(re.escape, _names()), key=len, reverse=True)) + ")+")


@lru_cache(maxsize=1)
def _lengths_by_last_char() -> dict[str, tuple[int, ...]]:
    """Every region name ends in one of a few characters (县 区 市 旗 …): the name lengths each ends."""
    lengths: dict[str, set[int]] = {}
    for name in _names():
        lengths.setdefault(name[-1], set()).add(len(name))
    return {char: tuple(sorted(found)) for char, found in lengths.items()}


def _region_starts(text: str) -> list[int]:
    """The positions where the region-name pattern can match: a name (or 中共 and a name) starts there.
    Found from the names' last characters with set look-ups, so the scan is linear and fast; trying
    the pattern's alternation of ~3,000 names at every character cost about 4 s per MB."""
    names, lengths = _names(), _lengths_by_last_char()
    starts: set[int] = set()
    for match in re.finditer(f"[{''.join(lengths)}]", text):
        end = match.end()
        starts.update(end - n for n in lengths[match.group()] if n <= end and text[end - n:end] in names)
    starts.update([s - 2 for s in starts if text[s - 2:s] == "中共" and s >= 2])
    return sorted(starts)


def region_matches(pattern: re.Pattern[str], text: str):
    """`pattern.finditer(text)` for a pattern that starts with the region-name pattern: the same
    matches, tried only where a region name starts."""
    end = 0
    for start in _region_starts(text):
        if start >= end and (match := pattern.match(text, start)):
            end = match.end()
            yield match


def _bigrams(text: str) -> set[str]:
    return {run[i:i + 2] for run in _CJK_RUN.findall(text) for i in range(len(run) - 1)}


@lru_cache(maxsize=1)
def prose_bigrams() -> frozenset[str]:
    return frozenset(PROSE_FILE.read_text(encoding="utf-8").split())


def is_foreign(token: str) -> bool:
    """True when a token in an institution position is neither an institution, a place nor prose."""
    if INSTITUTION.search(token) or _PLACE.match(token) or _region_names().fullmatch(token):
        return False
    if len(token) < 3:  # one pair of characters is no evidence: 准格尔旗晒出2023年… is a headline's verb
        return False
    pairs = [token[i:i + 2] for i in range(len(token) - 1)]
    return sum(p in prose_bigrams() for p in pairs) < len(pairs) / 2


def _foreign_part(token: str) -> str | None:
    """The foreign text in a token, a place name newer than the gazetteer peeled off its front."""
    if not is_foreign(token):
        return None
    place = _LEADING_PLACE.match(token)
    rest = token[place.end():] if place else ""
    return rest if len(rest) >= 2 and is_foreign(rest) else token


@lru_cache(maxsize=1)
def _anchored() -> re.Pattern[str]:
    return re.compile(_region_names().pattern + r"([\u4e00-\u9fff]{2,8}?)" + _ANCHORS)


def _odd_after_region(text: str) -> set[str]:
    """Odd tokens in institution positions: signature lines and region+X+anchor phrases."""
    odd: set[str] = set()
    lines = text.split("\n")
    for line in lines[-6:]:  # the signature block
        match = _region_names().match(line)
        rest = line[match.end():] if match else ""
        if match and 2 <= len(rest) <= 12 and not re.search(r"\d", rest):
            odd.add(_foreign_part(rest))
    for match in region_matches(_anchored(), text):
        odd.add(_foreign_part(match.group(2)))
    return odd - {None}


def find_spam(text: str) -> list[Span]:
    """All flagged spans in a cleaned document, sorted by position, not overlapping."""
    spans: list[Span] = []
    for match in known_patterns().finditer(text):
        spans.append(Span(match.start(), match.end(), match.group(), "已知垃圾信息模式"))
    for token in _odd_after_region(text):
        for match in re.finditer(re.escape(token), text):
            spans.append(Span(match.start(), match.end(), token, "机构名位置出现异常文字"))
    merged: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        if merged and span.start < merged[-1].end:
            continue
        merged.append(_with_replacement(text, span))
    return merged


def _with_replacement(text: str, span: Span) -> Span:
    """Suggest 人民政府 where the spam directly follows a region name (长沙市凯发… -> 长沙市人民政府)."""
    before = text[max(0, span.start - 12): span.start]
    match = re.search(_region_names().pattern + "$", before)
    return Span(span.start, span.end, span.text, span.reason, _REPLACEMENT if match else None)


def repair(text: str, spans: list[Span]) -> str:
    """Text with flagged spans replaced by their suggestion (or removed), for metadata and display."""
    for span in sorted(spans, key=lambda s: s.start, reverse=True):
        text = text[: span.start] + (span.replacement or "") + text[span.end:]
    return text


def build_prose_reference(texts: list[str]) -> str:
    """The prose bigram file from clean reports (known spam patterns cut out first)."""
    pairs = sorted(set().union(*(_bigrams(known_patterns().sub("\n", t)) for t in texts)))
    return "\n".join(" ".join(pairs[i:i + 40]) for i in range(0, len(pairs), 40)) + "\n"


if __name__ == "__main__":  # python -m rag.ingest.spam seeds/*.txt > rag/data/prose_bigrams.txt
    import sys

    from rag.ingest.clean import clean

    sys.stdout.write(build_prose_reference([clean(Path(f).read_text(encoding="utf-8"))[0] for f in sys.argv[1:]]))
