#!/usr/bin/env python3
"""`make bench`: issue 18's figures in one table, each next to its peer measured in the same command on this machine.

  1. the standard 2,048-rollout step (128 groups x 2 views x 8 real Qwen2.5-Math responses, 2.6 MB) through
     POST /v1/reward from a Python client, exact and math equivalence (bench/reward_bench.py), against the
     reference's Python loop in process (exact) and the same step in Python with Math-Verify
     (bench/mathverify_step.py); with the server's own account of its time (Server-Timing phases);
  2. the encoder's sentences per second at batch 1, 32 and 128 against the numpy reference, and its share of the
     machine's measured sgemm peak (bench/encoder.sh);
  3. memory: the peak one large request adds over its body (bench/request_memory.py), and resident memory over a
     soak of mixed requests, /v1/embed at its limits included (bench/soak.py).

The table is printed; with --write-docs it also replaces the table in docs/benchmarks.md (between its
`make bench` markers), so the docs' figures are this command's.

    make bench        # or: python3 bench/bench_all.py [--soak-requests 100000] [--write-docs] [--skip soak,...]
"""
import argparse
import datetime
import json
import os
import pathlib
import subprocess
import sys
import tempfile

REPO = pathlib.Path(__file__).resolve().parents[1]
BENCH = REPO / "bench"
sys.path.insert(0, str(BENCH))
DOCS = REPO / "docs" / "benchmarks.md"
BEGIN, END = "<!-- make bench: begin -->", "<!-- make bench: end -->"
PEAK_MULTIPLE, PEAK_CONSTANT_MIB = 4, 64  # the bound Tests/integration/test_memory.py asserts


def run(command, **kwargs):
    print("bench: " + " ".join(str(c) for c in command), file=sys.stderr, flush=True)
    subprocess.run([str(c) for c in command], check=True, stdout=sys.stderr, **kwargs)


def reward_figures(work, iterations):
    path = work / "reward.json"
    run([sys.executable, BENCH / "reward_bench.py", "--iterations", iterations, "--json", path])
    return json.loads(path.read_text())


def encoder_figures(work):
    path = work / "encoder.json"
    run([BENCH / "encoder.sh"], env={**os.environ, "SUMMARY_JSON": str(path)})
    return json.loads(path.read_text())


def memory_figures(work):
    path = work / "memory.json"
    # tinyreward:3 holds about 230,000 responses, under --max-batch-rollouts (262,144)
    run([sys.executable, BENCH / "request_memory.py", "--json", path, "reward:50", "tinyreward:3", "vote:25",
         "getreward:50", "embed:16"])
    return json.loads(path.read_text())


def soak_figures(work, requests):
    path = work / "soak.json"
    run([sys.executable, BENCH / "soak.py", "--requests", requests, "--json", path])
    return json.loads(path.read_text())


def rows_of(figures):
    """(figure, coreward, peer, ratio, goal) rows."""
    rows = []
    reward = figures.get("reward")
    if reward:
        exact, math = reward["exact"], reward["math"]
        loop = reward["python_loop"]["median"]
        rows.append(("2,048-rollout step, exact, POST /v1/reward end to end (median)", f"{exact['median']:.2f} ms",
                     f"{loop:.2f} ms, the reference's Python loop in process (no HTTP, no JSON)",
                     f"{loop / exact['median']:.2f}x", "at least 1x"))
        mv = reward.get("python_mathverify")
        if mv:
            rows.append(("same step, math equivalence (median)", f"{math['median']:.2f} ms",
                         f"{mv['median_ms']:.0f} ms, Python + Math-Verify {mv['math-verify']} in process",
                         f"{mv['median_ms'] / math['median']:.0f}x", "200x"))
        refused = reward["refused"]
        inbound = refused["median"] - refused["phases"].get("app", 0)
        for name in ("exact", "math"):
            phases = reward[name]["phases"]
            app = phases.get("app", 0)
            split = ", ".join(f"{k} {v:.2f}" for k, v in phases.items() if k != "app")
            rows.append((f"where the {name} step's time goes (medians, ms)",
                         f"body in {inbound:.2f}; server {app:.2f} ({split}); answer out and the rest "
                         f"{reward[name]['median'] - app - inbound:.2f}", "", "", ""))
    encoder = figures.get("encoder")
    if encoder:
        for row in encoder["rows"]:
            goal = "2x numpy, 55% of peak" if row["batch"] == 32 else ""
            rows.append((f"encoder, batch {row['batch']} (sentences/s)",
                         f"{row['swift']:.1f} ({row['peak_share'] * 100:.0f}% of the {encoder['peak_gflops']:.0f} "
                         f"GFLOP/s sgemm peak)", f"{row['numpy']:.1f}, numpy reference", f"{row['swift'] / row['numpy']:.2f}x",
                         goal))
    memory = [row for row in figures.get("memory", []) if 200 <= row["status"] < 300]
    if memory:
        for row in memory:
            bound = PEAK_MULTIPLE * row["body_mib"] + PEAK_CONSTANT_MIB
            rows.append((f"peak one request adds: {row['path']} ({row['kind']}, {row['body_mib']:.1f} MiB body)",
                         f"{row['peak_added_mib']:.0f} MiB ({row['peak_added_mib'] / row['body_mib']:.1f}x the body)",
                         "", "", f"at most {PEAK_MULTIPLE}x body + {PEAK_CONSTANT_MIB} MiB = {bound:.0f} MiB"))
    soak = figures.get("soak")
    if soak:
        rss = soak["rss_mb"]
        rows.append((f"resident memory over {soak['requests']:,} mixed requests ({soak['errors']} errors)",
                     f"{rss.get('0', 0):.0f} MB ready, {rss.get('100', 0):.0f} MB after; the last 10% "
                     f"{rss.get('100', 0) - rss.get('90', 0):+.1f} MB", "", "", "under 250 MB; last 10% under +5 MB"))
    return rows


def markdown(rows, command):
    lines = ["| figure | coreward | peer | ratio | goal |", "| --- | --- | --- | --- | --- |"]
    lines += ["| " + " | ".join(cells) + " |" for cells in rows]
    stamp = datetime.date.today().isoformat()
    lines += ["", f"Measured by `{command}` on {stamp}, {os.cpu_count()} CPUs "
                  f"(`{os.uname().machine}`, load average {os.getloadavg()[0]:.1f} at the end)."]
    return "\n".join(lines)


def write_docs(table):
    text = DOCS.read_text()
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        text = head + BEGIN + "\n" + table + "\n" + END + rest.split(END, 1)[1]
    else:
        text += f"\n## `make bench`\n\n{BEGIN}\n{table}\n{END}\n"
    DOCS.write_text(text)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--iterations", type=int, default=50, help="requests per /v1/reward measurement")
    parser.add_argument("--soak-requests", type=int, default=100_000)
    parser.add_argument("--skip", default="", help="comma-separated parts to leave out: reward, encoder, memory, soak")
    parser.add_argument("--write-docs", action="store_true", help="put the table into docs/benchmarks.md")
    args = parser.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    figures = {}
    with tempfile.TemporaryDirectory(prefix="coreward-bench-") as folder:
        work = pathlib.Path(folder)
        if "reward" not in skip:
            figures["reward"] = reward_figures(work, args.iterations)
        if "encoder" not in skip:
            figures["encoder"] = encoder_figures(work)
        if "memory" not in skip:
            figures["memory"] = memory_figures(work)
        if "soak" not in skip:
            figures["soak"] = soak_figures(work, args.soak_requests)
    defaults = not skip and args.soak_requests == 100_000 and args.iterations == 50
    command = "make bench" if defaults else " ".join(["python3 bench/bench_all.py"] + sys.argv[1:])
    table = markdown(rows_of(figures), command)
    print(table)
    if args.write_docs:
        write_docs(table)
        print(f"bench: wrote the table into {DOCS.relative_to(REPO)}", file=sys.stderr)


if __name__ == "__main__":
    main()
