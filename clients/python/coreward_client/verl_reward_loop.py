"""CoRewardLoopManager: Co-Reward rewards in verl's reward loop (verl 0.7.1 to 0.9.x).

verl's RewardLoopWorker builds the manager as cls(config=, tokenizer=, compute_score=, reward_router_address=,
reward_model_tokenizer=) and awaits run_single(data) once per sample, right after that sample's generation ends,
with a DataProto of length 1 (the last one is scored when an agent loop returns several). The samples of a group
reach the manager at different times and on different reward workers, so each one is sent as its own
POST /get_reward with a Co-Reward label ({"pair_id", "view", "n", "views", "label"}); coreward's group assembly
answers every sample of a group once the group is complete, scoring each view with its samples sorted by their
response bytes. A sample without a pair id (a validation row, say) is scored against
reward_model.ground_truth in one POST /v1/reward (mode ground_truth).

Load it with
    reward.reward_manager.source=importlib reward.reward_manager.name=CoRewardLoopManager
    reward.reward_manager.module.path=pkg://coreward_client.verl_reward_loop
    +reward.reward_kwargs.url=http://HOST:PORT
Options (+reward.reward_kwargs.*; verl does not pass them to the constructor, the manager reads
config.reward.reward_kwargs): url (required), api_key, timeout (seconds one request may wait: more than the
server's assembly timeout; 300), retries (3), n (rollouts per view; actor_rollout_ref.rollout.n), views (2),
pair_key ("pair_id"), view_key ("view") in extra_info, scope_by_step (True: the pair id sent is
"<pair_id>@<global_steps>" when verl gives the sample its step, as the v1 trainer does, so a pair seen again in a
later step forms a new group), max_concurrency (requests in flight per manager: 1024), equivalence ("math",
for the ground-truth rows). Any other key raises.

Every sample returns the same reward_extra_info keys (EXTRA_KEYS): verl builds its arrays from the first
sample's keys.
"""
from __future__ import annotations

import logging
from typing import Any, Dict, Optional

from verl.experimental.reward_loop.reward_manager.base import RewardManagerBase

from .client import AsyncClient

logger = logging.getLogger(__name__)

EXTRA_KEYS = ("answer_found", "group_complete", "assembly_timeout", "views_agree", "label_correct", "has_label",
              "paired")
DEFAULTS: Dict[str, Any] = {"url": None, "api_key": None, "timeout": 300.0, "retries": 3, "n": None, "views": 2,
                            "pair_key": "pair_id", "view_key": "view", "scope_by_step": True,
                            "max_concurrency": 1024, "equivalence": "math"}
EXPECTED_CALL = ("verl's reward-loop call (verl 0.7.1 to 0.9.x): run_single(data) with a DataProto holding "
                 "batch['responses'], batch['attention_mask'] and non_tensor_batch['extra_info'] (a dict with the "
                 "pair id and view) or non_tensor_batch['reward_model']['ground_truth']")


def reward_options(config: Any) -> Dict[str, Any]:
    """The options from config.reward.reward_kwargs, with defaults; raises on a missing url or an unknown key."""
    reward = config.get("reward") if hasattr(config, "get") else None
    if reward is None:
        raise TypeError("CoRewardLoopManager needs verl 0.7.1 or later (a config with a `reward` section); on "
                        "verl 0.6.x and 0.7.0 use the batch reward function coreward_client.verl.compute_score")
    given = dict(reward.get("reward_kwargs") or {})
    unknown = sorted(set(given) - set(DEFAULTS))
    if unknown:
        raise ValueError(f"unknown +reward.reward_kwargs key(s) {unknown}; CoRewardLoopManager's options are "
                         f"{sorted(DEFAULTS)}")
    if not given.get("url"):
        raise ValueError("CoRewardLoopManager has no coreward URL: set +reward.reward_kwargs.url=http://HOST:PORT "
                         "(it is read from config.reward.reward_kwargs.url; there is no default)")
    return {**DEFAULTS, **given}


def _scalar(value: Any) -> Any:
    """A numpy scalar or 0-d array as a Python value."""
    return value.item() if hasattr(value, "item") and getattr(value, "ndim", 0) == 0 else value


class CoRewardLoopManager(RewardManagerBase):
    """A verl reward-loop manager (RewardManagerBase) that scores each sample through coreward's /get_reward."""

    def __init__(self, config: Any, tokenizer: Any, compute_score: Any = None, reward_router_address: Any = None,
                 reward_model_tokenizer: Any = None, **_: Any):
        options = reward_options(config)
        super().__init__(config, tokenizer, compute_score)
        self.options = options
        self.n = int(options["n"] if options["n"] is not None else config.actor_rollout_ref.rollout.n)
        self.views = int(options["views"])
        if self.n < 1 or self.views < 2:
            raise ValueError(f"CoRewardLoopManager needs n >= 1 and views >= 2, got n={self.n}, views={self.views}")
        # Its own thread pool: every sample of a step waits for its group at once, far more than the event loop's
        # default executor has threads (min(32, cpus + 4)).
        self.client = AsyncClient(options["url"], api_key=options["api_key"], timeout=float(options["timeout"]),
                                  retries=int(options["retries"]), max_workers=int(options["max_concurrency"]))
        self._warned_timeout = False

    def _sample(self, data: Any) -> Any:
        """The one sample to score (the last, as verl's own managers do), or TypeError naming the expected call."""
        batch = getattr(data, "batch", None)
        keys = set(batch.keys()) if batch is not None else set()
        if not {"responses", "attention_mask"} <= keys or not hasattr(data, "non_tensor_batch") or len(data) < 1:
            raise TypeError(f"CoRewardLoopManager.run_single expects {EXPECTED_CALL}; got {type(data).__name__}"
                            f" with batch keys {sorted(keys)}")
        return data[len(data) - 1]

    def _text(self, item: Any) -> str:
        ids = item.batch["responses"]
        valid = int(item.batch["attention_mask"][-ids.shape[-1]:].sum())
        return self.tokenizer.decode(ids[:valid], skip_special_tokens=True)

    def _label(self, item: Any) -> Optional[Dict[str, Any]]:
        """The Co-Reward label of a paired sample; None for a sample without a pair id."""
        info = item.non_tensor_batch.get("extra_info")
        info = info if isinstance(info, dict) else {}
        pair_id, view = info.get(self.options["pair_key"]), info.get(self.options["view_key"])
        if pair_id is None and view is None:
            return None
        if pair_id is None or view is None:
            raise ValueError(f"extra_info has only one of {self.options['pair_key']!r} and "
                             f"{self.options['view_key']!r}: {info}")
        step = _scalar(item.non_tensor_batch.get("global_steps")) if self.options["scope_by_step"] else None
        label: Dict[str, Any] = {"pair_id": str(pair_id) if step is None else f"{pair_id}@{step}",
                                 "view": int(view), "n": self.n, "views": self.views}
        truth = self._ground_truth(item)
        if truth is not None:
            label["label"] = truth
        return label

    @staticmethod
    def _ground_truth(item: Any) -> Optional[str]:
        model = item.non_tensor_batch.get("reward_model")
        truth = model.get("ground_truth") if isinstance(model, dict) else None
        return None if truth is None or str(truth).strip() == "" else str(truth)

    async def run_single(self, data: Any) -> Dict[str, Any]:
        """{"reward_score": float, "reward_extra_info": {key: float for key in EXTRA_KEYS}} for one sample."""
        item = self._sample(data)
        text = self._text(item)
        label = self._label(item)
        if label is not None:
            answer = await self.client.get_reward([text], labels=[label])
            logs = answer["extra_logs"]
            info = {key: float(logs[key][0]) if key in logs else 0.0 for key in EXTRA_KEYS}
            info["has_label"] = float(logs["has_label"][0]) if "has_label" in logs else float("label" in label)
            info["paired"] = 1.0
            if info["assembly_timeout"] and not self._warned_timeout:
                self._warned_timeout = True
                logger.warning("coreward scored a group at the assembly timeout with the samples that had arrived: "
                               "check that every view of a question is in the same training batch (data.shuffle="
                               "False, the views of a pair on consecutive rows, an even data.train_batch_size)")
            return {"reward_score": float(answer["rewards"][0]), "reward_extra_info": info}
        truth = self._ground_truth(item)
        if truth is None:
            raise ValueError(f"a sample has neither extra_info[{self.options['pair_key']!r}] and "
                             f"[{self.options['view_key']!r}] nor reward_model.ground_truth: CoRewardLoopManager "
                             "cannot score it")
        answer = await self.client.reward([{"views": [{"responses": [text]}], "label": truth}], mode="ground_truth",
                                          equivalence=self.options["equivalence"])
        view = answer["groups"][0]["views"][0]
        reward = float(view["rewards"][0])
        info = {"answer_found": float(view["answers"][0] is not None), "group_complete": 1.0,
                "assembly_timeout": 0.0, "views_agree": 0.0, "label_correct": reward, "has_label": 1.0,
                "paired": 0.0}
        return {"reward_score": reward, "reward_extra_info": info}
