"""The presence data file (status/presence.yaml) is checked when it loads, and the timeline
flags an overstay no record of presence verifies (the day count does not change)."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest
import yaml

from sojourn.status.engine import timeline
from sojourn.status.events import make_event
from sojourn.status.presence import FILE, PresenceError, default_presence, parse_presence

RAW: dict[str, Any] = yaml.safe_load(FILE.read_text(encoding="utf-8"))


def _broken(change: Any) -> dict[str, Any]:
    raw = copy.deepcopy(RAW)
    change(raw)
    return raw


def test_the_shipped_file_is_cited_and_keeps_land_out() -> None:
    rules = default_presence()
    assert all(e.citation for e in rules.exits.values())
    assert all(k.citation for k in rules.kinds)
    assert rules.exit_recording("land").recording != "systematic"
    assert rules.exit_recording(None).mode == "unknown"
    assert all(e.presence_required for e in rules.exits.values() if e.recording != "systematic")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda r: r["presence"][0].update(kind="employment"), "unknown record kind 'employment'"),
        (lambda r: r["presence"][0].update(dates=["filed_by"]), "'filed_by' is not a date field"),
        (lambda r: r["presence"][3].update(require={"mood": True}), "'mood' is not a field"),
        (lambda r: r["presence"][0].pop("citation"), "missing citation"),
        (lambda r: r["presence"][0].update(extra=1), "unknown keys extra"),
        (lambda r: r["exits"][2].update(presence_required=False), "must require presence"),
        (lambda r: r["exits"][0].update(mode="rail"), "unknown mode 'rail'"),
        (lambda r: r["exits"].pop(), "an entry for mode 'unknown'"),
    ],
)
def test_a_bad_entry_is_an_error_naming_file_and_entry(change: Any, message: str) -> None:
    with pytest.raises(PresenceError, match=message) as found:
        parse_presence("presence.yaml", _broken(change))
    assert str(found.value).startswith("presence.yaml")


def test_an_unknown_kind_names_its_entry() -> None:
    raw = _broken(lambda r: r["presence"][0].update(kind="employment"))
    with pytest.raises(
        PresenceError, match=r"presence\.yaml: presence entry 'address_filing': unknown"
    ):
        parse_presence("presence.yaml", raw)


def test_the_timeline_flags_an_unverified_overstay() -> None:
    land = make_event("arrival", "arr", arrival_date="2021-06-24", class_of_admission="B2",
                      admit_until="2021-12-23", mode="land")  # fmt: skip
    as_of = dt.date(2026, 10, 1)
    alone = timeline([land], as_of)
    assert alone.current is not None and alone.current.status == "overstay"
    assert any(f.startswith("overstay unverified") and "2021-12-23" in f for f in alone.flags)
    seen = timeline([land, make_event("address", "ar11", effective_on="2024-03-10")], as_of)
    assert seen.flags == () and seen.overstay_days == alone.overstay_days
    within = timeline([land], dt.date(2021, 10, 1))
    assert within.flags == ()
