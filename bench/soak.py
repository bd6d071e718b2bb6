#!/usr/bin/env python3
"""Soak: 100,000 mixed requests against one release server from a few client threads; resident memory (VmRSS of
the server process) sampled at 0%, 10%, 50%, 90% and 100% of the requests, and errors counted (any status but the
expected 2xx). Issue 18's goal: under 250 MB after, and the last 10% of the requests adding under 5 MB.

The mix, per 1,000 requests: 380 GET /healthz, 200 small /v1/vote (4 groups x 8 real rollouts), 150 small
/v1/reward (4 groups x 2 views x 8), 100 /v1/extract (16 rollouts), 100 /v1/equivalent, 60 /get_reward (one
Co-Reward group of 2 views x 4 samples, answered at once), 8 large /v1/reward (the 2.6 MB standard step,
128 x 2 x 8), 1 /v1/reward of 25 MB, 1 /v1/embed of 64 rollouts; and every 5,000th request a /v1/embed at its
limits (256 texts, --max-texts, of 65,536 bytes each, --max-text-bytes: a 16 MiB body, 256 tokens a text; about
10 s of encoder work on 2 cores, hence not one per thousand).

    make soak     # or: python3 bench/soak.py [--requests 100000] [--clients 4] [--binary PATH] [--json FILE]
"""
import argparse
import http.client
import json
import pathlib
import random
import sys
import threading
import time

REPO = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))
from coreward_process import start_server  # noqa: E402
from reward_bench import SHARED, build_batch  # noqa: E402


def rss_mb(pid):
    for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def long_text(rng, responses, size):
    """Rollouts run together up to `size` UTF-8 bytes (cut on a character boundary)."""
    text = ""
    while len(text.encode()) < size:
        text += rng.choice(responses) + "\n"
    return text.encode()[:size].decode(errors="ignore")


def requests_mix():
    problems = [json.loads(line) for line in
                open(SHARED / "data" / "rollouts" / "math_qwen25math_instruct_n8.jsonl", encoding="utf-8")]
    rng = random.Random(5)
    responses = [r for p in problems for r in p["responses"]]
    vote = json.dumps({"groups": [{"id": p["id"], "responses": p["responses"][:8]} for p in rng.sample(problems, 4)]})
    small_reward = json.dumps(build_batch(groups=4, seed=1))
    large_reward = json.dumps(build_batch())
    huge_reward = json.dumps(build_batch(groups=1230, seed=2))
    extract = json.dumps({"responses": rng.sample(responses, 16)})
    equivalent = json.dumps({"pairs": [{"a": "\\frac{1}{2}", "b": "0.5"}, {"a": "2", "b": "3"}]})
    embed = json.dumps({"texts": responses[:64]})

    def get_reward(i):
        problem = problems[i % len(problems)]
        labels = [json.dumps({"pair_id": f"soak-{i}", "view": v, "n": 4, "label": problem["answer"]})
                  for v in range(2) for _ in range(4)]
        return json.dumps({"query": [rng.choice(problem["responses"]) for _ in range(8)], "labels": labels})

    table = ([("GET", "/healthz", None)] * 380 + [("POST", "/v1/vote", vote)] * 200
             + [("POST", "/v1/reward", small_reward)] * 150 + [("POST", "/v1/extract", extract)] * 100
             + [("POST", "/v1/equivalent", equivalent)] * 100 + [("POST", "/get_reward", get_reward)] * 60
             + [("POST", "/v1/reward", large_reward)] * 8 + [("POST", "/v1/reward", huge_reward)]
             + [("POST", "/v1/embed", embed)])
    rng.shuffle(table)
    embed_limits = ("POST", "/v1/embed", json.dumps({"texts": [long_text(rng, responses, 65_536) for _ in range(256)]}))
    return table, embed_limits


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--binary", default=str(REPO / ".build" / "release" / "coreward"))
    parser.add_argument("--model-dir", default=str(REPO / "models" / "all-MiniLM-L6-v2"))
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()

    table, embed_limits = requests_mix()
    process, port = start_server(args.binary, "--model-dir", args.model_dir)
    lock = threading.Lock()
    state = {"next": 0, "done": 0, "errors": 0, "statuses": {}}
    marks = {0: None, 10: None, 50: None, 90: None, 100: None}
    try:
        deadline = time.time() + 60
        while time.time() < deadline:  # the encoder loads in the background
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            connection.request("GET", "/readyz")
            if connection.getresponse().status == 200:
                break
            time.sleep(0.1)
        marks[0] = (0, rss_mb(process.pid), time.time())
        start = time.time()

        def client():
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
            while True:
                with lock:
                    i = state["next"]
                    if i >= args.requests:
                        return
                    state["next"] += 1
                method, path, body = embed_limits if i % 5000 == 4999 else table[i % len(table)]
                if callable(body):
                    body = body(i)
                try:
                    connection.request(method, path, body=body, headers={"Content-Type": "application/json"})
                    response = connection.getresponse()
                    response.read()
                    status = response.status
                except (OSError, http.client.HTTPException):
                    status = 0
                    connection.close()
                    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
                with lock:
                    state["done"] += 1
                    state["statuses"][status] = state["statuses"].get(status, 0) + 1
                    if not 200 <= status < 300:
                        state["errors"] += 1
                    percent = state["done"] * 100 // args.requests
                    if state["done"] * 100 % args.requests == 0 and percent in marks and marks[percent] is None:
                        marks[percent] = (state["done"], rss_mb(process.pid), time.time())

        threads = [threading.Thread(target=client) for _ in range(args.clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.time() - start
    finally:
        process.terminate()
        process.wait(timeout=30)

    print(f"{args.requests} requests, {args.clients} clients, {elapsed:.0f} s, errors (non-2xx): {state['errors']}, "
          f"statuses: {dict(sorted(state['statuses'].items()))}")
    print(f"{'progress':>9} {'requests':>9} {'RSS MB':>8}")
    for percent, mark in marks.items():
        if mark:
            print(f"{percent:>8}% {mark[0]:>9} {mark[1]:>8.1f}")
    if marks[90] and marks[100]:
        print(f"last 10% added {marks[100][1] - marks[90][1]:+.1f} MB; RSS after {marks[100][1]:.1f} MB "
              f"(goal: under 250 MB, last 10% under +5 MB)")
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps({
            "requests": args.requests, "seconds": elapsed, "errors": state["errors"],
            "rss_mb": {str(p): m[1] for p, m in marks.items() if m}}))
    return 1 if state["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
