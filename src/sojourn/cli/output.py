"""Rich tables and progress bars for the CLI."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    ProgressColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

if TYPE_CHECKING:
    from sojourn.records import BatchResult, QuarantinedRow
    from sojourn.records.queries import NotedValue, SourceCount


@contextmanager
def stage_progress(console: Console) -> Iterator[Callable[[str, int, int], None]]:
    """One progress bar for a job of stages, fed by ``progress(stage, done, total)``."""
    columns: tuple[ProgressColumn, ...] = (
        TextColumn("{task.description:<24}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console) as bar:
        task = bar.add_task("starting", total=1)

        def update(stage: str, done: int, total: int) -> None:
            bar.update(task, description=stage, completed=done, total=max(total, 1))

        yield update


@contextmanager
def ingest_progress(console: Console) -> Iterator[Callable[[Path, int, int], None]]:
    """A progress bar per file, in bytes read."""
    tasks: dict[Path, TaskID] = {}
    columns: tuple[ProgressColumn, ...] = (
        TextColumn("{task.description:<28}"),
        BarColumn(),
        DownloadColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console) as bar:

        def update(path: Path, done: int, total: int) -> None:
            if path not in tasks:
                tasks[path] = bar.add_task(path.name, total=max(total, 1))
            bar.update(tasks[path], completed=done)

        yield update


def batch_table(results: list[BatchResult]) -> Table:
    """One line per ingested file, with totals; ``noted`` (values made missing in kept rows,
    see ``sojourn quarantine notes``) when a file has any."""
    table = Table(title="ingest summary")
    attrs = ["rows", "records_new", "records_existing", "quarantined"]
    names = ["file", "source", "rows", "new records", "already stored", "quarantined"]
    if any(r.noted for r in results):
        attrs.append("noted")
        names.append("noted")
    for name in names:
        table.add_column(name, justify="right" if name in _NUMERIC else "left")
    table.add_column("batch")
    for r in results:
        note = "skipped: ingested before" if r.skipped else "ingested"
        table.add_row(r.file.name, r.source, *_figures([r], attrs), note)
    table.add_section()
    table.add_row("total", "", *_figures(results, attrs), f"{len(results)} files")
    return table


def _figures(results: list[BatchResult], attrs: list[str]) -> list[str]:
    return [f"{sum(getattr(r, a) for r in results):,}" for a in attrs]


_NUMERIC = {
    "rows", "new records", "already stored", "quarantined", "noted", "records", "batches", "row",
}  # fmt: skip


def counts_table(counts: list[SourceCount]) -> Table:
    """Records and quarantined rows per source."""
    table = Table(title="records per source")
    for name in ("source", "kind", "records", "quarantined", "batches"):
        table.add_column(name, justify="right" if name in _NUMERIC else "left")
    for c in counts:
        table.add_row(c.source, c.kind, f"{c.records:,}", f"{c.quarantined:,}", f"{c.batches:,}")
    return table


def notes_table(rows: list[NotedValue]) -> Table:
    """Values made missing in kept rows: file, row, field, record, note."""
    table = Table(title=f"values made missing, rows kept ({len(rows)} shown)")
    for name in ("file", "row", "field", "record", "note"):
        table.add_column(name, justify="right" if name in _NUMERIC else "left", overflow="fold")
    for r in rows:
        table.add_row(Path(r.file).name, str(r.row), escape(r.field), r.record_id, escape(r.note))
    return table


def quarantine_table(rows: list[QuarantinedRow]) -> Table:
    """Quarantined rows: file, row, field, reason."""
    table = Table(title=f"quarantined rows ({len(rows)} shown)")
    for name in ("file", "row", "field", "reason"):
        table.add_column(name, justify="right" if name in _NUMERIC else "left", overflow="fold")
    for r in rows:
        table.add_row(Path(r.file).name, str(r.row), escape(r.field), escape(r.reason))
    return table
