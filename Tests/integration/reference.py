"""The Co-Reward paper's reward semantics, written out in Python as the oracle for our tests and benchmark.

It follows the reference implementation (tmlr-group/Co-Reward, `CoRewardManager` over verl's
`last_boxed_only_string` / `remove_boxed`): the last `\\boxed{}` with raw brace counting, answers
compared as strings, `Counter(...).most_common(1)` over the non-blank answers of the *other* view, and
reward 1 when the answer equals a non-empty pseudo-label. GRPO advantages follow verl's
`compute_grpo_outcome_advantage` (unbiased std, epsilon 1e-6, a single rollout gets mean 0, std 1).
"""
from collections import Counter


def last_boxed_only_string(string):
    idx = string.rfind("\\boxed")
    if "\\boxed " in string:
        return "\\boxed " + string.split("\\boxed ")[-1].split("$")[0]
    if idx < 0:
        idx = string.rfind("\\fbox")
        if idx < 0:
            return None
    depth = 0
    for i in range(idx, len(string)):
        if string[i] == "{":
            depth += 1
        elif string[i] == "}":
            depth -= 1
            if depth == 0:
                return string[idx:i + 1]
    return None


def remove_boxed(s):
    if "\\boxed " in s:
        left = "\\boxed "
        assert s[:len(left)] == left
        return s[len(left):]
    left = "\\boxed{"
    assert s[:len(left)] == left
    assert s[-1] == "}"
    return s[len(left):-1]


def extract_answer(response):
    """The reference's `CoRewardManager.extract_answer`: '' when no usable box."""
    try:
        boxed = last_boxed_only_string(response)
        return remove_boxed(boxed) if boxed is not None else ""
    except AssertionError:
        return ""


def majority_vote(answers):
    valid = [a for a in answers if a is not None and str(a).strip() != ""]
    if not valid:
        return ""
    return Counter(valid).most_common(1)[0][0]


def co_reward_group(view0, view1):
    """Rewards of the two views of one question, as the reference computes them."""
    a0 = [extract_answer(r) for r in view0]
    a1 = [extract_answer(r) for r in view1]
    label0 = majority_vote(a1)  # the original is supervised by the rephrasing's majority
    label1 = majority_vote(a0)
    r0 = [1.0 if a == label0 and label0 != "" else 0.0 for a in a0]
    r1 = [1.0 if a == label1 and label1 != "" else 0.0 for a in a1]
    return (a0, label0, r0), (a1, label1, r1)


def grpo(rewards, epsilon=1e-6):
    n = len(rewards)
    if n == 1:
        mean, std = 0.0, 1.0
    else:
        mean = sum(rewards) / n
        std = (sum((r - mean) ** 2 for r in rewards) / (n - 1)) ** 0.5
    return [(r - mean) / (std + epsilon) for r in rewards]
