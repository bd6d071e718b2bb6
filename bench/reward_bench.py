#!/usr/bin/env python3
"""Latency of one 2,048-rollout /v1/reward request against the same work in a Python loop.

The batch is the standard step batch: 128 groups x 2 views x 8 real Qwen2.5-Math responses (drawn with a
fixed seed from ../shared/data/rollouts/math_qwen25math_instruct_n8.jsonl). Both sides run in this one
command on this machine: the real `coreward` binary over loopback HTTP (request bytes prepared in
advance, one keep-alive connection), and the reference's extraction + `collections.Counter` vote in one
Python process (tests/integration/reference.py), with and without decoding the same JSON body.

    make bench            # or: python3 bench/reward_bench.py [--iterations 50] [--binary PATH]
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


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--iterations", type=int, default=50)
    parser.add_argument("--binary", default=str(REPO / ".build" / "release" / "coreward"))
    args = parser.parse_args()

    request = build_batch()
    body = json.dumps(request).encode()
    rollouts = sum(len(v["responses"]) for g in request["groups"] for v in g["views"])
    process, port = start_server(args.binary)
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

        def post():
            connection.request("POST", "/v1/reward", body=body, headers={"Content-Type": "application/json"})
            response = connection.getresponse()
            payload = response.read()
            assert response.status == 200, payload[:300]
            return payload

        answer = json.loads(post())
        expected = python_reference(request)  # sanity: the server computes the reference's numbers
        for group, (l0, r0, _, l1, r1, _) in zip(answer["groups"], expected):
            assert group["views"][0]["pseudo_label"] == l0 and group["views"][0]["rewards"] == r0
            assert group["views"][1]["pseudo_label"] == l1 and group["views"][1]["rewards"] == r1
        for _ in range(5):
            post()
        server = summary(timed(post, args.iterations))
        math_body = json.dumps({**request, "equivalence": "math"}).encode()

        def post_math():
            connection.request("POST", "/v1/reward", body=math_body, headers={"Content-Type": "application/json"})
            response = connection.getresponse()
            assert response.status == 200
            return response.read()

        server_math = summary(timed(post_math, args.iterations))
        connection.close()
    finally:
        process.terminate()
        process.wait(timeout=30)

    python_loop = summary(timed(lambda: python_reference(request), args.iterations))
    python_with_json = summary(timed(lambda: python_reference(json.loads(body)), args.iterations))

    print(f"batch: {len(request['groups'])} groups x 2 views x 8 = {rollouts} rollouts, {len(body) / 1e6:.2f} MB body, "
          f"{args.iterations} iterations, {os.cpu_count()} CPUs")
    print(f"{'what':62} {'median ms':>10} {'p90 ms':>8} {'min ms':>8}")
    rows = [("coreward POST /v1/reward, exact (HTTP, loopback, end to end)", server),
            ("coreward POST /v1/reward, math equivalence (the default)", server_math),
            ("Python loop: reference extraction + Counter vote + GRPO", python_loop),
            ("Python: json.loads(body) + the same loop", python_with_json)]
    for name, row in rows:
        print(f"{name:62} {row['median']:10.2f} {row['p90']:8.2f} {row['min']:8.2f}")
    print(f"ratio (Python loop / coreward request, medians): {python_loop['median'] / server['median']:.2f}x; "
          f"with json.loads: {python_with_json['median'] / server['median']:.2f}x")


if __name__ == "__main__":
    main()
