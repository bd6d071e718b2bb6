"""/v1/augment, /v1/augment/check and `coreward augment` against the real binary; the llm backend
against a small OpenAI-compatible stub on loopback that answers in the marker format, sometimes
malformed, sometimes 429 or 500 or 400, sometimes too slowly."""
import json
import subprocess
import threading
import time

import pytest

from conftest import BINARY, MODEL_DIR, LLMStub, read_jsonl

TAGS = ["MALFORMED", "RATE", "FAIL500", "BAD400", "SLOW"]


class Stub(LLMStub):
    """Counts attempts per tag; the tag in the question decides the answer."""

    def __init__(self):
        self.attempts = {}
        self.lock = threading.Lock()
        super().__init__(self.answer)

    def answer(self, question, body):
        tag = next((t for t in TAGS if t in question), "OK")
        with self.lock:
            self.attempts[tag] = self.attempts.get(tag, 0) + 1
            attempt = self.attempts[tag]
        if tag == "RATE" and attempt == 1:
            return 429, json.dumps({"error": "slow down"}).encode(), {"Retry-After": "1"}
        if tag == "FAIL500":
            return 500, json.dumps({"error": "boom"}).encode(), {}
        if tag == "BAD400":
            return 400, json.dumps({"error": "bad request"}).encode(), {}
        if tag == "SLOW":
            time.sleep(4)
        if tag == "MALFORMED":
            content = "Sure! Here is a rewrite, without any markers."
        else:
            rewrite = question.replace("Find", "A baker wants to determine").replace("RATE", "SPEED")
            content = f"<think>ok</think>### RESULT_START\nORIGINAL:\n{question}\nREWRITE:\n{rewrite}\n### RESULT_END"
        return 200, json.dumps({"choices": [{"message": {"role": "assistant", "content": content}}]}).encode(), {}


@pytest.fixture
def stub():
    running = Stub()
    yield running
    running.close()


def test_rules_backend_answers_every_question(server):
    questions = ["Tom has 3 apples and buys 2,000 more. How many apples does Tom have?", "If $f(x)=2x+1$, what is $f(3)$?"]
    response = server.post("/v1/augment", {"questions": questions, "n": 2, "seed": 5})
    assert response.status_code == 200, response.text
    items = response.json()["items"]
    assert [item["question"] for item in items] == questions
    for item in items:
        assert len(item["variants"]) == 2
        for variant in item["variants"]:
            assert variant["accepted"], variant["reasons"]
            assert set(variant["checks"]) == {"text", "numbers", "math", "names", "diagram", "similarity", "novelty"}
            assert "2,000" in variant["text"] or "$f(3)$" in variant["text"]
        assert len({variant["text"] for variant in item["variants"]}) == 2  # distinct, never a duplicate
    again = server.post("/v1/augment", {"questions": questions, "n": 2, "seed": 5}).json()
    assert again == response.json()


def test_rules_backend_returns_fewer_variants_with_a_reason(server):
    # 150 made-up words no rule knows: the rules find no variant that changes enough, and say so for each slot.
    words = ["zq" + chr(97 + i % 26) + chr(97 + i // 26) for i in range(150)]
    question = " ".join(words) + "?"
    item = server.post("/v1/augment", {"questions": [question], "n": 2, "seed": 1}).json()["items"][0]
    assert len(item["variants"]) == 2
    for variant in item["variants"]:
        assert variant["text"] is None and not variant["accepted"]
        assert any("distinct valid variant" in reason for reason in variant["reasons"]), variant["reasons"]


def test_check_rejects_a_changed_number(server):
    pairs = [{"original": "A farm has 12 cows and 5 pigs. How many animals?", "rewrite": "A ranch keeps 12 cows and 6 pigs. Count the animals."}]
    item = server.post("/v1/augment/check", {"pairs": pairs}).json()["items"][0]
    assert not item["accepted"]
    assert any(reason.startswith("numbers:") for reason in item["reasons"])


def test_check_is_sound_for_co_reward(server):
    """Issue 16: a renaming is rejected naming it (allowed on request, per pair or for all), a number word changed
    is a changed number, and a diagram keeps its drawing."""
    renamed = {"original": "Let $f(x)=2x+1$. Find the inverse function $f^{-1}(x)$ of $f$.",
               "rewrite": "Suppose $g(w)=2w+1$. Determine the inverse $g^{-1}(w)$ of the function $g$."}
    words = {"original": "Six circles of radius 1 are drawn in a row. What is their total area?",
             "rewrite": "Twelve circles, each of radius 1, are drawn in a line. Find the sum of their areas."}
    drawing = "[asy]\ndraw((0,0)--(15,0)--(0,8)--cycle);\n[/asy]"
    diagram = {"original": "Find the hypotenuse of the right triangle shown.\n" + drawing,
               "rewrite": "Compute the length of the hypotenuse in the triangle drawn below.\n" + drawing.replace("15", "22")}
    items = server.post("/v1/augment/check", {"pairs": [renamed, words, diagram, dict(renamed, allow_renaming=True)]}).json()["items"]
    assert not items[0]["accepted"]
    assert any(reason.startswith("names: renamed f→g, x→w") for reason in items[0]["reasons"]), items[0]["reasons"]
    assert not items[1]["accepted"] and any(reason.startswith("numbers: a number in words changed") for reason in items[1]["reasons"])
    assert not items[2]["accepted"] and any(reason.startswith("diagram: the diagram's numbers changed") for reason in items[2]["reasons"])
    assert items[3]["checks"]["names"]["held"], items[3]
    everything = server.post("/v1/augment/check", {"pairs": [renamed], "allow_renaming": True}).json()["items"][0]
    assert everything["checks"]["names"]["held"]


@pytest.mark.parametrize("body, pointer, status", [
    ({"pairs": [{"original": "a", "rewrite": "b", "allow_renaming": "yes"}]}, "/pairs/0/allow_renaming", 400),
    ({"questions": ["q"], "allow_renaming": 1}, "/allow_renaming", 400),
    ({"questions": []}, "/questions", 400),
    ({"questions": ["q"], "n": 0}, "/n", 400),
    ({"questions": ["q"], "backend": "gpt"}, "/backend", 400),
    ({"questions": ["q"], "backend": "llm"}, "/backend", 409),  # valid, but this server has no --llm-url
    ({"questions": [1]}, "/questions/0", 400),
    ({"pairs": []}, "/pairs", 400),
])
def test_bad_requests_name_the_field(server, body, pointer, status):
    path = "/v1/augment/check" if "pairs" in body else "/v1/augment"
    response = server.post(path, body)
    assert response.status_code == status
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.json()["pointer"] == pointer


def test_llm_backend_never_loses_a_question(start_server, stub):
    running = start_server("--llm-url", stub.url, "--llm-timeout", "1.5", "--llm-retries", "2", "--llm-concurrency", "3")
    assert running.wait_ready().status_code == 200, running.log()
    questions = ["Find $x$ if $2x+3=7$."] + [f"Find {tag} $y$ if $y+1=4$." for tag in TAGS]
    started = time.time()
    response = running.post("/v1/augment", {"questions": questions, "backend": "llm"})
    elapsed = time.time() - started
    assert response.status_code == 200, response.text
    variants = {item["question"]: item["variants"][0] for item in response.json()["items"]}
    assert len(variants) == len(questions)
    assert variants[questions[0]]["accepted"]
    assert variants["Find RATE $y$ if $y+1=4$."]["accepted"]  # a 429, then an answer
    for tag, reason in [("MALFORMED", "unparseable completion"), ("FAIL500", "HTTP 500"), ("BAD400", "HTTP 400"), ("SLOW", "timed out")]:
        variant = variants[f"Find {tag} $y$ if $y+1=4$."]
        assert not variant["accepted"] and variant["text"] is None
        assert any(reason in r for r in variant["reasons"]), variant["reasons"]
    # Retries on 429 and 5xx only: 1 + 2 retries for the 500, one attempt for the 400, the slow and the malformed.
    assert stub.attempts == {"OK": 1, "MALFORMED": 1, "RATE": 2, "FAIL500": 3, "BAD400": 1, "SLOW": 1}
    assert elapsed < 15


def test_cli_is_resumable_and_writes_rejections_apart(tmp_path):
    source = tmp_path / "in.jsonl"
    rows = [{"id": i, "question": q} for i, q in enumerate(["Find $x$ if $2x=4$.", "What is $3+4$?", "Tom has 5 pens. How many pens?"])]
    source.write_text("".join(json.dumps(row) + "\n" for row in rows[:2]))
    output = tmp_path / "out.jsonl"
    command = [str(BINARY), "augment", "--input", str(source), "--output", str(output), "--model-dir", str(MODEL_DIR)]
    first = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert first.returncode == 0, first.stderr
    assert "accepted: 2" in first.stderr
    source.write_text("".join(json.dumps(row) + "\n" for row in rows))
    second = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert second.returncode == 0, second.stderr
    assert "1 questions" in second.stderr and "2 already done" in second.stderr
    written = read_jsonl(output)
    assert sorted(row["id"] for row in written) == [0, 1, 2]
    assert all(row["rephrased"] and row["variants"][0]["accepted"] for row in written)
    assert (tmp_path / "out.rejected.jsonl").exists()
