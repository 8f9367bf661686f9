"""Human judgements on pairs of records: same person, not the same, or unsure.

Append-only: a judgement is never changed; a later one on the same pair supersedes it, and a
retraction (a row with verdict ``retracted`` pointing at the judgement it takes back) cancels
it. The effective judgement of a pair is its latest one that is not retracted. Judgements
name records, not persons, so they survive re-runs and retraining, and they always override
the model: ``same`` links the two records' persons, ``different`` keeps them apart.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import Connection, Engine, insert, select

from sojourn.records.tables import records
from sojourn.resolve.tables import judgements, reviews


class Verdict(StrEnum):
    SAME = "same"
    DIFFERENT = "different"
    UNSURE = "unsure"
    RETRACTED = "retracted"


class JudgementError(ValueError):
    """A judgement that cannot be recorded (unknown record, no reason, ...)."""


@dataclass(frozen=True)
class Judgement:
    id: int
    at: dt.datetime
    actor: str
    record_l: str
    record_r: str
    verdict: Verdict
    reason: str
    retracts: int | None
    review_id: int | None


def _pair(a: str, b: str) -> tuple[str, str]:
    if a == b:
        raise JudgementError("a judgement needs two different records")
    low, high = sorted((a, b))
    return low, high


def _check_records(conn: Connection, ids: tuple[str, str]) -> None:
    found = set(conn.execute(select(records.c.id).where(records.c.id.in_(ids))).scalars())
    missing = [i for i in ids if i not in found]
    if missing:
        raise JudgementError(f"no record with id {missing[0]}")


def judge(
    engine: Engine,
    record_a: str,
    record_b: str,
    verdict: Verdict | str,
    actor: str,
    reason: str,
    review_id: int | None = None,
) -> int:
    """Record a judgement on two records; return its id."""
    with engine.begin() as conn:
        return judge_on(conn, record_a, record_b, verdict, actor, reason, review_id)


def judge_on(
    conn: Connection,
    record_a: str,
    record_b: str,
    verdict: Verdict | str,
    actor: str,
    reason: str,
    review_id: int | None = None,
) -> int:
    """``judge`` in the caller's transaction (a redress decision and its judgement commit
    together)."""
    verdict = Verdict(verdict)
    if verdict is Verdict.RETRACTED:
        raise JudgementError("use retract() to take a judgement back")
    if not reason.strip() or not actor.strip():
        raise JudgementError("a judgement needs an actor and a reason")
    pair = _pair(record_a, record_b)
    _check_records(conn, pair)
    if review_id is not None:
        _check_review(conn, review_id, pair)
    values = {"record_l": pair[0], "record_r": pair[1], "verdict": verdict.value}
    return _insert(conn, actor, reason, values | {"review_id": review_id})


def retract(engine: Engine, judgement_id: int, actor: str, reason: str) -> int:
    """Take back a judgement; return the id of the retraction."""
    if not reason.strip() or not actor.strip():
        raise JudgementError("a retraction needs an actor and a reason")
    with engine.begin() as conn:
        row = conn.execute(select(judgements).where(judgements.c.id == judgement_id)).first()
        if row is None:
            raise JudgementError(f"no judgement with id {judgement_id}")
        if row.verdict == Verdict.RETRACTED:
            raise JudgementError(f"judgement {judgement_id} is itself a retraction")
        values = {
            "record_l": row.record_l,
            "record_r": row.record_r,
            "verdict": Verdict.RETRACTED.value,
            "retracts": judgement_id,
        }
        return _insert(conn, actor, reason, values)


def _insert(conn: Connection, actor: str, reason: str, values: dict[str, object]) -> int:
    now = dt.datetime.now(dt.UTC)
    row = {"at": now, "actor": actor, "reason": reason, **values}
    result = conn.execute(insert(judgements).values(**row).returning(judgements.c.id))
    return int(result.scalar_one())


def _check_review(conn: Connection, review_id: int, pair: tuple[str, str]) -> None:
    row = conn.execute(select(reviews).where(reviews.c.id == review_id)).first()
    if row is None:
        raise JudgementError(f"no identity review with id {review_id}")
    if (row.record_l, row.record_r) != pair:
        raise JudgementError(f"identity review {review_id} is about other records")


def history(conn: Connection) -> list[Judgement]:
    """Every judgement, oldest first."""
    rows = conn.execute(select(judgements).order_by(judgements.c.id)).all()
    return [Judgement(**{**r._mapping, "verdict": Verdict(r.verdict)}) for r in rows]


def effective(conn: Connection) -> dict[tuple[str, str], Judgement]:
    """The judgement in force for each judged pair: its latest judgement that is not
    retracted (retracting the latest brings back the one before)."""
    everything = history(conn)
    retracted = {j.retracts for j in everything if j.retracts is not None}
    current: dict[tuple[str, str], Judgement] = {}
    for item in everything:
        if item.verdict is not Verdict.RETRACTED and item.id not in retracted:
            current[(item.record_l, item.record_r)] = item
    return current


def _naive(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=None)


def open_review_rows(
    conn: Connection, record_ids: list[str] | None = None
) -> list[dict[str, object]]:
    """Identity reviews still open (of every record, or touching one of ``record_ids``): no
    judgement in force (``same``, ``different`` or ``unsure``, not retracted) was made on
    their pair since the review was opened. A retraction reopens the review its judgement
    had closed."""
    decided = {pair: _naive(j.at) for pair, j in effective(conn).items()}
    query = select(reviews).order_by(reviews.c.id)
    if record_ids is not None:
        r = reviews.c
        query = query.where(r.record_l.in_(record_ids) | r.record_r.in_(record_ids))
    rows = conn.execute(query).all()
    return [
        dict(r._mapping)
        for r in rows
        if (r.record_l, r.record_r) not in decided
        or decided[(r.record_l, r.record_r)] < _naive(r.created_at)
    ]
