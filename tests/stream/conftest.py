"""The NATS tests share the local server. The test streams live outside ``sojourn.>``; the one
test that uses the default ``SOJOURN`` stream starts and ends without it."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator

import nats
import pytest
from nats.js.errors import NotFoundError


async def _drop(name: str) -> None:
    nc = await nats.connect("nats://127.0.0.1:4222")
    with contextlib.suppress(NotFoundError):
        await nc.jetstream().delete_stream(name)
    await nc.close()


@pytest.fixture
def no_default_stream() -> Iterator[None]:
    asyncio.run(_drop("SOJOURN"))
    yield
    asyncio.run(_drop("SOJOURN"))
