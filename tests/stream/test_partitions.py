"""Two partitioned consumers on NATS JetStream against PostgreSQL, each in its own process,
with the records of the same new travellers arriving on both partitions at once: every
event applied once, and each traveller one person — the consumers share one index through
the store, whichever partition a record reaches."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text

from sojourn.events.event import Event
from sojourn.events.jetstream import JetStreamBus
from sojourn.records.mapping import builtin_mapping
from sojourn.store import make_engine, upgrade
from sojourn.stream.partition import Partition, of_key
from sojourn.stream.replay import events
from tests.conftest import PG_URL, drop_pg_schema, new_pg_schema
from tests.stream.test_pipeline import _count, _world

TRAVELLERS = 8


@pytest.fixture
def pg() -> Iterator[tuple[Engine, str]]:
    schema = new_pg_schema()
    engine = make_engine(PG_URL, schema)
    upgrade(engine)
    yield engine, schema
    engine.dispose()
    drop_pg_schema(schema)


def _pair(base: dict[str, Any], n: int) -> list[dict[str, Any]]:
    """Two departure rows of one new traveller (same identity, two trips), whose record ids
    fall in different partitions of two."""
    pax = {**base["pax"], "surname": f"QUOVADIS{'XYZ'[n % 3]}{n:02d}", "given_names": "ZEPHYRINE",
           "birth_date": f"1971-03-{n + 1:02d}", "doc_number": f"Q{n:07d}9"}  # fmt: skip
    rows, suffix = [], 0
    while len(rows) < 2:
        record_id = f"DQ{n:04d}{suffix:05d}"
        suffix += 1
        if of_key(record_id, 2) == len(rows) + 1:
            trip = {**base["departure"], "time": f"2024-0{len(rows) + 5}-11T10:00:00"}
            rows.append({**base, "record_id": record_id, "pax": pax, "departure": trip})
    return rows


def test_two_consumers_never_make_two_persons_of_one_traveller(
    pg: tuple[Engine, str], tmp_path: Path
) -> None:
    engine, schema = pg
    manifest = _world(engine, tmp_path)
    base = json.loads(manifest.read_text().splitlines()[0])
    tag = uuid.uuid4().hex[:10]
    prefix, stream = f"sjp{tag}", f"P{tag}"
    bus = JetStreamBus(stream=stream, subjects=[f"{prefix}.>"], dead_prefix=f"{prefix}.dead")
    try:
        sent = [Event(f"{prefix}.in.departure", e.payload, e.key)
                for e in list(events(manifest, builtin_mapping("cbp-apis-out")))[:40]]  # fmt: skip
        pairs = [_pair(base, n) for n in range(TRAVELLERS)]
        for n, (first, second) in enumerate(pairs):  # side by side: taken at the same time
            sent[n * 4 : n * 4] = [
                Event(f"{prefix}.in.departure", {"mapping": "cbp-apis-out", "row": row},
                      row["record_id"]) for row in (first, second)
            ]  # fmt: skip
        assert {Partition(i, 2).owns(e) for e in sent for i in (1, 2)} == {True, False}
        bus.publish(sent)
        child = [sys.executable, str(Path(__file__).with_name("partition_child.py")),
                 PG_URL, schema, stream, f"{prefix}.in.>"]  # fmt: skip
        running = [subprocess.Popen([*child, f"{i}/2"], stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE) for i in (1, 2)]  # fmt: skip
        outs = [p.communicate(timeout=600) for p in running]
    finally:
        bus.delete_stream()
        bus.close()
    for p, (_, err) in zip(running, outs, strict=True):
        assert p.returncode == 0, err.decode()[-3000:]
    applied = [json.loads(out.decode().strip().splitlines()[-1])["applied"] for out, _ in outs]
    assert all(a > 0 for a in applied) and sum(applied) == len(sent)
    assert _count(engine, "SELECT count(*) FROM inbox") == len(sent)
    with engine.connect() as conn:
        for first, second in pairs:
            persons = conn.execute(text(
                "SELECT DISTINCT l.person_id FROM links l JOIN records r ON r.id = l.record_id "
                "WHERE r.source_record_id IN (:a, :b)"
            ), {"a": first["record_id"], "b": second["record_id"]}).scalars().all()  # fmt: skip
            linked = conn.execute(text(
                "SELECT count(*) FROM links l JOIN records r ON r.id = l.record_id "
                "WHERE r.source_record_id IN (:a, :b)"
            ), {"a": first["record_id"], "b": second["record_id"]}).scalar_one()  # fmt: skip
            assert linked == 2 and len(persons) == 1, (first["record_id"], persons)
