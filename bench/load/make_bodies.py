#!/usr/bin/env python3
"""Request bodies for bench/load.sh, written to the directory given:

  reward_2048.json  the standard step batch of bench/reward_bench.py: 128 groups x 2 views x 8 real
                    Qwen2.5-Math rollouts (fixed seed), co_reward, exact, binary, GRPO advantages (2.6 MB)
  vote_small.json   a small /v1/vote: 4 groups x 8 real rollouts
  embed_64.json     /v1/embed of 64 real rollouts (two full 256-token batches of 32)
"""
import json
import pathlib
import random
import sys

REPO = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "bench"))
from reward_bench import SHARED, build_batch  # noqa: E402

out = pathlib.Path(sys.argv[1])
out.mkdir(parents=True, exist_ok=True)
(out / "reward_2048.json").write_text(json.dumps(build_batch()))
problems = [json.loads(line) for line in
            open(SHARED / "data" / "rollouts" / "math_qwen25math_instruct_n8.jsonl", encoding="utf-8")]
rng = random.Random(1)
(out / "vote_small.json").write_text(json.dumps({"groups": [
    {"id": p["id"], "responses": p["responses"][:8]} for p in rng.sample(problems, 4)]}))
# /v1/embed of 64 long texts (each past the encoder's 256 tokens): two full batches of 32, the encoder's
# largest working set per worker (the 256-text maximum only takes longer)
texts = [r for p in problems for r in p["responses"]][:64]
(out / "embed_64.json").write_text(json.dumps({"texts": texts}))
