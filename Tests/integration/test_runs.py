"""Runs followed over time (issue 17) against the real binary: /v1/reward with a run, /v1/runs, the Prometheus
series, the stats log, eviction, and `coreward report` from the log and from the server."""
import json
import subprocess

from conftest import BINARY, metric_value, metrics_of, problem


def batch(run, step, answer="7"):
    """Four groups of two views; `answer` is what every response of the first group says."""
    groups = [{"id": f"q{g}", "label": str(g),
               "views": [{"responses": [f"so \\boxed{{{answer if g == 0 else g}}}"] * 4} for _ in range(2)]}
              for g in range(4)]
    return {"run": run, "groups": groups}


def test_a_named_run_is_followed_served_counted_and_logged(start_server, tmp_path):
    log = tmp_path / "steps.jsonl"
    server = start_server("--stats-log", str(log), "--max-runs", "2")
    for step in range(1, 13):
        stats = server.post("/v1/reward", batch("grpo-7b", step)).json()["stats"]
        assert stats["run"]["name"] == "grpo-7b" and stats["run"]["step"] == step
        assert stats["run"]["verdict"] == "healthy"
        for signal in ("answer_concentration", "top_answer_share", "answer_classes_per_group", "consensus",
                       "mean_response_bytes", "p10_response_bytes"):
            assert signal in stats
    assert stats["answer_concentration"] == 0.25 and stats["consensus"] == 1.0
    assert server.get("/v1/runs").json() == {"runs": [{"run": "grpo-7b", "steps": 12, "verdict": "healthy"}]}
    history = server.get("/v1/runs/grpo-7b").json()
    assert history["verdict"] == {"state": "healthy", "reasons": []}
    assert [s["step"] for s in history["steps"]] == list(range(1, 13))
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    assert [line["step"] for line in lines] == list(range(1, 13)) and lines[0]["run"] == "grpo-7b"
    samples = metrics_of(server)
    assert metric_value(samples, "coreward_run_verdict", run="grpo-7b", state="healthy") == 1
    assert metric_value(samples, "coreward_run_steps_total", run="grpo-7b") == 12
    assert metric_value(samples, "coreward_run_signal", run="grpo-7b", signal="answer_concentration") == 0.25

    # A third run evicts the one updated longest ago, and its series go with it.
    server.post("/v1/reward", batch("b", 1))
    server.post("/v1/reward", batch("c", 1))
    assert [r["run"] for r in server.get("/v1/runs").json()["runs"]] == ["b", "c"]
    problem(404, server.get("/v1/runs/grpo-7b"))
    assert not any(labels and dict(labels).get("run") == "grpo-7b" for (_, labels) in metrics_of(server))

    report = tmp_path / "report.html"
    subprocess.run([str(BINARY), "report", "--input", str(log), "--run", "grpo-7b", "--output", str(report)], check=True)
    assert 'data-signal="top_answer_share"' in report.read_text()
    subprocess.run([str(BINARY), "report", "--server", server.url, "--run", "c", "--output", str(report)], check=True)
    assert 'data-signal="answer_concentration"' in report.read_text()


def test_a_run_answering_one_constant_is_suspected(start_server):
    """Ten healthy steps, then every response answers 42: the verdict turns and says why."""
    server = start_server()
    for step in range(1, 6):
        server.post("/v1/reward", batch("r", step))
    for step in range(6, 11):
        groups = [{"views": [{"responses": ["\\boxed{42}"] * 4} for _ in range(2)]} for _ in range(4)]
        stats = server.post("/v1/reward", {"run": "r", "groups": groups}).json()["stats"]
    assert stats["run"]["verdict"] == "collapse_suspected"
    assert any(reason.startswith("top_answer_share") for reason in stats["run"]["reasons"])


def test_a_bad_run_name_is_a_400(server):
    for name in ["", "has space", "x/y", "a" * 129, 7, None]:
        found = problem(400, server.post("/v1/reward", {**batch("x", 1), "run": name}))
        assert found["pointer"] == "/run"


def test_get_reward_groups_of_a_named_run_make_its_steps(start_server):
    """/get_reward: a run named in the Co-Reward label; every --run-groups-per-step assembled groups are one step."""
    server = start_server("--run-groups-per-step", "2")
    queries, labels = [], []
    for pair in range(4):
        for view in (0, 1):
            for i in range(2):
                queries.append(f"so the answer is \\boxed{{{pair}}}")
                labels.append(json.dumps({"pair_id": f"p{pair}", "view": view, "n": 2, "run": "openrlhf-1"}))
    answer = server.post("/get_reward", {"query": queries, "labels": labels})
    assert answer.status_code == 200, answer.text
    history = server.get("/v1/runs/openrlhf-1").json()
    assert [(s["step"], s["groups"], s["rollouts"]) for s in history["steps"]] == [(1, 2, 8), (2, 2, 8)]
    assert history["steps"][0]["views_agree_rate"] == 1.0
    bad = json.dumps({"pair_id": "q", "view": 0, "n": 2, "run": "no spaces allowed"})
    assert problem(400, server.post("/get_reward", {"query": ["x"], "labels": [bad]}))["pointer"] == "/labels/0"
