"""The document library: display names, finding a report by what the user typed, validating
corrections, and the labels that say where each metadata field came from.

The pipeline (rag/pipeline.py) applies corrections and removals to every store; this module holds
the rules, so the CLI and the UI share them.
"""
from __future__ import annotations

import json
from pathlib import Path, PurePath

from rag.errors import InputError
from rag.ingest import doc_id_for, gazetteer
from rag.types import Document

DOC_TYPES = {"annual_report": "年度报告", "news": "新闻报道", "interpretation": "政策解读", "plan": "方案/通知",
             "yearbook": "年鉴条目", "other": "其他"}
EDITABLE = ("year", "region", "doc_type", "title", "issuer")
FIELD_LABELS = {"title": "标题", "region": "地区", "year": "年份", "doc_type": "类型", "issuer": "落款",
                "publisher": "发布机构", "signed": "签发", "published": "发布", "region_level": "层级",
                "province": "省份"}
SOURCE_LABELS = {"title": "标题", "opening": "开头", "heading": "小标题", "header": "页面信息", "signature": "落款",
                 "body": "正文", "sidecar": "元数据文件", "user": "用户"}
CONFIDENCE_LABELS = {"high": "高", "medium": "中", "low": "低"}
SHOWN_FIELDS = ("year", "region", "doc_type", "title", "issuer", "published", "signed")
YEARS = range(1949, 2101)


def display_names(paths: list[str]) -> dict[str, str]:
    """Each path's shortest unique parent suffix: 'index.html', or 'beijing/index.html' when
    another indexed file has the same name."""
    by_name: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
    for path in paths:  # one PurePath per path: every ingest names all indexed reports
        pure = PurePath(path)
        by_name.setdefault(pure.name, []).append((str(pure), pure.parts))
    names = {}
    for group in by_name.values():
        for key, parts in group:
            depth = 1
            while depth < len(parts) and any(o != parts and o[-depth:] == parts[-depth:] for _, o in group):
                depth += 1
            names[key] = "/".join(parts[-depth:])
    return names


def find(docs: list[Document], ref: str) -> Document:
    """The report a user means by a path, display name, file name or doc_id (one clear error if none)."""
    ref = (ref or "").strip()
    if not ref:
        raise InputError("请指定报告 (文件路径、显示名或 doc_id)")
    resolved = doc_id_for(Path(ref)) if ref else ""
    for test in (lambda d: d.doc_id == ref, lambda d: d.source == ref, lambda d: d.doc_id == resolved,
                 lambda d: PurePath(d.path).name == ref):
        hits = [d for d in docs if test(d)]
        if len(hits) == 1:
            return hits[0]
        if len(hits) > 1:
            raise InputError(f"“{ref}”对应多份报告: {'、'.join(d.source for d in hits)}; 请用显示名或路径")
    raise InputError(f"没有这份报告: {ref}")


def validate(changes: dict) -> dict:
    """The given corrections, checked and normalised; unknown or bad values are one clear error."""
    out = {}
    for key, value in changes.items():
        if value is None:
            continue
        if key not in EDITABLE:
            raise InputError(f"不能修改字段 {key} (可修改: {', '.join(EDITABLE)})")
        if key == "year":
            out[key] = _year(value)
        elif key == "doc_type":
            value = str(value).strip()
            if value not in DOC_TYPES:
                raise InputError(f"类型必须是 {' '.join(DOC_TYPES)} 之一: {value or '(空)'}")
            out[key] = value
        else:
            value = str(value).strip()
            if not value and key in ("region", "title"):
                raise InputError(f"{FIELD_LABELS[key]}不能为空")
            out[key] = value
    return out


def _year(value) -> int:
    try:
        year = int(str(value).strip())
    except ValueError:
        raise InputError(f"年份必须是 {YEARS.start}–{YEARS.stop - 1} 之间的整数: {value}") from None
    if year not in YEARS:
        raise InputError(f"年份必须是 {YEARS.start}–{YEARS.stop - 1} 之间的整数: {value}")
    return year


def region_fields(region: str) -> dict:
    """region, region_level and province for a region the user typed: normalised when the gazetteer
    knows exactly one such place, else kept as typed (level and province then unknown)."""
    known = gazetteer.by_full_name().get(region)
    if known is None:
        hits = [r for r in gazetteer.regions() if region in (r.name, r.full)]
        known = hits[0] if len(hits) == 1 else None
    if known is None:
        return {"region": region, "region_level": "", "province": ""}
    return {"region": known.full, "region_level": known.level, "province": known.province}


def changed_fields(doc: Document, changes: dict) -> dict:
    """The corrections that differ from the document (region expanded to level and province)."""
    wanted = dict(changes)
    if "region" in wanted:
        wanted.update(region_fields(wanted.pop("region")))
    return {k: v for k, v in wanted.items() if getattr(doc, k) != v}


def write_sidecar(doc: Document, fields: dict) -> Path | None:
    """Merge `fields` into `<file>.meta.json` beside the report (None if the file is gone)."""
    path = Path(doc.path)
    if not path.exists():
        return None
    sidecar = path.with_name(path.name + ".meta.json")
    current = json.loads(sidecar.read_text("utf-8")) if sidecar.exists() else {}
    current.update(fields)
    sidecar.write_text(json.dumps(current, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return sidecar


def origin(doc: Document, field: str) -> str:
    """'标题, 高': where a field's value came from and how sure it is ('' when not recorded)."""
    found = doc.provenance.get(field) or {}
    if not found:
        return ""
    where = SOURCE_LABELS.get(found.get("source", ""), found.get("source", "?"))
    return f"{where}, {CONFIDENCE_LABELS.get(found.get('confidence', ''), found.get('confidence', '?'))}"


def describe(doc: Document, field: str) -> str:
    """'2021 (标题, 高)': a field's value with where it came from and how sure it is."""
    value = getattr(doc, field)
    if field == "year" and value is None and doc.span:  # a report of several years: 2019—2023 (多年)
        value = doc.span.replace("-", "—") + " (多年)"
    shown = DOC_TYPES.get(value, value) if field == "doc_type" else value
    shown = "不详" if shown in (None, "") else shown
    where = origin(doc, field)
    return f"{shown} ({where})" if where else str(shown)


def summary(changed: dict) -> str:
    """'年份 2019、地区 泸州市': the corrected fields, for a status line."""
    return "、".join(f"{FIELD_LABELS.get(k, k)} {DOC_TYPES.get(v, v) if k == 'doc_type' else v or '-'}"
                    for k, v in changed.items())
