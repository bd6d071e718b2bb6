"""Runs one older verl line's own reward code on real rollouts; test_verl.py runs it in a subprocess whose
PYTHONPATH puts that line's `verl` package (installed with pip --no-deps --target) first.

    python verl_line_driver.py reward-loop|batch EXAMPLE_SCRIPT MODEL_DIR COREWARD_URL PAIR_PREFIX

reward-loop (verl 0.7.1, 0.8.0): the config composed from the example, migrated as main_ppo does
(migrate_legacy_reward_impl), verl's RewardLoopWorker awaiting compute_score once per sample.
batch (verl 0.6.1, 0.7.0): the config composed from the example, main_ppo's load_reward_manager(config,
tokenizer, num_examine=0, **config.reward_model.reward_kwargs) and verl's compute_reward on one padded DataProto.
Prints one JSON line: {"verl": version, "manager": class name, "samples": [[pair id or null, view or null, text,
ground truth]], "rewards": [...], "extra_keys": [[...] per sample or one list for the batch]}.
"""
import asyncio
import json
import pathlib
import random
import sys
import tempfile

import numpy as np
import torch
import verl
from verl import DataProto

from verl_fixtures import compose_verl, example_overrides, read_rollouts

N = 4  # rollouts per view
PROMPT_CHARS = 200


def samples_of(prefix):
    """(prompt, response, ground truth, extra_info): 5 mixed rows as pairs (views of N), 3 ground-truth samples."""
    mixed = [row for row in read_rollouts() if len(set(row["meta"]["source_correct"])) > 1]
    samples = []
    for item in mixed[:5]:
        for view in (0, 1):
            for text in item["responses"][view * N:(view + 1) * N]:
                samples.append((item["question"][:PROMPT_CHARS], text, item["answer"],
                                {"pair_id": f"{prefix}-{item['id']}", "view": view}))
    for text in mixed[5]["responses"][:3]:
        samples.append((mixed[5]["question"][:PROMPT_CHARS], text, mixed[5]["answer"], {"index": 0}))
    random.Random(3).shuffle(samples)
    return samples


def config_of(script, model_dir, url):
    with tempfile.TemporaryDirectory() as tmp:
        return compose_verl(example_overrides(script, pathlib.Path(tmp), COREWARD_URL=url, MODEL_PATH=model_dir,
                                              DATA_DIR=tmp, ROLLOUT_N=str(N)))


def reward_loop(config, samples):
    from tensordict import TensorDict
    from verl.experimental.reward_loop import RewardLoopWorker, migrate_legacy_reward_impl

    config = migrate_legacy_reward_impl(config)

    async def run():
        worker = RewardLoopWorker(config)  # inside the running loop, as verl's reward manager keeps it
        tokenizer = worker.input_tokenizer
        data = []
        for prompt, text, truth, info in samples:  # what AgentLoopWorker._compute_score builds for one sample
            p = torch.tensor(tokenizer.encode(prompt, add_special_tokens=False))
            r = torch.tensor(tokenizer.encode(text, add_special_tokens=False))
            ids = torch.cat([p, r])
            batch = TensorDict({"prompts": p[None], "responses": r[None], "attention_mask": torch.ones_like(ids)[None],
                                "input_ids": ids[None], "position_ids": torch.arange(len(ids))[None]}, batch_size=1)
            columns = {"data_source": "coreward/math", "reward_model": {"style": "rule", "ground_truth": truth},
                       "extra_info": info, "raw_prompt": [{"role": "user", "content": prompt}], "index": 0, "uid": "u"}
            data.append(DataProto(batch=batch, non_tensor_batch={
                **{k: np.array([v], dtype=object) for k, v in columns.items()}, "__num_turns__": np.array([2])}))
        outs = await asyncio.gather(*(worker.compute_score(d) for d in data))
        return type(worker.reward_manager).__name__, outs

    manager, outs = asyncio.run(run())
    return manager, [o["reward_score"] for o in outs], [sorted(o["reward_extra_info"]) for o in outs]


def batch(config, samples, model_dir):
    from verl.trainer.ppo.reward import compute_reward, load_reward_manager
    from verl.utils import hf_tokenizer

    tokenizer = hf_tokenizer(model_dir)
    reward_fn = load_reward_manager(config, tokenizer, num_examine=0, **config.reward_model.get("reward_kwargs", {}))
    encoded = [(tokenizer.encode(p, add_special_tokens=False), tokenizer.encode(t, add_special_tokens=False))
               for p, t, _, _ in samples]
    width_p, width_r = max(len(p) for p, _ in encoded), max(len(r) for _, r in encoded)
    prompts = torch.full((len(samples), width_p), tokenizer.pad_token_id)  # left-padded, as verl's rollout gives
    responses = torch.full((len(samples), width_r), tokenizer.pad_token_id)  # right-padded
    mask = torch.zeros((len(samples), width_p + width_r), dtype=torch.long)
    for i, (p, r) in enumerate(encoded):
        prompts[i, width_p - len(p):] = torch.tensor(p)
        responses[i, :len(r)] = torch.tensor(r)
        mask[i, width_p - len(p):width_p + len(r)] = 1
    data = DataProto.from_dict(
        tensors={"prompts": prompts, "responses": responses, "attention_mask": mask,
                 "input_ids": torch.cat([prompts, responses], 1)},
        non_tensors={"data_source": np.array(["coreward/math"] * len(samples), dtype=object),
                     "reward_model": np.array([{"style": "rule", "ground_truth": s[2]} for s in samples], dtype=object),
                     "extra_info": np.array([s[3] for s in samples], dtype=object)})
    tensor, extra = compute_reward(data, reward_fn)
    return type(reward_fn).__name__, tensor.sum(-1).tolist(), [sorted(extra)]


def main():
    mode, script, model_dir, url, prefix = sys.argv[1:6]
    samples = samples_of(prefix)
    config = config_of(script, model_dir, url)
    if mode == "reward-loop":
        manager, rewards, keys = reward_loop(config, samples)
    else:
        manager, rewards, keys = batch(config, samples, model_dir)
    print(json.dumps({"verl": verl.__version__, "manager": manager, "rewards": rewards, "extra_keys": keys,
                      "samples": [[info.get("pair_id"), info.get("view"), text, truth]
                                  for _, text, truth, info in samples]}))


if __name__ == "__main__":
    main()
