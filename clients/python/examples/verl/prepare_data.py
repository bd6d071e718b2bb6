"""Writes a verl parquet dataset for Co-Reward: two rows per question (view 0 the original, view 1 a rephrasing),
next to each other, each with extra_info {"pair_id", "view"}, from which every coreward verl adapter builds its
groups.

Input: JSONL rows {"id", "original", "rephrased", "answer"} (as ../shared/data/math/train_pairs.jsonl).
Train with data.shuffle=False and an even data.train_batch_size so both rows of a pair land in the same
step (a pair split between steps raises ValueError in the batch function, and waits for coreward's assembly
timeout in the reward loop, where assembly_timeout then shows it).

    python prepare_data.py --input train_pairs.jsonl --output train_coreward.parquet
"""
import argparse
import json

import pandas as pd

INSTRUCTION = " Let's think step by step and output the final answer within \\boxed{}."


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--input", required=True)
    parser.add_argument("--output", required=True)
    args = parser.parse_args()

    rows = []
    with open(args.input, encoding="utf-8") as source:
        for index, line in enumerate(source):
            if not line.strip():
                continue
            item = json.loads(line)
            for view, question in enumerate((item["original"], item["rephrased"])):
                rows.append({
                    "data_source": "coreward/math",
                    "prompt": [{"role": "user", "content": question + INSTRUCTION}],
                    "ability": "math",
                    # the ground truth is not used for the reward of paired rows, only for diagnostics
                    "reward_model": {"style": "rule", "ground_truth": str(item.get("answer", ""))},
                    "extra_info": {"pair_id": str(item.get("id", index)), "view": view, "index": len(rows)},
                })
    pd.DataFrame(rows).to_parquet(args.output)
    print(f"wrote {len(rows)} rows to {args.output}")


if __name__ == "__main__":
    main()
