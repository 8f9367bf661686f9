"""``sojourn assess`` and ``sojourn policy list|activate`` (thin over ``sojourn.priority``).
Activating a policy from the command line is the operator's act, audited as
``cli:<OS user>``."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import asdict
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from sojourn.cli.trail import (
    WRITE_PURPOSE,
    MaybePurpose,
    audited,
    operator,
    require,
    store_engine,
)

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from sojourn.priority.assess import Assessment
    from sojourn.priority.policy import Policy

console = Console()
policy_app = typer.Typer(help="Prioritization policies: the shipped ones, and the active one.")


def assess(
    person_id: Annotated[str | None, typer.Argument(help="One person; default: everyone.")] = None,
    as_of: Annotated[str | None, typer.Option(help="YYYY-MM-DD; default today.")] = None,
    policy: Annotated[
        str | None, typer.Option(help="A policy id@version; default: the one in force.")
    ] = None,
    output: Annotated[str, typer.Option("--format", help="table or json")] = "table",
    store: Annotated[
        bool, typer.Option(help="Keep the assessments whose outcome changed (history).")
    ] = True,
    purpose: MaybePurpose = None,
    method: Annotated[
        str,
        typer.Option("--engine", help="python (this machine) or spark (everyone, SOJOURN_SPARK_*)"),
    ] = "python",
) -> None:
    """Assess persons under a policy: priority, the rules that fired with their evidence,
    the factors for a human to weigh, and the hard stops (one person: --purpose required)."""
    from sojourn.priority.policy import shipped
    from sojourn.priority.store import active_policy
    from sojourn.settings import today

    day = dt.date.fromisoformat(as_of) if as_of else today()
    if policy is not None and policy not in shipped():
        raise typer.BadParameter(f"unknown policy {policy!r}: see `sojourn policy list`")
    if method not in ("python", "spark"):
        raise typer.BadParameter(f"unknown engine {method!r}: use python or spark")
    if method == "spark" and person_id:
        raise typer.BadParameter("--engine spark assesses everyone: leave out PERSON_ID")
    why = require(purpose, "to assess one person") if person_id else purpose or WRITE_PURPOSE
    engine = store_engine()
    with engine.connect() as conn:
        chosen = shipped()[policy] if policy else active_policy(conn, day)
    with audited(engine, why, "person.assess", "person") as trail:
        trail.ids = [person_id] if person_id else []
        trail.detail = {"policy": chosen.key, "as_of": str(day)}
        if method == "spark":
            summary = _assess_spark(engine, day, chosen.key, store)
            trail.detail.update(persons=summary["persons"], stored=summary["stored"],
                                engine="spark")  # fmt: skip
            _print_summary(summary, output)
            return
        done, written = _assess(engine, day, chosen, person_id, store)
        trail.detail.update(persons=len(done), stored=written)
    if person_id:
        _show_one(done[0], output)
        return
    _show_all(done, chosen.key, day, output, written)


def _assess(
    engine: Engine, day: dt.date, chosen: Policy, person_id: str | None, store: bool
) -> tuple[list[Assessment], int]:
    from rich.progress import track

    from sojourn.priority.run import assess_store
    from sojourn.priority.store import save

    found = assess_store(engine, day, chosen, [person_id] if person_id else None)
    done = list(track(found, description="assessing", console=console, transient=True))
    if person_id and not done:
        raise typer.BadParameter(f"no person with id {person_id}")
    written = 0
    if store:
        with engine.begin() as conn:
            written = save(conn, done, "sojourn assess")
    return done, written


def _assess_spark(engine: Engine, day: dt.date, key: str, store: bool) -> dict[str, Any]:
    from sojourn.spark.assess import assess_spark

    with console.status("assessing on Spark"):
        found = assess_spark(engine, day, key, store)
    return {"policy": key, "as_of": day.isoformat(), "persons": found.persons,
            "priority": dict(found.priority), "hard_stops": dict(found.stops),
            "enforcement_ready": found.enforcement_ready, "stored": found.written}  # fmt: skip


def _show_one(a: Assessment, output: str) -> None:
    data = {**asdict(a), "as_of": a.as_of.isoformat(), "enforcement_ready": a.enforcement_ready}
    if output == "json":
        console.print_json(json.dumps(data, default=str))
        return
    console.print(f"[bold]person {a.person_id}[/] as of {a.as_of} under {a.policy}")
    console.print(f"priority: {a.priority or 'none'}; enforcement-ready: {a.enforcement_ready}")
    table = Table(title="rules and factors")
    for name in ("rule", "tier", "facts (value · records · confidence)", "citation"):
        table.add_column(name, overflow="fold")
    for r in (*a.rules, *a.factors):
        facts = "; ".join(
            f"{n}={v['value']} · {','.join(v['records']) or '-'} · {v['confidence']:.2f}"
            for n, v in r.facts.items()
        )
        tier = r.tier if r.supported else f"{r.tier} (not counted: uncertain identity)"
        table.add_row(r.rule_id, tier, escape(facts), escape(r.citation))
    console.print(table)
    for s in a.stops:
        console.print(f"[red]hard stop[/] {s.id} → opens {s.opens}; records {', '.join(s.records)}")


def _show_all(done: list[Assessment], key: str, day: dt.date, output: str, written: int) -> None:
    by_priority = Counter(a.priority or "none" for a in done)
    stops = Counter(s.id for a in done for s in a.stops)
    ready = sum(a.enforcement_ready for a in done)
    summary = {"policy": key, "as_of": day.isoformat(), "persons": len(done),
               "priority": dict(by_priority), "hard_stops": dict(stops),
               "enforcement_ready": ready, "stored": written}  # fmt: skip
    _print_summary(summary, output)


def _print_summary(summary: dict[str, Any], output: str) -> None:
    if output == "json":
        console.print_json(json.dumps(summary))
        return
    console.print(
        f"{summary['persons']:,} persons assessed under {summary['policy']} "
        f"as of {summary['as_of']}"
    )
    table = Table()
    table.add_column("priority")
    table.add_column("persons", justify="right")
    for name, n in Counter(summary["priority"]).most_common():
        table.add_row(name, f"{n:,}")
    console.print(table)
    ready = summary["enforcement_ready"]
    console.print(f"hard stops: {summary['hard_stops']}; enforcement-ready: {ready:,}")
    console.print(f"{summary['stored']:,} changed assessments stored")


@policy_app.command("list")
def policies(
    output: Annotated[str, typer.Option("--format", help="table or json")] = "table",
) -> None:
    """The shipped prioritization policies, their versions, dates and tiers."""
    from sojourn.priority.policy import shipped

    rows = [
        {"policy": p.key, "title": p.title, "from": p.effective_from.isoformat(),
         "until": p.effective_until.isoformat() if p.effective_until else None,
         "tiers": list(p.tiers), "rules": len(p.rules), "factors": len(p.factors)}
        for p in shipped().values()
    ]  # fmt: skip
    if output == "json":
        console.print_json(json.dumps(rows))
        return
    table = Table(title="prioritization policies")
    for name in ("policy", "title", "from", "until", "tiers"):
        table.add_column(name, overflow="fold")
    for p in shipped().values():
        until = p.effective_until.isoformat() if p.effective_until else "-"
        table.add_row(p.key, p.title, p.effective_from.isoformat(), until, ", ".join(p.tiers))
    console.print(table)


@policy_app.command("activate")
def activate_command(
    key: Annotated[str, typer.Argument(help="id@version, from `sojourn policy list`.")],
    reason: Annotated[str, typer.Option(help="Why (kept with the switch and audited).")],
) -> None:
    """Make a shipped policy the active one (an audited administrator act)."""
    from sojourn.priority.policy import PolicyError
    from sojourn.priority.store import activate

    engine = store_engine()
    try:
        activate(engine, key, operator(), "administrator", reason)
    except PolicyError as exc:
        raise typer.BadParameter(str(exc)) from exc
    console.print(f"active policy: {key}")


def register(app: typer.Typer) -> None:
    app.command("assess")(assess)
    app.add_typer(policy_app, name="policy")
