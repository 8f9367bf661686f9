"""A sliding-window rate limit per client and route, in memory (one process). Login, search
and export routes use it; more than ``limit`` requests in ``seconds`` get 429."""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable

from fastapi import Request

from sojourn.api.errors import ApiError


class RateLimit:
    """Each app holds its own limits (``app.state.rate_limits``); ``RateLimit.of(name)`` is
    the dependency that applies the one named."""

    def __init__(self, limit: int, seconds: float) -> None:
        self.limit, self.seconds = limit, seconds
        self._hits: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    @staticmethod
    def of(name: str) -> Callable[[Request], None]:
        def dependency(request: Request) -> None:
            request.app.state.rate_limits[name](request)

        dependency.__name__ = f"rate_limit_{name}"
        return dependency

    def __call__(self, request: Request) -> None:
        client = request.client.host if request.client else "-"
        key = f"{client} {request.url.path}"
        now = time.monotonic()
        with self._lock:
            hits = self._hits[key]
            while hits and hits[0] <= now - self.seconds:
                hits.popleft()
            if len(hits) >= self.limit:
                raise ApiError(429, "rate_limited", "too many requests: try again later")
            hits.append(now)
