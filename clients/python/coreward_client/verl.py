"""verl adapters for the versions whose trainer calls a batch reward function or manager.

- compute_score: verl's batch reward function (reward_model.reward_manager=batch; verl 0.6.x, and 0.7.0 with
  reward_model.use_reward_loop=False). BatchRewardManager calls it once per batch.
- CoRewardManager: a batch reward manager, for the Co-Reward authors' paired trainer (fit_coreward calls
  reward_fn(batch_ori, batch_aug)) and for verl's own legacy manager call, manager(data, return_dict).
verl 0.7.1 and later call a reward manager once per sample (the reward loop): that adapter is
coreward_client.verl_reward_loop.CoRewardLoopManager.

Samples whose extra_info holds a pair id and a view (default keys "pair_id" and "view") are grouped by pair id
and scored together in one POST /v1/reward (mode co_reward: views in view order, each view's rollouts sorted by
their UTF-8 bytes, the order /get_reward's group assembly uses, so a tie in the vote is broken the same way on
every path); every other sample is scored against its ground truth (mode ground_truth). Rewards come back in
batch order. A failure raises (a coreward_client error, or ValueError/TypeError for a batch that cannot be
scored or a call this function does not take): never a 0.
Options, from verl's reward_kwargs (or the manager's keyword arguments): url (else COREWARD_URL; one of them is
required), api_key (else COREWARD_API_KEY), timeout, retries, equivalence ("math"), extract ("strict"),
reward_type ("binary" or "soft"), pair_key, view_key, details (True: one dict per sample, with "score"; False:
floats). Any other keyword raises TypeError.
"""
from __future__ import annotations

import os
from collections import defaultdict
from typing import Any, Dict, List, Optional, Sequence

from . import _tensors
from .client import Client

EXTRA_KEYS = ("score", "answer_found", "views_agree", "paired")
OPTIONS = frozenset({"url", "coreward_url", "api_key", "timeout", "retries", "equivalence", "extract",
                     "reward_type", "pair_key", "view_key", "details"})
# What verl's per-sample reward loop (NaiveRewardManager.run_single) passes to a reward function.
PER_SAMPLE_KEYWORDS = frozenset({"data_source", "solution_str", "ground_truth", "extra_info"})


def check_options(options: Dict[str, Any], caller: str) -> None:
    """Raises TypeError for a keyword that is not an option, so a misspelt reward_kwargs key is never ignored."""
    unknown = sorted(set(options) - OPTIONS)
    if unknown:
        raise TypeError(f"{caller} got unknown keyword(s) {unknown}; its options are {sorted(OPTIONS)}")


def _client(options: Dict[str, Any]) -> Client:
    url = options.get("url") or options.get("coreward_url") or os.environ.get("COREWARD_URL")
    if not url:
        raise ValueError("no coreward URL: set reward_kwargs.url (verl 0.6.x batch function: "
                         "+custom_reward_function.reward_kwargs.url=http://HOST:PORT; the Co-Reward authors' trainer: "
                         "+reward_model.reward_kwargs.url=http://HOST:PORT) or the COREWARD_URL environment variable")
    return Client(url, api_key=options.get("api_key"), timeout=float(options.get("timeout", 300.0)),
                  retries=int(options.get("retries", 3)))


def by_bytes(indices: Sequence[int], texts: Sequence[str]) -> List[int]:
    """indices ordered by the UTF-8 bytes of their texts: the order in which /get_reward's assembly hands a view
    to the vote, and so the order that decides a tie."""
    return sorted(indices, key=lambda i: texts[i].encode("utf-8"))


def _label(value: Any) -> Optional[str]:
    if value is None or isinstance(value, (dict, list, tuple)):
        return None
    text = str(value)
    return text if text.strip() else None


def score_samples(solution_strs: Sequence[str], ground_truths: Optional[Sequence[Any]] = None,
                  extra_infos: Optional[Sequence[Any]] = None, client: Optional[Client] = None,
                  **options: Any) -> List[Dict[str, float]]:
    """Scores a batch; one dict per sample, in batch order: score, answer_found, views_agree, paired (0/1)."""
    check_options(options, "score_samples")
    client = client or _client(options)
    pair_key, view_key = options.get("pair_key", "pair_id"), options.get("view_key", "view")
    common = {"equivalence": options.get("equivalence", "math"), "extract": options.get("extract", "strict"),
              "reward": options.get("reward_type", "binary")}
    count = len(solution_strs)
    truths = list(ground_truths) if ground_truths is not None else [None] * count
    infos = list(extra_infos) if extra_infos is not None else [None] * count

    pairs: Dict[str, Dict[int, List[int]]] = {}  # pair id -> view -> batch indices, pairs in order of appearance
    singles: List[int] = []
    for index, info in enumerate(infos):
        info = info if isinstance(info, dict) else {}
        if info.get(pair_key) is not None and info.get(view_key) is not None:
            pairs.setdefault(str(info[pair_key]), defaultdict(list))[int(info[view_key])].append(index)
        else:
            singles.append(index)

    results: List[Optional[Dict[str, float]]] = [None] * count
    if pairs:
        groups, placement = [], []
        for pair_id, views in pairs.items():
            if len(views) < 2:
                raise ValueError(f"pair {pair_id!r} has only view {sorted(views)} in this batch: Co-Reward needs "
                                 "every view of a pair in the same batch")
            order = [by_bytes(views[v], solution_strs) for v in sorted(views)]
            group: Dict[str, Any] = {"id": pair_id,
                                     "views": [{"responses": [solution_strs[i] for i in idx]} for idx in order]}
            label = _label(truths[order[0][0]])
            if label is not None:
                group["label"] = label
            groups.append(group)
            placement.append(order)
        answer = client.reward(groups, mode="co_reward", **common)
        for group, order in zip(answer["groups"], placement):
            for view, indices in zip(group["views"], order):
                for i, reward, found in zip(indices, view["rewards"], view["answers"]):
                    results[i] = {"score": float(reward), "answer_found": float(found is not None),
                                  "views_agree": float(group["views_agree"]), "paired": 1.0}
    if singles:
        groups = []
        for i in singles:
            label = _label(truths[i])
            if label is None:
                raise ValueError(f"sample {i} has neither a pair id (extra_info[{pair_key!r}], "
                                 f"extra_info[{view_key!r}]) nor a ground truth")
            groups.append({"views": [{"responses": [solution_strs[i]]}], "label": label})
        answer = client.reward(groups, mode="ground_truth", **common)
        for i, group in zip(singles, answer["groups"]):
            view = group["views"][0]
            results[i] = {"score": float(view["rewards"][0]), "answer_found": float(view["answers"][0] is not None),
                          "views_agree": 0.0, "paired": 0.0}
    return results  # type: ignore[return-value]


def compute_score(data_sources: Optional[Sequence[Any]] = None, solution_strs: Optional[Sequence[str]] = None,
                  ground_truths: Optional[Sequence[Any]] = None, extra_infos: Optional[Sequence[Any]] = None,
                  **reward_kwargs: Any) -> List[Any]:
    """verl's batch reward function: BatchRewardManager (reward_model.reward_manager=batch, verl 0.6.x and 0.7.0
    with reward_model.use_reward_loop=False) calls it once per batch with data_sources=, solution_strs=,
    ground_truths=, extra_infos= and the configured reward_kwargs. Returns one dict per sample
    ({"score", "answer_found", "views_agree", "paired"}), or floats with details=False.

    Called per sample (solution_str=, as verl 0.7.1+'s reward loop calls a custom_reward_function), it raises
    TypeError: a pair cannot be scored from one sample; that verl needs CoRewardLoopManager."""
    per_sample = sorted(PER_SAMPLE_KEYWORDS & set(reward_kwargs))
    if per_sample:
        raise TypeError(
            f"coreward_client.verl.compute_score was called per sample (with {per_sample}), as verl 0.7.1+'s reward "
            "loop calls a custom_reward_function; it is verl's batch reward function and expects data_sources=, "
            "solution_strs=, ground_truths=, extra_infos= (reward_model.reward_manager=batch on verl 0.6.x, or 0.7.0 "
            "with reward_model.use_reward_loop=False). On verl 0.7.1 and later use the reward manager "
            "coreward_client.verl_reward_loop.CoRewardLoopManager (see docs/verl.md)")
    if solution_strs is None:
        given = {"data_sources": data_sources, "ground_truths": ground_truths, "extra_infos": extra_infos}
        raise TypeError("coreward_client.verl.compute_score expects solution_strs= (a list of decoded responses, as "
                        "verl's BatchRewardManager passes it); got keywords "
                        f"{sorted(k for k, v in given.items() if v is not None) + sorted(reward_kwargs)}")
    check_options(reward_kwargs, "coreward_client.verl.compute_score")
    results = score_samples(list(solution_strs), ground_truths, extra_infos, **reward_kwargs)
    if reward_kwargs.get("details", True):
        return results
    return [r["score"] for r in results]


class CoRewardManager:
    """A verl reward manager that scores through coreward.

    verl's interface: CoRewardManager(tokenizer, num_examine, compute_score=None, reward_fn_key="data_source",
    **reward_kwargs); manager(data, return_dict=False) -> the token-level reward tensor (each score at the last
    valid response token), or {"reward_tensor", "reward_extra_info"} with return_dict=True. Pairs come from
    extra_info (pair id and view); other samples are scored against reward_model.ground_truth.

    The Co-Reward authors' paired trainer calls manager(data_ori, data_aug, return_dict=False) and expects
    (reward_tensor_ori, reward_tensor_aug): both views share non_tensor_batch["uid"] (or extra_info's pair id),
    data_ori is view 0 and data_aug view 1. compute_score is accepted and ignored: coreward does the scoring.
    """

    def __init__(self, tokenizer: Any = None, num_examine: int = 0, compute_score: Any = None,
                 reward_fn_key: str = "data_source", *unexpected: Any, **reward_kwargs: Any):
        if unexpected or "config" in reward_kwargs or not callable(getattr(tokenizer, "decode", None)):
            raise TypeError(
                "CoRewardManager is a batch reward manager: CoRewardManager(tokenizer, num_examine, compute_score, "
                "reward_fn_key, **reward_kwargs), verl 0.6.x's reward-manager call, which the Co-Reward authors' trainer "
                "uses; it was "
                "built with " + (f"keywords {sorted(reward_kwargs)}" if reward_kwargs else
                                 f"a {type(tokenizer).__name__} as its tokenizer") +
                ". verl 0.7.1 and later build a reward-loop manager (config=, tokenizer=, compute_score=, ...): use "
                "reward.reward_manager.name=CoRewardLoopManager "
                "reward.reward_manager.module.path=pkg://coreward_client.verl_reward_loop (see docs/verl.md)")
        check_options(reward_kwargs, "CoRewardManager")
        self.tokenizer = tokenizer
        self.num_examine = num_examine
        self.reward_fn_key = reward_fn_key
        self.options = reward_kwargs
        self.client = _client(reward_kwargs)

    def _decode(self, data: Any) -> List[str]:
        lengths = _tensors.valid_response_lengths(data.batch)
        return [self.tokenizer.decode(_tensors.response_ids(data.batch, i, n), skip_special_tokens=True)
                for i, n in enumerate(lengths)]

    @staticmethod
    def _column(data: Any, key: str) -> List[Any]:
        values = data.non_tensor_batch.get(key) if hasattr(data.non_tensor_batch, "get") else None
        return list(values) if values is not None else [None] * len(data)

    def _ground_truths(self, data: Any) -> List[Any]:
        return [r.get("ground_truth") if isinstance(r, dict) else None for r in self._column(data, "reward_model")]

    def _finish(self, data: Any, texts: List[str], results: List[Dict[str, float]], return_dict: bool) -> Any:
        tensor = _tensors.place_scores(data.batch, [r["score"] for r in results],
                                       _tensors.valid_response_lengths(data.batch))
        self._examine(data, texts, results)
        if not return_dict:
            return tensor
        return {"reward_tensor": tensor, "reward_extra_info": {k: [r[k] for r in results] for k in EXTRA_KEYS}}

    def _examine(self, data: Any, texts: List[str], results: List[Dict[str, float]]) -> None:
        printed: Dict[Any, int] = defaultdict(int)
        for source, text, result in zip(self._column(data, self.reward_fn_key), texts, results):
            if printed[source] < self.num_examine:
                printed[source] += 1
                print("[response]", text)
                print("[score]", result)

    def __call__(self, data: Any, data_aug: Any = None, return_dict: bool = False) -> Any:
        if data_aug is None:
            texts = self._decode(data)
            results = score_samples(texts, self._ground_truths(data), self._column(data, "extra_info"),
                                    client=self.client, **self.options)
            return self._finish(data, texts, results, return_dict)
        if len(data) != len(data_aug):
            raise ValueError(f"the original and augmented batches differ in size: {len(data)} != {len(data_aug)}")
        pair_key = self.options.get("pair_key", "pair_id")
        infos: List[Dict[str, Any]] = []
        for view, batch in ((0, data), (1, data_aug)):
            for info, uid in zip(self._column(batch, "extra_info"), self._column(batch, "uid")):
                pair_id = info.get(pair_key) if isinstance(info, dict) else None
                pair_id = uid if pair_id is None else pair_id
                if pair_id is None:
                    raise ValueError("a sample of the paired batches has neither extra_info pair id nor uid")
                infos.append({"pair_id": pair_id, "view": view})
        texts_ori, texts_aug = self._decode(data), self._decode(data_aug)
        options = {**self.options, "pair_key": "pair_id", "view_key": "view"}
        results = score_samples(texts_ori + texts_aug, None, infos, client=self.client, **options)
        count = len(texts_ori)
        return (self._finish(data, texts_ori, results[:count], return_dict),
                self._finish(data_aug, texts_aug, results[count:], return_dict))
