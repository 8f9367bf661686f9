"""The identity review queue, in SQL: open reviews filtered (probability band, either
record's source, age, assignee), sorted, counted and paged; the next review after one in the
same queue ("judge and next"); and claims and assignments, append-only (``review_claims``:
a review's assignee is its latest row's, none after a release).

Only reviews whose two records the caller may see are listed (``Visible``: the record kinds
of the caller's field groups, and status records of the forms it may not see left out), so
the totals count what the caller can open."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    and_,
    exists,
    false,
    func,
    insert,
    not_,
    or_,
    select,
)
from sqlalchemy.sql.selectable import NamedFromClause

from sojourn.records.tables import records
from sojourn.resolve.tables import judgements, review_claims, reviews

#: Probability bands: key → (label, lowest, highest; the highest band includes 1).
BANDS: dict[str, tuple[str, float, float]] = {
    "low": ("Below 0.7", 0.0, 0.7),
    "mid": ("0.7 to 0.9", 0.7, 0.9),
    "high": ("0.9 and above", 0.9, 1.0),
}
SORTS = {"probability": "Highest probability first", "oldest": "Oldest first",
         "newest": "Newest first"}  # fmt: skip
Sort = Literal["probability", "oldest", "newest"]
#: The assignee filter: anyone, nobody yet, the caller, or a user name.
ANYONE, UNASSIGNED, ME = "anyone", "unassigned", "me"


class ClaimError(ValueError):
    """A claim or assignment that cannot be made (review closed or unknown)."""


@dataclass(frozen=True)
class Visible:
    """What the caller may see: record kinds, and the status forms withheld from it."""

    kinds: frozenset[str]
    hidden_forms: tuple[str, ...] = ()


@dataclass(frozen=True)
class QueueFilter:
    band: str | None = None
    source: str | None = None
    older_than: int | None = None  # days since the review was opened
    assignee: str = ANYONE
    sort: Sort = "probability"
    me: str = ""
    now: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))


def _open() -> ColumnElement[bool]:
    """No judgement in force on the review's pair made since it was opened (a retraction
    reopens it)."""
    taken_back = select(judgements.c.retracts).where(judgements.c.retracts.is_not(None))
    j = judgements.alias("j")
    return not_(
        exists().where(
            j.c.record_l == reviews.c.record_l,
            j.c.record_r == reviews.c.record_r,
            j.c.verdict != "retracted",
            j.c.at >= reviews.c.created_at,
            j.c.id.not_in(taken_back),
        )
    )


def _seen(side: NamedFromClause, visible: Visible) -> ColumnElement[bool]:
    kinds = side.c.kind.in_(sorted(visible.kinds))
    forms = [side.c.event.like(f'%"form":{gap}"{f}"%') for f in visible.hidden_forms
             for gap in ("", " ")]  # fmt: skip
    return and_(kinds, not_(and_(side.c.kind == "status", or_(*forms)))) if forms else kinds


def _base(visible: Visible) -> Select[Any]:
    """Open reviews the caller may see, with each record's source and date and the current
    assignee."""
    left, right = records.alias("rl"), records.alias("rr")
    latest = (
        select(review_claims.c.review_id, func.max(review_claims.c.id).label("last"))
        .group_by(review_claims.c.review_id)
        .subquery("latest")
    )
    claim = review_claims.alias("claim")
    sides = [left.c.source.label("source_l"), left.c.event_date.label("date_l"),
             left.c.kind.label("kind_l"), right.c.source.label("source_r"),
             right.c.event_date.label("date_r"), right.c.kind.label("kind_r")]  # fmt: skip
    return (
        select(reviews, *sides, claim.c.assignee, claim.c.at.label("claimed_at"))
        .join(left, left.c.id == reviews.c.record_l)
        .join(right, right.c.id == reviews.c.record_r)
        .outerjoin(latest, latest.c.review_id == reviews.c.id)
        .outerjoin(claim, claim.c.id == latest.c.last)
        .where(_open(), _seen(left, visible), _seen(right, visible))
    )


def _filtered(query: Select[Any], f: QueueFilter) -> Select[Any]:
    q = query
    if f.band in BANDS:
        _, low, high = BANDS[f.band]
        top = reviews.c.match_probability <= high if high >= 1 else (
            reviews.c.match_probability < high)  # fmt: skip
        q = q.where(reviews.c.match_probability >= low, top)
    if f.source:
        q = q.where(or_(q.selected_columns.source_l == f.source,
                        q.selected_columns.source_r == f.source))  # fmt: skip
    if f.older_than:
        q = q.where(reviews.c.created_at < f.now - dt.timedelta(days=f.older_than))
    assignee = q.selected_columns.assignee
    if f.assignee == UNASSIGNED:
        q = q.where(assignee.is_(None))
    elif f.assignee == ME:
        q = q.where(assignee == f.me) if f.me else q.where(false())
    elif f.assignee != ANYONE:
        q = q.where(assignee == f.assignee)
    return q


def _ordered(query: Select[Any], sort: str) -> Select[Any]:
    if sort == "oldest":
        return query.order_by(reviews.c.created_at, reviews.c.id)
    if sort == "newest":
        return query.order_by(reviews.c.created_at.desc(), reviews.c.id.desc())
    return query.order_by(reviews.c.match_probability.desc(), reviews.c.id)


def queue_page(
    conn: Connection, visible: Visible, f: QueueFilter, offset: int, limit: int
) -> tuple[int, list[dict[str, Any]]]:
    """The number of open reviews matching ``f`` and one page of them, in its order."""
    query = _filtered(_base(visible), f)
    total = conn.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    rows = conn.execute(_ordered(query, f.sort).offset(offset).limit(limit)).all()
    return int(total), [dict(r._mapping) for r in rows]


def next_review(conn: Connection, visible: Visible, f: QueueFilter, after: int) -> int | None:
    """The review after ``after`` in the queue ``f`` (the first one when ``after`` has left
    the queue, as a judged review has); None if the queue is empty."""
    ids = [int(i) for i in conn.execute(_ordered(_filtered(_base(visible), f), f.sort)
                                        .with_only_columns(reviews.c.id)).scalars()]  # fmt: skip
    if after in ids:
        rest = ids[ids.index(after) + 1 :]
        return rest[0] if rest else (ids[0] if ids[0] != after else None)
    return ids[0] if ids else None


def sources(conn: Connection, visible: Visible) -> list[str]:
    """The sources of the records in open reviews (the choices of the source filter)."""
    q = _base(visible).subquery()
    found = conn.execute(select(q.c.source_l).union(select(q.c.source_r))).scalars()
    return sorted({str(s) for s in found if s})


def assignee_of(conn: Connection, review_id: int) -> str | None:
    query = (
        select(review_claims.c.assignee)
        .where(review_claims.c.review_id == review_id)
        .order_by(review_claims.c.id.desc())
        .limit(1)
    )
    return conn.execute(query).scalar()


def claim(conn: Connection, review_id: int, actor: str, assignee: str | None) -> int:
    """Give an open review to ``assignee`` (the actor themself for a claim; None releases
    it); return the claim row's id."""
    is_open = select(reviews.c.id).where(reviews.c.id == review_id, _open())
    if conn.execute(is_open).first() is None:
        raise ClaimError(f"identity review {review_id} is not open")
    row = {"review_id": review_id, "at": dt.datetime.now(dt.UTC), "actor": actor,
           "assignee": assignee}  # fmt: skip
    return int(
        conn.execute(insert(review_claims).values(**row).returning(review_claims.c.id)).scalar_one()
    )
