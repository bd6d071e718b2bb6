"""The llm backend of /v1/augment against the answers real OpenAI-compatible servers give.

The LLM server is the one thing stood in for: vLLM, SGLang and llama.cpp's server need a GPU (or hours of
CPU) to run Qwen3, so a small stub on loopback serves recorded bodies in each server's shape
(Tests/Data/llm, described in its README) and records what coreward asked for. coreward itself, its encoder
and its validator, is the real release binary. What is checked: the rewrite is read from the answer after
the reasoning, never from it; `finish_reason: "length"` is retried once with a larger max_tokens and else
rejected as truncated; `n` goes in one request where the server takes it, else one request per variant
with its own seed; duplicate variants are dropped with a reason, never padded.
"""
import json
import threading

import pytest

from conftest import REPO, LLMStub

DATA = REPO / "Tests" / "Data" / "llm"


def recorded(name):
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def questions_in(name):
    """The questions a recorded body answers (from the ORIGINAL: section of its blocks)."""
    body = recorded(name)
    found = []
    for choice in body["choices"]:
        for text in (choice["message"].get("content") or "", choice["message"].get("reasoning_content") or ""):
            if "ORIGINAL:\n" in text:
                found.append(text.split("ORIGINAL:\n", 1)[1].split("\n", 1)[0])
    return found


class RecordedServer(LLMStub):
    """Answers each question with its script of (status, recorded file), one entry per request, the last
    repeated; records every request body."""

    def __init__(self, scripts):
        self.scripts = scripts
        self.requests = {question: [] for question in scripts}
        self.lock = threading.Lock()
        super().__init__(self.answer)

    def answer(self, question, body):
        with self.lock:
            seen = self.requests[question]
            seen.append(body)
            script = self.scripts[question]
            status, name = script[min(len(seen), len(script)) - 1]
        return status, (DATA / name).read_bytes(), {}


@pytest.fixture
def llm(start_server):
    """Starts a RecordedServer with the given scripts and a coreward using it; yields (coreward, stub)."""
    stubs = []

    def start(scripts, *flags):
        stub = RecordedServer(scripts)
        stubs.append(stub)
        running = start_server("--llm-url", stub.url, "--llm-timeout", "10", *flags)
        assert running.wait_ready().status_code == 200, running.log()
        return running, stub

    yield start
    for stub in stubs:
        stub.close()


def augment(running, question, n):
    response = running.post("/v1/augment", {"questions": [question], "n": n, "backend": "llm", "seed": 7})
    assert response.status_code == 200, response.text
    return response.json()["items"][0]["variants"]


def rewrites(name):
    """The rewrites in a recorded body's content, in choice order."""
    return [choice["message"]["content"].rsplit("REWRITE:\n", 1)[1].split("\n### RESULT_END", 1)[0]
            for choice in recorded(name)["choices"]]


def test_vllm_n_in_one_request_reads_content_not_reasoning(llm):
    question = questions_in("vllm-reasoning-content-n2.json")[0]
    running, stub = llm({question: [(200, "vllm-reasoning-content-n2.json")]})
    variants = augment(running, question, 2)
    assert [v["text"] for v in variants] == rewrites("vllm-reasoning-content-n2.json")
    assert all(v["accepted"] for v in variants), [v["reasons"] for v in variants]
    assert not any("DRAFT" in v["text"] for v in variants)  # the draft in reasoning_content is never read
    [sent] = stub.requests[question]
    assert sent["n"] == 2 and sent["max_tokens"] == 2048 and isinstance(sent["seed"], int)


def test_sglang_duplicates_are_dropped_with_a_reason(llm):
    question = questions_in("sglang-reasoning-n3.json")[0]
    running, stub = llm({question: [(200, "sglang-reasoning-n3.json")]})
    variants = augment(running, question, 3)
    assert len(variants) == 3  # the shape is kept: one entry per variant asked for
    assert [v["accepted"] for v in variants] == [True, True, False], [v["reasons"] for v in variants]
    duplicate = variants[2]
    assert duplicate["text"] is None
    assert duplicate["reasons"] == ["text: duplicate variant: the same text as variant 1 after whitespace normalisation; "
                                    "dropped, not replaced (2 distinct rewrites of 3 asked)"]
    assert len(stub.requests[question]) == 1  # never padded with more requests


def test_llamacpp_refuses_n_so_each_variant_is_a_request(llm):
    question = questions_in("llamacpp-reasoning-deepseek.json")[0]
    script = [(400, "llamacpp-n-refused.json"), (200, "llamacpp-reasoning-deepseek.json"), (200, "llamacpp-inline-think.json")]
    running, stub = llm({question: script})
    variants = augment(running, question, 2)
    expected = set(rewrites("llamacpp-reasoning-deepseek.json")) | {
        "An engineer measures a cable of length $\\sqrt{50}$ meters. Express this length in simplest form."}
    assert {v["text"] for v in variants} == expected  # the inline <think> draft is not read either
    assert all(v["accepted"] for v in variants), [v["reasons"] for v in variants]
    first, *singles = stub.requests[question]
    assert first["n"] == 2
    assert [("n" in s) for s in singles] == [False, False]
    assert len({s["seed"] for s in singles}) == 2  # distinct seeds, so distinct samples
    # The refusal is remembered: the next call asks one variant per request straight away.
    stub.scripts[question] = [(200, "llamacpp-reasoning-deepseek.json")]
    stub.requests[question] = []
    variants = augment(running, question, 2)
    assert [("n" in s) for s in stub.requests[question]] == [False, False]
    assert [v["accepted"] for v in variants] == [True, False]  # both requests got the same answer: one duplicate
    assert "duplicate variant" in variants[1]["reasons"][0]


def test_truncated_completion_is_retried_once_with_more_tokens(llm):
    question = questions_in("vllm-no-open-tag.json")[0]
    running, stub = llm({question: [(200, "vllm-length-in-reasoning.json"), (200, "vllm-no-open-tag.json")]})
    [variant] = augment(running, question, 1)
    assert variant["accepted"], variant["reasons"]
    assert variant["text"] == rewrites("vllm-no-open-tag.json")[0]  # after </think>, with no opening tag
    sent = stub.requests[question]
    assert [s["max_tokens"] for s in sent] == [2048, 4096]
    assert sent[0]["seed"] == sent[1]["seed"]


@pytest.mark.parametrize("recording, where", [
    ("vllm-length-in-reasoning.json", "inside the reasoning"),
    ("llamacpp-length-inline.json", "inside the reasoning"),
])
def test_truncated_twice_is_its_own_reason(llm, recording, where):
    question = "Evaluate $2^{10}$." if "llamacpp" in recording else "How many positive divisors does $36$ have?"
    running, stub = llm({question: [(200, recording)]}, "--llm-max-tokens", "1000", "--llm-max-tokens-cap", "1500")
    [variant] = augment(running, question, 1)
    assert not variant["accepted"] and variant["text"] is None
    assert variant["reasons"] == [f"text: truncated completion: finish_reason length, cut {where} "
                                  "(max_tokens 1000, then 1500 on the one retry)"]
    assert [s["max_tokens"] for s in stub.requests[question]] == [1000, 1500]


def test_fewer_choices_than_asked_are_completed_one_request_each(llm):
    question = questions_in("vllm-reasoning-n1.json")[0]
    # A server that ignores n answers one choice; the second variant is asked for alone, and comes back the same.
    running, stub = llm({question: [(200, "vllm-reasoning-n1.json")]})
    variants = augment(running, question, 2)
    assert variants[0]["accepted"], variants[0]["reasons"]
    assert variants[0]["text"] == rewrites("vllm-reasoning-n1.json")[0]
    assert "duplicate variant" in variants[1]["reasons"][0]
    first, second = stub.requests[question]
    assert first["n"] == 2 and "n" not in second and first["seed"] != second["seed"]
