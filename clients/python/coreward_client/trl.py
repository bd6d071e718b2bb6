"""TRL adapters: async reward functions for GRPOTrainer(reward_funcs=[...]).

GRPOTrainer calls a reward function as reward_func(prompts=..., completions=..., completion_ids=...,
**columns, trainer_state=..., log_extra=..., log_metric=...), where columns are the dataset's other columns
(one value per completion), and awaits it when inspect.iscoroutinefunction says it is async. Each process
holds only its local slice of a group, so co_reward_func sends every completion as its own POST /get_reward
with a Co-Reward label ({"pair_id", "view", "n", "views"}), all at once; coreward's group-assembly buffer
gathers the group across processes and answers every waiting request when the group is complete.
Each call first checks its batch against n and views (check_batch); rows without a pair id (an eval dataset)
are scored by ground truth instead.
"""
from __future__ import annotations

import asyncio
import concurrent.futures
import json
import math
import os
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
    """Reports coreward's per-sample diagnostics through TRL's log_metric, when it passes one: the mean of each
    of answer_found, group_complete, assembly_timeout and views_agree as "<prefix>/<key>", and label_correct
    over the samples that had a ground truth (has_label 1; all of them when the server sends no has_label)."""
    log_metric = columns.get("log_metric")
    if not callable(log_metric) or not answers:
        return
    for key in ("group_complete", "views_agree", "answer_found", "assembly_timeout"):
        values = [a["extra_logs"][key][0] for a in answers if key in a.get("extra_logs", {})]
        if values:
            log_metric(f"{prefix}/{key}", sum(values) / len(values))
    labelled = [a["extra_logs"]["label_correct"][0] for a in answers
                if "label_correct" in a.get("extra_logs", {}) and a["extra_logs"].get("has_label", [1])[0]]
    if labelled:
        log_metric(f"{prefix}/label_correct", sum(labelled) / len(labelled))


def _missing(value: Any) -> bool:
    return value is None or value == "" or (isinstance(value, float) and math.isnan(value))


def _world_size() -> int:
    """Training processes (WORLD_SIZE, set by accelerate launch and torchrun); 1 when unset."""
    try:
        return max(1, int(os.environ.get("WORLD_SIZE", "1")))
    except ValueError:
        return 1


class BatchShapeError(ValueError):
    """The batch GRPOTrainer handed co_reward_func cannot form whole Co-Reward groups: the message names the
    numbers that disagree and the GRPOConfig settings that decide them."""


def check_batch(pair_ids: Sequence[Any], view_ids: Sequence[int], n: int, views: int, world_size: int = 1) -> None:
    """Checks one call's Co-Reward rows against n and views; raises BatchShapeError.

    In one process a generation batch holds all num_generations completions of each of its prompts, so every
    (pair, view) must hold exactly n completions and every pair all of its views. With world_size > 1 a
    prompt's completions (and a pair's views) may sit in other processes, so only "at most n" is checkable."""
    counts: Dict[Any, Dict[int, int]] = {}
    for pair_id, view in zip(pair_ids, view_ids):
        if not 0 <= view < views:
            raise BatchShapeError(f"pair {pair_id!r} has a row with view {view}, outside 0..{views - 1} "
                                  f"(co_reward_func views={views})")
        per_view = counts.setdefault(pair_id, {})
        per_view[view] = per_view.get(view, 0) + 1
    for pair_id, per_view in counts.items():
        for view, count in sorted(per_view.items()):
            if count > n or (world_size == 1 and count != n):
                raise BatchShapeError(
                    f"co_reward_func(n={n}) was handed {count} completions of pair {pair_id!r} view {view} in one "
                    f"batch: n must equal GRPOConfig.num_generations (the completions per prompt, here {count})")
        if world_size == 1 and len(per_view) != views:
            prompts = len(pair_ids) // n
            raise BatchShapeError(
                f"pair {pair_id!r} has {len(per_view)} of its {views} views (view {sorted(per_view)}) in this "
                f"generation batch of {prompts} prompts: every view of a question must be generated in the same "
                f"batch, so generation_batch_size / num_generations (prompts per generation batch, here {prompts}) "
                f"must be a multiple of views ({views}), shuffle_dataset=False, and a pair's rows consecutive")


def co_reward_func(url: Optional[str] = None, n: Optional[int] = None, views: int = 2,
                   pair_id_column: str = "pair_id", view_column: str = "view", timeout: float = 300.0,
                   api_key: Optional[str] = None, name: str = "co_reward", label_column: Optional[str] = None,
                   retries: int = 3, scope_by_step: bool = True,
                   max_concurrency: Optional[int] = None, world_size: Optional[int] = None,
                   equivalence: str = "math") -> Callable[..., Any]:
    """An async Co-Reward reward function for GRPOTrainer.

    n: rollouts per view (GRPOConfig.num_generations); views: views per question. The training dataset holds
    one row per view, with columns pair_id_column (the question's id, the same for all its views) and
    view_column (0 for the original, 1.. for rephrasings), and every view of a question must be generated in the
    same generation batch (see the README). label_column: an optional ground-truth column, sent for the
    label_correct diagnostic only. scope_by_step: the pair id sent is "<pair_id>@<global_step>", so a question
    seen again in a later epoch forms a new group. timeout: seconds one request may wait (more than the
    server's assembly timeout). max_concurrency: requests in flight at once (default: all of the local
    completions; fewer can leave a group waiting for the assembly timeout). A failed request raises; nothing is
    returned as 0.

    Each call checks its batch (check_batch): a (pair, view) with other than n completions, or (in one process)
    a pair missing a view, raises BatchShapeError naming both numbers. world_size: training processes (default
    WORLD_SIZE, else 1); with more than one only "at most n" is checked.

    Evaluation: rows without a pair id (the column absent from the dataset, or None/NaN/"" in it) are scored
    by ground truth, 1 when the completion's answer is equivalent (equivalence) to label_column's value, in one
    POST /v1/reward (mode ground_truth); None (TRL: not applicable) when that row has no ground truth either.
    TRL's eval sampler shuffles and cannot keep a pair's views together, so give GRPOTrainer an eval_dataset
    without the pair id column.
    """
    if n is None or int(n) < 1:
        raise ValueError("n (rollouts per view, GRPOConfig.num_generations) is required")
    n, views = int(n), int(views)
    client = Client(url, api_key=api_key, timeout=timeout, retries=retries)

    async def reward_func(prompts: Sequence[Any] = (), completions: Sequence[Any] = (),
                          completion_ids: Any = None, **columns: Any) -> List[Optional[float]]:
        count = len(completions)
        if count == 0:
            return []
        pair_ids = _column(columns, pair_id_column, count) if pair_id_column in columns else [None] * count
        paired = [i for i, pair_id in enumerate(pair_ids) if not _missing(pair_id)]
        unpaired = [i for i in range(count) if _missing(pair_ids[i])]
        if unpaired and not label_column:
            raise ValueError(f"{len(unpaired)} of {count} rows have no {pair_id_column!r} (an eval dataset?): give "
                             f"co_reward_func a label_column to score them by ground truth")
        truths = _column(columns, label_column, count) if label_column else [None] * count
        texts = [completion_text(c) for c in completions]
        rewards: List[Optional[float]] = [None] * count
        if unpaired:
            known = [i for i in unpaired if not _missing(truths[i])]
            if known:
                groups = [{"views": [{"responses": [texts[i]]}], "label": str(truths[i])} for i in known]
                answer = await asyncio.get_running_loop().run_in_executor(
                    None, lambda: client.reward(groups, mode="ground_truth", equivalence=equivalence))
                for i, group in zip(known, answer["groups"]):
                    rewards[i] = float(group["views"][0]["rewards"][0])
        if not paired:
            return rewards
        all_views = _column(columns, view_column, count)
        view_ids = [int(all_views[i]) for i in paired]
        check_batch([pair_ids[i] for i in paired], view_ids, n, views,
                    _world_size() if world_size is None else int(world_size))
        step = getattr(columns.get("trainer_state"), "global_step", None) if scope_by_step else None
        labels = []
        for i, view in zip(paired, view_ids):
            label: Dict[str, Any] = {"pair_id": str(pair_ids[i]) if step is None else f"{pair_ids[i]}@{step}",
                                     "view": view, "n": n, "views": views}
            if not _missing(truths[i]):
                label["label"] = str(truths[i])
            labels.append(json.dumps(label))
        loop = asyncio.get_running_loop()
        pool = concurrent.futures.ThreadPoolExecutor(max_workers=max_concurrency or len(paired),
                                                     thread_name_prefix="coreward-trl")
        try:
            answers = await asyncio.gather(*(
                loop.run_in_executor(pool, lambda t=texts[i], l=l: client.get_reward([t], labels=[l]))
                for i, l in zip(paired, labels)))
        finally:
            pool.shutdown(wait=False)  # never block the trainer's event loop on requests still waiting
        if any(a["extra_logs"].get("assembly_timeout", [0])[0] for a in answers):
            warnings.warn("coreward scored some groups at the assembly timeout, with the samples that had "
                          "arrived: check that every view of a question is in the same generation batch",
                          RuntimeWarning, stacklevel=2)
        _log(columns, name, answers)
        for i, a in zip(paired, answers):
            rewards[i] = float(a["rewards"][0])
        return rewards

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
