"""Co-Reward with TRL's GRPOTrainer (TRL 1.x) and coreward: an async reward function that sends each completion to
POST /get_reward; the server gathers each question's group across all training processes.

The dataset holds one row per view (view 0 the original question, view 1 a rephrasing) with the columns
pair_id and view. Both views of a question must be generated in the same generation batch, so the rows of
a pair are consecutive, shuffle_dataset=False, and generation_batch_size / num_generations (prompts per
generation batch: per_device_train_batch_size x processes / num_generations here) is a multiple of the number
of views. co_reward_func raises BatchShapeError at the first step when that does not hold. Every process must
reach the same coreward replica (the assembly buffer is per replica). --eval: questions scored by ground truth
(rows without pair_id, docs/trl.md "Evaluation"); TRL logs rewards/co_reward/mean and co_reward/*.

    COREWARD_URL=http://host:8080 accelerate launch train_grpo.py --pairs train_pairs.jsonl [--eval test.jsonl]
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


def load_eval(path: str) -> Dataset:
    """One row per question, without pair_id: co_reward_func scores these by ground truth (column "answer")."""
    with open(path, encoding="utf-8") as source:
        items = [json.loads(line) for line in source if line.strip()]
    return Dataset.from_list([{"prompt": [{"role": "user", "content": item["original"] + INSTRUCTION}],
                               "answer": str(item["answer"])} for item in items])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pairs", required=True)
    parser.add_argument("--model", default="Qwen/Qwen2.5-Math-1.5B")
    parser.add_argument("--url", default=None, help="coreward (default: COREWARD_URL)")
    parser.add_argument("--eval", default=None, help="JSONL of {original, answer}: evaluation by ground truth")
    args = parser.parse_args()

    config = GRPOConfig(
        output_dir="coreward-grpo",
        num_generations=NUM_GENERATIONS,
        per_device_train_batch_size=2 * NUM_GENERATIONS,  # 2 prompts (one pair) per process per generation batch
        shuffle_dataset=False,                             # keep the two rows of a pair in the same batch
        max_completion_length=3072,
        learning_rate=3e-6,
        beta=0.005,
        bf16=True,
        logging_steps=1,
        eval_strategy="steps" if args.eval else "no",
        eval_steps=50,
        per_device_eval_batch_size=2 * NUM_GENERATIONS,
    )
    reward = co_reward_func(url=args.url, n=NUM_GENERATIONS, views=2, label_column="answer", timeout=300.0)
    trainer = GRPOTrainer(model=args.model, reward_funcs=[reward], args=config, train_dataset=load_pairs(args.pairs),
                          eval_dataset=load_eval(args.eval) if args.eval else None)
    trainer.train()


if __name__ == "__main__":
    main()
