"""Hostile report and hostile model output in real Chromium: nothing loads, nothing runs.

The page is watched from its first request: every request that does not go to the app's own
loopback origin is recorded and aborted (Playwright route interception), every dialog is recorded,
and each payload would set window.__pwned if it ever ran."""
from __future__ import annotations

import re
import socket
from pathlib import Path

import pytest

from tests.conftest import close_app, sibling
from tests.fake_openai import FakeOpenAI
from tests.test_browser import ARGS, CHROMIUM, _ask, _choose, browser  # noqa: F401 - shared fixture

pytestmark = pytest.mark.browser
PAYLOADS = ('<script>window.__pwned=1</script>', '<img src=x onerror="window.__pwned=2">',
            '![图](http://evil.test/a.png)', '[点此](javascript:window.__pwned=3)', '[官网](http://evil.test/page)',
            '<iframe src="http://evil.test/f"></iframe>')
REPORT = ("注入县2020年度法治政府建设工作报告\n一、主要成效\n"
          f"(一)行政复议。全年办理行政复议案件12件,纠错率10%。{PAYLOADS[0]}\n"
          f"(二)政务公开。公开目录见{PAYLOADS[2]}与{PAYLOADS[1]}。\n"
          f"(三)链接。{PAYLOADS[3]}、{PAYLOADS[4]}{PAYLOADS[5]}。\n")


@pytest.fixture(scope="module")
def hostile(seeded, tmp_path_factory):
    """The app over the seeds plus the hostile report (plain text: every payload kept as written), its LLM a fake
    server that answers with payloads."""
    from ui.app import launch

    fake = FakeOpenAI().start()
    fake.default = lambda req: f"注入县2020年行政复议纠错率为10%[1]。{''.join(PAYLOADS)}"
    folder = tmp_path_factory.mktemp("hostile")
    (folder / "注入县2020年度法治政府建设工作报告.txt").write_text(REPORT, encoding="utf-8")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("OPENAI_API_KEY", "sk-test")
        pipeline = sibling(seeded, copy_to=folder / "data", llm_model="fake-model", llm_base_url=fake.base_url,
                           llm_max_retries=0, llm_timeout=10)
        pipeline.ingest([folder / "注入县2020年度法治政府建设工作报告.txt"])
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        app = launch(pipeline, "127.0.0.1", port, block=False)
        yield f"http://127.0.0.1:{port}"
        close_app(app)
    fake.stop()


@pytest.fixture
def watched(browser, hostile):  # noqa: F811
    """A page on the hostile app; returns (page, off-origin requests, dialogs)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    off_origin, dialogs = [], []

    def route(r):
        if r.request.url.startswith(hostile + "/"):
            r.continue_()
        else:
            off_origin.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.set_default_timeout(90_000)
    page.goto(hostile + "/")
    page.wait_for_selector("#question textarea")
    yield page, off_origin, dialogs
    context.close()


def _assert_inert(page, where: str) -> None:
    assert page.evaluate("() => window.__pwned") is None
    assert page.locator(f"{where} img, {where} iframe, {where} script, {where} a").count() == 0


def test_hostile_answer_and_sources_render_inert(watched):
    page, off_origin, dialogs = watched
    _ask(page, "注入县2020年行政复议纠错率是多少?")
    page.wait_for_function("() => document.querySelector('#chat').innerText.includes('onerror')")
    chat = page.locator("#chat").inner_text()
    assert "官网 (http://evil.test/page)" in chat and "<script>" in chat and "点此" in chat
    assert "<script>window.__pwned=1</script>" in page.locator("#sources").inner_text()
    _assert_inert(page, "#chat")
    _assert_inert(page, "#sources")
    assert off_origin == [] and dialogs == []


def test_hostile_report_in_library_and_brief_renders_inert(watched):
    page, off_origin, dialogs = watched
    page.get_by_role("tab", name="文档库").click()
    _choose(page, "#doc-pick", "注入县2020年度法治政府建设工作报告.txt")
    page.wait_for_function("() => document.querySelector('#doc-view').innerText.includes('javascript:')")
    _assert_inert(page, "#doc-view")
    page.get_by_role("tab", name="简报").click()
    _choose(page, "#brief-pick", "注入县 2020")
    page.click("#brief-go")
    page.wait_for_function("() => document.querySelector('#brief-top').innerText.includes('下一步计划')")
    shown = page.locator("#brief-top").inner_text()  # its figure, cited, on the first screen
    assert re.search(r"行政复议纠错率\s+10%\[\d+\]", shown), shown
    _assert_inert(page, "#brief-view")
    assert off_origin == [] and dialogs == []
