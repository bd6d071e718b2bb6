#!/usr/bin/env bash
# Co-Reward with OpenRLHF 0.11.x (flag names of 0.10.2 and later; docs/openrlhf.md has the 0.9.x-0.10.1 names).
#
# OpenRLHF posts every sample to --reward.remote_url as {"query": [prompt+response], "prompts": [prompt],
# "labels": [label]} (openrlhf/utils/agent.py, SingleTurnAgentExecutor). coreward's /get_reward holds a
# Co-Reward sample until all views x n samples of its pair have arrived, then scores the group.
#
# Before you run it (docs/openrlhf.md says why):
# - ONE URL. The group-assembly buffer lives in one coreward process, and 0.11.2 sends each sample to the next
#   URL of a comma-separated list in turn, which splits every group. Give one replica (or one nginx in front of
#   replicas, routing /get_reward to one of them at a time, docker/nginx.conf).
# - Keep a pair's rows in one rollout step. OpenRLHF shuffles the prompt rows (hard-coded); apply
#   keep_pairs_openrlhf_0.11.patch to the installed openrlhf on every node, keep --rollout.batch_size even, and
#   do not use --algo.dynamic_filtering (it refills one prompt at a time, which splits pairs).
# - coreward serve: --assembly-timeout-seconds below 180 (OpenRLHF's request timeout; above it OpenRLHF
#   retries instead of waiting) and --assembly-max-waiting >= --rollout.batch_size x --rollout.n_samples_per_prompt
#   (here 128 x 8 = 1024; the default is 4096).
set -euo pipefail

COREWARD=${COREWARD:-http://coreward-0:8080}
N=8

args=(
   --ref.num_nodes 1 --ref.num_gpus_per_node 4
   --actor.num_nodes 1 --actor.num_gpus_per_node 4
   --vllm.num_engines 4 --vllm.tensor_parallel_size 1
   --train.colocate_all --vllm.enable_sleep --ds.enable_sleep
   --actor.model_name_or_path Qwen/Qwen2.5-Math-1.5B
   --reward.remote_url "$COREWARD/get_reward"
   --data.prompt_dataset coreward_openrlhf.jsonl --data.input_key input --data.label_key label
   --data.apply_chat_template
   --rollout.n_samples_per_prompt "$N"
   --algo.advantage.estimator group_norm
   --rollout.batch_size 128 --rollout.micro_batch_size 16
   --train.batch_size 128 --train.micro_batch_size 8
   --data.max_len 3584 --rollout.max_new_tokens 3072
   --actor.adam.lr 3e-6 --algo.kl.init_coef 0.005 --algo.kl.use_loss --algo.kl.estimator k3
   --ds.zero_stage 3 --ds.param_dtype bf16 --actor.gradient_checkpointing_enable
   --ckpt.output_dir ./ckpt/coreward-qwen2.5-math-1.5b
)
if [ "${PRINT_ARGS:-0}" = 1 ]; then  # Tests/trainers parses these with OpenRLHF's own parser
    printf '%s\n' "${args[@]}"
    exit 0
fi

python prepare_data.py --input train_pairs.jsonl --output coreward_openrlhf.jsonl --n "$N" --url "$COREWARD"

ray job submit --address="http://127.0.0.1:8265" \
   --runtime-env-json='{"working_dir": "."}' \
   -- python3 -m openrlhf.cli.train_ppo_ray "${args[@]}"
