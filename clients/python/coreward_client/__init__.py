"""Python client for coreward, the Co-Reward reward service (arXiv 2508.00410).

Client / AsyncClient: one method per route, retries with backoff, typed errors.
coreward_client.verl: a batch reward function and a reward manager for verl 0.6-0.7.0 and the paired trainer.
coreward_client.verl_reward_loop: a reward-loop manager for verl 0.7.1-0.9.x (one sample per call, via /get_reward).
coreward_client.trl: async reward functions for TRL's GRPOTrainer.
Standard library only; the adapters import nothing heavy at import time.
"""
__version__ = "0.1.0"

from .client import DEFAULT_URL, RETRY_STATUSES, AsyncClient, Client  # noqa: E402
from .errors import CorewardConnectionError, CorewardError, CorewardHTTPError, CorewardTimeout  # noqa: E402

__all__ = [
    "AsyncClient", "Client", "CorewardConnectionError", "CorewardError", "CorewardHTTPError", "CorewardTimeout",
    "DEFAULT_URL", "RETRY_STATUSES", "__version__",
]
