#!/usr/bin/env python3
"""The peer of a math-mode `/v1/reward` step: the same 2,048-rollout batch scored in Python with Math-Verify as the
equivalence, in one process, no HTTP. Per group: the reference's extraction (last `\\boxed{}`,
Tests/integration/reference.py); the answers of both views sorted into classes, each distinct text parsed once by
`math_verify.parse` (as `\\boxed{answer}`) and joined to the first class whose representative `verify` finds equal;
each view's pseudo-label the most common class of the other view (ties to the first seen); reward 1 where a rollout
is in its label's class; GRPO advantages. Math-Verify runs in its own virtualenv (bench/equivalence_bench.py makes it).

    python3 bench/mathverify_step.py [--iterations 3] [--json FILE]
"""
import argparse
import json
import pathlib
import statistics
import subprocess
import sys
import tempfile

REPO = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))
from equivalence_bench import mathverify_python  # noqa: E402
from reward_bench import build_batch  # noqa: E402

WORKER = r'''
import json, logging, sys, time
from collections import Counter
from importlib.metadata import version
sys.path.insert(0, sys.argv[1])
from reference import extract_answer, grpo
from math_verify import parse, verify

logging.getLogger("math_verify").setLevel(logging.ERROR)


def classify(answers):
    """Class of each answer (None when it does not vote), each distinct text parsed once."""
    representatives, known, classes = [], {}, []
    for answer in answers:
        if answer is None or answer.strip() == "":
            classes.append(None)
            continue
        if answer not in known:
            parsed = parse("\\boxed{" + answer + "}")
            for k, representative in enumerate(representatives):
                if verify(representative, parsed):
                    known[answer] = k
                    break
            else:
                representatives.append(parsed)
                known[answer] = len(representatives) - 1
        classes.append(known[answer])
    return classes


def score(group):
    views = [[extract_answer(r) for r in view["responses"]] for view in group["views"]]
    classes = classify([a for view in views for a in view])
    per_view, start = [], 0
    for view in views:
        per_view.append(classes[start:start + len(view)])
        start += len(view)
    out = []
    for v, own in enumerate(per_view):
        others = [c for w, cs in enumerate(per_view) if w != v for c in cs if c is not None]
        label = Counter(others).most_common(1)[0][0] if others else None
        rewards = [1.0 if c is not None and c == label else 0.0 for c in own]
        out.append((label, rewards, grpo(rewards)))
    return out


# Warm up on another batch (the parser's first use loads its grammar), then score the batch once: a second pass
# would find Math-Verify's and SymPy's caches full of this batch's answers.
for group in json.load(open(sys.argv[3]))["groups"]:
    score(group)
batch = json.load(open(sys.argv[2]))
start = time.perf_counter()
for group in batch["groups"]:
    score(group)
print(json.dumps({"ms": (time.perf_counter() - start) * 1000,
                  "math-verify": version("math-verify"), "sympy": version("sympy")}))
'''


def measure(iterations=3):
    """Runs the worker `iterations` times in Math-Verify's virtualenv, a fresh process each time (warmed up on
    another batch of the same rollouts); the median and the fastest step, in ms."""
    python = mathverify_python(fresh=False)
    samples, result = [], {}
    with tempfile.TemporaryDirectory(prefix="coreward-mvstep-") as folder:
        folder = pathlib.Path(folder)
        (folder / "worker.py").write_text(WORKER)
        (folder / "batch.json").write_text(json.dumps(build_batch()))
        (folder / "warmup.json").write_text(json.dumps(build_batch(groups=16, seed=99)))
        for _ in range(iterations):
            done = subprocess.run([str(python), str(folder / "worker.py"), str(REPO / "Tests" / "integration"),
                                   str(folder / "batch.json"), str(folder / "warmup.json")],
                                  check=True, capture_output=True, text=True)
            result = json.loads(done.stdout.strip().splitlines()[-1])
            samples.append(result["ms"])
    return {"median_ms": statistics.median(samples), "min_ms": min(samples), "samples_ms": samples,
            "math-verify": result.get("math-verify"), "sympy": result.get("sympy")}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--iterations", type=int, default=3)
    parser.add_argument("--json")
    args = parser.parse_args()
    result = measure(args.iterations)
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps(result))
    print(f"Python + Math-Verify {result['math-verify']} step: median {result['median_ms']:.0f} ms, "
          f"min {result['min_ms']:.0f} ms over {args.iterations} iterations")


if __name__ == "__main__":
    main()
