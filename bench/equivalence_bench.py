#!/usr/bin/env python3
"""Answer equivalence: coreward's `math` mode against Math-Verify, for accuracy and for speed.

Corpus: every row of ../shared/data/equivalence/*.jsonl (labelled pairs of answers copied from public test
suites; that folder's README.md gives the schema). Response sides (`kind: "response"`, `gold_kind` /
`pred_kind`) are reduced to the content of their last `\\boxed{...}` first, as coreward does; a side without
a usable box is used as it is.

Accuracy: the share of rows where a checker agrees with the row's `equivalent` label, per corpus file and in
total, leaving out rows marked `label_doubt`; "unique" totals also skip the `duplicate_of` rows. Columns:
  exact          coreward's `exact` mode (the extracted strings compared as they are)
  Math-Verify    math-verify (pinned in bench/mathverify-requirements.txt) with its defaults:
                 `verify(parse(gold), parse(pred))`, answer sides wrapped as `\\boxed{...}`, response sides
                 given whole to Math-Verify's own extractor (as the README's reference results were made);
                 an exception, a timeout or a hung worker counts as "not equivalent"
  coreward math  POST /v1/equivalent {"equivalence": "math", "pairs": [{"a": gold, "b": pred}, ...]}

Speed: comparisons per second, and coreward's slowest single pairs (each pair posted alone, server-side time).
  Math-Verify    parse + parse + verify per pair, one process, the whole corpus per pass; median of passes.
  coreward       the corpus repeated (x20 by default) over one keep-alive loopback connection, in as few
                 requests as the server accepts (split on 413); request bytes prepared in advance, answers
                 read and decoded; end to end, and server-side from the `Server-Timing: app;dur=` headers.

Math-Verify runs in a virtualenv of its own, created under the temp directory on first use and reused while
the requirements file is unchanged (`--fresh-venv` rebuilds it); PyPI must be reachable the first time.
Per-row verdicts are written to a JSON file in the temp directory, whose path is printed.

    python3 bench/equivalence_bench.py [--quick] [--binary PATH] [--repeat-corpus 20] [--fresh-venv]
"""
import argparse
import hashlib
import http.client
import json
import os
import pathlib
import queue
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

import coreward_process

REPO = pathlib.Path(__file__).resolve().parents[1]
SHARED = pathlib.Path(os.environ.get("COREWARD_SHARED", REPO.parent / "shared"))
CORPUS = SHARED / "data" / "equivalence"
REQUIREMENTS = REPO / "bench" / "mathverify-requirements.txt"
VENV = pathlib.Path(tempfile.gettempdir()) / "coreward-bench-mathverify-venv"
HARD_TIMEOUT_SECONDS = 60  # per pair; Math-Verify's own limits are 5 s per parse and 5 s per verify


# ---------------------------------------------------------------------------------------------- corpus

def load_corpus():
    rows = []
    for path in sorted(CORPUS.glob("*.jsonl")):
        with open(path, encoding="utf-8") as handle:
            for line_number, line in enumerate(handle, 1):
                if line.strip():
                    rows.append({**json.loads(line), "file": path.stem, "jsonl_line": line_number})
    if not rows:
        raise SystemExit(f"no rows in {CORPUS}/*.jsonl (set COREWARD_SHARED to the shared folder)")
    return rows


def is_response(row, side):
    """Whether the `gold` or `pred` side of a row is a full response rather than a bare answer."""
    return row["kind"] == "response" and row.get(f"{side}_kind") == "response"


def last_boxed(text):
    """Content of the last `\\boxed{...}` (braces counted raw), `\\boxed x` up to `$` or the end of the
    line, or `\\fbox{...}` when there is no `\\boxed` at all; None when the last box is unusable."""
    start = text.rfind("\\boxed")
    command = "\\boxed"
    if start < 0:
        start, command = text.rfind("\\fbox"), "\\fbox"
        if start < 0:
            return None
    rest = start + len(command)
    if text.startswith(" ", rest):
        return re.split(r"[$\n]", text[rest + 1:], maxsplit=1)[0]
    if not text.startswith("{", rest):
        return None
    depth = 0
    for i in range(rest, len(text)):
        if text[i] == "{":
            depth += 1
        elif text[i] == "}":
            depth -= 1
            if depth == 0:
                return text[rest + 1:i]
    return None


def coreward_side(row, side):
    text = row[side]
    if is_response(row, side):
        boxed = last_boxed(text)
        return text if boxed is None else boxed
    return text


def mathverify_side(row, side):
    text = row[side]
    return text if is_response(row, side) else "\\boxed{" + text + "}"


# ----------------------------------------------------------------------- Math-Verify, in its own venv

WORKER = r'''
"""Runs Math-Verify on the pairs in a JSON file; one JSON line per pair ("verdicts") or per pass ("time")."""
import json
import logging
import signal
import sys
import time
from importlib.metadata import version

from math_verify import parse, verify


class Outcome(logging.Handler):
    """What Math-Verify logged about the current pair: a timeout (warning) or a swallowed error (debug)."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.status = "ok"

    def emit(self, record):
        if record.getMessage().startswith("Timeout during"):
            self.status = "timeout"
        elif self.status == "ok" and record.exc_info:
            self.status = "error"


def shown(parsed):
    """parse() gives [sympy object, extracted string]; sympy's str() can be slow, so it gets 2 s."""
    def give_up(signum, frame):
        raise TimeoutError
    previous = signal.signal(signal.SIGALRM, give_up)
    signal.alarm(2)
    try:
        return [str(item) for item in parsed]
    except TimeoutError:
        return [item if isinstance(item, str) else "<str() timed out>" for item in parsed]
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def main():
    mode, job_path = sys.argv[1], sys.argv[2]
    with open(job_path, encoding="utf-8") as handle:
        job = json.load(handle)
    logger = logging.getLogger("math_verify")
    logger.propagate = False
    outcome = Outcome()
    logger.addHandler(outcome)
    print(json.dumps({"math-verify": version("math-verify"), "sympy": version("sympy")}), flush=True)
    if mode == "verdicts":
        logger.setLevel(logging.DEBUG)
        for gold, pred in job["pairs"]:
            outcome.status = "ok"
            gold_parsed = pred_parsed = []
            start = time.perf_counter()
            try:
                gold_parsed = parse(gold)
                pred_parsed = parse(pred)
                equivalent = bool(verify(gold_parsed, pred_parsed))
            except Exception as error:  # reported per pair, counted as not equivalent
                equivalent, outcome.status = False, "exception " + type(error).__name__
            seconds = time.perf_counter() - start
            print(json.dumps({"equivalent": equivalent, "status": outcome.status, "seconds": seconds,
                              "gold_parsed": shown(gold_parsed), "pred_parsed": shown(pred_parsed)}), flush=True)
    else:
        logger.setLevel(logging.WARNING)
        for _ in range(job["repeats"]):
            start = time.perf_counter()
            for gold, pred in job["pairs"]:
                try:
                    verify(parse(gold), parse(pred))
                except Exception:  # the verdict pass reports these; here only the time counts
                    pass
            print(json.dumps({"seconds": time.perf_counter() - start}), flush=True)


main()
'''


class WorkerStopped(Exception):
    """The worker hung (no line within the time limit) or exited before it was done."""


def mathverify_python(fresh):
    """The venv's python, creating the venv and installing the pinned requirements when needed."""
    wanted = hashlib.sha256(REQUIREMENTS.read_bytes() + sys.version.encode()).hexdigest()
    marker = VENV / ".installed"
    if not fresh and marker.exists() and marker.read_text() == wanted:
        return VENV / "bin" / "python"
    shutil.rmtree(VENV, ignore_errors=True)
    print(f"creating {VENV} and installing {REQUIREMENTS.name} from PyPI ...", file=sys.stderr)
    subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    subprocess.run([str(VENV / "bin" / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check",
                    "-r", str(REQUIREMENTS)], check=True)
    marker.write_text(wanted)
    return VENV / "bin" / "python"


def worker_lines(python, mode, job, line_timeout):
    """Starts the worker and yields its JSON lines; raises WorkerStopped if it hangs or dies early."""
    with tempfile.TemporaryDirectory(prefix="coreward-mathverify-") as folder:
        folder = pathlib.Path(folder)
        (folder / "worker.py").write_text(WORKER)
        (folder / "job.json").write_text(json.dumps(job))
        with open(folder / "stderr", "w+") as stderr:
            process = subprocess.Popen([str(python), str(folder / "worker.py"), mode, str(folder / "job.json")],
                                       stdout=subprocess.PIPE, stderr=stderr, text=True)
            lines = queue.Queue()

            def pump():
                for line in process.stdout:
                    lines.put(line)
                lines.put(None)

            threading.Thread(target=pump, daemon=True).start()
            try:
                while True:
                    try:
                        line = lines.get(timeout=line_timeout)
                    except queue.Empty:
                        raise WorkerStopped(f"no answer within {line_timeout:.0f} s") from None
                    if line is None:
                        break
                    yield json.loads(line)
            finally:
                if process.poll() is None:
                    process.kill()
                process.wait()
            if process.returncode != 0:
                stderr.seek(0)
                raise WorkerStopped(f"worker exited with {process.returncode}: {stderr.read()[-2000:]}")


def mathverify_verdicts(python, pairs):
    """One verdict per pair. A pair that hangs the worker or kills it is recorded as not equivalent and
    the worker is restarted after it."""
    verdicts, versions = [], {}
    while len(verdicts) < len(pairs):
        lines = worker_lines(python, "verdicts", {"pairs": pairs[len(verdicts):]}, HARD_TIMEOUT_SECONDS)
        try:
            versions = next(lines)
        except (WorkerStopped, StopIteration) as error:
            raise SystemExit(f"the Math-Verify worker did not start: {error}") from None
        try:
            for verdict in lines:
                verdicts.append(verdict)
        except WorkerStopped as stop:
            if len(verdicts) < len(pairs):
                verdicts.append({"equivalent": False, "status": f"worker stopped: {stop}", "seconds": None,
                                 "gold_parsed": [], "pred_parsed": []})
    return verdicts, versions


def mathverify_pass_seconds(python, pairs, repeats, line_timeout):
    lines = worker_lines(python, "time", {"pairs": pairs, "repeats": repeats}, line_timeout)
    next(lines)
    return [line["seconds"] for line in lines]


# ------------------------------------------------------------------------------ coreward, over HTTP

def start_server(binary):
    routes = subprocess.run([binary, "routes"], capture_output=True, text=True)
    if "POST /v1/equivalent" not in routes.stdout:
        listed = ", ".join(line for line in routes.stdout.splitlines() if line) or routes.stderr.strip()
        raise SystemExit(f"{binary} has no POST /v1/equivalent (`routes`: {listed}); build a newer one")
    return coreward_process.start_server(binary)  # default configuration


class Coreward:
    """One keep-alive connection to /v1/equivalent that splits a list of pairs when the server says 413."""

    def __init__(self, port):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
        self.max_pairs = None  # learnt from the first 413

    def post(self, path, body):
        """Returns (status, decoded body, Server-Timing app duration in ms)."""
        self.connection.request("POST", path, body=body, headers={"Content-Type": "application/json"})
        response = self.connection.getresponse()
        payload = json.loads(response.read())
        timing = re.search(r"app;dur=([0-9.]+)", response.getheader("Server-Timing") or "")
        return response.status, payload, float(timing.group(1)) if timing else None

    def bodies(self, mode, pairs):
        """Request bodies for the pairs, split to the learnt limit (prepared once, reused for timing)."""
        size = self.max_pairs or len(pairs)
        return [json.dumps({"equivalence": mode, "pairs": [{"a": a, "b": b} for a, b in pairs[i:i + size]]}).encode()
                for i in range(0, len(pairs), size)]

    def learn_limit(self, mode, pairs):
        """Finds how many pairs one request may hold: all of them, else the number the 413 names, else 1024,
        else halving."""
        while True:
            body = self.bodies(mode, pairs)[0]
            status, payload, _ = self.post("/v1/equivalent", body)
            if status != 413:
                return
            current = self.max_pairs or len(pairs)
            named = [int(n) for n in re.findall(r"\d+", payload.get("detail", "")) if 0 < int(n) < current]
            self.max_pairs = named[0] if named else (1024 if current > 1024 else current // 2)
            if self.max_pairs < 1:
                raise SystemExit(f"/v1/equivalent refuses even one pair: {payload}")

    def send(self, bodies):
        """Posts prepared bodies; returns (verdicts, summed Server-Timing ms)."""
        verdicts, server_ms = [], 0.0
        for body in bodies:
            status, payload, duration = self.post("/v1/equivalent", body)
            if status != 200:
                raise SystemExit(f"/v1/equivalent answered {status}: {payload}")
            verdicts.extend(payload["equivalent"])
            server_ms += duration if duration is not None else float("nan")
        return verdicts, server_ms

    def equivalent(self, mode, pairs):
        self.learn_limit(mode, pairs)
        verdicts, _ = self.send(self.bodies(mode, pairs))
        if len(verdicts) != len(pairs) or not all(isinstance(v, bool) for v in verdicts):
            raise SystemExit(f"/v1/equivalent gave {len(verdicts)} verdicts for {len(pairs)} pairs")
        return verdicts

    def slowest_pairs(self, mode, pairs, repeats=3):
        """Each pair in a request of its own, `repeats` times: the three largest per-pair server times (the
        minimum over the repeats, in ms, Server-Timing app;dur) with the pairs' indexes."""
        times = []
        for index, (a, b) in enumerate(pairs):
            body = json.dumps({"equivalence": mode, "pairs": [{"a": a, "b": b}]}).encode()
            durations = [self.post("/v1/equivalent", body)[2] for _ in range(repeats)]
            times.append((min(d if d is not None else float("nan") for d in durations), index))
        return sorted(times, reverse=True)[:3]

    def extract(self, responses):
        answers = []
        for i in range(0, len(responses), 1024):
            status, payload, _ = self.post("/v1/extract", json.dumps({"responses": responses[i:i + 1024]}).encode())
            if status != 200:
                raise SystemExit(f"/v1/extract answered {status}: {payload}")
            answers.extend(item and item["answer"] for item in payload["answers"])
        return answers


# --------------------------------------------------------------------------------------------- report

def percent(hits, total):
    return f"{100 * hits / total:5.1f}" if total else "    -"


def accuracy_table(rows, columns):
    """Per file, then totals; rows with label_doubt are left out everywhere."""
    labelled = [r for r in rows if not r.get("label_doubt")]
    groups = [(name, [r for r in labelled if r["file"] == name]) for name in dict.fromkeys(r["file"] for r in rows)]
    unique = [r for r in labelled if not r.get("duplicate_of")]
    groups += [("all rows", labelled), ("unique rows (overall)", unique),
               ("unique, not Math-Verify's/lighteval's suites",
                [r for r in unique if r["file"] not in ("math_verify", "lighteval")])]
    lines = [f"{'file':46} {'rows':>5} " + " ".join(f"{name:>13}" for name in columns)]
    for index, (name, group) in enumerate(groups):
        if index == len(groups) - 3:
            lines.append("-" * len(lines[0]))
        cells = [percent(sum(r[key] == r["equivalent"] for r in group), len(group)) for key in columns.values()]
        lines.append(f"{name:46} {len(group):5d} " + " ".join(f"{cell:>13}" for cell in cells))
    return "\n".join(lines)


def median_rate(pairs, seconds):
    return pairs / statistics.median(seconds)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (1 Math-Verify pass, 3 coreward passes)")
    parser.add_argument("--binary", default=str(REPO / ".build" / "release" / "coreward"))
    parser.add_argument("--repeat-corpus", type=int, default=20, help="corpus copies per coreward pass")
    parser.add_argument("--fresh-venv", action="store_true", help="rebuild the Math-Verify virtualenv")
    args = parser.parse_args()
    mathverify_passes, coreward_passes = (1, 3) if args.quick else (5, 15)

    rows = load_corpus()
    coreward_pairs = [(coreward_side(r, "gold"), coreward_side(r, "pred")) for r in rows]
    mathverify_pairs = [(mathverify_side(r, "gold"), mathverify_side(r, "pred")) for r in rows]

    # coreward first: it fails fast when the binary lacks the endpoint.
    process, port = start_server(args.binary)
    try:
        coreward = Coreward(port)
        exact = coreward.equivalent("exact", coreward_pairs)
        math = coreward.equivalent("math", coreward_pairs)
        response_sides = [(i, side) for i, r in enumerate(rows) for side in ("gold", "pred") if is_response(r, side)]
        served = coreward.extract([rows[i][side] for i, side in response_sides])
        extraction_differs = sum((answer if answer is not None else rows[i][side]) != coreward_side(rows[i], side)
                                 for (i, side), answer in zip(response_sides, served))

        corpus = coreward_pairs * args.repeat_corpus
        coreward.learn_limit("math", corpus)
        bodies = coreward.bodies("math", corpus)
        expected = math * args.repeat_corpus
        wall, server = [], []
        for attempt in range(coreward_passes + 1):  # the first pass warms up and is not counted
            start = time.perf_counter()
            verdicts, server_ms = coreward.send(bodies)
            elapsed = time.perf_counter() - start
            if verdicts != expected:
                raise SystemExit("coreward's verdicts changed between passes")
            if attempt:
                wall.append(elapsed)
                server.append(server_ms / 1000)
        slowest_pairs = coreward.slowest_pairs("math", coreward_pairs)
        coreward.connection.close()
    finally:
        process.terminate()
        process.wait(timeout=30)

    python = mathverify_python(args.fresh_venv)
    mathverify, versions = mathverify_verdicts(python, mathverify_pairs)
    first_pass = sum(v["seconds"] or HARD_TIMEOUT_SECONDS for v in mathverify)
    # A pair that hung the worker would hang every pass: it is left out of the timing (and reported).
    timed_pairs = [pair for pair, v in zip(mathverify_pairs, mathverify) if not v["status"].startswith("worker")]
    passes = mathverify_pass_seconds(python, timed_pairs, mathverify_passes, max(300.0, 10 * first_pass))

    for row, e, m, mv in zip(rows, exact, math, mathverify):
        row.update(exact_verdict=e, coreward_math=m, mathverify=mv["equivalent"])
    columns = {"exact": "exact_verdict", "Math-Verify": "mathverify", "coreward math": "coreward_math"}

    print(f"corpus: {len(rows)} rows from {CORPUS} ({sum(1 for r in rows if r.get('label_doubt'))} with label_doubt, "
          f"{sum(1 for r in rows if r.get('duplicate_of'))} duplicate_of); math-verify {versions.get('math-verify')} "
          f"(sympy {versions.get('sympy')}); coreward {args.binary}; {os.cpu_count()} CPUs")
    print()
    print("accuracy, % of rows where the checker agrees with the label (label_doubt rows left out)")
    print(accuracy_table(rows, columns))

    n_server = len(corpus)
    mv_rate = median_rate(len(timed_pairs), passes)
    wall_rate, server_rate = median_rate(n_server, wall), median_rate(n_server, server)
    print()
    print(f"speed, comparisons per second (median of {len(passes)} Math-Verify pass(es) over {len(timed_pairs)} "
          f"pairs, {len(wall)} coreward passes over {n_server} pairs = corpus x{args.repeat_corpus} "
          f"in {len(bodies)} request(s) of <= {coreward.max_pairs or n_server} pairs)")
    print(f"{'what':60} {'pairs/s':>12} {'median s/pass':>14} {'min':>8} {'max':>8}")
    for name, rate, seconds in [
            ("Math-Verify parse+parse+verify, in process", mv_rate, passes),
            ("coreward POST /v1/equivalent math, end to end (HTTP)", wall_rate, wall),
            ("coreward server-side (Server-Timing app;dur, summed)", server_rate, server)]:
        print(f"{name:60} {rate:12,.0f} {statistics.median(seconds):14.4f} {min(seconds):8.4f} {max(seconds):8.4f}")
    print(f"ratio coreward / Math-Verify: {wall_rate / mv_rate:,.0f}x end to end, {server_rate / mv_rate:,.0f}x server-side")
    print("coreward slowest pairs, one pair per request, server-side (best of 3): " + "; ".join(
        f"{rows[i]['file']}:{rows[i]['jsonl_line']} {ms:.3f} ms" for ms, i in slowest_pairs))

    print()
    disagree = [r for r in rows if r["mathverify"] != r["coreward_math"]]
    judged = [r for r in disagree if not r.get("label_doubt") and not r.get("duplicate_of")]
    print(f"Math-Verify and coreward math disagree on {len(disagree)} of {len(rows)} pairs "
          f"({sum(1 for r in disagree if not r.get('duplicate_of'))} unique); of the {len(judged)} unique labelled "
          f"ones, the label sides with coreward on {sum(r['coreward_math'] == r['equivalent'] for r in judged)}, "
          f"with Math-Verify on {sum(r['mathverify'] == r['equivalent'] for r in judged)}")
    statuses = {}
    for verdict in mathverify:
        statuses[verdict["status"]] = statuses.get(verdict["status"], 0) + 1
    print("Math-Verify outcomes: " + ", ".join(f"{status} {count}" for status, count in sorted(statuses.items())) +
          f"; first pass (fresh process) {first_pass:.1f} s")
    slowest = sorted(range(len(rows)), key=lambda i: -(mathverify[i]["seconds"] or HARD_TIMEOUT_SECONDS))[:3]
    print("Math-Verify slowest pairs: " + "; ".join(
        f"{rows[i]['file']}:{rows[i]['jsonl_line']} {mathverify[i]['seconds'] or HARD_TIMEOUT_SECONDS:.2f} s" for i in slowest))
    mismatched = sum(e != (a == b) for e, (a, b) in zip(exact, coreward_pairs))
    print(f"checks: exact mode differs from Python string equality on {mismatched} pairs; this script's extraction "
          f"differs from coreward's /v1/extract on {extraction_differs} of {len(response_sides)} response sides")

    details = [{"file": r["file"], "jsonl_line": r["jsonl_line"], "kind": r["kind"], "gold": r["gold"], "pred": r["pred"],
                "label": r["equivalent"], "label_doubt": r.get("label_doubt"), "duplicate_of": r.get("duplicate_of"),
                "label_policy": r.get("label_policy"), "params": r.get("params"),
                "coreward_a": a, "coreward_b": b, "exact": r["exact_verdict"], "coreward_math": r["coreward_math"],
                "mathverify": r["mathverify"], "mathverify_status": mv["status"], "mathverify_seconds": mv["seconds"],
                "mathverify_gold_parsed": mv["gold_parsed"], "mathverify_pred_parsed": mv["pred_parsed"]}
               for r, (a, b), mv in zip(rows, coreward_pairs, mathverify)]
    handle, path = tempfile.mkstemp(prefix="coreward-equivalence-", suffix=".json")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        json.dump({"versions": versions, "binary": args.binary, "rows": details}, out, ensure_ascii=False, indent=1)
    print(f"per-row verdicts: {path}")


if __name__ == "__main__":
    main()
