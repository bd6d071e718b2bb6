"""A large /v1/reward batch is decoded and scored in parts of 32 groups on every core (issue 18): the answer must be
the one a single pass gives, group for group, with the batch's figures computed over the whole batch and the error a
single pass would meet first."""
import math
import random
from collections import Counter

from conftest import problem


def batch_of(math_rollouts, groups, seed):
    rng = random.Random(seed)
    batch = []
    for g in range(groups):
        p = rng.choice(math_rollouts)
        batch.append({"id": f"{p['id']}#{g}", "label": p["answer"],
                      "views": [{"responses": [rng.choice(p["responses"]) for _ in range(8)]} for _ in range(2)]})
    return {"mode": "co_reward", "equivalence": "exact", "advantage": "grpo", "groups": batch}


def votes_answer(answer):
    return answer is not None and answer.strip() != ""


def signals_of(request, body):
    """The collapse signals of docs/collapse-watch.md, from the whole batch at once (exact mode, fewer than 1,024
    distinct answers, so every count is exact)."""
    group_answers, classes, shares = [], [], []
    for group in body["groups"]:
        labels = [v["pseudo_label"] for v in group["views"] if votes_answer(v["pseudo_label"])]
        if labels:
            group_answers.append(labels[0])  # equal, or two views with the first view's label on a tie
        classes.append(len(set(labels)))
        shares += [v["votes"]["winner"] / v["votes"]["valid"] for v in group["views"] if v["votes"]["valid"] > 0]
    answers = [a for g in body["groups"] for v in g["views"] for a in v["answers"] if votes_answer(a)]
    lengths = sorted(len(r.encode()) for g in request["groups"] for v in g["views"] for r in v["responses"])
    groups = len(body["groups"])
    return {
        "answer_concentration": Counter(group_answers).most_common(1)[0][1] / groups,
        "top_answer_share": Counter(answers).most_common(1)[0][1] / len(answers),
        "answer_classes_per_group": sum(classes) / groups,
        "consensus": sum(shares) / len(shares),
        "mean_response_bytes": sum(lengths) / len(lengths),
        "p10_response_bytes": lengths[math.ceil(0.1 * len(lengths)) - 1],
    }


def test_a_batch_in_parts_answers_each_group_as_it_would_alone(server, math_rollouts):
    request = batch_of(math_rollouts, 100, seed=18)  # four parts: 32, 32, 32 and 4 groups
    response = server.post("/v1/reward", request)
    assert response.status_code == 200, response.text
    body = response.json()
    assert [g["id"] for g in body["groups"]] == [g["id"] for g in request["groups"]]
    for g in (0, 31, 32, 63, 64, 99):  # either side of every boundary between parts
        alone = server.post("/v1/reward", {**request, "groups": [request["groups"][g]]})
        assert alone.status_code == 200, alone.text
        assert alone.json()["groups"][0] == body["groups"][g]
    stats = body["stats"]
    assert stats["groups"] == 100 and stats["rollouts"] == 1600
    rewards = [r for g in body["groups"] for v in g["views"] for r in v["rewards"]]
    assert math.isclose(stats["mean_reward"], sum(rewards) / len(rewards), abs_tol=1e-12)
    assert math.isclose(stats["views_agree_rate"], sum(g["views_agree"] for g in body["groups"]) / 100, abs_tol=1e-12)
    for name, expected in signals_of(request, body).items():
        assert math.isclose(stats[name], expected, abs_tol=1e-12), (name, stats[name], expected)


def test_the_same_batch_gives_the_same_bytes_every_time(server, math_rollouts):
    request = batch_of(math_rollouts, 70, seed=3)
    first = server.post("/v1/reward", request)
    assert first.status_code == 200
    for _ in range(3):
        assert server.post("/v1/reward", request).content == first.content


def test_a_decoding_error_in_a_later_part_comes_before_a_scoring_error_in_an_earlier_one(server, math_rollouts):
    request = batch_of(math_rollouts, 100, seed=4)
    request["groups"][5]["views"] = request["groups"][5]["views"][:1]  # co_reward needs 2 views: met when scoring
    request["groups"][70]["views"][1]["responses"][3] = 7  # not a string: met when decoding
    body = problem(400, server.post("/v1/reward", request))
    assert body["pointer"] == "/groups/70/views/1/responses/3"
    del request["groups"][70]["views"][1]["responses"][3]
    body = problem(400, server.post("/v1/reward", request))
    assert body["pointer"] == "/groups/5/views"


def test_the_first_of_two_errors_in_different_parts_is_reported(server, math_rollouts):
    request = batch_of(math_rollouts, 100, seed=5)
    request["groups"][90]["id"] = 1
    request["groups"][40]["views"][0]["responses"] = "not a list"
    assert problem(400, server.post("/v1/reward", request))["pointer"] == "/groups/40/views/0/responses"
    request["groups"][40]["views"][0]["responses"] = ["\\boxed{1}"]
    assert problem(400, server.post("/v1/reward", request))["pointer"] == "/groups/90/id"


def test_the_batch_rollout_limit_is_met_where_a_single_pass_meets_it(start_server, math_rollouts):
    running = start_server("--max-batch-rollouts", "1000")
    assert running.wait_ready().status_code == 200
    request = batch_of(math_rollouts, 100, seed=6)  # 16 responses per group: the 63rd group's second view takes the count past 1,000
    body = problem(413, running.post("/v1/reward", request))
    assert body["pointer"] == "/groups/62/views/1/responses"
    request["groups"][10]["views"][0]["responses"][0] = None
    assert problem(400, running.post("/v1/reward", request))["pointer"] == "/groups/10/views/0/responses/0"
