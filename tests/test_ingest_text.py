"""files -> documents: encodings, cleaning, spam flags, metadata and chunking on the real seeds."""
from __future__ import annotations

import json

import pytest

from rag.errors import InputError
from rag.ingest import load_document, spam
from rag.ingest.chunk import chunk_document
from rag.ingest.clean import clean
from rag.ingest.load import decode, find_files, read_file
from tests.conftest import SEEDS

SAMPLE = "平遥县2020年度法治政府建设工作报告\n全年共收到行政复议申请22件,不予受理8件。"
FURONG = "001_a9e76fce8504005b.txt"


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030", "gbk", "utf-8-sig", "utf-16"])
def test_decode_detects_common_chinese_encodings(encoding):
    text, detected = decode(SAMPLE.encode(encoding))
    assert text == SAMPLE
    expected = {"gbk": "gb18030"}.get(encoding, encoding)  # GB18030 is a superset of GBK
    assert detected.replace("-", "").lower().startswith(expected.replace("-", "")[:5])


def test_gbk_file_reads_like_its_utf8_twin(tmp_path):
    utf8 = (SEEDS / "004_60bbb429151f6620.txt").read_text(encoding="utf-8")
    (tmp_path / "gbk.txt").write_bytes(utf8.encode("gb18030"))
    text, encoding = read_file(tmp_path / "gbk.txt")
    assert encoding == "gb18030" and text == utf8


def test_html_is_reduced_to_text_without_scripts(tmp_path):
    page = ("<html><head><title>报告</title><script>alert(1)</script></head><body>"
            "<p>一、主要工作</p><p>全年办理法律援助案件402件。</p><style>p{}</style></body></html>")
    (tmp_path / "page.html").write_text(page, encoding="utf-8")
    text, _ = read_file(tmp_path / "page.html")
    assert "alert" not in text and "p{}" not in text
    assert "一、主要工作\n" in text and "全年办理法律援助案件402件。" in text


def test_markdown_is_read_as_its_words_and_its_table_as_figures(tmp_path):
    md = tmp_path / "某县2023年报告.md"
    md.write_text("""# 安宁县2023年度法治政府建设情况报告

> 来源：安宁县司法局　发布日期：2024-02-06　[打印本页](javascript:print())
>
> [首页](/) > 政务公开

---

## 一、主要成效

### （一）行政复议

全年收到行政复议申请**156件**，纠错率*9.6%*，详见[附件](a.pdf)。![图](x.png)
会议召开2*次，形成纪要3*份。

| 指标 | 2022年 | 2023年 |
|---|:---:|---:|
| 法律援助案件(件) | 410 | 462 |

- **人民调解**：调解纠纷1,836件。

安宁县人民政府

2024年1月30日
""", encoding="utf-8")
    doc = load_document(md)
    assert not any(mark in doc.text for mark in ("#", "**", "](", "---", "> "))
    assert "一、主要成效\n(一)行政复议\n全年收到行政复议申请156件,纠错率9.6%,详见附件。" in doc.text
    assert "2*次" in doc.text and "3*份" in doc.text  # masked figures keep their stars
    assert "法律援助案件:2023年462件,2022年410件。" in doc.text
    assert "人民调解:调解纠纷1,836件。" in doc.text
    assert (doc.title, doc.published, doc.signed) == ("安宁县2023年度法治政府建设情况报告", "2024-02-06", "2024-01-30")


def test_bad_inputs_raise_one_clear_error(tmp_path):
    with pytest.raises(InputError, match="没有这个文件或目录"):
        find_files([tmp_path / "missing.txt"])
    (tmp_path / "report.xyz").write_bytes(b"%XYZ-1.4")
    with pytest.raises(InputError, match="不支持的文件类型"):
        read_file(tmp_path / "report.xyz")
    (tmp_path / "empty.txt").write_text("  \n", encoding="utf-8")
    with pytest.raises(InputError, match="空"):
        read_file(tmp_path / "empty.txt")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02" * 100)
    with pytest.raises(InputError, match="不是文本文件"):
        read_file(tmp_path / "binary.txt")


@pytest.mark.parametrize("path", sorted(SEEDS.glob("*.txt")), ids=lambda p: p.name[:3])
def test_cleaning_removes_page_chrome_but_keeps_body(path):
    raw = path.read_text(encoding="utf-8")
    text, _ = clean(raw)
    for chrome in ("【字体", "浏览量", "浏览次数", "点击次数", "扫一扫", "二维码", "打印正文", "用户登录",
                   "本文链接", "本文关键词", "全文检索", "\n×"):
        assert chrome not in text
    body_lines = [line.strip() for line in raw.splitlines() if len(line.strip()) > 80]
    assert body_lines and all(line in text for line in body_lines)


def test_header_fields_become_metadata():
    _, header = clean((SEEDS / "000_a71df9a351047f25.txt").read_text(encoding="utf-8"))
    assert header["索引号"] == "bxssfj-2022-00056"
    assert header["发布机构"] == "本溪市司法局"
    assert header["成文日期"] == "2022-12-27"
    _, header = clean((SEEDS / "002_c5544e0356e4cb41.txt").read_text(encoding="utf-8"))
    assert header == {"来源": "平顶山日报", "发布日期": "2022-08-29"}


def test_injected_spam_is_flagged_everywhere_it_occurs():
    doc = load_document(SEEDS / FURONG)
    assert [s.text for s in doc.flags] == ["凯发一触即发"] * doc.text.count("凯发一触即发") and doc.flags
    assert all(s.replacement == "人民政府" for s in doc.flags)
    assert all(doc.text[s.start:s.end] == s.text for s in doc.flags)
    flagged = [c for c in chunk_document(doc) if c.flags]
    assert flagged and all("凯发一触即发" in c.text for c in flagged)


def test_spam_heuristic_catches_unknown_slogans_in_institution_positions(monkeypatch, tmp_path):
    empty = tmp_path / "patterns.txt"
    empty.write_text("# no known patterns\nzzzz-never\n", encoding="utf-8")
    monkeypatch.setattr(spam, "PATTERNS_FILE", empty)
    spam.known_patterns.cache_clear()
    try:
        seed = clean((SEEDS / FURONG).read_text(encoding="utf-8"))[0]
        assert {s.text for s in spam.find_spam(seed)} == {"凯发一触即发"}
        forged = "关于2022年度法治政府建设工作报告\n在某某县银河赢家官方网站公示。\n中共某某县委员会\n平遥县银河赢家\n2023年1月5日"
        assert {s.text for s in spam.find_spam(forged)} == {"银河赢家"}
    finally:
        spam.known_patterns.cache_clear()


@pytest.mark.parametrize("path", sorted(SEEDS.glob("*.txt")), ids=lambda p: p.name[:3])
def test_clean_seeds_have_no_false_spam_flags(path):
    doc = load_document(path)
    assert bool(doc.flags) == (path.name == FURONG)


EXPECTED_META = {
    "000_a71df9a351047f25.txt": dict(region="本溪市", region_level="地级市", province="辽宁省", year=2022,
                                     doc_type="annual_report", issuer="中共本溪市委法治建设委员会办公室",
                                     publisher="本溪市司法局", signed="2022-12-05", published="2022-12-27"),
    "001_a9e76fce8504005b.txt": dict(region="长沙市芙蓉区", region_level="县区", province="湖南省", year=2023,
                                     doc_type="annual_report", issuer="中共长沙市芙蓉区委员会、长沙市芙蓉区人民政府",
                                     signed="2024-01-31", published=""),
    "002_c5544e0356e4cb41.txt": dict(region="平顶山市", region_level="地级市", province="河南省", year=2022,
                                     doc_type="news", publisher="平顶山日报", signed="", published="2022-08-29"),
    "003_d909330e91d29ae9.txt": dict(region="温州市", province="浙江省", year=2018, doc_type="annual_report",
                                     issuer="温州市人民政府", signed="2019-03-25", published="2020-03-17"),
    "004_60bbb429151f6620.txt": dict(region="平遥县", region_level="县区", province="山西省", year=2020,
                                     doc_type="annual_report", issuer="", published="2021-12-24"),
}


@pytest.mark.parametrize("name", sorted(EXPECTED_META), ids=lambda n: n[:3])
def test_metadata_of_each_seed(name):
    doc = load_document(SEEDS / name)
    for key, value in EXPECTED_META[name].items():
        assert getattr(doc, key) == value, key
    assert doc.source == name and doc.title


def test_sidecar_overrides_metadata_and_rejects_unknown_fields(tmp_path):
    report = tmp_path / "r.txt"
    report.write_text((SEEDS / "004_60bbb429151f6620.txt").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "r.txt.meta.json").write_text(json.dumps({"issuer": "平遥县人民政府", "year": 2020}), "utf-8")
    assert load_document(report).issuer == "平遥县人民政府"
    (tmp_path / "r.txt.meta.json").write_text(json.dumps({"colour": "red"}), "utf-8")
    with pytest.raises(InputError, match="colour"):
        load_document(report)


@pytest.mark.parametrize("path", sorted(SEEDS.glob("*.txt")), ids=lambda p: p.name[:3])
def test_chunks_are_exact_slices_with_headings_and_stable_ids(path):
    doc = load_document(path)
    chunks = chunk_document(doc, max_chars=320)
    assert all(doc.text[c.start:c.end] == c.text for c in chunks)
    assert len({c.chunk_id for c in chunks}) == len(chunks)
    assert [c.chunk_id for c in chunk_document(load_document(path))] == [c.chunk_id for c in chunks]
    assert all(len(c.text) <= 330 for c in chunks if c.heading != "落款")
    covered = set()
    for c in chunks:
        covered.update(range(c.start, c.end))
    body = [i for i, ch in enumerate(doc.text) if ch not in "\n"]
    assert len(covered & set(body)) / len(body) > 0.95  # only heading-only lines are left out


def test_heading_paths_follow_the_report_structure():
    chunks = chunk_document(load_document(SEEDS / "000_a71df9a351047f25.txt"))
    by_text = {c.text[:12]: c.heading for c in chunks}
    assert any(h.startswith("二、2022年法治政府建设存在的问题与不足") for h in by_text.values())
    review = next(c for c in chunks if "纠错率23.29%" in c.text)
    assert review.heading.split(" > ")[:2] == ["一、2022年法治政府建设完成情况", "(五)依法有效化解社会矛盾纠纷"]
    assert "一是行政复议作为化解行政争议主渠道作用较好发挥" in review.heading
    assert chunks[-1].heading == "落款" and "2022年12月5日" in chunks[-1].text


def test_long_paragraphs_split_at_sentence_ends_with_overlap():
    doc = load_document(SEEDS / "000_a71df9a351047f25.txt")
    chunks = chunk_document(doc, max_chars=200)
    pieces = [c for c in chunks if c.heading.startswith("一、") and len(c.text) > 50]
    # pieces end at a sentence end; a run-on sentence longer than the limit is cut at a comma
    assert all(c.text.endswith(("。", ";", ";", "”", ",", ",", "、")) or doc.text[c.end:c.end + 1] in ("\n", "")
               for c in pieces)
    assert sum(c.text.endswith(("。", ";", ";", "”")) for c in pieces) > 0.8 * len(pieces)
    assert any(b.start < a.end for a, b in zip(chunks, chunks[1:]))  # overlapping neighbours exist


def test_a_letter_with_letterhead_and_an_attachment_after_its_signature_chunks_around_both(tmp_path):
    """The letterhead and 文号 are part of the document's information; the signature is one chunk even
    when an attachment follows it, and the attachment is chunked as text (written for the test)."""
    path = tmp_path / "letter.txt"
    path.write_text("\n".join([
        "桐梓县人民政府文件", "桐府〔2024〕5号", "桐梓县人民政府关于2023年度法治政府建设情况的报告", "遵义市人民政府：",
        "2023年，我县扎实推进法治政府建设，全年办理行政复议案件87件，纠错11件。",
        "附件：桐梓县法治政府建设主要指标统计表", "桐梓县人民政府", "2024年1月18日",
        "附件：桐梓县法治政府建设主要指标统计表", "序号 | 指标名称 | 单位 | 2022年 | 2023年",
        "1 | 行政复议收到申请件数 | 件 | 79 | 87"]), encoding="utf-8")
    doc = load_document(path)
    chunks = [(c.heading, doc.text[c.start:c.end]) for c in chunk_document(doc)]
    assert chunks[0] == ("文档信息", "桐梓县人民政府文件\n桐府〔2024〕5号\n桐梓县人民政府关于2023年度法治政府建设情况的报告")
    assert ("落款", "桐梓县人民政府\n2024年1月18日") in chunks
    assert chunks[-1][1] == "序号 | 指标名称 | 单位 | 2022年 | 2023年\n行政复议收到申请件数:2023年87件,2022年79件。"
    assert (doc.signed, doc.issuer) == ("2024-01-18", "桐梓县人民政府")


def test_a_hard_wrapped_plain_text_is_joined_back_into_paragraphs_and_headings_stay():
    from rag.ingest.clean import clean

    wrapped = ["某区2022年法治政府建设工作报告", "",
               "　　2022年,某区在市委、市政府的坚强领导下,深入学习贯彻习近平法治思想",
               "统筹推进依法行政各项工作,法治政府建设取得明显成效。现将有关情况报告如",
               "下:", "", "　　一、主要工作", "",
               "　　一是深化改革。推出“出生一件事”“开办一件事”等集成服务58项,全年办",
               "件3.2万件;区级政务服务事项“网上办”“掌上办”比例分别达到95.2%和",
               "91.8%。二是优化营商环境。组建“企业法治服务团”,全年走访企业900余家",
               "帮助企业防范化解法律风险,审查涉企政策措施41件,未发现排除限制竞争情形",
               "。三是规范执法。评查行政执法案卷300卷。"]
    text, _ = clean("\n".join(wrapped), plain=True)
    lines = text.split("\n")
    assert lines[1] == "2022年,某区在市委、市政府的坚强领导下,深入学习贯彻习近平法治思想统筹推进依法行政各项工作,法治政府建设取得明显成效。现将有关情况报告如下:"
    assert lines[2] == "一、主要工作"
    assert lines[3].startswith("一是深化改革。") and "分别达到95.2%和91.8%。二是" in lines[3] and lines[3].endswith("案卷300卷。")
    assert clean("\n".join(wrapped))[0].count("\n") > 6  # a page that is not plain text keeps its lines


def test_portal_bars_left_after_a_widget_and_a_related_list_are_chrome():
    from rag.ingest.clean import clean

    page = ["欢迎访问某县人民政府网站!今天是: 无障碍浏览 手机版 English",
            "名称: | 某县人民政府关于2023年度法治政府建设情况的报告",
            "某县人民政府关于2023年度法治政府建设情况的报告",
            "2023年,某县坚持依法行政,全年办理行政复议案件36件。现将有关情况报告如下。",
            "某县人民政府", "2024年1月20日",
            "【打印本页】 【关闭窗口】 分享到:微信 微博",
            "相关信息:某县人民政府关于2022年度法治政府建设情况的报告(已于2023-02-12发布,点击查看)"]
    text, header = clean("\n".join(page))
    assert text.split("\n") == ["某县人民政府关于2023年度法治政府建设情况的报告",
                                "2023年,某县坚持依法行政,全年办理行政复议案件36件。现将有关情况报告如下。",
                                "某县人民政府", "2024年1月20日"]


def test_a_sidebars_bulleted_related_links_go_but_the_addressee_after_them_stays():
    from rag.ingest.clean import clean

    page = ["某县人民政府关于2023年度法治政府建设情况的报告", "", "相关文章", "",
            "·某县人民政府关于2022年度法治政府建设情况的报告", "", "·某县召开全面依法治县委员会会议", "",
            "某县人民政府关于2023年度法治政府建设情况的报告", "", "市人民政府:", "",
            "2023年,某县坚持依法行政。现将有关情况报告如下。", "某县人民政府", "2024年1月20日", "",
            "某县发布", "微信号: mouxian_fb", "扫码关注 获取更多"]
    text, _ = clean("\n".join(page))
    assert text.split("\n") == ["某县人民政府关于2023年度法治政府建设情况的报告", "市人民政府:",
                                "2023年,某县坚持依法行政。现将有关情况报告如下。", "某县人民政府", "2024年1月20日"]


def test_a_table_is_one_paragraph_of_its_section_and_its_caption_is_no_heading(tmp_path):
    path = tmp_path / "table.txt"
    path.write_text("\n".join([
        "松溪县人民政府关于2023年度法治政府建设情况的报告", "一、主要工作", "(一)化解行政争议",
        "全年收到行政复议申请64件,审结52件。", "表1  2023年主要指标", "指标 | 2022年 | 2023年",
        "法律援助案件(件) | 377 | 418", "人民调解纠纷(件) | 2210 | 2391", "行政应诉案件(件) | 41 | 38",
        "(二)加强普法", "全年开展普法活动120场。"]), encoding="utf-8")
    doc = load_document(path)
    chunks = [(c.heading, doc.text[c.start:c.end]) for c in chunk_document(doc)]
    table = [c for c in chunks if "法律援助案件" in c[1]]
    assert len(table) == 1 and table[0][0] == "一、主要工作 > (一)化解行政争议"  # the caption heads nothing
    assert table[0][1].startswith("表1  2023年主要指标\n指标 | 2022年 | 2023年\n法律援助案件:2023年418件")
    assert "行政应诉案件:2023年38件,2022年41件。" in table[0][1]
    assert ("一、主要工作 > (二)加强普法", "全年开展普法活动120场。") in chunks
