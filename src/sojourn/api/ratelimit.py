"""A sliding-window rate limit, in memory (one process). Login and search are limited per
client address, export per user; more than ``limit`` requests in ``seconds`` get 429."""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request

from sojourn.access.authz import Principal
from sojourn.api.errors import ApiError
from sojourn.api.security import authenticate


class RateLimit:
    """Each app holds its own limits (``app.state.rate_limits``); ``RateLimit.of(name)`` is
    the dependency that applies the one named."""

    def __init__(self, limit: int, seconds: float) -> None:
        self.limit, self.seconds = limit, seconds
        self._hits: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    @staticmethod
    def of(name: str) -> Callable[[Request], None]:
        """The dependency that limits each client address."""

        def dependency(request: Request) -> None:
            client = request.client.host if request.client else "-"
            request.app.state.rate_limits[name].check(client)

        dependency.__name__ = f"rate_limit_{name}"
        return dependency

    @staticmethod
    def per_user(name: str) -> Callable[..., None]:
        """The dependency that limits each authenticated user (wherever they connect from)."""

        def dependency(
            request: Request, principal: Annotated[Principal, Depends(authenticate)]
        ) -> None:
            request.app.state.rate_limits[name].check(f"user {principal.username}")

        dependency.__name__ = f"rate_limit_{name}_per_user"
        return dependency

    def check(self, key: str) -> None:
        """Count a request by ``key``; 429 when the window is full."""
        now = time.monotonic()
        with self._lock:
            hits = self._hits[key]
            while hits and hits[0] <= now - self.seconds:
                hits.popleft()
            if len(hits) >= self.limit:
                raise ApiError(429, "rate_limited", "too many requests: try again later")
            hits.append(now)
