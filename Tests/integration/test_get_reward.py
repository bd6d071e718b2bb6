"""POST /get_reward: OpenRLHF's remote reward protocol with the Co-Reward group-assembly buffer.

Written against /work/wip/get_reward_contract.md (issue 8). OpenRLHF's traffic is replayed both ways it
sends it: one request per sample (`{"query": [prompt+response], "prompts": [prompt], "labels": [label]}`,
the samples of a prompt in flight at once) and one batch shard holding many samples. The samples are real
Qwen2.5-Math rollouts: for a question, responses 0-3 are view 0 (the original prompt) and 4-7 view 1 (a
rephrased prompt), n = 4. Expected rewards come from POST /v1/reward on the same server (mode co_reward,
math equivalence, binary reward) with each view's responses in the canonical order (sorted by UTF-8
bytes), cross-checked against reference.py where the answers are plain strings.
"""
import json
import random
import signal
import socket
import subprocess
import threading
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

import pytest
import requests

from conftest import BINARY, metric_value, metrics_of, problem
from reference import co_reward_group, majority_vote, extract_answer

RUN = uuid.uuid4().hex[:8]  # the session server keeps answers for 15 minutes: pair ids never repeat

SYSTEM = "<|im_start|>system\nPlease reason step by step, and put your final answer within \\boxed{}.<|im_end|>\n"
END = "<|im_end|>"  # the query is decoded with special tokens kept, so the response ends with the EOS token
# Every sample of every answer carries these keys: OpenRLHF stacks each key over a batch (issue 13).
LOG_KEYS = {"answer_found", "group_complete", "assembly_timeout", "views_agree", "label_correct", "has_label"}

# real ties: in each view two answers have two votes each, so a pseudo-label depends on the order of votes
TIES = ["math-test-3985", "math-test-4097"]
# questions whose rollouts disagree (so rewards are not all equal) and some unanimous ones
MIXED = ["math-test-3610", "math-test-3669", "math-test-4349", "math-test-3981", "math-test-3706", "math-test-4254",
         "math-test-4000", "math-test-3746"]


def pair_id(name):
    return f"{RUN}-{name}-{uuid.uuid4().hex[:6]}"


def chat(user):
    return SYSTEM + "<|im_start|>user\n" + user + "<|im_end|>\n<|im_start|>assistant\n"


def prompts_of(question):
    """View 0 asks the question as written, view 1 a rephrased wording of it."""
    return chat(question), chat("Consider the following problem, stated in other words. " + question +
                                " Work it out and give the final result.")


@dataclass
class Sample:
    """One rollout as OpenRLHF sends it; `text` is the response text the server must derive."""
    pair: object
    view: int
    n: int
    prompt: object
    text: str
    views: object = None
    truth: object = None      # the Co-Reward label's optional ground truth
    plain: object = None      # a plain-text label: ground-truth mode
    extra: dict = field(default_factory=dict)

    @property
    def query(self):
        return (self.prompt or "") + self.text

    @property
    def label(self):
        if self.plain is not None:
            return self.plain
        meta = {"pair_id": self.pair, "view": self.view, "n": self.n}
        if self.views is not None:
            meta["views"] = self.views
        if self.truth is not None:
            meta["label"] = self.truth
        meta.update(self.extra)
        return json.dumps(meta)

    @property
    def key(self):
        return (str(self.pair), self.view, self.text)

    @property
    def has_truth(self):
        return self.plain is not None or self.truth is not None


def body_of(samples):
    return {"query": [s.query for s in samples], "prompts": [s.prompt for s in samples],
            "labels": [s.label for s in samples]}


def make_pair(item, name=None, n=4, truth=True, views_field=False):
    """The 2 x n samples of one question: responses 0..n-1 under the original prompt, n..2n-1 rephrased."""
    pid = pair_id(name or item["id"])
    prompts = prompts_of(item["question"])
    out = []
    for view in (0, 1):
        for response in item["responses"][view * n:(view + 1) * n]:
            out.append(Sample(pid, view, n, prompts[view], response + END, views=2 if views_field else None,
                              truth=item["answer"] if truth else None))
    return out


def canonical(texts):
    return sorted(texts, key=lambda t: t.encode("utf-8"))


def expected_rewards(server, samples, views=2):
    """What every sample must get, by the contract's definition, computed through POST /v1/reward.

    The samples (of any pairs, possibly incomplete) are grouped by pair and view; each view's responses are
    put in the canonical order. A view whose other views hold nothing gets an empty pseudo-label: reward 0.
    """
    groups = defaultdict(lambda: defaultdict(list))
    truths = {}
    for s in samples:
        groups[str(s.pair)][s.view].append(s.text)
        if s.truth is not None:
            truths[str(s.pair)] = s.truth
    out = {}
    scored = []
    for pid, by_view in groups.items():
        k = max(views, max(by_view) + 1)
        lists = [canonical(by_view.get(v, [])) for v in range(k)]
        if sum(1 for texts in lists if texts) < 2:
            # only one view holds samples: its pseudo-label is empty, every reward 0
            found = server.post("/v1/extract", {"responses": [t for texts in lists for t in texts]}).json()["answers"]
            flat = [(v, t) for v, texts in enumerate(lists) for t in texts]
            for (v, t), answer in zip(flat, found):
                out[(pid, v, t)] = {"reward": 0.0, "answer_found": int(answer is not None), "views_agree": None,
                                    "label_correct": 0 if pid in truths else None}
            continue
        assert all(lists), "the oracle handles an empty view only when a single view holds samples"
        group = {"id": pid, "views": [{"responses": texts} for texts in lists]}
        if pid in truths:
            group["label"] = truths[pid]
        scored.append((pid, lists, group))
    if scored:
        response = server.post("/v1/reward", {"mode": "co_reward", "equivalence": "math", "reward": "binary",
                                              "groups": [g for _, _, g in scored]})
        assert response.status_code == 200, response.text
        for (pid, lists, _), group in zip(scored, response.json()["groups"]):
            for v, (texts, view) in enumerate(zip(lists, group["views"])):
                for text, reward, answer in zip(texts, view["rewards"], view["answers"]):
                    out[(pid, v, text)] = {
                        "reward": float(reward), "answer_found": int(answer is not None),
                        "views_agree": int(group["views_agree"]),
                        "label_correct": int(group["label_correct"][v]) if "label_correct" in group else None}
    return out


def check(response, samples, expected, complete=True):
    """A 200 answer to `samples` (in request order) that matches `expected` and the contract's shape."""
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"rewards", "scores", "extra_logs"}, body
    count = len(samples)
    assert len(body["rewards"]) == count and body["scores"] == body["rewards"]
    logs = body["extra_logs"]
    assert set(logs) == LOG_KEYS, logs
    for values in logs.values():
        assert len(values) == count and all(isinstance(x, (int, float)) for x in values), logs
    assert logs["has_label"] == [int(s.has_truth) for s in samples], logs
    for i, s in enumerate(samples):
        want = expected[s.key]
        where = f"sample {i} (pair {s.pair}, view {s.view})"
        assert body["rewards"][i] == want["reward"], where
        assert logs["answer_found"][i] == want["answer_found"], where
        assert logs["group_complete"][i] == (1 if complete else 0), where
        assert logs["assembly_timeout"][i] == (0 if complete else 1), where
        if want["views_agree"] is not None:
            assert logs["views_agree"][i] == want["views_agree"], where
        if not s.has_truth:
            assert logs["label_correct"][i] == 0, where
        elif want["label_correct"] is not None:
            assert logs["label_correct"][i] == want["label_correct"], where
    return body


def post(url, body, timeout=30, **kwargs):
    """As OpenRLHF posts: requests.post(url, json=...)."""
    return requests.post(url + "/get_reward", json=body, timeout=timeout, **kwargs)


class Pending:
    """A request in flight on its own thread (it may wait for its group)."""

    def __init__(self, url, body, timeout=30):
        self.response = self.error = None
        self.started = time.monotonic()
        self.elapsed = None
        self.thread = threading.Thread(target=self._run, args=(url, body, timeout), daemon=True)
        self.thread.start()

    def _run(self, url, body, timeout):
        try:
            self.response = post(url, body, timeout=timeout)
        except Exception as error:  # noqa: BLE001 - reported by result()
            self.error = error
        self.elapsed = time.monotonic() - self.started

    def done(self):
        return not self.thread.is_alive()

    def result(self, timeout=30):
        self.thread.join(timeout)
        assert not self.thread.is_alive(), "no answer in time"
        if self.error is not None:
            raise self.error
        return self.response


def send_each(url, samples, stagger=0.0, timeout=30):
    """One request per sample, all in flight at once (started `stagger` seconds apart); responses in order."""
    pending = []
    for s in samples:
        pending.append(Pending(url, body_of([s]), timeout=timeout))
        if stagger:
            time.sleep(stagger)
    return [p.result(timeout + 5) for p in pending]


def wait_for(predicate, timeout=10, what="a condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def waiting(server):
    return metric_value(metrics_of(server), "coreward_assembly_waiting_requests")


@pytest.fixture(scope="module")
def by_id(math_rollouts):
    return {item["id"]: item for item in math_rollouts}


# -- the route exists, empty lists ----------------------------------------------------------------------------------

def test_route_is_listed():
    routes = subprocess.run([str(BINARY), "routes"], capture_output=True, text=True, timeout=30).stdout
    assert "POST /get_reward" in routes.splitlines()


def test_empty_lists(server):
    for body in [{"query": []}, {"query": [], "prompts": [], "labels": []}, {"query": [], "labels": []}]:
        response = post(server.url, body, timeout=10)
        assert response.status_code == 200, response.text
        assert response.json() == {"rewards": [], "scores": [], "extra_logs": {}}


# -- batch shards -----------------------------------------------------------------------------------------------------

def test_batch_shard_of_whole_pairs_is_answered_at_once_whatever_the_order(server, by_id):
    items = [by_id[i] for i in MIXED + TIES]
    shards = []
    for seed in range(3):  # the same rollouts, fresh pair ids, three orders
        samples = [s for item in items for s in make_pair(item)]
        random.Random(seed).shuffle(samples)
        shards.append(samples)
    expected = expected_rewards(server, [s for shard in shards for s in shard])
    per_run = []
    for samples in shards:
        started = time.monotonic()
        body = check(post(server.url, body_of(samples), timeout=10), samples, expected)
        assert time.monotonic() - started < 10
        per_run.append({(s.view, s.text): r for s, r in zip(samples, body["rewards"])})
    assert per_run[0] == per_run[1] == per_run[2]
    assert 0 < sum(sum(run.values()) for run in per_run) < sum(len(run) for run in per_run)  # not trivially 0/1


def test_batch_shards_holding_one_view_each_complete_each_other(server, by_id):
    """OpenRLHF may put the original prompts in one shard and the rephrasings in another."""
    samples = [s for item in (by_id[MIXED[0]], by_id[MIXED[1]], by_id[TIES[0]]) for s in make_pair(item)]
    expected = expected_rewards(server, samples)
    view0 = [s for s in samples if s.view == 0]
    view1 = [s for s in samples if s.view == 1]
    first = Pending(server.url, body_of(view0))
    time.sleep(0.3)
    assert not first.done(), "a shard holding only view 0 cannot be scored before view 1 arrives"
    check(post(server.url, body_of(view1)), view1, expected)
    check(first.result(), view0, expected)


def test_reference_agrees_with_the_oracle(server, by_id):
    """reference.py (exact strings, Counter) and /v1/reward agree on these rollouts in canonical order."""
    for name in TIES + ["math-test-3706", "math-test-4254", "math-test-4000"]:
        samples = make_pair(by_id[name])
        expected = expected_rewards(server, samples)
        v0 = canonical([s.text for s in samples if s.view == 0])
        v1 = canonical([s.text for s in samples if s.view == 1])
        (_, _, r0), (_, _, r1) = co_reward_group(v0, v1)
        pid = str(samples[0].pair)
        assert [expected[(pid, 0, t)]["reward"] for t in v0] == r0
        assert [expected[(pid, 1, t)]["reward"] for t in v1] == r1


# -- per-sample traffic -------------------------------------------------------------------------------------------------

def test_per_sample_requests_of_several_pairs_at_once(server, by_id):
    items = [by_id[i] for i in MIXED[:6]]
    samples = [s for item in items for s in make_pair(item, truth=True)]
    expected = expected_rewards(server, samples)
    random.Random(7).shuffle(samples)
    responses = send_each(server.url, samples)
    for s, response in zip(samples, responses):
        check(response, [s], expected)


def test_arrival_order_does_not_change_rewards(server, by_id):
    """Ties: a view's pseudo-label is the tied class whose first member comes first in canonical order."""
    results = []
    for name in TIES:
        item = by_id[name]
        template = make_pair(item)
        expected_template = expected_rewards(server, template)
        # the order that would elect the other tied class if the server voted in arrival order
        answers = {s.text: extract_answer(s.text) for s in template}
        adversarial = []
        for view in (0, 1):
            own = [s for s in template if s.view == view]
            winner = majority_vote([answers[t] for t in canonical([s.text for s in own])])
            adversarial += sorted(own, key=lambda s: answers[s.text] == winner)  # losers of the tie first
            arrival_label = majority_vote([answers[s.text] for s in sorted(own, key=lambda s: answers[s.text] == winner)])
            assert arrival_label != winner, "fixture: this view is not a tie"
        orders = [sorted(template, key=lambda s: s.text.encode()), adversarial,
                  random.Random(3).sample(template, len(template))]
        for run, order in enumerate(orders):
            pid = pair_id(f"{name}-order{run}")
            samples = [Sample(pid, s.view, s.n, s.prompt, s.text, truth=s.truth) for s in order]
            expected = {(pid, v, t): e for (_, v, t), e in expected_template.items()}
            # started 40 ms apart so that they arrive in this order
            responses = send_each(server.url, samples, stagger=0.04)
            got = {}
            for s, response in zip(samples, responses):
                body = check(response, [s], expected)
                got[(s.view, s.text)] = (body["rewards"][0], body["extra_logs"]["views_agree"][0])
            results.append((name, run, got))
    for name in TIES:
        runs = [got for n, _, got in results if n == name]
        assert runs[0] == runs[1] == runs[2]


def test_pair_id_integer_is_read_as_its_decimal_text(server, by_id):
    number = random.randrange(10**12, 10**13)
    samples = make_pair(by_id[MIXED[2]])
    for s in samples:
        s.pair = number if s.view == 0 else str(number)
    expected = expected_rewards(server, samples)
    for s, response in zip(samples, send_each(server.url, samples)):
        check(response, [s], expected)


def test_three_views_pool_the_other_views(server, by_id):
    item = by_id["math-test-3669"]
    pid = pair_id("three")
    texts = [r + END for r in item["responses"]]
    samples = []
    for view, chunk in enumerate([texts[0:3], texts[3:6], texts[5:8]]):  # 3 per view; view 2 repeats one rollout
        prompt = chat(f"(variant {view}) " + item["question"])
        samples += [Sample(pid, view, 3, prompt, t, views=3) for t in chunk]
    expected = expected_rewards(server, samples, views=3)
    random.Random(1).shuffle(samples)
    for s, response in zip(samples, send_each(server.url, samples)):
        check(response, [s], expected)


def test_identical_responses_from_live_clients_are_two_samples(start_server, by_id):
    server = start_server("--assembly-timeout-seconds", "20")
    item = by_id[MIXED[4]]
    pid = pair_id("dup")
    p0, p1 = prompts_of(item["question"])
    r = [x + END for x in item["responses"]]
    samples = ([Sample(pid, 0, 4, p0, t) for t in (r[0], r[0], r[1], r[2])] +
               [Sample(pid, 1, 4, p1, t) for t in r[4:8]])
    expected = expected_rewards(server, samples)
    started = time.monotonic()
    for s, response in zip(samples, send_each(server.url, samples)):
        check(response, [s], expected)
    assert time.monotonic() - started < 10  # completed, not timed out
    metrics = metrics_of(server)
    assert metric_value(metrics, "coreward_assembly_groups_total", outcome="complete") == 1
    assert metric_value(metrics, "coreward_assembly_retries_total") == 0


# -- retries ---------------------------------------------------------------------------------------------------------

def raw_request(port, body):
    data = json.dumps(body).encode()
    connection = socket.create_connection(("127.0.0.1", port), timeout=10)
    connection.sendall(b"POST /get_reward HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                       b"Content-Length: %d\r\n\r\n" % len(data) + data)
    return connection


def test_retry_after_a_disconnect_takes_the_place_of_the_lost_request(start_server, by_id):
    server = start_server("--assembly-timeout-seconds", "20")
    item = next(i for i in (by_id[x] for x in MIXED) if len(set(i["responses"])) == 8)
    samples = make_pair(item)
    expected = expected_rewards(server, samples)
    lost_raw, lost_timeout = samples[0], samples[5]
    # one client sends and hangs up (raw socket closed) ...
    connection = raw_request(server.port, body_of([lost_raw]))
    wait_for(lambda: waiting(server) == 1, what="the first sample to wait")
    connection.close()
    # ... another gives up on a short client timeout (requests closes its connection)
    with pytest.raises(requests.exceptions.ReadTimeout):
        post(server.url, body_of([lost_timeout]), timeout=0.3)
    time.sleep(0.3)
    # both resend; every sample of the pair is then in flight: the group completes with n per view
    order = [lost_raw, lost_timeout] + [s for s in samples if s not in (lost_raw, lost_timeout)]
    started = time.monotonic()
    responses = send_each(server.url, order)
    assert time.monotonic() - started < 10
    for s, response in zip(order, responses):
        check(response, [s], expected)
    metrics = metrics_of(server)
    assert metric_value(metrics, "coreward_assembly_retries_total") == 2
    assert metric_value(metrics, "coreward_assembly_groups_total", outcome="complete") == 1
    assert metric_value(metrics, "coreward_assembly_groups_total", outcome="timeout") == 0
    assert metric_value(metrics, "coreward_assembly_waiting_requests") == 0
    # a retry of an answered sample: the same answer, byte for byte, not a new sample
    for s, response in list(zip(order, responses))[:3]:
        again = post(server.url, body_of([s]), timeout=10)
        assert again.status_code == 200 and again.content == response.content
    assert metric_value(metrics_of(server), "coreward_assembly_open_groups") == 0


def test_retry_of_answered_samples_is_byte_identical(server, by_id):
    samples = make_pair(by_id[MIXED[5]])
    expected = expected_rewards(server, samples)
    responses = send_each(server.url, samples)
    for s, response in zip(samples, responses):
        check(response, [s], expected)
    for s, response in zip(samples, responses):
        again = post(server.url, body_of([s]), timeout=10)
        assert again.status_code == 200, again.text
        assert again.content == response.content
    # a batch shard resent after its answer (OpenRLHF retries a failed call with the same body)
    shard = make_pair(by_id[MIXED[6]])
    first = post(server.url, body_of(shard), timeout=10)
    check(first, shard, expected_rewards(server, shard))
    second = post(server.url, body_of(shard), timeout=10)
    assert second.status_code == 200 and second.content == first.content


# -- incomplete groups ------------------------------------------------------------------------------------------------

def test_incomplete_groups_are_scored_at_the_assembly_timeout(start_server, by_id):
    server = start_server("--assembly-timeout-seconds", "1")
    only_view0 = [s for s in make_pair(by_id[MIXED[0]]) if s.view == 0][:3]        # 3 of 4, none of view 1
    four_two = make_pair(by_id[MIXED[1]])
    four_two = [s for s in four_two if s.view == 0] + [s for s in four_two if s.view == 1][:2]  # 4 + 2
    third = make_pair(by_id[MIXED[3]])
    shard = third[:2] + third[4:5]                                                   # a batch: 2 + 1
    expected = expected_rewards(server, only_view0 + four_two + shard)
    assert all(expected[s.key]["reward"] == 0 for s in only_view0)
    assert any(expected[s.key]["reward"] == 1 for s in four_two)
    started = time.monotonic()
    singles = [(s, Pending(server.url, body_of([s]))) for s in only_view0 + four_two]
    batch = Pending(server.url, body_of(shard))
    for s, pending in singles:
        check(pending.result(), [s], expected, complete=False)
        assert 0.9 <= pending.elapsed < 10
    check(batch.result(), shard, expected, complete=False)
    assert 0.9 <= batch.elapsed < 10
    assert time.monotonic() - started < 10
    metrics = metrics_of(server)
    assert metric_value(metrics, "coreward_assembly_groups_total", outcome="timeout") == 3
    assert metric_value(metrics, "coreward_assembly_groups_total", outcome="complete") == 0
    assert metric_value(metrics, "coreward_assembly_waiting_requests") == 0
    assert metric_value(metrics, "coreward_assembly_open_groups") == 0
    assert metric_value(metrics, "coreward_assembly_wait_seconds_count") == 3
    assert metric_value(metrics, "coreward_assembly_wait_seconds_bucket", le="+Inf") == 3  # a histogram
    assert metric_value(metrics, "coreward_assembly_wait_seconds_sum") >= 2.7


# -- ground-truth mode and response text -------------------------------------------------------------------------------

def test_ground_truth_labels_are_answered_at_once(server, by_id):
    items = [by_id[i] for i in MIXED[:4]]
    groups = [{"id": it["id"], "label": it["answer"], "views": [{"responses": [r + END for r in it["responses"]]}]}
              for it in items]
    reference = server.post("/v1/reward", {"mode": "ground_truth", "groups": groups}).json()["groups"]
    samples, want = [], []
    for it, group in zip(items, reference):
        prompt = chat(it["question"])
        view = group["views"][0]
        for text, reward, answer in zip([r + END for r in it["responses"]], view["rewards"], view["answers"]):
            samples.append(Sample(None, 0, 0, prompt, text, plain=it["answer"]))
            want.append((float(reward), int(answer is not None)))
    assert 0 < sum(w[0] for w in want) < len(want)
    for batch in (samples, samples[:1]):
        started = time.monotonic()
        response = post(server.url, body_of(batch), timeout=10)
        assert time.monotonic() - started < 5
        body = response.json()
        assert response.status_code == 200, response.text
        assert body["scores"] == body["rewards"] == [w[0] for w in want[:len(batch)]]
        logs = body["extra_logs"]
        assert logs["answer_found"] == [w[1] for w in want[:len(batch)]]
        assert logs["label_correct"] == [int(w[0]) for w in want[:len(batch)]]
        assert logs["group_complete"] == [1] * len(batch)
        assert logs["assembly_timeout"] == [0] * len(batch)
        assert logs["views_agree"] == [0] * len(batch)
    # labels that are not JSON objects are plain labels, compared by math equivalence
    plain = {"query": ["so \\boxed{0.5}", "\\boxed{\\{1,2\\}}", "\\boxed{42}", "\\boxed{[1,2]}", "nothing"],
             "labels": ["\\frac12", "{1,2}", "42", "[1, 2]", "7"]}
    body = post(server.url, plain, timeout=10).json()
    assert body["rewards"] == [1, 1, 1, 1, 0]
    assert body["extra_logs"]["answer_found"] == [1, 1, 1, 1, 0]


def test_response_text_is_what_follows_the_prompt(server):
    prompt = chat("Example: \\boxed{7}. What is 3 + 4?")
    response = "It is seven, but I will not box it." + END
    cases = [
        (prompt, prompt + response, 0),                  # prompt is a prefix: only the response counts
        (prompt, "<|endoftext|>" + prompt + response, 0),  # prompt inside the query: text after it
        (None, prompt + response, 1),                    # no prompt: the whole query
        ("not in the query", prompt + response, 1),      # prompt absent: the whole query
    ]
    body = {"query": [c[1] for c in cases], "prompts": [c[0] for c in cases], "labels": ["7"] * len(cases)}
    answer = post(server.url, body, timeout=10)
    assert answer.status_code == 200, answer.text
    assert answer.json()["extra_logs"]["answer_found"] == [c[2] for c in cases]
    assert answer.json()["rewards"] == [c[2] for c in cases]
    # without a prompts list at all, the whole query
    whole = post(server.url, {"query": [prompt + response], "labels": ["7"]}, timeout=10).json()
    assert whole["rewards"] == [1]


def test_every_sample_carries_the_same_log_keys_whatever_its_label(server, by_id):
    """OpenRLHF stacks each extra_logs key over a batch: a key missing for some samples crashes its replay
    buffer. `check` asserts the same six keys on every answer, with label_correct 0 and has_label 0 where
    there is no ground truth."""
    with_truth = make_pair(by_id[MIXED[1]], truth=True)
    check(post(server.url, body_of(with_truth), timeout=10), with_truth, expected_rewards(server, with_truth))
    without = make_pair(by_id[MIXED[4]], truth=False)
    check(post(server.url, body_of(without), timeout=10), without, expected_rewards(server, without))
    # ground-truth samples next to Co-Reward samples without a truth: the same keys
    plain = Sample(None, 0, 0, chat("1+1?"), "\\boxed{2}", plain="2")
    no_truth = make_pair(by_id[MIXED[5]], truth=False)
    response = post(server.url, body_of(no_truth + [plain]), timeout=10)
    check(response, no_truth + [plain], {**expected_rewards(server, no_truth),
                                         plain.key: {"reward": 1.0, "answer_found": 1, "views_agree": 0,
                                                     "label_correct": None}})


def test_the_ground_truth_belongs_to_the_pair(server, by_id):
    """A pair's ground truth may come with any of its samples: one sample whose Co-Reward label carries no
    `label` is judged against the truth its pair-mates carry, like them (label_correct is a property of the
    view's pseudo-label, which all of a view's samples share)."""
    mixed = make_pair(by_id[MIXED[4]], truth=True)
    mixed[3].truth = None
    response = post(server.url, body_of(mixed), timeout=10)
    assert response.status_code == 200, response.text
    logs = response.json()["extra_logs"]
    assert "label_correct" in logs, logs
    views = [sample.view for sample in mixed]
    for view in set(views):
        assert len({logs["label_correct"][i] for i, v in enumerate(views) if v == view}) == 1, logs
    full = make_pair(by_id[MIXED[4]], truth=True)
    reference = post(server.url, body_of(full), timeout=10).json()["extra_logs"]["label_correct"]
    assert logs["label_correct"] == reference


def test_a_label_may_be_the_object_itself(server, by_id):
    """A dataset's label column often holds the object, not its JSON text; OpenRLHF then sends the object."""
    as_text = make_pair(by_id[MIXED[4]], truth=True)
    as_object = make_pair(by_id[MIXED[4]], truth=True)
    body = body_of(as_object)
    body["labels"] = [json.loads(label) for label in body["labels"]]
    answered = post(server.url, body, timeout=10)
    assert answered.status_code == 200, answered.text
    reference = post(server.url, body_of(as_text), timeout=10)
    assert answered.json() == reference.json()
    check(answered, as_object, expected_rewards(server, as_object))
    body["labels"][0] = {"pair_id": "x", "view": 0}
    assert problem(400, post(server.url, body, timeout=10))["pointer"] == "/labels/0"


# -- bad input ---------------------------------------------------------------------------------------------------------

def co_label(**meta):
    return json.dumps({"pair_id": "bad-input-never-used", "view": 0, "n": 4, **meta})


def drop(key):
    meta = {"pair_id": "bad-input-never-used", "view": 0, "n": 4}
    del meta[key]
    return json.dumps(meta)


BAD = [
    ("prompts length", {"query": ["a", "b"], "prompts": ["p"], "labels": ["1", "1"]}, "/prompts"),
    ("labels length", {"query": ["a"], "labels": ["1", "2"]}, "/labels"),
    ("labels missing", {"query": ["\\boxed{1}"]}, "/labels"),
    ("labels null list", {"query": ["\\boxed{1}"], "labels": None}, "/labels"),
    ("label null", {"query": ["a", "b"], "labels": ["1", None]}, "/labels/1"),
    ("label empty", {"query": ["a"], "labels": [""]}, "/labels/0"),
    ("label number", {"query": ["a"], "labels": [5]}, "/labels/0"),
    ("label {}", {"query": ["a"], "labels": ["{}"]}, "/labels/0"),
    ("view out of range", {"query": ["a"], "labels": [co_label(view=2)]}, "/labels/0"),
    ("view negative", {"query": ["a"], "labels": [co_label(view=-1)]}, "/labels/0"),
    ("view out of range of views", {"query": ["a"], "labels": [co_label(view=3, views=3)]}, "/labels/0"),
    ("view a string", {"query": ["a"], "labels": [co_label(view="0")]}, "/labels/0"),
    ("view missing", {"query": ["a"], "labels": [drop("view")]}, "/labels/0"),
    ("n fractional", {"query": ["a"], "labels": [co_label(n=2.5)]}, "/labels/0"),
    ("n a string", {"query": ["a"], "labels": [co_label(n="4")]}, "/labels/0"),
    ("n boolean", {"query": ["a"], "labels": [co_label(n=True)]}, "/labels/0"),
    ("n zero", {"query": ["a"], "labels": [co_label(n=0)]}, "/labels/0"),
    ("n past max_rollouts", {"query": ["a"], "labels": [co_label(n=1025)]}, "/labels/0"),
    ("n missing", {"query": ["a"], "labels": [drop("n")]}, "/labels/0"),
    ("views one", {"query": ["a"], "labels": [co_label(views=1)]}, "/labels/0"),
    ("views past max_views", {"query": ["a"], "labels": [co_label(views=17)]}, "/labels/0"),
    ("unknown key", {"query": ["a"], "labels": [co_label(weight=1)]}, "/labels/0"),
    ("pair_id empty", {"query": ["a"], "labels": [co_label(pair_id="")]}, "/labels/0"),
    ("pair_id null", {"query": ["a"], "labels": [co_label(pair_id=None)]}, "/labels/0"),
    ("pair_id a list", {"query": ["a"], "labels": [co_label(pair_id=[1])]}, "/labels/0"),
    ("pair_id missing", {"query": ["a"], "labels": [drop("pair_id")]}, "/labels/0"),
    ("second label bad", {"query": ["a", "b"], "labels": ["1", co_label(n=-3)]}, "/labels/1"),
    ("query not a list", {"query": "prompt and response", "labels": ["1"]}, "/query"),
    ("query item a number", {"query": ["a", 5], "labels": ["1", "1"]}, "/query/1"),
    ("query item null", {"query": [None], "labels": ["1"]}, "/query/0"),
    ("prompt item a number", {"query": ["a"], "prompts": [5], "labels": ["1"]}, "/prompts/0"),
    ("prompts not a list", {"query": ["a"], "prompts": "a", "labels": ["1"]}, "/prompts"),
    ("labels not a list", {"query": ["a"], "labels": "1"}, "/labels"),
]


@pytest.mark.parametrize("name,body,pointer", BAD, ids=[b[0] for b in BAD])
def test_bad_input_is_a_400_with_a_pointer(server, name, body, pointer):
    found = problem(400, post(server.url, body, timeout=10))
    assert found.get("pointer") == pointer, found


def test_bad_bodies(server):
    found = problem(400, post(server.url, {"query": [], "temperature": 0.7}, timeout=10))
    assert "temperature" in found["detail"]
    problem(400, post(server.url, {"labels": ["1"]}, timeout=10))  # no query
    problem(400, requests.post(server.url + "/get_reward", data=b"{\"query\": [", timeout=10,
                               headers={"Content-Type": "application/json"}))
    problem(400, post(server.url, ["a"], timeout=10))


def test_a_refused_request_registers_none_of_its_samples(server, by_id):
    samples = make_pair(by_id[MIXED[2]])
    expected = expected_rewards(server, samples)
    bad = {"query": [samples[0].query, samples[1].query], "prompts": [samples[0].prompt, samples[1].prompt],
           "labels": [samples[0].label, co_label(view=9)]}
    problem(400, post(server.url, bad, timeout=10))
    # had sample 0 been kept, view 0 would now hold it twice (two distinct samples) and not complete as sent
    for s, response in zip(samples, send_each(server.url, samples, timeout=15)):
        check(response, [s], expected)


def test_samples_that_contradict_their_pair_are_409(start_server, by_id):
    server = start_server("--assembly-timeout-seconds", "20")
    item = by_id[MIXED[0]]
    pid = pair_id("conflict")
    p0, p1 = prompts_of(item["question"])
    r = [x + END for x in item["responses"]]
    a, b, c = Sample(pid, 0, 2, p0, r[0]), Sample(pid, 0, 2, p0, r[1], views=2), Sample(pid, 0, 2, p0, r[2])
    x, y = Sample(pid, 1, 2, p1, r[4]), Sample(pid, 1, 2, p1, r[5])
    expected = expected_rewards(server, [a, b, x, y])
    first = Pending(server.url, body_of([a]))
    wait_for(lambda: waiting(server) == 1, what="the first sample to wait")
    for wrong in (Sample(pid, 1, 4, p1, r[4]), Sample(pid, 1, 2, p1, r[4], views=3)):
        found = problem(409, post(server.url, body_of([wrong]), timeout=10))
        assert found.get("pointer") in (None, "/labels/0"), found
    second = Pending(server.url, body_of([b]))  # views=2 said out loud agrees with the default
    wait_for(lambda: waiting(server) == 2, what="the second sample to wait")
    found = problem(409, post(server.url, body_of([c]), timeout=10))  # view 0 already holds n = 2
    assert found.get("pointer") in (None, "/labels/0"), found
    rest = send_each(server.url, [x, y])
    for s, response in zip([a, b, x, y], [first.result(), second.result(), *rest]):
        check(response, [s], expected)
    assert first.elapsed < 10


# -- bounds ------------------------------------------------------------------------------------------------------------

def test_new_groups_are_bounded_and_open_groups_always_complete(start_server, by_id):
    """--assembly-max-waiting bounds the places open groups reserve (n x views each): a sample that would open
    a group past it gets a retryable 503, while every sample of an open group is admitted, so no step can
    deadlock with the bound full (OpenRLHF dispatches every sample of a step at once)."""
    pair = make_pair(by_id[MIXED[3]])
    places = pair[0].n * 2
    server = start_server("--assembly-max-waiting", str(places), "--assembly-timeout-seconds", "30")
    expected = expected_rewards(server, pair)
    first = Pending(server.url, body_of([pair[0]]))
    wait_for(lambda: waiting(server) == 1, what="the first sample to wait")
    other = make_pair(by_id[MIXED[4]])[0]
    refused = post(server.url, body_of([other]), timeout=10)
    problem(503, refused)
    assert int(refused.headers["Retry-After"]) >= 1
    # work that does not wait is still served
    assert post(server.url, {"query": ["\\boxed{2}"], "labels": ["2"]}, timeout=10).json()["rewards"] == [1]
    assert post(server.url, {"query": []}, timeout=10).status_code == 200
    metrics = metrics_of(server)
    assert metric_value(metrics, "coreward_assembly_rejected_total", reason="waiting") == 1
    assert metric_value(metrics, "coreward_assembly_waiting_requests") == 1
    assert metric_value(metrics, "coreward_assembly_buffer_bytes") >= len(pair[0].text.encode())
    assert metric_value(metrics, "coreward_assembly_open_groups") == 1
    # the bound is full, yet every other sample of the open group is admitted and the group completes
    rest = [Pending(server.url, body_of([s])) for s in pair[1:]]
    for s, p in zip(pair, [first] + rest):
        check(p.result(), [s], expected)
    assert waiting(server) == 0
    # its places are free again: the refused sample may now open its group
    retried = Pending(server.url, body_of([other]))
    wait_for(lambda: waiting(server) == 1, what="the refused sample to be admitted on retry")
    assert retried.response is None


def test_buffered_bytes_are_bounded(start_server):
    server = start_server("--assembly-max-bytes", "10000", "--assembly-timeout-seconds", "1")
    pid = pair_id("bytes")
    whole = [Sample(pid, 0, 1, None, "x" * 3990 + "\\boxed{1}"), Sample(pid, 1, 1, None, "y" * 3990 + "\\boxed{1}")]
    check(post(server.url, body_of(whole), timeout=10), whole,
          {s.key: {"reward": 1.0, "answer_found": 1, "views_agree": 1, "label_correct": None} for s in whole})
    # 8,000 bytes of retained answers: they are dropped to make room for a sample that waits
    big = Sample(pair_id("bytes-a"), 0, 1, None, "z" * 5990 + "\\boxed{2}")
    first = Pending(server.url, body_of([big]))
    wait_for(lambda: waiting(server) == 1, what="the big sample to wait")
    refused = post(server.url, body_of([Sample(pair_id("bytes-b"), 0, 1, None, "w" * 5990 + "\\boxed{3}")]),
                   timeout=10)
    problem(503, refused)
    assert int(refused.headers["Retry-After"]) >= 1
    metrics = metrics_of(server)
    assert metric_value(metrics, "coreward_assembly_rejected_total", reason="bytes") == 1
    assert metric_value(metrics, "coreward_assembly_buffer_bytes") <= 10000
    check(first.result(), [big], {big.key: {"reward": 0.0, "answer_found": 1, "views_agree": None,
                                            "label_correct": None}}, complete=False)


# -- waiting holds no worker thread -------------------------------------------------------------------------------------

def test_waiting_holds_no_worker_thread(start_server, math_rollouts):
    server = start_server("--threads", "1", "--assembly-timeout-seconds", "30")
    items = math_rollouts[:50]
    pairs = []
    for i, item in enumerate(items):
        pid = pair_id(f"thread{i}")
        p0, p1 = prompts_of(item["question"])
        pairs.append((Sample(pid, 0, 1, p0, item["responses"][0] + END),
                      Sample(pid, 1, 1, p1, item["responses"][4] + END)))
    expected = expected_rewards(server, [s for pair in pairs for s in pair])
    parked = [Pending(server.url, body_of([v0])) for v0, _ in pairs]
    wait_for(lambda: waiting(server) == 50, timeout=20, what="50 waiting samples")
    started = time.monotonic()
    assert requests.get(server.url + "/healthz", timeout=5).status_code == 200
    vote = requests.post(server.url + "/v1/vote", json={"groups": [{"id": "q", "responses": ["\\boxed{1}"] * 3}]},
                         timeout=5)
    assert vote.status_code == 200 and vote.json()["groups"][0]["pseudo_label"] == "1"
    ground_truth = post(server.url, {"query": ["\\boxed{3}"], "labels": ["3"]}, timeout=5)
    assert ground_truth.json()["rewards"] == [1]
    assert time.monotonic() - started < 3
    assert not any(p.done() for p in parked)
    completing = [Pending(server.url, body_of([v1])) for _, v1 in pairs]
    for (v0, v1), p, q in zip(pairs, parked, completing):
        check(p.result(), [v0], expected)
        check(q.result(), [v1], expected)
    assert waiting(server) == 0


# -- shutdown ----------------------------------------------------------------------------------------------------------

def test_sigterm_refuses_incomplete_groups_with_a_retryable_503_and_exits_0(start_server, by_id):
    """SIGTERM never answers a sample from a partial group that a restart could complete: each waiting request
    gets 503 with Retry-After (OpenRLHF retries it, on the restarted replica), and the process exits 0."""
    server = start_server("--assembly-timeout-seconds", "60", "--drain-timeout-seconds", "10")
    pair = make_pair(by_id[MIXED[5]])
    partial = [s for s in pair if s.view == 0][:3] + [s for s in pair if s.view == 1][:1]   # 3 + 1
    lonely = [s for s in make_pair(by_id[MIXED[6]]) if s.view == 0][:2]                    # a batch, 2 + 0
    singles = [Pending(server.url, body_of([s])) for s in partial]
    batch = Pending(server.url, body_of(lonely))
    wait_for(lambda: waiting(server) == 5, what="five waiting requests")
    sent = time.monotonic()
    server.process.send_signal(signal.SIGTERM)
    for pending in singles + [batch]:
        refused = pending.result()
        problem(503, refused)
        assert int(refused.headers["Retry-After"]) >= 1
        assert "shutting down" in refused.json()["detail"]
    assert time.monotonic() - sent < 10
    assert server.process.wait(timeout=20) == 0


def test_api_key_applies_as_on_v1_routes(start_server, tmp_path):
    key_file = tmp_path / "key"
    key_file.write_text("s3cret-token\n")
    server = start_server("--api-key-file", str(key_file))
    body = {"query": ["\\boxed{1}"], "labels": ["1"]}
    denied = post(server.url, body, timeout=10)
    problem(401, denied)
    assert denied.headers["WWW-Authenticate"] == "Bearer"
    allowed = post(server.url, body, timeout=10, headers={"Authorization": "Bearer s3cret-token"})
    assert allowed.status_code == 200 and allowed.json()["rewards"] == [1]


def test_a_delivered_answer_is_not_served_to_the_next_epoch(start_server, by_id):
    """libmicrohttpd tells when an answer reached its client; a delivered answer is kept only for the guard
    period. Within it a byte-identical re-send gets the same answer and a sample beyond n gets 409; after it
    the same pair and bytes (a new epoch of a small dataset) start a new group instead of getting the old
    reward."""
    server = start_server("--assembly-guard-seconds", "2", "--assembly-timeout-seconds", "30")
    pair = make_pair(by_id[MIXED[2]], n=2)
    expected = expected_rewards(server, pair)
    pending = [Pending(server.url, body_of([s])) for s in pair]
    answers = [p.result() for p in pending]
    for s, answer in zip(pair, answers):
        check(answer, [s], expected)
    again = post(server.url, body_of([pair[0]]), timeout=10)
    assert again.status_code == 200 and again.content == answers[0].content
    beyond = Sample(pair[0].pair, 0, 2, pair[0].prompt, "one more \\boxed{1}" + END)
    problem(409, post(server.url, body_of([beyond]), timeout=10))
    wait_for(lambda: metric_value(metrics_of(server), "coreward_assembly_buffer_bytes") == 0, timeout=10,
             what="the delivered answers to be forgotten after the guard period")
    next_epoch = Pending(server.url, body_of([pair[0]]))
    wait_for(lambda: waiting(server) == 1, what="the next epoch's sample to wait for its new group")
    assert next_epoch.response is None
