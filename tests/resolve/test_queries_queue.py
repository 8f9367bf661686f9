"""The identity review queue in SQL (issue 18, item 2): open reviews filtered by probability
band, source, age and assignee, sorted, counted and paged; only those whose records the
caller may see; a judgement closes a review and its retraction reopens it; claims append-only;
the next review of a queue."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine, insert, text

from sojourn.records import ingest_file, plan
from sojourn.resolve.judgements import judge, retract
from sojourn.resolve.queue import (
    ClaimError,
    QueueFilter,
    Visible,
    assignee_of,
    claim,
    next_review,
    queue_page,
    sources,
)  # fmt: skip
from sojourn.resolve.run import resolve_all
from sojourn.resolve.tables import reviews
from sojourn.store import make_engine, upgrade
from sojourn.synth import generate

#: Every kind of record, and no asylum application (as a caller without the asylum group).
EVERY = Visible(frozenset({"arrival", "departure", "status", "student", "court", "passport",
                           "numident", "self_departure", "naturalization"}),
                ("I-589", "I-485"))  # fmt: skip
NOW = dt.datetime.now(dt.UTC)


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    """A resolved population with ten planted reviews of pairs of arrivals (probabilities
    0.50 … 0.95, opened 0 … 45 days ago) and one of an asylum application."""
    out = tmp_path_factory.mktemp("queue")
    generate(300, 4, dt.date(2025, 9, 30), out / "synth")
    made = make_engine(f"sqlite:///{out / 'db.sqlite'}")
    upgrade(made)
    for item in plan([out / "synth"], None):
        ingest_file(made, item.path, item.mapping)
    resolve_all(made)
    with made.begin() as conn:
        conn.execute(text("DELETE FROM identity_reviews"))  # only the planted ones
        arrivals = (
            conn.execute(text("SELECT id FROM records WHERE kind = 'arrival' ORDER BY id LIMIT 20"))
            .scalars()
            .all()
        )
        asylum = conn.execute(text("SELECT id FROM records WHERE kind = 'status' "
                                   "AND event LIKE '%I-589%' LIMIT 1")).scalar_one()  # fmt: skip
        pairs = [sorted(arrivals[2 * i : 2 * i + 2]) for i in range(10)]
        pairs.append(sorted([arrivals[0], asylum]))
        for i, (a, b) in enumerate(pairs):
            conn.execute(insert(reviews).values(
                run_id=1, created_at=NOW - dt.timedelta(days=5 * i), record_l=a, record_r=b,
                person_l="P1", person_r="P2", match_probability=0.5 + 0.05 * (i % 10),
                model_version="m", reason="planted"))  # fmt: skip
    return made


def _ids(engine: Engine, f: QueueFilter, visible: Visible = EVERY, per: int = 50) -> list[int]:
    with engine.connect() as conn:
        return [r["id"] for r in queue_page(conn, visible, f, 0, per)[1]]


def test_counts_pages_and_orders(engine: Engine) -> None:
    with engine.connect() as conn:
        total, first = queue_page(conn, EVERY, QueueFilter(sort="oldest"), 0, 4)
        _, second = queue_page(conn, EVERY, QueueFilter(sort="oldest"), 4, 4)
    assert total == 10  # not the asylum application's
    assert [r["id"] for r in first + second] == _ids(engine, QueueFilter(sort="oldest"))[:8]
    oldest = [r["created_at"] for r in first + second]
    assert oldest == sorted(oldest)
    newest = _ids(engine, QueueFilter(sort="newest"))
    assert newest == _ids(engine, QueueFilter(sort="oldest"))[::-1]
    with engine.connect() as conn:
        best = [r["match_probability"] for r in queue_page(conn, EVERY, QueueFilter(), 0, 50)[1]]
    assert best == sorted(best, reverse=True)


def test_filters(engine: Engine) -> None:
    with engine.connect() as conn:
        rows = {r["id"]: r for r in queue_page(conn, EVERY, QueueFilter(), 0, 50)[1]}
        assert sources(conn, EVERY) == ["cbp-i94"]
    high = _ids(engine, QueueFilter(band="high"))
    assert high and all(rows[i]["match_probability"] >= 0.9 for i in high)
    low = _ids(engine, QueueFilter(band="low"))
    assert set(low) | set(_ids(engine, QueueFilter(band="mid"))) | set(high) == set(rows)
    old = _ids(engine, QueueFilter(older_than=20))
    assert old and all(NOW - rows[i]["created_at"].replace(tzinfo=dt.UTC) >= dt.timedelta(20)
                       for i in old)  # fmt: skip
    assert _ids(engine, QueueFilter(source="cbp-i94")) == _ids(engine, QueueFilter())
    assert _ids(engine, QueueFilter(source="sevis")) == []


def test_what_the_caller_may_not_see_is_not_counted(engine: Engine) -> None:
    assert len(_ids(engine, QueueFilter(), Visible(EVERY.kinds))) == 11  # with asylum
    assert len(_ids(engine, QueueFilter(), EVERY)) == 10
    assert _ids(engine, QueueFilter(), Visible(frozenset({"departure"}))) == []


def test_claims_and_the_assignee_filter(engine: Engine) -> None:
    one, two = _ids(engine, QueueFilter(sort="oldest"))[:2]
    with engine.begin() as conn:
        claim(conn, one, "ann", "ann")
        claim(conn, two, "sam", "bob")
        claim(conn, two, "sam", None)  # released
        assert assignee_of(conn, one) == "ann" and assignee_of(conn, two) is None
    assert _ids(engine, QueueFilter(assignee="me", me="ann")) == [one]
    assert _ids(engine, QueueFilter(assignee="bob")) == []
    assert one not in _ids(engine, QueueFilter(assignee="unassigned"))
    assert two in _ids(engine, QueueFilter(assignee="unassigned"))


def test_a_judgement_closes_and_a_retraction_reopens(engine: Engine) -> None:
    queue = _ids(engine, QueueFilter(sort="oldest"))
    review = queue[3]
    with engine.connect() as conn:
        row = conn.execute(text("SELECT record_l, record_r FROM identity_reviews WHERE id = :i"),
                           {"i": review}).one()  # fmt: skip
        assert next_review(conn, EVERY, QueueFilter(sort="oldest"), review) == queue[4]
        assert next_review(conn, EVERY, QueueFilter(sort="oldest"), queue[-1]) == queue[0]
    made = judge(engine, row.record_l, row.record_r, "different", "ann", "not the same")
    assert review not in _ids(engine, QueueFilter())
    with engine.begin() as conn, pytest.raises(ClaimError):
        claim(conn, review, "ann", "ann")
    retract(engine, made, "ann", "judged the wrong pair")
    assert review in _ids(engine, QueueFilter())
