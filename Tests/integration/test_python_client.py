"""The Python client (clients/python, import coreward_client) against the live server and against stub servers.

Live: every /v1 method with values worked out by hand; the verl batch reward function called exactly as verl's
BatchRewardManager calls it; CoRewardManager on a DataProto stand-in holding numpy arrays; TRL async reward
functions called as GRPOTrainer calls them, including a group split between two concurrent "processes".
Stubs (http.server in a thread): the retry policy and the typed errors. Waits are recorded through the
client's injectable sleep, so no test depends on timing.
"""
import asyncio
import inspect
import json
import random
import re
import socket
import subprocess
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

import numpy as np
import pytest
from prometheus_client.parser import text_string_to_metric_families

import coreward_client
from coreward_client import (AsyncClient, Client, CorewardConnectionError, CorewardError, CorewardHTTPError,
                             CorewardTimeout)
from coreward_client import trl as cw_trl
from coreward_client import verl as cw_verl
from conftest import BINARY, SHARED, read_jsonl

RUN = uuid.uuid4().hex[:8]  # pair ids never repeat across runs against one server


def has_get_reward():
    try:
        routes = subprocess.run([str(BINARY), "routes"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.TimeoutExpired):
        return False
    return "POST /get_reward" in routes


needs_get_reward = pytest.mark.skipif(not has_get_reward(), reason=f"{BINARY} has no POST /get_reward route yet")


@pytest.fixture(scope="module")
def rollouts():
    rows = read_jsonl(SHARED / "data" / "rollouts" / "math_qwen25math_instruct_n8.jsonl")
    return {row["id"]: row for row in rows}


def closed_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def grpo(rewards):
    n = len(rewards)
    mean = sum(rewards) / n
    std = (sum((r - mean) ** 2 for r in rewards) / (n - 1)) ** 0.5
    return [(r - mean) / (std + 1e-6) for r in rewards]


# ---------------------------------------------------------------------------------------------------------------
# every /v1 method against the live server

def test_health_ready_info(server):
    client = Client(server.url)
    assert client.health() == {"status": "ok"}
    assert client.ready() is True
    assert client.ready(body=True) == {"status": "ready"}
    info = client.info()
    assert info["name"] == "coreward" and info["model"]["status"] == "ready"
    assert info["modes"]["mode"] == ["co_reward", "self_vote", "ground_truth"]


def test_url_and_key_from_the_environment(start_server, tmp_path, monkeypatch):
    key_file = tmp_path / "key"
    key_file.write_text("s3cret\n")
    running = start_server("--api-key-file", str(key_file))
    monkeypatch.setenv("COREWARD_URL", running.url)
    monkeypatch.setenv("COREWARD_API_KEY", "s3cret")
    assert Client().equivalent([("1/2", "0.5")]) == {"equivalent": [True]}
    with pytest.raises(CorewardHTTPError) as caught:
        Client(api_key="wrong", retries=3, sleep=pytest.fail).equivalent([("1", "1")])
    assert caught.value.status == 401 and caught.value.attempts == 1
    assert caught.value.problem["status"] == 401
    assert caught.value.url == running.url + "/v1/equivalent"


def test_extract(server):
    answers = Client(server.url).extract(["so the answer is \\boxed{\\frac12}.", "no answer here", "$\\boxed 5$"])
    first, second, third = answers["answers"]
    assert (first["answer"], first["method"], first["start"], first["end"]) == ("\\frac12", "boxed", 17, 32)
    assert second is None
    assert third["answer"] == "5" and third["method"] == "boxed_space"
    lenient = Client(server.url).extract(["The final answer is 42."], extract="lenient")
    assert lenient["answers"][0]["answer"] == "42"


def test_equivalent(server):
    client = Client(server.url)
    pairs = [("\\frac12", "0.5"), ("3.14", "\\pi"), ({"a": "x > 2", "b": "2 < x"})]
    assert client.equivalent(pairs) == {"equivalent": [True, False, True]}
    assert client.equivalent(pairs, equivalence="exact") == {"equivalent": [False, False, False]}


def test_vote_tie_goes_to_the_first_seen(server):
    answer = Client(server.url).vote([{"id": "q1", "responses": ["\\boxed{2}", "\\boxed{3}", "none", "\\boxed{3}",
                                                                 "\\boxed{2}"]},
                                      ["\\boxed{1/2}", "\\boxed{0.5}", "\\boxed{7}"]])
    tie, math = answer["groups"]
    assert tie["id"] == "q1" and tie["pseudo_label"] == "2"
    assert tie["votes"] == {"winner": 2, "valid": 4, "total": 5}
    assert [c["members"] for c in tie["classes"]] == [[0, 4], [1, 3]]
    assert math["pseudo_label"] == "1/2" and math["votes"]["winner"] == 2


def test_reward_co_reward_worked_by_hand(server):
    # view 0 answers 1/2, 0.5, 3; view 1 answers \frac12, (none), 3.
    # View 0's pseudo-label is view 1's vote: \frac12 and 3 tie, the first seen wins: \frac12 -> rewards 1, 1, 0.
    # View 1's pseudo-label is view 0's vote: {1/2, 0.5} has 2 votes -> 1/2 -> rewards 1, 0, 0.
    groups = [{"id": "q", "label": "0.5",
               "views": [["\\boxed{1/2}", "... \\boxed{0.5}", "\\boxed{3}"], ["\\boxed{\\frac12}", "none", "\\boxed{3}"]]}]
    answer = Client(server.url).reward(groups, advantage="grpo")
    view0, view1 = answer["groups"][0]["views"]
    assert (view0["pseudo_label"], view0["rewards"]) == ("\\frac12", [1, 1, 0])
    assert (view1["pseudo_label"], view1["rewards"]) == ("1/2", [1, 0, 0])
    assert view0["votes"] == {"winner": 1, "valid": 2, "total": 3}
    assert view1["answers"] == ["\\frac12", None, "3"]
    assert view0["advantages"] == pytest.approx(grpo([1, 1, 0]), rel=1e-12)
    assert view1["advantages"] == pytest.approx(grpo([1, 0, 0]), rel=1e-12)
    assert answer["groups"][0]["label_correct"] == [True, True]
    assert answer["stats"]["mean_reward"] == pytest.approx(3 / 6)
    exact = Client(server.url).reward(groups, equivalence="exact")
    # exact strings: view 1's vote over 1/2, 0.5, 3 is a three-way tie -> 1/2; view 1 has no "1/2" -> 0, 0, 0
    assert exact["groups"][0]["views"][1]["rewards"] == [0, 0, 0]


def test_reward_baselines_and_soft(server):
    client = Client(server.url)
    gt = client.reward([{"views": [["\\boxed{7}", "\\boxed{8}", "\\boxed{7.0}"]], "label": "7"}], mode="ground_truth")
    assert gt["groups"][0]["views"][0]["rewards"] == [1, 0, 1]
    self_vote = client.reward([[["\\boxed{7}", "\\boxed{7}", "\\boxed{8}"]]], mode="self_vote", advantage="dr_grpo")
    view = self_vote["groups"][0]["views"][0]
    assert view["rewards"] == [1, 1, 0]
    assert view["advantages"] == pytest.approx([1 / 3, 1 / 3, -2 / 3])
    # soft: the share of the other view's valid votes in the rollout's class (4 gets 2 of 3, 5 gets 1 of 3)
    soft = client.reward([[["\\boxed{4}", "\\boxed{5}"], ["\\boxed{4}", "\\boxed{4}", "\\boxed{5}", "none"]]],
                         reward="soft")
    assert soft["groups"][0]["views"][0]["rewards"] == pytest.approx([2 / 3, 1 / 3])


def test_embed_and_similarity(server):
    client = Client(server.url)
    texts = ["What is half of ten?", "Find one half of 10.", "The stock market fell today."]
    embedded = client.embed(texts)
    assert embedded["dim"] == 384 and len(embedded["embeddings"]) == 3
    vectors = [np.array(v) for v in embedded["embeddings"]]
    for v in vectors:
        assert np.linalg.norm(v) == pytest.approx(1.0, abs=1e-5)
    cosine = client.similarity([(texts[0], texts[1]), {"a": texts[0], "b": texts[2]}])["cosine"]
    assert cosine == pytest.approx([float(vectors[0] @ vectors[1]), float(vectors[0] @ vectors[2])], abs=1e-5)
    assert cosine[0] > cosine[1]


def test_augment_and_check(server):
    client = Client(server.url)
    question = "Tom has 3 apples and buys 2,000 more. How many apples does Tom have?"
    first = client.augment([question], n=2, seed=5)
    assert first == client.augment([question], n=2, seed=5)  # deterministic for a seed
    item = first["items"][0]
    assert item["question"] == question and len(item["variants"]) == 2
    for variant in item["variants"]:
        assert variant["checks"]["numbers"]["held"] is True
    verdicts = client.augment_check([("A farm has 12 cows and 5 pigs.", "A ranch keeps 12 cows and 6 pigs."),
                                     {"original": "A farm has 12 cows and 5 pigs.",
                                      "rewrite": "On a farm there are 12 cows as well as 5 pigs."}])["items"]
    assert verdicts[0]["accepted"] is False and verdicts[0]["checks"]["numbers"]["held"] is False
    assert verdicts[1]["checks"]["numbers"]["held"] is True


def test_bad_request_is_a_typed_error_and_not_retried(server):
    client = Client(server.url, retries=3, sleep=pytest.fail)
    with pytest.raises(CorewardHTTPError) as caught:
        client.reward([[["\\boxed{1}"]]])  # co_reward needs two views
    error = caught.value
    assert error.status == 400 and error.attempts == 1
    assert error.problem["pointer"] == "/groups/0/views"
    assert "/groups/0/views" in str(error)


def test_async_client(server):
    async def main():
        async with AsyncClient(server.url) as client:
            return await asyncio.gather(client.health(), client.ready(),
                                        client.equivalent([("1/2", "0.5")]), client.extract(["\\boxed{9}"]))

    health, ready, equivalent, extracted = asyncio.run(main())
    assert health == {"status": "ok"} and ready is True
    assert equivalent == {"equivalent": [True]}
    assert extracted["answers"][0]["answer"] == "9"
    assert inspect.iscoroutinefunction(AsyncClient.reward)


# ---------------------------------------------------------------------------------------------------------------
# verl

def verl_samples(rollouts, seed):
    """2 pairs x 2 views x 4 rollouts (a question's responses 0-3 are view 0, 4-7 view 1) and 2 ground-truth
    samples, shuffled: (texts, ground truths, extra infos, data sources)."""
    samples = []
    for name in ("math-test-3610", "math-test-3706"):
        row = rollouts[name]
        for k, text in enumerate(row["responses"]):
            samples.append((text, row["answer"], {"pair_id": f"{RUN}-{name}", "view": k // 4, "index": k}, "math"))
    gsm = rollouts["math-test-4097"]
    samples.append((gsm["responses"][0], gsm["answer"], {"index": 0}, "math"))
    samples.append((gsm["responses"][1], gsm["answer"], {"index": 1}, "math"))
    random.Random(seed).shuffle(samples)
    texts, truths, infos, sources = (list(column) for column in zip(*samples))
    return texts, truths, infos, sources


def expected_rewards(server, texts, truths, infos):
    """Independently: the co_reward request built by hand (pairs in order of appearance, views in view order,
    each view's rollouts sorted by their UTF-8 bytes, the order /get_reward's assembly votes in) and one
    ground_truth group per unpaired sample, through the raw HTTP session."""
    pairs, singles = {}, []
    for i, info in enumerate(infos):
        if "pair_id" in info:
            pairs.setdefault(info["pair_id"], {}).setdefault(info["view"], []).append(i)
        else:
            singles.append(i)
    expected = [None] * len(texts)
    order = [[sorted(views[v], key=lambda i: texts[i].encode("utf-8")) for v in sorted(views)]
             for views in pairs.values()]
    body = {"mode": "co_reward", "groups": [{"views": [{"responses": [texts[i] for i in idx]} for idx in views]}
                                            for views in order]}
    response = server.post("/v1/reward", body)
    assert response.status_code == 200, response.text
    for group, views in zip(response.json()["groups"], order):
        for view, idx in zip(group["views"], views):
            for i, r in zip(idx, view["rewards"]):
                expected[i] = float(r)
    body = {"mode": "ground_truth", "groups": [{"views": [{"responses": [texts[i]]}], "label": truths[i]}
                                               for i in singles]}
    response = server.post("/v1/reward", body)
    assert response.status_code == 200, response.text
    for i, group in zip(singles, response.json()["groups"]):
        expected[i] = float(group["views"][0]["rewards"][0])
    return expected


def test_verl_batch_reward_function(server, rollouts):
    texts, truths, infos, sources = verl_samples(rollouts, seed=11)
    expected = expected_rewards(server, texts, truths, infos)
    assert 0 < sum(expected) < len(expected)  # a mix of 0 and 1, so a wrong mapping shows
    # exactly what verl's BatchRewardManager.verify passes: numpy object arrays from non_tensor_batch, a list of
    # ground truths, extra_info dicts that verl has given "rollout_reward_scores", and the reward_kwargs
    extra_infos = np.array([{**info, "rollout_reward_scores": {}} for info in infos], dtype=object)
    scores = cw_verl.compute_score(data_sources=np.array(sources, dtype=object), solution_strs=texts,
                                   ground_truths=truths, extra_infos=extra_infos, url=server.url, timeout=30)
    assert [s["score"] for s in scores] == expected
    assert all(set(s) == set(cw_verl.EXTRA_KEYS) for s in scores)
    assert [s["paired"] for s in scores] == [1.0 if "pair_id" in info else 0.0 for info in infos]
    floats = cw_verl.compute_score(data_sources=sources, solution_strs=texts, ground_truths=truths,
                                   extra_infos=infos, url=server.url, details=False)
    assert floats == expected


def test_verl_batch_reward_function_env_and_failures(server, rollouts, monkeypatch):
    texts, truths, infos, sources = verl_samples(rollouts, seed=3)
    monkeypatch.setenv("COREWARD_URL", server.url)
    assert [s["score"] for s in cw_verl.compute_score(data_sources=sources, solution_strs=texts,
                                                      ground_truths=truths, extra_infos=infos)] == \
        expected_rewards(server, texts, truths, infos)
    lonely = [dict(info) for info in infos]
    for info in lonely:
        if info.get("view") == 1:
            info["view"] = 0  # every pair now has view 0 only
    with pytest.raises(ValueError, match="only view"):
        cw_verl.compute_score(data_sources=sources, solution_strs=texts, ground_truths=truths, extra_infos=lonely)
    with pytest.raises(ValueError, match="neither a pair id"):
        cw_verl.compute_score(data_sources=["x"], solution_strs=["\\boxed{1}"], ground_truths=[None],
                              extra_infos=[{}])
    with pytest.raises(CorewardConnectionError) as caught:  # a failure raises, it is never a reward of 0
        cw_verl.compute_score(data_sources=sources, solution_strs=texts, ground_truths=truths, extra_infos=infos,
                              url=f"http://127.0.0.1:{closed_port()}", retries=1)
    assert caught.value.attempts == 2


def test_verl_batch_function_refuses_other_calls(server, rollouts, monkeypatch):
    texts, truths, infos, sources = verl_samples(rollouts, seed=4)
    # verl 0.7.1+'s reward loop calls a custom_reward_function per sample: a clear error, never [] or a 0
    with pytest.raises(TypeError, match=r"called per sample \(with \['data_source', 'extra_info', 'ground_truth', "
                                        r"'solution_str'\]\).*expects data_sources=, solution_strs=.*"
                                        r"CoRewardLoopManager"):
        cw_verl.compute_score(data_source="math", solution_str=texts[0], ground_truth=truths[0],
                              extra_info=infos[0], url=server.url)
    with pytest.raises(TypeError, match=r"expects solution_strs="):
        cw_verl.compute_score(data_sources=sources, url=server.url)
    with pytest.raises(TypeError, match=r"unknown keyword\(s\) \['ur'\]"):  # a misspelt option is not ignored
        cw_verl.compute_score(data_sources=sources, solution_strs=texts, ground_truths=truths, extra_infos=infos,
                              ur=server.url)
    monkeypatch.delenv("COREWARD_URL", raising=False)
    with pytest.raises(ValueError, match=r"no coreward URL: set reward_kwargs\.url.*"
                                         r"\+custom_reward_function\.reward_kwargs\.url.*COREWARD_URL"):
        cw_verl.compute_score(data_sources=sources, solution_strs=texts, ground_truths=truths, extra_infos=infos)


def test_verl_batch_ties_are_broken_by_response_bytes(server):
    # one vote of each answer in a view: the first seen wins, so the order decides; each view is voted in UTF-8
    # byte order, as /get_reward's assembly does, whatever the batch order
    texts = ["\\boxed{2}", "\\boxed{1}", "\\boxed{1}", "\\boxed{2}"]
    infos = [{"pair_id": f"{RUN}-tie", "view": v} for v in (0, 0, 1, 1)]
    canonical = server.post("/v1/reward", {"groups": [{"views": [{"responses": sorted(texts[:2])},
                                                                   {"responses": sorted(texts[2:])}]}]})
    batch_order = server.post("/v1/reward", {"groups": [{"views": [{"responses": texts[:2]},
                                                                     {"responses": texts[2:]}]}]})
    by_text = [dict(zip(sorted(texts[2 * v:2 * v + 2]), view["rewards"]))
               for v, view in enumerate(canonical.json()["groups"][0]["views"])]
    expected = [float(by_text[info["view"]][text]) for text, info in zip(texts, infos)]
    assert expected != [float(r) for view in batch_order.json()["groups"][0]["views"] for r in view["rewards"]]
    scores = cw_verl.compute_score(data_sources=["math"] * 4, solution_strs=texts, ground_truths=[None] * 4,
                                   extra_infos=infos, url=server.url, details=False)
    assert scores == expected


def test_verl_reward_manager_refuses_the_reward_loop_call(server):
    # how verl 0.7.1+'s RewardLoopWorker builds a manager (keywords), and how 0.7.0's does (positional config)
    with pytest.raises(TypeError, match=r"batch reward manager.*built with keywords \['config'.*CoRewardLoopManager"):
        cw_verl.CoRewardManager(config={"reward": {}}, tokenizer=PieceTokenizer(), compute_score=None,
                                reward_router_address=None, reward_model_tokenizer=None)
    with pytest.raises(TypeError, match=r"built with a dict as its tokenizer"):
        cw_verl.CoRewardManager({"reward_model": {}}, PieceTokenizer(), None, None, None)
    with pytest.raises(ValueError, match=r"\+reward_model\.reward_kwargs\.url"):
        cw_verl.CoRewardManager(PieceTokenizer(), 0)


class PieceTokenizer:
    """Decodes ids to text pieces. The pad id decodes to a box of its own, so decoding padding would change
    the extracted answer and the reward."""
    PAD = 0

    def __init__(self):
        self.pieces = ["\\boxed{PAD}"]
        self.calls = []

    def encode(self, text, chunks):
        size = -(-len(text) // chunks)
        ids = []
        for start in range(0, len(text), size):
            self.pieces.append(text[start:start + size])
            ids.append(len(self.pieces) - 1)
        return ids

    def decode(self, ids, skip_special_tokens=False):
        self.calls.append(skip_special_tokens)
        return "".join(self.pieces[int(i)] for i in ids)


class FakeDataProto:
    """What verl's reward managers use of a DataProto: batch (tensors by name), non_tensor_batch (numpy object
    arrays by name) and len()."""

    def __init__(self, batch, non_tensor_batch):
        self.batch, self.non_tensor_batch = batch, non_tensor_batch

    def __len__(self):
        return len(self.batch["responses"])


def make_data(tokenizer, texts, non_tensor, prompt_width=4):
    """Left-padded prompts, right-padded responses of varying lengths, verl's attention_mask over both."""
    encoded = [tokenizer.encode(text, 2 + i % 4) for i, text in enumerate(texts)]
    width = max(len(ids) for ids in encoded) + 1
    responses = np.zeros((len(texts), width), dtype=np.int64)
    mask = np.zeros((len(texts), prompt_width + width), dtype=np.int64)
    prompts = np.zeros((len(texts), prompt_width), dtype=np.int64)
    for i, ids in enumerate(encoded):
        responses[i, :len(ids)] = ids
        valid_prompt = 1 + i % prompt_width
        prompts[i, prompt_width - valid_prompt:] = 7
        mask[i, prompt_width - valid_prompt:prompt_width] = 1
        mask[i, prompt_width:prompt_width + len(ids)] = 1
    data = FakeDataProto({"prompts": prompts, "responses": responses, "attention_mask": mask},
                         {key: np.array(values, dtype=object) for key, values in non_tensor.items()})
    return data, [len(ids) for ids in encoded]


def expected_tensor(shape, lengths, rewards):
    tensor = np.zeros(shape, dtype=np.float32)
    for i, (length, reward) in enumerate(zip(lengths, rewards)):
        tensor[i, length - 1] = reward
    return tensor


def test_verl_reward_manager_on_numpy(server, rollouts):
    texts, truths, infos, sources = verl_samples(rollouts, seed=5)
    expected = expected_rewards(server, texts, truths, infos)
    tokenizer = PieceTokenizer()
    data, lengths = make_data(tokenizer, texts, {"data_source": sources, "extra_info": infos,
                                                 "reward_model": [{"ground_truth": t, "style": "rule"}
                                                                  for t in truths]})
    assert len(set(lengths)) > 1
    manager = cw_verl.CoRewardManager(tokenizer, num_examine=0, compute_score=None, reward_fn_key="data_source",
                                      url=server.url)
    tensor = manager(data)
    assert tensor.dtype == np.float32 and tensor.shape == data.batch["responses"].shape
    np.testing.assert_array_equal(tensor, expected_tensor(tensor.shape, lengths, expected))
    assert set(tokenizer.calls) == {True}
    result = manager(data, return_dict=True)
    np.testing.assert_array_equal(result["reward_tensor"], tensor)
    info = result["reward_extra_info"]
    assert info["score"] == expected
    assert all(len(values) == len(texts) for values in info.values())
    assert info["answer_found"] == [1.0] * len(texts)  # every one of these rollouts boxes an answer


def test_verl_reward_manager_paired_trainer(server, rollouts):
    # The Co-Reward authors' trainer: reward_fn(data_ori, data_aug) with a shared uid per question, n rollouts each.
    names = ("math-test-3610", "math-test-3706")
    uid_of = {name: f"{RUN}-{name}-{uuid.uuid4().hex[:4]}" for name in names}
    uids = [uid_of[name] for name in names for _ in range(4)]
    ori = [text for name in names for text in rollouts[name]["responses"][:4]]
    aug = [text for name in names for text in rollouts[name]["responses"][4:]]
    # each view voted in UTF-8 byte order (canonical_expectation), the tie rule of every coreward path
    tables = [canonical_expectation(server, [ori[4 * q:4 * q + 4], aug[4 * q:4 * q + 4]]) for q in range(2)]
    expected_ori = [float(tables[i // 4][0][text]) for i, text in enumerate(ori)]
    expected_aug = [float(tables[i // 4][1][text]) for i, text in enumerate(aug)]
    assert expected_ori != expected_aug
    tokenizer = PieceTokenizer()
    data_ori, lengths_ori = make_data(tokenizer, ori, {"uid": uids, "data_source": ["math"] * 8})
    data_aug, lengths_aug = make_data(tokenizer, aug, {"uid": uids, "data_source": ["math"] * 8})
    manager = cw_verl.CoRewardManager(tokenizer, 0, url=server.url)
    tensor_ori, tensor_aug = manager(data_ori, data_aug, return_dict=False)
    np.testing.assert_array_equal(tensor_ori, expected_tensor(tensor_ori.shape, lengths_ori, expected_ori))
    np.testing.assert_array_equal(tensor_aug, expected_tensor(tensor_aug.shape, lengths_aug, expected_aug))


# ---------------------------------------------------------------------------------------------------------------
# TRL

def canonical_expectation(server, views):
    """Per view, {response text: reward}, from /v1/reward with each view's responses sorted by UTF-8 bytes
    (the contract's canonical order, which decides ties)."""
    ordered = [sorted(texts, key=lambda t: t.encode("utf-8")) for texts in views]
    response = server.post("/v1/reward", {"groups": [{"views": [{"responses": texts} for texts in ordered]}]})
    assert response.status_code == 200, response.text
    return [dict(zip(texts, view["rewards"])) for texts, view in zip(ordered, response.json()["groups"][0]["views"])]


def trl_inputs(rollouts, names, conversational):
    """One TRL batch: per question, view 0 = responses 0-3, view 1 = 4-7; columns as GRPOTrainer passes them."""
    rows = []
    for name in names:
        row = rollouts[name]
        pid = f"{RUN}-{name}-{uuid.uuid4().hex[:6]}"
        for k, text in enumerate(row["responses"]):
            rows.append({"prompt": row["question"] if k < 4 else "In other words: " + row["question"],
                         "completion": [{"role": "assistant", "content": text}] if conversational else text,
                         "pair_id": pid, "view": k // 4, "answer": row["answer"], "source": "math"})
    return rows


def call_trl(func, rows, step=3, metrics=None):
    """Calls a reward function the way GRPOTrainer._calculate_rewards does."""
    columns = {key: [row[key] for row in rows] for key in rows[0] if key not in ("prompt", "completion")}
    columns["trainer_state"] = SimpleNamespace(global_step=step)
    columns["log_extra"] = lambda column, values: None
    columns["log_metric"] = (lambda name, value: metrics.__setitem__(name, value)) if metrics is not None else \
        (lambda name, value: None)
    return func(prompts=[row["prompt"] for row in rows], completions=[row["completion"] for row in rows],
                completion_ids=[[1, 2, 3] for _ in rows], **columns)


def expected_for(server, rows):
    by_pair = {}
    for row in rows:
        by_pair.setdefault(row["pair_id"], [[], []])[row["view"]].append(cw_trl.completion_text(row["completion"]))
    tables = {pid: canonical_expectation(server, views) for pid, views in by_pair.items()}
    return [float(tables[row["pair_id"]][row["view"]][cw_trl.completion_text(row["completion"])]) for row in rows]


def test_trl_completion_text():
    assert cw_trl.completion_text("plain \\boxed{1}") == "plain \\boxed{1}"
    conversation = [{"role": "assistant", "content": "first"}, {"role": "tool", "content": "42"},
                    {"role": "assistant", "content": "so \\boxed{42}"}]
    assert cw_trl.completion_text(conversation) == "so \\boxed{42}"
    assert cw_trl.completion_text([{"role": "assistant", "content": [{"type": "text", "text": "a"},
                                                                    {"type": "text", "text": "b"}]}]) == "ab"
    with pytest.raises(ValueError):
        cw_trl.completion_text([{"role": "user", "content": "hi"}])


def test_trl_function_shape():
    func = cw_trl.co_reward_func(url="http://127.0.0.1:1", n=4, name="co_reward_math")
    assert inspect.iscoroutinefunction(func) and func.__name__ == "co_reward_math"
    with pytest.raises(ValueError):
        cw_trl.co_reward_func(n=None)
    assert asyncio.run(func(prompts=[], completions=[], completion_ids=[])) == []


@needs_get_reward
def test_trl_co_reward_one_process(server, rollouts):
    rows = trl_inputs(rollouts, ["math-test-3610", "math-test-3706"], conversational=True)
    random.Random(2).shuffle(rows)
    expected = expected_for(server, rows)
    assert 0 < sum(expected) < len(expected)
    metrics = {}
    func = cw_trl.co_reward_func(url=server.url, n=4, timeout=60, label_column="answer")
    rewards = asyncio.run(call_trl(func, rows, metrics=metrics))
    assert rewards == expected
    assert metrics["co_reward/group_complete"] == 1.0
    assert 0.0 <= metrics["co_reward/label_correct"] <= 1.0


def waiting_requests(running):
    text = running.get("/metrics").text
    for family in text_string_to_metric_families(text):
        if family.name == "coreward_assembly_waiting_requests":
            return sum(sample.value for sample in family.samples)
    raise AssertionError("no coreward_assembly_waiting_requests in /metrics")


@needs_get_reward
def test_trl_group_split_between_two_processes(start_server, rollouts):
    running = start_server()
    rows = trl_inputs(rollouts, ["math-test-3706", "math-test-4254"], conversational=False)
    # "process" A holds rollouts 0-1 of each view of each question, B the rest: neither can complete a group
    first = [row for i, row in enumerate(rows) if i % 4 < 2]
    second = [row for i, row in enumerate(rows) if i % 4 >= 2]
    expected = expected_for(running, rows)
    results = {}

    def process(label, part):
        # its own function, as in its own process of two (so only "at most n per view" is checkable locally)
        func = cw_trl.co_reward_func(url=running.url, n=4, timeout=60, world_size=2)
        results[label] = asyncio.run(call_trl(func, part, step=9))

    a = threading.Thread(target=process, args=("a", first))
    a.start()
    deadline = time.time() + 30
    while waiting_requests(running) < len(first) and time.time() < deadline:
        time.sleep(0.02)
    assert waiting_requests(running) == len(first)  # all of A's samples wait in the buffer
    assert a.is_alive() and "a" not in results  # and A has no answer before B's samples arrive
    b = threading.Thread(target=process, args=("b", second))
    b.start()
    a.join(60)
    b.join(60)
    by_row = {id(row): r for part, label in ((first, "a"), (second, "b")) for row, r in zip(part, results[label])}
    assert [by_row[id(row)] for row in rows] == expected
    assert waiting_requests(running) == 0


def test_trl_ground_truth_function(server, rollouts):
    rows = trl_inputs(rollouts, ["math-test-3610"], conversational=True)
    rows[0]["answer"] = None  # no ground truth: this function does not apply (None, as TRL allows)
    func = cw_trl.ground_truth_func(url=server.url, label_column="answer", name="rlvr")
    assert inspect.iscoroutinefunction(func) and func.__name__ == "rlvr"
    rewards = asyncio.run(call_trl(func, rows))
    texts = [cw_trl.completion_text(row["completion"]) for row in rows[1:]]
    response = server.post("/v1/reward", {"mode": "ground_truth", "groups": [
        {"views": [{"responses": [t]}], "label": rows[1]["answer"]} for t in texts]})
    assert rewards[0] is None
    assert rewards[1:] == [float(g["views"][0]["rewards"][0]) for g in response.json()["groups"]]
    assert 0 < sum(rewards[1:]) < len(texts)


def test_trl_failure_raises():
    func = cw_trl.co_reward_func(url=f"http://127.0.0.1:{closed_port()}", n=1, retries=0)
    rows = [{"prompt": "p", "completion": "\\boxed{1}", "pair_id": "x", "view": view} for view in (0, 1)]
    with pytest.raises(CorewardConnectionError):
        asyncio.run(call_trl(func, rows))


@pytest.mark.parametrize("n, views, world_size, message", [
    (8, 2, 1, "co_reward_func(n=8) was handed 4 completions of pair"),   # num_generations 4, n 8
    (2, 2, 1, "co_reward_func(n=2) was handed 4 completions of pair"),   # num_generations 4, n 2
    (2, 2, 2, "co_reward_func(n=2) was handed 4 completions of pair"),   # more than n: wrong in any process
    (4, 3, 1, "has 2 of its 3 views"),                                  # a view missing from the batch
])
def test_trl_batch_shape_is_checked(n, views, world_size, message):
    """The batch GRPOTrainer hands over is checked before any request: n against the completions per prompt,
    and (in one process) every view of each pair present; the error names both numbers."""
    func = cw_trl.co_reward_func(url=f"http://127.0.0.1:{closed_port()}", n=n, views=views, retries=0,
                                 world_size=world_size)
    rows = [{"prompt": "p", "completion": "\\boxed{1}", "pair_id": "x", "view": k // 4} for k in range(8)]
    with pytest.raises(cw_trl.BatchShapeError, match=re.escape(message)):
        asyncio.run(call_trl(func, rows))


def test_trl_batch_split_pair_message():
    func = cw_trl.co_reward_func(url=f"http://127.0.0.1:{closed_port()}", n=2, views=2, world_size=1)
    rows = [{"prompt": "p", "completion": "\\boxed{1}", "pair_id": "x", "view": 0} for _ in range(2)]
    with pytest.raises(cw_trl.BatchShapeError) as raised:
        asyncio.run(call_trl(func, rows))
    assert "generation_batch_size / num_generations (prompts per generation batch, here 1) must be a multiple " \
           "of views (2)" in str(raised.value)


def test_trl_eval_rows_are_scored_by_ground_truth(server, rollouts):
    """An eval dataset without the pair id column: co_reward_func scores by ground truth (as ground_truth_func
    does), None where a row has no ground truth either; no /get_reward request, so no group waits."""
    rows = trl_inputs(rollouts, ["math-test-3610"], conversational=False)
    for row in rows:
        del row["pair_id"], row["view"]
    rows[0]["answer"] = None
    func = cw_trl.co_reward_func(url=server.url, n=4, label_column="answer")
    rewards = asyncio.run(call_trl(func, rows))
    response = server.post("/v1/reward", {"mode": "ground_truth", "groups": [
        {"views": [{"responses": [row["completion"]]}], "label": rows[1]["answer"]} for row in rows[1:]]})
    assert rewards[0] is None
    assert rewards[1:] == [float(g["views"][0]["rewards"][0]) for g in response.json()["groups"]]
    assert 0 < sum(rewards[1:]) < len(rows) - 1
    with pytest.raises(ValueError, match="label_column"):
        asyncio.run(call_trl(cw_trl.co_reward_func(url=server.url, n=4), rows))


# ---------------------------------------------------------------------------------------------------------------
# retries and errors, against stub servers

class Stub:
    """An HTTP server answering from a script, one step per request (the last step repeats): (status, headers,
    body), "drop" (close the connection without answering) or "hang" (answer nothing until released)."""

    def __init__(self, script):
        self.script, self.requests, self.release = script, [], threading.Event()
        stub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                stub.requests.append((self.command, self.path, dict(self.headers), self.rfile.read(length)))
                step = stub.script[min(len(stub.requests), len(stub.script)) - 1]
                if step == "drop":
                    self.close_connection = True
                    return
                if step == "hang":
                    stub.release.wait(30)
                    self.close_connection = True
                    return
                status, headers, body = step
                data = body if isinstance(body, bytes) else json.dumps(body).encode()
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = answer

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def stub():
    started = []

    def start(*script):
        running = Stub(list(script))
        started.append(running)
        return running

    yield start
    for running in started:
        running.close()


PROBLEM = {"Content-Type": "application/problem+json"}
OK = (200, {"Content-Type": "application/json"}, {"equivalent": [True]})


def problem_body(status, detail="busy"):
    return {"type": "about:blank", "title": "x", "status": status, "detail": detail}


def test_server_down_is_a_connection_error_after_the_retries():
    delays = []
    client = Client(f"http://127.0.0.1:{closed_port()}", retries=3, backoff=0.5, max_backoff=1.5,
                    sleep=delays.append)
    with pytest.raises(CorewardConnectionError) as caught:
        client.equivalent([("1", "1")])
    assert caught.value.attempts == 4 and caught.value.status is None and caught.value.problem is None
    assert isinstance(caught.value, CorewardError)
    # exponential backoff with "equal jitter": attempt k waits in [c/2, c], c = min(1.5, 0.5 * 2**(k-1))
    assert len(delays) == 3
    for delay, ceiling in zip(delays, (0.5, 1.0, 1.5)):
        assert ceiling / 2 <= delay <= ceiling


@pytest.mark.parametrize("header, waited", [("2", 2.0), ("30", 8.0)])
def test_503_with_retry_after_then_200(stub, header, waited):
    running = stub((503, {**PROBLEM, "Retry-After": header}, problem_body(503)), OK)
    delays = []
    client = Client(running.url, retries=3, max_backoff=8.0, sleep=delays.append)
    assert client.equivalent([("1/2", "0.5")]) == {"equivalent": [True]}
    assert len(running.requests) == 2
    assert delays == [waited]  # Retry-After was waited (capped by max_backoff)
    method, path, headers, body = running.requests[1]
    assert (method, path) == ("POST", "/v1/equivalent")
    assert json.loads(body) == {"equivalence": "math", "pairs": [{"a": "1/2", "b": "0.5"}]}
    assert headers["Content-Type"] == "application/json"


@pytest.mark.parametrize("status", [408, 429, 500, 502, 504])
def test_retryable_statuses(stub, status):
    running = stub((status, PROBLEM, problem_body(status)), "drop", OK)
    delays = []
    client = Client(running.url, api_key="k", retries=3, backoff=0.25, sleep=delays.append)
    assert client.equivalent([("1", "1")]) == {"equivalent": [True]}
    assert len(running.requests) == 3  # the status, then a dropped connection, were both retried
    assert running.requests[2][2]["Authorization"] == "Bearer k"
    assert 0.125 <= delays[0] <= 0.25 and 0.25 <= delays[1] <= 0.5


def test_retries_run_out(stub):
    running = stub((503, PROBLEM, problem_body(503, "shutting down")))
    delays = []
    with pytest.raises(CorewardHTTPError) as caught:
        Client(running.url, retries=2, sleep=delays.append).health()
    assert caught.value.status == 503 and caught.value.attempts == 3 and len(running.requests) == 3
    assert caught.value.problem["detail"] == "shutting down"
    assert len(delays) == 2


@pytest.mark.parametrize("status", [400, 401, 404, 409, 413, 415])
def test_other_4xx_are_not_retried(stub, status):
    running = stub((status, PROBLEM, {**problem_body(status, "bad"), "pointer": "/pairs/0"}), OK)
    with pytest.raises(CorewardHTTPError) as caught:
        Client(running.url, retries=3, sleep=pytest.fail).equivalent([("1", "1")])
    assert caught.value.status == status and caught.value.attempts == 1
    assert caught.value.problem["pointer"] == "/pairs/0"
    assert len(running.requests) == 1


def test_timeout(stub):
    running = stub("hang")
    with pytest.raises(CorewardTimeout) as caught:
        Client(running.url, timeout=0.2, retries=3, sleep=pytest.fail).equivalent([("1", "1")])
    assert caught.value.attempts == 1 and len(running.requests) == 1  # a timeout is not retried by default
    delays = []
    with pytest.raises(CorewardTimeout) as caught:
        Client(running.url, timeout=0.2, retries=1, retry_timeouts=True, sleep=delays.append).health()
    assert caught.value.attempts == 2 and len(running.requests) == 3 and len(delays) == 1


def test_ready_is_false_on_503(stub):
    running = stub((503, PROBLEM, problem_body(503, "loading the model")))
    client = Client(running.url, retries=3, sleep=pytest.fail)
    assert client.ready() is False
    assert client.ready(body=True)["detail"] == "loading the model"
    assert len(running.requests) == 2


def test_not_json_is_an_error(stub):
    running = stub((200, {"Content-Type": "text/plain"}, b"<html>"))
    with pytest.raises(CorewardError) as caught:
        Client(running.url).health()
    assert caught.value.status == 200 and not isinstance(caught.value, CorewardHTTPError)


def test_no_heavy_imports():
    code = ("import sys, coreward_client, coreward_client.verl, coreward_client.trl; "
            "print(sorted(m for m in ('torch', 'numpy', 'requests', 'aiohttp') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    assert re.fullmatch(r"\d+\.\d+\.\d+", coreward_client.__version__)
