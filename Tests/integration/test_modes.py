"""Modes, reward kinds and advantages over HTTP, checked against DESIGN.md's definitions."""
import pytest

from reference import grpo


def boxed(*answers):
    return [f"step ... so \\boxed{{{a}}}" if a is not None else "I give up" for a in answers]


def test_three_views_pool_the_others(server):
    body = server.post("/v1/reward", {"groups": [{"views": [
        {"responses": boxed("a", "a", "a")},
        {"responses": boxed("b", "a")},
        {"responses": boxed("b", "a")},
    ]}]}).json()
    views = body["groups"][0]["views"]
    assert [v["pseudo_label"] for v in views] == ["b", "a", "a"]
    assert views[0]["votes"] == {"winner": 2, "valid": 4, "total": 4}
    assert views[1]["rewards"] == [0, 1]
    assert body["groups"][0]["id"] is None


def test_soft_rewards_and_dr_grpo(server):
    body = server.post("/v1/reward", {"reward": "soft", "advantage": "dr_grpo", "groups": [{"views": [
        {"responses": boxed("1", "2", None, "3")},
        {"responses": boxed("1", "1", "2", None)},
    ]}]}).json()
    view0 = body["groups"][0]["views"][0]
    assert view0["rewards"] == pytest.approx([2 / 3, 1 / 3, 0, 0])
    mean = sum(view0["rewards"]) / 4
    assert view0["advantages"] == pytest.approx([r - mean for r in view0["rewards"]])
    assert view0["answers"] == ["1", "2", None, "3"]


def test_self_vote_and_a_one_rollout_view(server):
    body = server.post("/v1/reward", {"mode": "self_vote", "advantage": "grpo", "groups": [
        {"views": [{"responses": boxed("7", "7", "8")}]},
        {"views": [{"responses": boxed("9")}]},
    ]}).json()
    first, second = body["groups"]
    assert first["views"][0]["rewards"] == [1, 1, 0]
    assert first["views"][0]["advantages"] == pytest.approx(grpo([1.0, 1.0, 0.0]))
    assert second["views"][0]["rewards"] == [1]
    assert second["views"][0]["advantages"] == pytest.approx([1 / (1 + 1e-6)])


def test_ground_truth_mode(server):
    body = server.post("/v1/reward", {"mode": "ground_truth", "groups": [
        {"views": [{"responses": boxed("4", "5")}, {"responses": boxed("4")}], "label": "4"},
    ]}).json()
    group = body["groups"][0]
    assert [v["rewards"] for v in group["views"]] == [[1, 0], [1]]
    assert all("votes" not in v for v in group["views"])
    assert body["stats"]["label_accuracy"] == 1.0


def test_all_equal_view_has_zero_advantages(server):
    body = server.post("/v1/reward", {"advantage": "grpo", "groups": [{"views": [
        {"responses": boxed("3", "3", "3")}, {"responses": boxed("3", "3")},
    ]}]}).json()
    for view in body["groups"][0]["views"]:
        assert view["rewards"] == [1] * len(view["rewards"])
        assert view["advantages"] == [0.0] * len(view["rewards"])
    assert body["stats"]["views_agree_rate"] == 1.0


def test_groups_may_differ_in_size(server):
    body = server.post("/v1/reward", {"groups": [
        {"views": [{"responses": boxed("1")}, {"responses": boxed("1", "2", "1")}]},
        {"views": [{"responses": boxed("5", "5", "6", "5", "5")}, {"responses": boxed("5")}]},
    ]}).json()
    assert [len(v["rewards"]) for g in body["groups"] for v in g["views"]] == [1, 3, 5, 1]
    assert body["stats"]["rollouts"] == 10
