"""The app in real headless Chromium (Debian's /usr/bin/chromium driven by Playwright)."""
from __future__ import annotations

import re
import threading
from pathlib import Path

import pytest

from tests.conftest import close_app, free_port, sibling
from tests.fake_openai import CutStream, FakeOpenAI, Reply, Status

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
    port = free_port()
    app = launch(pipeline, "127.0.0.1", port, block=False)
    yield f"http://127.0.0.1:{port}/"
    close_app(app)


@pytest.fixture(scope="module")
def llm_server(seeded):
    """The app over the seeded index (only read) with the LLM pointed at a fake OpenAI server."""
    from ui.app import launch

    with FakeOpenAI() as fake:
        pipeline = sibling(seeded, llm_model="fake-model", llm_base_url=fake.base_url, llm_max_retries=0,
                           llm_timeout=30)
        port = free_port()
        app = launch(pipeline, "127.0.0.1", port, block=False)
        yield f"http://127.0.0.1:{port}/", fake
        close_app(app)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield chromium
        chromium.close()


def _open(browser, url: str):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(url)
    page.wait_for_selector("#question textarea")
    return context, page


@pytest.fixture
def page(browser, server):
    context, page = _open(browser, server)
    yield page
    context.close()


@pytest.fixture
def llm_page(browser, llm_server):
    url, fake = llm_server
    context, page = _open(browser, url)
    yield page, fake
    context.close()
    with fake._lock:  # the next test scripts its own replies
        fake._steps.clear()
    fake.default, fake.requests[:] = None, []


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
    assert card.locator("mark").first.is_visible()  # the quoted sentence is on screen, highlighted
    page.screenshot(path=str(tmp_path / "chat.png"), full_page=True)


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
    table = page.locator("#doc-table").inner_text()
    assert re.search(r"\n示例县\s+(?:\S+\s+)?2021\s+\S+\s+示例县2021年度法治政府建设工作报告\n", table), table  # 地区 年度 类型 标题
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


def test_briefs_tab_generates_a_one_screen_brief_with_folded_detail_and_downloads(page, tmp_path):
    page.get_by_role("tab", name="简报").click()
    _choose(page, "#brief-pick", "本溪市 2022")
    page.click("#brief-go")
    page.wait_for_function("() => document.querySelector('#brief-top').innerText.includes('下一步计划')")
    top = page.locator("#brief-top").inner_text()
    for section in ("概况", "主要举措与成效", "关键数据", "存在问题", "下一步计划"):
        assert section in top
    assert "23.29%[" in top and "附录" not in top
    measures = top.split("主要举措与成效")[1].split("关键数据")[0]
    assert 1 <= len([line for line in measures.splitlines() if re.search(r"\[\d+\]$", line.strip())]) <= 8
    assert page.locator("#brief-top").bounding_box()["height"] < 2000  # one screen-ish, not a dump
    page.screenshot(path=str(tmp_path / "brief.png"), full_page=True)
    detail = page.locator("#brief-detail")
    assert not detail.is_visible() and "各章节举措与成效" not in page.locator("#brief-view").inner_text()  # folded away
    page.locator("#brief-more").get_by_text("附录：分节详情").first.click()
    page.wait_for_function("() => document.querySelector('#brief-detail')?.innerText.includes('各章节举措与成效')")
    assert detail.is_visible() and "全部指标数据" in detail.inner_text()
    page.locator("#brief-sources-box").get_by_text("来源").first.click()
    page.wait_for_function("() => document.querySelector('#brief-sources')?.innerText.includes('000_a71df9a351047f25.txt')")
    names = re.sub(r"\s", "", page.locator("#brief-file").inner_text() + page.locator("#brief-docx").inner_text())
    assert re.search(r"简报-本溪市-2022-[\w-]+\.md", names) and re.search(r"简报-本溪市-2022-[\w-]+\.docx", names)
    page.screenshot(path=str(tmp_path / "brief-detail.png"), full_page=True)


def test_compare_tab_draws_one_sorted_chart_per_unit_with_years_and_missing_regions(page, tmp_path):
    page.get_by_role("tab", name="对比").click()
    _choose(page, "#compare-pick", "法律援助案件")
    page.keyboard.press("Escape")
    page.click("#compare-go")
    page.wait_for_function("() => document.querySelectorAll('#compare-chart figure').length === 2")
    table = page.locator("#compare-table").inner_text()
    assert "23.29%" in table and "17.3%" in table and "20.93%" in table and "未自动提取到" in table
    rate, count = page.locator("#compare-chart figure").all()
    assert rate.get_attribute("data-unit") == "%" and count.get_attribute("data-unit") == "件"
    labels = rate.locator("g.bar text[text-anchor=end]").evaluate_all("ts => ts.map(t => t.textContent)")  # SVG: no innerText
    seeds = ["本溪市 2022年", "长沙市芙蓉区 2023年", "温州市 2018年"]  # by value, year beside the region
    assert [label for label in labels if label in seeds] == seeds  # (other tests may have uploaded reports)
    widths = [float(w) for w in rate.locator("g.bar rect").evaluate_all("rs => rs.map(r => r.getAttribute('width'))")]
    assert widths == sorted(widths, reverse=True) and rate.locator("svg").is_visible()
    assert "(%)" == rate.locator(".axis-unit").text_content() and "(件)" == count.locator(".axis-unit").text_content()
    assert "平遥县" in rate.locator(".chart-missing").inner_text()  # listed under the chart, not drawn
    counts = [float(w) for w in count.locator("g.bar rect").evaluate_all("rs => rs.map(r => r.getAttribute('width'))")]
    assert counts == sorted(counts, reverse=True)
    page.screenshot(path=str(tmp_path / "compare.png"), full_page=True)


def test_example_questions_are_made_from_the_corpus_and_follow_an_upload(page, tmp_path):
    examples = page.locator("#examples")
    shown = examples.inner_text()
    assert "本溪市2022年" in shown and "哪个地区的" in shown and "芙蓉区2023年行政复议纠错率是多少" not in shown
    first = re.search(r"本溪市2022年\S+", shown)[0]
    examples.get_by_text(first).first.click()
    page.wait_for_function("([q]) => document.querySelector('#question textarea').value === q", arg=[first])
    page.screenshot(path=str(tmp_path / "examples.png"), full_page=True)
    report = tmp_path / "泸州市2021年法治政府建设年度报告.txt"
    report.write_text("泸州市2021年法治政府建设年度报告\n一、主要成效\n全年受理行政复议案件236件,直接纠错率15.4%,"
                      "办理法律援助案件880件,人民调解案件5120件,规范性文件审查96件,行政执法案卷评查70卷。\n",
                      encoding="utf-8")
    _upload(page, report)
    page.get_by_role("tab", name="问答").click()
    page.wait_for_function("() => document.querySelector('#examples').innerText.includes('泸州市2021年')")


def test_library_lists_counts_flags_and_a_link_to_each_brief(page, tmp_path):
    page.get_by_role("tab", name="文档库").click()
    table = page.locator("#doc-table")
    page.wait_for_function("() => document.querySelector('#doc-table').innerText.includes('指标数')")
    assert "非年度报告(新闻报道)" in table.inner_text() and "可疑文字 4 处" in table.inner_text()
    row = table.locator(".virtual-row", has_text="平遥县2020年度").first  # Gradio 6 draws rows as divs
    assert row.locator("a", has_text="简报").count() == 1 and re.search(r"简报\s+[1-9]\d*\s+[1-9]\d*\s", row.inner_text())  # chunks, facts
    page.screenshot(path=str(tmp_path / "library.png"), full_page=True)
    link = row.locator("a", has_text="简报")
    with page.context.expect_page() as opened:  # the link opens the brief in a new tab
        link.click()
    brief = opened.value
    brief.wait_for_function("() => document.querySelector('#brief-top') && "
                            "document.querySelector('#brief-top').innerText.includes('下一步计划')", timeout=60_000)
    assert "平遥县2020年" in brief.locator("#brief-top").inner_text()
    assert "平遥县" in brief.locator("#brief-pick input").input_value()
    brief.screenshot(path=str(tmp_path / "library-brief.png"), full_page=True)
    brief.close()


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


def _passage(request: dict, needle: str) -> int:
    """The number of the fenced passage in a chat request's prompt that contains `needle`."""
    user = request["messages"][-1]["content"]
    for match in re.finditer(r'<passage n="(\d+)"[^\n]*>\n(.*?)\n</passage>', user, re.S):
        if needle in match[2]:
            return int(match[1])
    raise AssertionError(f"{needle} not in the prompt")


def test_llm_answer_streams_into_the_chat_then_its_sources_follow(llm_page, tmp_path):
    page, fake = llm_page
    assert "当前回答方式: 大模型" in page.inner_text("body")
    resume, cited = threading.Event(), []

    def reply(request: dict) -> Reply:
        cited.append(_passage(request, "20.93%"))
        return Reply(f"长沙市芙蓉区2023年行政复议纠错率为20.93%[{cited[-1]}]。", pause_at=12, resume=resume)

    fake.default = reply
    page.fill("#question textarea", "芙蓉区2023年行政复议纠错率是多少?")
    page.click("#send")
    # the first tokens are in the chat while the server still holds the rest, and no source is shown yet
    page.wait_for_function("() => document.querySelector('#chat').innerText.includes('〔大模型〕 长沙市芙蓉区2023')")
    assert "20.93%" not in page.locator("#chat").inner_text()
    assert page.locator("#sources .src-card").count() == 0
    page.screenshot(path=str(tmp_path / "chat-llm-streaming.png"), full_page=True)
    resume.set()
    page.wait_for_function("() => document.querySelectorAll('#sources .src-card').length > 0")
    bubble = page.locator("#chat .message").last.inner_text()
    assert "〔大模型〕" in bubble and f"20.93%[{cited[0]}]" in bubble
    assert "模式: 大模型" in page.locator("#sources").inner_text()
    card = page.locator(f"#src-{cited[0]}")
    assert "长沙市芙蓉区" in card.inner_text() and "20.93%" in card.inner_text()
    assert page.locator("#sources .src-card").count() == 1  # only the cited passage
    [request] = [r for r in fake.requests if r["path"].endswith("/chat/completions")]
    assert request["json"]["stream"] is True
    page.screenshot(path=str(tmp_path / "chat-llm.png"), full_page=True)


@pytest.mark.parametrize("failure", [Status(500), CutStream("本溪市2022年行政复议纠")], ids=["500", "cut-stream"])
def test_llm_failure_shows_the_fallback_notice_and_an_extractive_answer(llm_page, failure, tmp_path):
    page, fake = llm_page
    fake.queue(failure)
    _ask(page, "本溪2022年行政复议纠错率是多少?")
    bubble = page.locator("#chat .message").last.inner_text()
    sources = page.locator("#sources").inner_text()
    assert "23.29%" in bubble and "〔大模型〕" not in bubble
    assert "大模型服务不可用" in bubble and "抽取式" in bubble
    assert "模式: 抽取式" in sources and "大模型服务不可用" in sources
    assert len(fake.requests) == 1  # the LLM was tried once (no retries configured), then the fallback
    page.screenshot(path=str(tmp_path / "chat-llm-fallback.png"), full_page=True)
