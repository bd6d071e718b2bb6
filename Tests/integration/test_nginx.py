"""Two real replicas behind a real nginx (Debian package) on loopback, configured from the same template as
docker/nginx.conf (docker/nginx.conf.template, rendered by docker/render-nginx-conf.py)."""
import importlib.util
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from conftest import REPO

NGINX = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.access(p, os.X_OK)), None)
pytestmark = pytest.mark.skipif(NGINX is None, reason="no nginx binary (apt-get install nginx-light; "
                                                       "scripts/install-deps.sh installs it)")

_spec = importlib.util.spec_from_file_location("render_nginx_conf", REPO / "docker" / "render-nginx-conf.py")
render_nginx_conf = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(render_nginx_conf)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Nginx:
    """nginx in the foreground with everything (config, pid, logs, temp files) in a throw-away prefix."""

    def __init__(self, upstream_ports):
        self.prefix = tempfile.mkdtemp(prefix="coreward-nginx-")
        os.chmod(self.prefix, 0o755)  # the worker (an unprivileged user when run as root) writes temp files here
        self.conf = os.path.join(self.prefix, "nginx.conf")
        for _ in range(5):
            self.port = free_port()
            with open(self.conf, "w") as handle:
                handle.write(render_nginx_conf.render([f"127.0.0.1:{p}" for p in upstream_ports],
                                                      listen=f"127.0.0.1:{self.port}", runtime_dir=self.prefix,
                                                      worker_processes=1))
            self.process = subprocess.Popen([NGINX, "-p", self.prefix, "-c", self.conf, "-g", "daemon off;"],
                                            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
            if self._wait_listening():
                break
            self.stop()
        else:
            raise RuntimeError("nginx did not start:\n" + self.error_log())
        self.url = f"http://127.0.0.1:{self.port}"

    def _wait_listening(self, timeout=10):
        deadline = time.time() + timeout
        while time.time() < deadline and self.process.poll() is None:
            try:
                if requests.get(f"http://127.0.0.1:{self.port}/nginx-health", timeout=2).status_code == 200:
                    return True
            except requests.exceptions.ConnectionError:
                time.sleep(0.05)
        return False

    def error_log(self):
        path = os.path.join(self.prefix, "error.log")
        return open(path, errors="replace").read() if os.path.exists(path) else ""

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)  # graceful shutdown
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture
def replicas_behind_nginx(start_server):
    replicas = [start_server("--drain-timeout-seconds", "20") for _ in range(2)]
    for replica in replicas:
        assert replica.wait_ready().status_code == 200, replica.log()
    proxy = Nginx([replica.port for replica in replicas])
    yield replicas, proxy
    proxy.stop()
    shutil.rmtree(proxy.prefix, ignore_errors=True)


def reward_body(math_rollouts, copies=1):
    return json.dumps({"advantage": "grpo", "groups": [
        {"id": f"{p['id']}#{c}", "label": p["answer"],
         "views": [{"responses": p["responses"][:4]}, {"responses": p["responses"][4:]}]}
        for c in range(copies) for p in math_rollouts]}).encode()


def test_checked_in_nginx_conf_is_rendered_from_the_template():
    expected = render_nginx_conf.render(["coreward-1:8080", "coreward-2:8080"])
    assert (REPO / "docker" / "nginx.conf").read_text() == expected, \
        "docker/nginx.conf is stale: docker/render-nginx-conf.py --upstream coreward-1:8080 " \
        "--upstream coreward-2:8080 -o docker/nginx.conf"


def test_same_bytes_through_nginx_and_from_each_replica(replicas_behind_nginx, math_rollouts):
    replicas, proxy = replicas_behind_nginx
    headers = {"Content-Type": "application/json", "X-Request-Id": "nginx-test-1"}
    requests_to_make = [
        ("/v1/reward", reward_body(math_rollouts)),
        ("/v1/vote", json.dumps({"groups": [{"id": p["id"], "responses": p["responses"]}
                                            for p in math_rollouts]}).encode()),
        ("/v1/reward", json.dumps({"mode": "self_vote", "reward": "soft", "advantage": "dr_grpo",
                                   "equivalence": "exact", "groups": [
                                       {"id": p["id"], "views": [{"responses": p["responses"]}]}
                                       for p in math_rollouts]}).encode()),
    ]
    with requests.Session() as session:
        for path, body in requests_to_make:
            direct = [session.post(r.url + path, data=body, headers=headers, timeout=60) for r in replicas]
            # several times through nginx, so that round robin reaches both replicas
            proxied = [session.post(proxy.url + path, data=body, headers=headers, timeout=60) for _ in range(4)]
            for response in direct + proxied:
                assert response.status_code == 200, response.text[:500]
                assert response.headers["X-Request-Id"] == "nginx-test-1"
            assert len({r.content for r in direct + proxied}) == 1, f"{path}: bodies differ"
            assert direct[0].headers["Content-Type"] == proxied[0].headers["Content-Type"]
    # nginx generates a request id when the client sends none, and the replica echoes it
    response = requests.get(proxy.url + "/healthz", timeout=10)
    assert response.status_code == 200 and len(response.headers["X-Request-Id"]) == 32
    # both replicas were used (upstream addresses in the access log)
    access_log = open(os.path.join(proxy.prefix, "access.log")).read()
    for replica in replicas:
        assert f"upstream=127.0.0.1:{replica.port}" in access_log


def test_stopping_a_replica_during_a_stream_through_nginx_loses_no_request(replicas_behind_nginx, math_rollouts):
    replicas, proxy = replicas_behind_nginx
    body = reward_body(math_rollouts, copies=4)  # 400 groups, 3,200 rollouts
    expected = requests.post(replicas[1].url + "/v1/reward", data=body, timeout=60,
                             headers={"Content-Type": "application/json"}).content
    assert len(json.loads(expected)["groups"]) == 400
    outcomes = []
    lock = threading.Lock()
    stop = threading.Event()
    deadline = time.time() + 30
    budget = [3000]  # at most this many requests in all (bounded; the time limit usually ends the stream first)

    def client():
        with requests.Session() as session:  # keep-alive to nginx, as a trainer would
            while not stop.is_set() and time.time() < deadline:
                with lock:
                    if budget[0] == 0:
                        return
                    budget[0] -= 1
                try:
                    response = session.post(proxy.url + "/v1/reward", data=body, timeout=60,
                                            headers={"Content-Type": "application/json"})
                    outcome = (response.status_code, response.content == expected)
                except requests.exceptions.RequestException as error:
                    outcome = (f"failed: {error!r}", False)
                with lock:
                    outcomes.append(outcome)

    threads = [threading.Thread(target=client) for _ in range(6)]
    for thread in threads:
        thread.start()
    time.sleep(1.5)
    with lock:
        served_before = len(outcomes)
    replicas[0].process.send_signal(signal.SIGTERM)
    assert replicas[0].process.wait(timeout=30) == 0, replicas[0].log()
    with lock:
        served_during_drain = len(outcomes) - served_before
    time.sleep(1.5)  # the stream continues on the remaining replica
    stop.set()
    for thread in threads:
        thread.join(timeout=60)
    assert served_before > 0
    assert len(outcomes) > served_before + served_during_drain, "no request served after the replica stopped"
    failures = [o for o in outcomes if o != (200, True)]
    assert not failures, f"{len(failures)} of {len(outcomes)} failed, e.g. {failures[:3]}\n{proxy.error_log()}"
    # after the stop, everything goes to the survivor
    assert requests.post(proxy.url + "/v1/reward", data=body, timeout=60,
                         headers={"Content-Type": "application/json"}).content == expected


def test_per_sample_get_reward_through_nginx_reaches_one_replica(replicas_behind_nginx, math_rollouts):
    """OpenRLHF's per-sample /get_reward traffic through nginx: every sample of a pair lands on the same replica,
    so groups complete (round robin would split them until the assembly timeout)."""
    replicas, proxy = replicas_behind_nginx
    pairs = math_rollouts[:4]
    samples = [(f"nginx-{p['id']}", view, response) for p in pairs
               for view in (0, 1) for response in p["responses"][view * 4:(view + 1) * 4]]

    def send(sample):
        pair, view, response = sample
        label = json.dumps({"pair_id": pair, "view": view, "n": 4})
        return requests.post(proxy.url + "/get_reward", json={"query": [response], "labels": [label]}, timeout=60)

    with ThreadPoolExecutor(len(samples)) as pool:
        answers = list(pool.map(send, samples))
    for answer in answers:
        assert answer.status_code == 200, answer.text
        assert answer.json()["extra_logs"]["group_complete"] == [1]
    # the same rewards as the whole groups scored at once, views in canonical (byte) order
    expected = {}
    for p in pairs:
        views = [sorted(p["responses"][v * 4:(v + 1) * 4], key=lambda t: t.encode()) for v in (0, 1)]
        scored = requests.post(replicas[0].url + "/v1/reward",
                               json={"groups": [{"views": [{"responses": v} for v in views]}]}, timeout=60).json()
        for v in (0, 1):
            for text, reward in zip(views[v], scored["groups"][0]["views"][v]["rewards"]):
                expected[(f"nginx-{p['id']}", v, text)] = reward
    assert [a.json()["rewards"][0] for a in answers] == [expected[s] for s in samples]
    served = [sum(1 for line in replica.log().splitlines() if "path=/get_reward" in line) for replica in replicas]
    assert sorted(served) == [0, len(samples)], served
