#!/usr/bin/env bash
# verl GRPO with Co-Reward rewards from coreward through the batch reward manager: verl calls
# coreward_client.verl.compute_score(data_sources=, solution_strs=, ground_truths=, extra_infos=, **reward_kwargs)
# once per batch; rows with extra_info pair_id/view are scored as Co-Reward pairs in one POST /v1/reward,
# the others (e.g. the validation set) against reward_model.ground_truth.
set -euo pipefail

COREWARD=${COREWARD:-http://127.0.0.1:8080}
python prepare_data.py --input train_pairs.jsonl --output "$HOME/data/coreward/train.parquet"

python3 -m verl.trainer.main_ppo \
    algorithm.adv_estimator=grpo \
    data.train_files="$HOME/data/coreward/train.parquet" \
    data.val_files="$HOME/data/math/test.parquet" \
    data.shuffle=False \
    data.train_batch_size=128 \
    data.max_prompt_length=512 \
    data.max_response_length=3072 \
    actor_rollout_ref.model.path=Qwen/Qwen2.5-Math-1.5B \
    actor_rollout_ref.rollout.name=vllm \
    actor_rollout_ref.rollout.n=8 \
    actor_rollout_ref.actor.ppo_mini_batch_size=128 \
    actor_rollout_ref.actor.ppo_micro_batch_size_per_gpu=16 \
    actor_rollout_ref.actor.optim.lr=3e-6 \
    actor_rollout_ref.actor.use_kl_loss=True \
    actor_rollout_ref.actor.kl_loss_coef=0.005 \
    actor_rollout_ref.rollout.log_prob_micro_batch_size_per_gpu=16 \
    actor_rollout_ref.ref.log_prob_micro_batch_size_per_gpu=16 \
    reward_model.reward_manager=batch \
    custom_reward_function.path="$(dirname "$0")/coreward_reward.py" \
    custom_reward_function.name=compute_score \
    +custom_reward_function.reward_kwargs.url="$COREWARD" \
    +custom_reward_function.reward_kwargs.timeout=300 \
    trainer.n_gpus_per_node=4 \
    trainer.nnodes=1 \
    trainer.total_epochs=3
