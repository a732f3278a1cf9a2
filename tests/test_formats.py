"""PDF, DOCX and web pages at load time: round trips, clear errors per file, batches that go on."""
from __future__ import annotations

import zipfile

import pytest

from rag.errors import InputError
from rag.ingest import load_document
from rag.ingest.chunk import chunk_document
from rag.ingest.html import html_to_text
from rag.ingest.load import SUPPORTED, find_files, read_file
from tests import docmaker as dm


def header_rows(spec: dm.Spec) -> list[str]:
    fields = dm.header_fields(spec)
    return [" | ".join(x for kv in fields[i:i + 2] for x in kv) for i in (0, 2)] + [" | ".join(fields[4])]


@pytest.mark.parametrize("options", [
    {},
    {"indent": False, "page_numbers": "- {n} -"},
    {"header_table": False, "page_numbers": "{n}/{total}", "running_header": dm.GANGU.title},
], ids=["indented", "flush-left", "title-as-running-header"])
def test_pdf_reads_as_source_paragraphs_without_running_lines(tmp_path, options):
    path, _ = dm.report_pdf(tmp_path / "report.pdf", dm.GANGU, **options)
    text, kind = read_file(path)
    table = header_rows(dm.GANGU) if options.get("header_table", True) else []
    assert kind == "pdf"
    assert text.split("\n") == table + dm.body_lines(dm.GANGU)


def test_pdf_paragraphs_rejoin_across_page_breaks(tmp_path):
    import pypdfium2 as pdfium

    path, _ = dm.report_pdf(tmp_path / "report.pdf", dm.WENJIANG)
    assert len(pdfium.PdfDocument(str(path))) >= 3
    lines = read_file(path)[0].split("\n")
    longest = max(dm.body_lines(dm.WENJIANG), key=len)
    assert longest in lines
    assert not any("第" in line and "页" in line and "共" in line for line in lines)


def test_docx_reads_paragraphs_and_tables_without_page_header_footer(tmp_path):
    path, _ = dm.report_docx(tmp_path / "report.docx", dm.ZHENHAI)
    text, kind = read_file(path)
    assert kind == "docx"
    assert text.split("\n") == header_rows(dm.ZHENHAI) + dm.body_lines(dm.ZHENHAI)
    assert "人民政府文件" not in text and "- 1 -" not in text


@pytest.mark.parametrize("build", [dm.report_pdf, dm.report_docx], ids=["pdf", "docx"])
def test_chunk_offsets_slice_the_cleaned_text(tmp_path, build):
    path, _ = build(tmp_path / ("report" + (".pdf" if build is dm.report_pdf else ".docx")))
    doc = load_document(path)
    chunks = chunk_document(doc, 320)
    assert len(chunks) > 5
    assert all(doc.text[c.start:c.end] == c.text for c in chunks)
    assert any("行政复议" in c.text and "纠错率" in c.text for c in chunks)


def one_line_error(path) -> str:
    with pytest.raises(InputError) as caught:
        read_file(path)
    message = str(caught.value)
    assert "\n" not in message and str(path) in message
    return message


def test_scanned_pdf_is_told_to_need_ocr(tmp_path):
    assert "没有文字层(可能是扫描件),请先做文字识别" in one_line_error(dm.scanned_pdf(tmp_path / "scan.pdf"))


def test_encrypted_pdf_is_reported(tmp_path):
    path, _ = dm.report_pdf(tmp_path / "locked.pdf", password="secret")
    assert "加密" in one_line_error(path)


def test_pdf_with_only_an_owner_password_is_read(tmp_path):
    path, _ = dm.report_pdf(tmp_path / "restricted.pdf", password="")
    assert read_file(path)[0].split("\n")[3:] == dm.body_lines(dm.GANGU)


def test_old_binary_doc_is_told_to_save_as_docx(tmp_path):
    path = tmp_path / "old.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 2048)
    assert ".docx" in one_line_error(path)


def test_doc_saved_from_a_web_page_is_read_as_html(tmp_path):
    path = tmp_path / "page.doc"
    path.write_text("<html><body><p>一、主要工作</p><p>办理法律援助案件402件。</p></body></html>", encoding="utf-8")
    assert read_file(path)[0].split() == ["一、主要工作", "办理法律援助案件402件。"]


@pytest.mark.parametrize("suffix", [".pdf", ".docx"])
def test_truncated_and_corrupt_files_are_reported(tmp_path, suffix):
    good, _ = (dm.report_pdf if suffix == ".pdf" else dm.report_docx)(tmp_path / f"good{suffix}")
    raw = good.read_bytes()
    truncated = tmp_path / f"truncated{suffix}"
    truncated.write_bytes(raw[: len(raw) // 2])
    garbage = tmp_path / f"garbage{suffix}"
    garbage.write_bytes(b"not a document at all " * 50)
    assert "损坏" in one_line_error(garbage)
    assert any(word in one_line_error(truncated) for word in ("损坏", "不完整"))


def test_docx_with_a_damaged_part_is_reported(tmp_path):
    good, _ = dm.report_docx(tmp_path / "good.docx")
    damaged = tmp_path / "damaged.docx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(damaged, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            target.writestr(item, data[:200] if item.filename == "word/document.xml" else data)
    assert "损坏" in one_line_error(damaged)


def test_unsupported_extension_is_reported_per_file(tmp_path):
    path = tmp_path / "figures.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    assert find_files([path]) == [path]  # passed through: reading it says why not
    message = one_line_error(path)
    assert "不支持的文件类型" in message and all(s in message for s in SUPPORTED)


def test_folders_pick_reports_and_old_doc_files(tmp_path):
    for name in ("a.txt", "b.pdf", "c.docx", "d.doc", "e.html", "notes.xlsx", "a.txt.meta.json", "~$c.docx"):
        (tmp_path / name).write_bytes(b"x")
    assert [p.name for p in find_files([tmp_path])] == ["a.txt", "b.pdf", "c.docx", "d.doc", "e.html"]


@pytest.mark.slow
def test_a_batch_with_bad_files_still_ingests_the_good_one(tmp_path):
    from rag.pipeline import Pipeline
    from rag.settings import Settings

    folder = tmp_path / "batch"
    folder.mkdir()
    dm.report_docx(folder / "zhenhai.docx")
    (folder / "broken.pdf").write_bytes(b"%PDF-1.7\n" + b"\x00garbage" * 100)
    (folder / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 2048)
    report = Pipeline(Settings()).ingest([folder])
    assert report.added == ["zhenhai.docx"]
    failed = dict(report.failed)
    assert set(failed) == {str(folder / "broken.pdf"), str(folder / "old.doc")}
    assert all("\n" not in message for message in failed.values())


@pytest.mark.parametrize("layout", ["table", "fields"])
def test_page_chrome_elements_are_dropped_and_header_table_kept(tmp_path, layout):
    path, _ = dm.gov_page_html(tmp_path / "page.html", dm.WENJIANG, layout)
    text = html_to_text(path.read_text(encoding="utf-8"))
    for chrome in ("今天是", "无障碍", "您所在的位置", "分享到", "相关链接", "版权所有", "ICP备"):
        assert chrome not in text
    if layout == "table":
        assert "成文日期 | 2022-03-01 | 发布日期 | 2022-03-10" in text
    assert all(line in text for line in dm.body_lines(dm.WENJIANG)[1:])


def test_layout_tables_stay_blocks_not_pipe_rows():
    markup = ("<table><tr><td><p>一、主要工作</p><p>全年办结行政复议案件98件。</p></td>"
              "<td><div>栏目导航</div></td></tr></table>")
    lines = [line for line in html_to_text(markup).split("\n") if line.strip()]
    assert lines == ["一、主要工作", "全年办结行政复议案件98件。", "栏目导航"]


@pytest.mark.slow
def test_no_chunk_of_a_government_page_is_chrome(tmp_path):
    for layout in ("table", "fields"):
        for spec in (dm.WENJIANG, dm.GANGU):
            path, _ = dm.gov_page_html(tmp_path / f"{spec.short}-{layout}.html", spec, layout)
            doc = load_document(path)
            chrome = dm.chrome_lines(spec, dm.date(2024, 3, 5))
            for chunk in chunk_document(doc, 320):
                for key in ("widget", "access", "crumb", "hits", "share", "copyright", "icp", "related2"):
                    assert chrome[key][:8] not in chunk.text, (layout, key)
