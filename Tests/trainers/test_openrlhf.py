"""OpenRLHF 0.11.2's own per-sample reward path against the real coreward binary.

What runs is OpenRLHF's code: `RolloutRayActor.generate_responses` (the n samples of a prompt, concurrently)
-> `SingleTurnAgentExecutor.execute` (decode prompt + response, POST it to --reward.remote_url with aiohttp,
5 tries 1 s apart, 180 s each) -> `SamplesGenerator._process_response_into_experience` ->
`Experience.concat_experiences` -> `split_experience_batch` (the replay buffer's size check). A step is every
prompt dispatched at once, as `SamplesGenerator._dispatch_prompts_to_vllm` does.

Stubbed, because they need a GPU: the `vllm` module (a sys.modules stub so `openrlhf.trainer.ray.vllm_engine`
imports; nothing of it is called) and the vLLM engine itself: `FakeLLM` returns the shared Qwen2.5-Math
rollouts as token ids of a byte-level BPE tokenizer trained here. `RolloutRayActor`'s plain class is used
without Ray (its `__init__` would start vLLM; the test sets the two attributes `generate` reads).

Every reward is compared with POST /v1/reward on the same groups, each view sorted by response bytes.
OpenRLHF 0.9.0's batch client (`remote_rm_utils.remote_rm_fn`), from a --target install beside the venv, runs
in a subprocess so the two OpenRLHF versions never share an interpreter.
"""
import asyncio
import json
import os
import pathlib
import subprocess
import sys
import sys as _sys
import threading
import time
import urllib.request
import types
import uuid
from dataclasses import dataclass
from typing import Optional

import pytest

from conftest import RUN, expected_rewards


def install_vllm_stub():
    """The smallest `vllm` that openrlhf.trainer.ray.vllm_engine and samples_generator import (no GPU here)."""
    if "vllm" in _sys.modules:
        return
    vllm = types.ModuleType("vllm")
    vllm.__version__ = "0.29.0"

    @dataclass
    class SamplingParams:
        temperature: float = 1.0
        top_p: float = 1.0
        top_k: int = -1
        max_tokens: Optional[int] = None
        min_tokens: int = 0
        skip_special_tokens: bool = True
        logprobs: Optional[int] = None
        n: int = 1

    class Unavailable:
        def __init__(self, *args, **kwargs):
            raise RuntimeError("vLLM is stubbed in this test (it needs a GPU)")

        @classmethod
        def from_engine_args(cls, *args, **kwargs):
            raise RuntimeError("vLLM is stubbed in this test (it needs a GPU)")

    vllm.SamplingParams = SamplingParams
    vllm.AsyncEngineArgs = vllm.AsyncLLMEngine = vllm.LLM = Unavailable
    inputs = types.ModuleType("vllm.inputs")
    inputs.TokensPrompt = dict
    utils = types.ModuleType("vllm.utils")
    utils.random_uuid = lambda: uuid.uuid4().hex
    vllm.inputs, vllm.utils = inputs, utils
    _sys.modules.update({"vllm": vllm, "vllm.inputs": inputs, "vllm.utils": utils})


# The stub is in sys.modules only while OpenRLHF's modules import (they take its names at import time): left
# there, it would make TRL and verl, in the same pytest process, believe vLLM is installed.
install_vllm_stub()
try:
    from transformers import AutoTokenizer  # noqa: E402
    from openrlhf.trainer.ppo_utils.experience import Experience, split_experience_batch  # noqa: E402
    from openrlhf.trainer.ppo_utils.samples_generator import SamplesGenerator  # noqa: E402
    from openrlhf.trainer.ray.vllm_engine import RolloutRayActor  # noqa: E402
    from openrlhf.utils.agent import SingleTurnAgentExecutor  # noqa: E402
    from vllm import SamplingParams  # noqa: E402
finally:
    for _name in ("vllm", "vllm.inputs", "vllm.utils"):
        _sys.modules.pop(_name, None)

NAMES = ["math-test-3610", "math-test-3706", "math-test-4254", "math-test-4292", "math-test-3898",
         "math-test-4213", "math-test-4421", "math-test-3782"]
INSTRUCTION = " Please reason step by step, and put your final answer within \\boxed{}."
MAX_LEN = 1 << 16


class FakeLLM:
    """Stands in for vllm.AsyncLLMEngine inside RolloutRayActor: `generate(prompt, params, request_id)` is an
    async generator of RequestOutput-like objects. Each prompt's responses are handed out in turn; `delay`
    (prompt token ids -> seconds) holds some generations back."""

    def __init__(self, tok, responses, delay=None):
        self.tok = tok
        self.queues = {tuple(tok(text=p, add_special_tokens=False)["input_ids"]): list(r) for p, r in responses}
        self.delay = delay or {}

    def generate(self, prompt, params, request_id):
        key = tuple(prompt["prompt_token_ids"])

        async def outputs():
            await asyncio.sleep(self.delay.get(key, 0))
            text = self.queues[key].pop(0)
            ids = self.tok.encode(text, add_special_tokens=False) + [self.tok.eos_token_id]
            yield types.SimpleNamespace(outputs=[types.SimpleNamespace(token_ids=ids, text=text,
                                                                      finish_reason="stop", logprobs=None)])
        return outputs()


@pytest.fixture(scope="module")
def tok(bpe_tokenizer):
    return AutoTokenizer.from_pretrained(str(bpe_tokenizer))


def label(pair_id, view, n, truth=None):
    body = {"pair_id": pair_id, "view": view, "n": n, "views": 2}
    if truth is not None:
        body["label"] = truth
    return json.dumps(body)


def pair_rows(rollouts, names, n, with_truth=True, tag=""):
    """Per question, two prompt rows (view 0 the question, view 1 a rephrasing), each with its Co-Reward
    label (the dataset's --data.label_key column) and its n responses from the rollouts."""
    rows = []
    for name in names:
        row = rollouts[name]
        pair_id = f"{RUN}{tag}-{name}-{uuid.uuid4().hex[:6]}"
        truth = row["answer"] if with_truth else None
        for view, prompt in enumerate((row["question"], "In other words: " + row["question"])):
            rows.append({"prompt": prompt + INSTRUCTION, "label": label(pair_id, view, n, truth), "pair_id": pair_id,
                         "view": view, "responses": row["responses"][view * n:(view + 1) * n], "answer": row["answer"]})
    return rows


def make_actor(urls, llm):
    cls = RolloutRayActor.__ray_actor_class__  # the plain class under @ray.remote
    actor = cls.__new__(cls)                   # its __init__ starts vLLM
    actor.executor = SingleTurnAgentExecutor(urls)  # what --reward.remote_url becomes after split(",")
    actor.llm = llm
    actor._mm_pad_token_ids = None
    return actor


def run_step(tok, urls, rows, n, delay=None):
    """One rollout step through OpenRLHF's own code: every prompt dispatched at once, n samples each; returns
    the response dicts (prompt order, n per prompt) and the seconds it took."""
    llm = FakeLLM(tok, [(r["prompt"], r["responses"]) for r in rows], delay)
    actor = make_actor(urls, llm)
    params = SamplingParams(temperature=1.0, max_tokens=MAX_LEN // 2, skip_special_tokens=False)

    async def step():
        return await asyncio.gather(*(actor.generate_responses(prompt=r["prompt"], label=r["label"],
                                                               sampling_params=params, max_length=MAX_LEN,
                                                               hf_tokenizer=tok, num_samples=n) for r in rows))
    start = time.time()
    groups = asyncio.run(step())
    return groups, time.time() - start


def into_replay_buffer(tok, responses):
    """OpenRLHF's own path from responses to the replay buffer's items: raises where OpenRLHF would."""
    generator = SamplesGenerator.__new__(SamplesGenerator)  # only _process_response_into_experience is used
    experiences = [generator._process_response_into_experience(r, max_len=MAX_LEN) for r in responses]
    return split_experience_batch(Experience.concat_experiences(experiences, tok.pad_token_id))


def response_text(tok, response):
    """The response as coreward reads it: the decoded query after its prompt (the EOS token's text included)."""
    query = tok.decode(response["observation_tokens"], skip_special_tokens=False)
    assert query.startswith(response["prompt"])
    return query[len(response["prompt"]):]


def expected_for(client, tok, rows, groups):
    """/v1/reward's reward for every response, in `groups` order: Co-Reward rows by their pair's group (each
    view sorted by bytes), plain-label rows by ground truth."""
    views = {}
    for row, group in zip(rows, groups):
        if "pair_id" in row:
            views.setdefault(row["pair_id"], [[], []])[row["view"]] = [response_text(tok, r) for r in group]
    tables = {pair_id: expected_rewards(client, texts) for pair_id, texts in views.items()}
    out = []
    for row, group in zip(rows, groups):
        for response in group:
            text = response_text(tok, response)
            if "pair_id" in row:
                out.append(float(tables[row["pair_id"]][row["view"]][text]))
            else:
                answer = client.reward([{"views": [{"responses": [text]}], "label": row["label"]}], mode="ground_truth")
                out.append(float(answer["groups"][0]["views"][0]["rewards"][0]))
    return out


def rewards_of(groups):
    out = []
    for group in groups:
        for response in group:
            assert response["reward"] is not None, f"OpenRLHF got no reward (retries exhausted): {response['label']}"
            out.append(float(response["reward"][0]))
    return out


def metric(running, name):
    """One sample of the server's /metrics, by its name with labels as printed (0 when absent or unreachable)."""
    try:
        text = urllib.request.urlopen(running.url + "/metrics", timeout=5).read().decode()
    except OSError:
        return 0.0
    return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines() if line.rsplit(" ", 1)[0] == name)


def waiting_requests(running):
    return metric(running, "coreward_assembly_waiting_requests")


def assert_same_keys(groups):
    keys = {tuple(r["extra_logs"]) for group in groups for r in group}
    assert len(keys) == 1, f"samples carry different extra_logs keys: {keys}"


def test_happy_path(server, tok, rollouts):
    n = 4
    rows = pair_rows(rollouts, NAMES[:4], n)
    groups, seconds = run_step(tok, [server.url + "/get_reward"], rows, n)
    rewards = rewards_of(groups)
    assert rewards == expected_for(server.client(), tok, rows, groups)
    assert 0 < sum(rewards) < len(rewards)
    assert all(r["extra_logs"]["group_complete"] == [1.0] for g in groups for r in g)
    assert_same_keys(groups)
    items = into_replay_buffer(tok, [r for g in groups for r in g])
    assert [float(item.info["reward"]) for item in items] == rewards
    assert seconds < 30


def test_mixed_labels_reach_the_replay_buffer(server, tok, rollouts):
    """Pairs with a ground truth in their label, pairs without, and plain ground-truth rows, in one step: every
    sample carries the same extra_logs keys, so OpenRLHF's concat/split accepts the batch (it raised
    `Size of info[label_correct] (4) does not match batch_size (8)` when only some samples had the key)."""
    n = 2
    rows = pair_rows(rollouts, NAMES[:2], n, with_truth=True, tag="-gt") + \
        pair_rows(rollouts, NAMES[2:4], n, with_truth=False, tag="-nogt")
    plain = rollouts[NAMES[4]]
    rows.append({"prompt": plain["question"] + INSTRUCTION, "label": plain["answer"],
                 "responses": plain["responses"][:n]})
    groups, _ = run_step(tok, [server.url + "/get_reward"], rows, n)
    rewards = rewards_of(groups)
    assert rewards == expected_for(server.client(), tok, rows, groups)
    assert_same_keys(groups)
    items = into_replay_buffer(tok, [r for g in groups for r in g])
    assert len(items) == len(rewards)
    assert [float(item.info["reward"]) for item in items] == rewards
    for group, row in zip(groups, rows):
        for response in group:
            if "pair_id" in row:
                has_label = row in rows[:2 * 2]
                assert response["extra_logs"]["has_label"] == [1.0 if has_label else 0.0]
                if not has_label:
                    assert response["extra_logs"]["label_correct"] == [0.0]


def test_restart_mid_step(start_server, tok, rollouts):
    """SIGTERM while view 0's samples wait for view 1 (held back 2.5 s by the fake engine), and a new server on
    the same port within OpenRLHF's retry window (5 tries, 1 s apart): the waiting samples get a retryable 503,
    OpenRLHF's own retries rebuild every group on the new server, and no reward comes from a partial group."""
    n = 4
    first = start_server("--assembly-timeout-seconds", "60", "--drain-timeout-seconds", "5")
    port = first.port
    rows = pair_rows(rollouts, NAMES[:4], n, tag="-restart")
    tok_ids = {r["prompt"]: tuple(tok(text=r["prompt"], add_special_tokens=False)["input_ids"]) for r in rows}
    delay = {tok_ids[r["prompt"]]: 2.5 for r in rows if r["view"] == 1}
    replacement = {}

    def restart():
        deadline = time.time() + 10
        while waiting_requests(first) < 4 * n and time.time() < deadline:
            time.sleep(0.02)
        assert waiting_requests(first) == 4 * n  # view 0 of each pair is parked; view 1 is still "generating"
        first.terminate()
        first.process.wait(timeout=10)
        replacement["server"] = start_server("--assembly-timeout-seconds", "60", port=port)

    thread = threading.Thread(target=restart)
    thread.start()
    groups, seconds = run_step(tok, [f"http://127.0.0.1:{port}/get_reward"], rows, n, delay=delay)
    thread.join()
    rewards = rewards_of(groups)
    # every group was assembled on the new server, from OpenRLHF's retries of view 0 and the late view 1
    assert metric(replacement["server"], 'coreward_assembly_groups_total{outcome="complete"}') == len(rows) // 2
    assert rewards == expected_for(replacement["server"].client(), tok, rows, groups)
    assert all(r["extra_logs"]["group_complete"] == [1.0] for g in groups for r in g)
    assert all(r["extra_logs"]["assembly_timeout"] == [0.0] for g in groups for r in g)
    into_replay_buffer(tok, [r for g in groups for r in g])


def test_full_waiting_bound(start_server, tok, rollouts):
    """More samples dispatched at once than --assembly-max-waiting: the groups that fit are admitted, the rest
    are refused with 503 before they open a group, OpenRLHF retries them 1 s later: no deadlock, and every
    reward is right within OpenRLHF's 5 tries."""
    n = 2
    running = start_server("--assembly-timeout-seconds", "60", "--assembly-max-waiting", "8")
    rows = pair_rows(rollouts, NAMES[:6], n, tag="-bound")  # 6 groups x 4 samples = 24 > 8
    # view 1 a little later, so that view 0 of all 6 pairs (12 samples, 6 groups to open) meets the bound first
    delay = {tuple(tok(text=r["prompt"], add_special_tokens=False)["input_ids"]): 0.5 for r in rows if r["view"] == 1}
    groups, seconds = run_step(tok, [running.url + "/get_reward"], rows, n, delay=delay)
    rewards = rewards_of(groups)
    assert metric(running, 'coreward_assembly_rejected_total{reason="waiting"}') > 0  # the bound was hit
    assert metric(running, 'coreward_assembly_groups_total{outcome="complete"}') == len(rows) // 2
    assert rewards == expected_for(running.client(), tok, rows, groups)
    assert all(r["extra_logs"]["group_complete"] == [1.0] for g in groups for r in g)
    assert seconds < 30, f"the step took {seconds:.1f} s"
    into_replay_buffer(tok, [r for g in groups for r in g])


# OpenRLHF 0.9.0's batch client: RemoteRewardModel.get_rewards shards the rollout batch over the URLs and runs
# remote_rm_fn_ray (a Ray task around request_api_wrapper: requests.post, 5 tries 1 s apart) per shard. With one
# URL the shard is the whole batch; the task's plain function is called here, without starting Ray.
BATCH_CLIENT = r"""
import importlib.metadata, json, sys
from openrlhf.utils.remote_rm_utils import remote_rm_fn_ray
request = json.load(sys.stdin)
answer = remote_rm_fn_ray._function(request["url"], request["queries"], request["prompts"], request["labels"])
print(json.dumps({"version": importlib.metadata.version("openrlhf"), "answer": answer}))
"""


def test_batch_client_0_9_0(server, rollouts):
    """OpenRLHF <= 0.9.0 sends the whole rollout batch in one request: the same rewards, the same keys."""
    target = os.path.join(os.path.dirname(os.path.dirname(sys.executable)), "openrlhf-0.9.0")
    if not os.path.isdir(target):
        pytest.skip(f"{target} is missing (scripts/trainer-env.sh installs it)")
    n = 4
    rows = pair_rows(rollouts, NAMES[:2], n, tag="-batch")
    queries, prompts, labels, texts = [], [], [], []
    for row in rows:
        for text in row["responses"]:
            queries.append(row["prompt"] + text)
            prompts.append(row["prompt"])
            labels.append(row["label"])
    request = {"url": server.url + "/get_reward", "queries": queries, "prompts": prompts, "labels": labels}
    result = subprocess.run([sys.executable, "-c", BATCH_CLIENT], input=json.dumps(request), capture_output=True,
                            text=True, timeout=120, env={**os.environ, "PYTHONPATH": target})
    assert result.returncode == 0, result.stderr[-3000:]
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert answer["version"] == "0.9.0", answer["version"]
    client = server.client()
    expected = []
    for first in range(0, len(rows), 2):
        table = expected_rewards(client, [rows[first]["responses"], rows[first + 1]["responses"]])
        for view in (0, 1):
            expected += [float(table[view][t]) for t in rows[first + view]["responses"]]
    assert [float(r) for r in answer["answer"]["rewards"]] == expected
    assert all(len(v) == len(queries) for v in answer["answer"]["extra_logs"].values())


EXAMPLES = pathlib.Path(__file__).resolve().parents[2] / "clients" / "python" / "examples" / "openrlhf"

# OpenRLHF 0.11.2's own CLI parser (openrlhf.cli.train_ppo_ray run as __main__) on the example's arguments. To
# import the CLI module without a GPU, vllm is stubbed as above and flash_attn, deepspeed, bitsandbytes,
# pynvml (GPU-only packages OpenRLHF is installed without) are empty modules; the run stops at get_strategy,
# right after parsing, and prints the parsed values.
PARSE_CLI = r"""
import importlib.abc, importlib.machinery, json, runpy, sys, types
sys.path.insert(0, sys.argv[1]); sys.argv = ["train_ppo_ray"] + sys.argv[2:]
import test_openrlhf_stub
STUBBED = ("flash_attn", "deepspeed", "bitsandbytes", "pynvml", "liger_kernel", "ring_flash_attn")
class Any(types.ModuleType):
    __path__ = []
    def __getattr__(self, name):
        if name.startswith("__"): raise AttributeError(name)
        return type(name, (), {"__init__": lambda self, *a, **k: None, "__call__": lambda self, *a, **k: None})
class Finder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, name, path, target=None):
        if name.split(".")[0] in STUBBED: return importlib.machinery.ModuleSpec(name, self, is_package=True)
    def create_module(self, spec): return Any(spec.name)
    def exec_module(self, module): pass
sys.meta_path.insert(0, Finder())
import ray, openrlhf.utils
class Parsed(Exception): pass
def stop(args): raise Parsed(args)
openrlhf.utils.get_strategy = stop
ray.is_initialized = lambda: True
try:
    runpy.run_module("openrlhf.cli.train_ppo_ray", run_name="__main__")
except Parsed as parsed:
    a = parsed.args[0]
    print(json.dumps({"remote_url": a.reward.remote_url, "prompt_dataset": a.data.prompt_dataset,
                      "input_key": a.data.input_key, "label_key": a.data.label_key,
                      "n": a.rollout.n_samples_per_prompt, "batch_size": a.rollout.batch_size,
                      "estimator": a.algo.advantage.estimator}))
"""


def parse_with_openrlhf(tmp_path, args):
    import inspect
    stub = ("import sys, types, uuid\nfrom dataclasses import dataclass\nfrom typing import Optional\n_sys = sys\n"
            + inspect.getsource(install_vllm_stub) + "\ninstall_vllm_stub()\n")
    (tmp_path / "test_openrlhf_stub.py").write_text(stub)
    return subprocess.run([sys.executable, "-c", PARSE_CLI, str(tmp_path), *args], capture_output=True, text=True,
                          timeout=300)


def test_example_command_parses_with_openrlhf_0_11_2(tmp_path):
    """train_ppo_ray.sh's arguments, as it passes them, parse with the pinned OpenRLHF's own parser; the 0.9.x
    names the old example used do not."""
    args = subprocess.run(["bash", str(EXAMPLES / "train_ppo_ray.sh")], env={**os.environ, "PRINT_ARGS": "1",
                          "COREWARD": "http://coreward-0:8080"}, capture_output=True, text=True, check=True)
    result = parse_with_openrlhf(tmp_path, args.stdout.splitlines())
    assert result.returncode == 0, result.stderr[-3000:]
    parsed = json.loads(result.stdout.strip().splitlines()[-1])
    assert parsed == {"remote_url": ["http://coreward-0:8080/get_reward"], "prompt_dataset": "coreward_openrlhf.jsonl",
                      "input_key": "input", "label_key": "label", "n": 8, "batch_size": 128,
                      "estimator": "group_norm"}
    old = parse_with_openrlhf(tmp_path, ["--pretrain", "x", "--prompt_data", "y", "--remote_rm_url", "z"])
    assert old.returncode != 0 and "unrecognized arguments" in old.stderr


def test_keep_pairs_patch_applies_to_openrlhf_0_11_2(tmp_path):
    """keep_pairs_openrlhf_0.11.patch applies to the installed openrlhf and turns the prompt dataloader's
    shuffle off (setup_dataloader's 4th positional argument), and nothing else."""
    import ast
    import openrlhf
    import shutil
    root = pathlib.Path(openrlhf.__file__).resolve().parent
    (tmp_path / "openrlhf" / "trainer").mkdir(parents=True)
    shutil.copy(root / "trainer" / "ppo_trainer.py", tmp_path / "openrlhf" / "trainer" / "ppo_trainer.py")
    with open(EXAMPLES / "keep_pairs_openrlhf_0.11.patch", "rb") as patch_file:
        subprocess.run(["patch", "-p1", "-d", str(tmp_path)], stdin=patch_file, check=True, capture_output=True)

    def shuffles(source):
        tree = ast.parse(source)
        prepare = next(f for f in tree.body if isinstance(f, ast.FunctionDef) and f.name == "prepare_datasets")
        calls = [c for c in ast.walk(prepare) if isinstance(c, ast.Call) and getattr(c.func, "attr", "") ==
                 "setup_dataloader"]
        return [ast.literal_eval(c.args[3]) for c in calls]

    assert shuffles((root / "trainer" / "ppo_trainer.py").read_text()) == [True, False]  # train, eval
    assert shuffles((tmp_path / "openrlhf" / "trainer" / "ppo_trainer.py").read_text()) == [False, False]


def test_two_urls_split_every_group(start_server, tok, rollouts):
    """Why docs/openrlhf.md says one URL: OpenRLHF 0.11.2 sends each sample to the next URL of the list in turn,
    so a pair's samples land on two replicas, neither of which can complete the group (scored at the assembly
    timeout, flagged)."""
    n = 2
    replicas = [start_server("--assembly-timeout-seconds", "1") for _ in range(2)]
    rows = pair_rows(rollouts, NAMES[:1], n, tag="-urls")
    groups, _ = run_step(tok, [r.url + "/get_reward" for r in replicas], rows, n)
    flags = [(r["extra_logs"]["group_complete"], r["extra_logs"]["assembly_timeout"]) for g in groups for r in g]
    assert flags == [([0.0], [1.0])] * (2 * n)
    assert [metric(r, 'coreward_assembly_groups_total{outcome="timeout"}') for r in replicas] == [1.0, 1.0]


def test_a_new_epoch_is_a_new_group(start_server, tok, rollouts):
    """OpenRLHF sends no step: the next epoch sends the same labels (same pair ids). Once the guard period has
    passed, they form a new group, even for a response byte-identical to one of the last epoch's, whose old
    answer is not served again."""
    n = 4
    running = start_server("--assembly-timeout-seconds", "60", "--assembly-guard-seconds", "1")
    rows = pair_rows(rollouts, NAMES[:2], n, tag="-epoch")
    client = running.client()
    first, _ = run_step(tok, [running.url + "/get_reward"], rows, n)
    assert rewards_of(first) == expected_for(client, tok, rows, first)
    time.sleep(1.5)
    for k in range(0, len(rows), 2):  # the next epoch: each view keeps one response and takes three new ones
        view0, view1 = rows[k]["responses"], rows[k + 1]["responses"]
        rows[k]["responses"], rows[k + 1]["responses"] = [view0[0], *view1[1:]], [view1[0], *view0[1:]]
    second, _ = run_step(tok, [running.url + "/get_reward"], rows, n)
    assert rewards_of(second) == expected_for(client, tok, rows, second)
    assert all(r["extra_logs"]["group_complete"] == [1.0] for g in second for r in g)
    assert metric(running, 'coreward_assembly_groups_total{outcome="complete"}') == 2 * len(rows) // 2
