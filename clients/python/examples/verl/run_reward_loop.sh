#!/usr/bin/env bash
# verl 0.9.x (also 0.7.1 and 0.8.0: the same keys) GRPO with Co-Reward rewards from coreward, through verl's reward
# loop: RewardLoopWorker builds coreward_client.verl_reward_loop.CoRewardLoopManager and calls its run_single once
# per sample; each sample goes to POST /get_reward with a Co-Reward label built from extra_info {pair_id, view}
# (prepare_data.py writes them), and coreward answers when the whole group (n rollouts x 2 views) has arrived.
# Rows without a pair id (the validation set) are scored against reward_model.ground_truth.
#
#   pip install 'verl[verl-core,vllm]==0.9.1' ./clients/python   # verl-core brings TransferQueue (the v1 trainer)
#   COREWARD_URL=http://HOST:8080 bash run_reward_loop.sh
#
# Notes: the options are +reward.reward_kwargs.* (the "+" is required; verl 0.9 silently ignores the legacy
# reward_model.* and custom_reward_function.* keys). data.shuffle=False with an even train_batch_size keeps both
# rows of a pair in one step. The v1 trainer (trainer.use_v1=True, 0.9's default) gives each sample its step, so
# pair ids are scoped per step.
set -euo pipefail

COREWARD_URL=${COREWARD_URL:?set COREWARD_URL to the coreward address, e.g. http://127.0.0.1:8080}
MODEL_PATH=${MODEL_PATH:-Qwen/Qwen2.5-Math-1.5B}
DATA_DIR=${DATA_DIR:-$HOME/data/coreward}
ROLLOUT_N=${ROLLOUT_N:-8}

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
    reward.reward_manager.source=importlib \
    reward.reward_manager.name=CoRewardLoopManager \
    reward.reward_manager.module.path=pkg://coreward_client.verl_reward_loop \
    +reward.reward_kwargs.url="$COREWARD_URL" \
    +reward.reward_kwargs.timeout=300 \
    +reward.reward_kwargs.views=2 \
    trainer.n_gpus_per_node=4 \
    trainer.nnodes=1 \
    trainer.total_epochs=3
