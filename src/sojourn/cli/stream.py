"""``sojourn stream consume|replay|relay`` (thin over ``sojourn.stream``)."""

from __future__ import annotations

import datetime as dt
import gc
import signal
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from sojourn.cli.trail import WRITE_PURPOSE, WritePurpose, audited, store_engine

if TYPE_CHECKING:
    from sojourn.events.jetstream import JetStreamBus

console = Console()
stream_app = typer.Typer(help="The real-time pipeline: records in, persons and cases updated.")
AsOf = Annotated[str | None, typer.Option(help="Status as of (YYYY-MM-DD; default today).")]


def _day(as_of: str | None) -> dt.date | None:
    return dt.date.fromisoformat(as_of) if as_of else None


def _nats() -> JetStreamBus:
    from sojourn.events.jetstream import JetStreamBus
    from sojourn.settings import get_settings

    settings = get_settings()
    return JetStreamBus(settings.nats_url, max_bytes=settings.nats_max_bytes,
                        max_age=settings.nats_max_age_days * 86_400)  # fmt: skip


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


@stream_app.command("consume")
def consume(
    subject: Annotated[str, typer.Option(help="The subjects to take.")] = "sojourn.in.>",
    durable: Annotated[str, typer.Option(help="The durable consumer's name.")] = "pipeline",
    idle: Annotated[float, typer.Option(help="Stop after this many idle seconds.")] = 3600.0,
    batched: Annotated[
        bool, typer.Option("--batch/--one-by-one", help="Handle each fetch as one batch.")
    ] = True,
    partition: Annotated[
        str | None, typer.Option(help="i/n: apply the i-th of n partitions of the events.")
    ] = None,
    as_of: AsOf = None,
    purpose: WritePurpose = WRITE_PURPOSE,
) -> None:
    """Take records from NATS as they arrive: ingest, match, status, assessment, case, and
    publish sojourn.person.* events. Safe to kill and restart: nothing lost, nothing twice.
    Scale out with one consumer per partition (--partition 1/2, --partition 2/2)."""
    from sojourn.resolve.serving import load_index
    from sojourn.settings import get_settings
    from sojourn.stream.batch import handle_batch
    from sojourn.stream.partition import Partition
    from sojourn.stream.pipeline import Pipeline

    try:
        part = Partition.parse(partition) if partition else None
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--partition") from exc
    durable = f"{durable}-{part.durable}" if part else durable
    engine = store_engine()
    bus = _nats()
    pipeline = Pipeline(engine, bus, as_of=_day(as_of), partition=part)
    with console.status("loading the resolution index"):
        pipeline.index = load_index(engine)  # before the first event, not during it
    gc.collect()
    gc.freeze()  # the index lives as long as the process: no collection scans it again
    if batched:
        bus.handle_batch = lambda events: handle_batch(pipeline, events)
    console.print(f"consuming {subject} as {durable} ({len(pipeline.index):,} records indexed)")
    signal.signal(signal.SIGTERM, _interrupt)  # stop like Ctrl-C: after the batch in hand
    with audited(engine, purpose, "stream.consume", "stream") as trail:
        trail.ids = [f"{durable}:{subject}"]
        done = bus.consume(subject, durable, pipeline.handle, idle=idle,
                           batch=get_settings().stream_batch)  # fmt: skip
        trail.detail = {"applied": done.applied, "dead": done.dead}
    console.print(f"applied {done.applied:,}, already applied {done.skipped:,}, dead-lettered "
                  f"{done.dead:,}, retried {done.retried:,} in {done.fetches:,} batches; "
                  f"{pipeline.counts}")  # fmt: skip
    bus.close()


@stream_app.command("replay")
def replay_command(
    path: Annotated[Path, typer.Argument(help="A generated extract directory or one file.")],
    rate: Annotated[float, typer.Option(help="Events per second.")] = 100.0,
    kind: Annotated[str, typer.Option(help="Which kind of records.")] = "departure",
    limit: Annotated[int | None, typer.Option(help="At most this many events.")] = None,
    as_of: AsOf = None,
    purpose: WritePurpose = WRITE_PURPOSE,
) -> None:
    """Publish a source extract's rows as events at a steady rate: to NATS
    (SOJOURN_BUS=nats), or through the whole pipeline in this process (the default)."""
    from sojourn.events.inprocess import InProcessBus
    from sojourn.records.manifest import plan
    from sojourn.settings import get_settings
    from sojourn.stream.pipeline import Pipeline
    from sojourn.stream.replay import replay

    files = [p for p in plan([path], None) if p.mapping.kind == kind]
    if not files:
        raise typer.BadParameter(f"no {kind} file in {path}")
    engine = store_engine()
    if get_settings().bus == "nats":
        nats = _nats()
        sent = sum(replay(nats, f.path, f.mapping, rate, limit) for f in files)
        nats.close()
        console.print(f"{sent:,} events published to NATS")
        return
    bus = InProcessBus()
    pipeline = Pipeline(engine, bus, as_of=_day(as_of))
    bus.subscribe("sojourn.in.", pipeline.handle)
    told: list[object] = []
    bus.subscribe("sojourn.person.", told.append)
    with audited(engine, purpose, "stream.replay", "stream") as trail:
        trail.ids = [str(f.path.name) for f in files]
        sent = sum(replay(bus, f.path, f.mapping, rate, limit) for f in files)
        trail.detail = {"events": sent, "person_events": len(told)}
    console.print(f"{sent:,} events through the pipeline: {pipeline.counts}; "
                  f"{len(told):,} person events; dead letters {len(bus.dead)}")  # fmt: skip


@stream_app.command("relay")
def relay_command() -> None:
    """Publish the outbox's pending events to NATS (after a crash of a publisher)."""
    from sojourn.events.bus import relay

    engine = store_engine()
    bus = _nats()
    console.print(f"{relay(engine, bus):,} events published")
    bus.close()


@stream_app.command("status")
def status_command(
    durable: Annotated[str, typer.Option(help="The durable consumer's name.")] = "pipeline",
) -> None:
    """How far behind the consumer is (back-pressure shows here: events wait in the stream,
    not in memory), how full the stream is, and the outbox events not yet published."""
    from sojourn.events.bus import unpublished

    engine = store_engine()
    bus = _nats()
    try:
        lag = bus.lag(durable)
    except LookupError as exc:
        console.print(str(exc))
        raise typer.Exit(1) from exc
    finally:
        bus.close()
    for name, value in {**lag, "outbox_unpublished": unpublished(engine)}.items():
        console.print(f"{name.replace('_', ' ')}: {value:,}")


def register(app: typer.Typer) -> None:
    app.add_typer(stream_app, name="stream")
