#!/usr/bin/env python3
"""Writes seed corpora for the fuzz targets from the shared data: real responses (extraction), labelled
answer pairs (equivalence) and small request bodies (requests). Usage: fuzz-seeds.py SHARED OUT."""
import json
import pathlib
import sys

shared, out = pathlib.Path(sys.argv[1]) / "data", pathlib.Path(sys.argv[2])


def lines(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def write(target, items):
    folder = out / f"seeds-{target}"
    folder.mkdir(parents=True, exist_ok=True)
    for index, item in enumerate(items):
        (folder / f"{index:05d}").write_bytes(item if isinstance(item, bytes) else item.encode())


math = lines(shared / "rollouts" / "math_qwen25math_instruct_n8.jsonl")
gsm8k = lines(shared / "rollouts" / "gsm8k_open_models_5x_greedy.jsonl")[:40]
responses = [r for p in math[:30] for r in p["responses"][:3]] + [r[-400:] for p in gsm8k for r in p["responses"]]
write("FuzzExtraction", responses)

pairs = []
for path in sorted((shared / "equivalence").glob("*.jsonl")):
    for row in lines(path):
        pairs.append(row["gold"][:2000] + "\x1f" + row["pred"][:2000])
write("FuzzEquivalence", pairs)

bodies = []
for p in math[:20]:
    views = [{"responses": [r[-300:] for r in p["responses"][:4]]}, {"responses": [r[-300:] for r in p["responses"][4:]]}]
    bodies.append(b"\x00" + json.dumps({"advantage": "grpo", "groups": [{"id": p["id"], "views": views, "label": p["answer"]}]}).encode())
    bodies.append(b"\x01" + json.dumps({"extract": "lenient", "groups": [{"responses": p["responses"][:3]}]}).encode())
    bodies.append(b"\x02" + json.dumps({"responses": [r[-200:] for r in p["responses"][:2]]}).encode())
    bodies.append(b"\x03" + json.dumps({"pairs": [{"a": p["answer"], "b": p["answer"] + " "}]}).encode())
    # /get_reward: a whole pair as one batch shard (Co-Reward JSON labels), and ground-truth samples.
    prompts = ["<|user|>" + p["question"][:200] + "<|assistant|>", "<|user|>Rephrased<|assistant|>"]
    samples = [(prompts[v], r[-300:], json.dumps({"pair_id": p["id"], "view": v, "n": 4}))
               for v in (0, 1) for r in p["responses"][v * 4:(v + 1) * 4]]
    bodies.append(b"\x04" + json.dumps({"query": [q + r for q, r, _ in samples], "prompts": [q for q, _, _ in samples],
                                         "labels": [label for _, _, label in samples]}).encode())
    bodies.append(b"\x04" + json.dumps({"query": [prompts[0] + r[-300:] for r in p["responses"][:2]],
                                         "prompts": [prompts[0]] * 2, "labels": [p["answer"]] * 2}).encode())
write("FuzzRequests", bodies)
