#!/usr/bin/env python3
"""Per-sample throughput of POST /get_reward (OpenRLHF's remote reward protocol with Co-Reward group assembly).

Traffic is what an OpenRLHF trainer sends with a per-sample remote reward: one request per rollout,
`{"query": [prompt + response], "prompts": [prompt], "labels": ["{\"pair_id\": ..., \"view\": v, \"n\": n}"]}`,
for `--pairs` pairs x 2 views x `--n` rollouts of real Qwen2.5-Math responses
(../shared/data/rollouts/math_qwen25math_instruct_n8.jsonl; view 0 under the original prompt, view 1 under a
rephrased one). `--clients` threads, each with one keep-alive http.client connection, take samples from one
queue and send them one at a time; the queue holds whole groups in windows of clients // (2 n) groups,
shuffled within a window, so groups complete as their samples arrive and the clients can never all be
waiting on incomplete groups. Every answer is checked against POST /v1/reward (canonical order).

Reported: requests per second, per-request latency p50/p99, and the assembly latency p50/p99: from the moment
the LAST sample of a group is sent to the moment all answers of that group are received. The peer, run in the
same command, is a plain-Python OpenRLHF-style reward function in this process (strip the prompt, last
\\boxed{}, collections.Counter vote per group over the other view, exact strings), timed per group and on the
whole batch; the summary gives the ratios.

    .venv/bin/python bench/get_reward_bench.py [--clients 64] [--pairs 256] [--n 8] [--rounds 3 | --seconds 20]
                                               [--procs P] [--binary PATH | --url http://host:port] [--threads T]
"""
import argparse
import http.client
import json
import multiprocessing
import os
import pathlib
import queue
import resource
import random
import re
import selectors
import socket
import statistics
import sys
import threading
import time
import urllib.parse
import uuid
from collections import Counter, defaultdict

REPO = pathlib.Path(__file__).resolve().parents[1]
SHARED = pathlib.Path(os.environ.get("COREWARD_SHARED", REPO.parent / "shared"))
sys.path.insert(0, str(REPO / "Tests" / "integration"))
from reference import extract_answer  # noqa: E402
from coreward_process import start_server  # noqa: E402

SYSTEM = "<|im_start|>system\nPlease reason step by step, and put your final answer within \\boxed{}.<|im_end|>\n"
END = "<|im_end|>"
HEADERS = {"Content-Type": "application/json"}
OUTCOME = re.compile(r'outcome="(\w+)"')


def chat(user):
    return SYSTEM + "<|im_start|>user\n" + user + "<|im_end|>\n<|im_start|>assistant\n"


def build_pairs(pairs, n, seed):
    """[(question id, [view 0 response texts], [view 1 response texts], (prompt 0, prompt 1))] from real rollouts."""
    problems = [json.loads(line) for line in
                open(SHARED / "data" / "rollouts" / "math_qwen25math_instruct_n8.jsonl", encoding="utf-8")]
    rng = random.Random(seed)
    out = []
    for p in range(pairs):
        item = problems[p % len(problems)]
        views = []
        for _ in range(2):
            chosen = rng.sample(item["responses"], n) if n <= len(item["responses"]) else \
                [rng.choice(item["responses"]) for _ in range(n)]
            views.append([r + END for r in chosen])
        prompts = (chat(item["question"]),
                   chat("Consider the following problem, stated in other words. " + item["question"] +
                        " Work it out and give the final result."))
        out.append((item["id"], views[0], views[1], prompts))
    return out


def build_round(pairs, n, clients, tag, seed, indices=None):
    """Request bodies (bytes) of one round in dispatch order, and for each: (pair index, view, text)."""
    rng = random.Random(seed)
    per_window = max(1, clients // (2 * n))
    indices = list(range(len(pairs))) if indices is None else list(indices)
    samples = []
    for start in range(0, len(indices), per_window):
        window = []
        for p in indices[start:start + per_window]:
            _, v0, v1, prompts = pairs[p]
            pid = f"{tag}-{p}"
            for view, texts in enumerate((v0, v1)):
                label = json.dumps({"pair_id": pid, "view": view, "n": n})
                for text in texts:
                    body = json.dumps({"query": [prompts[view] + text], "prompts": [prompts[view]],
                                       "labels": [label]}).encode()
                    window.append((body, p, view, text))
        rng.shuffle(window)
        samples += window
    return samples


def oracle(connection, pairs):
    """{(pair index, view, text): reward} from POST /v1/reward, each view in canonical (UTF-8 byte) order."""
    groups = [{"views": [{"responses": sorted(v, key=lambda t: t.encode())} for v in (v0, v1)]}
              for _, v0, v1, _ in pairs]
    connection.request("POST", "/v1/reward", body=json.dumps({"mode": "co_reward", "equivalence": "math",
                                                               "reward": "binary", "groups": groups}).encode(),
                       headers=HEADERS)
    response = connection.getresponse()
    payload = response.read()
    assert response.status == 200, payload[:300]
    expected = {}
    for p, (group, answer) in enumerate(zip(groups, json.loads(payload)["groups"])):
        for view, (request_view, answer_view) in enumerate(zip(group["views"], answer["views"])):
            for text, reward in zip(request_view["responses"], answer_view["rewards"]):
                expected[(p, view, text)] = float(reward)
    return expected


def run_round(host, port, samples, clients):
    """Sends every sample with `clients` threads; returns (wall seconds, send times, receive times, statuses, bodies)."""
    work = queue.SimpleQueue()
    for i in range(len(samples)):
        work.put(i)
    sent = [0.0] * len(samples)
    received = [0.0] * len(samples)
    statuses = [0] * len(samples)
    bodies = [b""] * len(samples)
    errors = []

    def client():
        connection = http.client.HTTPConnection(host, port, timeout=300)
        try:
            while True:
                try:
                    i = work.get_nowait()
                except queue.Empty:
                    return
                body = samples[i][0]
                sent[i] = time.perf_counter()
                connection.request("POST", "/get_reward", body=body, headers=HEADERS)
                response = connection.getresponse()
                bodies[i] = response.read()
                received[i] = time.perf_counter()
                statuses[i] = response.status
        except Exception as error:  # noqa: BLE001 - reported after the round
            errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    finished = time.perf_counter()
    if errors:
        raise SystemExit(f"{len(errors)} clients failed, first: {errors[0]}")
    return started, finished, sent, received, statuses, bodies


def run_round_procs(host, port, parts, clients_each):
    """run_round in one forked process per part (each part holds whole groups); perf_counter is CLOCK_MONOTONIC,
    shared by the processes. Returns (wall, sent, received, statuses, bodies) over the parts concatenated."""
    if len(parts) == 1:
        started, finished, *rest = run_round(host, port, parts[0], clients_each)
        return (finished - started, *rest)
    context = multiprocessing.get_context("fork")
    pipes, processes = [], []
    for part in parts:
        reader, writer = context.Pipe(duplex=False)

        def child(part=part, writer=writer):
            writer.send(run_round(host, port, part, clients_each))
            writer.close()

        process = context.Process(target=child)
        process.start()
        pipes.append(reader)
        processes.append(process)
    results = [reader.recv() for reader in pipes]
    for process in processes:
        process.join()
        if process.exitcode != 0:
            raise SystemExit(f"a client process failed with exit code {process.exitcode}")
    wall = max(r[1] for r in results) - min(r[0] for r in results)
    merged = [[], [], [], []]
    for r in results:
        for column, values in zip(merged, r[2:]):
            column.extend(values)
    return (wall, *merged)


def isolated_assembly(host, port, pairs, n, tag, groups):
    """Assembly latency with nothing else going on: one group at a time over 2 n raw keep-alive sockets in one
    thread; all samples but one are sent and left waiting, then the clock runs from sending the last one until
    every answer of the group has been read."""
    sockets = [socket.create_connection((host, port), timeout=60) for _ in range(2 * n)]
    for connection in sockets:
        connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    latencies = []
    try:
        for g in range(groups):
            p = g % len(pairs)
            samples = build_round(pairs, n, 2 * n, f"{tag}-{g}", g, indices=[p])
            raw = [b"POST /get_reward HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\n"
                   b"Content-Length: %d\r\n\r\n" % (host.encode(), len(body)) + body for body, *_ in samples]
            for connection, request in zip(sockets[:-1], raw[:-1]):
                connection.sendall(request)
            time.sleep(0.01)  # let the server take them in
            selector = selectors.DefaultSelector()
            buffers = {}
            for connection in sockets:
                selector.register(connection, selectors.EVENT_READ)
                buffers[connection] = b""
            start = time.perf_counter()
            sockets[-1].sendall(raw[-1])
            pending = set(sockets)
            while pending:
                for key, _ in selector.select(timeout=60):
                    connection = key.fileobj
                    chunk = connection.recv(65536)
                    if not chunk:
                        raise SystemExit("the server closed a connection")
                    buffers[connection] += chunk
                    head, separator, body = buffers[connection].partition(b"\r\n\r\n")
                    if separator:
                        length = int(re.search(rb"(?i)content-length:\s*(\d+)", head).group(1))
                        if len(body) >= length:
                            if not head.startswith(b"HTTP/1.1 200"):
                                raise SystemExit("isolated assembly: " + head.split(b"\r\n")[0].decode())
                            pending.discard(connection)
                            selector.unregister(connection)
            latencies.append(time.perf_counter() - start)
            selector.close()
    finally:
        for connection in sockets:
            connection.close()
    return latencies


# -- the Python peer: an OpenRLHF-style reward function (reward_func(queries, prompts, labels)) in process ---------

def python_reward_func(queries, prompts, labels):
    """What a trainer would write in a custom reward file: group by pair, last \\boxed{}, Counter vote."""
    groups = defaultdict(lambda: defaultdict(list))
    for i, (query, prompt, label) in enumerate(zip(queries, prompts, labels)):
        meta = json.loads(label)
        response = query[len(prompt):] if prompt and query.startswith(prompt) else query
        groups[meta["pair_id"]][meta["view"]].append((i, extract_answer(response)))
    rewards = [0.0] * len(queries)
    for views in groups.values():
        for view, members in views.items():
            others = [a for other, items in views.items() if other != view for _, a in items if a.strip()]
            label = Counter(others).most_common(1)[0][0] if others else ""
            for i, answer in members:
                rewards[i] = 1.0 if label and answer == label else 0.0
    return rewards


def python_peer(samples, repeats):
    decoded = [json.loads(body) for body, *_ in samples]
    by_group = defaultdict(list)
    for d in decoded:
        by_group[json.loads(d["labels"][0])["pair_id"]].append(d)
    per_group = []
    whole = []
    for _ in range(repeats):
        for members in by_group.values():
            start = time.perf_counter()
            python_reward_func([m["query"][0] for m in members], [m["prompts"][0] for m in members],
                               [m["labels"][0] for m in members])
            per_group.append(time.perf_counter() - start)
        queries = [d["query"][0] for d in decoded]
        prompts = [d["prompts"][0] for d in decoded]
        labels = [d["labels"][0] for d in decoded]
        start = time.perf_counter()
        python_reward_func(queries, prompts, labels)
        whole.append(time.perf_counter() - start)
    return per_group, whole


# -- plumbing -------------------------------------------------------------------------------------------------------

def start_coreward(binary, threads):
    flags = ["--log-level", "notice"]
    model = REPO / "models" / "all-MiniLM-L6-v2"
    if model.exists():
        flags += ["--model-dir", str(model)]
    if threads:
        flags += ["--threads", str(threads)]
    return start_server(binary, *flags)


def cpu_seconds(pid):
    fields = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def pct(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def metric(host, port, name):
    connection = http.client.HTTPConnection(host, port, timeout=30)
    connection.request("GET", "/metrics")
    text = connection.getresponse().read().decode()
    connection.close()
    found = {}
    for line in text.splitlines():
        if line.startswith(name):
            key, _, number = line.rpartition(" ")
            found[key] = float(number)
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--pairs", type=int, default=256, help="pairs per round")
    parser.add_argument("--n", type=int, default=8, help="rollouts per view")
    parser.add_argument("--rounds", type=int, default=3, help="measured rounds (after one warm-up round)")
    parser.add_argument("--seconds", type=float, default=None, help="run rounds until this many seconds passed")
    parser.add_argument("--binary", default=os.environ.get("COREWARD_BIN", str(REPO / ".build" / "release" / "coreward")))
    parser.add_argument("--url", default=None, help="a running server instead of starting the binary")
    parser.add_argument("--threads", type=int, default=None, help="--threads of the started server")
    parser.add_argument("--isolated-groups", type=int, default=100,
                        help="groups for the isolated assembly latency (0 to skip)")
    parser.add_argument("--procs", type=int, default=None,
                        help="client processes (default: CPUs, at most 4); clients and pairs are split evenly between them")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    if args.procs is None:  # the clients are Python: use the cores, keeping whole groups per process
        args.procs = max(1, min(4, os.cpu_count() or 1, args.clients // (2 * args.n)))
    clients_each = args.clients // args.procs
    if clients_each < 2 * args.n:
        raise SystemExit(f"--clients / --procs must be at least 2 n = {2 * args.n}: a group needs all its samples in flight")

    process = None
    if args.url:
        parsed = urllib.parse.urlparse(args.url)
        host, port = parsed.hostname, parsed.port or 80
    else:
        process, port = start_coreward(args.binary, args.threads)
        host = "127.0.0.1"
    try:
        control = http.client.HTTPConnection(host, port, timeout=60)
        pairs = build_pairs(args.pairs, args.n, args.seed)
        expected = oracle(control, pairs)
        run = uuid.uuid4().hex[:8]
        # warm-up (connections, allocator, code paths), not measured
        def parts_of(tag, seed):
            return [build_round(pairs, args.n, clients_each, tag, seed + 1000 * k,
                                indices=range(k, len(pairs), args.procs)) for k in range(args.procs)]

        run_round_procs(host, port, parts_of(f"{run}-warm", 99), clients_each)  # warm-up, not measured

        wall_total = 0.0
        latencies, assembly = [], []
        requests_done = mismatches = not_ok = incomplete = 0
        cpu_before = cpu_seconds(process.pid) if process else None
        client_before = time.process_time() + children_cpu()
        rounds = 0
        started = time.perf_counter()
        last_samples = None
        while True:
            parts = parts_of(f"{run}-r{rounds}", args.seed + rounds)
            samples = [sample for part in parts for sample in part]
            last_samples = samples
            wall, sent, received, statuses, bodies = run_round_procs(host, port, parts, clients_each)
            wall_total += wall
            rounds += 1
            group_sent = defaultdict(float)
            group_received = defaultdict(float)
            for i, (_, p, view, text) in enumerate(samples):
                latencies.append(received[i] - sent[i])
                group_sent[p] = max(group_sent[p], sent[i])
                group_received[p] = max(group_received[p], received[i])
                if statuses[i] != 200:
                    not_ok += 1
                    continue
                answer = json.loads(bodies[i])
                if answer["rewards"] != [expected[(p, view, text)]]:
                    mismatches += 1
                if answer["extra_logs"]["group_complete"] != [1]:
                    incomplete += 1
            assembly += [group_received[p] - group_sent[p] for p in group_sent]
            requests_done += len(samples)
            if args.seconds is None and rounds >= args.rounds:
                break
            if args.seconds is not None and time.perf_counter() - started >= args.seconds:
                break
        server_cpu = cpu_seconds(process.pid) - cpu_before if process else None
        client_cpu = time.process_time() + children_cpu() - client_before
        isolated = isolated_assembly(host, port, pairs, args.n, f"{run}-iso", args.isolated_groups) \
            if args.isolated_groups else []
        groups_total = metric(host, port, "coreward_assembly_groups_total")
        retries = metric(host, port, "coreward_assembly_retries_total")
        control.close()
    finally:
        if process is not None:
            process.terminate()
            process.wait(timeout=60)

    per_group, whole = python_peer(last_samples, repeats=3)
    samples_per_round = args.pairs * 2 * args.n
    rps = requests_done / wall_total
    peer_rate = samples_per_round / statistics.median(whole)
    peer_group_rate = (2 * args.n) / statistics.median(per_group)
    ms = 1000.0

    print(f"POST /get_reward, per-sample traffic: {args.clients} clients (Python threads in {args.procs} "
          f"process{'es' if args.procs > 1 else ''}, keep-alive), "
          f"{args.pairs} pairs x 2 views x n={args.n} = {samples_per_round} requests/round, {rounds} rounds "
          f"(+1 warm-up), {os.cpu_count()} CPUs, server {'at ' + args.url if args.url else 'started here'}")
    print("coreward:")
    print(f"  requests/s                  {rps:10.0f}   ({requests_done} requests in {wall_total:.2f} s)")
    print(f"  request latency p50/p99     {pct(latencies, .5) * ms:8.2f} / {pct(latencies, .99) * ms:.2f} ms"
          "   (includes waiting for the group's other samples)")
    print(f"  assembly latency p50/p99    {pct(assembly, .5) * ms:8.2f} / {pct(assembly, .99) * ms:.2f} ms"
          "   (last sample of a group sent -> all its answers received)")
    if isolated:
        print(f"  assembly latency, isolated  {pct(isolated, .5) * ms:8.2f} / {pct(isolated, .99) * ms:.2f} ms"
              f"   (p50/p99 over {len(isolated)} groups sent one at a time, raw sockets, one client thread)")
    print(f"  answers                     {requests_done - not_ok - mismatches}/{requests_done} equal /v1/reward "
          f"(canonical order); non-200: {not_ok}; group_complete=0: {incomplete}")
    if server_cpu is not None:
        print(f"  CPU                         server {server_cpu / wall_total * 100:.0f}% of a core, "
              f"clients {client_cpu / wall_total * 100:.0f}% of a core")
    outcomes = ", ".join(f"{re.search(OUTCOME, k).group(1)}={v:.0f}" for k, v in groups_total.items() if "outcome=" in k)
    print(f"  server metrics              groups {outcomes or 'n/a'}; retries {sum(retries.values()):.0f}")
    print("python peer (OpenRLHF-style reward_func in this process: strip prompt, last \\boxed, Counter per group):")
    print(f"  per group ({2 * args.n} samples) p50/p99  {pct(per_group, .5) * ms:8.3f} / {pct(per_group, .99) * ms:.3f} ms"
          f"   -> {peer_group_rate:.0f} samples/s")
    print(f"  whole round ({samples_per_round} samples)  {statistics.median(whole) * ms:8.2f} ms"
          f"   -> {peer_rate:.0f} samples/s")
    print("ratios:")
    print(f"  coreward requests/s / python samples/s (whole round)    {rps / peer_rate:.3f}")
    print(f"  coreward assembly p50 / python per-group p50            "
          f"{pct(assembly, .5) / pct(per_group, .5):.1f}x")
    if isolated:
        print(f"  coreward isolated assembly p50 / python per-group p50   "
              f"{pct(isolated, .5) / pct(per_group, .5):.1f}x")
    if mismatches or not_ok or incomplete:
        sys.exit(1)


if __name__ == "__main__":
    main()
