"""Writes an OpenRLHF prompt dataset for Co-Reward: two rows per question (the original and a rephrasing), each
with a label that is the JSON text {"pair_id", "view", "n", "views", "label"} coreward's POST /get_reward reads.

The two rows of a question are written next to each other, view 0 first, and the questions are shuffled once,
here (--seed), instead of by the trainer. That keeps a pair in one rollout step only when OpenRLHF reads the rows
in order: stock OpenRLHF shuffles every row on its own (no flag turns it off), so apply
keep_pairs_openrlhf_0.11.patch (docs/openrlhf.md, "Shuffling"), and keep --rollout.batch_size even.

Input: JSONL rows {"id", "original", "rephrased", "answer"} (as ../shared/data/math/train_pairs.jsonl); a row
without "rephrased" gets one from coreward's POST /v1/augment (rules backend), when the validator accepts it.

    python prepare_data.py --input train_pairs.jsonl --output coreward_openrlhf.jsonl --n 8 --url http://host:8080
"""
import argparse
import json
import random

from coreward_client import Client

INSTRUCTION = " Please reason step by step, and put your final answer within \\boxed{}."


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--input", required=True)
    parser.add_argument("--output", required=True)
    parser.add_argument("--n", type=int, default=8,
                        help="rollouts per prompt: --rollout.n_samples_per_prompt (0.9.x-0.10.1: --n_samples_per_prompt)")
    parser.add_argument("--seed", type=int, default=0, help="the one shuffle of the questions")
    parser.add_argument("--url", default=None, help="coreward, for rephrasing rows that have none")
    parser.add_argument("--keep-answer", action="store_true",
                        help="put the ground truth in the label, for the label_correct diagnostic only")
    args = parser.parse_args()

    client = Client(args.url)
    with open(args.input, encoding="utf-8") as source:
        items = [json.loads(line) for line in source if line.strip()]
    random.Random(args.seed).shuffle(items)
    written = skipped = 0
    with open(args.output, "w", encoding="utf-8") as out:
        for row in items:
            rephrased = row.get("rephrased")
            if not rephrased:
                variant = client.augment([row["original"]], n=1, seed=0)["items"][0]["variants"][0]
                if not variant["accepted"]:
                    skipped += 1
                    continue
                rephrased = variant["text"]
            for view, question in enumerate((row["original"], rephrased)):
                label = {"pair_id": str(row["id"]), "view": view, "n": args.n, "views": 2}
                if args.keep_answer and row.get("answer") is not None:
                    label["label"] = str(row["answer"])
                out.write(json.dumps({"input": question + INSTRUCTION, "label": json.dumps(label)},
                                     ensure_ascii=False) + "\n")
                written += 1
    print(f"wrote {written} rows ({written // 2} questions), skipped {skipped} without an accepted rephrasing")


if __name__ == "__main__":
    main()
