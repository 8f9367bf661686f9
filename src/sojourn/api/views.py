"""The person views, built from a person's records already projected to the caller's field
groups: shared by the person routes and the export (which audits them once, together)."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter, defaultdict
from typing import Any

from sqlalchemy import Engine, select

from sojourn.access.fields import project_event, project_identity, record_group, visible
from sojourn.api.errors import ApiError
from sojourn.api.models import LinkView, PersonView, RecordView, Value
from sojourn.api.projection import project_status
from sojourn.api.security import Guard
from sojourn.records.tables import records as records_table
from sojourn.resolve.person import NoSuchPersonError, person_dossier
from sojourn.resolve.store import person_record_ids
from sojourn.resolve.tables import links
from sojourn.status.person import person_status, timeline_dict

Dossier = list[dict[str, Any]]


def visible_records(g: Guard, person_id: str) -> tuple[Dossier, frozenset[str]]:
    """The person's records whose field group the caller may see, and the caller's groups
    (404 for an unknown person)."""
    groups = g.field_groups()
    try:
        found = person_dossier(g.engine, person_id)
    except NoSuchPersonError as exc:
        raise ApiError(404, "not_found", str(exc)) from exc
    return [r for r in found if visible(r["kind"], r["event"], groups)], groups


def person_view(person_id: str, records: Dossier, groups: frozenset[str]) -> PersonView:
    """Identity values, each with the records that give it, and the records by kind."""
    values: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for r in records:
        for name, value in project_identity(r["identity"], groups).items():
            values[name][str(value)].append(r["id"])
    identity = {
        k: [Value(value=v, records=ids) for v, ids in vs.items()] for k, vs in values.items()
    }
    return PersonView(
        person_id=person_id,
        field_groups=sorted(groups),
        identity=identity,
        records=dict(Counter(r["kind"] for r in records)),
    )


def record_views(records: Dossier, groups: frozenset[str]) -> list[RecordView]:
    """Each record with its provenance (source, file, row), projected."""
    return [
        RecordView(
            id=r["id"],
            source=r["source"],
            source_record_id=r["source_record_id"],
            file=r["file"],
            row=r["row"],
            kind=r["kind"],
            event_date=r["event_date"],
            field_group=record_group(r["kind"], r["event"]),
            identity=project_identity(r["identity"], groups),
            event=project_event(r["kind"], r["event"], groups),
        )
        for r in records
    ]


def record_fields(views: list[RecordView]) -> list[str]:
    """The fields a list of record views returns, for the audit event."""
    return sorted({f"{v.kind}.{k}" for v in views for k in (*v.identity, *v.event)})


def link_views(engine: Engine, person_id: str, records: Dossier) -> list[LinkView]:
    """How each shown record was linked to the person (its latest link): probability,
    method, model version, run and the scored comparison behind it."""
    ids = sorted({r["id"] for r in records})
    with engine.connect() as conn:
        rows = conn.execute(
            select(links)
            .where(links.c.record_id.in_(ids), links.c.person_id == person_id)
            .order_by(links.c.id)
        ).all()
    latest = {r.record_id: r for r in rows}
    return [
        LinkView(
            record_id=r.record_id,
            probability=r.match_probability,
            method=r.method,
            model_version=r.model_version,
            run_id=r.run_id,
            evidence=json.loads(r.evidence) if r.evidence else None,
        )
        for r in latest.values()
    ]


def status_view(
    engine: Engine, person_id: str, as_of: dt.date, records: Dossier, groups: frozenset[str]
) -> dict[str, Any]:
    """The lifecycle timeline with rule citations, projected (``projection.project_status``:
    a record the caller may not see is left out, a pending relief application is named only
    to those who may see asylum applications). Raises LookupError for an unknown person."""
    result = person_status(engine, person_id, as_of)
    data: dict[str, Any] = json.loads(json.dumps(timeline_dict(result), default=str))
    relief = "asylum" not in groups and relief_on_record(engine, person_id)
    return project_status(data, groups, {r["id"] for r in records}, relief)


def relief_on_record(engine: Engine, person_id: str) -> bool:
    """Whether the person has a relief application (a form ``fields.yaml`` withholds with the
    asylum group) among their records."""
    with engine.connect() as conn:
        ids = person_record_ids(conn, person_id)
        query = select(records_table.c.kind, records_table.c.event).where(
            records_table.c.id.in_(ids), records_table.c.kind == "status"
        )
        found = conn.execute(query).all()
    return any(record_group(k, json.loads(e)) == "asylum" for k, e in found)
