#!/usr/bin/env bash
# verl 0.6.x (0.6.1) GRPO with Co-Reward rewards from coreward through verl's batch reward manager: BatchRewardManager
# calls coreward_client.verl.compute_score(data_sources=, solution_strs=, ground_truths=, extra_infos=,
# **reward_kwargs) once per batch; rows with extra_info pair_id/view are scored as Co-Reward pairs in one
# POST /v1/reward (each view's rollouts in UTF-8 byte order, as /get_reward does), the others (the validation set)
# against reward_model.ground_truth. custom_reward_function.path must be a file path on 0.6.x.
# verl 0.7.0: run_batch_reward_0.7.0.sh. verl 0.7.1 and later never call a batch function: run_reward_loop.sh.
#
#   python3 prepare_data.py --input train_pairs.jsonl --output "$HOME/data/coreward/train.parquet"
#   COREWARD_URL=http://HOST:8080 bash run_batch_reward.sh
#
# data.shuffle=False with an even train_batch_size keeps both rows of a pair in one batch (a pair with one view in
# a batch raises ValueError).
set -euo pipefail

COREWARD_URL=${COREWARD_URL:?set COREWARD_URL to the coreward address, e.g. http://127.0.0.1:8080}
MODEL_PATH=${MODEL_PATH:-Qwen/Qwen2.5-Math-1.5B}
DATA_DIR=${DATA_DIR:-$HOME/data/coreward}
ROLLOUT_N=${ROLLOUT_N:-8}
HERE=$(cd "$(dirname "$0")" && pwd)

python3 -m verl.trainer.main_ppo \
    algorithm.adv_estimator=grpo \
    data.train_files="$DATA_DIR/train.parquet" \
    data.val_files="$DATA_DIR/test.parquet" \
    data.shuffle=False \
    data.train_batch_size=128 \
    data.max_prompt_length=512 \
    data.max_response_length=3072 \
    actor_rollout_ref.model.path="$MODEL_PATH" \
    actor_rollout_ref.rollout.name=vllm \
    actor_rollout_ref.rollout.n="$ROLLOUT_N" \
    actor_rollout_ref.actor.ppo_mini_batch_size=128 \
    actor_rollout_ref.actor.ppo_micro_batch_size_per_gpu=16 \
    actor_rollout_ref.actor.optim.lr=3e-6 \
    actor_rollout_ref.actor.use_kl_loss=True \
    actor_rollout_ref.actor.kl_loss_coef=0.005 \
    actor_rollout_ref.rollout.log_prob_micro_batch_size_per_gpu=16 \
    actor_rollout_ref.ref.log_prob_micro_batch_size_per_gpu=16 \
    reward_model.reward_manager=batch \
    custom_reward_function.path="$HERE/coreward_reward.py" \
    custom_reward_function.name=compute_score \
    +custom_reward_function.reward_kwargs.url="$COREWARD_URL" \
    +custom_reward_function.reward_kwargs.timeout=300 \
    trainer.n_gpus_per_node=4 \
    trainer.nnodes=1 \
    trainer.total_epochs=3
