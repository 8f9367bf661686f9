"""The command line's audit trail. The operator runs commands with the database's own rights
(no token, no Cedar decision), so each command that reads or writes person data writes one
audit event as ``cli:<OS user>`` (role ``administrator``) with a purpose of use from the
access vocabulary: ``--purpose`` is required for a read, and a write defaults to
``civil_enforcement`` (the purpose the pipeline serves). A read is recorded before its data
is shown; a write when it starts and when it ends, failed or not. Bulk commands name their
batch or run and counts, not every id. When a command that appended events ends, a
checkpoint is signed (``checkpoint_on_close``)."""

from __future__ import annotations

import getpass
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Any

import typer

from sojourn.access.model import PURPOSES

if TYPE_CHECKING:
    from sqlalchemy import Engine

ROLE = "administrator"
WRITE_PURPOSE = "civil_enforcement"
CHOICES = ", ".join(PURPOSES)
MAX_IDS = 1000


def store_engine() -> Engine:
    """The configured store, migrated to the latest schema."""
    from sojourn.store import connect, upgrade

    engine = connect()
    upgrade(engine)
    return engine


def operator() -> str:
    """The audit log's name for whoever runs the command."""
    return f"cli:{getpass.getuser()}"


def _known(purpose: str | None) -> str | None:
    if purpose is not None and purpose not in PURPOSES:
        raise typer.BadParameter(f"unknown purpose {purpose!r}: one of {CHOICES}")
    return purpose


ReadPurpose = Annotated[
    str,
    typer.Option(
        help=f"Why you read person data (required; audited): {CHOICES}.",
        callback=_known,
        show_default=False,
    ),
]
WritePurpose = Annotated[
    str, typer.Option(help=f"Why you change person data (audited): {CHOICES}.", callback=_known)
]
MaybePurpose = Annotated[
    str | None,
    typer.Option(
        help=f"Why you read (required with --person; audited): {CHOICES}.", callback=_known
    ),
]


def require(purpose: str | None, why: str) -> str:
    """``purpose``, or a usage error (exit 2) saying why one is needed."""
    if purpose is None:
        raise typer.BadParameter(f"--purpose is required {why}: one of {CHOICES}")
    return purpose


def record(
    engine: Engine,
    purpose: str,
    action: str,
    kind: str,
    ids: Sequence[str] = (),
    detail: dict[str, Any] | None = None,
) -> None:
    """One event, in a transaction of its own: the operator did ``action`` for ``purpose``
    (more than ``MAX_IDS`` resources are counted, not named)."""
    from sojourn.audit import log

    named, detail = [str(i) for i in ids], dict(detail or {})
    if len(named) > MAX_IDS:
        named, detail["resources"] = [], len(named)
    event = log.AuditEvent(operator(), ROLE, purpose, action, kind, named, detail=detail)
    with engine.begin() as conn:
        log.append(conn, event)


@dataclass
class Trail:
    """What a write did, filled in as it goes: its resources and details."""

    ids: list[str] = field(default_factory=list)
    detail: dict[str, Any] = field(default_factory=dict)


@contextmanager
def audited(engine: Engine, purpose: str, action: str, kind: str) -> Iterator[Trail]:
    """Record a write before it starts (so a process killed mid-way still left a trace)
    and when it ends, with what it did; one that failed is recorded with its error."""
    trail = Trail()
    record(engine, purpose, action, kind, [], {"phase": "started"})
    try:
        yield trail
    except BaseException as exc:
        trail.detail["failed"] = type(exc).__name__
        record(engine, purpose, action, kind, trail.ids, {**trail.detail, "phase": "ended"})
        raise
    record(engine, purpose, action, kind, trail.ids, {**trail.detail, "phase": "ended"})


def _appended() -> int:
    """How many audit events this process has appended: none before the audit log module
    was first imported (it is imported by the commands that write, not by ``--help``)."""
    log = sys.modules.get("sojourn.audit.log")
    return 0 if log is None else int(log.appended())


def checkpoint_on_close(ctx: typer.Context) -> None:
    """Sign a checkpoint when the command ends if it appended any audit event (so the log's
    tail is signed and exported: cutting it is caught by ``sojourn audit verify``)."""
    before = _appended()

    def close() -> None:
        if _appended() == before:
            return
        from sojourn.audit.checkpoint import checkpoint_if_new
        from sojourn.store import connect

        engine = connect()
        try:
            checkpoint_if_new(engine)
        except Exception as exc:  # the command's own work stands; say the tail is unsigned
            typer.echo(f"warning: no audit checkpoint signed: {exc}", err=True)
        finally:
            engine.dispose()

    ctx.call_on_close(close)
