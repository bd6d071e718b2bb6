"""verl 0.9's own reward loop scoring Co-Reward pairs through the real coreward binary.

What runs is verl's code: the config is composed by Hydra from verl's ppo_trainer.yaml with the overrides that
clients/python/examples/verl/run_reward_loop.sh passes (the script itself is run, with `python3` recording its
arguments); verl's AgentLoopWorker runs its SingleTurnAgentLoop on a DataProto built from real Qwen2.5-Math
rollouts, calls verl's RewardLoopWorker, which loads CoRewardLoopManager by importlib and awaits run_single per
sample, and verl's _postprocess builds rm_scores and the extra-info arrays.

Stubbed (they need a GPU or a cluster): the LLM server (a stand-in for AgentLoopWorker's llm_client that answers
each prompt with one of its real rollouts, tokenised by a tokenizer trained here; no model weights), and Ray (the
reward worker is called in-process through a stand-in for its actor handle, .compute_score.remote). The v1
trainer hands each sample its step as `global_steps` (trainer_base._next_train_batch); these tests put it in the
batch the same way, since the v1 worker itself needs TransferQueue.

The older lines (0.6.1, 0.7.0, 0.7.1, 0.8.0) run their own reward code with their example's configuration in a
subprocess (verl_line_driver.py), with no stand-in: the batch lines get one padded DataProto, the reward-loop
lines one DataProto per sample as the agent loop builds it.
"""
import asyncio
import json
import os
import pathlib
import subprocess
import sys
import time
import types
import uuid

import numpy as np
import pytest

from verl_fixtures import (REPO, compose_verl, coreward, coreward_short_guard, example_overrides,  # noqa: F401
                           expected_rewards, rollouts, tiny_model_dir)

N = 4  # rollouts per view: each rollout row holds 8 responses, view 0 takes the first 4 and view 1 the last 4
PROMPT_CHARS = 200  # a prompt's question is cut to this, well inside the example's 512-token data.max_prompt_length
RUN = uuid.uuid4().hex[:8]  # pair ids never repeat across runs against one server


@pytest.fixture(scope="module")
def mixed(rollouts):
    """The 10 rows whose 8 responses are not all right or all wrong, so a wrong reward or mapping shows."""
    return [row for row in rollouts if len(set(row["meta"]["source_correct"])) > 1]


def loop_config(coreward, tmp_path, model_dir, drop=(), extra=()):
    overrides = example_overrides("run_reward_loop.sh", tmp_path, COREWARD_URL=coreward.url,
                                  MODEL_PATH=str(model_dir), DATA_DIR=str(tmp_path), ROLLOUT_N=str(N))
    overrides = [o for o in overrides if not o.startswith(tuple(drop))]
    return compose_verl([*overrides, *extra])


class Handle:
    """What AgentLoopWorker does with a Ray actor handle of a reward worker: handle.compute_score.remote(data)."""

    def __init__(self, worker):
        self.compute_score = types.SimpleNamespace(remote=worker.compute_score)


def rows_for(items, pair_prefix, singles=()):
    """Dataset rows as verl's RLHFDataset yields them: per item two rows (views 0 and 1) with extra_info
    {pair_id, view}; per single one row with no pair id (scored by ground truth). Returns (rows, responses by
    prompt tag)."""
    rows, responses = [], {}
    for item in items:
        for view in (0, 1):
            tag = f"[{pair_prefix}-{item['id']} view {view}]"
            responses[tag] = list(item["responses"][view * N:(view + 1) * N])
            rows.append({"raw_prompt": [{"role": "user", "content": f"{tag} {item['question'][:PROMPT_CHARS]}"}],
                         "data_source": "coreward/math",
                         "reward_model": {"style": "rule", "ground_truth": item["answer"]},
                         "extra_info": {"pair_id": f"{pair_prefix}-{item['id']}", "view": view,
                                        "index": len(rows)},
                         "index": len(rows)})
    for item in singles:
        tag = f"[{pair_prefix}-{item['id']} single]"
        responses[tag] = list(item["responses"][:N])
        rows.append({"raw_prompt": [{"role": "user", "content": f"{tag} {item['question'][:PROMPT_CHARS]}"}],
                     "data_source": "math", "reward_model": {"style": "rule", "ground_truth": item["answer"]},
                     "extra_info": {"index": len(rows)}, "index": len(rows)})
    return rows, responses


async def run_step(config, rows, responses, step=None):
    """One rollout step through verl's own AgentLoopWorker and RewardLoopWorker (built inside the running loop,
    as verl's RewardManagerBase keeps the loop it was built in). Returns (texts, rm_scores sums, output)."""
    import torch
    from verl import DataProto
    from verl.experimental.agent_loop.agent_loop import AgentLoopWorker
    from verl.experimental.reward_loop import RewardLoopWorker
    from verl.workers.rollout.replica import TokenOutput

    reward_worker = RewardLoopWorker(config)
    tokenizer = reward_worker.input_tokenizer
    queues = {tag: list(texts) for tag, texts in responses.items()}

    async def generate(request_id, prompt_ids, sampling_params, **_):  # the LLM server's generate, stubbed
        prompt = tokenizer.decode(prompt_ids)
        tag = next(t for t in queues if t in prompt)
        text = queues[tag].pop(0)
        await asyncio.sleep((len(text) % 7) * 0.003)  # finish in a scrambled order, as real generation does
        return TokenOutput(token_ids=tokenizer.encode(text, add_special_tokens=False), stop_reason="completed")

    worker = AgentLoopWorker(config, llm_client=types.SimpleNamespace(generate=generate),
                             reward_loop_worker_handles=[Handle(reward_worker)])
    columns = {key: np.array([row[key] for row in rows], dtype=object) for key in rows[0]}
    columns["uid"] = np.array([str(uuid.uuid4()) for _ in rows], dtype=object)  # as RayPPOTrainer.fit does
    if step is not None:
        columns["global_steps"] = np.array([step] * len(rows), dtype=object)
    batch = DataProto.from_dict(tensors={"dummy_tensor": torch.zeros(len(rows), 1, dtype=torch.uint8)},
                                non_tensors=columns)
    gen_batch = batch.repeat(repeat_times=N, interleave=True)  # what the trainer does with rollout.n
    output = await worker.generate_sequences(gen_batch)
    masks = output.batch["response_mask"]
    texts = [tokenizer.decode(output.batch["responses"][i][:int(masks[i].sum())], skip_special_tokens=True)
             for i in range(len(output))]
    return texts, output.batch["rm_scores"].sum(-1).tolist(), output


def expectations(coreward, rows, texts, prefix):
    """The /v1/reward reward of every output sample (sample i comes from row i // N)."""
    groups, singles = {}, []
    for i, text in enumerate(texts):
        info = rows[i // N]["extra_info"]
        if "pair_id" in info:
            groups.setdefault(info["pair_id"], [[], []])[info["view"]].append(text)
        else:
            singles.append((text, rows[i // N]["reward_model"]["ground_truth"]))
    table = expected_rewards(coreward, groups, singles)
    keys = []
    for i, text in enumerate(texts):
        info = rows[i // N]["extra_info"]
        keys.append((info["pair_id"], info["view"], text) if "pair_id" in info else (None, None, text))
    return [table[key] for key in keys]


def test_reward_loop_equals_v1_reward(coreward, tmp_path, tiny_model_dir, mixed):
    from coreward_client.verl_reward_loop import EXTRA_KEYS

    config = loop_config(coreward, tmp_path, tiny_model_dir)
    assert config.reward.reward_manager.name == "CoRewardLoopManager"
    rows, responses = rows_for(mixed[:4], RUN, singles=mixed[4:5])
    started = time.monotonic()
    texts, rewards, output = asyncio.run(run_step(config, rows, responses, step=7))
    elapsed = time.monotonic() - started
    assert len(texts) == len(rows) * N
    expected = expectations(coreward, rows, texts, RUN)
    assert rewards == expected
    assert 0 < sum(rewards) < len(rewards)
    # verl builds one array per key of the first sample's extra info: every sample must carry the same keys
    assert output.meta_info["reward_extra_keys"] == list(EXTRA_KEYS)
    for key in EXTRA_KEYS:
        assert len(output.non_tensor_batch[key]) == len(texts)
    paired = output.non_tensor_batch["paired"].tolist()
    assert paired == [1.0] * (8 * N) + [0.0] * N
    assert output.non_tensor_batch["group_complete"].tolist() == [1.0] * len(texts)
    assert output.non_tensor_batch["assembly_timeout"].tolist() == [0.0] * len(texts)
    assert output.non_tensor_batch["has_label"].tolist() == [1.0] * len(texts)
    assert elapsed < 10, f"a step of {len(texts)} samples took {elapsed:.1f} s: groups waited for the timeout"


def other_responses(items, donors, prefix, keep_first):
    """Responses for a later step of the same pairs: each view's from a donor row; with keep_first, view 0 keeps
    its first response byte for byte."""
    responses = {}
    for item, donor in zip(items, donors):
        for view in (0, 1):
            texts = list(donor["responses"][view * N:(view + 1) * N])
            if keep_first and view == 0:
                texts[0] = item["responses"][0]
            responses[f"[{prefix}-{item['id']} view {view}]"] = texts
    return responses


def test_next_step_is_a_new_group(coreward, tmp_path, tiny_model_dir, rollouts, mixed):
    """The v1 trainer's global_steps scopes the pair ids: the same pairs in the next step, well inside the guard
    period (60 s), form new groups instead of a 409 for samples beyond n."""
    config = loop_config(coreward, tmp_path, tiny_model_dir)
    prefix = f"{RUN}-steps"
    others = [row for row in rollouts if row not in mixed]
    rows, responses = rows_for(others[:2], prefix)
    texts, rewards, _ = asyncio.run(run_step(config, rows, responses, step=1))
    assert rewards == expectations(coreward, rows, texts, prefix)
    responses2 = other_responses(others[:2], others[2:4], prefix, keep_first=False)
    texts2, rewards2, _ = asyncio.run(run_step(config, rows, responses2, step=2))
    assert rewards2 == expectations(coreward, rows, texts2, prefix)


def test_second_epoch_same_pair_ids_is_scored_anew(coreward_short_guard, tmp_path, tiny_model_dir, mixed):
    """The v0 trainer gives no step, so a pair id repeats in the next epoch: once the first answers were delivered
    and the guard period (1 s here) is over, the same pair id forms a new group, never answered from the old one."""
    server = coreward_short_guard
    config = loop_config(server, tmp_path, tiny_model_dir)
    prefix = f"{RUN}-epoch"
    items = mixed[5:7]
    rows, responses = rows_for(items, prefix)
    texts, rewards, _ = asyncio.run(run_step(config, rows, responses))
    assert rewards == expectations(server, rows, texts, prefix)
    time.sleep(1.5)
    # epoch 2: the same pair ids; view 0 keeps its first response byte for byte, the rest come from other rows
    texts2, rewards2, output2 = asyncio.run(run_step(config, rows, other_responses(items, mixed[7:9], prefix, True)))
    assert rewards2 == expectations(server, rows, texts2, prefix)
    assert output2.non_tensor_batch["assembly_timeout"].tolist() == [0.0] * len(texts2)
    # the response sent in both epochs scores differently in the new group, so an old answer would show
    old = dict(zip(texts, rewards))
    assert any(old[item["responses"][0]] != new for item in items
               for text, new in zip(texts2, rewards2) if text == item["responses"][0])


def test_missing_url_names_the_key(coreward, tmp_path, tiny_model_dir):
    from verl.experimental.reward_loop import RewardLoopWorker

    config = loop_config(coreward, tmp_path, tiny_model_dir, drop=("+reward.reward_kwargs.url=",))

    async def build():
        RewardLoopWorker(config)

    with pytest.raises(ValueError, match=r"\+reward\.reward_kwargs\.url"):
        asyncio.run(build())
    config = loop_config(coreward, tmp_path, tiny_model_dir, extra=("+reward.reward_kwargs.ur=http://x",))
    with pytest.raises(ValueError, match=r"unknown \+reward\.reward_kwargs key\(s\) \['ur'\]"):
        asyncio.run(build())


@pytest.mark.parametrize("overrides, message", [
    # the batch reward function under 0.9's keys: verl's NaiveRewardManager calls it per sample
    (["reward.custom_reward_function.path=EXAMPLES/coreward_reward.py",
      "reward.custom_reward_function.name=compute_score",
      "+reward.custom_reward_function.reward_kwargs.url=URL"], r"called per sample .*CoRewardLoopManager"),
    # the batch manager loaded into the reward loop
    (["reward.reward_manager.source=importlib", "reward.reward_manager.name=CoRewardManager",
      "reward.reward_manager.module.path=pkg://coreward_client.verl"],
     r"CoRewardManager is a batch reward manager.*CoRewardLoopManager"),
])
def test_wrong_calling_convention_raises(coreward, tmp_path, tiny_model_dir, mixed, overrides, message):
    """The two ways the old examples loaded coreward into verl 0.9: each now stops with a TypeError that names
    the call it got and the adapter to use, instead of a shape mismatch or a silent ground-truth reward."""
    from verl_fixtures import EXAMPLES

    overrides = [o.replace("EXAMPLES", str(EXAMPLES)).replace("URL", coreward.url) for o in overrides]
    config = loop_config(coreward, tmp_path, tiny_model_dir, drop=("reward.reward_manager.",), extra=overrides)
    rows, responses = rows_for(mixed[:1], f"{RUN}-wrong")
    with pytest.raises(TypeError, match=message):
        asyncio.run(run_step(config, rows, responses))


# Older verl lines, each installed beside the pinned one with `pip install --no-deps --target DIR/VERSION
# verl==VERSION` (their own reward code runs on the pinned environment's torch and transformers).
VERL_LINES = pathlib.Path(os.environ.get("COREWARD_VERL_LINES", REPO / ".venv-trainers" / "verl-lines"))
HERE = pathlib.Path(__file__).resolve().parent


@pytest.mark.parametrize("version, mode, script", [
    ("0.6.1", "batch", "run_batch_reward.sh"),
    ("0.7.0", "batch", "run_batch_reward_0.7.0.sh"),
    ("0.7.1", "reward-loop", "run_reward_loop.sh"),
    ("0.8.0", "reward-loop", "run_reward_loop.sh"),
])
def test_older_verl_line(coreward, tiny_model_dir, version, mode, script):
    """Each older line's own reward code with its example's configuration (verl_line_driver.py): 0.6.1 and 0.7.0
    through main_ppo's load_reward_manager and compute_reward (the batch function), 0.7.1 and 0.8.0 through
    main_ppo's config migration and RewardLoopWorker (CoRewardLoopManager), one sample per call."""
    target = VERL_LINES / version
    if not (target / "verl").is_dir():
        pytest.skip(f"verl {version} is not installed: pip install --no-deps --target {target} verl=={version}")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(target), str(HERE)])}
    done = subprocess.run([sys.executable, str(HERE / "verl_line_driver.py"), mode, script, str(tiny_model_dir),
                           coreward.url, f"{RUN}-{version}"], env=env, cwd=HERE, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["verl"] == version
    assert result["manager"] == ("BatchRewardManager" if mode == "batch" else "CoRewardLoopManager")
    groups, singles = {}, []
    for pair_id, view, text, truth in result["samples"]:
        if pair_id is None:
            singles.append((text, truth))
        else:
            groups.setdefault(pair_id, [[], []])[view].append(text)
    table = expected_rewards(coreward, groups, singles)
    assert result["rewards"] == [table[(pair_id, view, text)] for pair_id, view, text, _ in result["samples"]]
    assert 0 < sum(result["rewards"]) < len(result["rewards"])
    if mode == "batch":
        from coreward_client.verl import EXTRA_KEYS as keys
    else:
        from coreward_client.verl_reward_loop import EXTRA_KEYS as keys
    assert all(k == sorted(keys) for k in result["extra_keys"])
