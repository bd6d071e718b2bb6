#!/usr/bin/env python3
"""Latency of one 2,048-rollout /v1/reward request against the same work in a Python loop.

The batch is the standard step batch: 128 groups x 2 views x 8 real Qwen2.5-Math responses (drawn with a
fixed seed from ../shared/data/rollouts/math_qwen25math_instruct_n8.jsonl). Both sides run in this one
command on this machine: the real `coreward` binary over loopback HTTP (request bytes prepared in
advance, one keep-alive connection), and the reference's extraction + `collections.Counter` vote in one
Python process (tests/integration/reference.py), with and without decoding the same JSON body; and, for math
equivalence, the same step in Python with Math-Verify (bench/mathverify_step.py). The server's own account of its
time (Server-Timing) is reported per phase, and the same body refused right after parsing gives the time the body
takes to come in.

    make bench-reward     # or: python3 bench/reward_bench.py [--iterations 50] [--binary PATH] [--json FILE]
"""
import argparse
import http.client
import json
import os
import pathlib
import random
import statistics
import sys
import time

REPO = pathlib.Path(__file__).resolve().parents[1]
SHARED = pathlib.Path(os.environ.get("COREWARD_SHARED", REPO.parent / "shared"))
sys.path.insert(0, str(REPO / "Tests" / "integration"))
from reference import co_reward_group, grpo  # noqa: E402
from coreward_process import start_server  # noqa: E402


def build_batch(groups=128, views=2, rollouts=8, seed=0):
    problems = [json.loads(line) for line in
                open(SHARED / "data" / "rollouts" / "math_qwen25math_instruct_n8.jsonl", encoding="utf-8")]
    rng = random.Random(seed)
    batch = []
    for g in range(groups):
        problem = rng.choice(problems)
        batch.append({"id": f"{problem['id']}#{g}", "label": problem["answer"],
                      "views": [{"responses": [rng.choice(problem["responses"]) for _ in range(rollouts)]}
                                for _ in range(views)]})
    return {"mode": "co_reward", "equivalence": "exact", "reward": "binary", "advantage": "grpo", "groups": batch}



def python_reference(request):
    out = []
    for group in request["groups"]:
        v0, v1 = (view["responses"] for view in group["views"])
        (a0, l0, r0), (a1, l1, r1) = co_reward_group(v0, v1)
        out.append((l0, r0, grpo(r0), l1, r1, grpo(r1)))
    return out


def timed(function, iterations):
    samples = []
    for _ in range(iterations):
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def summary(samples):
    ordered = sorted(samples)
    return {"median": statistics.median(ordered), "p90": ordered[int(0.9 * (len(ordered) - 1))], "min": ordered[0]}


def phases(response):
    """Server-Timing's metrics of a response, in ms by name."""
    metrics = {}
    for item in (response.getheader("Server-Timing") or "").split(","):
        name, _, duration = item.strip().partition(";dur=")
        if duration:
            metrics[name] = float(duration)
    return metrics


def measure(iterations=50, binary=REPO / ".build" / "release" / "coreward"):
    """The standard step through coreward (exact and math) and the Python peers in process, all in ms: medians,
    p90s and minima, and the median of each Server-Timing phase."""
    request = build_batch()
    body = json.dumps(request).encode()
    math_body = json.dumps({**request, "equivalence": "math"}).encode()
    rollouts = sum(len(v["responses"]) for g in request["groups"] for v in g["views"])
    process, port = start_server(binary)
    results = {"rollouts": rollouts, "body_mb": len(body) / 1e6, "iterations": iterations, "cpus": os.cpu_count()}
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

        def post(payload, timings, status=200):
            connection.request("POST", "/v1/reward", body=payload, headers={"Content-Type": "application/json"})
            response = connection.getresponse()
            answer = response.read()
            assert response.status == status, answer[:300]
            timings.append(phases(response))
            return answer

        answer = json.loads(post(body, []))
        expected = python_reference(request)  # sanity: the server computes the reference's numbers
        for group, (l0, r0, _, l1, r1, _) in zip(answer["groups"], expected):
            assert group["views"][0]["pseudo_label"] == l0 and group["views"][0]["rewards"] == r0
            assert group["views"][1]["pseudo_label"] == l1 and group["views"][1]["rewards"] == r1
        for name, payload in (("exact", body), ("math", math_body)):
            for _ in range(5):
                post(payload, [])
            timings = []
            results[name] = summary(timed(lambda: post(payload, timings), iterations))
            results[name]["phases"] = {key: statistics.median(t.get(key, 0) for t in timings) for key in timings[0]}
        # The same body refused right after parsing (an unknown top-level field): its time outside the server is
        # the body's way in, with a 200-byte answer back.
        refused = json.dumps({**request, "unknown": 1}).encode()
        timings = []
        results["refused"] = summary(timed(lambda: post(refused, timings, 400), iterations))
        results["refused"]["phases"] = {key: statistics.median(t.get(key, 0) for t in timings) for key in timings[0]}
        connection.close()
    finally:
        process.terminate()
        process.wait(timeout=30)
    results["python_loop"] = summary(timed(lambda: python_reference(request), iterations))
    results["python_json"] = summary(timed(lambda: python_reference(json.loads(body)), iterations))
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--iterations", type=int, default=50)
    parser.add_argument("--binary", default=str(REPO / ".build" / "release" / "coreward"))
    parser.add_argument("--mathverify-iterations", type=int, default=3,
                        help="steps of the Python + Math-Verify peer (bench/mathverify_step.py); 0 to skip it")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()
    results = measure(args.iterations, args.binary)
    if args.mathverify_iterations > 0:
        from mathverify_step import measure as mathverify_measure
        results["python_mathverify"] = mathverify_measure(args.mathverify_iterations)
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps(results))
    print(f"batch: 128 groups x 2 views x 8 = {results['rollouts']} rollouts, {results['body_mb']:.2f} MB body, "
          f"{args.iterations} iterations, {results['cpus']} CPUs")
    print(f"{'what':62} {'median ms':>10} {'p90 ms':>8} {'min ms':>8}")
    rows = [("coreward POST /v1/reward, exact (HTTP, loopback, end to end)", results["exact"]),
            ("coreward POST /v1/reward, math equivalence (the default)", results["math"]),
            ("Python loop: reference extraction + Counter vote + GRPO", results["python_loop"]),
            ("Python: json.loads(body) + the same loop", results["python_json"])]
    for name, row in rows:
        print(f"{name:62} {row['median']:10.2f} {row['p90']:8.2f} {row['min']:8.2f}")
    if "python_mathverify" in results:
        mv = results["python_mathverify"]
        print(f"{'Python + Math-Verify step (bench/mathverify_step.py)':62} {mv['median_ms']:10.2f} {'':8} "
              f"{mv['min_ms']:8.2f}")
    refused = results["refused"]
    print(f"the same body refused after parsing: {refused['median']:.2f} ms end to end, of which the server "
          f"{refused['phases'].get('app', 0):.2f} ms")
    for name in ("exact", "math"):
        print(f"coreward {name} Server-Timing medians (ms): "
              + ", ".join(f"{k} {v:.3f}" for k, v in results[name]["phases"].items()))
    print(f"ratio (Python loop / coreward exact, medians): {results['python_loop']['median'] / results['exact']['median']:.2f}x; "
          f"with json.loads: {results['python_json']['median'] / results['exact']['median']:.2f}x")
    if "python_mathverify" in results:
        print(f"ratio (Python + Math-Verify / coreward math, medians): "
              f"{results['python_mathverify']['median_ms'] / results['math']['median']:.0f}x")


if __name__ == "__main__":
    main()
