"""Access control for a shared deployment: users and roles, Gradio login, role checks inside the
handlers (so gradio_client is refused like the page), the audit log, secrets kept out of outputs."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from rag import audit, auth
from rag.cli import main
from tests.conftest import ROOT, close_app, sibling
from tests.test_browser import ARGS, CHROMIUM, browser  # noqa: F401 - shared fixture

READER, EDITOR = ("reader1", "reader-password"), ("editor1", "editor-password")
REPORT = "示例区2021年度法治政府建设工作报告\n一、主要成效\n全年受理法律援助案件 456 件。\n"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    env = {**os.environ, "PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, "-m", "rag", *args], input=stdin, capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=300)


def test_users_add_list_remove_store_only_salted_hashes(isolated_data_dir):
    assert _cli("users", "add", "alice", "--role", "editor", stdin="alice-password\n").returncode == 0
    assert _cli("users", "add", "bob", "--role", "reader", stdin="bob-password\n").returncode == 0
    listed = _cli("users", "list").stdout
    assert "alice\teditor" in listed and "bob\treader" in listed
    stored = (isolated_data_dir / "users.json").read_text(encoding="utf-8")
    assert "alice-password" not in stored and stored.count("$argon2id$") == 2
    assert auth.verify(isolated_data_dir, "alice", "alice-password") and not auth.verify(isolated_data_dir, "alice", "x")
    bad = _cli("users", "add", "carol", "--role", "admin", stdin="carol-password\n")
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    short = _cli("users", "add", "carol", "--role", "reader", stdin="short\n")
    assert short.returncode == 2 and short.stderr.strip().count("\n") == 0 and "至少 8" in short.stderr
    assert _cli("users", "remove", "bob").returncode == 0 and "bob" not in _cli("users", "list").stdout


def test_serve_on_a_non_loopback_address_without_users_refuses_to_start(isolated_data_dir):
    run = _cli("serve", "--host", "0.0.0.0", "--port", str(_free_port()))  # refused before anything binds
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert run.stderr.strip().startswith("错误: 拒绝在 0.0.0.0 上无登录运行") and "rag users add" in run.stderr
    assert run.stderr.strip().count("\n") == 0


def test_cli_changes_are_audited_as_cli_and_rag_log_shows_them(isolated_data_dir, tmp_path, seeded):
    report = tmp_path / "示例区2021年报.txt"
    report.write_text(REPORT, encoding="utf-8")
    pipeline = sibling(seeded, copy_to=isolated_data_dir)
    pipeline.remove(["000_a71df9a351047f25.txt"])  # through the pipeline: not audited
    assert main(["remove", "001_a9e76fce8504005b.txt"]) == 0
    entry = audit.entries(isolated_data_dir)[-1]
    assert entry["user"] == "cli" and entry["action"] == "remove" and entry["docs"] == ["001_a9e76fce8504005b.txt"]
    shown = _cli("log").stdout
    assert "cli  remove  001_a9e76fce8504005b.txt" in shown


@pytest.fixture
def shared_app(seeded, tmp_path):
    """The app with a reader and an editor, on a loopback port, over a writable copy of the seeds."""
    from ui.app import launch

    pipeline = sibling(seeded, copy_to=tmp_path / "shared")
    for (name, password), role in ((READER, "reader"), (EDITOR, "editor")):
        auth.add_user(pipeline.settings.data_dir, name, role, password)
    port = _free_port()
    app = launch(pipeline, "127.0.0.1", port, block=False)
    yield f"http://127.0.0.1:{port}/", pipeline
    close_app(app)


def _fingerprint(pipeline) -> list:
    return sorted((d.source, d.year, d.region, n) for d, n in pipeline.documents())


def test_wrong_password_is_refused(shared_app):
    import httpx
    from gradio_client import Client

    url, _ = shared_app
    assert httpx.post(url + "login", data={"username": READER[0], "password": "wrong"}).status_code >= 400
    with pytest.raises(Exception):
        Client(url, auth=(READER[0], "wrong"), verbose=False)


def test_reader_calls_to_state_changing_endpoints_are_refused_and_change_nothing(shared_app, tmp_path):
    from gradio_client import Client, handle_file

    url, pipeline = shared_app
    report = tmp_path / "示例区2021年报.txt"
    report.write_text(REPORT, encoding="utf-8")
    before = _fingerprint(pipeline)
    client = Client(url, auth=READER, verbose=False)
    upload = client.predict([handle_file(str(report))], api_name="/upload")
    save = client.predict("000_a71df9a351047f25.txt", "1999", "", None, "", api_name="/save_metadata")
    remove = client.predict("000_a71df9a351047f25.txt", api_name="/remove")
    for result in (upload, save, remove):
        assert "没有修改权限" in result[0]
    with pytest.raises(Exception, match="没有修改权限"):
        client.predict("evals/questions.jsonl", "extractive", api_name="/run_eval")
    assert _fingerprint(pipeline) == before and audit.entries(pipeline.settings.data_dir) == []
    chat, *_ = client.predict("本溪2022年行政复议纠错率是多少?", [], [], [], "extractive", api_name="/chat")
    assert "23.29%" in str(chat[-1]["content"])  # reading is allowed


def test_editor_upload_is_in_the_audit_log_with_the_users_name(shared_app, tmp_path):
    from gradio_client import Client, handle_file

    url, pipeline = shared_app
    report = tmp_path / "示例区2021年报.txt"
    report.write_text(REPORT, encoding="utf-8")
    status, *_ = Client(url, auth=EDITOR, verbose=False).predict([handle_file(str(report))], api_name="/upload")
    assert "新增 1" in status
    entry = audit.entries(pipeline.settings.data_dir)[-1]
    assert entry["user"] == EDITOR[0] and entry["action"] == "upload" and entry["docs"] == ["示例区2021年报.txt"]
    assert entry["time"] and "新增 1" in entry["result"]


@pytest.mark.browser
@pytest.mark.parametrize("user, editor", [(READER, False), (EDITOR, True)], ids=["reader", "editor"])
def test_reader_sees_no_change_controls_in_chromium(shared_app, browser, user, editor):  # noqa: F811
    url, _ = shared_app
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(url)
    page.fill("input[type=text]", user[0])
    page.fill("input[type=password]", user[1])
    page.keyboard.press("Enter")
    page.wait_for_selector("#question textarea")
    page.wait_for_function("() => document.querySelector('#who') && document.querySelector('#who').innerText.includes('当前用户')")
    page.get_by_role("tab", name="文档库").click()
    page.wait_for_selector("#doc-pick")
    controls = ["#upload-go", "#upload", "#doc-save", "#doc-delete", "#edit-year", "#audit-log"]
    assert [page.locator(c).is_visible() for c in controls] == [editor] * len(controls)
    page.get_by_role("tab", name="评测").click()
    page.wait_for_selector("#eval-file")
    assert page.locator("#eval-run").is_visible() == editor
    context.close()


class _Recorder(BaseHTTPRequestHandler):
    seen: list[dict] = []

    def do_GET(self):  # noqa: N802
        _Recorder.seen.append(dict(self.headers))
        self.send_response(500)
        self.end_headers()

    do_POST = do_GET

    def log_message(self, *args):
        pass


def test_secrets_reach_their_server_and_no_output(seeded, fake_openai, tmp_path, monkeypatch, caplog):
    """The key goes to the LLM endpoint and the token to the Chroma server as a header; neither
    appears in the chat, sources, exports, audit log, log records or error lines."""
    from rag.errors import RagError
    from rag.index.store import make_client
    from rag.settings import Settings
    from ui import handlers as h

    key, token = "sk-live-SECRET-0123456789", "chroma-SECRET-token-987"
    monkeypatch.setenv("OPENAI_API_KEY", key)
    monkeypatch.setenv("RAG_CHROMA_TOKEN", token)
    fake_openai.default = "本溪市2022年行政复议纠错率为23.29%[1]。"
    pipeline = sibling(seeded, copy_to=tmp_path / "d", llm_model="fake-model", llm_base_url=fake_openai.base_url)
    outputs = []
    for chat, sources, history in h.ask(pipeline, "本溪2022年行政复议纠错率是多少?", [], [], [], [], "llm"):
        outputs += [json.dumps(chat, ensure_ascii=False), sources]
    outputs.append(Path(h.export(pipeline, history)).read_text(encoding="utf-8"))
    (tmp_path / "示例区2021年报.txt").write_text(REPORT, encoding="utf-8")
    outputs.append(h.upload(pipeline, [str(tmp_path / "示例区2021年报.txt")], user=None))
    outputs.append(h.upload(pipeline, [str(tmp_path / "missing.txt")], user=None))
    assert fake_openai.requests[-1]["headers"].get("authorization") == f"Bearer {key}"

    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        settings = Settings(data_dir=tmp_path / "c", chroma_host="127.0.0.1", chroma_port=server.server_port)
        with pytest.raises(RagError) as failed:
            make_client(settings).heartbeat()
        outputs.append(h.error_line(failed.value))
    finally:
        server.shutdown()
    assert any(s.get("Authorization") == f"Bearer {token}" for s in _Recorder.seen)
    outputs += [audit.log_file(pipeline.settings.data_dir).read_text(encoding="utf-8"), caplog.text,
                repr(Settings()), Settings().model_dump_json()]
    leaked = [o for o in outputs if key in o or token in o]
    assert leaked == []


def test_bind_check_and_no_auth_banner(isolated_data_dir, seeded):
    from rag.errors import InputError
    from ui.app import NO_AUTH_BANNER, build_app, check_bind

    for host in ("0.0.0.0", "10.1.2.3", "::", "intranet-host"):
        with pytest.raises(InputError, match="rag users add"):
            check_bind(isolated_data_dir, host, no_auth=False)
        check_bind(isolated_data_dir, host, no_auth=True)
    for host in ("127.0.0.1", "localhost", "::1", "127.0.0.2"):
        check_bind(isolated_data_dir, host, no_auth=False)
    auth.add_user(isolated_data_dir, *EDITOR[:1], "editor", EDITOR[1])
    check_bind(isolated_data_dir, "0.0.0.0", no_auth=False)
    shown = [getattr(b, "value", None) for b in build_app(seeded, NO_AUTH_BANNER).blocks.values()]
    assert NO_AUTH_BANNER in shown and "未启用登录" in NO_AUTH_BANNER
