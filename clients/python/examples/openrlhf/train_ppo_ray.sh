#!/usr/bin/env bash
# Co-Reward with OpenRLHF (v0.9.x flag names; v0.10 renamed them: --reward.remote_url, --data.prompt_dataset,
# --data.input_key, --data.label_key, --data.apply_chat_template, --actor.model_name_or_path, ...).
#
# OpenRLHF posts every sample to --remote_rm_url as {"query": [prompt+response], "prompts": [prompt],
# "labels": [label]} (openrlhf/utils/agent.py, _fetch_rewards_via_http). coreward's /get_reward holds a
# Co-Reward sample until all `views` x `n` samples of its pair have arrived, then scores the group.
#
# ONE replica: the group-assembly buffer lives in one coreward process. Point --remote_rm_url at a single
# replica, or at a load balancer that routes by pair id (all of a pair's samples to the same replica);
# a round-robin balancer splits groups, and they are scored only at the assembly timeout
# (extra_logs group_complete = 0, assembly_timeout = 1).
#
# Both views of a question must be generated in the same rollout step, or the first view waits for the
# assembly timeout (--assembly-timeout-seconds, default 120 s). OpenRLHF's prompt dataloader shuffles the
# rows (strategy.setup_dataloader(..., shuffle=True) in openrlhf/trainer/ppo_trainer.py), so this needs a
# dataloader that keeps the two rows of a pair together; watch group_complete in the logs.
set -euo pipefail

COREWARD=${COREWARD:-http://host:8080}
N=8

python prepare_data.py --input train_pairs.jsonl --output coreward_openrlhf.jsonl --n "$N" --url "$COREWARD"

ray job submit --address="http://127.0.0.1:8265" \
   --runtime-env-json='{"working_dir": "."}' \
   -- python3 -m openrlhf.cli.train_ppo_ray \
   --ref_num_nodes 1 --ref_num_gpus_per_node 4 \
   --actor_num_nodes 1 --actor_num_gpus_per_node 4 \
   --vllm_num_engines 4 --vllm_tensor_parallel_size 1 \
   --colocate_all_models --vllm_enable_sleep --deepspeed_enable_sleep \
   --pretrain Qwen/Qwen2.5-Math-1.5B \
   --remote_rm_url "$COREWARD/get_reward" \
   --prompt_data coreward_openrlhf.jsonl --input_key input --label_key label --apply_chat_template \
   --n_samples_per_prompt "$N" \
   --advantage_estimator group_norm \
   --rollout_batch_size 128 --micro_rollout_batch_size 16 \
   --train_batch_size 128 --micro_train_batch_size 8 \
   --max_len 3584 --max_new_tokens 3072 \
   --actor_learning_rate 3e-6 --init_kl_coef 0.005 --use_kl_loss \
   --zero_stage 3 --param_dtype bf16 --gradient_checkpointing \
   --save_path ./ckpt/coreward-qwen2.5-math-1.5b
