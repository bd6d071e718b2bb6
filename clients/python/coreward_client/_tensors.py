"""The only code that touches verl's tensors: it works on torch tensors and on numpy arrays alike.

torch is imported only when the batch already holds torch tensors (numpy only when it holds numpy arrays).
"""
from __future__ import annotations

from typing import Any, List


def _is_torch(value: Any) -> bool:
    return type(value).__module__.split(".")[0] == "torch"


def valid_response_lengths(batch: Any) -> List[int]:
    """Valid tokens of each response: the response part of attention_mask (its last responses.shape[-1] columns),
    summed; as verl's reward managers do, responses are right-padded, so the last valid token is at length - 1."""
    width = batch["responses"].shape[-1]
    return [int(n) for n in batch["attention_mask"][:, -width:].sum(-1)]


def response_ids(batch: Any, index: int, length: int) -> Any:
    """The valid token ids of response index (what verl hands to tokenizer.decode)."""
    return batch["responses"][index][:length]


def zeros_like_responses(batch: Any) -> Any:
    """A float32 zero tensor (or array) shaped like batch["responses"], on the same device."""
    responses = batch["responses"]
    if _is_torch(responses):
        import torch

        return torch.zeros_like(responses, dtype=torch.float32)
    import numpy

    return numpy.zeros(responses.shape, dtype=numpy.float32)


def place_scores(batch: Any, scores: List[float], lengths: List[int]) -> Any:
    """The token-level reward tensor: each score at its response's last valid token (nothing for an empty one)."""
    tensor = zeros_like_responses(batch)
    for index, (score, length) in enumerate(zip(scores, lengths)):
        if length > 0:
            tensor[index, length - 1] = float(score)
    return tensor
