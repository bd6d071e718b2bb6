"""The monitoring files of docker/ (Prometheus config and alerts, Grafana provisioning and dashboard) against the
run-history metrics coreward exports (docs/collapse-watch.md) and against docker/compose.yaml. promtool checks and
unit-tests the Prometheus files themselves (`make check-monitoring`); these tests need no running service."""
import json
import re

import pytest
import yaml

from conftest import REPO

DOCKER = REPO / "docker"
DASHBOARD = DOCKER / "grafana" / "dashboards" / "collapse-watch.json"

# The run-history series on /metrics (docs/collapse-watch.md), with the values their labels take.
METRICS = {"coreward_run_signal", "coreward_run_verdict", "coreward_run_steps_total"}
SIGNALS = {"answer_concentration", "top_answer_share", "answer_classes_per_group", "consensus", "empty_rate", "mean_response_bytes",
           "p10_response_bytes", "mean_reward", "views_agree_rate", "label_accuracy"}
STATES = {"healthy", "warning", "collapse_suspected"}


def load_yaml(path):
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@pytest.fixture(scope="module")
def dashboard():
    with open(DASHBOARD, encoding="utf-8") as handle:
        return json.load(handle)


def expressions(dashboard):
    """(panel, expr) for every query of every panel."""
    return [(panel, target["expr"]) for panel in dashboard["panels"] for target in panel.get("targets", [])]


def label_values(expr, label):
    return set(re.findall(label + r'\s*=~?\s*"([^"]*)"', expr))


def test_every_panel_queries_run_history_metrics_only(dashboard):
    assert dashboard["panels"]
    for panel in dashboard["panels"]:
        assert panel.get("targets"), f"panel {panel['title']!r} has no query"
    for panel, expr in expressions(dashboard):
        used = set(re.findall(r"\b(coreward_\w+)", expr))
        assert used, f"{panel['title']!r}: {expr} queries no coreward metric"
        assert used <= METRICS, f"{panel['title']!r}: {used - METRICS} is not a run-history metric"
        assert label_values(expr, "signal") <= SIGNALS, f"{panel['title']!r}: unknown signal in {expr}"
        assert label_values(expr, "state") <= STATES, f"{panel['title']!r}: unknown state in {expr}"
        assert '$run' in expr, f"{panel['title']!r} ignores the run selector"


def test_one_time_series_panel_per_signal(dashboard):
    charted = [label_values(expr, "signal") for panel, expr in expressions(dashboard) if panel["type"] == "timeseries"]
    assert all(len(signals) == 1 for signals in charted)
    assert sorted(next(iter(signals)) for signals in charted) == sorted(SIGNALS)


def test_the_verdict_is_shown_over_time_and_now_with_every_state_named(dashboard):
    verdict_panels = [panel for panel, expr in expressions(dashboard) if "coreward_run_verdict" in expr]
    assert {panel["type"] for panel in verdict_panels} >= {"state-timeline", "stat"}
    for panel in verdict_panels:
        texts = {option["text"] for mapping in panel["fieldConfig"]["defaults"]["mappings"]
                 for option in mapping["options"].values()}
        assert texts == STATES, panel["title"]


def test_panels_do_not_overlap(dashboard):
    cells = set()
    for panel in dashboard["panels"]:
        grid = panel["gridPos"]
        assert grid["x"] + grid["w"] <= 24, panel["title"]
        mine = {(x, y) for x in range(grid["x"], grid["x"] + grid["w"]) for y in range(grid["y"], grid["y"] + grid["h"])}
        assert not cells & mine, f"{panel['title']!r} overlaps another panel"
        cells |= mine


def test_the_run_variable_lists_the_runs(dashboard):
    (variable,) = dashboard["templating"]["list"]
    assert variable["name"] == "run"
    assert "coreward_run_verdict" in variable["definition"]


def test_panels_use_the_provisioned_data_source(dashboard):
    (source,) = load_yaml(DOCKER / "grafana" / "provisioning" / "datasources" / "prometheus.yml")["datasources"]
    assert source["url"] == "http://prometheus:9090"
    for panel in dashboard["panels"]:
        assert panel["datasource"]["uid"] == source["uid"]
        assert all(target["datasource"]["uid"] == source["uid"] for target in panel["targets"])


def test_compose_mounts_what_grafana_and_prometheus_read():
    compose = load_yaml(DOCKER / "compose.yaml")["services"]
    grafana_volumes = compose["grafana"]["volumes"]
    assert "./grafana/provisioning:/etc/grafana/provisioning:ro" in grafana_volumes
    (provider,) = load_yaml(DOCKER / "grafana" / "provisioning" / "dashboards" / "coreward.yml")["providers"]
    assert f"./grafana/dashboards:{provider['options']['path']}:ro" in grafana_volumes
    home = compose["grafana"]["environment"]["GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH"]
    assert home == f"{provider['options']['path']}/{DASHBOARD.name}"
    assert "./prometheus:/etc/prometheus:ro" in compose["prometheus"]["volumes"]
    assert "--config.file=/etc/prometheus/prometheus.yml" in compose["prometheus"]["command"]


def test_prometheus_scrapes_every_replica_of_compose():
    replicas = {name for name in load_yaml(DOCKER / "compose.yaml")["services"] if re.fullmatch(r"coreward-\d+", name)}
    config = load_yaml(DOCKER / "prometheus" / "prometheus.yml")
    (job,) = [job for job in config["scrape_configs"] if job["job_name"] == "coreward"]
    targets = {target for group in job["static_configs"] for target in group["targets"]}
    assert targets == {f"{name}:8080" for name in replicas}
    assert config["rule_files"] == ["alerts.yml"]


def test_alerts_watch_both_bad_states_and_point_at_the_run_history():
    rules = [rule for group in load_yaml(DOCKER / "prometheus" / "alerts.yml")["groups"] for rule in group["rules"]]
    watched = set()
    for rule in rules:
        assert set(re.findall(r"\b(coreward_\w+)", rule["expr"])) <= METRICS
        watched |= label_values(rule["expr"], "state")
        assert "/v1/runs/{{ $labels.run }}" in rule["annotations"]["description"]
        assert rule["for"]
    assert watched == {"warning", "collapse_suspected"}
