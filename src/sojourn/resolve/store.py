"""Reading and writing the resolve tables: models, current links, runs and their results."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl
from sqlalchemy import Connection, Select, bindparam, func, insert, select

from sojourn.resolve.identity import Identities
from sojourn.resolve.model import Model
from sojourn.resolve.tables import links, models, reviews, runs
from sojourn.resolve.thresholds import FALLBACK_ACCEPT, FALLBACK_REVIEW
from sojourn.settings import get_settings
from sojourn.store.bulk import insert_rows

LINK_SCHEMA = {
    "record_id": pl.Utf8,
    "person_id": pl.Utf8,
    "method": pl.Utf8,
    "model_version": pl.Utf8,
    "via_record_id": pl.Utf8,
    "match_probability": pl.Float64,
    "judgement_id": pl.Int64,
}


class NoModelError(LookupError):
    """No entity-resolution model has been trained yet."""


def save_model(conn: Connection, model: Model, records: int) -> None:
    """Store a model (once per version)."""
    known = conn.execute(select(models.c.version).where(models.c.version == model.version))
    if known.first() is None:
        trained = dt.datetime.fromisoformat(model.trained_at)
        conn.execute(
            insert(models).values(
                version=model.version, trained_at=trained, records=records, body=model.to_json()
            )
        )


def load_model(conn: Connection, version: str | None = None) -> Model:
    """The model of ``version``, or the most recently trained one."""
    query = select(models.c.version, models.c.body)
    if version is None:
        query = query.order_by(models.c.trained_at.desc(), models.c.version).limit(1)
    else:
        query = query.where(models.c.version == version)
    row = conn.execute(query).first()
    if row is None:
        raise NoModelError("no model yet: run `sojourn resolve train` or `sojourn resolve`")
    return Model.from_json(row.body, f"model {row.version}")


def current_links(conn: Connection) -> pl.DataFrame:
    """Each linked record's current link (its latest)."""
    latest = select(func.max(links.c.id)).group_by(links.c.record_id).scalar_subquery()
    query = select(*(links.c[name] for name in LINK_SCHEMA)).where(links.c.id.in_(latest))
    rows = conn.execute(query).all()
    return pl.DataFrame(rows, schema=LINK_SCHEMA, orient="row")


def _person_records_query() -> Select[tuple[str]]:
    later = links.alias("later")
    newer = (
        select(later.c.id)
        .where(later.c.record_id == links.c.record_id, later.c.id > links.c.id)
        .exists()
    )
    return select(links.c.record_id).where(links.c.person_id == bindparam("person"), ~newer)


#: Built once: the API asks it for every person view.
PERSON_RECORDS = _person_records_query()


def person_record_ids(conn: Connection, person_id: str) -> list[str]:
    """The records whose current link (their latest) names ``person_id``."""
    return sorted(str(r) for r in conn.execute(PERSON_RECORDS, {"person": person_id}).scalars())


def reviewed_pairs(conn: Connection) -> pl.DataFrame:
    """Record pairs that already have an identity-review item."""
    rows = conn.execute(select(reviews.c.record_l, reviews.c.record_r).distinct()).all()
    return pl.DataFrame(rows, schema={"id_l": pl.Utf8, "id_r": pl.Utf8}, orient="row")


@dataclass(frozen=True)
class RunHeader:
    kind: str
    model_version: str
    accept: float
    review: float
    started_at: dt.datetime
    records: int


def last_thresholds(conn: Connection) -> tuple[float, float]:
    """The accept and review thresholds of the latest batch run (default: the settings, or
    the fallbacks)."""
    query = select(runs.c.accept, runs.c.review).where(runs.c.kind == "batch")
    row = conn.execute(query.order_by(runs.c.id.desc()).limit(1)).first()
    if row is None:
        settings = get_settings()
        accept = settings.resolve_accept or FALLBACK_ACCEPT
        return accept, min(settings.resolve_review or FALLBACK_REVIEW, accept)
    return float(row.accept), float(row.review)


def next_run_id(conn: Connection) -> int:
    return int(conn.execute(select(func.coalesce(func.max(runs.c.id), 0))).scalar_one()) + 1


def write_results(
    conn: Connection,
    run_id: int,
    header: RunHeader,
    new_links: pl.DataFrame,
    identities: Identities,
    new_reviews: pl.DataFrame,
) -> dict[str, int]:
    """Write a run's new links, persons, events and reviews, then the run row; return the
    counts written."""
    now = dt.datetime.now(dt.UTC)
    insert_rows(conn, "links", _stamp(new_links, run_id, now, "linked_at"))
    created = pl.DataFrame({"id": list(identities.created)}, schema={"id": pl.Utf8})
    insert_rows(conn, "persons", _stamp(created, run_id, now, "created_at"))
    insert_rows(conn, "person_events", _events_frame(identities, run_id, now, header))
    insert_rows(conn, "identity_reviews", _stamp(new_reviews, run_id, now, "created_at"))
    actions = [e.action for e in identities.events]
    counts = {
        "links_written": new_links.height,
        "persons_created": len(identities.created),
        "merges": actions.count("merged"),
        "splits": actions.count("split"),
        "reviews_opened": new_reviews.height,
    }
    conn.execute(
        insert(runs).values(
            id=run_id,
            **vars(header),
            completed_at=dt.datetime.now(dt.UTC),
            persons=len(set(identities.persons.values())),
            **counts,
        )
    )
    return counts | linking_figures(identities, new_links)


def linking_figures(identities: Identities, new_links: pl.DataFrame) -> dict[str, int]:
    """What the run's links did, in plain words (shown, not stored): new persons of more than
    one record and their records, links written to persons that existed before the run, and
    records moved from one existing person to another (``merges`` counts only whole existing
    persons merged into another)."""
    several = [e.records for e in identities.events if e.action == "created" and e.records > 1]
    moved = sum(e.records for e in identities.events if e.action in ("merged", "moved"))
    created = pl.Series(list(identities.created), dtype=pl.Utf8)
    existing = ~pl.col("person_id").is_in(created.implode())
    return {
        "new_persons_of_several_records": len(several),
        "records_in_new_persons_of_several_records": sum(several),
        "links_written_to_existing_persons": new_links.filter(existing).height,
        "records_moved_between_existing_persons": moved,
    }


def _stamp(frame: pl.DataFrame, run_id: int, now: dt.datetime, column: str) -> pl.DataFrame:
    return frame.with_columns(
        pl.lit(run_id, dtype=pl.Int64).alias("run_id"),
        pl.lit(now, dtype=pl.Datetime("us", "UTC")).alias(column),
    )


def _events_frame(
    identities: Identities, run_id: int, now: dt.datetime, header: RunHeader
) -> pl.DataFrame:
    cause = f"{header.kind} run {run_id}, model {header.model_version}"
    rows = [(e.action, e.person_id, e.other_person_id, e.records, cause) for e in identities.events]
    schema = {
        "action": pl.Utf8,
        "person_id": pl.Utf8,
        "other_person_id": pl.Utf8,
        "records": pl.Int64,
        "cause": pl.Utf8,
    }
    return _stamp(pl.DataFrame(rows, schema=schema, orient="row"), run_id, now, "at")
