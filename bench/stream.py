"""Benchmark of the real-time pipeline (issue 8 goal: departure events at 1,000/s for 60 s
against a store of 1,000,000 records; event-to-alert p99 ≤ 50 ms; memory flat).

Generates N persons (default 330,000: about 1,080,000 records), ingests every extract into a
store but the departure manifest's first rate × seconds rows (the store then holds about
1,020,000 records), resolves and assesses them (bench/stream_store.py); starts
``sojourn stream consume`` as its own process on NATS (127.0.0.1:4222) on a working copy of
the store; replays the manifest's rows onto ``sojourn.in.departure`` at ``--rate`` events/s
for ``--seconds``; listens to ``sojourn.person.>`` and measures, for each person event, the
time from the source event's creation to its arrival (event to alert). Prints events in,
events processed, latency percentiles and the consumer's resident memory at start and end.
Asserts nothing.

    .venv/bin/python bench/stream.py [--persons N] [--rate 1000] [--seconds 60] [--cache DIR]
                                     [--store sqlite|postgresql] [--consumers N]

``--store sqlite`` (the default): a SQLite file, kept under ``--cache`` (a temporary
directory without it) and copied for each run. ``--store postgresql``: the database
``sojourn_bench_stream_<persons>_<replayed>`` on SOJOURN_BENCH_POSTGRES_URL's server
(default postgresql+psycopg://postgres@127.0.0.1:5432/test), prepared once and kept; each run
works on a copy (``CREATE DATABASE … TEMPLATE``) dropped after it. ``--cache`` is needed
(the generated data lives there).

With ``--consumers N`` it measures throughput instead: a backlog of rate × seconds events
drained by one consumer, then (on a fresh copy of the store) by N partitioned consumers
(``--partition i/N``, each its own durable consumer on the whole stream, applying the events
whose key hashes to it), and prints the ratio (goal ≥ 1.8 for two). On SQLite the writers
take turns (see docs/stream.md for what that means for the ratio); PostgreSQL lets them
write side by side.
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
from collections.abc import Iterator
from pathlib import Path

import nats
import numpy as np

from population import machine
from sojourn.events.event import Event
from sojourn.events.jetstream import JetStreamBus
from sojourn.records.mapping import builtin_mapping
from sojourn.stream.replay import events
from stream_store import AS_OF, Store, prepare, records, store


def _rss(pid: int) -> float:
    """Resident memory of ``pid`` in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Listener:
    """Person events from NATS (core subscription), with their event-to-alert latency. Each
    counts once: partitioned consumers share the outbox, and two relays may both publish an
    event (JetStream keeps one by its id; a core subscription hears both)."""

    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.arrivals: list[float] = []  # perf_counter at each person event
        self.seen: set[str] = set()
        self.again = 0  # the events heard more than once
        self.loop = asyncio.new_event_loop()
        threading.Thread(target=self.loop.run_forever, daemon=True).start()
        asyncio.run_coroutine_threadsafe(self._start(), self.loop).result()

    async def _start(self) -> None:
        self.nc = await nats.connect("nats://127.0.0.1:4222")
        await self.nc.subscribe("sojourn.person.>", cb=self._got)

    async def _got(self, msg: object) -> None:
        now = time.perf_counter()
        body = json.loads(msg.data)  # type: ignore[attr-defined]
        if body["id"] in self.seen:
            self.again += 1
            return
        self.seen.add(body["id"])
        self.arrivals.append(now)
        sent = dt.datetime.fromisoformat(body["payload"]["source_at"])
        self.latencies.append((dt.datetime.now(dt.UTC) - sent).total_seconds() * 1000)


def _store(args: argparse.Namespace, work: Path) -> tuple[Path, Store]:
    """The manifest to replay and the store, prepared, holding every record but the
    manifest's first rate × seconds rows (they arrive as the stream). ``--cache`` keeps the
    generated data (and the SQLite store) between runs."""
    home = args.cache or work
    where = store(args.store, home, args.persons, int(args.rate * args.seconds))
    prepare(where, home / "data")
    return home / "data" / "departures_apis.jsonl", where


@contextlib.contextmanager
def _copy(where: Store, work: Path) -> Iterator[str]:
    """A working copy of the store for one run (its URL), removed after it."""
    with where.copy(work) as url:
        print(f"store: {records(url):,} records of {where.persons:,} generated persons ({url})")
        yield url


def _echo(consumer: subprocess.Popen[str]) -> None:
    """The consumer's last words (what it applied, in how many batches)."""
    assert consumer.stdout is not None
    for line in consumer.stdout:
        print(f"consumer: {line.rstrip()}")


def _replay(manifest: Path, rate: float, seconds: float) -> tuple[int, float]:
    """Publish the manifest's rows onto NATS at ``rate`` events/s for ``seconds``, the events
    due at each moment in one publish (each with a fresh id and its creation time)."""
    publisher = JetStreamBus()
    todo = list(events(manifest, builtin_mapping("cbp-apis-out")))
    total, sent, begin = int(rate * seconds), 0, time.perf_counter()
    while sent < total:
        due = min(total, int((time.perf_counter() - begin) * rate) + 1) - sent
        if due <= 0:
            time.sleep(0.001)
            continue
        rows = [todo[(sent + i) % len(todo)] for i in range(due)]
        publisher.publish([Event(r.subject, r.payload, r.key) for r in rows])
        sent += due
    elapsed = time.perf_counter() - begin
    publisher.close()
    return sent, elapsed


def _consumers(env: dict[str, str], count: int) -> list[subprocess.Popen[str]]:
    """``count`` consumers (partitions 1/count … count/count when more than one), started
    and waited for until each has loaded its index."""
    started = []
    for i in range(1, count + 1):
        part = ["--partition", f"{i}/{count}"] if count > 1 else []
        started.append(subprocess.Popen(
            [sys.executable, "-m", "sojourn", "stream", "consume", "--idle", "30",
             "--durable", "bench", "--as-of", AS_OF, *part], env=env, stdout=subprocess.PIPE,
            text=True,
        ))  # fmt: skip
    for consumer in started:
        assert consumer.stdout is not None
        for line in consumer.stdout:  # the consumer loads the resolution index first
            print(f"consumer: {line.rstrip()}")
            if line.startswith("consuming"):
                break
        threading.Thread(target=_echo, args=(consumer,), daemon=True).start()
    return started


def _fresh_stream() -> None:
    bus = JetStreamBus()
    with contextlib.suppress(Exception):  # start from an empty stream
        bus.delete_stream()
    bus.close()


def _env(work: Path, url: str) -> dict[str, str]:
    env = {**os.environ, "SOJOURN_DATABASE_URL": url, "SOJOURN_DATA_DIR": str(work / "state")}
    env.pop("SOJOURN_DATABASE_SCHEMA", None)  # the copy's own database, default schema
    return env


def _stop(consumers: list[subprocess.Popen[str]]) -> None:
    for consumer in consumers:
        if consumer.poll() is None:
            consumer.terminate()  # it stops after the batch in hand and says what it did
    for consumer in consumers:
        consumer.wait(120)


def latency(args: argparse.Namespace, work: Path) -> None:
    """Events published at ``--rate`` while one consumer applies them: event to alert."""
    manifest, where = _store(args, work)
    with _copy(where, work) as url:
        _fresh_stream()
        consumers = _consumers(_env(work, url), 1)
        try:
            time.sleep(2)
            start_rss = _rss(consumers[0].pid)
            listener = Listener()
            sent, elapsed = _replay(manifest, args.rate, args.seconds)
            time.sleep(5)
            end_rss = _rss(consumers[0].pid)
        finally:
            _stop(consumers)
    lat = np.array(listener.latencies)
    p50, p99 = np.percentile(lat, [50, 99]) if len(lat) else (float("nan"),) * 2
    print(f"events in: {sent:,} in {elapsed:.1f} s ({sent / elapsed:,.0f}/s); events "
          f"processed (person events seen): {len(lat):,}")  # fmt: skip
    print(f"event to alert: p50 {p50:,.0f} ms, p99 {p99:,.0f} ms (goal p99 ≤ 50 ms)")
    print(f"consumer memory: {start_rss:,.0f} MiB at start, {end_rss:,.0f} MiB at end")


def throughput(args: argparse.Namespace, work: Path, count: int) -> float:
    """A backlog of ``--rate`` × ``--seconds`` events drained by ``count`` partitioned
    consumers (on a fresh copy of the store): person events seen per second, from the first
    to the last."""
    total = int(args.rate * args.seconds)
    manifest, where = _store(args, work)
    with _copy(where, work) as url:
        _fresh_stream()
        listener = Listener()
        _replay(manifest, float(total), 1.0)  # the backlog, as fast as it goes
        consumers = _consumers(_env(work, url), count)  # each takes events once loaded
        try:
            last, seen = time.perf_counter(), 0
            while len(listener.latencies) < total and time.perf_counter() - last < 30:
                time.sleep(0.5)
                if len(listener.latencies) > seen:
                    seen, last = len(listener.latencies), time.perf_counter()
        finally:
            _stop(consumers)
    arrived = listener.arrivals
    rate = (len(arrived) - 1) / (arrived[-1] - arrived[0]) if len(arrived) > 1 else 0.0
    print(f"{count} consumer(s): {len(arrived):,} of {total:,} events processed, "
          f"{rate:,.0f} events/s (first to last person event; {listener.again:,} person "
          "events heard twice)")  # fmt: skip
    return rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=330_000)
    parser.add_argument("--rate", type=float, default=1000.0)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--cache", type=Path, help="keep the generated data (and the SQLite "
                        "store) here")  # fmt: skip
    parser.add_argument("--store", choices=["sqlite", "postgresql"], default="sqlite",
                        help="the store's database (postgresql: on SOJOURN_BENCH_POSTGRES_URL's "
                             "server, one database prepared, one copy per run)")  # fmt: skip
    parser.add_argument("--consumers", type=int, default=0,
                        help="throughput of a backlog drained by 1 and by N partitioned "
                             "consumers, and their ratio (instead of the latency run)")  # fmt: skip
    args = parser.parse_args()
    if (args.consumers or args.store == "postgresql") and args.cache is None:
        parser.error("--consumers and --store postgresql need --cache (for the generated data; "
                     "each run starts from a copy of the store)")  # fmt: skip
    print(f"machine: {machine()}; load average {Path('/proc/loadavg').read_text().strip()}")
    with tempfile.TemporaryDirectory(prefix="sojourn-stream-") as name:
        if not args.consumers:
            latency(args, Path(name))
        else:
            one = throughput(args, Path(name), 1)
            many = throughput(args, Path(name), args.consumers)
            print(f"throughput ratio, {args.consumers} consumers to 1: {many / one:.2f} "
                  f"(goal ≥ 1.8 for 2)")  # fmt: skip
    print(f"load average at the end: {Path('/proc/loadavg').read_text().strip()}")


if __name__ == "__main__":
    main()
