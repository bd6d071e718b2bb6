"""The client's typed errors: a failed call always raises one of these, never returns a reward of 0."""
from __future__ import annotations

from typing import Any, Dict, Optional


class CorewardError(Exception):
    """Any failure of a coreward call.

    status: the HTTP status of the last answer (None when no answer came);
    problem: the RFC 9457 problem+json body the server sent, as a dict (None otherwise);
    url: the URL called; attempts: how many attempts were made.
    """

    def __init__(self, message: str, *, status: Optional[int] = None, problem: Optional[Dict[str, Any]] = None,
                 url: Optional[str] = None, attempts: int = 0):
        super().__init__(message)
        self.status = status
        self.problem = problem
        self.url = url
        self.attempts = attempts


class CorewardHTTPError(CorewardError):
    """The server answered with a non-2xx status (after retries, for the retryable ones)."""


class CorewardConnectionError(CorewardError):
    """No answer came: the server is down or unreachable, or the connection broke (after retries)."""


class CorewardTimeout(CorewardError):
    """An attempt ran past the per-attempt timeout (not retried unless retry_timeouts=True)."""
