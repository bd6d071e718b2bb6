"""TRL adapters: async reward functions for GRPOTrainer(reward_funcs=[...]).

GRPOTrainer calls a reward function as reward_func(prompts=..., completions=..., completion_ids=...,
**columns, trainer_state=..., log_extra=..., log_metric=...), where columns are the dataset's other columns
(one value per completion), and awaits it when inspect.iscoroutinefunction says it is async. Each process
holds only its local slice of a group, so co_reward_func sends every completion as its own POST /get_reward
with a Co-Reward label ({"pair_id", "view", "n", "views"}), all at once; coreward's group-assembly buffer
gathers the group across processes and answers every waiting request when the group is complete.
"""
from __future__ import annotations

import asyncio
import concurrent.futures
import json
import math
import warnings
from typing import Any, Callable, Dict, List, Optional, Sequence

from .client import Client


def completion_text(completion: Any) -> str:
    """A completion as text: a string as it is; a conversation (a list of {"role", "content"}) as its last
    assistant message's content (a list of content parts is joined from its text parts)."""
    if isinstance(completion, str):
        return completion
    if isinstance(completion, dict):
        completion = [completion]
    for message in reversed(list(completion)):
        if isinstance(message, dict) and message.get("role", "assistant") == "assistant":
            content = message.get("content")
            if content is None:
                return ""
            if isinstance(content, str):
                return content
            return "".join(p.get("text", "") if isinstance(p, dict) else str(p) for p in content)
    raise ValueError("a conversational completion without an assistant message")


def _column(columns: Dict[str, Any], name: str, count: int) -> List[Any]:
    if name not in columns:
        raise KeyError(f"the dataset has no column {name!r} (reward function columns: {sorted(columns)})")
    values = list(columns[name])
    if len(values) != count:
        raise ValueError(f"column {name!r} has {len(values)} values for {count} completions")
    return values


def _log(columns: Dict[str, Any], prefix: str, answers: List[Dict[str, Any]]) -> None:
    """Reports coreward's per-sample diagnostics through TRL's log_metric, when it passes one."""
    log_metric = columns.get("log_metric")
    if not callable(log_metric) or not answers:
        return
    for key in ("group_complete", "views_agree", "answer_found", "assembly_timeout", "label_correct"):
        values = [a["extra_logs"][key][0] for a in answers if key in a.get("extra_logs", {})]
        if values:
            log_metric(f"{prefix}/{key}", sum(values) / len(values))


def co_reward_func(url: Optional[str] = None, n: Optional[int] = None, views: int = 2,
                   pair_id_column: str = "pair_id", view_column: str = "view", timeout: float = 300.0,
                   api_key: Optional[str] = None, name: str = "co_reward", label_column: Optional[str] = None,
                   retries: int = 3, scope_by_step: bool = True,
                   max_concurrency: Optional[int] = None) -> Callable[..., Any]:
    """An async Co-Reward reward function for GRPOTrainer.

    n: rollouts per view (GRPOConfig.num_generations); views: views per question. The dataset holds one row per
    view, with columns pair_id_column (the question's id, the same for all its views) and view_column (0 for the
    original, 1.. for rephrasings), and every view of a question must be generated in the same generation
    batch (see the README). label_column: an optional ground-truth column, sent for the label_correct
    diagnostic only. scope_by_step: the pair id sent is "<pair_id>@<global_step>", so a question seen again in
    a later epoch forms a new group. timeout: seconds one request may wait (more than the server's assembly
    timeout). max_concurrency: requests in flight at once (default: all of the local completions; fewer can
    leave a group waiting for the assembly timeout). A failed request raises; nothing is returned as 0.
    """
    if n is None or int(n) < 1:
        raise ValueError("n (rollouts per view, GRPOConfig.num_generations) is required")
    n, views = int(n), int(views)
    client = Client(url, api_key=api_key, timeout=timeout, retries=retries)

    async def reward_func(prompts: Sequence[Any] = (), completions: Sequence[Any] = (),
                          completion_ids: Any = None, **columns: Any) -> List[float]:
        count = len(completions)
        if count == 0:
            return []
        pair_ids = _column(columns, pair_id_column, count)
        view_ids = _column(columns, view_column, count)
        truths = _column(columns, label_column, count) if label_column else [None] * count
        step = getattr(columns.get("trainer_state"), "global_step", None) if scope_by_step else None
        labels = []
        for pair_id, view, truth in zip(pair_ids, view_ids, truths):
            label: Dict[str, Any] = {"pair_id": str(pair_id) if step is None else f"{pair_id}@{step}",
                                     "view": int(view), "n": n, "views": views}
            if truth is not None:
                label["label"] = str(truth)
            labels.append(json.dumps(label))
        texts = [completion_text(c) for c in completions]
        loop = asyncio.get_running_loop()
        pool = concurrent.futures.ThreadPoolExecutor(max_workers=max_concurrency or count,
                                                     thread_name_prefix="coreward-trl")
        try:
            answers = await asyncio.gather(*(
                loop.run_in_executor(pool, lambda t=t, l=l: client.get_reward([t], labels=[l]))
                for t, l in zip(texts, labels)))
        finally:
            pool.shutdown(wait=False)  # never block the trainer's event loop on requests still waiting
        if any(a["extra_logs"].get("assembly_timeout", [0])[0] for a in answers):
            warnings.warn("coreward scored some groups at the assembly timeout, with the samples that had "
                          "arrived: check that every view of a question is in the same generation batch",
                          RuntimeWarning, stacklevel=2)
        _log(columns, name, answers)
        return [float(a["rewards"][0]) for a in answers]

    reward_func.__name__ = reward_func.__qualname__ = name
    return reward_func


def ground_truth_func(url: Optional[str] = None, label_column: str = "answer", timeout: float = 60.0,
                      api_key: Optional[str] = None, name: str = "ground_truth", equivalence: str = "math",
                      retries: int = 3) -> Callable[..., Any]:
    """An async RLVR reward function: 1 when the completion's last \\boxed{} answer is equivalent to the row's
    ground truth (column label_column), in one POST /v1/reward (mode ground_truth)."""
    client = Client(url, api_key=api_key, timeout=timeout, retries=retries)

    async def reward_func(prompts: Sequence[Any] = (), completions: Sequence[Any] = (),
                          completion_ids: Any = None, **columns: Any) -> List[Optional[float]]:
        count = len(completions)
        if count == 0:
            return []
        truths = _column(columns, label_column, count)
        known = [i for i, t in enumerate(truths) if t is not None and not (isinstance(t, float) and math.isnan(t))]
        rewards: List[Optional[float]] = [None] * count  # TRL: None = this function does not apply to the sample
        if known:
            groups = [{"views": [{"responses": [completion_text(completions[i])]}], "label": str(truths[i])}
                      for i in known]
            answer = await asyncio.get_running_loop().run_in_executor(
                None, lambda: client.reward(groups, mode="ground_truth", equivalence=equivalence))
            for i, group in zip(known, answer["groups"]):
                rewards[i] = float(group["views"][0]["rewards"][0])
        return rewards

    reward_func.__name__ = reward_func.__qualname__ = name
    return reward_func
