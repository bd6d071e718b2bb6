"""Memory under one large request (issue 18 item 3, issue 14's amplification): the peak resident memory a
request adds is at most PEAK_MULTIPLE x its body plus PEAK_CONSTANT, and resident memory comes back down after
it (docs/operations.md, "Memory per request"). Reads VmHWM and VmRSS of the server process from /proc; the peak is
reset before each request by writing 5 to /proc/PID/clear_refs. Linux only."""
import json
import pathlib
import random
import time

import pytest

from conftest import Server, read_jsonl, SHARED

PEAK_MULTIPLE = 4
PEAK_CONSTANT_MB = 64
# Resident memory after a large request, over what it was before the first one.
AFTER_MARGIN_MB = 48

pytestmark = pytest.mark.skipif(not pathlib.Path("/proc/self/clear_refs").exists(), reason="needs Linux /proc")


def memory_mb(pid):
    values = {}
    for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmHWM", "VmRSS"):
            values[key] = int(value.split()[0]) / 1024
    return values


def reset_peak(pid):
    pathlib.Path(f"/proc/{pid}/clear_refs").write_text("5")


@pytest.fixture(scope="module")
def lone_server():
    """A server of its own (other tests' requests must not move its memory), two worker threads."""
    running = Server("--threads", "2", "--max-batch-rollouts", "4000000")  # the short-answer body holds 1.5M
    assert running.wait_ready().status_code == 200, running.log()
    yield running
    running.stop()


def short_answer_reward(megabytes):
    """/v1/reward of many short responses (`\\boxed{n}`, 1,024 per view): the most values per body byte a
    trainer plausibly sends."""
    rng = random.Random(7)
    group = lambda: {"views": [{"responses": ["\\boxed{%d}" % rng.randrange(3) for _ in range(1024)]}
                               for _ in range(2)]}
    one = len(json.dumps(group()))
    groups = [group() for _ in range(int(megabytes * 1e6 / one) + 1)]
    return json.dumps({"mode": "co_reward", "advantage": "grpo", "groups": groups}).encode()


def get_reward_batch(rollouts, megabytes):
    """/get_reward of real rollouts with their prompts and ground-truth labels, repeated up to the size."""
    rng = random.Random(8)
    queries, prompts, labels = [], [], []
    size = 0
    while size < megabytes * 1e6:
        problem = rng.choice(rollouts)
        prompt = "<|im_start|>user\n" + problem["question"] + "<|im_end|>\n<|im_start|>assistant\n"
        queries.append(prompt + rng.choice(problem["responses"]))
        prompts.append(prompt)
        labels.append(problem["answer"])
        size += len(queries[-1]) + len(prompt)
    return json.dumps({"query": queries, "prompts": prompts, "labels": labels}).encode()


def short_get_reward(megabytes):
    """/get_reward of many short samples (`\\boxed{n}` with no prompt)."""
    count = int(megabytes * 1e6 / 20)
    return json.dumps({"query": ["\\boxed{%d}" % (i % 7) for i in range(count)],
                       "labels": [str(i % 5) for i in range(count)]}).encode()


def measure(server, path, body):
    """(peak added by the request, resident memory after it), in MB."""
    pid = server.process.pid
    before = memory_mb(pid)["VmRSS"]
    reset_peak(pid)
    response = server.post(path, body)
    assert response.status_code == 200, response.text[:500]
    time.sleep(0.3)  # the trim runs once the answer is sent
    after = memory_mb(pid)
    print(f"{path}: {len(body) / 2**20:.1f} MiB body, peak +{after['VmHWM'] - before:.0f} MiB, resident after {after['VmRSS']:.0f} MiB")
    return after["VmHWM"] - before, after["VmRSS"]


@pytest.mark.parametrize("path,build", [
    ("/v1/reward", lambda rollouts: short_answer_reward(25)),
    ("/get_reward", lambda rollouts: get_reward_batch(rollouts, 25)),
    ("/get_reward", lambda rollouts: short_get_reward(20)),
], ids=["reward-short-answers", "get_reward-real", "get_reward-short"])
def test_peak_and_after(lone_server, path, build):
    rollouts = read_jsonl(SHARED / "data" / "rollouts" / "math_qwen25math_instruct_n8.jsonl")
    body = build(rollouts)
    body_mb = len(body) / 2**20
    baseline = memory_mb(lone_server.process.pid)["VmRSS"]
    added, after = measure(lone_server, path, body)
    bound = PEAK_MULTIPLE * body_mb + PEAK_CONSTANT_MB
    assert added <= bound, f"{path}: a {body_mb:.1f} MiB body added {added:.0f} MiB at peak (bound {bound:.0f})"
    assert after <= baseline + AFTER_MARGIN_MB, (
        f"{path}: resident {after:.0f} MiB after a {body_mb:.1f} MiB body, {baseline:.0f} MiB before")


def test_the_batch_rollout_cap_bounds_a_body_of_empty_responses(start_server):
    """Empty responses (`""`, 3 bytes each) make an answer larger than the body (a null, a reward, an advantage each):
    --max-batch-rollouts (262,144 by default) caps them, so that even this shape stays within the stated bound,
    and one response more is a 413 naming the setting."""
    server = start_server("--threads", "2")
    assert server.wait_ready().status_code == 200, server.log()
    group = {"views": [{"responses": [""] * 1024} for _ in range(2)]}
    body = json.dumps({"mode": "co_reward", "advantage": "grpo", "groups": [group] * 128}).encode()
    added, _ = measure(server, "/v1/reward", body)
    assert added <= PEAK_MULTIPLE * len(body) / 2**20 + PEAK_CONSTANT_MB
    over = json.dumps({"groups": [group] * 128 + [{"views": [{"responses": [""]}, {"responses": [""]}]}]})
    response = server.post("/v1/reward", over.encode())
    assert response.status_code == 413
    assert "--max-batch-rollouts" in response.json()["detail"]
