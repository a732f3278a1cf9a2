"""The app in real headless Chromium (Debian's /usr/bin/chromium driven by Playwright)."""
from __future__ import annotations

import re
import socket
from pathlib import Path

import pytest

from tests.conftest import sibling

pytestmark = pytest.mark.browser
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]


@pytest.fixture(scope="module")
def server(seeded, tmp_path_factory):
    """The app over a writable copy of the seeded index, on a free loopback port."""
    from ui.app import launch

    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: `make test` installs it (apt-get install chromium)")
    pipeline = sibling(seeded, copy_to=tmp_path_factory.mktemp("browser") / "data")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app = launch(pipeline, "127.0.0.1", port, block=False)
    yield f"http://127.0.0.1:{port}/"
    app.close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(server)
    page.wait_for_selector("#question textarea")
    yield page
    context.close()


def _ask(page, question: str) -> None:
    cards_before = page.locator("#sources .src-card").count()
    page.fill("#question textarea", question)
    page.click("#send")
    page.wait_for_function(
        "([n]) => document.querySelectorAll('#sources .src-card').length > 0 && "
        "document.querySelector('#sources').innerText.includes('模式')", arg=[cards_before])


def test_ask_shows_answer_marker_and_matching_source_card(page, tmp_path):
    _ask(page, "芙蓉区2023年行政复议纠错率是多少?")
    bubble = page.locator("#chat .message").last
    page.wait_for_function("() => document.querySelector('#chat').innerText.includes('[1]')")
    assert "20.93%" in bubble.inner_text() and "[1]" in bubble.inner_text()
    card = page.locator("#src-1")
    assert "长沙市芙蓉区" in card.inner_text() and "2023年" in card.inner_text()
    assert "20.93%" in card.locator("mark").first.inner_text()
    assert "抽取式" in page.locator("#sources").inner_text()
    page.screenshot(path=str(tmp_path / "chat.png"), full_page=True)
    assert (tmp_path / "chat.png").stat().st_size > 10_000


def test_region_filter_limits_sources(page):
    _choose(page, "#filter-region", "温州市")
    page.keyboard.press("Escape")
    _ask(page, "行政复议纠错率是多少?")
    cards = page.locator("#sources .src-card")
    assert cards.count() >= 1
    assert all("温州市" in cards.nth(i).locator("h4").inner_text() for i in range(cards.count()))


def _choose(page, dropdown: str, option: str) -> None:
    page.click(f"{dropdown} input")
    page.click(f"{dropdown} li[data-testid=dropdown-option][aria-label='{option}']")


def _upload(page, path: Path) -> None:
    page.get_by_role("tab", name="文档库").click()
    page.set_input_files("#upload input[type=file]", str(path))
    page.click("#upload-go")
    page.wait_for_function("() => document.querySelector('#upload-status').innerText.includes('新增')")


def test_uploaded_report_becomes_answerable(page, tmp_path):
    report = tmp_path / "示例县2021年度法治政府建设工作报告.txt"
    report.write_text("示例县2021年度法治政府建设工作报告\n一、主要成效\n(一)法律援助。全年受理法律援助案件 ４５６ 件。\n"
                      "二、存在问题\n(一)执法力量不足。\n", encoding="utf-8")
    _upload(page, report)
    assert "示例县" in page.locator("#doc-table").inner_text() or "示例" in page.locator("#doc-table").inner_text()
    page.screenshot(path=str(tmp_path / "documents.png"), full_page=True)
    page.get_by_role("tab", name="问答").click()
    _ask(page, "示例县2021年受理了多少件法律援助案件?")
    assert "456" in page.locator("#sources").inner_text()  # full-width digits are normalised at cleaning


def test_report_with_markup_renders_inert(page, tmp_path):
    report = tmp_path / "注入县2020年度法治政府建设工作报告.html"
    report.write_text("<p>注入县2020年度法治政府建设工作报告</p><p>全年办理行政复议案件12件,"
                      "&lt;img src=x onerror=\"window.__pwned=1\"&gt;纠错率10%。</p>", encoding="utf-8")
    _upload(page, report)
    _choose(page, "#doc-pick", report.name)
    page.wait_for_function("() => document.querySelector('#doc-view').innerText.includes('onerror')")
    assert page.evaluate("() => window.__pwned") is None
    assert page.locator("#doc-view img").count() == 0
    page.get_by_role("tab", name="问答").click()
    _ask(page, "注入县2020年行政复议纠错率是多少?")
    assert "onerror" in page.locator("#sources").inner_text()
    assert page.locator("#sources img, #chat .message img").count() == 0
    assert page.evaluate("() => window.__pwned") is None


def test_briefs_tab_generates_a_cited_brief_with_download(page, tmp_path):
    page.get_by_role("tab", name="简报").click()
    _choose(page, "#brief-pick", "本溪市 2022")
    page.click("#brief-go")
    page.wait_for_function("() => document.querySelector('#brief-view').innerText.includes('下一步计划')")
    text = page.locator("#brief-view").inner_text()
    for section in ("概况", "主要举措与成效", "关键数据", "存在问题", "下一步计划", "来源"):
        assert section in text
    assert "23.29%[" in text and page.locator("#brief-file a").count() >= 1
    page.screenshot(path=str(tmp_path / "brief.png"), full_page=True)


def test_compare_tab_shows_table_and_chart(page, tmp_path):
    page.get_by_role("tab", name="对比").click()
    page.click("#compare-go")
    page.wait_for_function("() => document.querySelector('#compare-table').innerText.includes('23.29%')")
    table = page.locator("#compare-table").inner_text()
    assert "17.3%" in table and "20.93%" in table and "未自动提取到" in table
    page.wait_for_selector("#compare-chart canvas, #compare-chart svg", state="attached", timeout=30_000)
    page.screenshot(path=str(tmp_path / "compare.png"), full_page=True)


def test_library_tab_corrects_a_reports_year(page, tmp_path):
    report = tmp_path / "宜宾年报.txt"
    report.write_text("宜宾市2021年度法治政府建设工作报告\n一、主要成效\n全年受理法律援助案件 ６１８ 件。\n", encoding="utf-8")
    _upload(page, report)
    _choose(page, "#doc-pick", report.name)
    year = page.locator("#edit-year textarea, #edit-year input").first
    page.wait_for_function("() => { const e = document.querySelector('#edit-year textarea, #edit-year input');"
                           " return e && e.value === '2021'; }")
    year.fill("2019")
    page.click("#doc-save")
    page.wait_for_function("() => document.querySelector('#doc-status').innerText.includes('已更新')")
    assert "年份 2019" in page.locator("#doc-status").inner_text()
    page.wait_for_function("() => document.querySelector('#doc-table').innerText.includes('年度: 用户, 高')")
    table = page.locator("#doc-table").inner_text()
    assert re.search(r"宜宾市\s+四川省\s+2019\s+\S+\s+宜宾市2021年度法治政府建设工作报告", table), table  # 年度 column
    page.screenshot(path=str(tmp_path / "library-edit.png"), full_page=True)
    page.get_by_role("tab", name="问答").click()
    _ask(page, "宜宾市2019年受理法律援助案件多少件?")
    assert "618" in page.locator("#sources").inner_text() and "2019年" in page.locator("#sources").inner_text()
