"""Named-item lists: "分别是什么 / 有哪些 / 哪几部 / 获得了哪些荣誉" answered item by item.

Items are what these reports name in a row: 《》 titles, honours after 获评/荣获/被评为/被命名为,
一是/二是 points (or (1)(2), ①②, 第一、第二), and 、-enumerations before 等N个 ("市场监管、生态环境、交通运输等5个领域").
They are collected from the best-matching sentence and the sentences after it (the items often
follow the sentence that names the topic), each with the passage it comes from.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from rag.ingest.chunk import POINT_LABEL, sentence_spans

_TITLE = re.compile(r"《([^《》]{2,60})》")
_QUOTED = re.compile(r"“([^“”]{4,40})”")
_HONOUR = re.compile(r"(?:获评|荣获|被评为|被命名为|被授予|被表彰为|获得(?!感)|入选|入围|被确定为|评为)(?:了)?([^,;。、]{3,40}?)(?=[,;。]|$|称号|荣誉)")
_PRAISE = re.compile(r"(?:肯定|好评|认可|支持|关注|点赞|称赞|赞誉|表扬)$")  # 获得上级肯定 is praise, not an honour
_POINT = re.compile(rf"({POINT_LABEL},?)([^;。]{{4,80}})")
_ENUM = re.compile(r"([\u4e00-\u9fff“”()]{2,30}(?:、[\u4e00-\u9fff“”()]{2,30}){1,12})(?=(?:等|共)?\s*(?:\d+|[两二三四五六七八九十]+)\s*(?:个|项|类|家|部|大|种|方面|领域))")
# verbs that open a clause before its enumeration ("完成市场监管、生态环境…"): not part of the first item
_LEAD_VERB = re.compile(r"^(?:完成|开展|推进|推动|建立|建成|制定|出台|包括|涵盖|涉及|围绕|聚焦|实现|组建|设立|覆盖|在|对|将|把|从)")
_WANTS = {
    "titles": re.compile(r"(法规|规章|文件|制度|办法|规定|条例|方案|意见|清单|汇编|通知|规划|细则|指引|标准)"),
    "honours": re.compile(r"(荣誉|称号|奖|表彰|示范|先进|评为|入选|获评)"),
    "points": re.compile(r"(不足|问题|措施|举措|做法|方面|哪几点|哪些工作|哪几项工作|哪几件事|哪些事)"),
}


@dataclass
class Item:
    text: str
    passage: int  # index into the passages list
    sentence: str  # the verbatim sentence that names it (for highlighting)


def wanted(question: str) -> list[str]:
    """Which kinds of items the question asks for, most likely first."""
    kinds = [kind for kind, pattern in _WANTS.items() if pattern.search(question)]
    return kinds + [k for k in ("titles", "quoted", "honours", "enums", "points") if k not in kinds]


def items_in(sentence: str, kind: str) -> list[str]:
    if kind == "titles":
        return [f"《{t}》" for t in _TITLE.findall(sentence)]
    if kind == "quoted":  # named projects, campaigns: “发扬立法首创精神、引领绿色发展”
        found = _QUOTED.findall(sentence)
        return [f"“{q}”" for q in found] if len(found) >= 2 else []
    if kind == "honours":  # the whole clause: who won it, and what
        return [clause.strip() for clause in re.split(r"[,;。:]", sentence) if _HONOUR.search(clause)
                and not _PRAISE.search(clause)]
    if kind == "points":
        return [f"{label}{text}" for label, text in _POINT.findall(sentence)]
    found = []
    for match in _ENUM.finditer(sentence):
        parts = match[1].split("、")
        parts[0] = _LEAD_VERB.sub("", parts[0])
        parts[-1] = re.sub(r"(?:等|共)$", "", parts[-1])
        parts[-1:] = [p for p in parts[-1].split("以及") if p]  # …、使用以及述法工作
        found += [part.strip("“”") for part in parts if len(part.strip("“”")) >= 2]
    return found


_POINT_START = re.compile(rf"(?<![\u4e00-\u9fff]){POINT_LABEL}(?=,?[\u4e00-\u9fff])")


def collect(question: str, passages, start: tuple[int, str], limit: int = 10, whole_passage: bool = True,
            following: int | None = None, every_point: bool = False) -> list[Item]:
    """Items of the kind the question wants, from the starting sentence (passage index, sentence)
    and the sentences after it in the same paragraph — read on into `following` (the index of the
    passage that continues it) when the paragraph goes on past this passage's end; the first kind
    that yields two or more wins. `every_point`: the quote opens a section the question names by its
    heading, whose every point is an item (not just the point holding the quote)."""
    index, first = start
    text = passages[index].text
    at, end = max(text.find(first), 0), len(text)
    at = max(text.rfind(m, 0, at) for m in "。!?") + 1  # a list of clauses (获评A;B被表彰为C;…) from its sentence's start
    points = [m.start() for m in _POINT_START.finditer(text)]
    if whole_passage and points and points[0] <= at and not every_point:  # the point holding the quote, to the next
        at = max(p for p in points if p <= at)
        end = next((p for p in points if p > at), end)
    sentences = [(index, text[s:e].strip()) for s, e in sentence_spans(text, at, end)]
    if whole_passage and following is not None and end == len(text) and len(sentences) < 6:
        more = passages[following]
        begin = max(0, passages[index].end - more.start)  # the overlap is read once
        stop = next((m.start() for m in _POINT_START.finditer(more.text) if m.start() >= begin), len(more.text))
        sentences += [(following, more.text[s:e].strip()) for s, e in sentence_spans(more.text, begin, stop)]
    sentences = sentences[:(12 if every_point else 6) if whole_passage else 1]
    for kind in wanted(question):
        items: list[Item] = []
        for at_passage, sentence in sentences:  # the rest of the paragraph: one topic, items may be sentences apart
            items += [Item(i, at_passage, sentence) for i in items_in(sentence, kind)
                      if i not in [x.text for x in items]]
        if len(items) >= 2 or (items and not whole_passage) or (kind in ("titles", "honours") and items
                                                                 and _WANTS[kind].search(question)):
            return items[:limit]
    return []


def asked_kinds(question: str) -> list[str]:
    """Honours or titles, when the question asks for them (the first that its words name)."""
    return [k for k in ("honours", "titles") if _WANTS[k].search(question)][:1]


def in_document(question: str, chunks, limit: int = 10) -> list[Item]:
    """Honours and titles anywhere in one report, for a question whose words the sentences naming
    them do not share ("拿到了哪些荣誉" vs "获评全省法治政府建设示范单位")."""
    kinds = asked_kinds(question)
    out: list[Item] = []
    for index, chunk in enumerate(chunks):
        for s, e in sentence_spans(chunk.text, 0, len(chunk.text)):
            sentence = chunk.text[s:e].strip()
            for kind in kinds:
                out += [Item(i, index, sentence) for i in items_in(sentence, kind) if i not in [x.text for x in out]]
    return out[:limit]
