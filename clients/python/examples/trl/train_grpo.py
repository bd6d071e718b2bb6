"""Co-Reward with TRL's GRPOTrainer and coreward: an async reward function that sends each completion to
POST /get_reward; the server gathers each question's group across all training processes.

The dataset holds one row per view (view 0 the original question, view 1 a rephrasing) with the columns
pair_id and view. Both views of a question must be generated in the same generation batch, so the rows of
a pair are consecutive, shuffle_dataset=False, and generation_batch_size / num_generations is a multiple of
the number of views. Every process must reach the same coreward replica (the assembly buffer is per replica).

    COREWARD_URL=http://host:8080 accelerate launch train_grpo.py --pairs train_pairs.jsonl
"""
import argparse
import json
import random

from datasets import Dataset
from trl import GRPOConfig, GRPOTrainer

from coreward_client.trl import co_reward_func

NUM_GENERATIONS = 8
INSTRUCTION = " Please reason step by step, and put your final answer within \\boxed{}."


def load_pairs(path: str, seed: int = 0) -> Dataset:
    """Two consecutive rows per question; the pairs themselves shuffled once, here, instead of by the trainer."""
    with open(path, encoding="utf-8") as source:
        items = [json.loads(line) for line in source if line.strip()]
    random.Random(seed).shuffle(items)
    rows = []
    for item in items:
        for view, question in enumerate((item["original"], item["rephrased"])):
            rows.append({"prompt": [{"role": "user", "content": question + INSTRUCTION}],
                         "pair_id": str(item["id"]), "view": view, "answer": str(item.get("answer", ""))})
    return Dataset.from_list(rows)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pairs", required=True)
    parser.add_argument("--model", default="Qwen/Qwen2.5-Math-1.5B")
    parser.add_argument("--url", default=None, help="coreward (default: COREWARD_URL)")
    args = parser.parse_args()

    config = GRPOConfig(
        output_dir="coreward-grpo",
        num_generations=NUM_GENERATIONS,
        per_device_train_batch_size=16,
        generation_batch_size=16 * NUM_GENERATIONS,  # 16 prompts = 8 questions x 2 views per generation batch
        shuffle_dataset=False,                        # keep the two rows of a pair in the same batch
        max_completion_length=3072,
        learning_rate=3e-6,
        beta=0.005,
        bf16=True,
        logging_steps=1,
    )
    reward = co_reward_func(url=args.url, n=NUM_GENERATIONS, views=2, label_column="answer", timeout=300.0)
    trainer = GRPOTrainer(model=args.model, reward_funcs=[reward], args=config, train_dataset=load_pairs(args.pairs))
    trainer.train()


if __name__ == "__main__":
    main()
