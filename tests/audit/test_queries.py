"""Reading the audit log a page at a time: the filter (person, actor, action, days) applied in
SQL, the total it keeps, newest first, batches for an export, and the last verification."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine

from sojourn.audit.log import AuditEvent, append
from sojourn.audit.queries import (
    EventFilter,
    actions,
    count_events,
    each_event,
    events,
    last_verification,
    page_events,
)


def _fill(engine: Engine) -> None:
    """30 events over three days: actor user0..2 by turn, every third a search."""
    with engine.begin() as conn:
        for i in range(30):
            action = "person.search" if i % 3 == 0 else "person.read"
            event = AuditEvent(f"user{i % 3}", "analyst", "criminal_investigation", action,
                               "person", [f"P{i % 5}"])  # fmt: skip
            append(conn, event, at=f"2026-11-{10 + i // 10:02d}T12:{i:02d}:00+00:00")


def test_a_filter_counts_and_pages_in_sql(engine: Engine) -> None:
    _fill(engine)
    with engine.connect() as conn:
        assert count_events(conn, EventFilter()) == 30
        which = EventFilter(person="P1", actor="user1")  # i % 5 == 1 and i % 3 == 1: i = 1, 16
        assert [e["seq"] for e in page_events(conn, which)] == [17, 2]
        assert count_events(conn, which) == 2
        day = EventFilter(start=dt.date(2026, 11, 11), end=dt.date(2026, 11, 11))
        assert count_events(conn, day) == 10
        assert {e["at"][:10] for e in page_events(conn, day, 50)} == {"2026-11-11"}
        since = EventFilter(action="person.search", start=dt.date(2026, 11, 11))
        assert count_events(conn, since) == 6  # i = 12, 15, 18, 21, 24, 27
        second = page_events(conn, EventFilter(), 10, 10)
        assert [e["seq"] for e in second] == list(range(20, 10, -1))
        assert count_events(conn, EventFilter(upto=12)) == 12
        assert actions(conn) == ["person.read", "person.search"]
        assert [e["seq"] for e in events(conn, "P1", None, 3)] == [27, 22, 17]


def test_an_export_reads_every_event_in_batches(engine: Engine) -> None:
    _fill(engine)
    with engine.connect() as conn:
        batches = list(each_event(conn, EventFilter(actor="user0", upto=25), batch=3))
    assert [len(b) for b in batches] == [3, 3, 3]
    assert [e["seq"] for b in batches for e in b] == [25, 22, 19, 16, 13, 10, 7, 4, 1]


def test_the_last_verification_is_read_from_the_log(engine: Engine) -> None:
    _fill(engine)
    with engine.connect() as conn:
        assert last_verification(conn) is None
    with engine.begin() as conn:
        for ok in (False, True):
            result = {"ok": ok, "events": 30, "checkpoints": 0}
            append(conn, AuditEvent("po", "privacy_officer", "oversight_audit", "audit.read",
                                    "audit", detail={"verification": result}))  # fmt: skip
        append(conn, AuditEvent("po", "privacy_officer", "oversight_audit", "audit.read",
                                "audit", detail={"returned": 3}))  # fmt: skip
    with engine.connect() as conn:
        last = last_verification(conn)
    assert last is not None and last["ok"] is True and last["seq"] == 32 and last["actor"] == "po"
