"""The audit page's filter read from the query string (memorable dates kept as typed, with
errors a person can act on) and its events as CSV rows (projected as the page projects them)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from fastapi import Request
from sqlalchemy import Engine

from sojourn.api.models import ID, USERNAME
from sojourn.api.projection_cases import project_audit
from sojourn.audit.log import size
from sojourn.audit.queries import EventFilter, each_event
from sojourn.web.forms import FormError, Typed, memorable

#: The CSV's header row: each column's name says what it holds.
CSV_HEADER = (
    "seq (event number)", "at (UTC, ISO 8601)", "actor (user)", "role", "purpose of use",
    "action", "resource type", "resource ids (; between)", "fields (; between)",
    "decision (allow or deny)", "policy ids (; between)", "request id",
)  # fmt: skip
_KEYS = ("seq", "at", "actor", "role", "purpose", "action", "resource_type", "resource_ids",
         "fields", "decision", "policy_ids", "request_id")  # fmt: skip
#: A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class AuditQuery:
    """What the filter form sent: the filter, the dates as typed, and the errors."""

    which: EventFilter
    typed: dict[str, Typed]
    errors: dict[str, str] = field(default_factory=dict)

    def named(self) -> list[str]:
        """The person and user the filter names (an audit event's resources)."""
        return [x for x in (self.which.person, self.which.actor) if x]

    def detail(self) -> dict[str, str]:
        """The filter, for an audit event's detail."""
        w = self.which
        return {k: str(v) for k, v in (("person", w.person), ("actor", w.actor),
                ("action", w.action), ("from", w.start), ("to", w.end)) if v}  # fmt: skip


def _typed(request: Request, name: str) -> Typed:
    got = request.query_params
    return Typed(*(got.get(f"{name}_{part}", "")[:8] for part in ("day", "month", "year")))


def read_query(
    request: Request, person: str | None, actor: str | None, action: str | None
) -> AuditQuery:
    """The filter in the query string; a date that cannot be read is an error for its field."""
    typed = {"start": _typed(request, "start"), "end": _typed(request, "end")}
    errors: dict[str, str] = {}
    days = {}
    for name, label in (("start", "The first day"), ("end", "The last day")):
        try:
            days[name] = memorable(name, label, typed[name], past=False)
        except FormError as exc:
            errors[exc.field], days[name] = exc.message, None
    start, end = days["start"], days["end"]
    if start and end and end < start:
        errors["end"] = "The last day must be the same as or after the first day"
    person, actor = (x.strip() if x else None for x in (person, actor))
    if person and not re.match(ID, person):
        errors["person"] = "Enter a person id of letters, digits and . _ : - only"
    if actor and not re.match(USERNAME, actor):
        errors["actor"] = "Enter a user name of letters, digits and . _ @ - only"
    which = EventFilter(person or None, actor or None, action or None, start, end)
    return AuditQuery(which, typed, errors)


def _cell(value: Any) -> str:
    text = ";".join(str(v) for v in value) if isinstance(value, list) else str(value)
    return "'" + text if text.startswith(_FORMULA) else text


def _lines(rows: Iterable[Sequence[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def newest(engine: Engine) -> int:
    """The last event's number: an export covers the events up to it, no later ones."""
    with engine.connect() as conn:
        return size(conn)


def csv_lines(
    engine: Engine, which: EventFilter, upto: int, groups: frozenset[str]
) -> Iterator[str]:
    """The header, then each event the filter keeps up to event ``upto``, newest first, as
    the page shows it (ids of records the caller may not see left out)."""
    yield _lines([CSV_HEADER])
    with engine.connect() as conn:
        for batch in each_event(conn, replace(which, upto=upto)):  # one chunk a batch
            shown = project_audit(engine, batch, groups)
            yield _lines([[_cell(e[k]) for k in _KEYS] for e in shown])
