"""Partitions of the events by ordering key: each key in exactly one partition, always the
same; a partition written i/n, refused otherwise (also on the command line)."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from sojourn.cli import app
from sojourn.events.event import Event
from sojourn.stream.partition import Partition


def test_each_key_belongs_to_one_partition() -> None:
    parts = [Partition.parse(f"{i}/3") for i in (1, 2, 3)]
    keys = [f"D{n:012d}" for n in range(300)]
    owners = [[p.index for p in parts if p.owns(Event("sojourn.in.x", {}, k))] for k in keys]
    assert all(len(o) == 1 for o in owners)
    assert {o[0] for o in owners} == {1, 2, 3}  # the keys spread over all three
    again = [[p.index for p in parts if p.owns(Event("sojourn.in.x", {"n": 1}, k))] for k in keys]
    assert again == owners and parts[1].durable == "2of3"


@pytest.mark.parametrize("spec", ["0/2", "3/2", "2", "a/b", "1/0"])
def test_a_bad_partition_is_refused(spec: str) -> None:
    with pytest.raises(ValueError, match="partition"):
        Partition.parse(spec)
    result = CliRunner().invoke(app, ["stream", "consume", "--partition", spec])
    assert result.exit_code == 2 and "partition" in result.output
