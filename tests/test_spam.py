"""Injected-spam detection flags foreign text in institution positions and nothing else: real place
names (also districts the gazetteer does not know yet) and ordinary phrases are never flagged."""
from __future__ import annotations

import pytest

from rag.ingest import load_document, spam
from rag.ingest.clean import clean
from tests.conftest import FIELD, SEEDS, needs_field

# Real districts and counties with their cities, from many provinces (临平区, 钱塘区, 光明区, 坪山区 and
# 宁乡市 are newer than the shipped gazetteer).
DISTRICTS = """长沙市岳麓区 长沙市芙蓉区 长沙市天心区 长沙市开福区 长沙市雨花区 杭州市西湖区 杭州市上城区 杭州市拱墅区
杭州市滨江区 杭州市临平区 杭州市钱塘区 成都市武侯区 成都市锦江区 成都市青羊区 成都市金牛区 成都市成华区 成都市温江区
北京市朝阳区 北京市海淀区 北京市东城区 北京市丰台区 上海市浦东新区 上海市徐汇区 上海市静安区 广州市天河区 广州市越秀区
广州市海珠区 深圳市南山区 深圳市福田区 深圳市光明区 深圳市坪山区 南京市玄武区 南京市江宁区 武汉市江汉区 武汉市洪山区
西安市雁塔区 郑州市金水区 郑州市二七区 济南市历下区 青岛市市南区 天津市和平区 重庆市渝中区 重庆市沙坪坝区 苏州市姑苏区
厦门市思明区 昆明市五华区 贵阳市观山湖区 南宁市青秀区 合肥市蜀山区 哈尔滨市南岗区 石家庄市长安区 太原市小店区
兰州市城关区 乌鲁木齐市天山区 海口市美兰区 南昌市西湖区 晋中市平遥县 长沙市宁乡市 鄂尔多斯市伊金霍洛旗 天水市清水县""".split()

TEMPLATES = [
    "{full}2023年度法治政府建设工作报告",
    "{full}关于2022年法治政府建设工作情况的报告",
    "中共{full}委 {full}人民政府关于2021年度法治政府建设情况的报告",
    "{own}2024年法治政府建设年度报告",
    "{own}关于2023年度法治政府建设情况的报告",
    "{full}法治政府建设工作领导小组办公室关于印发2023年度工作要点的通知",
    "{full}高度重视法治政府建设工作",
    "{full}关于推进依法行政的实施意见已在{full}官方网站公开",
    "{own}重大行政决策目录在{own}门户网站公布",
    "中共{full}委高度重视法治建设",
    "{full}全面依法治区委员会办公室",
    "{full}人民政府",
    "{full}司法局",
    "{own}",
]


def _own(full: str) -> str:
    """The district's own name: 长沙市岳麓区 -> 岳麓区 (a county-level city keeps its name)."""
    head, sep, rest = full.partition("市")
    return rest if sep and rest else full


def _page(full: str) -> str:
    """One short report where every template line stands, the last ones as a signature block."""
    lines = [t.format(full=full, own=_own(full)) for t in TEMPLATES]
    return "\n".join([*lines, "2024年1月15日"])


@pytest.mark.parametrize("full", DISTRICTS)
def test_real_district_names_and_common_phrases_are_never_flagged(full):
    assert spam.find_spam(_page(full)) == []
    for line in (t.format(full=full, own=_own(full)) for t in TEMPLATES):  # each as a one-line text too
        assert spam.find_spam(line) == [], line


def test_district_list_is_long_enough_to_mean_something():
    assert len(DISTRICTS) >= 50


@pytest.mark.parametrize("path", sorted(SEEDS.glob("*.txt")), ids=lambda p: p.name[:3])
def test_seeds_flag_only_the_injected_slogan(path):
    assert {s.text for s in load_document(path).flags} <= {"凯发一触即发"}


@needs_field
@pytest.mark.parametrize("path", sorted(FIELD.glob("*.txt")) if FIELD.is_dir() else [], ids=lambda p: p.stem)
def test_field_documents_have_no_flags(path):
    assert load_document(path).flags == []


@pytest.fixture
def no_known_patterns(monkeypatch, tmp_path):
    """Only the positional heuristic runs."""
    empty = tmp_path / "patterns.txt"
    empty.write_text("zzzz-never\n", encoding="utf-8")
    monkeypatch.setattr(spam, "PATTERNS_FILE", empty)
    spam.known_patterns.cache_clear()
    yield
    spam.known_patterns.cache_clear()


@pytest.mark.parametrize("full", DISTRICTS[::6])
def test_slogan_in_place_of_the_institution_stays_flagged(full, no_known_patterns):
    text = (f"{full}凯发一触即发关于2023年度法治政府建设情况的报告\n{full}高度重视法治政府建设。\n"
            f"{full}凯发一触即发\n2024年1月15日")
    assert {s.text for s in spam.find_spam(text)} == {"凯发一触即发"}


def test_heuristic_alone_finds_the_seed_slogan(no_known_patterns):
    seed = clean((SEEDS / "001_a9e76fce8504005b.txt").read_text(encoding="utf-8"))[0]
    assert {s.text for s in spam.find_spam(seed)} == {"凯发一触即发"}


def _texts_to_scan() -> list[str]:
    """Seeds, field documents, every district page and chains with 中共 (region after region)."""
    files = sorted(SEEDS.glob("*.txt")) + (sorted(FIELD.glob("*.txt")) if FIELD.is_dir() else [])
    texts = [load_document(f).text for f in files] + [_page(full) for full in DISTRICTS]
    return texts + ["中共中共长沙市长沙县岳麓区凯发一触即发官方网站\n长沙市长沙市2023年度\n中共\n市县区旗\n本溪市"]


def test_the_fast_region_scan_finds_exactly_what_the_pattern_finds():
    """region_matches tries the pattern only where a region name starts (linear, fast); its matches
    are the pattern's own finditer matches, so the flags cannot change."""
    for pattern in (spam._region_names(), spam._anchored()):
        for text in _texts_to_scan():
            fast = [(m.span(), m.groups()) for m in spam.region_matches(pattern, text)]
            assert fast == [(m.span(), m.groups()) for m in pattern.finditer(text)]
