"""Fixtures that start the real `coreward` binary on a free loopback port."""
import json
import pathlib
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

REPO = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "Tests"))
from coreward_process import BINARY, MODEL_DIR, SHARED, CorewardProcess  # noqa: E402,F401 (tests import them from here)


class LLMStub:
    """An OpenAI-compatible chat server on loopback, standing in for the LLM server of the llm backend (which needs a
    GPU). `answer(question, body)` gives each request's (status, body bytes, extra headers); the question is the text
    after "Problem:\n" in the request's first message."""

    def __init__(self, answer):
        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                question = body["messages"][0]["content"].split("Problem:\n", 1)[-1]
                status, data, headers = answer(question, body)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


class Server(CorewardProcess):
    """A running coreward process and a session to talk to it."""

    def __init__(self, *flags, env=None):
        super().__init__(*flags, env=env)
        self.session = requests.Session()

    def wait_ready(self, timeout=60):
        """Waits until /readyz answers 200 (the encoder is loaded); returns the last response."""
        deadline = time.time() + timeout
        while True:
            response = self.get("/readyz")
            if response.status_code == 200 or time.time() > deadline:
                return response
            time.sleep(0.05)

    def post(self, path, body, **kwargs):
        headers = {"Content-Type": "application/json", **kwargs.pop("headers", {})}
        data = body if isinstance(body, (bytes, str)) else json.dumps(body)
        return self.session.post(self.url + path, data=data, headers=headers, timeout=60, **kwargs)

    def get(self, path, **kwargs):
        return self.session.get(self.url + path, timeout=60, **kwargs)

    def stop(self):
        self.session.close()
        return super().stop()


@pytest.fixture(scope="session")
def server():
    running = Server("--drain-timeout-seconds", "10")
    assert running.wait_ready().status_code == 200, running.log()
    yield running
    assert running.stop() == 0, "coreward did not exit cleanly on SIGTERM"


@pytest.fixture
def start_server():
    """Starts servers with extra flags; stops them after the test."""
    started = []

    def start(*flags, env=None):
        running = Server(*flags, env=env)
        started.append(running)
        return running

    yield start
    for running in started:
        running.stop()


def read_jsonl(path):
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


@pytest.fixture(scope="session")
def math_rollouts():
    return read_jsonl(SHARED / "data" / "rollouts" / "math_qwen25math_instruct_n8.jsonl")


def problem(status, response):
    """Asserts an RFC 9457 problem response and returns its body."""
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status
    assert body["type"] == "about:blank"
    assert isinstance(body["title"], str) and body["title"]
    assert isinstance(body["detail"], str) and body["detail"]
    return body


def metrics_of(server, url=None):
    """The server's /metrics (or those at `url`) as {(name, sorted labels): value}."""
    text = requests.get((url or server.url) + "/metrics", timeout=30).text
    samples = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def metric_value(samples, name, **labels):
    """One sample of `metrics_of`'s result; 0 when absent."""
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)
