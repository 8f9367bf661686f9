"""After an identity judgement on the pages, the persons before and after it are resolved and
assessed again with their cases (a merge may bring a hard stop; a split may end a case)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest

from sojourn.web import pages_reviews


def test_a_judgement_reassesses_the_persons_before_and_after(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: dict[str, Any] = {}
    now = {"r1": "P1", "r2": "P1"}  # judged the same: both records now in P1
    monkeypatch.setattr(pages_reviews, "resolve_records",
                        lambda engine, records: calls.setdefault("resolved", records))  # fmt: skip
    monkeypatch.setattr(pages_reviews, "person_of_record", lambda engine, r: now[r])
    monkeypatch.setattr(pages_reviews, "today", lambda: dt.date(2026, 10, 1))

    def recompute(engine: object, day: dt.date, trigger: str, persons: list[str],
                  actor: object) -> None:  # fmt: skip
        calls["recompute"] = (day, trigger, persons, actor)

    monkeypatch.setattr(pages_reviews, "recompute", recompute)
    guard: Any = SimpleNamespace(engine="engine", actor=lambda: "the analyst")
    pages_reviews._follow(guard, ["r1", "r2"], ["P1", "P2"])
    assert calls["resolved"] == ["r1", "r2"]
    assert calls["recompute"] == (dt.date(2026, 10, 1), "identity judgement", ["P1", "P2"],
                                  "the analyst")  # fmt: skip
