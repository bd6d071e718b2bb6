"""Operating it: metrics, auth, request ids, time budgets, graceful shutdown, slow clients."""
import json
import re
import os
import signal
import socket
import threading
import time

import pytest
import requests

from conftest import Server, metric_value, metrics_of, problem

BATCH = {"groups": [{"views": [{"responses": ["\\boxed{1}", "\\boxed{2}", "none"]},
                               {"responses": ["\\boxed{1}", "\\boxed{1}"]}], "label": "1"}]}


def test_metrics_count_requests_and_scoring(start_server):
    server = start_server()
    for _ in range(3):
        assert server.post("/v1/reward", BATCH).status_code == 200
    server.post("/v1/reward", b"{")
    samples = metrics_of(server)
    assert metric_value(samples, "coreward_http_requests_total", route="/v1/reward", method="POST", status="200") == 3
    assert metric_value(samples, "coreward_http_requests_total", route="/v1/reward", method="POST", status="400") == 1
    assert metric_value(samples, "coreward_http_request_duration_seconds_count", route="/v1/reward") == 4
    assert metric_value(samples, "coreward_groups_scored_total") == 3
    assert metric_value(samples, "coreward_rollouts_scored_total") == 15
    # per batch: view 0 elected "1" -> rewards 1,0,0; view 1 elected "1" -> 1,1: sum 3
    assert metric_value(samples, "coreward_reward_sum_total") == 9
    assert metric_value(samples, "coreward_empty_answers_total") == 3
    assert metric_value(samples, "coreward_groups_views_agree_total") == 3
    assert metric_value(samples, "coreward_labelled_views_total") == 6
    assert metric_value(samples, "coreward_pseudo_labels_correct_total") == 6
    assert metric_value(samples, "coreward_last_batch_mean_reward") == pytest.approx(3 / 5)
    assert metric_value(samples, "coreward_last_batch_label_accuracy") == 1.0
    # unknown paths share one label, so that scanners cannot blow up the series count
    server.get("/wp-admin")
    server.get("/.env")
    samples = metrics_of(server)
    assert metric_value(samples, "coreward_http_requests_total", route="unmatched", method="GET", status="404") == 2


def test_metrics_on_a_separate_port(start_server):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        metrics_port = probe.getsockname()[1]
    server = start_server("--metrics-port", str(metrics_port))
    assert server.get("/metrics").status_code == 404
    server.post("/v1/reward", BATCH)
    samples = metrics_of(server, f"http://127.0.0.1:{metrics_port}")
    assert metric_value(samples, "coreward_groups_scored_total") == 1
    assert requests.get(f"http://127.0.0.1:{metrics_port}/healthz", timeout=10).status_code == 200
    assert requests.post(f"http://127.0.0.1:{metrics_port}/v1/reward", json=BATCH, timeout=10).status_code == 404


def test_auth_on(start_server, tmp_path):
    key_file = tmp_path / "key"
    key_file.write_text("s3cret-token\n")
    server = start_server("--api-key-file", str(key_file))
    for path, body in [("/v1/reward", BATCH), ("/v1/vote", {"groups": []}), ("/v1/extract", {"responses": []})]:
        denied = server.post(path, body)
        problem(401, denied)
        assert denied.headers["WWW-Authenticate"] == "Bearer"
        problem(401, server.post(path, body, headers={"Authorization": "Bearer s3cret-tokeN"}))
        problem(401, server.post(path, body, headers={"Authorization": "Bearer s3cret-token-longer"}))
        problem(401, server.post(path, body, headers={"Authorization": "Basic s3cret-token"}))
        assert server.post(path, body, headers={"Authorization": "Bearer s3cret-token"}).status_code == 200
        assert server.post(path, body, headers={"Authorization": "bearer s3cret-token"}).status_code == 200
    problem(401, server.get("/v1/info"))
    info = server.get("/v1/info", headers={"Authorization": "Bearer s3cret-token"}).json()
    assert info["auth"] == "bearer"
    # probes and scrapers need no secret
    assert server.wait_ready().status_code == 200
    for path in ["/healthz", "/readyz", "/metrics"]:
        assert server.get(path).status_code == 200


def test_auth_off(server):
    assert server.post("/v1/reward", BATCH).status_code == 200
    assert server.get("/v1/info").json()["auth"] == "none"


def test_auth_key_file_must_be_usable(tmp_path):
    empty = tmp_path / "empty"
    empty.write_text("  \n")
    with pytest.raises(RuntimeError, match="one key"):
        Server("--api-key-file", str(empty))
    with pytest.raises(RuntimeError, match="cannot read"):
        Server("--api-key-file", str(tmp_path / "missing"))


def test_request_ids_are_echoed_or_generated(server):
    mine = server.post("/v1/reward", BATCH, headers={"X-Request-Id": "trainer-step-17"})
    assert mine.headers["X-Request-Id"] == "trainer-step-17"
    generated = {server.get("/healthz").headers["X-Request-Id"] for _ in range(3)}
    assert len(generated) == 3 and all(len(g) == 32 for g in generated)
    bad = server.get("/healthz", headers={"X-Request-Id": "x" * 500})
    assert len(bad.headers["X-Request-Id"]) == 32
    assert float(re.match(r"app;dur=([0-9.]+)", mine.headers["Server-Timing"]).group(1)) >= 0


def test_access_log_is_structured(start_server):
    server = start_server("--log-format", "json")
    server.post("/v1/reward", BATCH, headers={"X-Request-Id": "abc-123"})
    deadline = time.time() + 5
    while "abc-123" not in server.log() and time.time() < deadline:
        time.sleep(0.05)
    lines = [json.loads(line) for line in server.log().splitlines() if line.startswith("{")]
    access = [line for line in lines if line.get("request_id") == "abc-123"]
    assert access, server.log()
    assert access[0]["path"] == "/v1/reward" and access[0]["status"] == "200" and access[0]["level"] == "info"


def test_time_budget_gives_503_not_a_partial_answer(start_server, math_rollouts):
    server = start_server("--request-timeout-seconds", "0.001")
    groups = [{"views": [{"responses": p["responses"][:4]}, {"responses": p["responses"][4:]}]}
              for p in math_rollouts] * 3
    response = server.post("/v1/reward", {"groups": groups})
    found = problem(503, response)
    assert response.headers["Retry-After"] == "1"
    assert "time budget" in found["detail"]
    assert server.get("/v1/info").json()["limits"]["request_timeout_seconds"] == 0.001


def test_sigterm_during_a_stream_of_requests_loses_none(start_server, math_rollouts):
    """In-flight requests finish; new connections are refused once draining begins; nothing is cut off."""
    server = start_server("--drain-timeout-seconds", "20")
    body = json.dumps({"groups": [{"views": [{"responses": p["responses"][:4]}, {"responses": p["responses"][4:]}]}
                                  for p in math_rollouts] * 8}).encode()
    outcomes = []
    stop = threading.Event()

    def client():
        while not stop.is_set():
            try:
                # a fresh connection per request, as a retrying trainer or a load balancer would do
                response = requests.post(server.url + "/v1/reward", data=body, timeout=60,
                                         headers={"Content-Type": "application/json", "Connection": "close"})
                outcomes.append(("ok", response.status_code, len(response.json()["groups"])))
            except requests.exceptions.ConnectionError as error:
                refused = isinstance(getattr(error.args[0], "reason", None), ConnectionRefusedError) or \
                    "Connection refused" in str(error)
                outcomes.append(("refused" if refused else f"failed: {error}", None, None))
                if refused:
                    return

    threads = [threading.Thread(target=client) for _ in range(6)]
    for thread in threads:
        thread.start()
    time.sleep(1.0)
    served_before = len(outcomes)
    server.process.send_signal(signal.SIGTERM)
    assert server.process.wait(timeout=30) == 0
    stop.set()
    for thread in threads:
        thread.join(timeout=60)
    assert served_before > 0
    failures = [o for o in outcomes if o[0] not in ("ok", "refused")]
    assert not failures, failures[:3]
    assert all(o[1] == 200 and o[2] == 800 for o in outcomes if o[0] == "ok")
    assert "stopped" in server.log()


def test_slow_clients_do_not_block_others_and_stalled_ones_are_cut_off(start_server):
    server = start_server("--connection-timeout-seconds", "2", "--threads", "1")
    loris = []
    for _ in range(30):
        connection = socket.create_connection(("127.0.0.1", server.port), timeout=10)
        connection.sendall(b"POST /v1/reward HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                           b"Content-Length: 1000000\r\n\r\n{\"groups\": [")
        loris.append(connection)
    # thirty stalled uploads on the only worker thread: others are still answered at once
    started = time.time()
    assert server.get("/healthz").status_code == 200
    assert server.post("/v1/reward", BATCH).status_code == 200
    assert time.time() - started < 1.5
    # a stalled upload is closed after the connection timeout, without a 5xx
    for connection in loris:
        connection.settimeout(10)
        answer = connection.recv(65536)
        assert not answer.startswith(b"HTTP/1.1 5")
        connection.close()
    # The session's keep-alive connection sat idle past the 2 s timeout too, and the server may close it just as
    # it is reused: ask on a new connection.
    server.session.close()
    assert server.get("/healthz").status_code == 200


def test_environment_variables_configure_and_flags_win(start_server):
    server = start_server("--max-groups", "7", "--threads", "1",
                          env={"COREWARD_MAX_GROUPS": "3", "COREWARD_MAX_VIEWS": "5"})
    limits = server.get("/v1/info").json()["limits"]
    assert limits["max_groups"] == 7
    assert limits["max_views"] == 5
    assert limits["threads"] == 1 and limits["encoder_workers"] == 1  # the encoder follows --threads
    assert "Thread pool is not used" not in server.log()
    other = start_server(env={"COREWARD_ENCODER_WORKERS": "3"})
    assert other.get("/v1/info").json()["limits"]["encoder_workers"] == 3
    with pytest.raises(RuntimeError):
        Server(env={"COREWARD_MAX_GROUPS": "lots"})
