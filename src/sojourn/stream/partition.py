"""Partitioned consumers: consumer ``i`` of ``n`` (``--partition i/n``, its own durable
consumer on the same subjects) applies the events whose ordering key hashes to ``i`` and
passes over the rest, which another partition applies. A key's events are therefore applied
by one consumer, in order. Matching does not depend on the partition: the consumers share
one index through the store (``resolve.serving.catch_up`` under the resolution lock), so two
consumers never create two persons for one traveller whichever partitions their records
reach."""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass

from sojourn.events.event import Event

SPEC = re.compile(r"^(\d+)/(\d+)$")


@dataclass(frozen=True)
class Partition:
    index: int  # 1 … count
    count: int

    def __post_init__(self) -> None:
        if not 1 <= self.index <= self.count:
            raise ValueError(f"partition {self.index}/{self.count}: want 1 <= i <= n")

    @classmethod
    def parse(cls, spec: str) -> Partition:
        """``i/n``: the i-th of n partitions (from 1)."""
        found = SPEC.match(spec.strip())
        if found is None:
            raise ValueError(f"a partition is written i/n (1/2, 2/2), not {spec!r}")
        return cls(int(found.group(1)), int(found.group(2)))

    def owns(self, event: Event) -> bool:
        """Whether this partition applies ``event`` (by its ordering key)."""
        return of_key(event.key, self.count) == self.index

    @property
    def durable(self) -> str:
        """The suffix of this partition's durable consumer name."""
        return f"{self.index}of{self.count}"


def of_key(key: str, count: int) -> int:
    """The partition (from 1) of an ordering key among ``count``."""
    return zlib.crc32(key.encode()) % count + 1
