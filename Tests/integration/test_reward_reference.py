"""/v1/reward on real Qwen2.5-Math rollouts gives exactly the paper's reward manager's numbers."""
import random

import pytest

from reference import co_reward_group, extract_answer, grpo, majority_vote


def answers_of(view):
    """Our `answers` (null where nothing was found) in the reference's terms ('' then)."""
    return ["" if a is None else a for a in view["answers"]]


def assert_matches_reference(body, batch):
    assert len(body["groups"]) == len(batch)
    for group, (view0, view1, label) in zip(body["groups"], batch):
        (a0, l0, r0), (a1, l1, r1) = co_reward_group(view0, view1)
        ours0, ours1 = group["views"]
        assert answers_of(ours0) == a0
        assert answers_of(ours1) == a1
        assert ours0["pseudo_label"] == l0
        assert ours1["pseudo_label"] == l1
        assert ours0["rewards"] == r0
        assert ours1["rewards"] == r1
        for ours, rewards in ((ours0, r0), (ours1, r1)):
            assert ours["advantages"] == pytest.approx(grpo(rewards), abs=1e-9)
        # views agree when the two own majorities are the same non-empty answer
        assert group["views_agree"] == (majority_vote(a0) != "" and majority_vote(a0) == majority_vote(a1))
        if label is not None:
            assert group["label_correct"] == [l0 == label, l1 == label]


def request_for(batch):
    return {
        "mode": "co_reward", "equivalence": "exact", "reward": "binary", "advantage": "grpo",
        "groups": [{"id": f"g{i}", "views": [{"responses": v0}, {"responses": v1}], "label": label}
                   for i, (v0, v1, label) in enumerate(batch)],
    }


def test_each_problem_split_into_two_views_of_four(server, math_rollouts):
    batch = [(p["responses"][:4], p["responses"][4:], p["answer"]) for p in math_rollouts]
    response = server.post("/v1/reward", request_for(batch))
    assert response.status_code == 200, response.text
    body = response.json()
    assert_matches_reference(body, batch)
    assert [g["id"] for g in body["groups"]] == [f"g{i}" for i in range(len(batch))]
    stats = body["stats"]
    assert stats["groups"] == len(batch)
    assert stats["rollouts"] == 8 * len(batch)
    all_rewards = [r for g in body["groups"] for v in g["views"] for r in v["rewards"]]
    assert stats["mean_reward"] == pytest.approx(sum(all_rewards) / len(all_rewards))
    labels = [(l0 == p["answer"], l1 == p["answer"]) for p, ((_, l0, _), (_, l1, _)) in
              zip(math_rollouts, (co_reward_group(v0, v1) for v0, v1, _ in batch))]
    assert stats["label_accuracy"] == pytest.approx(sum(a + b for a, b in labels) / (2 * len(labels)))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_random_batch_of_64_groups_2_views_8_rollouts(server, math_rollouts, seed):
    rng = random.Random(seed)
    problems = rng.sample(math_rollouts, 64)
    batch = []
    for p in problems:
        # two views of 8 rollouts drawn from the problem's real responses; sometimes a foreign one
        # slips in, so that views disagree and ties happen
        pool = p["responses"] + rng.choice(math_rollouts)["responses"][:2]
        batch.append(([rng.choice(pool) for _ in range(8)], [rng.choice(pool) for _ in range(8)], None))
    response = server.post("/v1/reward", request_for(batch))
    assert response.status_code == 200, response.text
    body = response.json()
    assert_matches_reference(body, batch)
    assert "label_accuracy" not in body["stats"]
    assert all("label_correct" not in g for g in body["groups"])


def test_same_request_same_bytes(server, math_rollouts):
    batch = [(p["responses"][:4], p["responses"][4:], p["answer"]) for p in math_rollouts[:20]]
    first = server.post("/v1/reward", request_for(batch))
    second = server.post("/v1/reward", request_for(batch))
    assert first.status_code == 200
    assert first.content == second.content


def test_extract_agrees_with_the_reference_on_real_rollouts(server, math_rollouts):
    responses = [r for p in math_rollouts for r in p["responses"]]
    body = server.post("/v1/extract", {"responses": responses, "extract": "strict"}).json()
    for response, found in zip(responses, body["answers"]):
        expected = extract_answer(response)
        assert (found["answer"] if found else "") == expected
        if found:
            # offsets are code points: the span is the whole box
            assert response[found["start"]:found["end"]] == "\\boxed{" + expected + "}"
            assert found["method"] == "boxed"


def test_vote_matches_counter_most_common(server, math_rollouts):
    groups = [{"id": p["id"], "responses": p["responses"]} for p in math_rollouts]
    body = server.post("/v1/vote", {"equivalence": "exact", "groups": groups}).json()
    for p, group in zip(math_rollouts, body["groups"]):
        answers = [extract_answer(r) for r in p["responses"]]
        assert group["id"] == p["id"]
        assert group["pseudo_label"] == majority_vote(answers)
        valid = [a for a in answers if a.strip()]
        assert group["votes"]["valid"] == len(valid)
        assert group["votes"]["total"] == len(answers)
        counts = {c["answer"]: c["count"] for c in group["classes"]}
        assert counts == {a: valid.count(a) for a in valid}
        members = sorted(m for c in group["classes"] for m in c["members"])
        assert members == [i for i, a in enumerate(answers) if a.strip()]
        assert group["votes"]["winner"] == max(counts.values(), default=0)
