#!/usr/bin/env bash
# verl with coreward_client.verl.CoRewardManager as the reward manager (loaded by importlib): it decodes the
# responses itself, groups rows by extra_info pair_id/view, and puts each score on the last valid response token.
set -euo pipefail

COREWARD=${COREWARD:-http://127.0.0.1:8080}

python3 -m verl.trainer.main_ppo \
    algorithm.adv_estimator=grpo \
    data.train_files="$HOME/data/coreward/train.parquet" \
    data.val_files="$HOME/data/math/test.parquet" \
    data.shuffle=False \
    data.train_batch_size=128 \
    actor_rollout_ref.model.path=Qwen/Qwen2.5-Math-1.5B \
    actor_rollout_ref.rollout.name=vllm \
    actor_rollout_ref.rollout.n=8 \
    reward_manager.source=importlib \
    reward_manager.name=CoRewardManager \
    reward_manager.module.path=pkg://coreward_client.verl \
    +reward_model.reward_kwargs.url="$COREWARD" \
    +reward_model.reward_kwargs.timeout=300 \
    trainer.n_gpus_per_node=4 \
    trainer.nnodes=1

# The Co-Reward authors' paired trainer (tmlr-group/Co-Reward, coreward/verl/trainer/ppo/reward.py) picks its
# manager by name and calls reward_fn(batch_ori, batch_aug) -> (reward_tensor_ori, reward_tensor_aug), the two
# batches sharing non_tensor_batch["uid"] per question. CoRewardManager takes that call too: in their
# load_reward_manager, for reward_manager_name == "co_reward", use
#     from coreward_client.verl import CoRewardManager
# and keep their math_co_reward.sh (reward_model.reward_manager=co_reward), adding
#     +reward_model.reward_kwargs.url="$COREWARD"
