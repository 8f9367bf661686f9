"""Benchmark of the real-time pipeline (issue 8 goal: departure events at 1,000/s for 60 s
against a store of 1,000,000 records; event-to-alert p99 ≤ 50 ms; memory flat).

Generates N persons (default 310,000 ≈ 1,000,000 records), ingests every extract but the
departure manifest into a temporary SQLite database, resolves and assesses them; starts
``sojourn stream consume`` as its own process on NATS (127.0.0.1:4222); replays the manifest's
rows onto ``sojourn.in.departure`` at ``--rate`` events/s for ``--seconds``; listens to
``sojourn.person.>`` and measures, for each person event, the time from the source event's
creation to its arrival (event to alert). Prints events in, events processed, latency
percentiles and the consumer's resident memory at start and end. Asserts nothing.

    .venv/bin/python bench/stream.py [--persons N] [--rate 1000] [--seconds 60]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import nats
import numpy as np

from population import ingested, machine
from sojourn.cases.recompute import recompute
from sojourn.records.mapping import builtin_mapping
from sojourn.resolve.run import resolve_all
from sojourn.stream.events import Event
from sojourn.stream.jetstream import JetStreamBus
from sojourn.stream.replay import events

AS_OF = "2025-09-30"


def _rss(pid: int) -> float:
    """Resident memory of ``pid`` in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Listener:
    """Person events from NATS (core subscription), with their event-to-alert latency."""

    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.loop = asyncio.new_event_loop()
        threading.Thread(target=self.loop.run_forever, daemon=True).start()
        asyncio.run_coroutine_threadsafe(self._start(), self.loop).result()

    async def _start(self) -> None:
        self.nc = await nats.connect("nats://127.0.0.1:4222")
        await self.nc.subscribe("sojourn.person.>", cb=self._got)

    async def _got(self, msg: object) -> None:
        body = json.loads(msg.data)  # type: ignore[attr-defined]
        sent = dt.datetime.fromisoformat(body["payload"]["source_at"])
        self.latencies.append((dt.datetime.now(dt.UTC) - sent).total_seconds() * 1000)


def _prepare(tmp: Path, persons: int) -> tuple[Path, Path]:
    data, db = tmp / "data", tmp / "bench.db"
    engine = ingested(data, db, persons)  # every extract; the manifest is replayed below
    with engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM sightings")
        conn.exec_driver_sql(
            "DELETE FROM records WHERE kind = 'departure'"
        )  # the manifest arrives as a stream
    resolve_all(engine)
    recompute(engine, dt.date.fromisoformat(AS_OF), "bench")
    return data / "departures_apis.jsonl", db


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=310_000)
    parser.add_argument("--rate", type=float, default=1000.0)
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args()
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory(prefix="sojourn-stream-") as name:
        manifest, db = _prepare(Path(name), args.persons)
        env = {**os.environ, "SOJOURN_DATABASE_URL": f"sqlite:///{db}",
               "SOJOURN_DATA_DIR": str(Path(name) / "state")}  # fmt: skip
        bus = JetStreamBus()
        with contextlib.suppress(Exception):  # start from an empty stream
            bus.delete_stream()
        bus.close()
        consumer = subprocess.Popen(
            [sys.executable, "-m", "sojourn", "stream", "consume", "--idle", "30",
             "--durable", "bench", "--as-of", AS_OF], env=env,
        )  # fmt: skip
        time.sleep(8)  # the consumer loads the resolution index before its first event
        start_rss = _rss(consumer.pid)
        listener, publisher = Listener(), JetStreamBus()
        todo = list(events(manifest, builtin_mapping("cbp-apis-out")))
        total = int(args.rate * args.seconds)
        begin, sent = time.perf_counter(), 0
        for i in range(total):
            row = todo[i % len(todo)]
            event = Event(row.subject, row.payload, row.key)  # a fresh id: not a duplicate
            pause = begin + sent / args.rate - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
            publisher.publish([event])
            sent += 1
        elapsed = time.perf_counter() - begin
        time.sleep(5)
        end_rss = _rss(consumer.pid)
        consumer.terminate()
        consumer.wait(60)
        lat = np.array(listener.latencies)
        p50, p99 = np.percentile(lat, [50, 99]) if len(lat) else (float("nan"),) * 2
        print(f"events in: {sent:,} in {elapsed:.1f} s ({sent / elapsed:,.0f}/s); events "
              f"processed (person events seen): {len(lat):,}")  # fmt: skip
        print(f"event to alert: p50 {p50:,.0f} ms, p99 {p99:,.0f} ms (goal p99 ≤ 50 ms)")
        print(f"consumer memory: {start_rss:,.0f} MiB at start, {end_rss:,.0f} MiB at end")
        publisher.close()


if __name__ == "__main__":
    main()
