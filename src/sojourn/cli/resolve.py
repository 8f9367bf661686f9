"""Entity-resolution commands: resolve, resolve train|model, explain, evaluate and export
links (thin layers over ``sojourn.resolve``); the identity reviews are in ``cli.reviews``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape

from sojourn.cli.output import stage_progress
from sojourn.cli.resolve_output import (
    evaluation_tables,
    explanation_view,
    model_tables,
    run_table,
)
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

    from sojourn.resolve.linkonly import Scope
    from sojourn.resolve.run import Progress, RunSummary

console = Console()
resolve_app = typer.Typer(
    help="Link every ingested record to a person (entity resolution).",
    invoke_without_command=True,
)
export_app = typer.Typer(help="Write results to files.")

Accept = Annotated[
    float | None,
    typer.Option(help="Link pairs at or above this probability [default: SOJOURN_RESOLVE_ACCEPT]."),
]
Review = Annotated[
    float | None,
    typer.Option(help="Pairs from here up to --accept open a review [SOJOURN_RESOLVE_REVIEW]."),
]
AllowDegenerate = Annotated[
    bool,
    typer.Option(
        "--allow-degenerate-model",
        help="Link even with a newly trained model that learned nothing (with a warning).",
    ),
]

LinkOnlySources = Annotated[
    tuple[str, str] | None,
    typer.Option(
        "--link-only",
        metavar="SOURCE_A SOURCE_B",
        help="Link the records of two sources (their mappings' source names) to each other, "
        "one-to-one, without deduplicating within either; other sources are untouched.",
    ),
]

Engine_ = Annotated[
    str,
    typer.Option(
        "--engine",
        help="Where the heavy stages run: 'local' (this process) or 'spark' (Apache Spark, "
        "SOJOURN_SPARK_MASTER; the same results). Link-only runs are local only.",
    ),
]
ENGINES = ("local", "spark")


@resolve_app.callback()
def resolve(
    ctx: typer.Context,
    accept: Accept = None,
    review: Review = None,
    purpose: WritePurpose = WRITE_PURPOSE,
    allow_degenerate: AllowDegenerate = False,
    link_only: LinkOnlySources = None,
    engine_name: Engine_ = "local",
) -> None:
    """Link every ingested record (train a model first if there is none). Person ids
    survive re-runs; human judgements override the model. Exits 1, linking nothing, when a
    newly trained model learned nothing (see --allow-degenerate-model), or when a source of
    --link-only has no records."""
    ctx.obj = purpose  # for `resolve train`
    if ctx.invoked_subcommand is not None:
        return
    from sojourn.resolve.linkonly import WHOLE_STORE, LinkOnly

    if engine_name not in ENGINES or (engine_name == "spark" and link_only is not None):
        raise typer.BadParameter(
            "--engine is 'local' or 'spark', and --link-only runs on 'local' only",
            param_hint="--engine",
        )
    engine = store_engine()
    scope = WHOLE_STORE if link_only is None else LinkOnly(*link_only)
    with _refusal(), audited(engine, purpose, "records.resolve", "resolution_run") as trail:
        with stage_progress(console) as progress:
            summary = _run(engine, engine_name, accept, review, progress, allow_degenerate, scope)
        trail.ids = [f"run-{summary.run_id}"]
        trail.detail = {"records": summary.records, "persons": summary.persons}
        if link_only is not None:
            trail.detail["link_only"] = list(link_only)
    console.print(run_table(summary))
    if summary.trained:
        _show_model(engine, summary.model_version)
    _warn(summary.warnings)
    reassess(engine, None, f"resolution run {summary.run_id}")


def _run(
    engine: Engine,
    engine_name: str,
    accept: float | None,
    review: float | None,
    progress: Progress,
    allow_degenerate: bool,
    scope: Scope,
) -> RunSummary:
    """The run on the chosen engine (PySpark imported only for ``spark``)."""
    if engine_name == "spark":
        from sojourn.spark.resolve import resolve_spark

        return resolve_spark(engine, accept, review, progress, allow_degenerate)
    from sojourn.resolve.run import resolve_all

    return resolve_all(engine, accept, review, progress, allow_degenerate, scope)


def _show_model(engine: Engine, version: str | None = None) -> None:
    from sojourn.resolve.store import load_model

    with engine.connect() as conn:
        model = load_model(conn, version)
    for table in model_tables(model):
        console.print(table)


@contextmanager
def _refusal() -> Iterator[None]:
    """A degenerate model, or a link-only source with no records: the message on stderr
    and exit code 1."""
    from sojourn.resolve.health import DegenerateModelError
    from sojourn.resolve.linkonly import UnknownSourceError

    try:
        yield
    except (DegenerateModelError, UnknownSourceError) as exc:
        Console(stderr=True).print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False)
        raise typer.Exit(1) from exc


def _warn(warnings: tuple[str, ...]) -> None:
    for warning in warnings:
        Console(stderr=True).print(f"[bold yellow]warning:[/] {escape(warning)}", highlight=False)


def reassess(
    engine: Engine, records: list[str] | None, trigger: str, before: tuple[str, ...] = ()
) -> None:
    """Persons changed: their assessments and cases follow (everyone after a full run; after
    a judgement, the persons of the judged records and those they had ``before`` it)."""
    from sojourn.cases.recompute import recompute
    from sojourn.resolve import queries
    from sojourn.settings import today

    persons = None
    if records is not None:
        found = {queries.person_of_record(engine, r) for r in records} | set(before)
        persons = sorted(p for p in found if p is not None)
    with console.status("assessing the persons and syncing their cases"):
        done = recompute(engine, today(), trigger, persons)
    console.print(
        f"{len(done.assessments):,} persons assessed: {done.stored:,} changed; cases opened "
        f"{done.opened:,}, tasks {done.tasks:,}, closed {done.closed:,}"
    )


@resolve_app.command("train")
def resolve_train(ctx: typer.Context, allow_degenerate: AllowDegenerate = False) -> None:
    """Train the model on every stored record and save it (database and a JSON file);
    exits 1 when it learned nothing (see --allow-degenerate-model)."""
    from sojourn.resolve.run import train_model
    from sojourn.settings import get_settings

    engine = store_engine()
    purpose = str(ctx.obj or WRITE_PURPOSE)
    with _refusal(), audited(engine, purpose, "model.train", "model") as trail:
        with stage_progress(console) as progress:
            model = train_model(engine, progress, allow_degenerate)
        trail.ids = [f"model-{model.version}"]
    models = get_settings().data_dir / "models"
    models.mkdir(parents=True, exist_ok=True)
    path = models / f"model-{model.version}.json"
    model.save(path)
    console.print(f"model {model.version} trained; saved to the database and {path}")
    _show_model(engine, model.version)


@resolve_app.command("model")
def resolve_model(
    version: Annotated[
        str | None, typer.Argument(help="A model version (default: latest).")
    ] = None,
) -> None:
    """The model's diagnostics: m, u and weight of every comparison level, the prior and how
    it was estimated, the values read as missing, and each EM session's convergence."""
    from sojourn.resolve.store import NoModelError

    engine = store_engine()
    try:
        _show_model(engine, version)
    except NoModelError as exc:
        Console(stderr=True).print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False)
        raise typer.Exit(1) from exc


def explain(
    record_id: Annotated[str, typer.Argument(help="A record id (see `sojourn export links`).")],
    purpose: ReadPurpose,
    output: Annotated[str, typer.Option("--format", help="table or json")] = "table",
) -> None:
    """Why a record belongs to its person: field-by-field levels and weights, prior, result."""
    from sojourn.resolve import queries

    engine = store_engine()
    result = queries.explain_record(engine, record_id)
    shown = [record_id, *([result.person_id] if result.person_id else [])]
    shown += [str(r["id"]) for r in result.person_records if "id" in r]
    record(engine, purpose, "record.explain", "record", shown)
    if output == "json":
        console.print_json(json.dumps(result.as_dict(), default=str))
    else:
        for part in explanation_view(result):
            console.print(part)


def evaluate(
    truth: Annotated[Path, typer.Option(help="The truth directory (holds records.csv).")],
    output: Annotated[str, typer.Option("--format", help="table or json")] = "table",
) -> None:
    """Measure the current links against ground truth, per name-origin group with 95% CIs."""
    from sojourn.resolve.evaluation import evaluate_links
    from sojourn.resolve.latency import measure_latency

    report = evaluate_links(store_engine(), truth, measure_latency)
    if output == "json":
        console.print_json(json.dumps(report, default=str))
    else:
        for table in evaluation_tables(report):
            console.print(table)


@export_app.command("links")
def export_links(
    out: Annotated[Path, typer.Option(help="CSV file to write.")],
    purpose: ReadPurpose,
) -> None:
    """One row per record: source, source_record_id, record_id, person_id, match_probability."""
    from sojourn.resolve import queries

    engine = store_engine()
    with audited(engine, purpose, "links.export", "links") as trail:
        trail.detail["out"] = str(out.resolve())
        rows = queries.export_links(engine, out)
        trail.detail["rows"] = rows
    console.print(f"wrote {rows:,} rows to {out}")


def show_resolution(truth: Path, purpose: str = WRITE_PURPOSE) -> None:
    """For the demo: resolve, explain one link, and measure against the truth."""
    from sojourn.resolve import queries
    from sojourn.resolve.evaluation import evaluate_links
    from sojourn.resolve.run import resolve_all

    engine = store_engine()
    with audited(engine, purpose, "records.resolve", "resolution_run") as trail:
        with stage_progress(console) as progress:
            summary = resolve_all(engine, progress=progress)
        trail.ids = [f"run-{summary.run_id}"]
    console.print(run_table(summary))
    example = queries.example_link(engine)
    if example is not None:
        record(engine, purpose, "record.explain", "record", [example])
        for part in explanation_view(queries.explain_record(engine, example)):
            console.print(part)
    for table in evaluation_tables(evaluate_links(engine, truth)):
        console.print(table)


def register(app: typer.Typer) -> None:
    """Add the entity-resolution commands to the main CLI."""
    app.add_typer(resolve_app, name="resolve")
    app.add_typer(export_app, name="export")
    for command in (explain, evaluate):
        app.command()(command)
