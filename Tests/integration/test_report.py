"""`coreward report` on a stats log and on a server's run history, opened in a real headless Chromium (Debian's
package; scripts/install-deps.sh --test installs it): the page must render its charts with no network."""
import http.server
import json
import os
import re
import shutil
import struct
import subprocess
import threading
import zlib
from html.parser import HTMLParser

import pytest

from conftest import BINARY

CHROMIUM = shutil.which("chromium")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no chromium (apt-get install chromium; "
                                                         "scripts/install-deps.sh --test installs it)")

SIGNALS = ["answer_concentration", "answer_classes_per_group", "consensus", "empty_rate", "mean_response_bytes",
           "p10_response_bytes", "mean_reward", "views_agree_rate", "label_accuracy"]


def collapsing_steps(healthy=20, warning=5, collapsing=15):
    """Steps of a run that trains well, then drifts to one answer with ever shorter, more unanimous responses."""
    steps = []
    for step in range(1, healthy + warning + collapsing + 1):
        drift = max(0, step - healthy) / max(1, warning + collapsing)  # 0 while healthy, to 1 at the last step
        verdict = "healthy" if step <= healthy else "warning" if step <= healthy + warning else "collapse_suspected"
        reasons = []
        if verdict == "warning":
            reasons = [f"consensus {0.8 + 0.2 * drift:.2f} over the last 5 steps is at least 0.85"]
        elif verdict == "collapse_suspected":
            reasons = [f"answer_concentration {0.1 + 0.8 * drift:.2f} over the last 5 steps is at least 0.50",
                       "mean_reward rising while label_accuracy falls over the last 10 steps"]
        wobble = 0.02 * ((step * 7) % 5 - 2)
        steps.append({
            "step": step, "time": f"2026-11-30T13:{step:02d}:00.000Z", "groups": 128, "rollouts": 2048,
            "mean_reward": 0.45 + 0.5 * drift + wobble, "empty_rate": 0.05 + 0.3 * drift,
            "views_agree_rate": 0.6 + 0.35 * drift, "label_accuracy": 0.7 - 0.5 * drift + wobble,
            "answer_concentration": 0.08 + 0.8 * drift, "answer_classes_per_group": 2.4 - 1.3 * drift,
            "consensus": 0.7 + 0.3 * drift, "mean_response_bytes": 1200 - 1000 * drift + 40 * wobble,
            "p10_response_bytes": 400 - 350 * drift, "verdict": verdict, "reasons": reasons,
        })
    return steps


@pytest.fixture
def stats_log(tmp_path):
    """Two runs interleaved as a server appends them, the last line cut short as by a crash."""
    collapsing = [{"run": "grpo-qwen-7b-17", **step} for step in collapsing_steps()]
    healthy = [{"run": "grpo-healthy", **step} for step in collapsing_steps(healthy=30, warning=0, collapsing=0)]
    for step in healthy:
        step.pop("label_accuracy")
    lines = []
    for index in range(max(len(collapsing), len(healthy))):
        lines += [json.dumps(run[index]) for run in (collapsing, healthy) if index < len(run)]
    path = tmp_path / "stats.jsonl"
    path.write_text("\n".join(lines) + '\n{"run": "grpo-qwen-7b-17", "step": 4')
    return path


def report(*args):
    return subprocess.run([str(BINARY), "report", *args], capture_output=True, text=True, timeout=60)


def chromium(tmp_path, *args):
    """Runs headless Chromium with a throw-away profile; its standard output."""
    result = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}", *args],
        capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


class Elements(HTMLParser):
    """Every start tag of a document as (tag, attributes, the tags it is inside)."""

    VOID = {"meta", "link", "br", "img", "input", "hr", "area", "base", "col", "embed", "source", "track", "wbr"}

    def __init__(self, html):
        super().__init__()
        self.found, self.stack = [], []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs), [(t, a) for t, a in self.stack]))
        if tag not in self.VOID:
            self.stack.append((tag, dict(attrs)))

    def handle_startendtag(self, tag, attrs):
        self.found.append((tag, dict(attrs), list(self.stack)))

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def within(self, tag, **attributes):
        """The elements `tag` with `attributes` (a value may be a regular expression) and where they are."""
        return [(attrs, outer) for name, attrs, outer in self.found if name == tag and all(
            re.fullmatch(value, attrs.get(key, "")) for key, value in attributes.items())]


def section_of(outer):
    return next((attrs["data-run"] for tag, attrs in outer if tag == "section"), None)


def signal_of(outer):
    return next((attrs["data-signal"] for tag, attrs in outer if tag == "svg"), None)


def png_pixels(path):
    """(width, height, rows of (r, g, b)) of an 8-bit RGB or RGBA, non-interlaced PNG."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    position, idat, header = 8, b"", None
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position:position + 8])
        chunk = data[position + 8:position + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", chunk)
        elif kind == b"IDAT":
            idat += chunk
        position += 12 + length
    width, height, depth, colour, _, _, interlace = header
    assert depth == 8 and colour in (2, 6) and interlace == 0, header
    channels = 3 if colour == 2 else 4
    raw, stride, rows, previous = zlib.decompress(idat), width * channels, [], bytearray(width * channels)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            left = line[x - channels] if x >= channels else 0
            up, corner = previous[x], previous[x - channels] if x >= channels else 0
            if kind == 1:
                line[x] = (line[x] + left) & 0xFF
            elif kind == 2:
                line[x] = (line[x] + up) & 0xFF
            elif kind == 3:
                line[x] = (line[x] + (left + up) // 2) & 0xFF
            elif kind == 4:
                estimate = left + up - corner
                nearest = min((abs(estimate - left), 0, left), (abs(estimate - up), 1, up), (abs(estimate - corner), 2, corner))[2]
                line[x] = (line[x] + nearest) & 0xFF
        rows.append([tuple(line[i:i + 3]) for i in range(0, stride, channels)])
        previous = line
    return width, height, rows


def test_a_stats_log_becomes_a_page_that_chromium_renders(stats_log, tmp_path):
    out = tmp_path / "report.html"
    result = report("--input", str(stats_log), "--output", str(out))
    assert result.returncode == 0, result.stderr
    assert "2 runs" in result.stdout
    assert "skipped line 71" in result.stderr

    dom = Elements(chromium(tmp_path, "--dump-dom", out.as_uri()))
    sections = [attrs["data-run"] for attrs, _ in dom.within("section")]
    assert sections == ["grpo-qwen-7b-17", "grpo-healthy"]

    charts = [(section_of(outer), attrs["data-signal"]) for attrs, outer in dom.within("svg", **{"class": "chart"})]
    assert [signal for run, signal in charts if run == "grpo-qwen-7b-17"] == SIGNALS
    assert [signal for run, signal in charts if run == "grpo-healthy"] == [s for s in SIGNALS if s != "label_accuracy"]
    # Every chart draws its line: a polyline through every step (40 and 30 of them; few enough to be dots too).
    lines = dom.within("polyline", **{"class": "line"})
    assert sorted((section_of(outer), signal_of(outer)) for _, outer in lines) == sorted(charts)
    for attrs, outer in lines:
        points = attrs["points"].split()
        assert len(points) == (40 if section_of(outer) == "grpo-qwen-7b-17" else 30)
        assert all(re.fullmatch(r"-?[\d.]+,-?[\d.]+", point) for point in points)
    # The verdict changes of the collapsing run (warning at 21, collapse_suspected at 26) are marked on each of
    # its charts, as lines and as shaded bands; the healthy run has none.
    marks = dom.within("g", **{"class": r"change .*"})
    assert {section_of(outer) for _, outer in marks} == {"grpo-qwen-7b-17"}
    assert sorted((attrs["class"], attrs["data-step"]) for attrs, _ in marks) == sorted(
        [("change warning", "21"), ("change collapse_suspected", "26")] * len(SIGNALS))
    bands = dom.within("rect", **{"class": r"band .*"})
    assert sorted(attrs["class"] for attrs, _ in bands) == sorted(["band warning", "band collapse_suspected"] * len(SIGNALS))
    # The table of changes, with the reasons.
    rows = dom.within("tr", **{"class": "warning|collapse_suspected"})
    assert [attrs["class"] for attrs, _ in rows] == ["warning", "collapse_suspected"]
    html = out.read_text()
    assert "answer_concentration 0.34 over the last 5 steps is at least 0.50" in html
    assert "Skipped 1 line that is not a step: line 71" in html

    # Drawn for real: the top of the page (the verdict and the first chart) has the line's blue and the collapse red.
    shot = tmp_path / "report.png"
    chromium(tmp_path, f"--screenshot={shot}", "--window-size=900,700", "--hide-scrollbars", out.as_uri())
    width, height, rows = png_pixels(shot)
    colours = {pixel for row in rows for pixel in row}
    assert (0x1F, 0x5F, 0xA8) in colours, "no series line drawn"
    assert (0xC6, 0x28, 0x28) in colours, "no collapse_suspected mark drawn"


def test_one_run_of_a_log(stats_log, tmp_path):
    out = tmp_path / "one.html"
    result = report("--input", str(stats_log), "--run", "grpo-healthy", "-o", str(out))
    assert result.returncode == 0, result.stderr
    html = out.read_text()
    assert 'data-run="grpo-healthy"' in html and "grpo-qwen-7b-17" not in html
    assert "The verdict stayed healthy at every step." in html

    missing = report("--input", str(stats_log), "--run", "nope", "-o", str(tmp_path / "none.html"))
    assert missing.returncode != 0
    assert "no run nope" in missing.stderr and "grpo-healthy" in missing.stderr
    assert not (tmp_path / "none.html").exists()


class History(http.server.BaseHTTPRequestHandler):
    """GET /v1/runs/{run} as RUNS history, behind a bearer key."""

    key, history = "s3cret", None

    def do_GET(self):
        if self.headers.get("Authorization") != f"Bearer {self.key}":
            self.answer(401, {"status": 401, "title": "Unauthorized"})
        elif self.path == "/v1/runs/grpo-qwen-7b-17":
            self.answer(200, self.history)
        else:
            self.answer(404, {"status": 404, "title": "Not Found"})

    def answer(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def history_server():
    steps = collapsing_steps()
    History.history = {"run": "grpo-qwen-7b-17", "verdict": {"state": "collapse_suspected", "reasons": steps[-1]["reasons"]},
                       "steps": steps}
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), History)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_a_run_fetched_from_a_server(history_server, tmp_path):
    key_file = tmp_path / "key"
    key_file.write_text(History.key + "\n")
    out = tmp_path / "server.html"
    result = report("--server", history_server, "--run", "grpo-qwen-7b-17", "--api-key-file", str(key_file), "-o", str(out))
    assert result.returncode == 0, result.stderr
    dom = Elements(chromium(tmp_path, "--dump-dom", out.as_uri()))
    assert [attrs["data-signal"] for attrs, _ in dom.within("svg", **{"class": "chart"})] == SIGNALS
    assert len(dom.within("polyline", **{"class": "line"})) == len(SIGNALS)
    assert len(dom.within("g", **{"class": r"change .*"})) == 2 * len(SIGNALS)
    assert f"GET {history_server}/v1/runs/grpo-qwen-7b-17" in out.read_text()

    without_key = report("--server", history_server, "--run", "grpo-qwen-7b-17", "-o", str(tmp_path / "x.html"))
    assert without_key.returncode != 0 and "401" in without_key.stderr
    unknown = report("--server", history_server, "--run", "other", "--api-key-file", str(key_file), "-o", str(tmp_path / "x.html"))
    assert unknown.returncode != 0 and "404" in unknown.stderr


@pytest.mark.parametrize("args, says", [
    ([], "either --input or --server"),
    (["--input", "a", "--server", "http://127.0.0.1:1"], "either --input or --server"),
    (["--server", "http://127.0.0.1:1"], "--server needs --run"),
    (["--server", "ftp://x", "--run", "r"], "http or https"),
    (["--input", "/nonexistent/stats.jsonl"], "cannot read"),
])
def test_bad_arguments_are_refused(args, says, tmp_path):
    result = report(*args, "--output", str(tmp_path / "x.html"))
    assert result.returncode != 0
    assert says in result.stderr
