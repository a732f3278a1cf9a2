"""Chinese administrative divisions, from the gazetteer data shipped in the `cpca` package.

We read cpca's adcodes table directly (code -> name; the hierarchy is in the code) rather than
importing cpca, whose import needs pkg_resources and pandas. A region's normalised name is the
name analysts use: cities and counties by their own name (本溪市, 平遥县), districts with their
city (长沙市芙蓉区), since district names repeat across cities.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
import importlib.util
from pathlib import Path

_SUFFIXES = ("自治县", "自治州", "自治旗", "地区", "新区", "市", "县", "区", "盟", "旗", "省")
_MUNICIPALITIES = {"11", "12", "31", "50"}
_SKIP = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}


@dataclass(frozen=True)
class Region:
    code: str
    name: str  # the division's own name, e.g. 芙蓉区
    full: str  # normalised name, e.g. 长沙市芙蓉区
    level: str  # 省 | 地级市 | 县区
    province: str
    city: str  # the prefecture-level city ('' for provinces)

    @property
    def short(self) -> str:
        """The name without its administrative suffix (本溪市 -> 本溪), if at least two chars remain."""
        for suffix in _SUFFIXES:
            if self.name.endswith(suffix) and len(self.name) - len(suffix) >= 2:
                return self.name[: -len(suffix)]
        return self.name


@lru_cache(maxsize=1)
def regions() -> tuple[Region, ...]:
    spec = importlib.util.find_spec("cpca")  # locate the data without running cpca's __init__
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the cpca package (gazetteer data) is not installed")
    table = (Path(spec.submodule_search_locations[0]) / "resources" / "adcodes.csv").read_text("utf-8")
    names = {row["adcode"]: row["name"] for row in csv.DictReader(table.splitlines())}
    out = []
    for code, name in names.items():
        if name in _SKIP:
            continue
        province = names.get(code[:2] + "0" * 10, "")
        if code[2:] == "0" * 10:
            level, city = "省", ""
        elif code[4:] == "0" * 8:
            level, city = "地级市", name
        else:
            level = "县区"
            city = names.get(code[:4] + "0" * 8, "")
            if city in _SKIP or code[:2] in _MUNICIPALITIES:
                city = province
        full = city + name if level == "县区" and name.endswith("区") and city != name else name
        out.append(Region(code, name, full, level, province, city))
    return tuple(out)


@lru_cache(maxsize=1)
def by_full_name() -> dict[str, Region]:
    return {r.full: r for r in regions()}


def lookup(name: str) -> Region | None:
    """Find a region by normalised name, own name or short form (prefers the higher level)."""
    name = name.strip()
    if name in by_full_name():
        return by_full_name()[name]
    rank = {"省": 0, "地级市": 1, "县区": 2}
    hits = [r for r in regions() if name in (r.name, r.short)]
    return min(hits, key=lambda r: rank[r.level]) if hits else None


def mentions(text: str, min_len: int = 3) -> dict[Region, int]:
    """Count how often each region is named in `text` by its own (suffixed) name.

    Names shorter than `min_len` (城区, 郊区 ...) are too ambiguous for free text. An ambiguous
    name (朝阳区) counts only for the regions whose city or province is also named.
    """
    counts: dict[str, int] = {}
    for region in regions():
        if len(region.name) >= min_len and region.name not in counts:
            n = text.count(region.name)
            if n:
                counts[region.name] = n
    found: dict[Region, int] = {}
    for name, n in counts.items():
        candidates = [r for r in regions() if r.name == name]
        if len(candidates) > 1:
            candidates = [r for r in candidates if r.city in counts or r.province in counts] or []
        for region in candidates:
            found[region] = n
    return found


@lru_cache(maxsize=1)
def by_short() -> dict[str, Region]:
    """Short name (泉州, 寿光, 夷陵) -> the region it names: the highest-level one when several share
    it (朝阳 -> 朝阳市), none when two of that level do. Shorts of one character are never names."""
    rank = {"省": 0, "地级市": 1, "县区": 2}
    shared: dict[str, list[Region]] = {}
    for region in regions():
        if region.short != region.name:
            shared.setdefault(region.short, []).append(region)
    out = {}
    for short, hits in shared.items():
        top = min(rank[r.level] for r in hits)
        best = [r for r in hits if rank[r.level] == top]
        if len(best) == 1:
            out[short] = best[0]
    return out


def short_mentions(text: str) -> dict[Region, str]:
    """Regions named in `text` by their short name alone (泉州晒出…), with the short found."""
    return {region: short for short, region in by_short().items() if short in text}


# a county becomes a district (撤县设区) or a city (撤县设市), a county-level city a district
_RENAMES = {"区": ("市", "县"), "市": ("县",)}


@lru_cache(maxsize=1)
def _former_counties() -> dict[str, tuple[Region, ...]]:
    """New name (奉化区, 潜山市) -> the counties or county-level cities it may have been (奉化市,
    潜山县), for names no region of this table has yet: the candidates of a later renaming."""
    names = {r.name for r in regions()}
    out: dict[str, list[Region]] = {}
    for region in regions():
        if region.level != "县区" or region.short == region.name:
            continue
        for new, olds in _RENAMES.items():
            if region.name.endswith(olds) and region.short + new not in names:
                out.setdefault(region.short + new, []).append(region)
    return {name: tuple(hits) for name, hits in out.items()}


def renamed_mentions(text: str) -> dict[Region, int]:
    """Regions renamed after this table was drawn (奉化市 became 奉化区, 潜山县 潜山市), counted like
    `mentions` and named as the gazetteer would: a district with its city (宁波市奉化区), a city
    alone. When several former regions share the short name, only those whose city or province
    `text` names count."""
    found: dict[Region, int] = {}
    for name, former in _former_counties().items():
        n = text.count(name)
        if not n:
            continue
        hits = former if len(former) == 1 else [r for r in former if r.city in text or r.province in text]
        for r in hits:
            full = r.city + name if name.endswith("区") and r.city != name else name
            found[Region(r.code, name, full, "县区", r.province, r.city)] = n
    return found


# the peoples an autonomous region is named for: 黔东南苗族侗族自治州 is called 黔东南州
_PEOPLES = ("土家|哈萨克|柯尔克孜|蒙古|朝鲜|维吾尔|哈尼|景颇|傈僳|布依|纳西|普米|独龙|拉祜|布朗|德昂|阿昌|基诺|仡佬|"
            "毛南|仫佬|锡伯|达斡尔|鄂温克|鄂伦春|塔吉克|撒拉|东乡|保安|裕固|各|苗|侗|藏|羌|彝|回|白|傣|壮|瑶|黎|畲|满|土|"
            "水|怒|佤|京")
_AUTONOMOUS = re.compile(rf"^(?P<base>[\u4e00-\u9fff]{{2,}}?)(?:(?:{_PEOPLES})族?)+自治(?P<kind>州|县|旗)$"
                         # a banner or county named after its people: 鄂温克族自治旗 is called 鄂温克旗
                         rf"|^(?P<people>(?:{_PEOPLES}){{1,2}})族?自治(?P<own>县|旗)$")


@lru_cache(maxsize=1)
def _common_names() -> dict[str, Region]:
    """Everyday names of autonomous prefectures, counties and banners (黔东南州, 长阳县), when one
    region alone is called so, no region's own name is that, and the name is not a province's."""
    names = {r.name for r in regions()}
    provinces = {r.short for r in regions() if r.level == "省"}  # 河南县 also reads 河南 + 县域, 县级…
    out: dict[str, list[Region]] = {}
    for region in regions():
        match = _AUTONOMOUS.match(region.name)
        base, kind = (match["base"] or match["people"], match["kind"] or match["own"]) if match else ("", "")
        if match and len(base) >= 2 and base + kind not in names and base not in provinces:
            out.setdefault(base + kind, []).append(region)
    return {name: hits[0] for name, hits in out.items() if len(hits) == 1}


def everyday_names(region: Region) -> list[str]:
    """The everyday names of an autonomous region (黔东南苗族侗族自治州 -> 黔东南州, 黔东南)."""
    return list(_everyday_by_region().get(region, ()))


@lru_cache(maxsize=1)
def _everyday_by_region() -> dict[Region, tuple[str, ...]]:
    """_common_names inverted, in its order: each question looks up every indexed region."""
    out: dict[Region, list[str]] = {}
    for name, region in _common_names().items():
        out.setdefault(region, []).extend((name, name[:-1]))
    return {region: tuple(names) for region, names in out.items()}


def common_name_mentions(text: str) -> dict[Region, int]:
    """Regions named in `text` by their everyday name (黔东南州 for 黔东南苗族侗族自治州)."""
    return {region: n for name, region in _common_names().items() if (n := text.count(name))}


CJK_NAME = re.compile(r"[\u4e00-\u9fff]{2,}")
