"""TRL 1.16's real GRPOTrainer.train() on CPU, with coreward_client.trl.co_reward_func against the real binary.

Nothing of TRL is stubbed: a tiny random Llama (1 layer, hidden 16) and a word-level tokenizer are built
locally (no model hub), whose words include \\boxed{0} and \\boxed{1}, so sampled completions hold answers.
The reward function GRPOTrainer calls is co_reward_func wrapped in a recorder with the same name: it sees
exactly what TRL passes (prompts, completions, pair_id, view, ...) and what co_reward_func returns. Every
returned reward is compared with POST /v1/reward on the same groups (each view sorted by response bytes), and
TRL's own log (`rewards/co_reward/mean`, `co_reward/*`) with the recorded rewards.
"""
import math
import re
import uuid

import pytest
from datasets import Dataset
from transformers import AutoModelForCausalLM, AutoTokenizer
from trl import GRPOConfig, GRPOTrainer

from coreward_client.trl import BatchShapeError, co_reward_func
from conftest import RUN, expected_rewards

NUM_GENERATIONS = 4


def recorded(func):
    """func, recording each call's columns and result; keeps func's __name__ (TRL names the metrics by it)."""
    calls = []

    async def wrapper(prompts=(), completions=(), completion_ids=None, **columns):
        result = await func(prompts=prompts, completions=completions, completion_ids=completion_ids, **columns)
        calls.append({"completions": list(completions), "pair_id": columns.get("pair_id"),
                      "view": columns.get("view"), "answer": columns.get("answer"),
                      "step": columns["trainer_state"].global_step, "rewards": list(result)})
        return result

    wrapper.__name__ = wrapper.__qualname__ = func.__name__
    wrapper.calls = calls
    return wrapper


def pairs_dataset(pairs):
    tag = uuid.uuid4().hex[:6]
    return Dataset.from_list([{"prompt": f"Q q{q} view {view}", "pair_id": f"{RUN}-{tag}-q{q}", "view": view,
                               "answer": str(q % 2)} for q in range(pairs) for view in range(2)])


def make_trainer(model_dir, tmp_path, reward, train, eval_dataset=None, **overrides):
    tok = AutoTokenizer.from_pretrained(str(model_dir))
    tok.padding_side = "left"
    # The documented settings (docs/trl.md): shuffle_dataset=False and a generation batch of whole pairs
    # (per_device_train_batch_size / num_generations = 4 prompts = 2 pairs); the rest is for a CPU test.
    settings = dict(output_dir=str(tmp_path / "grpo"), num_generations=NUM_GENERATIONS,
                    per_device_train_batch_size=4 * NUM_GENERATIONS, shuffle_dataset=False,
                    max_completion_length=8, max_steps=3, logging_steps=1, report_to="none", use_cpu=True,
                    bf16=False, gradient_checkpointing=False, beta=0.0, learning_rate=1e-3, save_strategy="no",
                    seed=0, temperature=1.0)
    settings.update(overrides)
    return GRPOTrainer(model=AutoModelForCausalLM.from_pretrained(str(model_dir)), processing_class=tok,
                       reward_funcs=[reward], args=GRPOConfig(**settings), train_dataset=train,
                       eval_dataset=eval_dataset)


def check_against_v1_reward(client, call, views=2):
    """Rebuilds the call's groups from (pair_id, view) and compares each reward with /v1/reward's."""
    groups = {}
    for text, pair_id, view in zip(call["completions"], call["pair_id"], call["view"]):
        groups.setdefault(pair_id, [[] for _ in range(views)])[view].append(text)
    tables = {pair_id: expected_rewards(client, texts) for pair_id, texts in groups.items()}
    expected = [float(tables[p][v][t]) for t, p, v in zip(call["completions"], call["pair_id"], call["view"])]
    assert call["rewards"] == expected


def test_grpo_train_rewards_equal_v1_reward(server, boxed_model, tmp_path):
    reward = recorded(co_reward_func(url=server.url, n=NUM_GENERATIONS, views=2, label_column="answer", timeout=60))
    trainer = make_trainer(boxed_model, tmp_path, reward, pairs_dataset(4))
    trainer.train()

    client = server.client()
    assert [c["step"] for c in reward.calls] == [0, 1, 2]  # one generation batch per step
    for call in reward.calls:
        assert len(call["completions"]) == 4 * NUM_GENERATIONS
        check_against_v1_reward(client, call)
    rewards = [r for call in reward.calls for r in call["rewards"]]
    assert any(r > 0 for r in rewards), "no completion was rewarded: the test would prove little"

    logs = [entry for entry in trainer.state.log_history if "rewards/co_reward/mean" in entry]
    assert len(logs) == 3
    for entry, call in zip(logs, reward.calls):
        assert entry["rewards/co_reward/mean"] == pytest.approx(sum(call["rewards"]) / len(call["rewards"]))
        assert entry["co_reward/group_complete"] == 1.0
        assert entry["co_reward/assembly_timeout"] == 0.0
        assert 0.0 <= entry["co_reward/label_correct"] <= 1.0


@pytest.mark.parametrize("n, overrides, message", [
    # n = 8 with num_generations = 4: each (pair, view) holds 4 completions
    (8, {}, "co_reward_func(n=8) was handed 4 completions of pair"),
    # TRL's default batch (per_device_train_batch_size 8 = num_generations): one prompt per generation batch
    (8, {"num_generations": 8, "per_device_train_batch_size": 8}, "has 1 of its 2 views"),
])
def test_grpo_train_batch_shape_is_checked(server, boxed_model, tmp_path, n, overrides, message):
    """A wrong n, or a generation batch that splits pairs, stops training at the first step with a message
    naming both numbers, instead of every step waiting for the assembly timeout."""
    reward = co_reward_func(url=server.url, n=n, views=2, timeout=60)
    trainer = make_trainer(boxed_model, tmp_path, reward, pairs_dataset(4), max_steps=1, **overrides)
    with pytest.raises(BatchShapeError, match=re.escape(message)):
        trainer.train()


def test_grpo_eval_scores_by_ground_truth(server, boxed_model, tmp_path):
    """The documented eval route: an eval_dataset without the pair id column is scored by ground truth (TRL's
    eval sampler shuffles, so pairs could not stay together); TRL logs eval_rewards/co_reward/mean."""
    reward = recorded(co_reward_func(url=server.url, n=NUM_GENERATIONS, views=2, label_column="answer", timeout=60))
    eval_rows = Dataset.from_list([{"prompt": f"Q q{q} ?", "answer": str(q % 2)} for q in range(4)])
    # docs/trl.md's ratio: per_device_train_batch_size = 2 x num_generations (one pair per generation batch)
    trainer = make_trainer(boxed_model, tmp_path, reward, pairs_dataset(2), eval_dataset=eval_rows, max_steps=2,
                           per_device_train_batch_size=2 * NUM_GENERATIONS, eval_strategy="steps", eval_steps=2,
                           per_device_eval_batch_size=4 * NUM_GENERATIONS)
    trainer.train()

    client = server.client()
    evals = [c for c in reward.calls if c["pair_id"] is None]
    assert evals and len(evals) < len(reward.calls)
    for call in evals:
        answer = client.reward([{"views": [{"responses": [t]}], "label": a}
                                for t, a in zip(call["completions"], call["answer"])], mode="ground_truth")
        assert call["rewards"] == [float(g["views"][0]["rewards"][0]) for g in answer["groups"]]
    for call in reward.calls:
        if call["pair_id"] is not None:
            check_against_v1_reward(client, call)
    logged = [e["eval_rewards/co_reward/mean"] for e in trainer.state.log_history if "eval_rewards/co_reward/mean" in e]
    eval_rewards = [r for call in evals for r in call["rewards"]]
    assert logged and not math.isnan(logged[-1])
    assert logged[-1] == pytest.approx(sum(eval_rewards) / len(eval_rewards))
