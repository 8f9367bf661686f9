"""``sojourn reviews list``, ``sojourn judge`` and ``sojourn retract``: identity reviews and
the human judgements that decide them (thin over ``sojourn.resolve``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from sojourn.cli.resolve import reassess
from sojourn.cli.resolve_output import reviews_table, run_table
from sojourn.cli.trail import (
    WRITE_PURPOSE,
    ReadPurpose,
    WritePurpose,
    audited,
    record,
    store_engine,
)

if TYPE_CHECKING:
    from sqlalchemy import Engine

console = Console()
reviews_app = typer.Typer(help="Identity-review items: pairs of records for a person to decide.")


@reviews_app.command("list")
def reviews_list(
    purpose: ReadPurpose,
    limit: Annotated[int, typer.Option(help="At most this many (0 = all).")] = 50,
) -> None:
    """Open identity-review items, oldest first."""
    from sojourn.resolve import queries

    engine = store_engine()
    found = queries.open_reviews(engine, limit or None)
    pairs = [str(r[side]) for r in found for side in ("record_l", "record_r")]
    record(engine, purpose, "review.list", "record", pairs, {"reviews": len(found)})
    console.print(reviews_table(found))


def judge(
    record_a: Annotated[str, typer.Argument(help="A record id.")],
    record_b: Annotated[str, typer.Argument(help="Another record id.")],
    verdict: Annotated[str, typer.Argument(help="same, different or unsure")],
    actor: Annotated[str, typer.Option(help="Who decides.")],
    reason: Annotated[str, typer.Option(help="Why (required).")],
    review: Annotated[int | None, typer.Option(help="The review item decided.")] = None,
    purpose: WritePurpose = WRITE_PURPOSE,
) -> None:
    """Record a human judgement on two records and apply it at once to their persons; it
    overrides the model in every later run and retraining."""
    from sojourn.resolve import judgements

    engine = store_engine()
    with audited(engine, purpose, "judgement.add", "record") as trail:
        trail.ids = [record_a, record_b]
        trail.detail = {"verdict": verdict, "actor": actor, "review": review}
        number = judgements.judge(engine, record_a, record_b, verdict, actor, reason, review)
        trail.detail["judgement"] = number
        console.print(f"judgement {number} recorded: {verdict}")
        _apply(engine, [record_a, record_b])


def _apply(engine: Engine, records: list[str]) -> None:
    from sojourn.resolve.queries import person_of_record
    from sojourn.resolve.run import resolve_records
    from sojourn.resolve.store import NoModelError

    before = tuple(p for p in (person_of_record(engine, r) for r in records) if p)
    try:
        summary = resolve_records(engine, records)
    except NoModelError:
        console.print("no model yet: the first `sojourn resolve` will apply it")
        return
    console.print(run_table(summary))
    reassess(engine, records, f"judgement, run {summary.run_id}", before)


def retract(
    judgement_id: Annotated[int, typer.Argument(help="The judgement to take back.")],
    actor: Annotated[str, typer.Option(help="Who takes it back.")],
    reason: Annotated[str, typer.Option(help="Why (required).")],
    purpose: WritePurpose = WRITE_PURPOSE,
) -> None:
    """Take back a judgement (the record of it stays) and apply that to the persons."""
    from sojourn.resolve import judgements

    engine = store_engine()
    with audited(engine, purpose, "judgement.retract", "record") as trail:
        trail.detail = {"judgement": judgement_id, "actor": actor}
        number = judgements.retract(engine, judgement_id, actor, reason)
        console.print(f"judgement {judgement_id} retracted by {number}")
        with engine.connect() as conn:
            taken_back = next(j for j in judgements.history(conn) if j.id == judgement_id)
        trail.ids = [taken_back.record_l, taken_back.record_r]
        _apply(engine, trail.ids)


def register(app: typer.Typer) -> None:
    """The ``reviews`` group, and ``judge`` and ``retract``."""
    app.add_typer(reviews_app, name="reviews")
    for command in (judge, retract):
        app.command()(command)
