#!/usr/bin/env python3
"""Peak resident memory one large request adds, and resident memory after it (docs/operations.md, "Memory per
request"): starts the release server (or $COREWARD_BIN) with --threads 2, sends each body named on the command
line in turn (KIND:MB, KIND one of reward, tinyreward, emptyreward, vote, extract, getreward, getreward_co,
bigquery, embed), resetting the peak (VmHWM, via /proc/PID/clear_refs) before each; the encoder is warmed up
first (its weights paged in). $COREWARD_FLAGS adds server flags. Linux only.

    python3 bench/request_memory.py [--json FILE] reward:50 tinyreward:25 emptyreward:25 vote:25 getreward:50 embed:16
"""
import json, os, random, sys, time, pathlib, http.client
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "Tests"))
from coreward_process import CorewardProcess
from coreward_process import SHARED
ROLL = SHARED / "data" / "rollouts" / "math_qwen25math_instruct_n8.jsonl"
problems = [json.loads(l) for l in open(ROLL)]
rng = random.Random(0)

def status(pid):
    out = {}
    for line in open(f"/proc/{pid}/status"):
        k, _, v = line.partition(":")
        if k in ("VmHWM", "VmRSS"):
            out[k] = int(v.split()[0]) / 1024
    return out

def reward_body(mb):
    groups = []; size = 0; g = 0
    while size < mb * 1e6:
        p = rng.choice(problems)
        grp = {"id": f"{p['id']}#{g}", "label": p["answer"], "views": [{"responses": [rng.choice(p["responses"]) for _ in range(8)]} for _ in range(2)]}
        size += len(json.dumps(grp)); groups.append(grp); g += 1
    return json.dumps({"mode": "co_reward", "equivalence": "math", "reward": "binary", "advantage": "grpo", "groups": groups}).encode()

def vote_body(mb):
    groups = []; size = 0
    while size < mb * 1e6:
        p = rng.choice(problems)
        grp = {"id": p["id"], "responses": [rng.choice(p["responses"]) for _ in range(16)]}
        size += len(json.dumps(grp)); groups.append(grp)
    return json.dumps({"groups": groups}).encode()

def extract_body(mb):
    # at most 1024 responses: make each long by concatenating rollouts
    n = 1024; per = int(mb * 1e6 / n)
    resp = []
    for i in range(n):
        t = ""
        while len(t) < per:
            t += rng.choice(rng.choice(problems)["responses"])
        resp.append(t[:per])
    return json.dumps({"responses": resp}).encode()

def get_reward_body(mb, coreward=False):
    q, pr, lab = [], [], []; size = 0; i = 0
    while size < mb * 1e6:
        p = rng.choice(problems)
        prompt = "<|im_start|>user\n" + p["question"] + "<|im_end|>\n<|im_start|>assistant\n"
        r = rng.choice(p["responses"])
        q.append(prompt + r); pr.append(prompt)
        if coreward:
            lab.append(json.dumps({"pair_id": f"p{i//16}", "view": (i // 8) % 2, "n": 8}))
        else:
            lab.append(p["answer"])
        size += len(q[-1]) + len(prompt) + 40; i += 1
    return json.dumps({"query": q, "prompts": pr, "labels": lab}).encode()

def tiny_reward_body(mb):
    groups = []; size = 0; g = 0
    while size < mb * 1e6:
        grp = {"views": [{"responses": ["\\boxed{%d}" % rng.randrange(3) for _ in range(1024)]} for _ in range(2)]}
        size += len(json.dumps(grp)); groups.append(grp); g += 1
    return json.dumps({"mode": "co_reward", "equivalence": "math", "groups": groups}).encode()

def empty_reward_body(mb):
    groups = []; size = 0; g = 0
    while size < mb * 1e6:
        grp = {"views": [{"responses": [""] * 1024} for _ in range(2)]}
        size += len(json.dumps(grp)); groups.append(grp); g += 1
    return json.dumps({"mode": "co_reward", "equivalence": "math", "groups": groups}, separators=(",", ":")).encode()

def tiny_extract_body(mb):
    return json.dumps({"responses": ["\\boxed{%d}" % i for i in range(1024)]}).encode()

def big_query_body(mb):
    # few samples each near the 1 MiB response limit, the prompt at the end of the query
    q, pr, lab = [], [], []
    n = int(mb)
    for i in range(n):
        p = rng.choice(problems)
        prompt = p["question"]
        filler = ""
        while len(filler) < 1_000_000 - len(prompt) - 2000:
            filler += rng.choice(p["responses"])
        q.append(filler[: 1_000_000 - len(prompt) - 2000] + prompt + rng.choice(p["responses"])[:1500])
        pr.append(prompt); lab.append(p["answer"])
    return json.dumps({"query": q, "prompts": pr, "labels": lab}).encode()

def embed_body(mb):
    # /v1/embed at its limits: 256 texts (--max-texts) of 65,536 bytes (--max-text-bytes); `mb` is ignored
    responses = [r for p in problems for r in p["responses"]]
    texts = []
    for _ in range(256):
        t = ""
        while len(t.encode()) < 65536:
            t += rng.choice(responses) + "\n"
        texts.append(t.encode()[:65536].decode(errors="ignore"))
    return json.dumps({"texts": texts}).encode()

def post(port, path, body):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    t = time.time()
    c.request("POST", path, body=body, headers={"Content-Type": "application/json"})
    r = c.getresponse(); data = r.read(); c.close()
    return r.status, len(data), time.time() - t

if __name__ == "__main__":
    args = sys.argv[1:]
    json_out = None
    if "--json" in args:
        i = args.index("--json"); json_out = args[i + 1]; del args[i:i + 2]
    kinds = args or ["reward:10", "reward:25", "reward:50"]
    rows = []
    proc = CorewardProcess("--threads", "2", *os.environ.get("COREWARD_FLAGS", "").split())
    pid = proc.process.pid
    deadline = time.time() + 60
    while time.time() < deadline:  # the encoder loads in the background; /v1/embed needs it
        try:
            c = http.client.HTTPConnection("127.0.0.1", proc.port, timeout=5); c.request("GET", "/readyz")
            if c.getresponse().status == 200: break
        except OSError:
            pass
        time.sleep(0.1)
    # One small /v1/embed first: it pages the model's 90 MB of weights in (file-backed, once per process), which
    # is not memory a request holds.
    post(proc.port, "/v1/embed", json.dumps({"texts": ["warm up"]}).encode())
    print("ready", status(pid))
    try:
        for spec in kinds:
            kind, mb = spec.split(":"); mb = float(mb)
            body = {"reward": reward_body, "vote": vote_body, "extract": extract_body, "getreward": get_reward_body,
                    "getreward_co": lambda m: get_reward_body(m, True), "bigquery": big_query_body, "tinyreward": tiny_reward_body, "emptyreward": empty_reward_body, "embed": embed_body}[kind](mb)
            path = {"reward": "/v1/reward", "tinyreward": "/v1/reward", "emptyreward": "/v1/reward", "vote": "/v1/vote", "extract": "/v1/extract", "embed": "/v1/embed"}.get(kind, "/get_reward")
            before = status(pid)
            open(f"/proc/{pid}/clear_refs", "w").write("5")
            st, n, dt = post(proc.port, path, body)
            time.sleep(0.5)
            after = status(pid)
            bmb = len(body) / 1e6
            print(f"{kind:12s} body {bmb:6.1f} MB status {st} resp {n/1e6:6.2f} MB {dt:6.2f}s  rss {before['VmRSS']:7.1f} -> {after['VmRSS']:7.1f}  hwm {before['VmHWM']:7.1f} -> {after['VmHWM']:7.1f}  peak-before {after['VmHWM']-before['VmRSS']:7.1f} MB = {(after['VmHWM']-before['VmRSS'])/ (len(body)/1048576):5.1f}x", flush=True)
            rows.append({"kind": kind, "path": path, "status": st, "body_mib": len(body) / 1048576, "seconds": dt,
                         "rss_before_mib": before["VmRSS"], "rss_after_mib": after["VmRSS"],
                         "peak_added_mib": after["VmHWM"] - before["VmRSS"]})
    finally:
        proc.stop()
    if json_out:
        open(json_out, "w").write(json.dumps(rows))
