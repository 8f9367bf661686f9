"""The NATS tests share the local server: streams may not overlap in subjects, so each test
starts without the default ``SOJOURN`` stream (tests own the local server's streams)."""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import Iterator

import nats
import pytest
from nats.js.errors import NotFoundError


async def _drop(name: str) -> None:
    """Remove ``name`` and any stream a test left behind (``T`` + ten hex digits)."""
    nc = await nats.connect("nats://127.0.0.1:4222")
    js = nc.jetstream()
    names = {s.config.name for s in await js.streams_info()}
    for stream in names:
        if stream == name or re.fullmatch(r"T[0-9a-f]{10}", stream or ""):
            with contextlib.suppress(NotFoundError):
                await js.delete_stream(stream)
    await nc.close()


@pytest.fixture
def no_default_stream() -> Iterator[None]:
    asyncio.run(_drop("SOJOURN"))
    yield
    asyncio.run(_drop("SOJOURN"))
