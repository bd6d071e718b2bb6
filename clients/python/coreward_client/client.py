"""Client and AsyncClient: one method per coreward route, standard library only."""
from __future__ import annotations

import asyncio
import concurrent.futures
import email.utils
import functools
import http.client
import json
import os
import random
import socket
import time
import urllib.error
import urllib.request
from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence

from . import __version__
from .errors import CorewardConnectionError, CorewardError, CorewardHTTPError, CorewardTimeout

DEFAULT_URL = "http://127.0.0.1:8080"
# Statuses worth another attempt: the request did not run to completion on the server's side.
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})


def _is_timeout(error: BaseException) -> bool:
    if isinstance(error, urllib.error.URLError) and not isinstance(error, urllib.error.HTTPError):
        error = error.reason if isinstance(error.reason, BaseException) else error
    return isinstance(error, (socket.timeout, TimeoutError))


def retry_after_seconds(value: Optional[str], now: Optional[float] = None) -> Optional[float]:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date); None when absent or unreadable."""
    if value is None:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def _pairs(pairs: Iterable[Any], first: str, second: str) -> List[Dict[str, str]]:
    """(x, y) tuples or {first, second} dicts to the dicts the API takes."""
    out = []
    for pair in pairs:
        if isinstance(pair, dict):
            out.append(pair)
        else:
            x, y = pair
            out.append({first: x, second: y})
    return out


def _vote_groups(groups: Iterable[Any]) -> List[Dict[str, Any]]:
    return [g if isinstance(g, dict) else {"responses": list(g)} for g in groups]


def _reward_groups(groups: Iterable[Any]) -> List[Dict[str, Any]]:
    """Groups as dicts, or as lists of views, each view a dict or a list of responses."""
    out = []
    for group in groups:
        if not isinstance(group, dict):
            group = {"views": list(group)}
        views = [v if isinstance(v, dict) else {"responses": list(v)} for v in group["views"]]
        out.append({**group, "views": views})
    return out


class Client:
    """A synchronous coreward client.

    base_url: COREWARD_URL or http://127.0.0.1:8080; api_key: COREWARD_API_KEY (sent as a bearer token);
    timeout: seconds per attempt; retries: extra attempts after a retryable failure (408, 429, 500, 502, 503,
    504, or no answer at all), with exponential backoff (backoff * 2**k, at most max_backoff, with jitter);
    a Retry-After header is waited instead, up to max_backoff. retry_timeouts: also retry an attempt that
    timed out (off by default: a slow request is usually slow again). sleep: the wait function (tests).
    Thread-safe: every call opens its own connection.
    """

    def __init__(self, base_url: Optional[str] = None, api_key: Optional[str] = None, timeout: float = 60.0,
                 retries: int = 3, backoff: float = 0.5, max_backoff: float = 8.0, retry_timeouts: bool = False,
                 sleep: Callable[[float], None] = time.sleep, rng: Optional[random.Random] = None):
        self.base_url = (base_url or os.environ.get("COREWARD_URL") or DEFAULT_URL).rstrip("/")
        self.api_key = api_key if api_key is not None else (os.environ.get("COREWARD_API_KEY") or None)
        self.timeout = float(timeout)
        self.retries = max(0, int(retries))
        self.backoff = float(backoff)
        self.max_backoff = float(max_backoff)
        self.retry_timeouts = retry_timeouts
        self._sleep = sleep
        self._rng = rng or random.Random()

    def __repr__(self) -> str:
        return f"Client({self.base_url!r})"

    # -- transport ---------------------------------------------------------------------------------------

    def _delay(self, attempt: int, retry_after: Optional[float]) -> float:
        """Wait before attempt number attempt + 1 (attempt counts from 1)."""
        if retry_after is not None:
            return min(retry_after, self.max_backoff)
        ceiling = min(self.max_backoff, self.backoff * (2 ** (attempt - 1)))
        return ceiling / 2 + self._rng.uniform(0, ceiling / 2)  # "equal jitter"

    def request(self, method: str, path: str, body: Any = None, timeout: Optional[float] = None,
                retries: Optional[int] = None) -> Any:
        """Sends one request (retrying as configured; timeout and retries override the client's for this call)
        and returns the decoded JSON body."""
        url = self.base_url + path
        data = None if body is None else json.dumps(body, ensure_ascii=False).encode("utf-8")
        headers = {"Accept": "application/json", "User-Agent": f"coreward-client/{__version__}"}
        if data is not None:
            headers["Content-Type"] = "application/json"
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        per_attempt = self.timeout if timeout is None else float(timeout)
        max_retries = self.retries if retries is None else max(0, int(retries))
        attempt = 0
        while True:
            attempt += 1
            retry_after = None
            try:
                req = urllib.request.Request(url, data=data, headers=headers, method=method)
                with urllib.request.urlopen(req, timeout=per_attempt) as response:
                    raw = response.read()
                return json.loads(raw) if raw else None
            except urllib.error.HTTPError as e:
                status, error_body = e.code, b""
                try:
                    error_body = e.read()
                except (OSError, http.client.HTTPException):
                    pass
                finally:
                    e.close()
                problem = None
                try:
                    decoded = json.loads(error_body) if error_body else None
                    problem = decoded if isinstance(decoded, dict) else None
                except ValueError:
                    pass
                detail = (problem or {}).get("detail") or error_body[:200].decode("utf-8", "replace")
                pointer = (problem or {}).get("pointer")
                failure: CorewardError = CorewardHTTPError(
                    f"{method} {url}: HTTP {status}: {detail}" + (f" (at {pointer})" if pointer else ""),
                    status=status, problem=problem, url=url, attempts=attempt)
                retryable = status in RETRY_STATUSES
                retry_after = retry_after_seconds(e.headers.get("Retry-After")) if e.headers else None
            except Exception as e:  # noqa: BLE001 - sorted into timeouts and connection failures below
                if _is_timeout(e):
                    failure = CorewardTimeout(f"{method} {url}: no answer within {per_attempt:g} s",
                                              url=url, attempts=attempt)
                    retryable = self.retry_timeouts
                elif isinstance(e, http.client.IncompleteRead):
                    # An answer had started: not "no response", so not retried.
                    failure = CorewardConnectionError(f"{method} {url}: answer cut short: {e!r}",
                                                      url=url, attempts=attempt)
                    retryable = False
                elif isinstance(e, (urllib.error.URLError, ConnectionError, http.client.HTTPException, OSError)):
                    reason = e.reason if isinstance(e, urllib.error.URLError) else e
                    failure = CorewardConnectionError(f"{method} {url}: no answer: {reason}",
                                                      url=url, attempts=attempt)
                    retryable = True
                elif isinstance(e, ValueError):
                    raise CorewardError(f"{method} {url}: the answer is not JSON: {e}",
                                        status=200, url=url, attempts=attempt) from e
                else:
                    raise
                failure.__cause__ = e
            if not retryable or attempt > max_retries:
                raise failure
            self._sleep(self._delay(attempt, retry_after))

    def _get(self, path: str) -> Any:
        return self.request("GET", path)

    def _post(self, path: str, body: Dict[str, Any], timeout: Optional[float] = None) -> Any:
        return self.request("POST", path, {k: v for k, v in body.items() if v is not None}, timeout=timeout)

    # -- routes ------------------------------------------------------------------------------------------

    def health(self) -> Dict[str, Any]:
        """GET /healthz: {"status": "ok"} while the process answers."""
        return self._get("/healthz")

    def ready(self, body: bool = False) -> Any:
        """GET /readyz: True when ready, False on 503 (loading, no model, shutting down); the body with body=True.
        A 503 here is an answer, not a failure: it is not retried."""
        try:
            answer = self.request("GET", "/readyz", retries=0)
        except CorewardHTTPError as e:
            if e.status != 503:
                raise
            return e.problem if body else False
        return answer if body else True

    def info(self) -> Dict[str, Any]:
        """GET /v1/info: version, limits, modes and defaults, the model."""
        return self._get("/v1/info")

    def extract(self, responses: Sequence[str], extract: str = "strict") -> Dict[str, Any]:
        """POST /v1/extract: each response's final answer ({"answers": [{answer, method, start, end} | None]})."""
        return self._post("/v1/extract", {"responses": list(responses), "extract": extract})

    def equivalent(self, pairs: Iterable[Any], equivalence: str = "math") -> Dict[str, Any]:
        """POST /v1/equivalent: pairs as (a, b) or {"a", "b"} -> {"equivalent": [bool, ...]}."""
        return self._post("/v1/equivalent", {"equivalence": equivalence, "pairs": _pairs(pairs, "a", "b")})

    def vote(self, groups: Iterable[Any], equivalence: str = "math", extract: str = "strict") -> Dict[str, Any]:
        """POST /v1/vote: groups as {"id", "responses"} or lists of responses -> pseudo-labels, classes, votes."""
        return self._post("/v1/vote", {"equivalence": equivalence, "extract": extract,
                                       "groups": _vote_groups(groups)})

    def reward(self, groups: Iterable[Any], mode: str = "co_reward", equivalence: str = "math",
               reward: str = "binary", advantage: Optional[str] = None, extract: str = "strict") -> Dict[str, Any]:
        """POST /v1/reward: groups as {"id", "views": [{"responses"}], "label"} or as lists of views (each a list
        of responses) -> per view pseudo_label, answers, rewards (and advantages), batch stats."""
        return self._post("/v1/reward", {"mode": mode, "equivalence": equivalence, "reward": reward,
                                         "advantage": advantage, "extract": extract,
                                         "groups": _reward_groups(groups)})

    def embed(self, texts: Sequence[str]) -> Dict[str, Any]:
        """POST /v1/embed: all-MiniLM-L6-v2 embeddings ({"model", "dim", "embeddings"})."""
        return self._post("/v1/embed", {"texts": list(texts)})

    def similarity(self, pairs: Iterable[Any]) -> Dict[str, Any]:
        """POST /v1/similarity: pairs as (a, b) or {"a", "b"} -> {"cosine": [...]}."""
        return self._post("/v1/similarity", {"pairs": _pairs(pairs, "a", "b")})

    def augment(self, questions: Sequence[str], n: int = 1, backend: str = "rules", seed: int = 0) -> Dict[str, Any]:
        """POST /v1/augment: validated rephrasings, n per question ({"items": [{question, variants}]})."""
        return self._post("/v1/augment", {"questions": list(questions), "n": n, "backend": backend, "seed": seed})

    def augment_check(self, pairs: Iterable[Any]) -> Dict[str, Any]:
        """POST /v1/augment/check: (original, rewrite) pairs -> one verdict each ({"items": [...]})."""
        return self._post("/v1/augment/check", {"pairs": _pairs(pairs, "original", "rewrite")})

    def get_reward(self, query: Sequence[str], prompts: Optional[Sequence[Optional[str]]] = None,
                   labels: Optional[Sequence[Any]] = None, timeout: Optional[float] = None) -> Dict[str, Any]:
        """POST /get_reward (OpenRLHF's remote reward protocol): {"rewards", "scores", "extra_logs"}.

        A label may be a dict (a Co-Reward label {"pair_id", "view", "n", "views", "label"}): it is sent as its
        JSON text. A Co-Reward sample is answered once its whole group has arrived, so timeout (per attempt)
        should exceed the server's assembly timeout (120 s by default)."""
        body: Dict[str, Any] = {"query": list(query)}
        if prompts is not None:
            body["prompts"] = list(prompts)
        if labels is not None:
            body["labels"] = [json.dumps(x) if isinstance(x, dict) else x for x in labels]
        return self.request("POST", "/get_reward", body, timeout=timeout)


class AsyncClient:
    """The same methods as Client, as coroutines: each call runs the blocking client in a thread pool.

    max_workers bounds the calls in flight at once (a waiting /get_reward call holds a thread). Use as
    `async with AsyncClient(...) as client:` or call close()."""

    def __init__(self, base_url: Optional[str] = None, api_key: Optional[str] = None, timeout: float = 60.0,
                 retries: int = 3, backoff: float = 0.5, max_backoff: float = 8.0, retry_timeouts: bool = False,
                 max_workers: int = 64, **kwargs: Any):
        self.sync = Client(base_url, api_key, timeout, retries, backoff, max_backoff, retry_timeouts, **kwargs)
        self._executor = concurrent.futures.ThreadPoolExecutor(max_workers=max_workers,
                                                               thread_name_prefix="coreward-client")

    @property
    def base_url(self) -> str:
        return self.sync.base_url

    def close(self) -> None:
        self._executor.shutdown(wait=False)

    async def __aenter__(self) -> "AsyncClient":
        return self

    async def __aexit__(self, *exc: Any) -> None:
        self.close()

    async def _run(self, method: str, *args: Any, **kwargs: Any) -> Any:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor,
                                          functools.partial(getattr(self.sync, method), *args, **kwargs))


def _async_method(name: str) -> Callable[..., Any]:
    sync = getattr(Client, name)

    @functools.wraps(sync)
    async def method(self: AsyncClient, *args: Any, **kwargs: Any) -> Any:
        return await self._run(name, *args, **kwargs)

    return method


for _name in ("request", "health", "ready", "info", "extract", "equivalent", "vote", "reward", "embed",
              "similarity", "augment", "augment_check", "get_reward"):
    setattr(AsyncClient, _name, _async_method(_name))
del _name
