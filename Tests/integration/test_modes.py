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


def test_math_is_the_default_and_merges_formats(server):
    body = server.post("/v1/reward", {"groups": [{"views": [
        {"responses": boxed("\\frac12", "0.5", "3")},
        {"responses": boxed("1/2", "\\dfrac{1}{2}", "2")},
    ]}]}).json()
    view0, view1 = body["groups"][0]["views"]
    assert view0["pseudo_label"] == "1/2" and view0["rewards"] == [1, 1, 0]
    assert view1["pseudo_label"] == "\\frac12" and view1["rewards"] == [1, 1, 0]
    exact = server.post("/v1/reward", {"equivalence": "exact", "groups": [{"views": [
        {"responses": boxed("\\frac12", "0.5", "3")},
        {"responses": boxed("1/2", "\\dfrac{1}{2}", "2")},
    ]}]}).json()
    assert exact["groups"][0]["views"][0]["rewards"] == [0, 0, 0]


def test_equivalent_endpoint(server):
    pairs = [("\\frac12", "0.5", True), ("3.14", "\\pi", False), ("x > 2", "2 < x", True), ("(1,2]", "(1,2)", False),
             ("2\\sqrt{2}", "\\sqrt{8}", True), ("\\{1,2\\}", "\\{2,1\\}", True), ("(1,2)", "(2,1)", False),
             ("1/2^{60}", "1/2^{61}", False)]
    body = server.post("/v1/equivalent", {"pairs": [{"a": a, "b": b} for a, b, _ in pairs]}).json()
    assert body["equivalent"] == [want for _, _, want in pairs]
    swapped = server.post("/v1/equivalent", {"pairs": [{"a": b, "b": a} for a, b, _ in pairs]}).json()
    assert swapped == body
    exact = server.post("/v1/equivalent", {"equivalence": "exact", "pairs": [{"a": "0.5", "b": "0.5"}, {"a": "0.5", "b": ".5"}]})
    assert exact.json()["equivalent"] == [True, False]


def test_lenient_extraction(server):
    responses = ["so 3 + 4 = 7.\n#### 7", "Thus, the final answer is $42$.", "Answer: 12\nThat is all.",
                 "The answer is \\boxed{9}", "no answer at all"]
    strict = server.post("/v1/extract", {"responses": responses}).json()["answers"]
    assert [a and a["answer"] for a in strict] == [None, None, None, "9", None]
    lenient = server.post("/v1/extract", {"responses": responses, "extract": "lenient"}).json()["answers"]
    assert [(a["answer"], a["method"]) if a else None for a in lenient] == [
        ("7", "gsm8k"), ("42", "answer_is"), ("12", "answer_label"), ("9", "boxed"), None]
    vote = server.post("/v1/vote", {"extract": "lenient", "groups": [{"responses": responses[:3] + ["#### 42"]}]}).json()
    assert vote["groups"][0]["pseudo_label"] == "42"
