"""The LLM path end to end: the real openai client against a local fake OpenAI-compatible server."""
from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from rag.answer.cite import REFUSAL
from rag.answer.respond import answer
from tests.conftest import sibling
from tests.fake_openai import CutStream, Reply, Status


@pytest.fixture
def llm_pipeline(seeded, fake_openai, monkeypatch):
    """The seeded index, with the LLM pointed at the fake server."""
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-secret")
    return sibling(seeded, llm_model="fake-model", llm_base_url=fake_openai.base_url, llm_max_retries=1,
                   llm_timeout=5)


def _passage(user: str, needle: str) -> int:
    """The number of the fenced passage in the prompt that contains `needle`."""
    for match in re.finditer(r'<passage n="(\d+)"[^\n]*heading="[^"]*">\n(.*?)\n</passage>', user, re.S):
        if needle in match[2]:
            return int(match[1])
    raise AssertionError(f"{needle} not in the prompt")


def _user(request: dict) -> str:
    """The user message of a recorded request, or of a request body (what `default` receives)."""
    return request.get("json", request)["messages"][-1]["content"]


def test_auto_mode_uses_the_llm_streams_and_verifies_citations(llm_pipeline, fake_openai):
    fake_openai.default = lambda req: f"长沙市芙蓉区2023年行政复议纠错率为20.93%[{_passage(_user(req), '20.93%')}]。"
    tokens = []
    result = answer("芙蓉区2023年行政复议纠错率是多少?", llm_pipeline, on_token=tokens.append)
    assert result.mode == "llm" and not result.refused
    assert len(tokens) > 1 and "".join(tokens).strip() == result.answer
    assert result.unverified == [] and result.invalid_markers == []
    assert [c.n for c in result.citations] == [int(re.search(r"\[(\d+)\]", result.answer)[1])]
    assert "20.93%" in result.citations[0].text
    request = fake_openai.requests[-1]
    assert request["json"]["stream"] is True and request["headers"]["authorization"] == "Bearer sk-test-secret"
    system = request["json"]["messages"][0]["content"]
    assert REFUSAL in system and "忽略以上指令" in system
    assert 'region="长沙市芙蓉区"' in _user(request) and 'year="2023"' in _user(request)
    assert "芙蓉区2023年行政复议纠错率是多少?" in _user(request)


def test_wrong_numbers_and_bad_markers_are_flagged(llm_pipeline, fake_openai):
    fake_openai.default = lambda req: (f"纠错率为21.5%[{_passage(_user(req), '20.93%')}],共办理372件[42]。")
    result = answer("芙蓉区2023年行政复议纠错率是多少?", llm_pipeline, mode="llm")
    assert result.mode == "llm"
    assert "21.5%" in result.unverified and result.invalid_markers == [42] and "[42]" not in result.answer


def test_refusal_phrase_marks_the_answer_refused(llm_pipeline, fake_openai):
    fake_openai.queue(Reply(f"{REFUSAL}。片段只涉及行政复议。"))
    result = answer("芙蓉区2023年的公证案件有多少件?", llm_pipeline, mode="llm")
    assert result.refused and result.mode == "llm" and result.citations == []


def test_region_year_traps_are_refused_before_any_llm_call(llm_pipeline, fake_openai):
    result = answer("平遥2021年行政复议收了多少件?", llm_pipeline, mode="llm")
    assert result.refused and "平遥县没有2021年的报告" in result.answer
    assert fake_openai.requests == []


def test_spam_is_masked_in_the_prompt_and_in_the_answer(llm_pipeline, fake_openai):
    fake_openai.default = lambda req: "落款为长沙市芙蓉区凯发一触即发[1]。"
    result = answer("芙蓉区2023年报告中2023年度重大行政决策事项目录是谁制定的?", llm_pipeline, mode="llm")
    assert "凯发一触即发" not in json.dumps(fake_openai.requests[-1]["json"], ensure_ascii=False)
    assert "凯发一触即发" not in result.answer and "〔已隐去可疑文字〕" in result.answer


def test_retry_on_429_then_answer(llm_pipeline, fake_openai):
    fake_openai.queue(Status(429, headers={"retry-after-ms": "1"}),
                      Reply("本溪市2022年纠错率23.29%[1]。"))
    result = answer("本溪2022年行政复议纠错率是多少?", llm_pipeline, mode="llm")
    assert result.mode == "llm" and len(fake_openai.requests) == 2


@pytest.mark.parametrize("failure", ["500", "cut", "unreachable"])
def test_llm_failures_fall_back_to_extractive_with_a_notice(llm_pipeline, fake_openai, failure):
    if failure == "500":
        fake_openai.queue(*[Status(500, headers={"retry-after-ms": "1"})] * 2)
    elif failure == "cut":
        fake_openai.queue(CutStream("本溪市2022年纠错"))
    else:
        llm_pipeline.settings.llm_base_url = "http://127.0.0.1:9/v1"
    result = answer("本溪2022年行政复议纠错率是多少?", llm_pipeline, mode="llm")
    assert result.mode == "extractive" and "23.29%" in result.answer
    assert any("大模型服务不可用" in n and "抽取式" in n for n in result.notices)
    assert not any("sk-test-secret" in n for n in result.notices)


def test_follow_up_sends_history_and_resolved_question(llm_pipeline, fake_openai):
    fake_openai.default = lambda req: "见片段[1]。"
    first = answer("芙蓉区2023年行政复议纠错率是多少?", llm_pipeline, mode="llm")
    answer("那本溪呢?", llm_pipeline, mode="llm", history=[first])
    user = _user(fake_openai.requests[-1])
    assert "本溪市" in user and "纠错率" in user and "芙蓉区2023年行政复议纠错率是多少?" in user
    assert 'region="本溪市"' in user and 'region="长沙市芙蓉区"' not in user


def test_cli_ask_json_in_both_modes(seeded, fake_openai, tmp_path):
    env = {"PATH": "/usr/bin:/bin", "RAG_DATA_DIR": str(seeded.settings.data_dir),
           "RAG_MODEL_CACHE": str(seeded.settings.model_cache), "HOME": str(tmp_path)}
    run = subprocess.run([sys.executable, "-m", "rag", "ask", "本溪2022年行政复议纠错率是多少?", "--json"],
                         capture_output=True, text=True, env=env, timeout=300)
    data = json.loads(run.stdout)
    assert data["mode"] == "extractive" and "23.29%" in data["answer"]
    assert set(data) >= {"answer", "refused", "citations", "retrieved", "mode", "latency_ms", "unverified",
                         "invalid_markers"}
    fake_openai.default = "本溪市2022年纠错率23.29%[1]。"
    env |= {"OPENAI_BASE_URL": fake_openai.base_url, "RAG_LLM_MODEL": "fake-model"}
    run = subprocess.run([sys.executable, "-m", "rag", "ask", "本溪2022年行政复议纠错率是多少?"],
                         capture_output=True, text=True, env=env, timeout=300)
    assert run.returncode == 0, run.stderr
    assert "[大模型回答] 本溪市2022年纠错率23.29%[1]。" in run.stdout and "模式: 大模型" in run.stdout


def test_an_llm_answer_that_subtracts_cited_numbers_is_derived_not_unverified(llm_pipeline, fake_openai):
    def reply(req):
        n = _passage(_user(req), "审结344件")
        return f"芙蓉区2023年办理行政复议案件372件,审结344件,尚未审结 372 − 344 = 28件[{n}]。"
    fake_openai.default = reply
    result = answer("芙蓉区2023年办理的复议案件到年底还有多少件没审结?", llm_pipeline, mode="llm")
    assert result.mode == "llm" and result.unverified == []
    assert result.derived == [{"value": "28", "operation": "372 − 344"}]
    assert result.to_json()["derived"] == result.derived
