#!/usr/bin/env python3
"""Replays runs made of real rollouts through /v1/reward and reports when coreward's collapse verdict fires.

Each step is a Co-Reward batch of 64 MATH questions x 2 views x 8 responses, drawn (seeded) from the real
Qwen2.5-Math rollouts in ../shared/data/rollouts/math_qwen25math_instruct_n8.jsonl: the second view is a second draw
of the same question's responses (the data has no rollouts of rephrased questions; a second draw of one policy on
one question is what Co-Reward's two views look like to the server when the rephrasing keeps the answer). Each
group carries the question's ground truth, as a trainer may send it for diagnostics.

Runs:
- healthy: 500 steps of such batches;
- constant: after 10 healthy steps, a growing share s of the responses (1 point more per step) answer one constant
  (`\\boxed{42}` appended) whatever the question;
- empty: the same share of responses lose every `\\boxed` (no answer);
- short: the same share shrink to their last box (a few tokens);
- split: the same share of groups agree within each view but not across (each view's responses all end in a
  view-specific answer).

For each, it reports false alarms (healthy: steps whose verdict is not `healthy`) or the share s at the first
`warning` and the first `collapse_suspected`.

    make bench-collapse        # or: python3 bench/collapse_replay.py [--binary PATH] [--steps 500]
"""
import argparse
import json
import os
import pathlib
import random
import sys
import urllib.request

REPO = pathlib.Path(__file__).resolve().parents[1]
SHARED = pathlib.Path(os.environ.get("COREWARD_SHARED", REPO.parent / "shared"))
sys.path.insert(0, str(REPO / "bench"))
from coreward_process import start_server  # noqa: E402

GROUPS, ROLLOUTS, WARMUP = 64, 8, 10


def load_problems():
    path = SHARED / "data" / "rollouts" / "math_qwen25math_instruct_n8.jsonl"
    return [json.loads(line) for line in open(path, encoding="utf-8")]


def last_box(text):
    """The text from the last \\boxed to the end (what a response shrunk to a few tokens keeps)."""
    at = text.rfind("\\boxed")
    return text[at:] if at >= 0 else text[-20:]


def corrupt(kind, response, rng, share):
    if rng.random() >= share:
        return response
    if kind == "constant":
        return response + "\n\nThe answer is \\boxed{42}."
    if kind == "empty":
        return response.replace("\\boxed", "")
    if kind == "short":
        return last_box(response)
    return response


def batch(problems, rng, kind, share):
    groups = []
    for index, problem in enumerate(rng.sample(problems, GROUPS)):
        views = [[rng.choice(problem["responses"]) for _ in range(ROLLOUTS)] for _ in range(2)]
        if kind == "split" and rng.random() < share:
            views = [[response + f"\n\nSo the answer is \\boxed{{{1000 * (v + 1) + index}}}." for response in view]
                     for v, view in enumerate(views)]
        else:
            views = [[corrupt(kind, response, rng, share) for response in view] for view in views]
        groups.append({"id": problem["id"], "label": problem["answer"], "views": [{"responses": v} for v in views]})
    return {"mode": "co_reward", "equivalence": "math", "groups": groups}


def post(port, path, body):
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=120) as response:
        return json.load(response)


def get(port, path):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as response:
        return json.load(response)


def replay(port, problems, run, kind, steps, seed):
    """Feeds `steps` steps of run `run`; returns the share of corruption at each step (0 for healthy ones)."""
    rng = random.Random(seed)
    shares = []
    for step in range(steps):
        share = 0.0 if kind == "healthy" else max(0.0, (step - WARMUP + 1) / 100)
        body = batch(problems, rng, kind, min(1.0, share))
        body["run"] = run
        post(port, "/v1/reward", body)
        shares.append(min(1.0, share))
    return shares


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=str(REPO / ".build" / "release" / "coreward"))
    parser.add_argument("--steps", type=int, default=500, help="steps of the healthy run")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", action="store_true", help="print the results as one JSON object")
    args = parser.parse_args()
    problems = load_problems()
    process, port = start_server(args.binary, "--max-runs", "8", "--run-history-steps", str(max(args.steps, 200)))
    results = {}
    try:
        for kind, steps in [("healthy", args.steps), ("constant", WARMUP + 100), ("empty", WARMUP + 100),
                            ("short", WARMUP + 100), ("split", WARMUP + 100)]:
            run = f"replay-{kind}"
            shares = replay(port, problems, run, kind, steps, args.seed)
            history = get(port, f"/v1/runs/{run}")
            verdicts = [step["verdict"] for step in history["steps"]]
            first = {}
            for state in ("warning", "collapse_suspected"):
                hit = next((i for i, v in enumerate(verdicts)
                            if v == state or (state == "warning" and v == "collapse_suspected")), None)
                first[state] = None if hit is None else shares[hit]
            reasons = next((step["reasons"] for step in history["steps"] if step["verdict"] == "collapse_suspected"), [])
            results[kind] = {"steps": len(verdicts), "alarms": sum(v != "healthy" for v in verdicts),
                             "first_warning_share": first["warning"],
                             "first_collapse_share": first["collapse_suspected"], "first_collapse_reasons": reasons}
    finally:
        process.terminate()
        process.wait(timeout=30)
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(f"{'run':10} {'steps':>6} {'alarms':>7} {'warning at':>11} {'collapse at':>12}  first reason")
    for kind, r in results.items():
        def share(value):
            return "-" if value is None else f"{100 * value:.0f}%"
        reason = r["first_collapse_reasons"][0] if r["first_collapse_reasons"] else ""
        print(f"{kind:10} {r['steps']:>6} {r['alarms']:>7} {share(r['first_warning_share']):>11} "
              f"{share(r['first_collapse_share']):>12}  {reason[:90]}")


if __name__ == "__main__":
    main()
